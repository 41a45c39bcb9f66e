package io.offload.servers.call;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The runtime's bounce buffers, by size class (256 B to 1 MiB, each class four times the one before), each class a
 * lock-free stack of free buffers ({@link FreeList}). A lease takes a free buffer of the smallest class that fits, or makes one
 * (allocation on a cold path, up to a bound per class); a release puts it back. On the hot path neither allocates
 * nor takes a lock.
 * <p>
 * Pooled buffers live in one shared arena that {@link #close} frees only once every pooled lease is back, so that
 * the kernel can never be left holding memory the pool freed: a lease made after close begins gets a buffer of its
 * own from an automatic arena instead. A pool that is never closed ({@link #unowned()}, for the calls that run
 * without a runtime) keeps its buffers for the life of the process.
 * <pre>
 *   class:     0      1      2      3       4       5        6
 *   size:    256 B   1 KiB  4 KiB  16 KiB  64 KiB  256 KiB  1 MiB     (larger: a buffer of its own)
 *   bound:   4096   4096   4096   1024    256     64       16        (16 MiB a class, 4096 buffers at most)
 * </pre>
 */
public final class BouncePool implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(BouncePool.class);
    private static final int CLASSES = 7;
    private static final int SMALLEST_SHIFT = 8;
    private static final long BYTES_PER_CLASS = 16L << 20;
    private static final int MAX_PER_CLASS = 4096;
    private static final long PAGE = 4096;
    private static final BouncePool UNOWNED = new BouncePool();

    private final Arena arena = Arena.ofShared();
    private final FreeList[] free = new FreeList[CLASSES];
    private final int[] made = new int[CLASSES]; // guarded by this
    private final int[] bound = new int[CLASSES];
    private volatile boolean closing;
    private boolean closed; // guarded by this

    /**
     * An empty pool; buffers are made as calls need them.
     */
    public BouncePool()
    {
        for (int c = 0; c < CLASSES; c++)
        {
            bound[c] = (int)Math.min(MAX_PER_CLASS, BYTES_PER_CLASS / classSize(c));
            free[c] = new FreeList(bound[c]);
        }
    }

    /**
     * @return the process-wide pool of the calls that run without a runtime ({@code DirectSyscalls}); never closed.
     */
    public static BouncePool unowned()
    {
        return UNOWNED;
    }

    private static long classSize(final int sizeClass)
    {
        return 1L << (SMALLEST_SHIFT + 2 * sizeClass);
    }

    private static int classOf(final long length)
    {
        if (length <= 1L << SMALLEST_SHIFT)
        {
            return 0;
        }
        final int bits = 64 - Long.numberOfLeadingZeros(length - 1); // ceil(log2(length))
        final int sizeClass = (bits - SMALLEST_SHIFT + 1) >> 1;
        return sizeClass < CLASSES ? sizeClass : -1;
    }

    /**
     * @param length bytes the call needs, {@code >= 0}.
     * @return a buffer of at least {@code length} bytes, for one call; give it back with {@link #release}.
     */
    public Bounce lease(final long length)
    {
        final int sizeClass = classOf(length);
        if (sizeClass < 0 || closing)
        {
            return ownBuffer(length);
        }
        final Bounce pooled = free[sizeClass].pop();
        return pooled != null ? pooled : make(sizeClass, length);
    }

    /**
     * @param bounce a buffer from {@link #lease}, or null (nothing to give back).
     */
    public void release(final Bounce bounce)
    {
        if (bounce != null && bounce.sizeClass() >= 0)
        {
            free[bounce.sizeClass()].push(bounce);
        }
    }

    private synchronized Bounce make(final int sizeClass, final long length)
    {
        if (closed || made[sizeClass] >= bound[sizeClass])
        {
            return ownBuffer(length);
        }
        final long size = classSize(sizeClass);
        final Bounce bounce = new Bounce(arena.allocate(size, Math.min(size, PAGE)), sizeClass, made[sizeClass]);
        free[sizeClass].register(bounce);
        made[sizeClass]++;
        return bounce;
    }

    private static Bounce ownBuffer(final long length)
    {
        // aligned as a pooled buffer would be, so O_DIRECT-aligned callers stay aligned
        return new Bounce(Arena.ofAuto().allocate(Math.max(1, length), PAGE), -1, -1);
    }

    /**
     * @return pooled buffers made so far, over all classes.
     */
    public synchronized int buffersMade()
    {
        int total = 0;
        for (final int count : made)
        {
            total += count;
        }
        return total;
    }

    /**
     * @return whether the pool's memory has been freed.
     */
    public synchronized boolean isClosed()
    {
        return closed;
    }

    /**
     * Stop pooling and free the pool's memory once every pooled buffer is back, waiting until {@code deadline} for
     * the calls that still hold one. Leases made meanwhile get buffers of their own. If some are still out at the
     * deadline the memory is left allocated (the kernel may still be using it) and this says so.
     *
     * @param deadline {@link System#nanoTime()} to wait until.
     * @return whether the memory was freed.
     */
    public boolean close(final long deadline)
    {
        if (this == UNOWNED)
        {
            throw new IllegalStateException("the process-wide bounce pool is never closed");
        }
        closing = true;
        final int[] back = new int[CLASSES];
        while (true)
        {
            synchronized (this)
            {
                if (closed)
                {
                    return true;
                }
                boolean all = true;
                for (int c = 0; c < CLASSES; c++)
                {
                    while (free[c].pop() != null)
                    {
                        back[c]++; // taken out for good: a lease that raced with 'closing' finds none
                    }
                    all &= back[c] == made[c];
                }
                if (all)
                {
                    closed = true;
                    arena.close();
                    return true;
                }
            }
            if (System.nanoTime() - deadline > 0)
            {
                LOG.warn("bounce pool: {} buffer(s) still leased at the deadline; their memory stays allocated",
                    buffersMade() - sum(back));
                return false;
            }
            LockSupport.parkNanos(100_000L);
        }
    }

    private static int sum(final int[] counts)
    {
        int total = 0;
        for (final int count : counts)
        {
            total += count;
        }
        return total;
    }

    /**
     * Close without waiting: frees the memory if every buffer is back now.
     */
    @Override
    public void close()
    {
        close(System.nanoTime());
    }

    /**
     * A Treiber stack of one class's buffers, by slot: {@code head} packs a version (high 32 bits) and the top slot
     * (low 32 bits, -1 when empty), and each slot's successor lives in {@code next}. Every push and pop bumps the
     * version, so a pop that read a top which was popped and pushed back meanwhile fails its CAS instead of linking
     * a leased buffer in (the ABA problem of a stack of reused nodes). No allocation, no lock.
     */
    static final class FreeList
    {
        private static final long SLOT_MASK = 0xFFFF_FFFFL;

        private final Bounce[] slots;
        private final int[] next; // written before the CAS that publishes it; racy reads only by pops that then fail
        private final AtomicLong head = new AtomicLong(SLOT_MASK); // version 0, empty

        FreeList(final int capacity)
        {
            this.slots = new Bounce[capacity];
            this.next = new int[capacity];
        }

        /**
         * Record a new buffer's slot (under the pool's lock, before its first push).
         */
        void register(final Bounce bounce)
        {
            slots[bounce.slot()] = bounce;
        }

        void push(final Bounce bounce)
        {
            final int slot = bounce.slot();
            long current;
            do
            {
                current = head.get();
                next[slot] = (int)current;
            }
            while (!head.compareAndSet(current, ((current >>> 32) + 1) << 32 | slot & SLOT_MASK)); // release: pairs
            // with the acquire of pop's head.get(), which then sees next[slot]
        }

        Bounce pop()
        {
            long current;
            int top;
            do
            {
                current = head.get();
                top = (int)current;
                if (top < 0)
                {
                    return null;
                }
            }
            while (!head.compareAndSet(current, ((current >>> 32) + 1) << 32 | next[top] & SLOT_MASK));
            return slots[top];
        }
    }
}
