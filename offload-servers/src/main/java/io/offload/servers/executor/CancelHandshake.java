package io.offload.servers.executor;

import io.offload.rings.SyscallEntry;

import static io.offload.rings.SyscallEntryDescriptor.FLAG_CANCEL_REQUESTED;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_WAITING;

/**
 * The two halves of the handshake that keeps a cancel from being lost while a call moves between servers. A
 * caller sets the cancel flag (an atomic or: {@code EntryTable.setCancelFlag}) and sends the handle to a server,
 * which loads the status ({@link #isParked}); the executor holding the call stores WAITING and then loads the
 * flag ({@link #parkUnlessCancelled}). All four accesses are volatile, so they fall in one total order: either
 * the holder sees the flag (and finishes the call itself) or the server receiving the cancel sees WAITING (and
 * finds the call parked where it looks). jcstress: {@code CancelVersusParkTest}.
 */
public final class CancelHandshake
{
    private CancelHandshake()
    {
    }

    /**
     * The holder's half: store WAITING (volatile), then load the flags (volatile).
     *
     * @param entry  the flyweight.
     * @param handle an entry this thread holds (RUNNING), its progress already in its result field.
     * @return true if its cancel flag is set: the caller must take it back (CAS WAITING to RUNNING) and finish it.
     */
    public static boolean parkUnlessCancelled(final SyscallEntry entry, final int handle)
    {
        entry.svStatus(handle, STATUS_WAITING);
        return (entry.lvFlagsVolatile(handle) & FLAG_CANCEL_REQUESTED) != 0; // pairs with the canceller's getAndOr
    }

    /**
     * The receiving server's half, after the cancel flag was set (the control ring orders it after the
     * caller's atomic or).
     *
     * @param entry  the flyweight.
     * @param handle the entry.
     * @return whether it is parked (WAITING) with some executor.
     */
    public static boolean isParked(final SyscallEntry entry, final int handle)
    {
        return entry.lvStatusVolatile(handle) == STATUS_WAITING; // pairs with the holder's svStatus(WAITING)
    }
}
