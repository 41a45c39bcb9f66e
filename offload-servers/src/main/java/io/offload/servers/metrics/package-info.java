/**
 * Phase and server figures where server teams look: {@link io.offload.servers.metrics.OffloadMetrics}, a Micrometer
 * {@code MeterBinder} (micrometer-core is an optional dependency: add it to use this class), and
 * {@link io.offload.servers.metrics.PhaseLog}, which writes the phase histograms as an HdrHistogram log
 * ({@code .hlog}) for HistogramLogAnalyzer and the other tools that read one. Both are built only from
 * {@code runtime.stats()}; JMX (io.offload.servers.jmx) is unchanged beside them.
 */
package io.offload.servers.metrics;
