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
import io.offload.examples.CommandLine;
import io.offload.examples.JsonWriter;
import io.offload.examples.Machine;
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

/**
 * The data behind the phase plot (GenerOS Figures 5 and 6): each of getpid, open+close, stat and a 4 KiB pread
 * made N times offloaded with phase recording ALL, and N times directly on the caller's thread, each direct call
 * timed with {@link System#nanoTime()} (the clock the phases are taken with, so the two sides pay the same clock
 * cost). Writes, per syscall, each phase's p50, mean and p99 and the direct p50, mean and p99, in nanoseconds, as
 * JSON for {@code jmh-bench/plots/PhasePlot.java}:
 * <pre>
 *   java -jar offload-examples/target/offload-examples.jar phases -o jmh-bench/results/phases.json
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
        usage: phases [--calls N] [--warmup N] [-o FILE]
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
     * What to run.
     *
     * @param calls  recorded calls per syscall and side.
     * @param warmup unrecorded calls per syscall and side before them.
     * @param out    where the JSON goes.
     */
    record Options(int calls, int warmup, Path out)
    {
        static Options parse(final String... args)
        {
            int calls = DEFAULT_CALLS;
            int warmup = -1;
            Path out = Path.of("phases.json");
            final CommandLine in = new CommandLine(USAGE, args);
            while (in.next())
            {
                switch (in.option())
                {
                    case "--calls" -> calls = in.wholeNumber(1);
                    case "--warmup" -> warmup = in.wholeNumber(0);
                    case "-o" -> out = Path.of(in.value());
                    case "-h", "--help" -> throw new CommandLine.HelpRequested();
                    default -> throw in.unknown();
                }
            }
            return new Options(calls, warmup < 0 ? calls / 4 : warmup, out);
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
        final Options options = CommandLine.parseOrExit(USAGE, args, Options::parse);
        if (options == null)
        {
            return;
        }
        final Path out = options.out();
        final String json = run(options.calls(), options.warmup());
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
        final String loadBefore = Machine.loadAverage();
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
                    .idleStrategy(twoCpus ? "busy" : "yield")
                    .nowaitReads(false); // the hand-off's phases: a cached pread would be answered on the caller
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
                        loadBefore, Machine.loadAverage());
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
        final JsonWriter j = JsonWriter.pretty().beginObject();
        j.member("tool", PhaseExport.class.getName()).member("date", Instant.now().toString());
        j.name("machine").inline().beginObject().member("cpu", Machine.cpuModel()).member("nproc", nproc)
            .member("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"))
            .member("java", Runtime.version().toString()).member("loadavgBefore", loadBefore)
            .member("loadavgAfter", loadAfter).endObject();
        j.member("layout", layout);
        j.name("notes").beginArray();
        notes.forEach(j::value);
        j.endArray();
        j.member("calls", calls).member("warmup", warmup).member("clockPairNanos", clock).member("unit", "ns");
        j.name("syscalls").beginArray();
        for (int i = 0; i < list.size(); i++)
        {
            final Call call = list.get(i);
            final CallStats c = bySyscall.get(call.syscall());
            j.beginObject().member("label", call.label()).member("syscall", call.syscall().cName());
            j.name("offloaded").beginObject();
            for (final Phase phase : Phase.values())
            {
                final PhaseStats s = c == null ? new PhaseStats(phase, 0, 0, 0, 0, 0, 0, 0) : c.phase(phase);
                j.name(phase.name());
                figures(j, s.count(), s.p50(), s.mean(), s.p99());
            }
            j.endObject();
            final Direct d = directs[i];
            j.name("direct");
            figures(j, d.count(), d.p50(), d.mean(), d.p99());
            j.endObject();
        }
        return j.endArray().endObject().toString();
    }

    /** One side's figures on one line: {@code {"count": N, "p50": ns, "mean": ns, "p99": ns}}. */
    private static void figures(final JsonWriter j, final long count, final long p50, final double mean,
        final long p99)
    {
        j.inline().beginObject().member("count", count).member("p50", p50).member("mean", mean, 1)
            .member("p99", p99).endObject();
    }
}
