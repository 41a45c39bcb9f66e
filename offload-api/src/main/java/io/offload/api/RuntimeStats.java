package io.offload.api;

import java.util.List;

/**
 * A snapshot of a runtime: its servers and its entry pool.
 *
 * @param servers          every server, by class then index.
 * @param entriesInUse     entries claimed by calls in flight.
 * @param entriesAllocated entries the pool has allocated (pages times entries per page).
 * @param maxEntries       the pool's bound.
 * @param rejected         calls refused by the back-pressure policy (full ring or pool at its bound).
 * @param inlineCalls      calls that ran on the caller's thread because their route is INLINE.
 */
public record RuntimeStats(
    List<ServerStats> servers, int entriesInUse, int entriesAllocated, int maxEntries, long rejected,
    long inlineCalls)
{
    /**
     * @param servers the servers.
     * @param entriesInUse entries claimed.
     * @param entriesAllocated entries allocated.
     * @param maxEntries the bound.
     * @param rejected calls refused.
     * @param inlineCalls calls run inline.
     */
    public RuntimeStats
    {
        servers = List.copyOf(servers);
    }

    /**
     * @return a fixed-width text table, one row per server.
     */
    public String toTable()
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format("%-18s %-8s %5s %5s %12s %12s %10s %10s %8s %6s%n",
            "server", "class", "cpu", "now", "picked", "completed", "failed", "batches", "maxBatch", "depth"));
        for (final ServerStats s : servers)
        {
            out.append(String.format("%-18s %-8s %5s %5d %12d %12d %10d %10d %8d %6d%n",
                s.name(), s.syscallClass(), s.requestedCpu() < 0 ? "-" : (s.pinned() ? "" : "!") + s.requestedCpu(),
                s.currentCpu(), s.pickedUp(), s.completed(), s.failed(), s.batches(), s.maxBatch(), s.queueDepth()));
        }
        out.append(String.format("entries in use %d, allocated %d of %d; rejected %d; inline calls %d%n",
            entriesInUse, entriesAllocated, maxEntries, rejected, inlineCalls));
        return out.toString();
    }
}
