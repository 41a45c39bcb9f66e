package io.offload.servers.call;

import io.offload.api.Errno;
import io.offload.rings.SyscallEntry;
import io.offload.servers.agent.EntryTable;
import io.offload.servers.agent.ServerPort;

import java.util.concurrent.locks.LockSupport;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_DONE;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_MAY_PARK;

/**
 * Spin, then yield, then park until the server unparks the caller: {@code SPIN_THEN_PARK} (spins, no yields) and
 * {@code PARK} (neither) for platform threads, and every virtual thread's wait (a bounded spin, then yields of its
 * carrier, looking between them, then a park: a call done within the yields costs no park and no unpark).
 * <p>
 * The park is the caller's half of the park handshake, {@link EntryTable#announcePark} (jcstress:
 * {@code ParkVersusCompleteTest}); an interrupt is {@link EntryTable#requestCancel}; a server found stopped is
 * {@link EntryTable#finishIfNotPicked}. None of them is repeated here.
 */
final class ParkingWaiter implements CallWaiter
{
    /**
     * A parked platform thread looks at its server this often, in case it died without completing the call. A
     * virtual thread parks without a timeout: a timed park of a virtual thread arms a timer of the JDK's scheduler
     * on every park (JDK 25's {@code DelayScheduler}), which cost the HTTP demo a fifth of its requests/s. What the
     * timeout guarded is covered elsewhere: a server that stops completes and wakes every call it holds
     * ({@code SyscallServer.settleAll}), a caller that publishes to a stopped server takes its entry back itself,
     * and the completion thread unparks any thread still parked on an entry that has been DONE for two of its
     * sweeps ({@link io.offload.servers.agent.Completer#sweepParkedOnDone()}, every 50 ms), so a lost unpark costs
     * at most about 100 ms, as the timeout bounded it before.
     */
    private static final long PARK_CHECK_NANOS = 50_000_000L;

    private final int spins;
    private final int yields;

    ParkingWaiter(final int spins, final int yields)
    {
        this.spins = spins;
        this.yields = yields;
    }

    @Override
    public int waiterKind()
    {
        return WAITER_MAY_PARK;
    }

    @Override
    public void await(final int handle, final ServerPort server, final EntryTable entries)
    {
        final SyscallEntry entry = entries.entry();
        for (int i = 0; i < spins; i++)
        {
            if (entry.lvStatus(handle) == STATUS_DONE)
            {
                return;
            }
            Thread.onSpinWait();
        }
        for (int i = 0; i < yields; i++)
        {
            if (entry.lvStatus(handle) == STATUS_DONE)
            {
                return;
            }
            Thread.yield(); // a virtual thread yields its carrier; back at once if nothing else is runnable
        }
        if (entries.announcePark(handle))
        {
            return; // DONE before the park: the completer may or may not unpark us, which is harmless
        }
        // from here on the completer sees PARKED whenever it stores DONE, and unparks this thread
        boolean interrupted = false;
        final boolean virtual = Thread.currentThread().isVirtual();
        do
        {
            if (virtual)
            {
                LockSupport.park(this);
            }
            else
            {
                LockSupport.parkNanos(this, PARK_CHECK_NANOS);
            }
            if (Thread.interrupted() && !interrupted)
            {
                interrupted = true; // cancel, then keep waiting: the kernel may be using the caller's buffer
                entries.requestCancel(handle, server);
            }
            if (!server.isRunning())
            {
                entries.finishIfNotPicked(handle, -Errno.ECANCELED);
            }
        }
        while (entry.lvStatus(handle) != STATUS_DONE);
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
