package io.offload.servers.jmx;

import io.offload.api.PhaseStats;

/**
 * One row of recorded phase figures, in nanoseconds: one syscall (or one server's calls) and one phase. A flat row
 * rather than a nested structure so that JMX clients (jconsole, JMX-to-metrics exporters, offload-top) see a plain
 * table of numbers: the MXBean mapping turns a list of these into an array of {@code CompositeData}.
 *
 * @param syscall    the call's C name ({@code "getpid"}), or {@code "all"} for a server's calls of every kind.
 * @param phase      {@code ENTER}, {@code FLYIN}, {@code HANDLE}, {@code FLYOUT}, {@code EXIT}, {@code TOTAL}, or
 *                   {@code DIRECT} for the duration of calls the runtime ran inline on the caller's thread.
 * @param count      calls recorded.
 * @param meanNanos  mean.
 * @param p50Nanos   median.
 * @param p90Nanos   90th percentile.
 * @param p99Nanos   99th percentile.
 * @param p999Nanos  99.9th percentile.
 * @param maxNanos   maximum.
 */
public record PhaseRow(String syscall, String phase, long count, double meanNanos, long p50Nanos, long p90Nanos,
    long p99Nanos, long p999Nanos, long maxNanos)
{
    /** The phase name of rows that hold the duration of inline calls. */
    public static final String DIRECT = "DIRECT";
    /** The syscall name of a server's rows, which mix every call it ran. */
    public static final String ALL_CALLS = "all";

    /**
     * @param syscall the call, or "all".
     * @param phase   the phase name, or "DIRECT".
     * @param stats   the figures.
     * @return the row.
     */
    static PhaseRow of(final String syscall, final String phase, final PhaseStats stats)
    {
        return new PhaseRow(syscall, phase, stats.count(), stats.mean(), stats.p50(), stats.p90(), stats.p99(),
            stats.p999(), stats.max());
    }
}
