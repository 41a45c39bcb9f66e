package io.offload.examples;

import java.util.List;
import java.util.Locale;

/**
 * Everything the tour found, and how it is printed: a table for the terminal, JSON for a file.
 *
 * @param nproc          CPUs this process may run on.
 * @param onlineCpus     CPUs the JVM sees ({@code availableProcessors}).
 * @param javaVersion    {@link Runtime#version()}.
 * @param os             OS name, version and architecture.
 * @param options        what ran.
 * @param callerCpu      the CPU the caller asked for, or -1 for unpinned.
 * @param callerPinned   whether the caller is pinned there.
 * @param serverCpu      the CPU the server asked for, or -1 for unpinned.
 * @param serverPinned   whether the server is pinned there.
 * @param waitStrategy   how the caller waited.
 * @param idleStrategy   what the server did when idle.
 * @param notes          what did not go as planned (pinning refused, one CPU).
 * @param rows           one per call.
 * @param statsTable     the runtime's stats table at the end.
 */
public record TourReport(int nproc, int onlineCpus, String javaVersion, String os, TourOptions options,
    int callerCpu, boolean callerPinned, int serverCpu, boolean serverPinned, String waitStrategy,
    String idleStrategy, List<String> notes, List<TourReport.Row> rows, String statsTable)
    implements ReportMain.Report
{
    /**
     * One line of the table.
     *
     * @param call          what was timed.
     * @param directNs      median nanoseconds per call on the caller's thread.
     * @param offloadedNs   median nanoseconds per call through the runtime.
     * @param callerCpu     the caller's CPU after the run (sched_getcpu on the caller).
     * @param serverCpu     the server's CPU as its stats report it (sampled by the server).
     * @param serverCallCpu the CPU an offloaded sched_getcpu ran on (the server's, asked through the runtime).
     */
    public record Row(String call, double directNs, double offloadedNs, int callerCpu, int serverCpu,
        int serverCallCpu)
    {
        /**
         * @return offloaded over direct: above 1 the hand-off costs more than it saves on this machine.
         */
        public double ratio()
        {
            return offloadedNs / directNs;
        }
    }

    /**
     * @param nproc        CPUs allowed.
     * @param onlineCpus   CPUs seen.
     * @param javaVersion  Java version.
     * @param os           OS.
     * @param options      options.
     * @param callerCpu    caller's CPU.
     * @param callerPinned caller pinned.
     * @param serverCpu    server's CPU.
     * @param serverPinned server pinned.
     * @param waitStrategy wait strategy.
     * @param idleStrategy idle strategy.
     * @param notes        notes.
     * @param rows         rows.
     * @param statsTable   stats table.
     */
    public TourReport
    {
        notes = List.copyOf(notes);
        rows = List.copyOf(rows);
    }

    /**
     * @return the header line: the machine and how the tour ran on it.
     */
    public String header()
    {
        return String.format(Locale.ROOT, "offload tour: nproc %d%s, Java %s, %s", nproc,
            onlineCpus == nproc ? "" : " (JVM availableProcessors " + onlineCpus + ")", javaVersion, os);
    }

    /**
     * @return the layout line: where the caller and the server ran.
     */
    public String layout()
    {
        return String.format(Locale.ROOT,
            "layout: caller %s, FILE server %s (PROCESS routed to it); wait %s, server idle %s; " +
            "%d samples x %d calls per call and side after %d warm-up samples",
            placement(callerCpu, callerPinned), placement(serverCpu, serverPinned), waitStrategy, idleStrategy,
            options.samples(), options.batch(), options.warmup());
    }

    private static String placement(final int cpu, final boolean pinned)
    {
        if (cpu < 0)
        {
            return "unpinned";
        }
        return pinned ? "pinned to cpu " + cpu : "unpinned (cpu " + cpu + " refused)";
    }

    /**
     * @return the table of calls, fixed width, one line per call.
     */
    public String table()
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-12s %11s %14s %7s %11s %11s %16s%n",
            "call", "direct ns", "offloaded ns", "ratio", "caller cpu", "server cpu", "sched_getcpu@srv"));
        for (final Row r : rows)
        {
            out.append(String.format(Locale.ROOT, "%-12s %11.1f %14.1f %7.2f %11d %11d %16d%n",
                r.call(), r.directNs(), r.offloadedNs(), r.ratio(), r.callerCpu(), r.serverCpu(),
                r.serverCallCpu()));
        }
        return out.toString();
    }

    /**
     * @return everything the tour prints.
     */
    public String toText()
    {
        final StringBuilder out = new StringBuilder();
        out.append(header()).append('\n');
        out.append(layout()).append('\n');
        for (final String note : notes)
        {
            out.append("note: ").append(note).append('\n');
        }
        out.append('\n').append(table());
        out.append("(median ns per call; ratio = offloaded / direct; open+close = one openat and one close; " +
            "stat = statx; pread = 4 KiB from the page cache)\n");
        out.append('\n').append("runtime stats:\n").append(statsTable);
        return out.toString();
    }

    /**
     * @return the same figures as a JSON object.
     */
    public String toJson()
    {
        final JsonWriter j = JsonWriter.pretty().beginObject();
        j.member("nproc", nproc).member("onlineCpus", onlineCpus).member("java", javaVersion).member("os", os)
            .member("samples", options.samples()).member("warmup", options.warmup())
            .member("batch", options.batch()).member("waitStrategy", waitStrategy)
            .member("idleStrategy", idleStrategy);
        j.name("caller").inline().beginObject().member("cpu", callerCpu).member("pinned", callerPinned).endObject();
        j.name("server").inline().beginObject().member("class", "FILE").name("routed").beginArray()
            .value("PROCESS").endArray().member("cpu", serverCpu).member("pinned", serverPinned).endObject();
        j.name("notes").beginArray();
        notes.forEach(j::value);
        j.endArray();
        j.member("unit", "ns per call (median)");
        j.name("rows").beginArray();
        for (final Row r : rows)
        {
            j.inline().beginObject().member("call", r.call()).member("directNs", r.directNs(), 2)
                .member("offloadedNs", r.offloadedNs(), 2).member("ratio", r.ratio(), 2)
                .member("callerCpu", r.callerCpu()).member("serverCpu", r.serverCpu())
                .member("serverSchedGetcpu", r.serverCallCpu()).endObject();
        }
        j.endArray();
        return j.member("stats", statsTable).endObject().toString();
    }
}

