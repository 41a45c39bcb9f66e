package io.offload.servers.uring;

import io.offload.rings.SyscallEntry;
import io.offload.servers.executor.CancelHandshake;
import io.offload.servers.executor.Completions;

import java.util.Arrays;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_WAITING;

/**
 * What the io_uring executor knows about each call it holds, and the one place that completes a call. Server thread
 * only; shared by the executor's parts ({@link IoUringExecutor}, {@link UringSubmission}, {@link UringDeadlines},
 * {@link UringSettle}), which read and write its fields directly, as one object's state.
 * <p>
 * Per handle: where the call is ({@code state}: in the FIFO, in the kernel, behind its fd's current-position call,
 * in a sync group, a close waiting for its fd, handed to the fallback), marks of a call in the kernel (a cancel was
 * sent, which error it ends with if stopped, whether it is its fd's current-position call), and its fd record. The
 * calls in the FIFO and the admitted ones (those holding an in-flight slot) are in {@link #calls}; chains and sync
 * groups in {@link #waits}.
 * <p>
 * <b>Entry status.</b> A call in the kernel is RUNNING. A call held here with nothing in the kernel (the FIFO, a
 * chain, a sync group, a waiting close) is WAITING, stored by {@link #park} through
 * {@link CancelHandshake#parkUnlessCancelled} with progress 0, and leaves WAITING only by the CAS of
 * {@link #unpark}: if that fails, a runtime sweeping after a server that did not stop completed the call, and the
 * executor forgets it ({@link #forget}) without completing it again.
 */
final class UringCalls
{
    // where a held call is
    static final byte FREE = 0;
    static final byte QUEUED = 1;      // in the FIFO, waiting for a slot (WAITING)
    static final byte KERNEL = 2;      // its SQE written or submitted, its CQE not yet reaped (RUNNING)
    static final byte CHAIN = 3;       // behind the current-position call of its fd (WAITING)
    static final byte SYNC_WAIT = 4;   // a member of a sync group, collecting or in the kernel (WAITING)
    static final byte CLOSE_WAIT = 5;  // a close waiting for its fd's ordered calls (WAITING)
    static final byte FALLBACK = 6;    // handed to the fallback (which may have finished it since)
    static final byte ADMITTING = 7;   // being given a slot: may still end at once (cancelled, EBADF) (RUNNING)

    // marks of a call in the kernel
    static final byte CANCEL_SENT = 1;     // an ASYNC_CANCEL for it has been written
    static final byte ERR_TIMEDOUT = 2;    // if stopped: ETIMEDOUT
    static final byte ERR_CANCELED = 4;    // if stopped: ECANCELED
    static final byte ERR_BADF = 8;        // if stopped: EBADF (its fd was closed)
    static final byte ERR_MASK = ERR_TIMEDOUT | ERR_CANCELED | ERR_BADF;
    static final byte POSITION = 16;       // it is its fd's current-position call
    static final byte PREP_FAILED = 32;    // preparing its SQE threw: a NOP went instead, and it ends with EIO

    /**
     * Socket requests in the kernel at most, apart from the in-flight bound of file calls: a socket call may wait for
     * its peer for ever (an idle keep-alive connection's recv), so socket calls never take the slots that file calls
     * need, and never wait in the FIFO behind file calls (or behind each other, which could leave a connection's recv
     * queued while its data is there). Past this many, a socket call waits in the fallback's reactor, as on the
     * syscall executor, where the number of waiting calls has no bound but the pool's.
     */
    static final int MAX_PEER_REQUESTS = 1024;

    // the lists of calls
    static final int FIFO = 0;
    static final int ADMITTED = 1;

    final SyscallEntry entry;
    final HandleLists calls;   // FIFO and ADMITTED
    final FdRecords records;
    final HandleLists waits;   // chains (list = record) and sync groups (list = records + group)
    final HandleLists peers;   // socket calls in the kernel, per fd (list = record)
    byte[] state;
    byte[] marks;
    int[] recordOf;

    int slots;            // in-flight slots held: requests in the kernel and calls admitted behind them
    int peerRequests;     // socket requests in the kernel (they hold no slot: MAX_PEER_REQUESTS)
    int callsInKernel;
    int groupsInKernel;
    boolean stopping;     // settleAll has begun: nothing new runs

