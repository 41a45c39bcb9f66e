package io.offload.examples.workloads;

import io.offload.api.RawSyscalls;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import io.offload.api.SyscallClass;
import io.offload.api.WaitStrategy;
import io.offload.examples.ReportMain;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import io.offload.servers.libc.CpuAffinity;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The papers' workloads, each run direct and offloaded in one run, beside the papers' own figures.
 * <ul>
 *   <li>The zCore thesis' Task0 to Task5 (its Appendix A; Tables 5.2 to 5.7): getpid+getppid 10,000,000 times;
 *       stat every entry of a 1,200-file directory, 100 rounds; busybox wc over every file in 1 KiB reads; and two
 *       concurrent copies of each. Direct, every call runs on the caller's thread; offloaded, on one FILE server
 *       (PROCESS routed to it) pinned to the second CPU, the thesis' CPU1. In both, the callers are pinned to the
 *       first CPU, the thesis' CPU0, as original zCore ran everything on one CPU.</li>
 *   <li>A GenerOS-style file-system mix in place of TPC-H: platform threads doing open, 4 random 4 KiB preads, a
 *       pwrite, an fsync every 16th op and close over 64 files of 256 KiB, in each core layout a 2-CPU machine
 *       allows: no server; a FILE server on the second CPU; a FILE server sharing the callers' CPU; and, for
 *       reference, no server with the callers on both CPUs.</li>
 * </ul>
 * Run it from the repository root with
 * <pre>
 *   ./mvnw -q -pl offload-examples -am package -DskipTests -Dworkloads -Doffload.args="--scale 0.1"
 * </pre>
 * Every run is checked, not only timed: each task's direct and offloaded tallies must be equal and equal to what
 * the generated files say (words, lines, bytes, stat count, pid); the mix's blocks must all be whole afterwards.
 * Direct and offloaded runs alternate, {@code --repeats} of each, and the table shows medians.
 */
public final class Workloads
{
    /** The mix's layouts, in table order. */
    public static final List<String> MIX_LAYOUTS = List.of("direct", "server-other-cpu", "server-same-cpu",
        "direct-all-cpus");
    /** Spins before a caller parks when it shares its CPU with the server (the tour's one-CPU setting). */
    static final int SHARED_SPINS = 200;

    private static final String USAGE = """
        usage: Workloads [--scale F] [--tasks LIST] [--json FILE] [--repeats N] [--files N] [--threads N]
          --scale F    multiply the papers' iteration counts (Task0 10,000,000 loops, Task1 100 rounds, Task2 one
                       pass, mix 2,000 ops per thread); default 1
          --tasks LIST comma-separated: task0 .. task5 (or 0 .. 5), mix, zcore (= task0-5), all; default all
          --json FILE  also write the figures to FILE as JSON
          --repeats N  timed runs per task, layout and side; the table shows medians; default 3
          --files N    files in the generated directory; default 1200, the thesis' count
          --threads N  caller threads of the mix; default 8
        """;

    private Workloads()
    {
    }

