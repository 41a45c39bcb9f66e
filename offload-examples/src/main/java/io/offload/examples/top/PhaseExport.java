package io.offload.examples.top;

import io.offload.api.CallStats;
import io.offload.api.LinuxConstants;
import io.offload.api.Phase;
import io.offload.api.PhaseRecording;
import io.offload.api.PhaseStats;
import io.offload.api.RawSyscalls;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import io.offload.api.StatxDescriptor;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.api.WaitStrategy;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import io.offload.servers.libc.CpuAffinity;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.offload.examples.Json.quote;

/**
 * The data behind the phase plot (GenerOS Figures 5 and 6): each of getpid, open+close, stat and a 4 KiB pread
 * made N times offloaded with phase recording ALL, and N times directly on the caller's thread, each direct call
 * timed with {@link System#nanoTime()} (the clock the phases are taken with, so the two sides pay the same clock
 * cost). Writes, per syscall, each phase's p50, mean and p99 and the direct p50, mean and p99, in nanoseconds, as
 * JSON for {@code jmh-bench/plots/PhasePlot.java}:
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp ... io.offload.examples.top.PhaseExport -o phases.json
 * </pre>
 * Layout as in the tour: the caller pinned to the first CPU this process may use, the FILE server (PROCESS routed
 * to it) pinned to the second, the caller spinning and the server busy-spinning; on one CPU both run unpinned and
 * the JSON says so. Offloaded and direct calls alternate in rounds of {@value #ROUND}, so a noisy moment hurts both;
 * warm-up calls (not recorded) come first.
 */
public final class PhaseExport
{
    /** Calls per syscall and side unless {@code --calls}. */
    public static final int DEFAULT_CALLS = 20_000;
    /** Calls per side before the other side's turn. */
    static final int ROUND = 500;
    private static final int FILE_SIZE = 1 << 20;
    private static final int READ_SIZE = 4096;

    private static final String USAGE = """
        usage: PhaseExport [--calls N] [--warmup N] [-o FILE]
          --calls N   recorded calls per syscall and side (default 20000)
          --warmup N  unrecorded calls per syscall and side first (default: calls / 4)
          -o FILE     where the JSON goes (default phases.json)
        """;

    @SuppressWarnings("unused")
    private static volatile long blackhole;

    private PhaseExport()
    {
    }

    /**
     * One call made N times: what it is, and how to make it once through a given set of calls.
     *
     * @param label   the name in the plot.
     * @param syscall the syscall the runtime records it under.
     * @param call    makes it once; returns the result.
     */
    record Call(String label, Syscall syscall, CallBody call)
    {
    }

    /** Makes one call. */
    @FunctionalInterface
    interface CallBody
    {
        /**
         * @param sys where the call goes.
         * @return its result, checked by the caller.
         */
        long run(RawSyscalls sys);
    }

    /**
     * Direct durations of one call.
     *
     * @param count calls.
     * @param mean  mean ns.
     * @param p50   median ns.
     * @param p99   99th percentile ns.
     */
    record Direct(int count, double mean, long p50, long p99)
    {
        static Direct of(final long[] nanos)
        {
            final long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            double sum = 0;
            for (final long n : sorted)
            {
                sum += n;
            }
            return new Direct(sorted.length, sum / sorted.length, sorted[(sorted.length - 1) / 2],
                sorted[(int)Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]);
        }
    }

