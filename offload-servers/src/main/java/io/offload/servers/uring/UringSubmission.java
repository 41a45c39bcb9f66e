package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.rings.SyscallEntry;
import io.offload.servers.executor.FdOwners;
import io.offload.servers.executor.ServerExecutor;
import org.agrona.ErrorHandler;

import static io.offload.rings.SyscallEntryDescriptor.FLAG_CANCEL_REQUESTED;
import static io.offload.servers.uring.UringCalls.ADMITTED;
import static io.offload.servers.uring.UringCalls.ADMITTING;
import static io.offload.servers.uring.UringCalls.CANCEL_SENT;
import static io.offload.servers.uring.UringCalls.CHAIN;
import static io.offload.servers.uring.UringCalls.CLOSE_WAIT;
import static io.offload.servers.uring.UringCalls.ERR_MASK;
import static io.offload.servers.uring.UringCalls.FIFO;
import static io.offload.servers.uring.UringCalls.FREE;
import static io.offload.servers.uring.UringCalls.KERNEL;
import static io.offload.servers.uring.UringCalls.POSITION;
import static io.offload.servers.uring.UringCalls.PREP_FAILED;
import static io.offload.servers.uring.UringCalls.QUEUED;
import static io.offload.servers.uring.UringCalls.SYNC_WAIT;

/**
 * The io_uring executor's submission side: the in-flight bound and its FIFO, the per-fd orderings the system call
 * gives and io_uring does not (one current-position call per fd in the kernel, a close after its fd's ordered calls
 * and its sync groups ({@link UringSyncGroups}); the argument for each is on {@link IoUringExecutor}), and the SQEs:
 * a call's own, a group's sync, a cancel. Server thread only. A call waits here with nothing in the kernel only WAITING
 * ({@link UringCalls#park}), and is taken back only by CAS ({@link UringCalls#unpark}).
 */
final class UringSubmission
{
    // user_data of the executor's own requests: a tag in bits 56-59, never a handle (0 .. 2^31 - 1), never -1 or -2
    static final long TAG_MASK = 0xFL << 56;
    static final long CANCEL_TAG = 1L << 56;
    static final long SYNC_TAG = 2L << 56;
    static final long POLL_TAG = 3L << 56;
    static final long CANCEL_ALL_TAG = 4L << 56;

    private final IoUring ring;
    private final UringOps ops;
    private final FdKinds fdKinds;
    private final boolean peerFdsInReactor;
    private final UringCalls c;
    private final SyscallEntry entry;
    private final FdRecords records;
    private final HandleLists waits;
    private final UringCounters counters;
    private final UringDeadlines deadlines;
    private final ServerExecutor fallback;
    private final ErrorHandler errorHandler;
    private final CqeHandler cqeHandler;
    private final int maxInFlight;
    private final boolean coalescing;
    private final UringSyncGroups groups;
    private final FdOwners fdOwners;
    boolean holdCloses;   // settleAll: a close whose fd became idle waits until after the cancel-all

    UringSubmission(
        final IoUring ring, final UringOps ops, final FdKinds fdKinds, final UringCalls calls,
        final UringCounters counters, final UringDeadlines deadlines, final ServerExecutor fallback,
        final ErrorHandler errorHandler, final CqeHandler cqeHandler, final IoUringExecutorOptions options,
        final FdOwners fdOwners)
    {
        this.fdOwners = fdOwners;
        this.ring = ring;
        this.ops = ops;
        this.fdKinds = fdKinds;
        this.peerFdsInReactor = options.peerFdsInReactor();
        this.c = calls;
        this.entry = calls.entry;
        this.records = calls.records;
        this.waits = calls.waits;
        this.counters = counters;
        this.deadlines = deadlines;
        this.fallback = fallback;
        this.errorHandler = errorHandler;
        this.cqeHandler = cqeHandler;
        this.maxInFlight = options.maxInFlight();
        this.coalescing = options.fsyncCoalescing();
        this.groups = new UringSyncGroups(calls, counters, this);
    }

    /** @return the sync groups of fsync coalescing. */
    UringSyncGroups groups()
    {
        return groups;
    }

