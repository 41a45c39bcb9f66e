package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.servers.executor.ServerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.offload.servers.uring.IoUringConstants.IORING_ASYNC_CANCEL_ALL;
import static io.offload.servers.uring.IoUringConstants.IORING_ASYNC_CANCEL_ANY;
import static io.offload.servers.uring.UringCalls.ADMITTED;
import static io.offload.servers.uring.UringCalls.CLOSE_WAIT;
import static io.offload.servers.uring.UringCalls.ERR_CANCELED;
import static io.offload.servers.uring.UringCalls.ERR_MASK;
import static io.offload.servers.uring.UringCalls.FIFO;
import static io.offload.servers.uring.UringCalls.KERNEL;

/**
 * How the io_uring executor stops: every held call completes exactly once, those with nothing in the kernel at once
 * with ECANCELED, those in the kernel after one {@code IORING_OP_ASYNC_CANCEL} with {@code IORING_ASYNC_CANCEL_ANY},
 * on their own CQEs (ECANCELED, or their result if they finished first), and nothing returns while the kernel may
 * still write a call's memory. Server thread only.
 */
final class UringSettle
{
    private static final Logger LOG = LoggerFactory.getLogger(UringSettle.class);
    private static final long WAIT_STEP_NANOS = 100_000_000L;

    private final IoUring ring;
    private final UringCalls c;
    private final UringSubmission submission;
    private final ServerExecutor fallback;
    private final UringCounters counters;
    private final CqeHandler cqeHandler;
    private final long timeoutNanos;
    private int unsettled;

    UringSettle(
        final IoUring ring, final UringCalls calls, final UringSubmission submission, final ServerExecutor fallback,
        final UringCounters counters, final CqeHandler cqeHandler, final long timeoutNanos)
    {
        this.ring = ring;
        this.c = calls;
        this.submission = submission;
        this.fallback = fallback;
        this.counters = counters;
        this.cqeHandler = cqeHandler;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Settle every call: see the class comment. Waits (in {@code io_uring_enter}, up to the settle timeout, real
     * time) until every request's CQE has arrived; if some never does, logs an error naming them and leaves those
     * calls uncompleted ({@link #unsettled()}), since completing them would let their callers free memory the kernel
     * may still write. Closes that waited for their fd are issued after the cancel, so it cannot stop them. The
     * fallback is settled too.
     *
     * @param pollArmed whether the fallback's poll is in the kernel: the cancel-all is needed for it too.
     */
    void settleAll(final boolean pollArmed)
    {
        submission.holdCloses = true;
        int handle;
        while ((handle = c.calls.pollFirst(FIFO)) != HandleLists.NONE)
        {
            c.finishWaiting(handle, -Errno.ECANCELED);
        }
        handle = c.calls.first(ADMITTED);
        while (handle != HandleLists.NONE)
        {
            final int next = c.calls.next(handle);
            final byte s = c.state[handle];
            if (s == KERNEL)
            {
                if ((c.marks[handle] & ERR_MASK) == 0)
                {
                    c.marks[handle] |= ERR_CANCELED;
                }
            }
            else if (s != CLOSE_WAIT)
            {
                submission.endWaiting(handle, -Errno.ECANCELED); // CHAIN or SYNC_WAIT: nothing of theirs in the kernel
            }
            handle = next;
        }
        if (c.inKernel() > 0 || pollArmed)
        {
            submission.sqe().prepAsyncCancel(0L, IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL)
                .userData(UringSubmission.CANCEL_ALL_TAG);
            counters.increment(UringCounters.CANCELS_SENT);
        }
        submission.holdCloses = false;
        issueWaitingCloses();
        try
        {
            fallback.settleAll();
        }
        finally
        {
            awaitKernel();
        }
    }

    private void issueWaitingCloses()
    {
        int handle = c.calls.first(ADMITTED);
        while (handle != HandleLists.NONE)
        {
            final int next = c.calls.next(handle);
            if (c.state[handle] == CLOSE_WAIT)
            {
                final int r = c.recordOf[handle];
                c.records.closeHandle(r, FdRecords.NONE);
                c.recordOf[handle] = FdRecords.NONE;
                submission.issueWaitingClose(handle);
            }
            handle = next;
        }
    }

    /** The kernel has no {@code IORING_ASYNC_CANCEL_ANY} (before 5.19): one cancel per request. */
    void cancelEachInKernel()
    {
        int handle = c.calls.first(ADMITTED);
        while (handle != HandleLists.NONE)
        {
            final int next = c.calls.next(handle);
            if (c.state[handle] == KERNEL)
            {
                submission.sendCancel(handle, ERR_CANCELED);
            }
            handle = next;
        }
    }

    private void awaitKernel()
    {
        final long limit = System.nanoTime() + timeoutNanos;
        while (c.inKernel() > 0)
        {
            final long remaining = limit - System.nanoTime();
            if (remaining <= 0)
            {
                break;
            }
            ring.submitAndWait(1, Math.min(remaining, WAIT_STEP_NANOS), cqeHandler);
            ring.reap(cqeHandler);
        }
        unsettled = c.callsInKernel;
        if (c.inKernel() > 0)
        {
            final StringBuilder held = new StringBuilder();
            int handle = c.calls.first(ADMITTED);
            while (handle != HandleLists.NONE)
            {
                if (c.state[handle] == KERNEL)
                {
                    held.append(' ').append(handle).append(':').append(c.entry.lpOp(handle));
                }
                handle = c.calls.next(handle);
            }
            LOG.error("io_uring executor: {} requests ({} calls, {} syncs) still in the kernel {} ms after they were " +
                "cancelled; their calls are NOT completed, since the kernel may still write their memory " +
                "(handle:op){}", c.inKernel(), c.callsInKernel, c.groupsInKernel, timeoutNanos / 1_000_000, held);
        }
    }

    /** @return calls left uncompleted by {@link #settleAll()} because their CQEs never came. */
    int unsettled()
    {
        return unsettled;
    }
}
