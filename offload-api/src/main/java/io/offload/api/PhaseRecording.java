package io.offload.api;

/**
 * How many calls have their five phases timestamped and recorded. Switchable while the runtime runs.
 *
 * @param mode      off, sampled or all.
 * @param sampleOne record one call in this many when sampled, {@code >= 2}; 1 for all; 0 for off.
 */
public record PhaseRecording(Mode mode, int sampleOne)
{
    /** Recording modes. */
    public enum Mode
    {
        /** Nothing recorded: one volatile read per call. */
        OFF,
        /** About one call in {@code sampleOne}, chosen at random per call. */
        SAMPLED,
        /** Every call. */
        ALL
    }

    /** Nothing recorded. */
    public static final PhaseRecording OFF = new PhaseRecording(Mode.OFF, 0);
    /** Every call recorded. */
    public static final PhaseRecording ALL = new PhaseRecording(Mode.ALL, 1);

    /**
     * @param mode      the mode.
     * @param sampleOne the rate.
     */
    public PhaseRecording
    {
        if (mode == null)
        {
            throw new IllegalArgumentException("mode must not be null");
        }
        if (mode == Mode.SAMPLED && sampleOne < 2)
        {
            throw new IllegalArgumentException("a sampled recording records 1 in N calls with N >= 2, got " + sampleOne);
        }
        if (mode == Mode.ALL && sampleOne != 1 || mode == Mode.OFF && sampleOne != 0)
        {
            throw new IllegalArgumentException(mode + " takes sampleOne " + (mode == Mode.ALL ? 1 : 0));
        }
    }

    /**
     * @param n record one call in {@code n}, {@code n >= 2}.
     * @return a sampled recording.
     */
    public static PhaseRecording sampled(final int n)
    {
        return new PhaseRecording(Mode.SAMPLED, n);
    }

    /**
     * Parse "off", "all" or "1/N" (the form of the {@code offload.phases} system property).
     *
     * @param text the text.
     * @return the recording.
     */
    public static PhaseRecording parse(final String text)
    {
        final String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("off"))
        {
            return OFF;
        }
        if (t.equals("all"))
        {
            return ALL;
        }
        if (t.startsWith("1/"))
        {
            try
            {
                return sampled(Integer.parseInt(t.substring(2)));
            }
            catch (final NumberFormatException ignored)
            {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("phase recording '" + text + "' is not off, all or 1/N (e.g. 1/64)");
    }

    @Override
    public String toString()
    {
        return mode == Mode.SAMPLED ? "1/" + sampleOne : mode.name().toLowerCase(java.util.Locale.ROOT);
    }
}
