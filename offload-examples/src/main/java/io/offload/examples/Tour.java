package io.offload.examples;

import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;
import io.offload.api.ServerStats;
import io.offload.api.StatxDescriptor;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.api.WaitStrategy;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import io.offload.servers.libc.CpuAffinity;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

import static io.offload.examples.Json.quote;

/**
 * The guided tour: the same four system calls run directly on the caller's thread ({@link DirectSyscalls#raw()})
 * and offloaded to one pinned FILE server ({@link OffloadRuntime#raw()}), timed side by side, then the runtime's
 * own figures. Run it from the repository root with
 * <pre>
 *   ./mvnw -q -pl offload-examples -am package -DskipTests -Dtour
 * </pre>
 * and pass options with {@code -Doffload.args="--samples 5000 --json tour.json"} (a relative path is relative to
 * where ./mvnw runs).
 * <p>
 * Layout: the caller (this main thread) is pinned to the first CPU this process may run on, the server to the
 * second (CPU 0 and CPU 1 on most machines). With one CPU, or where pinning fails, the tour runs unpinned and
 * says so. How it measures: each sample times {@code batch} back-to-back calls with {@link System#nanoTime()} and
 * divides, to get above the clock's resolution; direct and offloaded samples alternate in rounds so that a
 * noisy machine hurts both sides alike; each side gets a warm-up first; the table shows medians.
 */
public final class Tour
{
    /** Timed samples per call and side, unless {@code --samples}. */
    public static final int DEFAULT_SAMPLES = 20_000;
    /** Calls per timed sample, unless {@code --batch}. */
    public static final int DEFAULT_BATCH = 16;
    /** Samples per side in one round before the other side gets its turn. */
    static final int ROUND = 250;
    /** Size of the file read by the pread row. */
    static final int FILE_SIZE = 1 << 20;
    /** Bytes read by one pread. */
    static final int READ_SIZE = 4096;

    @SuppressWarnings("unused")
    private static volatile long blackhole;

    private static final String USAGE = """
        usage: Tour [--samples N] [--warmup N] [--batch N] [--json FILE]
          --samples N  timed samples per call and side (default 20000)
          --warmup N   untimed samples per call and side first (default: samples / 4, at least 1000)
          --batch N    calls per timed sample (default 16)
          --json FILE  also write the figures to FILE as JSON
        """;

    private Tour()
    {
    }

    /**
     * What to run.
     *
     * @param samples timed samples per call and side.
     * @param warmup  untimed samples per call and side before them.
     * @param batch   calls per sample.
     * @param json    where to write the JSON, or null.
     */
    public record Options(int samples, int warmup, int batch, Path json)
    {
        /**
         * @param samples timed samples.
         * @param warmup  warm-up samples.
         * @param batch   calls per sample.
         * @param json    JSON output, or null.
         */
        public Options
        {
            if (samples < 1)
            {
                throw new IllegalArgumentException("--samples must be >= 1, got " + samples);
            }
            if (warmup < 0)
            {
                throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
            }
            if (batch < 1)
            {
                throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
            }
        }

        /**
         * @param samples timed samples per call and side.
         * @return options with that many samples and every other setting at its default.
         */
        public static Options ofSamples(final int samples)
        {
            return new Options(samples, defaultWarmup(samples), DEFAULT_BATCH, null);
        }

        private static int defaultWarmup(final int samples)
        {
            return Math.max(1_000, samples / 4);
        }

