package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.servers.executor.ExecutorContext;

import static io.offload.servers.uring.UringCalls.ADMITTED;
import static io.offload.servers.uring.UringCalls.CANCEL_SENT;
import static io.offload.servers.uring.UringCalls.ERR_TIMEDOUT;
import static io.offload.servers.uring.UringCalls.FIFO;
import static io.offload.servers.uring.UringCalls.KERNEL;

/**
 * Deadlines of the calls the io_uring executor holds: the earliest is kept (early after a call leaves, never late),
 * and when the server's clock passes it every held call is looked at. A call with nothing in the kernel ends at
 * once with ETIMEDOUT; a call in the kernel gets an {@code IORING_OP_ASYNC_CANCEL} and ends on its own CQE
 * (ETIMEDOUT, or its result if it finished first). Server thread only.
 */
final class UringDeadlines
{
    private final ExecutorContext.Deadlines deadlines;
    private final UringCalls c;
    private UringSubmission submission;
    private long earliest;
    private boolean any;

    UringDeadlines(final ExecutorContext.Deadlines deadlines, final UringCalls calls)
    {
        this.deadlines = deadlines;
        this.c = calls;
    }

    void submission(final UringSubmission submission)
    {
        this.submission = submission;
    }

    /** A call with a deadline may now be held: keep the earliest. */
    void note(final int handle)
    {
        keep(deadlines.deadline(handle));
    }

    private void keep(final long deadline)
    {
        if (deadline != 0 && (!any || deadline - earliest < 0))
        {
            earliest = deadline;
            any = true;
        }
    }

    /** @return whether a held call's deadline may have passed at {@code nowNanos}. */
    boolean due(final long nowNanos)
    {
        return any && nowNanos - earliest >= 0;
    }

    /** @return the earliest deadline kept, or 0 for none. */
    long next()
    {
        return any ? earliest : 0L;
    }

    /**
     * End or cancel every held call past its deadline, and find the next deadline.
     *
     * @return calls that expired (ended, or cancelled in the kernel).
     */
    int expire(final long nowNanos, final UringCounters counters)
    {
        int count = 0;
        any = false;
        int handle = c.calls.first(FIFO);
        while (handle != HandleLists.NONE)
        {
            final int next = c.calls.next(handle);
            final long deadline = deadlines.deadline(handle);
            if (deadline != 0 && nowNanos - deadline >= 0)
            {
                c.finishWaiting(handle, -Errno.ETIMEDOUT);
                count++;
            }
            else
            {
                keep(deadline);
            }
            handle = next;
        }
        handle = c.calls.first(ADMITTED);
        while (handle != HandleLists.NONE)
        {
            final int next = c.calls.next(handle);
            final long deadline = deadlines.deadline(handle);
            if (deadline != 0 && (c.marks[handle] & CANCEL_SENT) == 0)
            {
                if (nowNanos - deadline >= 0)
                {
                    if (c.state[handle] == KERNEL)
                    {
                        submission.sendCancel(handle, ERR_TIMEDOUT);
                    }
                    else
                    {
                        submission.endWaiting(handle, -Errno.ETIMEDOUT);
                    }
                    count++;
                }
                else
                {
                    keep(deadline);
                }
            }
            handle = next;
        }
        counters.add(UringCounters.EXPIRED, count);
        return count;
    }
}
