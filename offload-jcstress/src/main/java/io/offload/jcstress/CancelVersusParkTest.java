package io.offload.jcstress;

import io.offload.servers.executor.CancelHandshake;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A cancel against the executor that parks the call (issue 15, item 1), through the production code: the
 * executor holding the call (RUNNING) parks it with {@link CancelHandshake#parkUnlessCancelled} (volatile WAITING
 * store, then a volatile load of the flags); the canceller sets the flag with {@code EntryTable.setCancelFlag}
 * (an atomic or; every cancel of the runtime's callers, blocking or async, goes through
 * {@code EntryTable.requestCancel}, which does that and sends the handle through {@code ServerPort.requestCancel})
 * and the server it reaches looks with {@link CancelHandshake#isParked} (a volatile load of the status) for a call
 * to pass the cancel to. If the executor parked without seeing the flag and the canceller did
 * not see it parked, nobody finishes the call: it waits with its cancel lost. r1: the executor saw the flag;
 * r2: the canceller saw the call parked.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "parked with its cancel lost")
@Outcome(expect = ACCEPTABLE, desc = "the executor finishes it, or the cancel finds it parked, or both")
@State
public class CancelVersusParkTest
{
    private final int handle = Entries.next();

    public CancelVersusParkTest()
    {
        Entries.ENTRY.spFlags(handle, 0);
        Entries.ENTRY.soStatus(handle, STATUS_RUNNING);
    }

    @Actor
    public void executor(final II_Result r)
    {
        r.r1 = CancelHandshake.parkUnlessCancelled(Entries.ENTRY, handle) ? 1 : 0;
    }

    @Actor
    public void canceller(final II_Result r)
    {
        Entries.TABLE.setCancelFlag(handle);
        r.r2 = CancelHandshake.isParked(Entries.ENTRY, handle) ? 1 : 0;
    }
}