    private final Completions completions;
    private final UringCounters counters;

    /**
     * @param entry       the flyweight over the runtime's entries.
     * @param completions where finished calls go.
     * @param counters    the executor's counts.
     * @param maxHandles  the pool's bound on handles.
     * @param maxInFlight the in-flight bound (one fd record per slot, at most).
     */
    UringCalls(
        final SyscallEntry entry, final Completions completions, final UringCounters counters, final int maxHandles,
        final int maxInFlight)
    {
        this.entry = entry;
        this.completions = completions;
        this.counters = counters;
        this.calls = new HandleLists(2, maxHandles);
        this.records = new FdRecords(maxInFlight + 1 + MAX_PEER_REQUESTS); // one per slot, and per socket request
        this.waits = new HandleLists(records.capacity() + records.groupCapacity(), maxHandles);
        this.peers = new HandleLists(records.capacity(), maxHandles);
        final int initial = calls.capacity();
        this.state = new byte[initial];
        this.marks = new byte[initial];
        this.recordOf = new int[initial];
        Arrays.fill(recordOf, FdRecords.NONE);
    }

    /** Make room in the per-handle arrays (cold: only for a larger handle than seen so far). */
    void ensure(final int handle)
    {
        if (handle < state.length)
        {
            return;
        }
        calls.ensure(handle);
        waits.ensure(handle);
        peers.ensure(handle);
        final int length = calls.capacity();
        final int old = state.length;
        state = Arrays.copyOf(state, length);
        marks = Arrays.copyOf(marks, length);
        recordOf = Arrays.copyOf(recordOf, length);
        Arrays.fill(recordOf, old, length, FdRecords.NONE);
    }

    /**
     * @param handle a call this thread holds RUNNING, nothing of it in the kernel, already in the list or group it
     *               waits in, its {@link #state} set.
     * @return true if its cancel flag is set: it is WAITING, and the caller must end it at once (through
     *         {@link #unpark}, as every WAITING call is ended).
     */
    boolean park(final int handle)
    {
        entry.spResult(handle, 0L); // its progress: nothing moved (the handshake's volatile store publishes it)
        return CancelHandshake.parkUnlessCancelled(entry, handle);
    }

    /**
     * @param handle a WAITING call held here.
     * @return true if this thread has it RUNNING again; false if a sweep completed it (then {@link #forget} it).
     */
    boolean unpark(final int handle)
    {
        return entry.casStatus(handle, STATUS_WAITING, STATUS_RUNNING);
    }

    /**
     * End a WAITING call held here: complete it with {@code result}, or forget it if a sweep completed it first.
     *
     * @return whether it was completed here.
     */
    boolean finishWaiting(final int handle, final long result)
    {
        if (unpark(handle))
        {
            finish(handle, result);
            return true;
        }
        forget(handle);
        return false;
    }

    /** Complete a call (RUNNING, held here): the one place that does. */
    void finish(final int handle, final long result)
    {
        if (state[handle] == FREE)
        {
            throw new IllegalStateException("handle " + handle + " completed twice (result " + result + ")");
        }
        release(handle);
        counters.increment(UringCounters.COMPLETED);
        completions.complete(handle, result);
    }

    /** Complete a RUNNING call that was never held here (it arrived after the executor settled). */
    void refuse(final int handle, final long result)
    {
        counters.increment(UringCounters.COMPLETED);
        completions.complete(handle, result);
    }

    /** Drop a call a sweep completed while it waited here: it is no longer ours, and is not completed again. */
    void forget(final int handle)
    {
        release(handle);
    }

    private void release(final int handle)
    {
        state[handle] = FREE;
        marks[handle] = 0;
        recordOf[handle] = FdRecords.NONE;
        calls.remove(handle);
        waits.remove(handle);
        peers.remove(handle);
    }

    /** @return the waits list of sync group {@code g}. */
    int groupList(final int g)
    {
        return records.capacity() + g;
    }

    /** @return the sync group whose list holds {@code handle}. */
    int groupOf(final int handle)
    {
        return waits.listOf(handle) - records.capacity();
    }

    /** @return requests in the kernel: calls' own and sync groups'. */
    int inKernel()
    {
        return callsInKernel + groupsInKernel;
    }
}
