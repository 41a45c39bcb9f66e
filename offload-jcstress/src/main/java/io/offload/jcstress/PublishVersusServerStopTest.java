package io.offload.jcstress;

import io.offload.rings.MpscHandleRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.Arena;
import java.lang.invoke.VarHandle;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A server stopping (SyscallServer.settleAll: 'running' false, a full fence, then drain until the ring is empty)
 * against a caller publishing (OffloadGate: offer, then load 'running' and take the entry back if it is false).
 * If the server saw the ring empty (it drains no more) and the caller saw it running (it waits for it), the call
 * is lost with its caller waiting. r1: the server saw the ring empty; r2: the caller saw the server running.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "the call is in a ring nobody drains")
@Outcome(expect = ACCEPTABLE, desc = "the server drains it, or the caller takes it back")
@State
public class PublishVersusServerStopTest
{
    private final MpscHandleRing ring = MpscHandleRing.allocate(Arena.ofAuto(), 2);
    private volatile boolean running = true; // ServerPort.running

    @Actor
    public void server(final II_Result r)
    {
        running = false;
        VarHandle.fullFence();
        r.r1 = ring.isEmpty() ? 1 : 0;
    }

    @Actor
    public void caller(final II_Result r)
    {
        ring.offer(1);
        r.r2 = running ? 1 : 0;
    }
}
