package io.offload.bench.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 12's proof: many virtual threads doing file I/O through the JDK's {@code FileChannel}, through offload on the
 * SYSCALLS executor and on the IO_URING executor, with fio's io_uring at the same queue depth as the physical
 * reference, back to back, in one run; prints (and writes) a Markdown table with the ratios.
 * <ul>
 *   <li>{@code warm}: 256 virtual threads, random aligned 4 KiB reads over one 4 GiB file, read once before;</li>
 *   <li>{@code cold}: the same after dropping the page cache (as root: {@code sync; echo 3 >
 *       /proc/sys/vm/drop_caches}; not as root: {@code posix_fadvise(DONTNEED)} on the file; the output says
 *       which, and how much of the file was still cached);</li>
 *   <li>{@code wal}: 64 virtual threads, each appending 4 KiB records to its own file and {@code fdatasync}-ing
 *       after each ({@code --wal-files shared}: one file opened O_APPEND for all of them).</li>
 * </ul>
 * Each engine runs in a fresh child JVM (the same {@code java}), so that JIT state and heap do not leak from one to
 * the next; each child warms its JIT up on a small file first ({@code --warmup} seconds), then prepares the page
 * cache, then measures for {@code --seconds}. The offload children get {@code -Doffload.executor=SYSCALLS} or
 * {@code IO_URING}, and every {@code -Doffload.*} property given to this JVM.
 * <pre>
 *   jmh-bench/run-file-comparison.sh [--size 4g] [--seconds 10] [--warmup 2] [--threads 256] [--wal-threads 64]
 *       [--wal-files per-thread|shared] [--readahead on|off] [--modes warm,cold,wal]
 *       [--engines jdk,syscalls,io_uring,fio] [--fio-iodepth 256] [--dir jmh-bench/target/file-io] [--out DIR]
 *       [--jvm-arg ARG]...
 * </pre>
 */
public final class FileIoComparison
{
    /**
     * The io_uring executor's bound on requests in the kernel per server: its setting
     * {@code offload.uring.maxInFlight} when given to this JVM (it is passed on to the children), else its default.
     */
    static final int URING_MAX_IN_FLIGHT = Integer.getInteger("offload.uring.maxInFlight", 256);
    static final List<String> ENGINES = List.of("jdk", "syscalls", "io_uring", "fio");
    static final List<String> MODES = List.of("warm", "cold", "wal");

    private FileIoComparison()
    {
    }

