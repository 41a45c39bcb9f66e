package io.offload.bench;

import io.offload.api.CallStats;
import io.offload.api.LinuxConstants;
import io.offload.api.Phase;
import io.offload.api.PhaseRecording;
import io.offload.api.PhaseStats;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.Syscalls;
import io.offload.servers.OffloadContext;
import io.offload.servers.OffloadRuntime;
import io.offload.servers.WakeupPolicy;
import io.offload.servers.libc.CpuAffinity;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * FLYOUT of parked virtual threads under two wake-up policies, A/B in one run (issue 12 item 4). Many virtual
 * threads each block reading a pipe of their own through one FILE server; a platform writer thread waits long enough
 * for every read to be waiting in the server's reactor (so each caller has parked), then writes one byte to every
 * pipe. The server completes the reads as the bytes come and wakes the parked callers: through the completion
 * thread ({@code COMPLETER}) or itself ({@code DIRECT_WHEN_UNPINNED}; with {@code --pinned}, a server pinned to the
 * last allowed CPU and {@code DIRECT_WHEN_POOL_FULL}). FLYOUT (server publishes DONE until the caller sees it) comes
 * from the runtime's own phase recording ({@code all}). Variants alternate, A B A B, each run on a fresh runtime
 * after one warm-up run each; the summary is the median over the pairs (the upper one of an even count).
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp jmh-bench/target/benchmarks.jar io.offload.bench.ParkedWakeupMain \
 *     [--threads 8] [--rounds 2000] [--pairs 3] [--gapMicros 200] [--pinned]
 * </pre>
 */
public final class ParkedWakeupMain
{
    private ParkedWakeupMain()
    {
    }

    /** One run's figures. */
    private record Run(WakeupPolicy policy, long reads, long p50, long p99, double mean, long direct,
        long viaCompleter)
    {
    }

