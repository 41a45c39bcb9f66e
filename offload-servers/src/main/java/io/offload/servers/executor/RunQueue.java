package io.offload.servers.executor;

/**
 * A server's queue of ready calls: resumed from the wait queue, or yielded with progress. Server thread only, a
 * plain circular array with room for every entry of the pool, so a push never fails and never allocates.
 */
public final class RunQueue
{
    private final int[] handles;
    private final int mask;
    private long head;
    private long tail;

    /**
     * @param capacity at least the pool's bound; rounded up to a power of two.
     */
    public RunQueue(final int capacity)
    {
        final int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        this.handles = new int[size];
        this.mask = size - 1;
    }

    /**
     * @param handle a ready entry.
     */
    public void push(final int handle)
    {
        if (tail - head == handles.length)
        {
            throw new IllegalStateException("run queue full: it must hold every entry of the pool");
        }
        handles[(int)(tail++ & mask)] = handle;
    }

    /**
     * @return the oldest ready entry, or -1.
     */
    public int poll()
    {
        return head == tail ? -1 : handles[(int)(head++ & mask)];
    }

    /**
     * @return entries queued.
     */
    public int size()
    {
        return (int)(tail - head);
    }

    /**
     * @return whether nothing is queued.
     */
    public boolean isEmpty()
    {
        return head == tail;
    }
}
