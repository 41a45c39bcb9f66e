package io.offload.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_DONE;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_MAY_PARK;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_PARKED;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The lost wake-up a parking caller must never suffer. The caller (OffloadGate.waitUntilDone) stores PARKED, then
 * loads the status; the server (EntryTable.complete) stores DONE, then loads the waiter. If the caller saw no DONE
 * (it parks) and the server saw no PARKED (it does not unpark), the caller sleeps out its whole park timeout.
 * r1: the caller saw DONE; r2: the server saw PARKED.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "the caller parks and nobody unparks it")
@Outcome(expect = ACCEPTABLE, desc = "the caller sees DONE, or the server sees it parked, or both")
@State
public class ParkVersusCompleteTest
{
    private final int handle = Entries.next();

    public ParkVersusCompleteTest()
    {
        Entries.ENTRY.spWaiter(handle, WAITER_MAY_PARK);
        Entries.ENTRY.soStatus(handle, STATUS_SUBMITTED);
    }

    @Actor
    public void caller(final II_Result r)
    {
        Entries.ENTRY.svWaiter(handle, WAITER_PARKED);
        r.r1 = Entries.ENTRY.lvStatusVolatile(handle) == STATUS_DONE ? 1 : 0;
    }

    @Actor
    public void server(final II_Result r)
    {
        Entries.ENTRY.svStatus(handle, STATUS_DONE);
        r.r2 = Entries.ENTRY.lvWaiterVolatile(handle) == WAITER_PARKED ? 1 : 0;
    }
}
