package io.offload.servers.agent;

import io.offload.api.Errno;
import io.offload.rings.EntryPool;
import io.offload.rings.SyscallEntry;
import io.offload.rings.SyscallEntryDescriptor;
import io.offload.servers.executor.ExecutorContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static io.offload.rings.SyscallEntryDescriptor.FLAG_RESUME;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_DONE;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_WAITING;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_ASYNC;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_PARKED;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_SPINNING;

/**
 * The entry pool plus the heap side of each entry: its attachment, the parked {@link Thread} or the
 * {@link AsyncCompletion} that the off-heap entry cannot hold. Knows how to finish an entry for each kind of
 * waiter, so servers, the shutdown sweep and a caller cancelling its own call all finish entries the same way.
 */
public final class EntryTable implements ExecutorContext.Deadlines
{
    private final EntryPool pool;
    private final SyscallEntry entry;
    private final AtomicReferenceArray<Object> attachments;
    private final long[] deadlines;
    private final WaiterWakeup here = WaiterWakeup.onThisThread(this);

    /**
     * @param pool the entry pool; its bound sizes the attachment table.
     */
    public EntryTable(final EntryPool pool)
    {
        this.pool = pool;
        this.entry = new SyscallEntry(pool);
        this.attachments = new AtomicReferenceArray<>(pool.maxEntries());
        this.deadlines = new long[pool.maxEntries()];
    }

    /**
     * Plain store of a call's deadline by the entry's owner before publication.
     *
     * @param handle   entry handle.
     * @param deadline {@link System#nanoTime()} past which the call completes with ETIMEDOUT, or 0 for none.
     */
    public void deadline(final int handle, final long deadline)
    {
        if (deadlines[handle] != deadline)
        {
            deadlines[handle] = deadline; // written only when it changes: the server reads this line every call
        }
    }

    /**
     * @param handle entry handle.
     * @return its deadline, or 0 for none.
     */
    @Override
    public long deadline(final int handle)
    {
        return deadlines[handle];
    }

    /**
     * @param handle entry handle.
     * @return its flags, with acquire semantics (a cancel flag set after publication is seen).
     */
    public int lvFlags(final int handle)
    {
        return entry.lvFlags(handle);
    }

    /**
     * Set a flag bit, atomically against a concurrent cancel.
     *
     * @param handle entry handle.
     * @param flag   the bit.
     */
    public void setFlag(final int handle, final int flag)
    {
        entry.getAndOrFlags(handle, flag);
    }

    /**
     * Set the cancel flag, once.
     *
     * @param handle entry handle.
     * @return true if this call set it, false if it was set already.
     */
    public boolean setCancelFlag(final int handle)
    {
        final int previous = entry.getAndOrFlags(handle, SyscallEntryDescriptor.FLAG_CANCEL_REQUESTED);
        return (previous & SyscallEntryDescriptor.FLAG_CANCEL_REQUESTED) == 0;
    }

    /**
     * A server picks a drained entry up: SUBMITTED to RUNNING, a CAS because its caller (a cancel, a closed
     * runtime, a dead server) or the shutdown sweep may take it back at the same moment. Whoever wins completes
     * it; the other leaves it alone. jcstress: {@code TakeBackVersusPickUpTest}.
     *
     * @param handle a handle drained from a ring.
     * @return true if the server now holds the call.
     */
    public boolean pickUp(final int handle)
    {
        return entry.casStatus(handle, STATUS_SUBMITTED, STATUS_RUNNING);
    }

    /**
     * A caller takes back an entry no server has picked up yet (the same CAS as {@link #pickUp}); it then
     * completes it itself ({@link #finishIfNotPicked} does both). jcstress: {@code TakeBackVersusPickUpTest}.
     *
     * @param handle an entry the caller published.
     * @return true if the caller now holds it.
     */
    public boolean takeBack(final int handle)
    {
        return entry.casStatus(handle, STATUS_SUBMITTED, STATUS_RUNNING);
    }