    /**
     * @param args see the class comment.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        int threads = 8;
        int rounds = 2000;
        int pairs = 3;
        long gapMicros = 200;
        boolean pinned = false;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--pairs" -> pairs = Integer.parseInt(args[++i]);
                case "--gapMicros" -> gapMicros = Long.parseLong(args[++i]);
                case "--pinned" -> pinned = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] +
                    ": use --threads N, --rounds N, --pairs N, --gapMicros N, --pinned");
            }
        }
        final BitSet allowed = CpuAffinity.allowedCpus();
        final int serverCpu = pinned ? allowed.length() - 1 : -1;
        final WakeupPolicy a = WakeupPolicy.COMPLETER;
        final WakeupPolicy b = pinned ? WakeupPolicy.DIRECT_WHEN_POOL_FULL : WakeupPolicy.DIRECT_WHEN_UNPINNED;
        System.out.printf(Locale.ROOT, "parked-wakeup: %d virtual threads x %d rounds, gap %d us, server %s, " +
            "cpus %s, loadavg %s%n", threads, rounds, gapMicros, pinned ? "pinned to cpu " + serverCpu : "unpinned",
            allowed, loadAverage());
        run(a, threads, Math.max(rounds / 4, 1), gapMicros, serverCpu); // warm-up, not reported
        run(b, threads, Math.max(rounds / 4, 1), gapMicros, serverCpu);
        final List<Run> as = new ArrayList<>();
        final List<Run> bs = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%-22s %4s %9s %10s %10s %10s %9s %9s%n", "policy", "pair", "reads",
            "FLYOUT p50", "p99", "mean", "direct", "completer");
        for (int p = 0; p < pairs; p++)
        {
            for (final WakeupPolicy policy : new WakeupPolicy[]{a, b})
            {
                final Run r = run(policy, threads, rounds, gapMicros, serverCpu);
                (policy == a ? as : bs).add(r);
                System.out.printf(Locale.ROOT, "%-22s %4d %9d %10.1f %10.1f %10.1f %9d %9d%n", policy, p, r.reads(),
                    r.p50() / 1e3, r.p99() / 1e3, r.mean() / 1e3, r.direct(), r.viaCompleter());
            }
        }
        final long a50 = median(as, Run::p50);
        final long a99 = median(as, Run::p99);
        final long b50 = median(bs, Run::p50);
        final long b99 = median(bs, Run::p99);
        System.out.printf(Locale.ROOT, "%nmedian of %d pairs (us)   FLYOUT p50   FLYOUT p99%n", pairs);
        System.out.printf(Locale.ROOT, "%-24s %12.1f %12.1f%n", a, a50 / 1e3, a99 / 1e3);
        System.out.printf(Locale.ROOT, "%-24s %12.1f %12.1f%n", b, b50 / 1e3, b99 / 1e3);
        System.out.printf(Locale.ROOT, "%-24s %12.2f %12.2f%n", "ratio " + b + "/" + a, (double)b50 / a50,
            (double)b99 / a99);
        System.out.printf(Locale.ROOT, "loadavg after %s%n", loadAverage());
    }

    private static long median(final List<Run> runs, final java.util.function.ToLongFunction<Run> field)
    {
        final long[] values = runs.stream().mapToLong(field).sorted().toArray();
        return values[values.length / 2];
    }

    private static Run run(final WakeupPolicy policy, final int threads, final int rounds, final long gapMicros,
        final int serverCpu) throws Exception
    {
        final OffloadContext builder = OffloadRuntime.builder().wakeup(policy).phaseRecording(PhaseRecording.ALL);
        if (serverCpu >= 0)
        {
            builder.servers(SyscallClass.FILE, serverCpu);
        }
        else
        {
            builder.unpinnedServers(SyscallClass.FILE, 1);
        }
        try (OffloadRuntime runtime = builder.build())
        {
            final Syscalls sys = runtime.syscalls();
            final int[][] pipes = new int[threads][];
            for (int i = 0; i < threads; i++)
            {
                pipes[i] = sys.pipe2(LinuxConstants.O_NONBLOCK | LinuxConstants.O_CLOEXEC);
            }
            final Phaser phaser = new Phaser(threads + 1);
            final Thread[] readers = new Thread[threads];
            for (int i = 0; i < threads; i++)
            {
                final int fd = pipes[i][0];
                readers[i] = Thread.ofVirtual().start(() ->
                {
                    try (Arena arena = Arena.ofConfined())
                    {
                        final MemorySegment in = arena.allocate(8);
                        for (int r = 0; r < rounds; r++)
                        {
                            phaser.arriveAndAwaitAdvance();
                            if (sys.read(fd, in) != 1)
                            {
                                throw new IllegalStateException("short read");
                            }
                        }
                    }
                    catch (final Exception ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                });
            }
            try (Arena arena = Arena.ofConfined())
            {
                final MemorySegment out = arena.allocateFrom(ValueLayout.JAVA_BYTE, (byte)1);
                for (int r = 0; r < rounds; r++)
                {
                    phaser.arriveAndAwaitAdvance();
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(gapMicros)); // let every read wait, parked
                    for (int i = 0; i < threads; i++)
                    {
                        sys.write(pipes[i][1], out);
                    }
                }
            }
            for (final Thread reader : readers)
            {
                reader.join();
            }
            for (final int[] pipe : pipes)
            {
                sys.close(pipe[0]);
                sys.close(pipe[1]);
            }
            final long[] counts = unparkCounts(runtime);
            for (final CallStats calls : runtime.stats().calls())
            {
                if (calls.syscall() == Syscall.READ)
                {
                    final PhaseStats flyout = calls.phase(Phase.FLYOUT);
                    return new Run(policy, flyout.count(), flyout.p50(), flyout.p99(), flyout.mean(), counts[0],
                        counts[1]);
                }
            }
            throw new IllegalStateException("no READ phases recorded: " + runtime.stats().calls());
        }
    }

    /** The runtime's own count of direct and completer unparks (package-private there; diagnostic only). */
    private static long[] unparkCounts(final OffloadRuntime runtime)
    {
        try
        {
            final Method method = OffloadRuntime.class.getDeclaredMethod("unparkCounts");
            method.setAccessible(true);
            return (long[])method.invoke(runtime);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return new long[]{-1, -1};
        }
    }

    private static String loadAverage()
    {
        try
        {
            final String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            return "?";
        }
    }
}
