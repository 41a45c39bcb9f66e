package io.offload.servers.call;

import io.offload.servers.routing.ThreadAllocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime's bounce buffers: size classes, reuse without allocation, no buffer leased twice at once, and memory
 * freed only once every lease is back.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BouncePoolTest
{
    @Test
    void eachLeaseFitsItsLengthInTheSmallestClass()
    {
        final BouncePool pool = new BouncePool();
        assertEquals(256, lease(pool, 1).byteSize());
        assertEquals(256, lease(pool, 256).byteSize());
        assertEquals(1024, lease(pool, 257).byteSize());
        assertEquals(4096, lease(pool, 4096).byteSize());
        assertEquals(1 << 20, lease(pool, 1 << 20).byteSize());
        final Bounce large = pool.lease((1 << 20) + 1);
        assertEquals(-1, large.sizeClass(), "larger than the largest class: a buffer of its own");
        assertTrue(large.memory().byteSize() >= (1 << 20) + 1);
        pool.release(large);
        assertTrue(pool.close(System.nanoTime()));
    }

    private static MemorySegment lease(final BouncePool pool, final long length)
    {
        final Bounce bounce = pool.lease(length);
        pool.release(bounce);
        return bounce.memory();
    }

    @Test
    void aReleasedBufferIsLeasedAgainWithoutAllocating()
    {
        final BouncePool pool = new BouncePool();
        final Bounce first = pool.lease(4096);
        pool.release(first);
        assertSame(first, pool.lease(4096));
        pool.release(first);
        for (int i = 0; i < 10_000; i++)
        {
            pool.release(pool.lease(100 + (i & 1023)));
        }
        final long before = ThreadAllocation.bytesSoFar();
        for (int i = 0; i < 100_000; i++)
        {
            pool.release(pool.lease(100 + (i & 1023)));
        }
        final long allocated = ThreadAllocation.bytesSoFar() - before;
        assertTrue(allocated < 4_096, "100,000 leases allocated " + allocated + " bytes");
        assertTrue(pool.close(System.nanoTime()));
    }

    @Test
    void noBufferIsLeasedTwiceAtOnce() throws Exception
    {
        final BouncePool pool = new BouncePool();
        final int threads = 8;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final long mark = t + 1;
            all.add(Thread.ofPlatform().start(() ->
            {
                try
                {
                    for (int i = 0; i < 50_000; i++)
                    {
                        final Bounce bounce = pool.lease(64);
                        bounce.memory().set(ValueLayout.JAVA_LONG, 0, mark);
                        Thread.onSpinWait();
                        final long seen = bounce.memory().get(ValueLayout.JAVA_LONG, 0);
                        if (seen != mark)
                        {
                            throw new AssertionError("buffer leased to two callers at once: " + mark + " saw " + seen);
                        }
                        pool.release(bounce);
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }));
        }
        for (final Thread thread : all)
        {
            thread.join();
        }
        assertNull(failure.get());
        assertTrue(pool.buffersMade() <= threads, pool.buffersMade() + " buffers for " + threads + " callers");
        assertTrue(pool.close(System.nanoTime()));
    }

    @Test
    void closeFreesTheMemoryOnlyOnceEveryLeaseIsBack()
    {
        final BouncePool pool = new BouncePool();
        final Bounce held = pool.lease(512);
        assertFalse(pool.close(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20)), "a lease is out");
        assertFalse(pool.isClosed());
        held.memory().set(ValueLayout.JAVA_BYTE, 0, (byte)1); // still the caller's, still mapped
        final Bounce late = pool.lease(512);
        assertEquals(-1, late.sizeClass(), "a lease once close began gets a buffer of its own");
        pool.release(late);
        pool.release(held);
        assertTrue(pool.close(System.nanoTime()));
        assertTrue(pool.isClosed());
    }
}
