package io.offload.bench;

import io.offload.api.RawSyscalls;
import io.offload.api.ServerStats;
import io.offload.api.WaitStrategy;
import io.offload.examples.JsonWriter;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import io.offload.servers.libc.CpuAffinity;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Not JMH: a paired, interleaved measurement for a noisy machine. On the 2-vCPU VM these benchmarks were written
 * on, the latency between the two CPUs changes by 3-4x from one minute to the next (the host moves the vCPUs), so
 * figures from separate JMH forks a minute apart cannot be divided by each other. This harness runs, in each
 * round, the same three phases back to back for a fixed time each: direct getpid, the cache-line ping-pong, and
 * offloaded getpid (SPIN, a fresh runtime per round, busy server), and reports per-round ratios and their median.
 * <p>
 * CPUs: this (caller) thread on CPU 0; the ping-pong partner, then the offload server, on CPU 1, never both at once.
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp jmh-bench/target/benchmarks.jar io.offload.bench.PairedRounds \
 *     [rounds=23] [phaseMillis=300] [json=jmh-bench/results/PairedRounds.json]
 * </pre>
 * The first 3 rounds are warm-up (JIT) and not reported.
 */
public final class PairedRounds
{
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final int WARMUP_ROUNDS = 3;
    private static long sink;

    private PairedRounds()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 23;
        final long phaseNanos = (args.length > 1 ? Long.parseLong(args[1]) : 300) * 1_000_000L;
        final Path json = Path.of(args.length > 2 ? args[2] : "jmh-bench/results/PairedRounds.json");

