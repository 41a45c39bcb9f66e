package io.offload.servers.call;

import io.offload.rings.SyscallEntry;
import io.offload.servers.agent.ServerPort;

import java.util.concurrent.locks.LockSupport;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_DONE;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_MAY_PARK;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_PARKED;

/**
 * Spin, then yield, then park until the server unparks the caller: {@code SPIN_THEN_PARK} (spins, no yields) and
 * {@code PARK} (neither) for platform threads, and every virtual thread's wait (a bounded spin, then yields of its
 * carrier, looking between them, then a park: a call done within the yields costs no park and no unpark).
 */
final class ParkingWaiter implements CallWaiter
{
    /** A parked caller looks at its server this often, in case it died without completing the call. */
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
    public void await(final int handle, final ServerPort server, final Settler settler)
    {
        final SyscallEntry entry = settler.entry();
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
        // volatile store then volatile load: pairs with the server's volatile DONE store then waiter load
        entry.svWaiter(handle, WAITER_PARKED);
        boolean interrupted = false;
        while (entry.lvStatusVolatile(handle) != STATUS_DONE)
        {
            LockSupport.parkNanos(this, PARK_CHECK_NANOS);
            if (Thread.interrupted() && !interrupted)
            {
                interrupted = true; // cancel, then keep waiting: the kernel may be using the caller's buffer
                settler.requestCancel(handle, server);
            }
            if (!server.isRunning())
            {
                settler.cancelIfNotPicked(handle);
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