    /** @return the call's kind ({@link UringOps#kind}). */
    int kindOf(final int handle)
    {
        return ops.kind(entry.lpOp(handle), entry.lpArg(handle, 2), entry.lpArg(handle, 3), entry.lpArg(handle, 4),
            coalescing);
    }

    /**
     * @return the kind of a call just started, or {@link UringOps#FALLBACK} if the fallback runs it: it has no
     *         io_uring request; or it reads or writes an fd that can wait for a peer ({@link FdKinds}), at its
     *         current position (the reactor waits for it, as on the syscall executor) or at an offset (io_uring
     *         would ignore the offset of a stream, where pread(2) says ESPIPE); or it is a socket call on an fd
     *         another server owns ({@link FdOwners}): the fallback forwards it there if it must wait, as today, so
     *         that an fd's waiters and its close meet in one server.
     */
    int route(final int handle)
    {
        final int op = entry.lpOp(handle);
        final int kind = kindOf(handle);
        if (kind == UringOps.FALLBACK)
        {
            if (UringOps.isClose(op))
            {
                fdKinds.forget((int)entry.lpArg(handle, 0));
            }
            return kind;
        }
        if (kind == UringOps.PEER)
        {
            return fdOwners.isLocal((int)entry.lpArg(handle, 0)) ? kind : UringOps.FALLBACK;
        }
        return (kind == UringOps.CURRENT_POSITION && peerFdsInReactor || UringOps.isPositioned(op)) &&
            fdKinds.mayWaitForPeer((int)entry.lpArg(handle, 0)) ? UringOps.FALLBACK : kind;
    }

    /**
     * A call with an io_uring request, RUNNING: admitted now if a slot is free and nobody waits for one, else
     * WAITING in the FIFO.
     */
    void submit(final int handle, final int kind)
    {
        if (kind == UringOps.PEER)
        {
            admit(handle, kind); // never in the FIFO: the caller checked hasPeerRoom()
            return;
        }
        if (kind == UringOps.SYNC)
        {
            groups.arrived(handle);
        }
        if (c.slots >= maxInFlight || !c.calls.isEmpty(FIFO))
        {
            c.state[handle] = QUEUED;
            c.calls.addLast(FIFO, handle);
            deadlines.note(handle);
            if (c.park(handle))
            {
                c.finishWaiting(handle, -Errno.ECANCELED);
            }
            return;
        }
        admit(handle, kind);
    }

    /** Admit FIFO calls into free slots, in arrival order. */
    int refill()
    {
        int admitted = 0;
        while (c.slots < maxInFlight && !c.calls.isEmpty(FIFO))
        {
            final int handle = c.calls.pollFirst(FIFO);
            if (!c.unpark(handle))
            {
                c.forget(handle);
                continue;
            }
            c.state[handle] = FREE;
            admit(handle, kindOf(handle));
            admitted++;
        }
        return admitted;
    }

    /** Give a RUNNING call a slot (the caller checked there is one) and send it on its way. */
    private void admit(final int handle, final int kind)
    {
        c.state[handle] = ADMITTING;
        if ((entry.lvFlags(handle) & FLAG_CANCEL_REQUESTED) != 0)
        {
            c.finish(handle, -Errno.ECANCELED); // its cancel came before it: nothing to run
            return;
        }
        switch (kind)
        {
            case UringOps.PLAIN ->
            {
                take(handle);
                issue(handle);
            }
            case UringOps.CURRENT_POSITION -> admitCurrentPosition(handle);
            case UringOps.SYNC -> groups.admit(handle);
            case UringOps.CLOSE -> admitClose(handle);
            case UringOps.PEER -> admitPeer(handle);
            default -> throw new IllegalStateException("kind " + kind + " of handle " + handle + " is not admitted");
        }
    }

    /** @return whether another socket request may go to the kernel ({@link UringCalls#MAX_PEER_REQUESTS}). */
    boolean hasPeerRoom()
    {
        return c.peerRequests < UringCalls.MAX_PEER_REQUESTS;
    }

    /** The call holds a slot from now on, and is among the admitted. */
    void take(final int handle)
    {
        c.slots++;
        c.calls.addLast(ADMITTED, handle);
        deadlines.note(handle);
    }

