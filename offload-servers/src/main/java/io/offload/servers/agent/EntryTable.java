package io.offload.servers.agent;

import io.offload.rings.EntryPool;
import io.offload.rings.SyscallEntry;
import io.offload.rings.SyscallEntryDescriptor;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_DONE;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_ASYNC;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_PARKED;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_SPINNING;

/**
 * The entry pool plus the heap side of each entry: its attachment, the parked {@link Thread} or the
 * {@link AsyncCompletion} that the off-heap entry cannot hold. Knows how to finish an entry for each kind of
 * waiter, so servers, the shutdown sweep and a caller cancelling its own call all finish entries the same way.
 */
public final class EntryTable
{
    private final EntryPool pool;
    private final SyscallEntry entry;
    private final AtomicReferenceArray<Object> attachments;
    private final long[] deadlines;

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
     * caller (or, for an async call, to the completion thread), so nothing here touches it afterwards except to
     * read the waiter kind of a caller that may park.
     *
     * @param handle entry handle, in a state this thread owns (RUNNING, or won by CAS).
     * @param result result or -errno.
     * @param async  where async entries go once DONE; null to finish them on this thread.
     */
    public void complete(final int handle, final long result, final Completer.Port async)
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
            if (async != null)
            {
                async.enqueue(handle);
            }
            else
            {
                finishAsync(handle);
            }
        }
        else
        {
            // volatile store then volatile load: pairs with the caller's volatile PARKED store then status load
            entry.svStatus(handle, STATUS_DONE);
            if (entry.lvWaiterVolatile(handle) == WAITER_PARKED)
            {
                final Object thread = attachments.getPlain(handle);
                if (thread instanceof Thread t)
                {
                    if (async != null && t.isVirtual())
                    {
                        async.unpark(handle, t); // from an unpinned thread, so no carrier inherits a server's mask
                    }
                    else
                    {
                        LockSupport.unpark(t);
                    }
                }
            }
        }
    }

    /**
     * Hand a DONE async entry's result to its completion and give the entry back. Runs on the completion thread
     * (or the closing thread during shutdown), never on a server.
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
