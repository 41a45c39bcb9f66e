package io.offload.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Exactly once, through the production {@code EntryTable}: a server picking an entry up ({@code pickUp}) and its
 * caller taking it back ({@code takeBack}: a cancel, a closed runtime, a dead server; the runtime's callers take
 * back only through {@code EntryTable.finishIfNotPicked}, from {@code call.OffloadGate}, the wait strategies and
 * {@code EntryTable.requestCancel}) race for it, and whoever wins completes the call. One must win, never both. r1: the server won; r2: the caller won.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the server runs the call")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the caller completes it with ECANCELED")
@Outcome(expect = FORBIDDEN, desc = "both or neither: completed twice, or never")
@State
public class TakeBackVersusPickUpTest
{
    private final int handle = Entries.next();

    public TakeBackVersusPickUpTest()
    {
        Entries.ENTRY.soStatus(handle, STATUS_SUBMITTED);
    }

    @Actor
    public void server(final II_Result r)
    {
        r.r1 = Entries.TABLE.pickUp(handle) ? 1 : 0;
    }

    @Actor
    public void caller(final II_Result r)
    {
        r.r2 = Entries.TABLE.takeBack(handle) ? 1 : 0;
    }
}