    /**
     * A caller gives up its call if no server has picked it up yet: it takes the entry back ({@link #takeBack})
     * and finishes it on this thread, with {@code error}, or with the bytes a forwarded call had already moved
     * ({@link #resultWithoutRunning}). Used when the call's server has stopped, the runtime closed after the call
     * was published, or the call could not be published at all.
     *
     * @param handle an entry the caller published (or wrote SUBMITTED and could not publish).
     * @param error  its result if it moved nothing, as -errno.
     * @return true if this thread took it back (it is DONE now); false if a server (or the shutdown sweep) has it.
     */
    public boolean finishIfNotPicked(final int handle, final long error)
    {
        if (!takeBack(handle))
        {
            return false;
        }
        complete(handle, resultWithoutRunning(handle, error), null);
        return true;
    }

    /**
     * A caller asks for its call to be cancelled, from any thread: taken back and finished with ECANCELED if no
     * server has picked it up ({@link #finishIfNotPicked}); otherwise its cancel flag is set, once, and the cancel
     * goes through the port the call was published to ({@link ServerPort#requestCancel}), which passes it on to
     * whichever server holds the call (forwarded to its fd's owner, or settled by a server that stopped). Either
     * way the call completes once: with ECANCELED, or with the result (or bytes moved) it already had.
     *
     * @param handle      the caller's entry, not yet DONE and not yet freed.
     * @param publishedTo the server the caller published it to.
     */
    public void requestCancel(final int handle, final ServerPort publishedTo)
    {
        if (!finishIfNotPicked(handle, -Errno.ECANCELED) && setCancelFlag(handle))
        {
            publishedTo.requestCancel(handle);
        }
    }

    /**
     * The result of a call finished without running (again): taken back from a ring by its caller, expired at
     * pick-up, or settled by a server that stops or by the shutdown sweep. A forwarded call ({@code FLAG_RESUME})
     * carries the bytes it has moved in its result field, and reports them; a fresh call's result field holds a
     * stale value, never read.
     *
     * @param handle an entry this thread holds (won by CAS).
     * @param error  the result if it moved nothing, as -errno.
     * @return the bytes moved, or {@code error}.
     */
    public long resultWithoutRunning(final int handle, final long error)
    {
        return (entry.lvFlags(handle) & FLAG_RESUME) != 0 ? progressOr(handle, error) : error;
    }

    /**
     * A caller about to park says so, then looks at the status once more: a volatile store of PARKED, then a
     * volatile load of the status (pairs with the volatile DONE store, then load of the waiter, in
     * {@link #complete}). The caller's side of the park handshake: {@code call.ParkingWaiter} parks only if this
     * returns false. jcstress: {@code ParkVersusCompleteTest}.
     *
     * @param handle the caller's entry.
     * @return true if the call is already DONE (do not park); else the completer will unpark the caller.
     */
    public boolean announcePark(final int handle)
    {
        entry.svWaiter(handle, WAITER_PARKED);
        return entry.lvStatusVolatile(handle) == STATUS_DONE;
    }

    /**
     * @return the pool.
     */
    public EntryPool pool()
    {
        return pool;
    }

    /**
     * @return the flyweight over the pool's entries.
     */
    public SyscallEntry entry()
    {
        return entry;
    }

    /**
     * Plain store of an attachment by the entry's owner before publication (the publication's release orders it).
     *
     * @param handle     entry handle.
     * @param attachment a Thread, an AsyncCompletion, or null.
     */
    public void attach(final int handle, final Object attachment)
    {
        attachments.setPlain(handle, attachment);
    }

    /**
     * @param handle entry handle.
     * @return the attachment.
     */
    public Object attachment(final int handle)
    {
        return attachments.getPlain(handle);
    }

    /**
     * Write the result and move the entry to DONE, then wake its waiter. After this the entry belongs to its
     * caller (or, for an async call, to whoever finishes its future), so nothing here touches it afterwards except
     * to read the waiter kind of a caller that may park.
     *
     * @param handle entry handle, in a state this thread owns (RUNNING, or won by CAS).
     * @param result result or -errno.
     * @param async  the completing server's completer port; null to wake and finish on this thread.
     */
    public void complete(final int handle, final long result, final Completer.Port async)
    {
        completeAndWake(handle, result, async == null ? here : async.wakeup());
    }