    /**
     * What to run.
     *
     * @param scale   multiplies iteration counts.
     * @param tasks   zCore tasks to run, in order.
     * @param mix     whether to run the mix.
     * @param json    where to write JSON, or null.
     * @param repeats timed runs per side.
     * @param files   files in the directory.
     * @param threads mix threads.
     */
    public record Options(double scale, List<ZcoreTask> tasks, boolean mix, Path json, int repeats, int files,
        int threads)
    {
        /**
         * @param scale   scale.
         * @param tasks   tasks.
         * @param mix     mix.
         * @param json    JSON path.
         * @param repeats repeats.
         * @param files   files.
         * @param threads threads.
         */
        public Options
        {
            if (!(scale > 0) || Double.isInfinite(scale))
            {
                throw new IllegalArgumentException("--scale must be a positive number, got " + scale + "\n" + USAGE);
            }
            if (repeats < 1 || files < 1 || threads < 1)
            {
                throw new IllegalArgumentException("--repeats, --files and --threads must be >= 1\n" + USAGE);
            }
            tasks = List.copyOf(tasks);
            if (tasks.isEmpty() && !mix)
            {
                throw new IllegalArgumentException("--tasks names nothing to run\n" + USAGE);
            }
        }

        /**
         * @param args command-line arguments; blank ones are ignored (a build tool may pass one).
         * @return the options.
         * @throws IllegalArgumentException for an unknown option or a bad value, with the usage.
         */
        public static Options parse(final String... args)
        {
            double scale = 1;
            List<ZcoreTask> tasks = List.of(ZcoreTask.values());
            boolean mix = true;
            Path json = null;
            int repeats = 3;
            int files = SourceTree.THESIS_FILES;
            int threads = FileMix.Config.THREADS;
            for (int i = 0; i < args.length; i++)
            {
                final String arg = args[i].strip();
                if (arg.isEmpty())
                {
                    continue;
                }
                final int eq = arg.indexOf('=');
                final String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
                if (name.equals("-h") || name.equals("--help"))
                {
                    throw new ReportMain.HelpRequested();
                }
                if (!List.of("--scale", "--tasks", "--json", "--repeats", "--files", "--threads").contains(name))
                {
                    throw new IllegalArgumentException("unknown option '" + arg + "'\n" + USAGE);
                }
                final String value;
                if (eq > 0 && arg.startsWith("--"))
                {
                    value = arg.substring(eq + 1).strip();
                }
                else if (i + 1 < args.length)
                {
                    value = args[++i].strip();
                }
                else
                {
                    throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
                }
                switch (name)
                {
                    case "--scale" -> scale = number(name, value);
                    case "--tasks" ->
                    {
                        final Set<ZcoreTask> picked = new LinkedHashSet<>();
                        mix = false;
                        for (final String part : value.split(","))
                        {
                            final String p = part.strip().toLowerCase(Locale.ROOT);
                            switch (p)
                            {
                                case "" ->
                                {
                                    // "task0,,mix": nothing between the commas
                                }
                                case "mix" -> mix = true;
                                case "zcore" -> picked.addAll(List.of(ZcoreTask.values()));
                                case "all" ->
                                {
                                    picked.addAll(List.of(ZcoreTask.values()));
                                    mix = true;
                                }
                                default -> picked.add(ZcoreTask.parse(p));
                            }
                        }
                        tasks = new ArrayList<>(picked);
                        tasks.sort(null);
                    }
                    case "--json" -> json = Path.of(value);
                    case "--repeats" -> repeats = whole(name, value);
                    case "--files" -> files = whole(name, value);
                    default -> threads = whole(name, value);
                }
            }
            return new Options(scale, tasks, mix, json, repeats, files, threads);
        }

        private static double number(final String name, final String value)
        {
            try
            {
                return Double.parseDouble(value.replace("_", ""));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(name + " needs a number, got '" + value + "'\n" + USAGE);
            }
        }

        private static int whole(final String name, final String value)
        {
            try
            {
                final int n = Integer.parseInt(value.replace("_", ""));
                if (n < 1)
                {
                    throw new IllegalArgumentException(name + " must be >= 1, got " + value + "\n" + USAGE);
                }
                return n;
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(name + " needs a whole number, got '" + value + "'\n" + USAGE);
            }
        }

        /** @return the zCore tasks' sizes at this scale. */
        public ZcoreTask.Sizes sizes()
        {
            return ZcoreTask.Sizes.ofScale(scale);
        }

        /** @return the mix at this scale. */
        public FileMix.Config mixConfig()
        {
            return FileMix.Config.of(threads, scale);
        }
    }


