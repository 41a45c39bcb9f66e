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
 * @param recording        the phase recording in force.
 * @param calls            recorded phases per syscall (empty while recording has always been off).
 * @param nowaitHits       FILE reads answered on the caller's thread from the page cache ({@code preadv2} with
 *                         {@code RWF_NOWAIT}), with no hand-off to a server.
 * @param nowaitMisses     FILE reads that tried that first and went to a server (not cached, or the fd refused
 *                         RWF_NOWAIT).
 */
public record RuntimeStats(
    List<ServerStats> servers, int entriesInUse, int entriesAllocated, int maxEntries, long rejected,
    long inlineCalls, PhaseRecording recording, List<CallStats> calls, long nowaitHits, long nowaitMisses)
{
    /**
     * The snapshot of version 0.1, before the caller's RWF_NOWAIT fast path: no hits, no misses.
     *
     * @param servers          the servers.
     * @param entriesInUse     entries claimed.
     * @param entriesAllocated entries allocated.
     * @param maxEntries       the bound.
     * @param rejected         calls refused.
     * @param inlineCalls      calls run inline.
     * @param recording        the phase recording.
     * @param calls            recorded phases per syscall.
     */
    public RuntimeStats(
        final List<ServerStats> servers, final int entriesInUse, final int entriesAllocated, final int maxEntries,
        final long rejected, final long inlineCalls, final PhaseRecording recording, final List<CallStats> calls)
    {
        this(servers, entriesInUse, entriesAllocated, maxEntries, rejected, inlineCalls, recording, calls, 0, 0);
    }

    /**
     * @param servers the servers.
     * @param entriesInUse entries claimed.
     * @param entriesAllocated entries allocated.
     * @param maxEntries the bound.
     * @param rejected calls refused.
     * @param inlineCalls calls run inline.
     * @param recording the phase recording.
     * @param calls recorded phases per syscall.
     * @param nowaitHits reads answered on the caller by RWF_NOWAIT.
     * @param nowaitMisses reads that tried RWF_NOWAIT and went to a server.
     */
    public RuntimeStats
    {
        servers = List.copyOf(servers);
        calls = List.copyOf(calls);
    }

    /**
     * @return a fixed-width text table, one row per server.
     */
    public String toTable()
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format("%-18s %-8s %-8s %5s %5s %12s %12s %10s %10s %8s %6s%n",
            "server", "class", "executor", "cpu", "now", "picked", "completed", "failed", "batches", "maxBatch",
            "depth"));
        for (final ServerStats s : servers)
        {
            out.append(String.format("%-18s %-8s %-8s %5s %5d %12d %12d %10d %10d %8d %6d%n",
                s.name(), s.syscallClass(), s.executor(),
                s.requestedCpu() < 0 ? "-" : (s.pinned() ? "" : "!") + s.requestedCpu(),
                s.currentCpu(), s.pickedUp(), s.completed(), s.failed(), s.batches(), s.maxBatch(), s.queueDepth()));
        }
        out.append(String.format("entries in use %d, allocated %d of %d; rejected %d; inline calls %d; " +
            "nowait reads: hits %d, misses %d%n",
            entriesInUse, entriesAllocated, maxEntries, rejected, inlineCalls, nowaitHits, nowaitMisses));
        if (!servers.isEmpty() && !servers.get(0).executorReason().isEmpty())
        {
            out.append(servers.get(0).executorReason()).append(String.format("%n"));
        }
        return out.toString();
    }

    /**
     * @return the snapshot as Markdown tables (servers, then recorded phases per syscall), for logs and bug
     *         reports.
     */
    public String toMarkdown()
    {
        final StringBuilder out = new StringBuilder();
        out.append("| server | class | executor | cpu | now | picked | completed | failed | cancelled | batches " +
            "| max batch " +
            "| waiting | depth | errors |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (final ServerStats s : servers)
        {
            out.append("| ").append(s.name()).append(" | ").append(s.syscallClass()).append(" | ")
                .append(s.executor()).append(" | ")
                .append(s.requestedCpu() < 0 ? "any" : (s.pinned() ? "" : "!") + s.requestedCpu()).append(" | ")
                .append(s.currentCpu()).append(" | ").append(s.pickedUp()).append(" | ").append(s.completed())
                .append(" | ").append(s.failed()).append(s.failuresByErrno().isEmpty() ? "" : " " +
                s.failuresByErrno()).append(" | ").append(s.cancelled()).append(" | ").append(s.batches())
                .append(" | ").append(s.maxBatch()).append(" | ").append(s.waiting()).append(" | ")
                .append(s.queueDepth()).append(" | ").append(s.errors()).append(" |\n");
        }
        out.append("\nentries in use ").append(entriesInUse).append(", allocated ").append(entriesAllocated)
            .append(" of ").append(maxEntries).append("; rejected ").append(rejected).append("; inline calls ")
            .append(inlineCalls).append("; nowait reads: hits ").append(nowaitHits).append(", misses ")
            .append(nowaitMisses).append("; phase recording ").append(recording).append("\n");
        if (!servers.isEmpty() && !servers.get(0).executorReason().isEmpty())
        {
            out.append("\n").append(servers.get(0).executorReason()).append("\n");
        }
        if (!calls.isEmpty())
        {
            out.append("\n| syscall | calls | ENTER p50 | FLYIN p50 | HANDLE p50 | FLYOUT p50 | EXIT p50 | TOTAL p50 " +
                "| TOTAL p99 | direct p50 |\n");
            out.append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (final CallStats c : calls)
            {
                out.append("| ").append(c.syscall().cName()).append(" | ").append(c.phase(Phase.TOTAL).count());
                for (final Phase phase : Phase.values())
                {
                    out.append(" | ").append(c.phase(phase).p50());
                }
                out.append(" | ").append(c.phase(Phase.TOTAL).p99()).append(" | ")
                    .append(c.direct() == null ? "-" : Long.toString(c.direct().p50())).append(" |\n");
            }
            out.append("\n(nanoseconds)\n");
        }
        return out.toString();
    }
}
