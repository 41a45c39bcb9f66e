package io.offload.api;

/**
 * Percentiles of one phase of one call (or one server), in nanoseconds, and the whole distribution they come from.
 *
 * @param phase            the phase.
 * @param count            calls recorded.
 * @param mean             mean.
 * @param p50              median.
 * @param p90              90th percentile.
 * @param p99              99th percentile.
 * @param p999             99.9th percentile.
 * @param max              maximum.
 * @param encodedHistogram every recorded value: the HdrHistogram in its compressed encoding, Base64, as one
 *                         interval line of a {@code .hlog} carries it ({@code Histogram.decodeFromCompressedByteBuffer}
 *                         reads it back; offload-servers' {@code PhaseLog} writes it as a log); empty when nothing
 *                         was recorded. Never null.
 */
public record PhaseStats(
    Phase phase, long count, double mean, long p50, long p90, long p99, long p999, long max, String encodedHistogram)
{
    /**
     * @param phase            the phase.
     * @param count            calls recorded.
     * @param mean             mean.
     * @param p50              median.
     * @param p90              90th percentile.
     * @param p99              99th percentile.
     * @param p999             99.9th percentile.
     * @param max              maximum.
     * @param encodedHistogram the encoded distribution, or null or empty for none.
     */
    public PhaseStats
    {
        encodedHistogram = encodedHistogram == null ? "" : encodedHistogram;
    }

    /**
     * Figures without the distribution.
     *
     * @param phase the phase.
     * @param count calls recorded.
     * @param mean  mean.
     * @param p50   median.
     * @param p90   90th percentile.
     * @param p99   99th percentile.
     * @param p999  99.9th percentile.
     * @param max   maximum.
     */
    public PhaseStats(
        final Phase phase, final long count, final double mean, final long p50, final long p90, final long p99,
        final long p999, final long max)
    {
        this(phase, count, mean, p50, p90, p99, p999, max, "");
    }

    /**
     * @return the figures; the encoded distribution only by its length (it runs to kilobytes).
     */
    @Override
    public String toString()
    {
        return "PhaseStats[phase=" + phase + ", count=" + count + ", mean=" + mean + ", p50=" + p50 + ", p90=" + p90 +
            ", p99=" + p99 + ", p999=" + p999 + ", max=" + max + ", encodedHistogram=" + encodedHistogram.length() +
            " chars]";
    }
}
