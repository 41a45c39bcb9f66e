package io.offload.api;

/**
 * Percentiles of one phase of one call (or one server), in nanoseconds.
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
public record PhaseStats(Phase phase, long count, double mean, long p50, long p90, long p99, long p999, long max)
{
}