    private void admitCurrentPosition(final int handle)
    {
        final int fd = (int)entry.lpArg(handle, 0);
        int r = records.find(fd);
        if (r != FdRecords.NONE && records.isClosing(r))
        {
            c.finish(handle, -Errno.EBADF); // arrived after a close of its fd: it would run after it
            return;
        }
        if (r == FdRecords.NONE)
        {
            r = records.acquire(fd);
        }
        take(handle);
        c.recordOf[handle] = r;
        if (records.pos(r) == FdRecords.NONE)
        {
            records.pos(r, handle);
            c.marks[handle] |= POSITION;
            issue(handle);
        }
        else
        {
            c.state[handle] = CHAIN;
            waits.addLast(r, handle);
            if (c.park(handle))
            {
                endWaiting(handle, -Errno.ECANCELED);
            }
        }
    }

    /**
     * A socket call goes to the kernel at once, holding no slot (several per fd may be there: a recv and a send, many
     * accepts), listed
     * in its fd's record so that a close of the fd finds and cancels it. One that arrives after a close of its fd,
     * EBADF, as a call racing a close does on the syscall executor.
     */
    private void admitPeer(final int handle)
    {
        final int r = records.acquireUnlessClosing((int)entry.lpArg(handle, 0));
        if (r == FdRecords.NONE)
        {
            c.finish(handle, -Errno.EBADF);
            return;
        }
        c.peerRequests++; // no slot: among the admitted (deadlines, settle) all the same
        c.calls.addLast(ADMITTED, handle);
        deadlines.note(handle);
        c.recordOf[handle] = r;
        c.peers.addLast(r, handle);
        issue(handle);
    }

    private void admitClose(final int handle)
    {
        final int fd = (int)entry.lpArg(handle, 0);
        final int r = records.find(fd);
        if (r == FdRecords.NONE)
        {
            take(handle);
            issue(handle);
            return;
        }
        if (records.isClosing(r))
        {
            c.finish(handle, -Errno.EBADF); // the close before it will have closed the fd by the time this one runs
            return;
        }
        take(handle);
        c.recordOf[handle] = r;
        c.state[handle] = CLOSE_WAIT;
        records.closeHandle(r, handle);
        if (c.park(handle)) // before anything is done in its name: a cancelled close fails nobody
        {
            endWaiting(handle, -Errno.ECANCELED);
            return;
        }
        final int p = records.pos(r);
        if (p != FdRecords.NONE)
        {
            sendCancel(p, UringCalls.ERR_BADF); // may wait on a pipe's peer forever: its bytes, or EBADF
        }
        // socket calls in the kernel hold the file, so closing the number would not end them: each is cancelled and
        // ends on its own CQE with what it moved, or EBADF, as the syscall executor ends the waiters of a closed fd;
        // the close is issued after the last of them (closeIfIdle)
        for (int h = c.peers.first(r); h != HandleLists.NONE; h = c.peers.next(h))
        {
            sendCancel(h, UringCalls.ERR_BADF);
        }
        int w;
        while ((w = waits.pollFirst(r)) != HandleLists.NONE)
        {
            c.slots--;
            c.finishWaiting(w, -Errno.EBADF); // never reached the kernel: ends as a call racing a close does
        }
        final int g = records.collecting(r);
        if (g != FdRecords.NONE)
        {
            groups.issue(g); // syncs that arrived before the close run before it
        }
        closeIfIdle(r);
    }

    /**
     * Write a RUNNING call's SQE: it goes to the kernel with the next enter. The call holds a slot already. A close
     * first tells the fallback, whose reactor may hold waiters on the fd and must let go of it before the number
     * can be reused. If preparing the SQE throws (a bug: {@link UringOps#kind} admits only what it can prepare), the
     * error goes to the error handler and a NOP carries the call to its CQE, where it ends with EIO through the same
     * path as every other call.
     */
    void issue(final int handle)
    {
        final int op = entry.lpOp(handle);
        final long a0 = entry.lpArg(handle, 0);
        if (UringOps.isClose(op))
        {
            fallback.fdClosing((int)a0);
        }
        final Sqe sqe = sqe();
        try
        {
            UringOps.prep(sqe, op, a0, entry.lpArg(handle, 1), entry.lpArg(handle, 2), entry.lpArg(handle, 3),
                entry.lpArg(handle, 4));
        }
        catch (final RuntimeException ex)
        {
            sqe.prepNop();
            c.marks[handle] |= PREP_FAILED;
            errorHandler.onError(ex);
        }
        sqe.userData(handle);
        c.state[handle] = KERNEL;
        c.callsInKernel++;
        counters.increment(UringCounters.SUBMITTED);
    }

