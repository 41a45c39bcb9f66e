package io.offload.examples;

import java.nio.file.Path;

/**
 * What the tour runs.
 *
 * @param samples timed samples per call and side.
 * @param warmup  untimed samples per call and side before them.
 * @param batch   calls per sample.
 * @param json    where to write the JSON, or null.
 */
public record TourOptions(int samples, int warmup, int batch, Path json)
{
    /** Timed samples per call and side, unless {@code --samples}. */
    public static final int DEFAULT_SAMPLES = 20_000;
    /** Calls per timed sample, unless {@code --batch}. */
    public static final int DEFAULT_BATCH = 16;

    /** The tour's options, as {@code --help} prints them. */
    public static final String USAGE = """
        usage: tour [--samples N] [--warmup N] [--batch N] [--json FILE]
          --samples N  timed samples per call and side (default 20000)
          --warmup N   untimed samples per call and side first (default: samples / 4, at least 1000)
          --batch N    calls per timed sample (default 16)
          --json FILE  also write the figures to FILE as JSON
        """;

    /**
     * @param samples timed samples.
     * @param warmup  warm-up samples.
     * @param batch   calls per sample.
     * @param json    JSON output, or null.
     */
    public TourOptions
    {
        if (samples < 1)
        {
            throw new IllegalArgumentException("--samples must be >= 1, got " + samples);
        }
        if (warmup < 0)
        {
            throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
        }
        if (batch < 1)
        {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
    }

    /**
     * @param samples timed samples per call and side.
     * @return options with that many samples and every other setting at its default.
     */
    public static TourOptions ofSamples(final int samples)
    {
        return new TourOptions(samples, defaultWarmup(samples), DEFAULT_BATCH, null);
    }

    private static int defaultWarmup(final int samples)
    {
        return Math.max(1_000, samples / 4);
    }

    /**
     * @param args command-line arguments; empty strings are ignored (a build tool may pass one).
     * @return the options.
     * @throws IllegalArgumentException for an unknown option or a bad value, with the usage.
     * @throws CommandLine.HelpRequested for {@code --help}.
     */
    public static TourOptions parse(final String... args)
    {
        int samples = DEFAULT_SAMPLES;
        Integer warmup = null;
        int batch = DEFAULT_BATCH;
        Path json = null;
        final CommandLine in = new CommandLine(USAGE, args);
        while (in.next())
        {
            switch (in.option())
            {
                case "--samples" -> samples = in.wholeNumber(1);
                case "--warmup" -> warmup = in.wholeNumber(0);
                case "--batch" -> batch = in.wholeNumber(1);
                case "--json" -> json = Path.of(in.value());
                case "-h", "--help" -> throw new CommandLine.HelpRequested();
                default -> throw in.unknown();
            }
        }
        return new TourOptions(samples, warmup != null ? warmup : defaultWarmup(samples), batch, json);
    }
}