        /**
         * @param args command-line arguments; empty strings are ignored (a build tool may pass one).
         * @return the options.
         * @throws IllegalArgumentException for an unknown option or a bad value, with the usage.
         */
        public static Options parse(final String... args)
        {
            int samples = DEFAULT_SAMPLES;
            Integer warmup = null;
            int batch = DEFAULT_BATCH;
            Path json = null;
            for (int i = 0; i < args.length; i++)
            {
                final String arg = args[i].strip();
                if (arg.isEmpty())
                {
                    continue;
                }
                final String name;
                String value = null;
                final int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0)
                {
                    name = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                }
                else
                {
                    name = arg;
                }
                switch (name)
                {
                    case "--samples", "--warmup", "--batch", "--json" ->
                    {
                        if (value == null)
                        {
                            if (i + 1 >= args.length)
                            {
                                throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
                            }
                            value = args[++i].strip();
                        }
                        switch (name)
                        {
                            case "--samples" -> samples = positive(name, value);
                            case "--warmup" -> warmup = nonNegative(name, value);
                            case "--batch" -> batch = positive(name, value);
                            default -> json = Path.of(value);
                        }
                    }
                    case "-h", "--help" -> throw new ReportMain.HelpRequested();
                    default -> throw new IllegalArgumentException("unknown option '" + arg + "'\n" + USAGE);
                }
            }
            return new Options(samples, warmup != null ? warmup : defaultWarmup(samples), batch, json);
        }

        private static int positive(final String name, final String value)
        {
            final int n = nonNegative(name, value);
            if (n < 1)
            {
                throw new IllegalArgumentException(name + " must be >= 1, got " + value + "\n" + USAGE);
            }
            return n;
        }

