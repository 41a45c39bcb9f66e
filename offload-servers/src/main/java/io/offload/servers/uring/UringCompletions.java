package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.rings.SyscallEntry;
import io.offload.servers.executor.ServerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.offload.rings.SyscallEntryDescriptor.FLAG_RESUME;
import static io.offload.servers.uring.IoUringConstants.IORING_CQE_F_MORE;
import static io.offload.servers.uring.UringCalls.CANCEL_SENT;
import static io.offload.servers.uring.UringCalls.ERR_BADF;
import static io.offload.servers.uring.UringCalls.ERR_MASK;
import static io.offload.servers.uring.UringCalls.ERR_TIMEDOUT;
import static io.offload.servers.uring.UringCalls.FALLBACK;
import static io.offload.servers.uring.UringCalls.KERNEL;
import static io.offload.servers.uring.UringCalls.POSITION;
import static io.offload.servers.uring.UringCalls.PREP_FAILED;

/**
 * What comes back from the kernel to the io_uring executor, one CQE at a time ({@link CqeHandler}): a call's own CQE
 * completes it (or sends it on to the fallback: EAGAIN of a read or write, a short write-all), a group's sync answers
 * its members, the fallback's poll says its reactor has work. Also the calls handed to the fallback, and that poll:
 * a multishot {@code POLL_ADD} on the fallback's {@link ServerExecutor#pollFd()} (one-shot, re-armed, before Linux
 * 5.13). Server thread only.
 */
