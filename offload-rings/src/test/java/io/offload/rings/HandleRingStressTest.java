package io.offload.rings;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * P producers and one consumer move {@value #TOTAL} handles through a small ring. Each handle encodes
 * (producer, sequence); the consumer drains in batches of random size and checks that each producer's sequence
 * goes up by exactly one, so at the end every handle was seen exactly once.
 * <p>
 * The seed is printed at start; rerun a failure with {@code -Doffload.test.seed=N}.
 */
class HandleRingStressTest
{
    private static final int TOTAL = 10_000_000;
    private static final int CAPACITY = 1024;
    private static final int SPINS_BEFORE_YIELD = 64;
    private static final long DEADLINE_SECONDS = 150;
    private static final String SEED_PROPERTY = "offload.test.seed";

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void spscOneProducer()
    {
        run("SPSC", 1, SpscHandleRing::allocate);
    }

    @ParameterizedTest(name = "MPSC with {0} producer(s)")
    @ValueSource(ints = {1, 2, 4})
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void mpsc(final int producers)
    {
        run("MPSC", producers, MpscHandleRing::allocate);
    }

    private static void run(
        final String kind, final int producerCount, final BiFunction<Arena, Integer, HandleRing> factory)
    {
        final long seed = Long.getLong(SEED_PROPERTY, System.nanoTime());
        final String config = kind + " x" + producerCount + " seed=" + seed;
        System.out.println("HandleRingStressTest " + kind + " producers=" + producerCount + " handles=" + TOTAL +
            " capacity=" + CAPACITY + " seed=" + seed + " (rerun with -D" + SEED_PROPERTY + "=" + seed + ")");

        final int perProducer = TOTAL / producerCount;
        assertEquals(TOTAL, perProducer * producerCount, "TOTAL must split evenly");

        try (Arena arena = Arena.ofShared())
        {
            final HandleRing ring = factory.apply(arena, CAPACITY);
            final AtomicReference<Throwable> producerFailure = new AtomicReference<>();
            final Stop stop = new Stop();
            final Thread[] producers = new Thread[producerCount];
            for (int p = 0; p < producerCount; p++)
            {
                final int producerId = p;
                producers[p] = Thread.ofPlatform().daemon().name("producer-" + p).unstarted(
                    () -> produce(ring, producerId, perProducer, stop, producerFailure));
            }

            final long start = System.nanoTime();
            for (final Thread producer : producers)
            {
                producer.start();
            }
            try
            {
                consume(ring, producerCount, perProducer, new SplittableRandom(seed), config, stop, producerFailure);
            }
            finally
            {
                stop.stop = true;
                for (final Thread producer : producers)
                {
                    joinQuietly(producer);
                }
            }
            final long elapsedNs = System.nanoTime() - start;

            final Throwable failure = producerFailure.get();
            if (failure != null)
            {
                throw new AssertionError(config + ": producer failed", failure);
            }
            assertEquals(-1, ring.poll(), config + ": ring must be empty at the end");
            assertEquals(0, ring.size(), config + ": size must be 0 at the end");
            System.out.printf("HandleRingStressTest %s producers=%d: %,d handles in %d ms (%.1f M/s)%n",
                kind, producerCount, TOTAL, elapsedNs / 1_000_000, TOTAL * 1e3 / elapsedNs);
        }
    }

    private static void produce(
        final HandleRing ring,
        final int producerId,
        final int perProducer,
        final Stop stop,
        final AtomicReference<Throwable> failure)
    {
        try
        {
            final int base = producerId * perProducer;
            for (int seq = 0; seq < perProducer; seq++)
            {
                final int handle = base + seq;
                int spins = 0;
                while (!ring.offer(handle))
                {
                    if (stop.stop)
                    {
                        return;
                    }
                    if (++spins < SPINS_BEFORE_YIELD)
                    {
                        Thread.onSpinWait();
                    }
                    else
                    {
                        spins = 0;
                        Thread.yield();
                    }
                }
            }
        }
        catch (final Throwable ex)
        {
            failure.compareAndSet(null, ex);
        }
    }

    private static void consume(
        final HandleRing ring,
        final int producerCount,
        final int perProducer,
        final SplittableRandom random,
        final String config,
        final Stop stop,
        final AtomicReference<Throwable> producerFailure)
    {
        final Checker checker = new Checker(producerCount, perProducer, config);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        final int maxLimit = 2 * CAPACITY;
        int idle = 0;
        while (checker.received < TOTAL)
        {
            final int taken;
            final int choice = random.nextInt(16);
            if (choice == 0)
            {
                final int handle = ring.poll();
                if (handle >= 0)
                {
                    checker.accept(handle);
                    taken = 1;
                }
                else
                {
                    taken = 0;
                }
            }
            else
            {
                // mostly small batches, sometimes up to twice the capacity
                final int limit = choice < 12 ? 1 + random.nextInt(32) : 1 + random.nextInt(maxLimit);
                taken = ring.drain(checker, limit);
                if (taken > limit)
                {
                    fail(config + ": drain took " + taken + " with limit " + limit);
                }
            }
            if (taken > 0)
            {
                idle = 0;
                continue;
            }
            if (++idle < SPINS_BEFORE_YIELD)
            {
                Thread.onSpinWait();
                continue;
            }
            idle = 0;
            Thread.yield();
            final Throwable failure = producerFailure.get();
            if (failure != null)
            {
                throw new AssertionError(config + ": producer failed after " + checker.received + " handles", failure);
            }
            if (System.nanoTime() - deadline > 0)
            {
                fail(config + ": no progress within " + DEADLINE_SECONDS + " s: received " + checker.received +
                    " of " + TOTAL + ", next expected seq per producer " + checker.describe() + ", ring size " +
                    ring.size());
            }
            if (Thread.currentThread().isInterrupted())
            {
                fail(config + ": interrupted (timeout) after " + checker.received + " handles, next expected seq " +
                    checker.describe());
            }
        }
        for (int p = 0; p < producerCount; p++)
        {
            assertEquals(perProducer, checker.nextSeq[p], config + ": producer " + p + " handles seen");
        }
        assertEquals(TOTAL, checker.received, config + ": total handles seen");
    }

    private static void joinQuietly(final Thread thread)
    {
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Stop
    {
        volatile boolean stop;
    }

    /**
     * Checks each handle on arrival: producer in range, sequence exactly one more than that producer's last.
     */
    private static final class Checker implements HandleConsumer
    {
        final int[] nextSeq;
        final int perProducer;
        final String config;
        int received;

        Checker(final int producerCount, final int perProducer, final String config)
        {
            this.nextSeq = new int[producerCount];
            this.perProducer = perProducer;
            this.config = config;
        }

        @Override
        public void accept(final int handle)
        {
            final int producer = handle / perProducer;
            if (handle < 0 || producer >= nextSeq.length)
            {
                throw new AssertionError(config + ": handle " + handle + " names no producer (received " +
                    received + ")");
            }
            final int seq = handle - producer * perProducer;
            final int expected = nextSeq[producer];
            if (seq != expected)
            {
                throw new AssertionError(config + ": producer " + producer + " expected seq " + expected + " got " +
                    seq + (seq < expected ? " (duplicate or reordered)" : " (lost " + (seq - expected) + ")") +
                    " after " + received + " handles; next expected per producer " + describe());
            }
            nextSeq[producer] = expected + 1;
            received++;
        }

        String describe()
        {
            return Arrays.toString(nextSeq);
        }
    }
}