    /** Ask the kernel to stop a call in the kernel; it completes on its own CQE. */
    void sendCancel(final int handle, final byte error)
    {
        if ((c.marks[handle] & CANCEL_SENT) != 0)
        {
            return;
        }
        if ((c.marks[handle] & ERR_MASK) == 0)
        {
            c.marks[handle] |= error;
        }
        c.marks[handle] |= CANCEL_SENT;
        // written after the call's own SQE, so even a call prepared in this cycle is in the kernel when it runs
        sqe().prepAsyncCancel(handle, 0).userData(CANCEL_TAG | handle);
        counters.increment(UringCounters.CANCELS_SENT);
    }

    /** @return a free SQE. */
    Sqe sqe()
    {
        Sqe sqe = ring.nextSqe();
        if (sqe == null)
        {
            // the ring is sized so that this never happens (a request and a cancel per slot, 3 more)
            ring.submitAndWait(0, 0L, cqeHandler);
            sqe = ring.nextSqe();
            if (sqe == null)
            {
                throw new IllegalStateException("no free SQE in " + ring + " after a submit");
            }
        }
        return sqe;
    }

    /**
     * End an admitted WAITING call that has nothing in the kernel (CHAIN, SYNC_WAIT, CLOSE_WAIT): its slot, its
     * group, its fd's record, then {@code error} (or nothing, if a sweep completed it).
     */
    void endWaiting(final int handle, final long error)
    {
        final byte s = c.state[handle];
        final int r = c.recordOf[handle];
        if (s == CHAIN)
        {
            c.slots--;
            c.finishWaiting(handle, error);
        }
        else if (s == SYNC_WAIT)
        {
            groups.leave(handle, error);
        }
        else if (s == CLOSE_WAIT)
        {
            records.closeHandle(r, FdRecords.NONE);
            c.slots--;
            c.finishWaiting(handle, error); // the close never ran: the fd stays open
            closeIfIdle(r);
        }
        else
        {
            throw new IllegalStateException("handle " + handle + " in state " + s + " is not waiting here");
        }
    }

    /** The fd's current-position call is done: the next one behind it goes to the kernel. */
    void releasePosition(final int r)
    {
        records.pos(r, FdRecords.NONE);
        if (!c.stopping)
        {
            int w;
            while ((w = waits.pollFirst(r)) != HandleLists.NONE)
            {
                if (!c.unpark(w))
                {
                    c.slots--;
                    c.forget(w);
                    continue;
                }
                if ((entry.lvFlags(w) & FLAG_CANCEL_REQUESTED) != 0)
                {
                    c.slots--;
                    c.finish(w, -Errno.ECANCELED);
                    continue;
                }
                records.pos(r, w);
                c.marks[w] |= POSITION;
                issue(w); // keeps the slot it held while it waited
                break;
            }
        }
        closeIfIdle(r);
    }

    /** Forget a record nothing refers to; first issue the close that waited for that. */
    void closeIfIdle(final int r)
    {
        if (records.pos(r) != FdRecords.NONE || !waits.isEmpty(r) || !c.peers.isEmpty(r) ||
            records.collecting(r) != FdRecords.NONE || records.groupsInKernel(r) != 0)
        {
            return;
        }
        final int close = records.closeHandle(r);
        if (close != FdRecords.NONE && holdCloses)
        {
            return; // settleAll issues it after its cancel-all, which must not stop it
        }
        records.release(r);
        if (close != FdRecords.NONE)
        {
            c.recordOf[close] = FdRecords.NONE;
            issueWaitingClose(close);
        }
    }

    /** Issue a close that waited for its fd (WAITING): it keeps the slot it held. */
    void issueWaitingClose(final int close)
    {
        if (!c.unpark(close))
        {
            c.slots--;
            c.forget(close);
            return;
        }
        issue(close);
    }
}
