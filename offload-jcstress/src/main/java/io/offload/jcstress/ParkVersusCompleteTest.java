package io.offload.jcstress;

import io.offload.servers.agent.WaiterWakeup;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_MAY_PARK;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The lost wake-up a parking caller must never suffer, through the production {@code EntryTable}: the caller's
 * {@code announcePark} (volatile PARKED store, then a volatile load of the status; the runtime's blocking callers
 * park through it in {@code call.ParkingWaiter.await}) against a server's
 * {@code completeAndWake} (volatile DONE store, then a volatile load of the waiter, and an unpark through the
 * wake-up if it saw PARKED). If the caller saw no DONE (it parks) and the server did not unpark it, the caller
 * sleeps out its whole park timeout. r1: the caller saw DONE; r2: the server unparked it.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "the caller parks and nobody unparks it")
@Outcome(expect = ACCEPTABLE, desc = "the caller sees DONE, or the server unparks it, or both")
@State
public class ParkVersusCompleteTest
{
    private static final Thread PARKED_THREAD = new Thread(() -> { }); // never started: only its identity counts

    private final int handle = Entries.next();
    private int unparks; // written and read by the server's actor only
    private final WaiterWakeup wakeup = new WaiterWakeup()
    {
        @Override
        public void unpark(final int h, final Thread waiter)
        {
            unparks++;
        }

        @Override
        public void asyncDone(final int h)
        {
            throw new AssertionError("not an async entry");
        }
    };

    public ParkVersusCompleteTest()
    {
        Entries.ENTRY.spWaiter(handle, WAITER_MAY_PARK);
        Entries.TABLE.attach(handle, PARKED_THREAD);
        Entries.ENTRY.soStatus(handle, STATUS_RUNNING);
    }

    @Actor
    public void caller(final II_Result r)
    {
        r.r1 = Entries.TABLE.announcePark(handle) ? 1 : 0;
    }

    @Actor
    public void server(final II_Result r)
    {
        Entries.TABLE.completeAndWake(handle, 0, wakeup);
        r.r2 = unparks;
    }
}