final class UringCompletions implements CqeHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(UringCompletions.class);
    private static final int POLLIN = 0x001;
    // include/linux/errno.h: never returned to user space by a system call, but they reach CQEs
    private static final int ERESTARTSYS = 512;
    private static final int ENOIOCTLCMD = 515;
    private static final int ERESTART_RESTARTBLOCK = 516;

    private final String serverName;
    private final UringCalls c;
    private final SyscallEntry entry;
    private final UringCounters counters;
    private final ServerExecutor fallback;
    private final FdKinds fdKinds;
    private UringSubmission submission;
    private UringSettle settle;
    private int pollFd;
    private boolean pollArmed;
    /**
     * One-shot, re-armed before each sleep, never multishot: a multishot poll posts a CQE only when the epoll fd's
     * waitqueue is woken, and an epoll fd still holding ready events after the fallback's bounded epoll_wait is
     * woken by nothing, so the server could sleep with work ready until its longest sleep ended. A one-shot poll
     * checks readiness when it is armed and completes at once.
     */
    private boolean pollMultishot = false;

    UringCompletions(
        final String serverName, final UringCalls calls, final UringCounters counters, final ServerExecutor fallback,
        final FdKinds fdKinds)
    {
        this.fdKinds = fdKinds;
        this.serverName = serverName;
        this.c = calls;
        this.entry = calls.entry;
        this.counters = counters;
        this.fallback = fallback;
        this.pollFd = fallback.pollFd();
    }

    void parts(final UringSubmission submission, final UringSettle settle)
    {
        this.submission = submission;
        this.settle = settle;
    }

    /** Hand a RUNNING call to the fallback executor, which completes it through the same completions. */
    void toFallback(final int handle)
    {
        c.state[handle] = FALLBACK;
        counters.increment(UringCounters.FALLBACK_CALLS);
        fallback.start(handle);
    }

    /** @return whether the fallback's poll is in the kernel. */
    boolean pollArmed()
    {
        return pollArmed;
    }

    /** Put the fallback's poll in the ring if it is not there: it ends a sleep when the fallback has work. */
    void armFallbackPoll()
    {
        if (pollFd < 0 || pollArmed || c.stopping)
        {
            return;
        }
        final Sqe sqe = submission.sqe();
        if (pollMultishot)
        {
            sqe.prepPollMultishot(pollFd, POLLIN);
        }
        else
        {
            sqe.prepPollAdd(pollFd, POLLIN);
        }
        sqe.userData(UringSubmission.POLL_TAG);
        pollArmed = true;
    }

    @Override
    public void onCqe(final long userData, final int res, final int flags)
    {
        counters.increment(UringCounters.CQES);
        if ((userData & ~0x7FFF_FFFFL) == 0)
        {
            onCallCqe((int)userData, res);
            return;
        }
        final long tag = userData & UringSubmission.TAG_MASK;
        if (tag == UringSubmission.SYNC_TAG)
        {
            submission.groups().onCqe((int)userData, res);
        }
        else if (tag == UringSubmission.CANCEL_TAG)
        {
            // 0, -ENOENT (already done) or -EALREADY (running): either way the call's own CQE ends it
        }
        else if (tag == UringSubmission.POLL_TAG)
        {
            onFallbackPoll(res, flags);
        }
        else if (tag == UringSubmission.CANCEL_ALL_TAG)
        {
            if (res == -Errno.EINVAL)
            {
                settle.cancelEachInKernel(); // a kernel before 5.19 has no IORING_ASYNC_CANCEL_ANY
            }
        }
        else
        {
            counters.increment(UringCounters.STRAY_CQES);
        }
    }

    private void onCallCqe(final int handle, final int res)
    {
        if (handle >= c.state.length || c.state[handle] != KERNEL)
        {
            counters.increment(UringCounters.STRAY_CQES); // cannot happen: only a call's own SQE carries its handle
            LOG.error("{}: a CQE (res {}) for handle {}, which has no request in the kernel", serverName, res, handle);
            return;
        }
        c.callsInKernel--;
        final byte m = c.marks[handle];
        final int r = c.recordOf[handle];
        final boolean peer = c.peers.listOf(handle) != HandleLists.NONE;
        if (peer)
        {
            c.peerRequests--;
        }
        else
        {
            c.slots--;
        }
        if ((m & (CANCEL_SENT | PREP_FAILED)) == 0 && !c.stopping && goesOn(handle, res))
        {
            // a non-blocking fd with nothing to move, or a write-all cut short: it goes on in the fallback's
            // reactor with its progress, as on the syscall executor
            c.calls.remove(handle);
            c.peers.remove(handle);
            c.marks[handle] = 0;
            c.recordOf[handle] = FdRecords.NONE;
            if (res > 0)
            {
                entry.getAndOrFlags(handle, FLAG_RESUME); // the fallback starts it from its progress
                entry.spResult(handle, res);
            }
            else if (res != -Errno.EAGAIN && UringOps.isConnect(entry.lpOp(handle)))
            {
                // made, not finished: the fallback waits for writable, then reads SO_ERROR (progress 1)
                entry.getAndOrFlags(handle, FLAG_RESUME);
                entry.spResult(handle, 1L);
            }
            toFallback(handle);
        }
        else
        {
            forgetFd(handle, res);
            c.finish(handle, (m & PREP_FAILED) != 0 ? -Errno.EIO : res >= 0 ? res : errorOf(m, res));
        }
        if ((m & POSITION) != 0)
        {
            submission.releasePosition(r);
        }
        else if (peer)
        {
            submission.closeIfIdle(r); // the last socket call of a closing fd lets its close go
        }
    }

    /** A close or an open changes what a number names: what {@link FdKinds} knew of it is gone. */
    private void forgetFd(final int handle, final int res)
    {
        final int op = entry.lpOp(handle);
        if (UringOps.isClose(op))
        {
            fdKinds.forget((int)entry.lpArg(handle, 0));
        }
        else if (res >= 0 && UringOps.opensFd(op))
        {
            fdKinds.forget(res);
        }
    }

    /**
     * @return whether a call's CQE leaves it unfinished: EAGAIN of a read, write or socket call (a caller's
     *         MSG_DONTWAIT; io_uring itself waits for a socket), a short write(2) or send, an accept4 whose peer
     *         reset first, a connect an io-wq worker made non-blocking.
     */
    private boolean goesOn(final int handle, final int res)
    {
        final int op = entry.lpOp(handle);
        if (res == -Errno.EAGAIN)
        {
            return UringOps.mayWouldBlock(op);
        }
        if (res == -Errno.ECONNABORTED)
        {
            return UringOps.isAccept(op); // the syscall executor's accept tries again
        }
        if (res == -Errno.EINPROGRESS || res == -Errno.EALREADY)
        {
            return UringOps.isConnect(op);
        }
        return res > 0 && UringOps.isWriteAll(op) && res < entry.lpArg(handle, 2);
    }

    /**
     * @return the error of a call that failed: what stopped it if we did (deadline, cancel, close), else its own,
     *         with the kernel's internal restart codes (which a worker's call interrupted by a cancel returns, and a
     *         system call never shows user space) as EINTR.
     */
    private long errorOf(final byte m, final int res)
    {
        final boolean interrupted = res == -Errno.EINTR || isRestart(res);
        if ((m & ERR_MASK) != 0 && (res == -Errno.ECANCELED || interrupted || res == -Errno.EAGAIN))
        {
            if ((m & ERR_TIMEDOUT) != 0)
            {
                return -Errno.ETIMEDOUT;
            }
            return (m & ERR_BADF) != 0 ? -Errno.EBADF : -Errno.ECANCELED;
        }
        return interrupted ? -Errno.EINTR : res;
    }

    /**
     * @return whether {@code res} is ERESTARTSYS (512), ERESTARTNOINTR, ERESTARTNOHAND or ERESTART_RESTARTBLOCK
     *         (516): what an io-wq worker's blocking call (an open of a FIFO) returns when a cancel interrupts it.
     */
    private static boolean isRestart(final int res)
    {
        return res <= -ERESTARTSYS && res >= -ERESTART_RESTARTBLOCK && res != -ENOIOCTLCMD;
    }

    private void onFallbackPoll(final int res, final int flags)
    {
        counters.increment(UringCounters.FALLBACK_WAKEUPS);
        if ((flags & IORING_CQE_F_MORE) != 0)
        {
            return;
        }
        pollArmed = false;
        if (res == -Errno.EINVAL && pollMultishot)
        {
            pollMultishot = false; // before Linux 5.13: one-shot polls, re-armed each time
        }
        else if (res < 0 && res != -Errno.ECANCELED)
        {
            LOG.error("{}: io_uring executor: polling the fallback's fd {} failed ({}); the fallback's ready fds are " +
                "seen only when this executor wakes for something else", serverName, pollFd, Errno.name(-res));
            pollFd = -1;
        }
    }
}
