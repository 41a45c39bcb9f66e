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

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.lang.foreign.Arena;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
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
 * Each {@code impl} runs in a fork of its own, so every call site sees one implementation. Both sides are measured
 * the same way: the producer calls the queue's own {@code offer}, the consumer its own batch {@code drain} with a
 * consumer object whose work per element is the same add. What one thread writes on every element (the producer's
 * next value, the consumer's sum) is kept on cache lines of its own ({@link Drainer} is padded, the stop flag lives
 * with the consumer's sum, not beside the producer's counter): a consumer sum beside the lane object or the arena,
 * which the producer reads on every offer, would charge a cache miss per element to whichever queue's objects
 * happened to be allocated next to it.
 * <p>
 * CPUs: the benchmark (producer) thread is pinned on CPU 0, the consumer (echo) thread on CPU 1.
 * <p>
 * {@link #main} runs both benchmarks for the four queues in one run and prints offload against JCTools as ratios.
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

    /** The producer's side of one queue: read-only after setup. */
    abstract static class Lane
    {
        abstract boolean offer(int value);

        /** @return a value, or -1 if empty. */
        abstract int poll();

        /**
         * @param reply where the consumer echoes each value to, or null to add it up.
         * @return a consumer for this lane.
         */
        abstract Drainer drainer(Lane reply);

        abstract void close();

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

    /** 128 bytes before the consumer's fields. */
    abstract static class DrainerPad0
    {
        long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
    }

    /** What the consumer thread writes (sum) and reads (running) on every element or drain. */
    abstract static class DrainerFields extends DrainerPad0
    {
        long sum;
        volatile boolean running = true;
    }

    /** 128 bytes after the consumer's fields. */
    abstract static class DrainerPad1 extends DrainerFields
    {
        long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
    }

    /** The consumer's side of one queue: drains it and adds up or echoes what it takes. */
    abstract static class Drainer extends DrainerPad1
    {
        final Lane reply;

        Drainer(final Lane reply)
        {
            this.reply = reply;
        }

        /** Take up to {@code limit}; each goes to the sum, or is echoed if {@link #reply} is set. */
        abstract int drain(int limit);

        final void take(final int value)
        {
            if (reply == null)
            {
                sum += value;
            }
            else
            {
                while (!reply.offer(value))
                {
                    Thread.onSpinWait();
                }
            }
        }
    }

    interface RingFactory
    {
        io.offload.rings.HandleRing allocate(Arena arena, int capacity);
    }

    static final class HandleLane extends Lane
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
        int poll()
        {
            return ring.poll();
        }

        @Override
        Drainer drainer(final Lane reply)
        {
            return new HandleDrainer(ring, reply);
        }

        @Override
        void close()
        {
            arena.close();
        }
    }

    static final class HandleDrainer extends Drainer implements HandleConsumer
    {
        final io.offload.rings.HandleRing ring;

        HandleDrainer(final io.offload.rings.HandleRing ring, final Lane reply)
        {
            super(reply);
            this.ring = ring;
        }

        @Override
        int drain(final int limit)
        {
            return ring.drain(this, limit);
        }

        @Override
        public void accept(final int handle)
        {
            take(handle);
        }
    }

    static final class JctoolsLane extends Lane
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
        int poll()
        {
            final Integer value = queue.poll();
            return value == null ? -1 : value.intValue();
        }

        @Override
        Drainer drainer(final Lane reply)
        {
            return new JctoolsDrainer(queue, reply);
        }

        @Override
        void close()
        {
        }
    }

    static final class JctoolsDrainer extends Drainer implements MessagePassingQueue.Consumer<Integer>
    {
        final MessagePassingQueue<Integer> queue;

        JctoolsDrainer(final MessagePassingQueue<Integer> queue, final Lane reply)
        {
            super(reply);
            this.queue = queue;
        }

        @Override
        int drain(final int limit)
        {
            return queue.drain(this, limit);
        }

        @Override
        public void accept(final Integer value)
        {
            take(value.intValue());
        }
    }

    /** Producer on CPU 0, a consumer thread on CPU 1 draining one lane, echoing onto a second if asked. */
    abstract static class Pair
    {
        Lane out;
        Lane back;
        Drainer drainer;
        int next;
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
            }
            drainer = out.drainer(back);
            consumer = new Thread(this::consume, "ring-consumer");
            consumer.setDaemon(true);
            consumer.start();
            BenchSupport.pin(BenchSupport.CALLER_CPU, "benchmark thread");
        }

        private void consume()
        {
            BenchSupport.pin(BenchSupport.SERVER_CPU, "ring consumer");
            final Drainer drainer = this.drainer;
            while (drainer.running)
            {
                if (drainer.drain(BATCH) == 0)
                {
                    Thread.onSpinWait();
                }
            }
        }

        void stop() throws InterruptedException
        {
            drainer.running = false;
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

    /**
     * Runs {@code offer} and {@code roundTrip} for the four queues in one run and prints, per benchmark, each queue's
     * score and our ring's speed against the JCTools queue of the same kind (above 1: ours is faster): ops/us
     * ours / JCTools for {@code offer}, ns JCTools / ours for {@code roundTrip}.
     *
     * @param args JMH options, added to these (e.g. {@code -f 3 -prof gc}); the JSON goes to
     *             {@code jmh-bench/results/RingBenchmark.json} unless {@code -rff} says otherwise.
     * @throws Exception if JMH fails or an option is wrong.
     */
    public static void main(final String[] args) throws Exception
    {
        final CommandLineOptions cli = new CommandLineOptions(args);
        final OptionsBuilder options = new OptionsBuilder();
        options.parent(cli).include(RingBenchmark.class.getName() + "\\.(offer|roundTrip)$");
        if (cli.getResult().hasValue())
        {
            options.resultFormat(cli.getResultFormat().orElse(ResultFormatType.JSON));
        }
        else
        {
            options.resultFormat(ResultFormatType.JSON).result("jmh-bench/results/RingBenchmark.json");
        }
        final Collection<RunResult> results = new Runner(options.build()).run();

        final Map<String, double[]> scores = new HashMap<>();
        for (final RunResult result : results)
        {
            final String benchmark = result.getParams().getBenchmark();
            final String name = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            final String impl = result.getParams().getParam("impl");
            scores.put(name + " " + impl,
                new double[]{result.getPrimaryResult().getScore(), result.getPrimaryResult().getScoreError()});
        }
        System.out.println();
        System.out.printf("%-10s %-6s %22s %22s %12s%n", "benchmark", "kind", "offload", "JCTools", "offload/JCT");
        for (final String name : new String[]{"offer", "roundTrip"})
        {
            final boolean higherIsBetter = name.equals("offer");
            final String unit = higherIsBetter ? "ops/us" : "ns";
            for (final String kind : new String[]{"Spsc", "Mpsc"})
            {
                final double[] ours = scores.get(name + " offload" + kind);
                final double[] theirs = scores.get(name + " jctools" + kind);
                if (ours == null || theirs == null)
                {
                    continue;
                }
                final double ratio = higherIsBetter ? ours[0] / theirs[0] : theirs[0] / ours[0];
                System.out.printf("%-10s %-6s %22s %22s %11.2fx%n", name, kind.toUpperCase(),
                    String.format("%.2f +- %.2f %s", ours[0], ours[1], unit),
                    String.format("%.2f +- %.2f %s", theirs[0], theirs[1], unit), ratio);
            }
        }
        System.out.println("offload/JCT: our ring's speed against JCTools' queue of the same kind, same run " +
            "(above 1: ours is faster; offer: ops/us ratio, roundTrip: inverse ns ratio)");
    }
}
