package io.offload.bench;

import io.offload.rings.HandleConsumer;
import io.offload.rings.MpscHandleRing;
import io.offload.rings.SpscHandleRing;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

/**
 * The library's rings ({@link SpscHandleRing}, {@link MpscHandleRing}: int handles in off-heap slots) against the
 * JCTools queues a user would reach for ({@link SpscArrayQueue}, {@link MpscArrayQueue}: references in a heap
 * array). Same capacity (1,024), same hand-off count, same batch drain (up to 64 per drain, the server's default
 * batch limit), same element: a handle in [0, 1024) for the rings, the Integer for that handle from a cache boxed
 * once in setup for JCTools, so neither side allocates in the measured loop. Consumers add up the values they take
 * (an unboxing read on the JCTools side, the int itself on ours).
 * <ul>
 *     <li>{@code offer}: throughput of a producer that offers (spinning while the ring is full) while a consumer
 *     drains in batches; ops/us is the hand-off rate, bound by the slower side.</li>
 *     <li>{@code roundTrip}: one element out on the ring, echoed back by the consumer on a second ring of the same
 *     kind, polled by the producer: the latency of one request/reply through two rings, to be set against
 *     {@link PingPongBenchmark}.</li>
 * </ul>
 * Each {@code impl} runs in a fork of its own, so every call site sees one implementation.
 * <p>
 * CPUs: the benchmark (producer) thread is pinned on CPU 0, the consumer (echo) thread on CPU 1.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchSupport.NATIVE_ACCESS)
public class RingBenchmark
{
    static final int CAPACITY = 1024;
    static final int BATCH = 64;
    static final Integer[] BOXED = new Integer[CAPACITY];

    static
    {
        for (int i = 0; i < CAPACITY; i++)
        {
            BOXED[i] = Integer.valueOf(i);
        }
    }

    /** One queue behind the operations the benchmark needs. */
    abstract static class Lane
    {
        long sink; // consumer thread only
        Lane reply; // where the consumer echoes to, or null

        abstract boolean offer(int value);

        /** Take up to {@code limit}; each goes to the sink, or is echoed if {@link #reply} is set. */
        abstract int drain(int limit);

        /** @return a value, or -1 if empty. */
        abstract int poll();

        abstract void close();

        final void take(final int value)
        {
            if (reply == null)
            {
                sink += value;
            }
            else
            {
                while (!reply.offer(value))
                {
                    Thread.onSpinWait();
                }
            }
        }

        static Lane create(final String impl)
        {
            return switch (impl)
            {
                case "offloadSpsc" -> new HandleLane(SpscHandleRing::allocate);
                case "offloadMpsc" -> new HandleLane(MpscHandleRing::allocate);
                case "jctoolsSpsc" -> new JctoolsLane(new SpscArrayQueue<>(CAPACITY));
                case "jctoolsMpsc" -> new JctoolsLane(new MpscArrayQueue<>(CAPACITY));
                default -> throw new IllegalArgumentException("unknown impl " + impl);
            };
        }
    }

    interface RingFactory
    {
        io.offload.rings.HandleRing allocate(Arena arena, int capacity);
    }

    static final class HandleLane extends Lane implements HandleConsumer
    {
        final Arena arena = Arena.ofShared();
        final io.offload.rings.HandleRing ring;

        HandleLane(final RingFactory factory)
        {
            ring = factory.allocate(arena, CAPACITY);
            if (ring.capacity() != CAPACITY)
            {
                throw new IllegalStateException("capacity " + ring.capacity());
            }
        }

        @Override
        boolean offer(final int value)
        {
            return ring.offer(value);
        }

        @Override
        int drain(final int limit)
        {
            return ring.drain(this, limit);
        }

        @Override
        int poll()
        {
            return ring.poll();
        }

        @Override
        public void accept(final int handle)
        {
            take(handle);
        }

        @Override
        void close()
        {
            arena.close();
        }
    }

    static final class JctoolsLane extends Lane implements MessagePassingQueue.Consumer<Integer>
    {
        final MessagePassingQueue<Integer> queue;

        JctoolsLane(final MessagePassingQueue<Integer> queue)
        {
            this.queue = queue;
            if (queue.capacity() != CAPACITY)
            {
                throw new IllegalStateException("capacity " + queue.capacity());
            }
        }

        @Override
        boolean offer(final int value)
        {
            return queue.offer(BOXED[value]);
        }

        @Override
        int drain(final int limit)
        {
            return queue.drain(this, limit);
        }

        @Override
        int poll()
        {
            final Integer value = queue.poll();
            return value == null ? -1 : value.intValue();
        }

        @Override
        public void accept(final Integer value)
        {
            take(value.intValue());
        }

        @Override
        void close()
        {
        }
    }

    /** Producer on CPU 0, a consumer thread on CPU 1 draining one lane, echoing onto a second if asked. */
    abstract static class Pair
    {
        Lane out;
        Lane back;
        int next;
        volatile boolean running;
        Thread consumer;

        /** The producer (benchmark thread) must still be on its CPU. */
        @Setup(Level.Iteration)
        public void check()
        {
            BenchSupport.checkOn(BenchSupport.CALLER_CPU);
        }

        /** Stop the consumer thread. */
        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException
        {
            stop();
        }

        void start(final String impl, final boolean echo)
        {
            out = Lane.create(impl);
            if (echo)
            {
                back = Lane.create(impl);
                out.reply = back;
            }
            running = true;
            consumer = new Thread(this::consume, "ring-consumer");
            consumer.setDaemon(true);
            consumer.start();
            BenchSupport.pin(BenchSupport.CALLER_CPU, "benchmark thread");
        }

        private void consume()
        {
            BenchSupport.pin(BenchSupport.SERVER_CPU, "ring consumer");
            final Lane lane = out;
            while (running)
            {
                if (lane.drain(BATCH) == 0)
                {
                    Thread.onSpinWait();
                }
            }
        }

        void stop() throws InterruptedException
        {
            running = false;
            consumer.join(5_000);
            out.close();
            if (back != null)
            {
                back.close();
            }
        }

        final int nextValue()
        {
            final int v = next;
            next = (v + 1) & (CAPACITY - 1);
            return v;
        }
    }

    /** A lane drained by the consumer. */
    @State(Scope.Thread)
    public static class OneWay extends Pair
    {
        @Param({"offloadSpsc", "offloadMpsc", "jctoolsSpsc", "jctoolsMpsc"})
        public String impl;

        @Setup(Level.Trial)
        public void setUp()
        {
            start(impl, false);
        }
    }

    /** A lane out and a lane back, the consumer echoing. */
    @State(Scope.Thread)
    public static class TwoWay extends Pair
    {
        @Param({"offloadSpsc", "offloadMpsc", "jctoolsSpsc", "jctoolsMpsc"})
        public String impl;

        @Setup(Level.Trial)
        public void setUp()
        {
            start(impl, true);
        }
    }

    /**
     * @param s the lane.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void offer(final OneWay s)
    {
        final int v = s.nextValue();
        final Lane lane = s.out;
        while (!lane.offer(v))
        {
            Thread.onSpinWait();
        }
    }

    /**
     * @param s the lanes.
     * @return the value that came back.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int roundTrip(final TwoWay s)
    {
        final int v = s.nextValue();
        while (!s.out.offer(v))
        {
            Thread.onSpinWait();
        }
        int r;
        while ((r = s.back.poll()) < 0)
        {
            Thread.onSpinWait();
        }
        return r;
    }
}