        final RawSyscalls direct = DirectSyscalls.raw();
        final int measured = rounds - WARMUP_ROUNDS;
        final double[] directNs = new double[measured];
        final double[] pingPongNs = new double[measured];
        final double[] offloadNs = new double[measured];
        final PrintStream out = System.out;
        out.printf("%5s %12s %12s %14s %8s %18s%n", "round", "direct ns", "pingpong ns", "offloaded ns",
            "ratio", "(off-dir)/pingpong");
        for (int r = 0; r < rounds; r++)
        {
            final boolean keep = r >= WARMUP_ROUNDS;
            // unpin, build, then pin: the builder checks the server CPUs against the *calling thread's* mask and
            // would drop the server's pin if this thread were still pinned on CPU 0 from the previous round
            CpuAffinity.unpinCurrentThread();
            final double off;
            try (OffloadRuntime runtime = BenchSupport.newRuntime(WaitStrategy.SPIN))
            {
                BenchSupport.pin(BenchSupport.CALLER_CPU, "caller");
                off = timeGetpid(runtime.raw(), phaseNanos);
                final ServerStats server = runtime.stats().servers().get(0);
                if (!server.pinned() || server.currentCpu() != BenchSupport.SERVER_CPU)
                {
                    out.println("round " + r + ": server not pinned on cpu 1: " + server);
                }
            }
            final double dir = timeGetpid(direct, phaseNanos);
            final double pp = timePingPong(phaseNanos);
            if (keep)
            {
                final int i = r - WARMUP_ROUNDS;
                directNs[i] = dir;
                pingPongNs[i] = pp;
                offloadNs[i] = off;
            }
            out.printf(Locale.ROOT, "%5s %12.1f %12.1f %14.1f %8.2f %18.2f%n", keep ? Integer.toString(r) : "warm",
                dir, pp, off, off / dir, (off - dir) / pp);
        }
        final double[] ratio = new double[measured];
        final double[] overFloor = new double[measured];
        for (int i = 0; i < measured; i++)
        {
            ratio[i] = offloadNs[i] / directNs[i];
            overFloor[i] = (offloadNs[i] - directNs[i]) / pingPongNs[i];
        }
        out.printf(Locale.ROOT, "median %11.1f %12.1f %14.1f %8.2f %18.2f%n", median(directNs), median(pingPongNs),
            median(offloadNs), median(ratio), median(overFloor));
        out.printf(Locale.ROOT, "min    %11.1f %12.1f %14.1f %8.2f %18.2f%n", min(directNs), min(pingPongNs),
            min(offloadNs), min(ratio), min(overFloor));
        out.printf(Locale.ROOT, "max    %11.1f %12.1f %14.1f %8.2f %18.2f%n", max(directNs), max(pingPongNs),
            max(offloadNs), max(ratio), max(overFloor));
        writeJson(json, phaseNanos, directNs, pingPongNs, offloadNs, ratio, overFloor);
        out.println("sink " + (sink & 1) + "; json: " + json);
    }

    private static double timeGetpid(final RawSyscalls raw, final long phaseNanos)
    {
        long ops = 0;
        long acc = 0;
        final long start = System.nanoTime();
        final long end = start + phaseNanos;
        long now;
        do
        {
            for (int i = 0; i < 256; i++)
            {
                acc += raw.getpid();
            }
            ops += 256;
            now = System.nanoTime();
        }
        while (now < end);
        sink += acc;
        return (double)(now - start) / ops;
    }

    private static double timePingPong(final long phaseNanos) throws InterruptedException
    {
        try (Arena arena = Arena.ofShared())
        {
            final MemorySegment line = arena.allocate(128, 128);
            line.fill((byte)0);
            final Thread partner = new Thread(() ->
            {
                BenchSupport.pin(BenchSupport.SERVER_CPU, "ping-pong partner");
                while (true)
                {
                    final long v = (long)LONG.getAcquire(line, 0L);
                    if (v < 0)
                    {
                        return;
                    }
                    if ((v & 1) != 0)
                    {
                        LONG.setRelease(line, 0L, v + 1);
                    }
                    else
                    {
                        Thread.onSpinWait();
                    }
                }
            }, "ping-pong-partner");
            partner.setDaemon(true);
            partner.start();
            long value = 0;
            // one untimed bounce so the partner is up and pinned
            LONG.setRelease(line, 0L, ++value);
            while ((long)LONG.getAcquire(line, 0L) != value + 1)
            {
                Thread.onSpinWait();
            }
            value++;
            long ops = 0;
            final long start = System.nanoTime();
            final long end = start + phaseNanos;
            long now;
            do
            {
                for (int i = 0; i < 256; i++)
                {
                    LONG.setRelease(line, 0L, value + 1);
                    while ((long)LONG.getAcquire(line, 0L) != value + 2)
                    {
                        Thread.onSpinWait();
                    }
                    value += 2;
                }
                ops += 256;
                now = System.nanoTime();
            }
            while (now < end);
            LONG.setRelease(line, 0L, -1L);
            partner.join(5_000);
            return (double)(now - start) / ops;
        }
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(final double[] values)
    {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(final double[] values)
    {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    private static void writeJson(final Path json, final long phaseNanos, final double[] directNs,
        final double[] pingPongNs, final double[] offloadNs, final double[] ratio, final double[] overFloor)
        throws IOException
    {
        final JsonWriter j = JsonWriter.pretty().beginObject().member("harness", PairedRounds.class.getName());
        j.name("cpus").inline().beginObject().member("caller", 0).member("server_or_partner", 1).endObject();
        j.member("phaseMillis", phaseNanos / 1_000_000L);
        j.name("rounds").beginArray();
        for (int i = 0; i < directNs.length; i++)
        {
            round(j.inline(), directNs[i], pingPongNs[i], offloadNs[i], ratio[i], overFloor[i]);
        }
        j.endArray().name("median").inline();
        round(j, median(directNs), median(pingPongNs), median(offloadNs), median(ratio), median(overFloor));
        final String b = j.endObject().toString();
        Files.createDirectories(json.toAbsolutePath().getParent());
        Files.writeString(json, b);
    }

    private static void round(final JsonWriter j, final double directNs, final double pingPongNs,
        final double offloadNs, final double ratio, final double overFloor)
    {
        j.beginObject().member("directNs", directNs, 1).member("pingPongNs", pingPongNs, 1)
            .member("offloadedSpinNs", offloadNs, 1).member("ratio", ratio, 3)
            .member("overheadInRoundTrips", overFloor, 3).endObject();
    }
}
