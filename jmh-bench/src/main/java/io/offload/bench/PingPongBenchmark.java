package io.offload.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * The physical floor of any hand-off between two cores: one long in a cache line of its own (a 128-byte aligned,
 * 128-byte off-heap block, so the adjacent-line prefetcher pairs it with nothing) bounced between two threads. The
 * benchmark thread writes an odd value and spins until it reads the next even one; the partner spins until it
 * reads an odd value and writes the next even one. One op is one round trip: the line goes to the partner's core
 * and comes back, the least that an offloaded call (request out, result back) can cost on top of the call itself.
 * Both sides spin with {@link Thread#onSpinWait()}, as the library's caller and server do.
 * <p>
 * CPUs: the benchmark thread is pinned on CPU 0, the partner thread on CPU 1.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchSupport.NATIVE_ACCESS)
public class PingPongBenchmark
{
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** The shared line and the partner thread. */
    @State(Scope.Thread)
    public static class Line
    {
        Arena arena;
        MemorySegment line;
        long value;
        volatile boolean running;
        Thread partner;

        @Setup(Level.Trial)
        public void setUp()
        {
            arena = Arena.ofShared();
            line = arena.allocate(128, 128);
            line.fill((byte)0);
            running = true;
            partner = new Thread(this::echo, "ping-pong-partner");
            partner.setDaemon(true);
            partner.start();
            BenchSupport.pin(BenchSupport.CALLER_CPU, "benchmark thread");
        }

        @Setup(Level.Iteration)
        public void check()
        {
            BenchSupport.checkOn(BenchSupport.CALLER_CPU);
        }

        private void echo()
        {
            BenchSupport.pin(BenchSupport.SERVER_CPU, "ping-pong partner");
            final MemorySegment l = line;
            while (running)
            {
                final long v = (long)LONG.getAcquire(l, 0L);
                if ((v & 1) != 0)
                {
                    LONG.setRelease(l, 0L, v + 1);
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException
        {
            running = false;
            partner.join(5_000);
            arena.close();
        }
    }

    /**
     * @param s the line.
     * @return the value after the round trip.
     */
    @Benchmark
    public long roundTrip(final Line s)
    {
        final MemorySegment l = s.line;
        final long ping = s.value + 1;
        LONG.setRelease(l, 0L, ping);
        final long pong = ping + 1;
        while ((long)LONG.getAcquire(l, 0L) != pong)
        {
            Thread.onSpinWait();
        }
        s.value = pong;
        return pong;
    }
}