    /**
     * The options, of the parent and (with {@code --child}) of a child.
     *
     * @param child      whether this JVM is a child running one engine and one mode.
     * @param size       bytes of the read file used.
     * @param seconds    measured seconds per run.
     * @param warmup     JIT warm-up seconds per child (on a small file; not measured).
     * @param threads    virtual threads reading.
     * @param walThreads virtual threads writing the WAL.
     * @param walShared  one shared O_APPEND log rather than a file per thread.
     * @param readahead  leave the kernel's readahead on for the reads (no hint); false: every engine advises
     *                   POSIX_FADV_RANDOM on its read fd (fio: --fadvise_hint=1).
     * @param modes      warm, cold, wal (a child: exactly one).
     * @param engines    jdk, syscalls, io_uring, fio (a child: jdk or offload).
     * @param fioIodepth fio's iodepth for reads; 0 = min(threads, the io_uring executor's maxInFlight).
     * @param dir        where the files go.
     * @param out        where raw output and summary.md go; null: print only.
     * @param jvmArgs    extra arguments for the child JVMs.
     */
    record Options(boolean child, long size, int seconds, int warmup, int threads, int walThreads, boolean walShared,
        boolean readahead,
        List<String> modes, List<String> engines, int fioIodepth, Path dir, Path out, List<String> jvmArgs)
    {
        static Options parse(final String... args)
        {
            boolean child = false;
            long size = 4L << 30;
            int seconds = 10;
            int warmup = 2;
            int threads = 256;
            int walThreads = 64;
            boolean walShared = false;
            boolean readahead = true;
            List<String> modes = MODES;
            List<String> engines = ENGINES;
            int fioIodepth = 0;
            Path dir = Files.isDirectory(Path.of("jmh-bench")) ? Path.of("jmh-bench", "target", "file-io") :
                Path.of(System.getProperty("java.io.tmpdir"), "offload-file-io");
            Path out = null;
            final List<String> jvmArgs = new ArrayList<>();
            for (int i = 0; i < args.length; i++)
            {
                if (args[i].equals("--child"))
                {
                    child = true;
                    continue;
                }
                if (i + 1 >= args.length)
                {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value: see the class comment " +
                        "of " + FileIoComparison.class.getName());
                }
                final String value = args[++i];
                switch (args[i - 1])
                {
                    case "--size" -> size = bytes(value);
                    case "--seconds" -> seconds = positive("--seconds", value);
                    case "--warmup" -> warmup = Integer.parseInt(value);
                    case "--threads" -> threads = positive("--threads", value);
                    case "--wal-threads" -> walThreads = positive("--wal-threads", value);
                    case "--wal-files" ->
                    {
                        if (!value.equals("per-thread") && !value.equals("shared"))
                        {
                            throw new IllegalArgumentException("--wal-files " + value + ": use per-thread or shared");
                        }
                        walShared = value.equals("shared");
                    }
                    case "--readahead" ->
                    {
                        if (!value.equals("on") && !value.equals("off"))
                        {
                            throw new IllegalArgumentException("--readahead " + value + ": use on or off");
                        }
                        readahead = value.equals("on");
                    }
                    case "--modes" -> modes = list("--modes", value, MODES);
                    case "--engines" -> engines = list("--engines", value, child ? List.of("jdk", "offload") :
                        ENGINES);
                    case "--fio-iodepth" -> fioIodepth = positive("--fio-iodepth", value);
                    case "--dir" -> dir = Path.of(value);
                    case "--out" -> out = Path.of(value);
                    case "--jvm-arg" -> jvmArgs.add(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i - 1] + ": see the " +
                        "class comment of " + FileIoComparison.class.getName());
                }
            }
            if (size < 64L * FileIoChild.BLOCK || size % FileIoChild.BLOCK != 0)
            {
                throw new IllegalArgumentException("--size " + size + ": use a multiple of 4 KiB, at least 256 KiB");
            }
            if (warmup < 0)
            {
                throw new IllegalArgumentException("--warmup " + warmup + ": use 0 or more seconds");
            }
            return new Options(child, size, seconds, warmup, threads, walThreads, walShared, readahead, modes, engines,
                fioIodepth, dir, out, List.copyOf(jvmArgs));
        }

        /** @return the file the reads read. */
        Path file()
        {
            return dir.resolve("reads.bin");
        }

        /** @return fio's iodepth for the reads. */
        int iodepth()
        {
            return fioIodepth > 0 ? fioIodepth : Math.min(threads, URING_MAX_IN_FLIGHT);
        }

        private static int positive(final String name, final String value)
        {
            final int n = Integer.parseInt(value);
            if (n < 1)
            {
                throw new IllegalArgumentException(name + " " + value + ": use 1 or more");
            }
            return n;
        }

        private static List<String> list(final String name, final String value, final List<String> allowed)
        {
            final List<String> l = List.of(value.toLowerCase(Locale.ROOT).split(","));
            for (final String s : l)
            {
                if (!allowed.contains(s))
                {
                    throw new IllegalArgumentException(name + ": '" + s + "' is not one of " + allowed);
                }
            }
            return l;
        }

        static long bytes(final String text)
        {
            final String t = text.trim().toLowerCase(Locale.ROOT);
            final long unit = t.endsWith("g") ? 1L << 30 : t.endsWith("m") ? 1L << 20 : t.endsWith("k") ? 1L << 10 : 1;
            return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
        }
    }

    /**
     * @param args see the class comment.
     * @throws Exception if the comparison cannot be set up (a failed engine is an n/a cell, not a failure).
     */
    public static void main(final String[] args) throws Exception
    {
        final Options o = Options.parse(args);
        if (o.child())
        {
            FileIoChild.run(o);
            return;
        }
        final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Files.createDirectories(o.dir());
        if (o.out() != null)
        {
            Files.createDirectories(o.out());
        }
        final String loadBefore = load();
        final boolean root = PageCache.root();
        final String fioVersion = o.engines().contains("fio") ? Fio.version() : null;
        System.out.printf("file I/O comparison: %s; reads: %d virtual threads, %d MiB file %s; WAL: %d virtual " +
            "threads, %s; %d s per run (+%d s JIT warm-up per child); running as %s; fio: %s%n", o.modes(),
            o.threads(), o.size() >> 20, o.file(), o.walThreads(), o.walShared() ? "one shared O_APPEND file" :
            "a file each", o.seconds(), o.warmup(), root ? "root (cold = drop_caches)" :
            "NOT root (cold = posix_fadvise DONTNEED on the file only)", fioVersion != null ? fioVersion :
            o.engines().contains("fio") ? Fio.INSTALL : "not asked for");
        if (o.modes().contains("warm") || o.modes().contains("cold"))
        {
            PageCache.ensureFile(o.file(), o.size());
            PageCache.ensureFile(o.dir().resolve("warmup.bin"), Math.min(o.size(), 64L << 20));
        }
        final Map<String, Map<String, Result>> results = new LinkedHashMap<>();
        for (final String mode : o.modes())
        {
            final Map<String, Result> row = new LinkedHashMap<>();
            results.put(mode, row);
            for (final String engine : o.engines())
            {
                System.out.printf("%n=== %s, %s ===%n", mode, label(engine));
                final Result r = engine.equals("fio") ? fio(o, mode, fioVersion) : child(o, mode, engine);
                row.put(engine, r);
                System.out.printf("=== %s, %s: %s ops/s, p50/p99 %s us%s%n", mode, label(engine), r.opsText(),
                    r.latencyText(), r.note().isEmpty() ? "" : " (" + r.note() + ")");
            }
        }
        final String summary = summary(o, results, started, root, fioVersion, loadBefore, load());
        System.out.println();
        System.out.println(summary);
        if (o.out() != null)
        {
            Files.writeString(o.out().resolve("summary.md"), summary);
            System.out.println("written: " + o.out().resolve("summary.md"));
        }
    }

    static String label(final String engine)
    {
        return switch (engine)
        {
            case "jdk" -> "JDK FileChannel";
            case "syscalls" -> "offload SYSCALLS";
            case "io_uring" -> "offload IO_URING";
            case "fio" -> "fio";
            default -> engine;
        };
    }

    private static Result fio(final Options o, final String mode, final String version) throws IOException
    {
        if (version == null)
        {
            return Result.none("fio", mode, Fio.INSTALL);
        }
        final Path raw = o.out() == null ? null : o.out().resolve(mode + "-fio.json");
        if (mode.equals("wal"))
        {
            final Path walDir = o.dir().resolve("fio-wal");
            Files.createDirectories(walDir);
            return Fio.run(Fio.walCommand(walDir, o.walThreads(), o.seconds()), "fio", mode, true, "-", raw);
        }
        final boolean cold = mode.equals("cold");
        final String action = cold ? PageCache.drop(o.file()) + " (and fio's invalidate=1)" :
            PageCache.warm(o.file(), o.size());
        final String cache = action + "; then " + PageCache.residencyLine(o.file(), o.size());
        System.out.println("page cache: " + cache);
        final Result r = Fio.run(Fio.readsCommand(o.file(), o.size(), o.iodepth(), o.seconds(), cold, o.readahead()),
            "fio", mode, false, cache, raw);
        return new Result(r.engine(), r.mode(), r.opsPerSec(), r.ops(), r.seconds(), r.p50Us(), r.p99Us(),
            r.executor(), cache + "; after the run " + PageCache.residencyLine(o.file(), o.size()), r.note());
    }

    /** Run one engine and one mode in a fresh JVM; its output is echoed and kept; its result line is parsed. */
    private static Result child(final Options o, final String mode, final String engine)
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
            "java").toString()));
        command.add("-Xms1g");
        command.add("-Xmx1g");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"); // --readahead off: the fd of a FileChannel
        command.add("--add-opens=java.base/java.io=ALL-UNNAMED");
        for (final String name : System.getProperties().stringPropertyNames().stream().sorted().toList())
        {
            if (name.startsWith("offload.") && !name.equals("offload.executor"))
            {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        if (!engine.equals("jdk"))
        {
            command.add("-Doffload.executor=" + engine.toUpperCase(Locale.ROOT));
        }
        command.addAll(o.jvmArgs());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FileIoComparison.class.getName(),
            "--child", "--engines", engine.equals("jdk") ? "jdk" : "offload", "--modes", mode, "--size",
            Long.toString(o.size()), "--seconds", Integer.toString(o.seconds()), "--warmup",
            Integer.toString(o.warmup()), "--threads", Integer.toString(o.threads()), "--wal-threads",
            Integer.toString(o.walThreads()), "--wal-files", o.walShared() ? "shared" : "per-thread", "--readahead",
            o.readahead() ? "on" : "off", "--dir",
            o.dir().toString()));
        final StringBuilder log = new StringBuilder(String.join(" ", command)).append('\n');
        Result result = null;
        try
        {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            final long limit = o.warmup() + o.seconds() + 600L; // a hung child must not hang the whole comparison
            Thread.ofVirtual().start(() ->
            {
                try
                {
                    if (!p.waitFor(limit, TimeUnit.SECONDS))
                    {
                        System.out.println("the child JVM ran past " + limit + " s: killed");
                        p.destroyForcibly();
                    }
                }
                catch (final InterruptedException ex)
                {
                    p.destroyForcibly();
                }
            });
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                for (String line; (line = in.readLine()) != null; )
                {
                    log.append(line).append('\n');
                    final Result r = Result.parse(line);
                    if (r != null)
                    {
                        result = r;
                    }
                    else
                    {
                        System.out.println("  | " + line);
                    }
                }
            }
            if (!p.waitFor(1, TimeUnit.MINUTES))
            {
                p.destroyForcibly();
            }
            if (result == null)
            {
                result = Result.none(engine, mode, "the child JVM exited " + (p.isAlive() ? "(killed)" :
                    p.exitValue()) + " without a result: see its output");
            }
        }
        catch (final IOException ex)
        {
            result = Result.none(engine, mode, "cannot start the child JVM: " + ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            result = Result.none(engine, mode, "interrupted");
        }
        if (o.out() != null)
        {
            try
            {
                Files.writeString(o.out().resolve(mode + "-" + engine + ".log"), log);
            }
            catch (final IOException ex)
            {
                System.out.println("cannot write the child's log: " + ex);
            }
        }
        return result;
    }

    private static String summary(final Options o, final Map<String, Map<String, Result>> results,
        final Instant started, final boolean root, final String fioVersion, final String loadBefore,
        final String loadAfter)
    {
        final StringWriter text = new StringWriter();
        final PrintWriter w = new PrintWriter(text);
        w.printf("# File I/O: JDK FileChannel vs offload (SYSCALLS, IO_URING) vs fio (issue 12)%n%n");
        w.printf("%s, `jmh-bench/run-file-comparison.sh` (FileIoComparison); machine: %s.%n%n", started,
            machine(o));
        w.printf("- reads: %d virtual threads, random aligned 4 KiB reads of the first %d MiB of `%s`, %d s per " +
            "run after a %d s JIT warm-up on a small file; fio: `--rw=randread --bs=4k --ioengine=io_uring " +
            "--iodepth=%d --direct=0 --fadvise_hint=%d`, one job (iodepth %s). Readahead %s.%n", o.threads(),
            o.size() >> 20, o.file(), o.seconds(), o.warmup(), o.iodepth(), o.readahead() ? 0 : 1,
            o.fioIodepth() > 0 ? "given with --fio-iodepth" : "= min(virtual threads, the io_uring executor's " +
            "maxInFlight " + URING_MAX_IN_FLIGHT + ")",
            o.readahead() ? "on (the kernel's default: no engine gives an access hint, fio neither)" :
            "off (--readahead off: each engine advises POSIX_FADV_RANDOM on its read fd, fio --fadvise_hint=1)");
        w.printf("- cold: %s; warm: the file read once first.%n", root ? "`sync; echo 3 > /proc/sys/vm/drop_caches` " +
            "(root) before each run" : "NOT root, so `posix_fadvise(POSIX_FADV_DONTNEED)` on the file before each " +
            "run (drops its clean pages only)");
        w.printf("- WAL: %d virtual threads, each appending 4 KiB records %s, `fdatasync` after each (JDK: " +
            "`write` + `force(false)`; offload: raw `%s` + `fdatasync`); fio: %d jobs, `--rw=write --bs=4k " +
            "--ioengine=sync --fdatasync=1 --file_append=1`, a new file each (64 writers syncing after each write).%n",
            o.walThreads(), o.walShared() ? "to one shared file opened O_APPEND" : "to a file of its own",
            o.walShared() ? "write" : "pwrite", o.walThreads());
        w.printf("- Each JDK/offload column is a fresh JVM (`-Xmx1g`); the offload children get " +
            "`-Doffload.executor=SYSCALLS|IO_URING`.%s%n", !o.engines().contains("fio") ? " fio: not asked for." :
            fioVersion == null ? " fio: " + Fio.INSTALL + "." : " " + fioVersion + ".");
        w.printf("- Load average (1, 5, 15 min) at the start: %s; at the end: %s. Figures from a machine whose load " +
            "exceeds its CPU count say little.%n%n", loadBefore, loadAfter);
        w.printf("| workload | JDK FileChannel | offload SYSCALLS | offload IO_URING | fio | SYSCALLS / JDK | " +
            "IO_URING / JDK | SYSCALLS / fio | IO_URING / fio | JDK / fio |%n");
        w.printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n");
        for (final Map.Entry<String, Map<String, Result>> e : results.entrySet())
        {
            final Map<String, Result> row = e.getValue();
            w.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", workload(e.getKey()),
                ops(row, "jdk"), ops(row, "syscalls"), ops(row, "io_uring"), ops(row, "fio"),
                ratio(row, "syscalls", "jdk"), ratio(row, "io_uring", "jdk"), ratio(row, "syscalls", "fio"),
                ratio(row, "io_uring", "fio"), ratio(row, "jdk", "fio"));
        }
        w.printf("%nLatency of one operation, p50 / p99 in microseconds (a read; a WAL record = write + fdatasync; " +
            "fio WAL: its fdatasync alone):%n%n");
        w.printf("| workload | JDK FileChannel | offload SYSCALLS | offload IO_URING | fio |%n" +
            "|---|---:|---:|---:|---:|%n");
        for (final Map.Entry<String, Map<String, Result>> e : results.entrySet())
        {
            final Map<String, Result> row = e.getValue();
            w.printf("| %s | %s | %s | %s | %s |%n", workload(e.getKey()), lat(row, "jdk"), lat(row, "syscalls"),
                lat(row, "io_uring"), lat(row, "fio"));
        }
        w.printf("%nIssue 12's targets (ratios of this run):%n%n| target | measured | met |%n|---|---:|---|%n");
        target(w, results, "cold", "io_uring", "jdk", 2.5, "cold reads, IO_URING >= 2.5x JDK");
        target(w, results, "cold", "io_uring", "fio", 0.9, "cold reads, IO_URING >= 0.9x fio");
        target(w, results, "warm", "io_uring", "jdk", 0.95, "warm reads, IO_URING >= 0.95x JDK");
        target(w, results, "wal", "io_uring", "jdk", 2.0, "WAL, IO_URING >= 2x JDK syncs/s");
        w.printf("%n(FLYOUT p50 <= 5 us is read from the phases: add `--jvm-arg -Doffload.phases=1/64`, then see the " +
            "phase tables in the IO_URING logs.)%n%nPer run:%n%n");
        for (final Map.Entry<String, Map<String, Result>> e : results.entrySet())
        {
            for (final Result r : e.getValue().values())
            {
                w.printf("- %s, %s: %s ops in %.2f s; executor: %s; page cache: %s%s%n", e.getKey(),
                    label(r.engine()), r.measured() ? String.format(Locale.ROOT, "%,d", r.ops()) : "n/a", r.seconds(),
                    r.executor(), r.cache(), r.note().isEmpty() ? "" : "; " + r.note());
            }
        }
        w.flush();
        return text.toString();
    }

    private static String load()
    {
        try
        {
            final String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
    }

    private static String workload(final String mode)
    {
        return switch (mode)
        {
            case "warm" -> "random 4 KiB reads, warm (reads/s)";
            case "cold" -> "random 4 KiB reads, cold (reads/s)";
            case "wal" -> "WAL 4 KiB + fdatasync (syncs/s)";
            default -> mode;
        };
    }

    private static String ops(final Map<String, Result> row, final String engine)
    {
        final Result r = row.get(engine);
        return r == null ? "-" : r.opsText();
    }

    private static String lat(final Map<String, Result> row, final String engine)
    {
        final Result r = row.get(engine);
        return r == null ? "-" : r.latencyText();
    }

    private static double ratioValue(final Map<String, Result> row, final String a, final String b)
    {
        final Result x = row.get(a);
        final Result y = row.get(b);
        return x == null || y == null || !x.measured() || !y.measured() || y.opsPerSec() == 0 ? Double.NaN :
            x.opsPerSec() / y.opsPerSec();
    }

    private static String ratio(final Map<String, Result> row, final String a, final String b)
    {
        final double r = ratioValue(row, a, b);
        return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2fx", r);
    }

    private static void target(final PrintWriter w, final Map<String, Map<String, Result>> results, final String mode,
        final String a, final String b, final double goal, final String text)
    {
        final Map<String, Result> row = results.get(mode);
        final double r = row == null ? Double.NaN : ratioValue(row, a, b);
        w.printf("| %s | %s | %s |%n", text, Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2fx", r),
            Double.isNaN(r) ? "not measured" : r >= goal ? "yes" : String.format(Locale.ROOT, "no (%.0f%% short)",
            (1 - r / goal) * 100));
    }

    private static String machine(final Options o)
    {
        final StringBuilder b = new StringBuilder();
        b.append(Runtime.getRuntime().availableProcessors()).append(" CPUs");
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
            {
                if (line.startsWith("model name"))
                {
                    b.append(" (").append(line.substring(line.indexOf(':') + 1).trim()).append(')');
                    break;
                }
            }
            b.append(", Linux ").append(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
        }
        catch (final IOException ex)
        {
            b.append(", ").append(System.getProperty("os.version"));
        }
        b.append(", ").append(PageCache.memTotalBytes() >> 20).append(" MiB memory, ").append(System.getProperty(
            "java.vm.vendor")).append(' ').append(System.getProperty("java.runtime.version"));
        try
        {
            final var store = Files.getFileStore(o.dir());
            b.append(", files on ").append(store.type()).append(" (").append(store.name()).append(')');
        }
        catch (final IOException ex)
        {
            b.append(", file system unknown");
        }
        return b.toString();
    }
}