    /**
     * @param args {@code --calls N}, {@code --warmup N}, {@code -o FILE}.
     * @throws IOException if the temp files or the output cannot be written.
     */
    public static void main(final String[] args) throws IOException
    {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null)
        {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        int calls = DEFAULT_CALLS;
        int warmup = -1;
        Path out = Path.of("phases.json");
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i].strip();
            if (arg.isEmpty())
            {
                continue;
            }
            if (arg.equals("-h") || arg.equals("--help"))
            {
                System.out.print(USAGE);
                return;
            }
            if (i + 1 >= args.length || !(arg.equals("--calls") || arg.equals("--warmup") || arg.equals("-o")))
            {
                System.err.println("unknown option or missing value: '" + arg + "'\n" + USAGE);
                System.exit(2);
                return;
            }
            final String value = args[++i].strip();
            try
            {
                switch (arg)
                {
                    case "--calls" -> calls = Integer.parseInt(value.replace("_", ""));
                    case "--warmup" -> warmup = Integer.parseInt(value.replace("_", ""));
                    default -> out = Path.of(value);
                }
            }
            catch (final NumberFormatException ex)
            {
                System.err.println(arg + " needs a whole number, got '" + value + "'\n" + USAGE);
                System.exit(2);
                return;
            }
        }
        if (calls < 1 || warmup < -1)
        {
            System.err.println("--calls must be >= 1 and --warmup >= 0\n" + USAGE);
            System.exit(2);
            return;
        }
        final String json = run(calls, warmup < 0 ? calls / 4 : warmup);
        final Path parent = out.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        Files.writeString(out, json, StandardCharsets.UTF_8);
        System.out.print(json);
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /**
     * Make the calls and return the JSON.
     *
     * @param calls  recorded calls per syscall and side.
     * @param warmup unrecorded calls per syscall and side before them.
     * @return the JSON document.
     * @throws IOException if the temp files cannot be written.
     */
    public static String run(final int calls, final int warmup) throws IOException
    {
        final String loadBefore = loadAverage();
        final List<String> notes = new ArrayList<>();
        final BitSet allowed = CpuAffinity.allowedCpus();
        final int first = allowed.nextSetBit(0);
        final int second = first < 0 ? -1 : allowed.nextSetBit(first + 1);
        final boolean twoCpus = first >= 0 && second >= 0;
        final Path dir = Files.createTempDirectory("offload-phases-");
        final Path data = dir.resolve("pread-1MiB.dat");
        final Path small = dir.resolve("open-stat.txt");
        try (Arena arena = Arena.ofShared())
        {
            final byte[] bytes = new byte[FILE_SIZE];
            Arrays.fill(bytes, (byte)7);
            Files.write(data, bytes);
            Files.writeString(small, "offload phases\n");
            final MemorySegment dataPath = arena.allocateFrom(data.toString());
            final MemorySegment smallPath = arena.allocateFrom(small.toString());
            final MemorySegment statx = arena.allocate(StatxDescriptor.LENGTH, 64);
            final MemorySegment buf = arena.allocate(READ_SIZE, 4096);
            final RawSyscalls direct = DirectSyscalls.raw();
            final int fd = (int)check("open " + data, direct.openat(LinuxConstants.AT_FDCWD, dataPath,
                LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC, 0));
            try
            {
                for (long offset = 0; offset < FILE_SIZE; offset += READ_SIZE)
                {
                    check("pread", direct.pread(fd, buf, offset)); // into the page cache: no disk in the figures
                }
                final int flags = LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC;
                final long[] offset = {0};
                final int[] opened = {-1};
                final List<Call> list = List.of(
                    new Call("getpid", Syscall.GETPID, RawSyscalls::getpid),
                    new Call("open", Syscall.OPENAT, sys ->
                    {
                        opened[0] = (int)check("openat", sys.openat(LinuxConstants.AT_FDCWD, smallPath, flags, 0));
                        return opened[0];
                    }),
                    new Call("close", Syscall.CLOSE, sys -> sys.close(opened[0])),
                    new Call("stat", Syscall.STATX, sys ->
                        sys.statx(LinuxConstants.AT_FDCWD, smallPath, 0, LinuxConstants.STATX_BASIC_STATS, statx)),
                    new Call("pread 4K", Syscall.PREAD, sys ->
                    {
                        offset[0] = (offset[0] + READ_SIZE) % FILE_SIZE;
                        return sys.pread(fd, buf, offset[0]);
                    }));

                final io.offload.servers.OffloadContext builder = OffloadRuntime.builder()
                    .servers(SyscallClass.FILE, twoCpus ? second : -1)
                    .route(SyscallClass.PROCESS, SyscallClass.FILE)
                    .waitStrategy(twoCpus ? WaitStrategy.SPIN : WaitStrategy.SPIN_THEN_PARK)
                    .idleStrategy(twoCpus ? "busy" : "yield");
                if (!twoCpus)
                {
                    notes.add("one CPU: caller and server unpinned on it; the caller parks after a short spin");
                    builder.spinLimit(200);
                }
                try (OffloadRuntime runtime = builder.build())
                {
                    final ServerStats server = runtime.stats().servers().getFirst();
                    boolean callerPinned = false;
                    if (twoCpus)
                    {
                        try
                        {
                            CpuAffinity.pinCurrentThread(first);
                            callerPinned = true;
                        }
                        catch (final SyscallException | RuntimeException ex)
                        {
                            notes.add("caller not pinned to cpu " + first + ": " + ex.getMessage());
                        }
                        if (!server.pinned())
                        {
                            notes.add("server not pinned to cpu " + second);
                        }
                    }
                    final String layout = twoCpus ?
                        String.format(Locale.ROOT, "caller %s cpu %d, FILE server %s cpu %d (PROCESS routed to " +
                            "it); caller spins, server busy-spins", callerPinned ? "pinned to" : "unpinned, asked",
                            first, server.pinned() ? "pinned to" : "unpinned, asked", second) :
                        "caller and FILE server unpinned on one CPU";
                    final Direct[] directs = measure(runtime, direct, list, calls, warmup);
                    final RuntimeStats stats = runtime.stats();
                    final long clock = clockCost();
                    return toJson(list, directs, stats, calls, warmup, layout, notes, clock, allowed.cardinality(),
                        loadBefore, loadAverage());
                }
            }
            finally
            {
                direct.close(fd);
            }
        }
        finally
        {
            Files.deleteIfExists(data);
            Files.deleteIfExists(small);
            Files.deleteIfExists(dir);
        }
    }

    private static Direct[] measure(final OffloadRuntime runtime, final RawSyscalls direct, final List<Call> list,
        final int calls, final int warmup)
    {
        final RawSyscalls offloaded = runtime.raw();
        final long[][] directNanos = new long[list.size()][calls];
        runtime.phaseRecording(PhaseRecording.OFF);
        long sink = 0;
        for (int done = 0; done < warmup; done += ROUND)
        {
            final int n = Math.min(ROUND, warmup - done);
            sink += rounds(list, offloaded, n, null, 0);
            sink += rounds(list, direct, n, null, 0);
        }
        runtime.resetPhases();
        runtime.phaseRecording(PhaseRecording.ALL);
        for (int from = 0; from < calls; from += ROUND)
        {
            final int n = Math.min(ROUND, calls - from);
            sink += rounds(list, offloaded, n, null, 0);
            sink += rounds(list, direct, n, directNanos, from);
        }
        runtime.phaseRecording(PhaseRecording.OFF);
        blackhole = sink;
        final Direct[] out = new Direct[list.size()];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = Direct.of(directNanos[i]);
        }
        return out;
    }

    /**
     * Make each call of the list {@code n} times through {@code sys}, the list in order each time (so every open
     * is followed by its close); time each call into {@code nanos[call][from + k]} if nanos is given.
     */
    private static long rounds(final List<Call> list, final RawSyscalls sys, final int n, final long[][] nanos,
        final int from)
    {
        long sink = 0;
        for (int k = 0; k < n; k++)
        {
            for (int c = 0; c < list.size(); c++)
            {
                final Call call = list.get(c);
                final long start = System.nanoTime();
                final long result = call.call().run(sys);
                final long end = System.nanoTime();
                if (result < 0)
                {
                    throw new IllegalStateException(call.label() + " failed with errno " + -result);
                }
                if (nanos != null)
                {
                    nanos[c][from + k] = end - start;
                }
                sink += result;
            }
        }
        return sink;
    }

    /** The median cost of one {@code System.nanoTime()} pair with nothing between: included in every duration. */
    private static long clockCost()
    {
        final long[] nanos = new long[10_001];
        for (int i = 0; i < nanos.length; i++)
        {
            final long start = System.nanoTime();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos[nanos.length / 2];
    }

    private static long check(final String what, final long result)
    {
        if (result < 0)
        {
            throw new IllegalStateException(what + " failed with errno " + -result);
        }
        return result;
    }

    private static String toJson(final List<Call> list, final Direct[] directs, final RuntimeStats stats,
        final int calls, final int warmup, final String layout, final List<String> notes, final long clock,
        final int nproc, final String loadBefore, final String loadAfter)
    {
        final Map<Syscall, CallStats> bySyscall = new EnumMap<>(Syscall.class);
        for (final CallStats c : stats.calls())
        {
            bySyscall.put(c.syscall(), c);
        }
        final StringBuilder out = new StringBuilder(4096);
        out.append("{\n");
        out.append("  \"tool\": \"io.offload.examples.top.PhaseExport\",\n");
        out.append("  \"date\": ").append(quote(Instant.now().toString())).append(",\n");
        out.append("  \"machine\": {\"cpu\": ").append(quote(cpuModel())).append(", \"nproc\": ").append(nproc)
            .append(", \"kernel\": ").append(quote(System.getProperty("os.name") + " " +
                System.getProperty("os.version"))).append(", \"java\": ").append(quote(Runtime.version().toString()))
            .append(", \"loadavgBefore\": ").append(quote(loadBefore)).append(", \"loadavgAfter\": ")
            .append(quote(loadAfter)).append("},\n");
        out.append("  \"layout\": ").append(quote(layout)).append(",\n");
        out.append("  \"notes\": [");
        for (int i = 0; i < notes.size(); i++)
        {
            out.append(i == 0 ? "" : ", ").append(quote(notes.get(i)));
        }
        out.append("],\n");
        out.append("  \"calls\": ").append(calls).append(",\n");
        out.append("  \"warmup\": ").append(warmup).append(",\n");
        out.append("  \"clockPairNanos\": ").append(clock).append(",\n");
        out.append("  \"unit\": \"ns\",\n");
        out.append("  \"syscalls\": [\n");
        for (int i = 0; i < list.size(); i++)
        {
            final Call call = list.get(i);
            final CallStats c = bySyscall.get(call.syscall());
            out.append("    {\"label\": ").append(quote(call.label())).append(", \"syscall\": ")
                .append(quote(call.syscall().cName())).append(",\n");
            out.append("     \"offloaded\": {");
            final Phase[] phases = Phase.values();
            for (int p = 0; p < phases.length; p++)
            {
                final PhaseStats s = c == null ? new PhaseStats(phases[p], 0, 0, 0, 0, 0, 0, 0) : c.phase(phases[p]);
                out.append(p == 0 ? "" : ",\n                    ").append(quote(phases[p].name()))
                    .append(": {\"count\": ").append(s.count()).append(", \"p50\": ").append(s.p50())
                    .append(", \"mean\": ").append(number(s.mean())).append(", \"p99\": ").append(s.p99())
                    .append('}');
            }
            out.append("},\n");
            final Direct d = directs[i];
            out.append("     \"direct\": {\"count\": ").append(d.count()).append(", \"p50\": ").append(d.p50())
                .append(", \"mean\": ").append(number(d.mean())).append(", \"p99\": ").append(d.p99()).append("}}")
                .append(i + 1 < list.size() ? ",\n" : "\n");
        }
        out.append("  ]\n");
        out.append("}\n");
        return out.toString();
    }

    private static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        }
        catch (final IOException | RuntimeException ignored)
        {
            // not Linux, or no access: the architecture will do
        }
        return System.getProperty("os.arch");
    }

    private static String loadAverage()
    {
        try
        {
            final String[] parts = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : "unknown";
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
    }

    private static String number(final double value)
    {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.1f", value) : "null";
    }
}
