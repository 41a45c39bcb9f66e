package io.offload.examples.workloads;

import io.offload.examples.JsonWriter;
import io.offload.examples.ReportMain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything a run of the workloads found, and how it is printed: tables for the terminal, JSON for a file.
 *
 * @param nproc          CPUs this process may run on.
 * @param onlineCpus     what the JVM sees.
 * @param javaVersion    the JDK.
 * @param os             the OS.
 * @param cpuModel       the CPU's model name.
 * @param loadBefore     /proc/loadavg's 1, 5 and 15 minute load averages when the run began.
 * @param loadAfter      the same when it ended.
 * @param options        what ran.
 * @param appCpu         the callers' CPU, or -1.
 * @param callersPinned  whether every caller thread got it.
 * @param serverCpu      the zCore server's CPU, or -1.
 * @param serverPinned   whether the zCore server got it.
 * @param waitStrategy   the zCore callers' wait strategy.
 * @param idleStrategy   the zCore server's idle strategy.
 * @param treeFiles      files in the directory.
 * @param treeBytes      their bytes.
 * @param notes          what did not go as planned.
 * @param rows           one per zCore task run.
 * @param offloadedCalls calls the offloaded zCore runs made (warm-up included).
 * @param serverCalls    calls the zCore server completed.
 * @param statsTable     the zCore runtime's stats at the end, or "".
 * @param mixConfig      the mix, or null.
 * @param mixRows        one per layout.
 * @param mixRewritten   blocks the mix rewrote, verified whole.
 */
