package io.offload.servers.uring;

import io.offload.servers.executor.ExecutorStats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The io_uring executor's counts: written by the server thread alone with ordered stores (a plain read of its own
 * last value, then a release store, as Agrona's {@code AtomicCounter.incrementOrdered}), read from any thread with
 * volatile loads, so a stats reader sees whole values, each recent. Gauges (requests in the kernel, calls queued) are
 * stored once per duty cycle, not on each change.
 */
final class UringCounters
{
    static final int SUBMITTED = 0;
    static final int COMPLETED = 1;
    static final int CQES = 2;
    static final int CANCELS_SENT = 3;
    static final int EXPIRED = 4;
    static final int FALLBACK_CALLS = 5;
    static final int SYNCS_ISSUED = 6;
    static final int SYNC_CALLS_ANSWERED = 7;
    static final int STRAY_CQES = 8;
    static final int FALLBACK_WAKEUPS = 9;
    static final int ENTERS = 10;
    static final int IN_KERNEL = 11;
    static final int QUEUED = 12;
    private static final int COUNT = 13;

    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(long[].class);

    // padded on both sides: the server thread stores here on every request, other threads only read
    private final long[] values = new long[COUNT + 16];

    private static int index(final int counter)
    {
        return counter + 8;
    }

    /**
     * Add one; server thread.
     *
     * @param counter the counter.
     */
    void increment(final int counter)
    {
        final int i = index(counter);
        VALUES.setRelease(values, i, values[i] + 1); // pairs with the volatile load in lv()
    }

    /**
     * Add; server thread.
     *
     * @param counter the counter.
     * @param delta   what to add.
     */
    void add(final int counter, final long delta)
    {
        final int i = index(counter);
        VALUES.setRelease(values, i, values[i] + delta); // pairs with the volatile load in lv()
    }

    /**
     * Store a value; server thread.
     *
     * @param counter the counter.
     * @param value   its new value.
     */
    void so(final int counter, final long value)
    {
        VALUES.setRelease(values, index(counter), value); // pairs with the volatile load in lv()
    }

    /**
     * Store the gauges: once per duty cycle, sleep or settle. Server thread.
     *
     * @param calls the executor's calls.
     * @param ring  its ring.
     */
    void publish(final UringCalls calls, final IoUring ring)
    {
        so(IN_KERNEL, calls.inKernel());
        so(QUEUED, calls.calls.size(UringCalls.FIFO));
        so(ENTERS, ring.enters());
    }

    /**
     * @param counter the counter.
     * @return its value, from any thread.
     */
    long lv(final int counter)
    {
        return (long)VALUES.getVolatile(values, index(counter));
    }

    /**
     * @param name the executor's name.
     * @return the counts as the seam shows them.
     */
    ExecutorStats snapshot(final String name)
    {
        return new ExecutorStats(name, lv(SUBMITTED), lv(COMPLETED), (int)lv(IN_KERNEL), (int)lv(QUEUED), lv(ENTERS),
            lv(SYNCS_ISSUED), lv(SYNC_CALLS_ANSWERED), lv(FALLBACK_CALLS));
    }
}