    /**
     * Write the result and move the entry to DONE, then wake its waiter the way {@code wakeup} decides.
     *
     * @param handle entry handle, in a state this thread owns (RUNNING, or won by CAS).
     * @param result result or -errno.
     * @param wakeup how the waiter is woken.
     */
    public void completeAndWake(final int handle, final long result, final WaiterWakeup wakeup)
    {
        entry.spResult(handle, result);
        final int waiter = entry.lpWaiter(handle);
        if (waiter == WAITER_SPINNING)
        {
            entry.soStatus(handle, STATUS_DONE);
        }
        else if (waiter == WAITER_ASYNC)
        {
            entry.soStatus(handle, STATUS_DONE);
            if (attachments.getPlain(handle) instanceof AsyncCompletion completion && completion.completesOnServer())
            {
                finishAsync(handle); // bookkeeping only (a write-behind send): no wake-up of the completion thread
            }
            else
            {
                wakeup.asyncDone(handle);
            }
        }
        else
        {
            // volatile store then volatile load: pairs with the caller's volatile PARKED store then status load
            // (announcePark)
            entry.svStatus(handle, STATUS_DONE);
            if (entry.lvWaiterVolatile(handle) == WAITER_PARKED)
            {
                final Object thread = attachments.getPlain(handle);
                if (thread instanceof Thread t)
                {
                    wakeup.unpark(handle, t);
                }
            }
        }
    }

    /**
     * Complete, on the calling thread, every entry left SUBMITTED (in a ring nobody drains) or WAITING (parked
     * with a server that stopped, or that did not stop but holds it with nothing in the kernel): after the servers
     * have been stopped, by the closing thread. Each is taken by CAS, so an entry completes once whoever races.
     * RUNNING entries are left alone: each has an owner that completes it (a caller completing its own take-back,
     * or a server still inside its system call, whose memory the kernel may still write).
     *
     * @return entries completed, with ECANCELED or the bytes they had moved.
     */
    public int sweep()
    {
        int swept = 0;
        final int allocated = pool.allocatedEntries();
        for (int handle = 0; handle < allocated; handle++)
        {
            final int status = entry.lvStatus(handle);
            if (status == STATUS_SUBMITTED && entry.casStatus(handle, STATUS_SUBMITTED, STATUS_RUNNING))
            {
                completeAndWake(handle, resultWithoutRunning(handle, -Errno.ECANCELED), here);
                swept++;
            }
            else if (status == STATUS_WAITING && entry.casStatus(handle, STATUS_WAITING, STATUS_RUNNING))
            {
                completeAndWake(handle, progressOr(handle, -Errno.ECANCELED), here);
                swept++;
            }
        }
        return swept;
    }

    /**
     * @return a description of every RUNNING entry ("read(fd=7)"), for a report of the calls a server that did
     *         not stop was still running; empty if none.
     */
    public List<String> describeRunning()
    {
        final List<String> out = new ArrayList<>();
        final int allocated = pool.allocatedEntries();
        for (int handle = 0; handle < allocated; handle++)
        {
            if (entry.lvStatus(handle) == STATUS_RUNNING)
            {
                final int op = entry.lpOp(handle);
                final String name = op >= 0 && op < io.offload.api.Syscall.count() ?
                    io.offload.api.Syscall.fromOp(op).cName() : "op " + op;
                out.add(name + "(" + entry.lpArg(handle, 0) + ", ...) entry " + handle);
            }
        }
        return out;
    }

    private long progressOr(final int handle, final long error)
    {
        final long progress = entry.lpResult(handle);
        return progress > 0 ? progress : error;
    }

    /**
     * Hand a DONE async entry's result to its completion and give the entry back. Runs on the completion thread
     * (or the closing thread during shutdown); on a server only for a completion that
     * {@link AsyncCompletion#completesOnServer() completes there}.
     *
     * @param handle a DONE entry with an async waiter.
     */
    public void finishAsync(final int handle)
    {
        final long result = entry.lpResult(handle);
        final Object attachment = attachments.getPlain(handle);
        if (attachment instanceof AsyncCompletion completion)
        {
            completion.detached(); // before the entry can be reused, so a late cancel cannot touch the next call
        }
        free(handle);
        if (attachment instanceof AsyncCompletion completion)
        {
            completion.onResult(result);
        }
    }

    /**
     * Clear the attachment, mark the entry FREE and return it to the pool.
     *
     * @param handle an entry this thread owns.
     */
    public void free(final int handle)
    {
        if (attachments.getPlain(handle) != null)
        {
            attachments.setPlain(handle, null);
        }
        if (deadlines[handle] != 0)
        {
            deadlines[handle] = 0;
        }
        entry.soStatus(handle, SyscallEntryDescriptor.STATUS_FREE);
        pool.release(handle);
    }
}
