package io.offload.servers.routing;

/**
 * The adaptive route's rule, GenerOS's trade in one comparison: offloading a call moves its cost (the system
 * call itself, HANDLE) off the caller but adds the hand-off (ENTER, FLYIN, FLYOUT, EXIT). A call whose direct cost
 * is below its hand-off cost loses by being offloaded (getpid, and open/close in GenerOS); one whose direct cost
 * is above wins (4 KiB reads and writes). Hysteresis keeps a call near the line from flapping.
 *
 * @param hysteresis fraction either side of the line, e.g. 0.25: go INLINE when direct &lt; 0.75 x hand-off, come
 *                   back when direct &gt; 1.25 x hand-off.
 */
public record InlineRule(double hysteresis)
{
    /** The default: 25% either side. */
    public static final InlineRule DEFAULT = new InlineRule(0.25);

    /**
     * @param hysteresis the margin, in [0, 1).
     */
    public InlineRule
    {
        if (!(hysteresis >= 0 && hysteresis < 1))
        {
            throw new IllegalArgumentException("hysteresis must be in [0, 1), got " + hysteresis);
        }
    }

    /**
     * @param inlineNow    whether the call runs inline now.
     * @param directNanos  its cost run on the caller (median).
     * @param handoffNanos its hand-off cost when offloaded (median total minus median HANDLE).
     * @return whether it should run inline from now on.
     */
    public boolean inline(final boolean inlineNow, final double directNanos, final double handoffNanos)
    {
        if (inlineNow)
        {
            return !(directNanos > handoffNanos * (1 + hysteresis));
        }
        return directNanos < handoffNanos * (1 - hysteresis);
    }
}