public record WorkloadsReport(int nproc, int onlineCpus, String javaVersion, String os, String cpuModel,
    String loadBefore, String loadAfter, WorkloadsOptions options, int appCpu, boolean callersPinned, int serverCpu,
    boolean serverPinned, String waitStrategy, String idleStrategy, int treeFiles, long treeBytes, List<String> notes,
    List<WorkloadsReport.TaskRow> rows, long offloadedCalls, long serverCalls, String statsTable,
    FileMix.Config mixConfig, List<WorkloadsReport.MixRow> mixRows, long mixRewritten) implements ReportMain.Report
{
    /**
     * One zCore task: its median times and what both sides computed.
     *
     * @param task         the task.
     * @param waitStrategy how its callers waited for offloaded calls.
     * @param syscalls     system calls of one run (all copies).
     * @param directMs     each direct run, ms, in order.
     * @param offloadedMs  each offloaded run, ms, in order.
     * @param expected     what the run had to compute.
     * @param direct       what the direct runs computed (all equal).
     * @param offloaded    what the offloaded runs computed (all equal).
     */
    public record TaskRow(ZcoreTask task, String waitStrategy, long syscalls, double[] directMs,
        double[] offloadedMs, Tally expected, Tally direct, Tally offloaded)
    {
        /** @return the median direct run, ms. */
        public double directMedianMs()
        {
            return Workloads.median(directMs);
        }

        /** @return the median offloaded run, ms. */
        public double offloadedMedianMs()
        {
            return Workloads.median(offloadedMs);
        }

        /** @return offloaded over direct, as the thesis' implementation over original zCore. */
        public double ratio()
        {
            return offloadedMedianMs() / directMedianMs();
        }

        /** @return whether both sides computed the same and what they had to. */
        public boolean verified()
        {
            return direct.equals(offloaded) && direct.matches(expected);
        }
    }

    /**
     * One layout of the mix.
     *
     * @param layout       one of {@link Workloads#MIX_LAYOUTS}.
     * @param title        what the table calls it.
     * @param callers      where the caller threads ran.
     * @param serverCpu    the server's CPU (-1: unpinned), or null without a server.
     * @param serverPinned whether the server got its CPU.
     * @param waitStrategy the callers' wait strategy, or "-".
     * @param idleStrategy the server's idle strategy, or "-".
     * @param runs         each timed run.
     */
    public record MixRow(String layout, String title, String callers, Integer serverCpu, boolean serverPinned,
        String waitStrategy, String idleStrategy, List<FileMix.Result> runs)
    {
        /** @return the run with the median ops per second. */
        public FileMix.Result medianRun()
        {
            final List<FileMix.Result> sorted = new ArrayList<>(runs);
            sorted.sort((a, b) -> Double.compare(a.opsPerSecond(), b.opsPerSecond()));
            return sorted.get(sorted.size() / 2);
        }

        /** @return median ops per second. */
        public double opsPerSecond()
        {
            return medianRun().opsPerSecond();
        }
    }

    /**
     * @param nproc          nproc.
     * @param onlineCpus     online CPUs.
     * @param javaVersion    Java.
     * @param os             OS.
     * @param cpuModel       CPU.
     * @param loadBefore     load before.
     * @param loadAfter      load after.
     * @param options        options.
     * @param appCpu         callers' CPU.
     * @param callersPinned  callers pinned.
     * @param serverCpu      server CPU.
     * @param serverPinned   server pinned.
     * @param waitStrategy   wait strategy.
     * @param idleStrategy   idle strategy.
     * @param treeFiles      files.
     * @param treeBytes      bytes.
     * @param notes          notes.
     * @param rows           rows.
     * @param offloadedCalls offloaded calls made.
     * @param serverCalls    calls the server completed.
     * @param statsTable     stats.
     * @param mixConfig      mix.
     * @param mixRows        mix rows.
     * @param mixRewritten   rewritten blocks.
     */
    public WorkloadsReport
    {
        notes = List.copyOf(notes);
        rows = List.copyOf(rows);
        mixRows = List.copyOf(mixRows);
    }

    /** @return the machine line. */
    public String header()
    {
        return String.format(Locale.ROOT, "offload workloads: nproc %d%s, Java %s, %s, %s", nproc,
            onlineCpus == nproc ? "" : " (JVM availableProcessors " + onlineCpus + ")", javaVersion, os,
            cpuModel);
    }

    /** @return the zCore table. */
    public String taskTable()
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-6s %-21s %13s %11s %13s %7s %13s %12s %6s  %s%n", "task",
            "what", "syscalls/run", "direct ms", "offloaded ms", "ratio", "thesis ramfs", "thesis disk", "table",
            "check"));
        for (final TaskRow r : rows)
        {
            out.append(String.format(Locale.ROOT, "%-6s %-21s %,13d %11.1f %13.1f %7.2f %13.2f %12.2f %6s  %s%n",
                r.task().id(), r.task().what(), r.syscalls(), r.directMedianMs(), r.offloadedMedianMs(),
                r.ratio(), r.task().thesisRamfsRatio(), r.task().thesisDiskRatio(), r.task().thesisTable(),
                (r.verified() ? "ok: " : "MISMATCH: ") + r.direct().summary()));
        }
        return out.toString();
    }

    /** @return the mix table. */
    public String mixTable()
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-30s %-8s %-7s %-20s %-8s %8s %10s %8s %10s %9s%n", "layout",
            "callers", "server", "wait", "idle", "ops", "syscalls", "seconds", "ops/s", "vs direct"));
        final double direct = mixRows.isEmpty() ? Double.NaN : mixRows.getFirst().opsPerSecond();
        for (final MixRow r : mixRows)
        {
            final FileMix.Result m = r.medianRun();
            out.append(String.format(Locale.ROOT, "%-30s %-8s %-7s %-20s %-8s %,8d %,10d %8.3f %,10.0f %9.2f%n",
                r.title(), r.callers(), r.serverCpu() == null ? "-" : cpuName(r.serverCpu(), r.serverPinned()),
                r.waitStrategy(), r.idleStrategy(), m.ops(), m.syscalls(), m.elapsedNanos() / 1e9, m.opsPerSecond(),
                m.opsPerSecond() / direct));
        }
        return out.toString();
    }

    private static String cpuName(final int cpu, final boolean pinned)
    {
        return cpu < 0 ? "any" : "cpu " + cpu + (pinned ? "" : "?");
    }

    /** @return everything, as printed. */
    public String toText()
    {
        final StringBuilder out = new StringBuilder();
        final ZcoreTask.Sizes sizes = options.sizes();
        out.append(header()).append('\n');
        out.append("load average (1, 5, 15 min): ").append(loadBefore).append(" at the start, ").append(loadAfter)
            .append(" at the end\n");
        out.append(String.format(Locale.ROOT, "scale %s: Task0 %,d loops, Task1 %,d rounds, Task2 %,d pass(es), " +
            "mix %,d ops per thread; %d timed run(s) per side, medians shown; direct and offloaded alternate%n",
            plain(options.scale()), sizes.loops(), sizes.rounds(), sizes.passes(),
            mixConfig == null ? 0 : mixConfig.opsPerThread(), options.repeats()));
        for (final String note : notes)
        {
            out.append("note: ").append(note).append('\n');
        }
        if (!rows.isEmpty())
        {
            out.append('\n').append("zCore thesis tasks (Appendix A; Tables 5.2-5.7)\n");
            out.append(String.format(Locale.ROOT, "layout: callers (platform threads, 1 or 2) %s; offloaded: one " +
                "FILE server, PROCESS routed to it, %s;%n        callers wait %s; server idles %s%n",
                appCpu < 0 ? "unpinned" : "pinned to cpu " + appCpu + (callersPinned ? "" : " (refused)"),
                serverCpu < 0 ? "unpinned" : "pinned to cpu " + serverCpu + (serverPinned ? "" : " (refused)"),
                waitStrategy, idleStrategy));
            if (treeFiles > 0)
            {
                out.append(String.format(Locale.ROOT, "directory: %,d generated files, %,d bytes (%d B .. %d KiB," +
                    " log-normal, median %d KiB, seed %#x), page-cached like the thesis' ramfs%n", treeFiles,
                    treeBytes, SourceTree.MIN_SIZE, SourceTree.MAX_SIZE / 1024,
                    (int)SourceTree.MEDIAN_SIZE / 1024, SourceTree.DEFAULT_SEED));
            }
            out.append('\n').append(taskTable());
            out.append("(ratio = offloaded / direct, like the thesis' = its implementation / original zCore; " +
                "thesis figures: QEMU+KVM guest on an i5-8279U,\n original zCore on one CPU vs system calls " +
                "on a second CPU; 'check' = both sides computed the same, and what the generated files say)\n");
            out.append(String.format(Locale.ROOT, "offloaded calls made %,d, completed by the server %,d%n",
                offloadedCalls, serverCalls));
        }
        if (mixConfig != null)
        {
            out.append('\n').append(String.format(Locale.ROOT, "GenerOS-style file mix (in place of TPC-H): " +
                "%d platform threads x %,d ops; %d files x %d KiB; op = open, %d x pread %d KiB, pwrite %d KiB, " +
                "fsync every %dth op, close%n", mixConfig.threads(), mixConfig.opsPerThread(),
                mixConfig.files(), mixConfig.fileSize() / 1024, mixConfig.readsPerOp(),
                mixConfig.ioSize() / 1024, mixConfig.ioSize() / 1024, mixConfig.fsyncEvery()));
            out.append('\n').append(mixTable());
            out.append(String.format(Locale.ROOT, "(median of %d run(s) per layout; every block verified whole " +
                "afterwards, %,d rewritten; GenerOS: TPC-H on Oracle +19.6%% with kernel servers)%n",
                options.repeats(), mixRewritten));
        }
        if (!statsTable.isEmpty())
        {
            out.append('\n').append("zCore runtime stats, one runtime per wait strategy:\n").append(statsTable);
        }
        return out.toString();
    }

    /** @return the same figures as JSON. */
    public String toJson()
    {
        final JsonWriter j = JsonWriter.pretty().beginObject();
        j.name("machine").beginObject().member("nproc", nproc).member("onlineCpus", onlineCpus)
            .member("java", javaVersion).member("os", os).member("cpu", cpuModel)
            .member("loadBefore", loadBefore).member("loadAfter", loadAfter).endObject();
        j.name("options").beginObject().member("scale", options.scale()).name("tasks").beginArray();
        for (final ZcoreTask t : options.tasks())
        {
            j.value(t.id());
        }
        j.endArray().member("mix", options.mix()).member("repeats", options.repeats())
            .member("files", options.files()).member("threads", options.threads()).endObject();
        j.name("notes").beginArray();
        for (final String note : notes)
        {
            j.value(note);
        }
        j.endArray();
        j.name("zcore").beginObject();
        j.name("layout").beginObject().member("callerThreads", "platform").member("callerCpu", appCpu)
            .member("callersPinned", callersPinned).member("serverClass", "FILE").name("routed").beginArray()
            .value("PROCESS").endArray().member("serverCpu", serverCpu).member("serverPinned", serverPinned)
            .member("waitStrategy", waitStrategy).member("idleStrategy", idleStrategy).endObject();
        final ZcoreTask.Sizes sizes = options.sizes();
        j.name("sizes").beginObject().member("loops", sizes.loops()).member("rounds", sizes.rounds())
            .member("passes", sizes.passes()).endObject();
        j.name("directory").beginObject().member("files", treeFiles).member("bytes", treeBytes)
            .member("minSize", SourceTree.MIN_SIZE).member("maxSize", SourceTree.MAX_SIZE)
            .member("medianSize", (long)SourceTree.MEDIAN_SIZE).member("sigma", SourceTree.SIGMA)
            .member("seed", SourceTree.DEFAULT_SEED).member("readSize", ZcoreTask.WC_READ_SIZE)
            .member("getdentsSize", ZcoreTask.DENTS_SIZE).endObject();
        j.member("unit", "ms per run (median of repeats); ratio = offloaded / direct");
        j.name("rows").beginArray();
        for (final TaskRow r : rows)
        {
            final ZcoreTask t = r.task();
            j.beginObject().member("task", t.id()).member("what", t.what()).member("copies", t.copies())
                .member("waitStrategy", r.waitStrategy())
                .member("syscalls", r.syscalls()).member("directMs", r.directMedianMs())
                .member("offloadedMs", r.offloadedMedianMs()).member("ratio", r.ratio());
            runs(j, "directRunsMs", r.directMs());
            runs(j, "offloadedRunsMs", r.offloadedMs());
            j.name("thesis").beginObject().member("table", t.thesisTable())
                .member("ramfsOriginalMs", t.ramfsOriginalMs()).member("ramfsOffloadedMs", t.ramfsOffloadedMs())
                .member("ramfsRatio", t.thesisRamfsRatio()).member("diskOriginalMs", t.diskOriginalMs())
                .member("diskOffloadedMs", t.diskOffloadedMs()).member("diskRatio", t.thesisDiskRatio())
                .endObject();
            j.name("result");
            tally(j, r.direct());
            j.member("verified", r.verified()).endObject();
        }
        j.endArray();
        j.member("offloadedCalls", offloadedCalls).member("serverCompleted", serverCalls);
        j.member("stats", statsTable).endObject();
        if (mixConfig != null)
        {
            j.name("mix").beginObject().member("callerThreads", "platform")
                .member("threads", mixConfig.threads()).member("opsPerThread", mixConfig.opsPerThread())
                .member("files", mixConfig.files()).member("fileSize", mixConfig.fileSize())
                .member("ioSize", mixConfig.ioSize()).member("readsPerOp", mixConfig.readsPerOp())
                .member("fsyncEvery", mixConfig.fsyncEvery()).member("rewrittenBlocks", mixRewritten);
            j.name("rows").beginArray();
            final double direct = mixRows.isEmpty() ? Double.NaN : mixRows.getFirst().opsPerSecond();
            for (final MixRow r : mixRows)
            {
                final FileMix.Result m = r.medianRun();
                j.beginObject().member("layout", r.layout()).member("title", r.title())
                    .member("callers", r.callers());
                if (r.serverCpu() == null)
                {
                    j.name("serverCpu").nullValue();
                }
                else
                {
                    j.member("serverCpu", r.serverCpu().longValue());
                }
                j.member("serverPinned", r.serverPinned()).member("wait", r.waitStrategy())
                    .member("idle", r.idleStrategy())
                    .member("ops", m.ops()).member("syscalls", m.syscalls()).member("fsyncs", m.fsyncs())
                    .member("seconds", m.elapsedNanos() / 1e9).member("opsPerSecond", m.opsPerSecond())
                    .member("vsDirect", m.opsPerSecond() / direct);
                j.name("runsOpsPerSecond").beginArray();
                for (final FileMix.Result run : r.runs())
                {
                    j.value(run.opsPerSecond());
                }
                j.endArray().endObject();
            }
            j.endArray().endObject();
        }
        return j.endObject().toString();
    }

    private static void runs(final JsonWriter j, final String name, final double[] values)
    {
        j.name(name).beginArray();
        for (final double v : values)
        {
            j.value(v);
        }
        j.endArray();
    }

    private static void tally(final JsonWriter j, final Tally tally)
    {
        j.beginObject();
        switch (tally)
        {
            case Tally.Pids p -> j.member("loops", p.loops()).member("pid", p.pid()).member("ppid", p.ppid());
            case Tally.Stats s -> j.member("entries", s.entries()).member("regularFiles", s.regularFiles())
                .member("bytes", s.bytes());
            case Tally.Words w -> j.member("files", w.files()).member("lines", w.lines())
                .member("words", w.words()).member("bytes", w.bytes());
        }
        j.endObject();
    }

    private static String plain(final double value)
    {
        return new java.math.BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }
}
