package io.offload.servers.jmx;

import io.offload.api.RuntimeStats;

import java.util.function.Supplier;

/**
 * The snapshot behind one runtime's MBeans, taken again only once it is older than a bound. A JMX client reads
 * attributes one at a time (a proxy's getters, jconsole's attribute table, an exporter's scrape): without the cache
 * every attribute would take a snapshot of its own, folding every phase histogram each time, and the figures of one
 * refresh would come from different moments (a server showing more completed than picked up). With it, the
 * attributes a client reads within the bound agree, and a refresh costs one snapshot however many attributes it
 * reads. Operations that change what a snapshot shows (switching recording, resetting phases) drop it.
 */
final class StatsCache
{
    /**
     * A snapshot and when it was taken.
     *
     * @param stats    the runtime's figures.
     * @param nanoTime {@link System#nanoTime()} just before they were read.
     */
    record Snapshot(RuntimeStats stats, long nanoTime)
    {
    }

    private final Supplier<RuntimeStats> source;
    private final long maxAgeNanos;
    private Snapshot last;

    /**
     * @param source      takes a snapshot.
     * @param maxAgeNanos how old a snapshot may be before a read takes a new one; 0 for a new one every read.
     */
    StatsCache(final Supplier<RuntimeStats> source, final long maxAgeNanos)
    {
        if (maxAgeNanos < 0)
        {
            throw new IllegalArgumentException("maxAgeNanos must be >= 0, got " + maxAgeNanos);
        }
        this.source = source;
        this.maxAgeNanos = maxAgeNanos;
    }

    /**
     * @return the last snapshot if younger than the bound, else a new one.
     */
    synchronized Snapshot get()
    {
        final long now = System.nanoTime();
        if (last == null || now - last.nanoTime() >= maxAgeNanos)
        {
            last = new Snapshot(source.get(), now);
        }
        return last;
    }

    /**
     * @return a new snapshot, which later reads share.
     */
    synchronized Snapshot refresh()
    {
        last = new Snapshot(source.get(), System.nanoTime());
        return last;
    }

    /**
     * Drop the snapshot: the next read takes a new one.
     */
    synchronized void invalidate()
    {
        last = null;
    }
}