    /**
     * Where things run: the callers on the first CPU this process may use, a server on the second.
     *
     * @param allowed   CPUs this process may run on.
     * @param appCpu    the callers' CPU (the thesis' CPU0), or -1 with fewer than two CPUs.
     * @param serverCpu the server's CPU (the thesis' CPU1), or -1 with fewer than two CPUs.
     */
    record Plan(BitSet allowed, int appCpu, int serverCpu)
    {
        static Plan current()
        {
            final BitSet allowed = CpuAffinity.allowedCpus();
            final int first = allowed.nextSetBit(0);
            final int second = first < 0 ? -1 : allowed.nextSetBit(first + 1);
            return second < 0 ? new Plan(allowed, -1, -1) : new Plan(allowed, first, second);
        }

        boolean twoCpus()
        {
            return appCpu >= 0;
        }

        /** @return the callers' CPUs: the first CPU, or all allowed with fewer than two. */
        BitSet appCpus()
        {
            if (!twoCpus())
            {
                return (BitSet)allowed.clone();
            }
            final BitSet one = new BitSet();
            one.set(appCpu);
            return one;
        }

        int nproc()
        {
            return allowed.cardinality();
        }
    }

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
    public record TaskRow(ZcoreTask task, String waitStrategy, long syscalls, double[] directMs, double[] offloadedMs, Tally expected,
        Tally direct, Tally offloaded)
    {
        /** @return the median direct run, ms. */
        public double directMedianMs()
        {
            return median(directMs);
        }

        /** @return the median offloaded run, ms. */
        public double offloadedMedianMs()
        {
            return median(offloadedMs);
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
     * @param layout       one of {@link #MIX_LAYOUTS}.
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
     * Everything a run found.
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
    public record Report(int nproc, int onlineCpus, String javaVersion, String os, String cpuModel, String loadBefore,
        String loadAfter, Options options, int appCpu, boolean callersPinned, int serverCpu, boolean serverPinned, String waitStrategy,
        String idleStrategy, int treeFiles, long treeBytes, List<String> notes, List<TaskRow> rows, long offloadedCalls,
        long serverCalls, String statsTable, FileMix.Config mixConfig, List<MixRow> mixRows, long mixRewritten)
        implements ReportMain.Report
    {
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
        public Report
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
            final JsonWriter j = new JsonWriter().beginObject();
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
                        j.name("serverCpu").value((String)null);
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

    /**
     * @param args see the usage ({@code --help}).
     */
    public static void main(final String[] args)
    {
        ReportMain.main("workloads", USAGE, args, Options::parse, Options::json, Workloads::run);
    }

    /**
     * Run the workloads: generate the files, time each task both ways and the mix in each layout, check every
     * result, delete the files.
     *
     * @param options  what to run.
     * @param progress where to say what is running, or null for silence.
     * @return the figures.
     * @throws IOException if the files cannot be written.
     * @throws IllegalStateException if a run computed a wrong result (the message says which and what).
     */
    public static Report run(final Options options, final PrintStream progress) throws IOException
    {
        final int onlineCpus = Runtime.getRuntime().availableProcessors();
        final String loadBefore = loadAverage();
        final Plan plan = Plan.current();
        final List<String> notes = new ArrayList<>();
        if (!plan.twoCpus())
        {
            notes.add("this process may run on " + plan.nproc() + " CPU(s) " + plan.allowed() + ": callers and " +
                "servers run unpinned, callers wait SPIN_THEN_PARK(" + SHARED_SPINS + ") and idle servers yield; " +
                "the mix's layout with a server on its own CPU is left out");
        }
        final Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        final ZcoreResults zcore = options.tasks().isEmpty() ? ZcoreResults.NONE :
            runTasks(options, plan, tmp, notes, progress);
        FileMix.Config mixConfig = null;
        final List<MixRow> mixRows = new ArrayList<>();
        long rewritten = 0;
        if (options.mix())
        {
            mixConfig = options.mixConfig();
            try (FileMix.DataSet data = FileMix.DataSet.create(tmp, mixConfig))
            {
                for (final String layout : MIX_LAYOUTS)
                {
                    final MixRow row = runMix(layout, plan, data, mixConfig, options.repeats(), notes, progress);
                    if (row != null)
                    {
                        mixRows.add(row);
                    }
                }
                rewritten = data.verify(mixConfig.threads(), mixConfig.opsPerThread());
            }
        }
        if (progress != null)
        {
            progress.println();
        }
        final String loadAfter = loadAverage();
        busy(loadBefore, plan.nproc(), notes);
        return new Report(plan.nproc(), onlineCpus, Runtime.version().toString(),
            System.getProperty("os.name") + " " + System.getProperty("os.version") + " " +
            System.getProperty("os.arch"), cpuModel(), loadBefore, loadAfter, options, plan.appCpu(), zcore.callersPinned(),
            plan.serverCpu(), zcore.serverPinned(), zcore.waitStrategy(), zcore.idleStrategy(), zcore.treeFiles(),
            zcore.treeBytes(), notes, zcore.rows(), zcore.offloadedCalls(), zcore.serverCalls(), zcore.stats(),
            mixConfig, mixRows, rewritten);
    }

    private record ZcoreResults(List<TaskRow> rows, boolean callersPinned, boolean serverPinned,
        String waitStrategy, String idleStrategy, int treeFiles, long treeBytes, long offloadedCalls, long serverCalls, String stats)
    {
        static final ZcoreResults NONE = new ZcoreResults(List.of(), false, false, "-", "-", 0, 0, 0, 0, "");
    }

    /**
     * The wait strategy of a task's callers. Alone on its CPU, a caller spins: the lowest latency, as in the tour.
     * Two callers sharing CPU 0 (Task3-5), or callers sharing the only CPU, spin briefly and then park, so that one
     * that waits gives the CPU to the other, as zCore's CPU0 runs another task while one waits; a spinning caller
     * would hold the CPU its partner needs until the scheduler takes it away.
     */
    static WaitStrategy waitFor(final ZcoreTask task, final Plan plan)
    {
        return plan.twoCpus() && task.copies() == 1 ? WaitStrategy.SPIN : WaitStrategy.SPIN_THEN_PARK;
    }

    static String waitName(final WaitStrategy wait)
    {
        return wait == WaitStrategy.SPIN ? wait.name() : wait.name() + "(" + SHARED_SPINS + ")";
    }

    private static ZcoreResults runTasks(final Options options, final Plan plan, final Path tmp,
        final List<String> notes, final PrintStream progress) throws IOException
    {
        final boolean needTree = options.tasks().stream().anyMatch(t -> t.kind() != ZcoreTask.Kind.PIDS);
        final long pid = ProcessHandle.current().pid();
        final long ppid = ZcoreTask.check("getppid", DirectSyscalls.raw().getppid());
        final String idle = plan.twoCpus() ? "busy" : "yield";
        final ZcoreTask.Sizes sizes = options.sizes();
        final List<TaskRow> rows = new ArrayList<>();
        final boolean[] pinned = {true};
        final long[] offloadedCalls = {0};
        boolean serverPinned = plan.twoCpus();
        long serverCalls = 0;
        final StringBuilder stats = new StringBuilder();
        final StringBuilder waits = new StringBuilder();
        final SourceTree tree = needTree ? SourceTree.create(tmp, options.files(), SourceTree.DEFAULT_SEED) : null;
        try
        {
            int from = 0;
            while (from < options.tasks().size())
            {
                // one runtime per run of tasks with the same wait strategy: Task0-2, then Task3-5
                final WaitStrategy wait = waitFor(options.tasks().get(from), plan);
                int to = from;
                while (to < options.tasks().size() && waitFor(options.tasks().get(to), plan) == wait)
                {
                    to++;
                }
                final List<ZcoreTask> group = options.tasks().subList(from, to);
                waits.append(waits.isEmpty() ? "" : ", ").append(waitName(wait)).append(" for ")
                    .append(group.size() == 1 ? group.getFirst().id() :
                        group.getFirst().id() + "-" + group.getLast().number());
                try (OffloadRuntime runtime = OffloadRuntime.builder()
                    .servers(SyscallClass.FILE, plan.serverCpu())
                    .route(SyscallClass.PROCESS, SyscallClass.FILE)
                    .idleStrategy(idle)
                    .waitStrategy(wait)
                    .spinLimit(SHARED_SPINS)
                    .build())
                {
                    final boolean pinnedNow = runtime.stats().servers().getFirst().pinned();
                    if (plan.twoCpus() && !pinnedNow && serverPinned)
                    {
                        notes.add("the zCore FILE server could not be pinned to cpu " + plan.serverCpu() +
                            ": it runs unpinned");
                    }
                    serverPinned &= pinnedNow;
                    for (final ZcoreTask task : group)
                    {
                        if (progress != null)
                        {
                            progress.printf("%s (%s) ...%n", task.id(), task.what());
                        }
                        rows.add(measure(task, waitName(wait), sizes, tree, pid, ppid, DirectSyscalls.raw(),
                            runtime.raw(), plan.appCpus(), options.repeats(), pinned, offloadedCalls));
                    }
                    final RuntimeStats end = runtime.stats();
                    for (final ServerStats s : end.servers())
                    {
                        serverCalls += s.completed() + s.failed();
                    }
                    stats.append(group.getFirst().id()).append(group.size() == 1 ? "" : "-" + group.getLast().number())
                        .append(":\n").append(end.toTable());
                }
                from = to;
            }
            if (plan.twoCpus() && !pinned[0])
            {
                notes.add("a caller thread could not be pinned to cpu " + plan.appCpu() + ": it ran unpinned");
            }
            return new ZcoreResults(rows, plan.twoCpus() && pinned[0], serverPinned, waits.toString(), idle,
                tree == null ? 0 : tree.fileCount(), tree == null ? 0 : tree.totalBytes(),
                offloadedCalls[0], serverCalls, stats.toString());
        }
        finally
        {
            if (tree != null)
            {
                tree.close();
            }
        }
    }

    static ZcoreTask.Sizes warmupSizes(final ZcoreTask.Sizes sizes)
    {
        return new ZcoreTask.Sizes(Math.min(sizes.loops(), 200_000L), Math.min(sizes.rounds(), 2), 1);
    }

    /**
     * Warm both sides up, then time {@code repeats} runs of each, alternating which goes first, checking each.
     */
    static TaskRow measure(final ZcoreTask task, final String waitStrategy, final ZcoreTask.Sizes sizes,
        final SourceTree tree, final long pid, final long ppid, final RawSyscalls direct, final RawSyscalls offloaded, final BitSet cpus, final int repeats,
        final boolean[] pinned, final long[] offloadedCalls)
    {
        final ZcoreTask.Sizes warm = warmupSizes(sizes);
        final Tally warmExpected = task.expected(warm, tree, pid, ppid);
        check(task, "direct warm-up", warmExpected, timed(task, warm, tree, pid, ppid, direct, cpus, pinned).tally);
        final Tally warmOffloaded = timed(task, warm, tree, pid, ppid, offloaded, cpus, pinned).tally;
        check(task, "offloaded warm-up", warmExpected, warmOffloaded);
        offloadedCalls[0] += warmOffloaded.syscalls();
        final Tally expected = task.expected(sizes, tree, pid, ppid);
        final double[] directMs = new double[repeats];
        final double[] offloadedMs = new double[repeats];
        Tally directTally = null;
        Tally offloadedTally = null;
        for (int r = 0; r < repeats; r++)
        {
            for (int side = 0; side < 2; side++)
            {
                final boolean isDirect = (side == 0) == (r % 2 == 0);
                final Timed t = timed(task, sizes, tree, pid, ppid, isDirect ? direct : offloaded, cpus, pinned);
                check(task, isDirect ? "direct" : "offloaded", expected, t.tally);
                if (isDirect)
                {
                    directMs[r] = t.nanos / 1e6;
                    directTally = same(task, directTally, t.tally);
                }
                else
                {
                    offloadedMs[r] = t.nanos / 1e6;
                    offloadedTally = same(task, offloadedTally, t.tally);
                    offloadedCalls[0] += t.tally.syscalls();
                }
            }
        }
        if (!directTally.equals(offloadedTally))
        {
            throw new IllegalStateException(task.id() + ": direct computed " + directTally + ", offloaded " +
                offloadedTally);
        }
        return new TaskRow(task, waitStrategy, directTally.syscalls(), directMs, offloadedMs, expected, directTally,
            offloadedTally);
    }

    private record Timed(Tally tally, long nanos)
    {
    }

    private static Timed timed(final ZcoreTask task, final ZcoreTask.Sizes sizes, final SourceTree tree,
        final long pid, final long ppid, final RawSyscalls sys, final BitSet cpus, final boolean[] pinned)
    {
        final Workers.Outcome<Tally> outcome = Workers.run(task.id(), task.copies(), cpus,
            index -> task.runCopy(sys, sizes, tree, pid, ppid));
        pinned[0] &= outcome.placed();
        Tally sum = null;
        for (final Tally t : outcome.results())
        {
            sum = sum == null ? t : sum.plus(t);
        }
        return new Timed(sum, outcome.elapsedNanos());
    }

    private static void check(final ZcoreTask task, final String side, final Tally expected, final Tally actual)
    {
        if (!actual.matches(expected))
        {
            throw new IllegalStateException(task.id() + " " + side + " computed " + actual + ", expected " +
                expected);
        }
    }

    private static Tally same(final ZcoreTask task, final Tally before, final Tally now)
    {
        if (before != null && !before.equals(now))
        {
            throw new IllegalStateException(task.id() + ": two runs of one side computed " + before + " and " + now);
        }
        return now;
    }

    /**
     * One layout of the mix: build its runtime (if any), warm up, time {@code repeats} runs.
     *
     * @return the row, or null where this machine cannot have the layout.
     */
    static MixRow runMix(final String layout, final Plan plan, final FileMix.DataSet data,
        final FileMix.Config config, final int repeats, final List<String> notes, final PrintStream progress)
    {
        final String title;
        final BitSet callers;
        Integer serverCpu = null;
        String wait = "-";
        String idle = "-";
        final io.offload.servers.OffloadContext builder;
        switch (layout)
        {
            case "direct" ->
            {
                title = "direct (no server)";
                callers = plan.appCpus();
                builder = null;
            }
            case "server-other-cpu" ->
            {
                if (!plan.twoCpus())
                {
                    return null;
                }
                title = "FILE server on cpu " + plan.serverCpu();
                callers = plan.appCpus();
                serverCpu = plan.serverCpu();
                wait = WaitStrategy.SPIN_THEN_PARK + "(" + SHARED_SPINS + ")";
                idle = "busy";
                builder = OffloadRuntime.builder().servers(SyscallClass.FILE, plan.serverCpu())
                    .route(SyscallClass.PROCESS, SyscallClass.FILE).idleStrategy(idle)
                    .waitStrategy(WaitStrategy.SPIN_THEN_PARK).spinLimit(SHARED_SPINS);
            }
            case "server-same-cpu" ->
            {
                callers = plan.appCpus();
                serverCpu = plan.appCpu();
                title = plan.twoCpus() ? "FILE server sharing cpu " + plan.appCpu() : "FILE server, unpinned";
                wait = WaitStrategy.SPIN_THEN_PARK + "(" + SHARED_SPINS + ")";
                idle = "reactor";
                builder = OffloadRuntime.builder().servers(SyscallClass.FILE, plan.appCpu())
                    .route(SyscallClass.PROCESS, SyscallClass.FILE).idleStrategy(idle)
                    .waitStrategy(WaitStrategy.SPIN_THEN_PARK).spinLimit(SHARED_SPINS);
            }
            case "direct-all-cpus" ->
            {
                if (!plan.twoCpus())
                {
                    return null;
                }
                title = "direct, callers on all cpus";
                callers = (BitSet)plan.allowed().clone();
                builder = null;
            }
            default -> throw new IllegalArgumentException("unknown mix layout " + layout);
        }
        if (progress != null)
        {
            progress.printf("mix: %s ...%n", title);
        }
        final FileMix.Config warm = new FileMix.Config(config.threads(), config.fsyncEvery(), config.files(),
            config.fileSize(), config.ioSize(), config.readsPerOp(), config.fsyncEvery(), config.seed() + 1);
        final List<FileMix.Result> runs = new ArrayList<>();
        boolean serverPinned = false;
        if (builder == null)
        {
            mixRuns(DirectSyscalls.raw(), data, config, warm, callers, repeats, runs);
        }
        else
        {
            try (OffloadRuntime runtime = builder.build())
            {
                serverPinned = runtime.stats().servers().getFirst().pinned();
                if (serverCpu >= 0 && !serverPinned)
                {
                    notes.add("mix " + layout + ": the FILE server could not be pinned to cpu " + serverCpu);
                }
                mixRuns(runtime.raw(), data, config, warm, callers, repeats, runs);
            }
        }
        final FileMix.Result first = runs.getFirst().counts();
        for (final FileMix.Result r : runs)
        {
            if (!r.counts().equals(first) || r.ops() != config.totalOps() || r.syscalls() != config.totalSyscalls())
            {
                throw new IllegalStateException("mix " + layout + ": runs disagree or fall short: " + runs);
            }
            if (!r.placed())
            {
                notes.add("mix " + layout + ": a caller thread could not be placed on cpus " + callers);
                break;
            }
        }
        return new MixRow(layout, title, cpuList(callers), serverCpu, serverPinned, wait, idle, runs);
    }

    private static void mixRuns(final RawSyscalls sys, final FileMix.DataSet data, final FileMix.Config config,
        final FileMix.Config warm, final BitSet callers, final int repeats, final List<FileMix.Result> runs)
    {
        FileMix.run(sys, data, warm, callers);
        for (int r = 0; r < repeats; r++)
        {
            runs.add(FileMix.run(sys, data, config, callers));
        }
    }

    private static String cpuList(final BitSet cpus)
    {
        final StringBuilder out = new StringBuilder(cpus.cardinality() == 1 ? "cpu " : "cpus ");
        for (int cpu = cpus.nextSetBit(0); cpu >= 0; cpu = cpus.nextSetBit(cpu + 1))
        {
            out.append(out.charAt(out.length() - 1) == ' ' ? "" : ",").append(cpu);
        }
        return out.toString();
    }

    static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int mid = sorted.length >>> 1;
        return (sorted.length & 1) == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * Timings on a machine busy with other work measure the other work too, offloaded ones most: a spinning caller
     * or server that loses its CPU stalls the other side. Say so when the load before the run says so (the load
     * after it counts this run's own spinning threads).
     */
    private static void busy(final String before, final int nproc, final List<String> notes)
    {
        try
        {
            final double load = Double.parseDouble(before.split(" ")[0]);
            if (load > nproc / 2.0)
            {
                notes.add(String.format(Locale.ROOT, "other work was running (1-minute load average %.2f on %d " +
                    "CPU(s) before the run): timings include waiting for a CPU, offloaded ones most, since a " +
                    "caller or server that loses its CPU stalls the other side", load, nproc));
            }
        }
        catch (final RuntimeException ignored)
        {
            // no load average to go by
        }
    }

    /** @return the 1, 5 and 15 minute load averages, or "unknown". */
    static String loadAverage()
    {
        try
        {
            final String[] fields = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).strip()
                .split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
    }

    private static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        }
        catch (final IOException | RuntimeException ignored)
        {
            // not Linux, or no /proc: say so below
        }
        return "cpu model unknown";
    }
}