        private static int nonNegative(final String name, final String value)
        {
            try
            {
                final int n = Integer.parseInt(value.replace("_", ""));
                if (n < 0)
                {
                    throw new IllegalArgumentException(name + " must be >= 0, got " + value + "\n" + USAGE);
                }
                return n;
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(name + " needs a whole number, got '" + value + "'\n" + USAGE);
            }
        }
    }


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
     * Everything the tour found.
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
    public record Report(int nproc, int onlineCpus, String javaVersion, String os, Options options, int callerCpu,
        boolean callerPinned, int serverCpu, boolean serverPinned, String waitStrategy, String idleStrategy,
        List<String> notes, List<Row> rows, String statsTable) implements ReportMain.Report
    {
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
        public Report
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
            final StringBuilder out = new StringBuilder(1024);
            out.append("{\n");
            field(out, "nproc", Integer.toString(nproc));
            field(out, "onlineCpus", Integer.toString(onlineCpus));
            field(out, "java", quote(javaVersion));
            field(out, "os", quote(os));
            field(out, "samples", Integer.toString(options.samples()));
            field(out, "warmup", Integer.toString(options.warmup()));
            field(out, "batch", Integer.toString(options.batch()));
            field(out, "waitStrategy", quote(waitStrategy));
            field(out, "idleStrategy", quote(idleStrategy));
            out.append("  \"caller\": {\"cpu\": ").append(callerCpu).append(", \"pinned\": ").append(callerPinned)
                .append("},\n");
            out.append("  \"server\": {\"class\": \"FILE\", \"routed\": [\"PROCESS\"], \"cpu\": ").append(serverCpu)
                .append(", \"pinned\": ").append(serverPinned).append("},\n");
            out.append("  \"notes\": [");
            for (int i = 0; i < notes.size(); i++)
            {
                out.append(i == 0 ? "" : ", ").append(quote(notes.get(i)));
            }
            out.append("],\n");
            out.append("  \"unit\": \"ns per call (median)\",\n");
            out.append("  \"rows\": [\n");
            for (int i = 0; i < rows.size(); i++)
            {
                final Row r = rows.get(i);
                out.append("    {\"call\": ").append(quote(r.call()))
                    .append(", \"directNs\": ").append(number(r.directNs()))
                    .append(", \"offloadedNs\": ").append(number(r.offloadedNs()))
                    .append(", \"ratio\": ").append(number(r.ratio()))
                    .append(", \"callerCpu\": ").append(r.callerCpu())
                    .append(", \"serverCpu\": ").append(r.serverCpu())
                    .append(", \"serverSchedGetcpu\": ").append(r.serverCallCpu())
                    .append('}').append(i + 1 < rows.size() ? ",\n" : "\n");
            }
            out.append("  ],\n");
            out.append("  \"stats\": ").append(quote(statsTable)).append('\n');
            out.append("}\n");
            return out.toString();
        }

        private static void field(final StringBuilder out, final String name, final String json)
        {
            out.append("  ").append(quote(name)).append(": ").append(json).append(",\n");
        }

        private static String number(final double value)
        {
            return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : "null";
        }
    }

    /**
     * One timed call: {@code n} back-to-back calls through {@code sys}. Each checks its result, so a failed call
     * stops the tour instead of timing an error path.
     */
    @FunctionalInterface
    interface Op
    {
        /**
         * @param sys where the calls go.
         * @param n   how many.
         * @return a checksum of the results, so the work cannot be dropped.
         */
        long run(RawSyscalls sys, int n);
    }

    /**
     * @param args {@code --samples N}, {@code --warmup N}, {@code --batch N}, {@code --json FILE}.
     */
    public static void main(final String[] args)
    {
        ReportMain.main("tour", USAGE, args, Options::parse, Options::json, Tour::run);
    }

    /**
     * Run the tour: start the runtime, pin, time every call, stop the runtime, delete the temp files.
     *
     * @param options  what to run.
     * @param progress where to say what is being timed (one line per call), or null for silence.
     * @return the figures.
     * @throws IOException if the temp files cannot be written.
     */
    public static Report run(final Options options, final PrintStream progress) throws IOException
    {
        final List<String> notes = new ArrayList<>();
        final int onlineCpus = Runtime.getRuntime().availableProcessors(); // before pinning: it follows the mask
        final BitSet allowed = CpuAffinity.allowedCpus();
        final int nproc = allowed.cardinality();
        final int firstCpu = allowed.nextSetBit(0);
        final int secondCpu = firstCpu < 0 ? -1 : allowed.nextSetBit(firstCpu + 1);
        final boolean twoCpus = firstCpu >= 0 && secondCpu >= 0;
        final int wantCallerCpu = twoCpus ? firstCpu : -1;
        final int wantServerCpu = twoCpus ? secondCpu : -1;

        // With a CPU each, both sides spin: the lowest latency. On one CPU a spinning caller would hold the only
        // CPU the server needs, so the caller parks after a short spin and the idle server yields.
        final WaitStrategy wait = twoCpus ? WaitStrategy.SPIN : WaitStrategy.SPIN_THEN_PARK;
        final String idle = twoCpus ? "busy" : "yield";
        if (!twoCpus)
        {
            notes.add("this process may run on " + nproc + " CPU(s) " + allowed + ": caller and server run " +
                "unpinned on the same CPU, the caller waits with SPIN_THEN_PARK and the idle server yields, so " +
                "offloaded figures include scheduler hand-offs");
        }

        final Path dir = Files.createTempDirectory("offload-tour-");
        final Path data = dir.resolve("pread-1MiB.dat");
        final Path small = dir.resolve("open-stat.txt");
        try (Arena arena = Arena.ofShared())
        {
            writeFiles(data, small);
            final MemorySegment dataPath = arena.allocateFrom(data.toString());
            final MemorySegment smallPath = arena.allocateFrom(small.toString());
            final MemorySegment statxBuf = arena.allocate(StatxDescriptor.LENGTH, 64);
            final MemorySegment readBuf = arena.allocate(READ_SIZE, 4096);
            final RawSyscalls direct = DirectSyscalls.raw();
            final long dataFd = check("open " + data, direct.openat(LinuxConstants.AT_FDCWD, dataPath,
                LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC, 0));
            try
            {
                warmPageCache(direct, (int)dataFd, readBuf);
                final long pid = ProcessHandle.current().pid();
                final long smallSize = Files.size(small);
                final List<String> names = List.of("getpid", "open+close", "stat", "pread 4K");
                final List<Op> ops = List.of(
                    (sys, n) -> getpid(sys, n, pid),
                    (sys, n) -> openClose(sys, n, smallPath),
                    (sys, n) -> stat(sys, n, smallPath, statxBuf, smallSize),
                    new Pread((int)dataFd, readBuf));

                final io.offload.servers.OffloadContext builder = OffloadRuntime.builder()
                    .servers(SyscallClass.FILE, wantServerCpu)
                    .route(SyscallClass.PROCESS, SyscallClass.FILE)
                    .idleStrategy(idle)
                    .waitStrategy(wait);
                if (!twoCpus)
                {
                    builder.spinLimit(200);
                }
                try (OffloadRuntime runtime = builder.build())
                {
                    // Started before the caller pins itself, so the runtime's own threads do not inherit its mask.
                    final ServerStats server = runtime.stats().servers().getFirst();
                    final boolean serverPinned = server.pinned();
                    if (wantServerCpu >= 0 && !serverPinned)
                    {
                        notes.add("the FILE server could not be pinned to cpu " + wantServerCpu + ": it runs unpinned");
                    }
                    boolean callerPinned = false;
                    if (wantCallerCpu >= 0)
                    {
                        try
                        {
                            CpuAffinity.pinCurrentThread(wantCallerCpu);
                            callerPinned = true;
                        }
                        catch (final SyscallException | RuntimeException ex)
                        {
                            notes.add("the caller could not be pinned to cpu " + wantCallerCpu + " (" +
                                ex.getMessage() + "): it runs unpinned");
                        }
                    }
                    final RawSyscalls offloaded = runtime.raw();
                    final List<Row> rows = new ArrayList<>();
                    for (int i = 0; i < ops.size(); i++)
                    {
                        if (progress != null)
                        {
                            progress.printf("timing %s ...%n", names.get(i));
                        }
                        rows.add(measure(names.get(i), ops.get(i), direct, offloaded, runtime, options));
                    }
                    if (progress != null)
                    {
                        progress.println();
                    }
                    return new Report(nproc, onlineCpus,
                        Runtime.version().toString(), System.getProperty("os.name") + " " +
                        System.getProperty("os.version") + " " + System.getProperty("os.arch"), options,
                        wantCallerCpu, callerPinned, wantServerCpu, serverPinned, wait.name(), idle, notes, rows,
                        runtime.stats().toTable());
                }
            }
            finally
            {
                direct.close((int)dataFd);
            }
        }
        finally
        {
            Files.deleteIfExists(data);
            Files.deleteIfExists(small);
            Files.deleteIfExists(dir);
        }
    }

    private static void writeFiles(final Path data, final Path small) throws IOException
    {
        final byte[] bytes = new byte[FILE_SIZE];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(i * 31 + (i >>> 12));
        }
        Files.write(data, bytes);
        Files.writeString(small, "offload tour\n");
    }

    private static void warmPageCache(final RawSyscalls sys, final int fd, final MemorySegment buf)
    {
        for (long offset = 0; offset < FILE_SIZE; offset += READ_SIZE)
        {
            final long n = check("pread", sys.pread(fd, buf, offset));
            if (n != READ_SIZE)
            {
                throw new IllegalStateException("short read of the tour's file: " + n + " bytes at " + offset);
            }
        }
    }

    /**
     * Warm up both sides, then take {@code samples} timed samples of each, in alternating rounds.
     */
    static Row measure(final String name, final Op op, final RawSyscalls direct, final RawSyscalls offloaded,
        final OffloadRuntime runtime, final Options options)
    {
        final int batch = options.batch();
        long sink = 0;
        for (int done = 0; done < options.warmup(); done += ROUND)
        {
            final int n = Math.min(ROUND, options.warmup() - done);
            for (int i = 0; i < n; i++)
            {
                sink += op.run(direct, batch);
            }
            for (int i = 0; i < n; i++)
            {
                sink += op.run(offloaded, batch);
            }
        }
        final long[] directNanos = new long[options.samples()];
        final long[] offloadedNanos = new long[options.samples()];
        boolean directFirst = true;
        for (int from = 0; from < options.samples(); from += ROUND)
        {
            final int to = Math.min(options.samples(), from + ROUND);
            if (directFirst)
            {
                sink += sample(op, direct, batch, directNanos, from, to);
                sink += sample(op, offloaded, batch, offloadedNanos, from, to);
            }
            else
            {
                sink += sample(op, offloaded, batch, offloadedNanos, from, to);
                sink += sample(op, direct, batch, directNanos, from, to);
            }
            directFirst = !directFirst;
        }
        blackhole = sink; // keeps the results alive, so no call can be optimised away
        final int callerCpu = (int)DirectSyscalls.raw().schedGetcpu();
        final int serverCpu = runtime.stats().servers().getFirst().currentCpu();
        final int serverCallCpu = (int)check("sched_getcpu", offloaded.schedGetcpu());
        return new Row(name, median(directNanos) / batch, median(offloadedNanos) / batch, callerCpu, serverCpu,
            serverCallCpu);
    }

    private static long sample(final Op op, final RawSyscalls sys, final int batch, final long[] nanos,
        final int from, final int to)
    {
        long sink = 0;
        for (int i = from; i < to; i++)
        {
            final long start = System.nanoTime();
            sink += op.run(sys, batch);
            nanos[i] = System.nanoTime() - start;
        }
        return sink;
    }

    static double median(final long[] values)
    {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        final int mid = sorted.length >>> 1;
        return (sorted.length & 1) == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    private static long getpid(final RawSyscalls sys, final int n, final long pid)
    {
        long sum = 0;
        for (int i = 0; i < n; i++)
        {
            final long result = sys.getpid();
            if (result != pid)
            {
                throw new IllegalStateException("getpid returned " + result + ", expected " + pid);
            }
            sum += result;
        }
        return sum;
    }

    private static long openClose(final RawSyscalls sys, final int n, final MemorySegment path)
    {
        long sum = 0;
        for (int i = 0; i < n; i++)
        {
            final long fd = check("openat",
                sys.openat(LinuxConstants.AT_FDCWD, path, LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC, 0));
            check("close", sys.close((int)fd));
            sum += fd;
        }
        return sum;
    }

    private static long stat(final RawSyscalls sys, final int n, final MemorySegment path,
        final MemorySegment statx, final long expectedSize)
    {
        long sum = 0;
        for (int i = 0; i < n; i++)
        {
            check("statx", sys.statx(LinuxConstants.AT_FDCWD, path, 0, LinuxConstants.STATX_BASIC_STATS, statx));
            sum += statx.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, StatxDescriptor.SIZE_OFFSET);
        }
        if (sum != expectedSize * n)
        {
            throw new IllegalStateException("statx reported a size other than " + expectedSize);
        }
        return sum;
    }

    /** 4 KiB preads walking the file page by page, all from the page cache. */
    private static final class Pread implements Op
    {
        private final int fd;
        private final MemorySegment buf;
        private long offset;

        Pread(final int fd, final MemorySegment buf)
        {
            this.fd = fd;
            this.buf = buf;
        }

        @Override
        public long run(final RawSyscalls sys, final int n)
        {
            long sum = 0;
            for (int i = 0; i < n; i++)
            {
                final long read = check("pread", sys.pread(fd, buf, offset));
                if (read != READ_SIZE)
                {
                    throw new IllegalStateException("pread returned " + read + " at offset " + offset);
                }
                sum += read;
                offset = (offset + READ_SIZE) & (FILE_SIZE - 1);
            }
            return sum;
        }
    }

    private static long check(final String what, final long result)
    {
        if (result < 0)
        {
            throw new IllegalStateException(what + " failed: " + io.offload.api.Errno.name((int)-result) +
                " (" + -result + ")");
        }
        return result;
    }
}
