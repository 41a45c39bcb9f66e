package io.offload.jcstress;

import io.offload.rings.MpscHandleRing;
import io.offload.servers.agent.ServerPort;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.Arena;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A server stopping against a caller publishing, through the production {@link ServerPort}: the server's
 * {@link ServerPort#stopRunning} ('running' false and a full fence; SyscallServer.onClose then drains its ring
 * until empty) against the caller's {@link ServerPort#offer} (the ring's CAS, then a load of 'running': STOPPED
 * tells the caller to take its entry back; the runtime's callers publish only through it, in
 * {@code call.OffloadGate}). If the server saw the ring empty (it drains no more) and the caller
 * saw it running (it waits for it), the call is lost with its caller waiting. r1: the server saw the ring empty;
 * r2: the caller saw the server running.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "the call is in a ring nobody drains")
@Outcome(expect = ACCEPTABLE, desc = "the server drains it, or the caller takes it back")
@State
public class PublishVersusServerStopTest
{
    private final ServerPort port = new ServerPort(
        MpscHandleRing.allocate(Arena.ofAuto(), 2), MpscHandleRing.allocate(Arena.ofAuto(), 2), () -> { }, null);

    public PublishVersusServerStopTest()
    {
        port.markRunning();
    }

    @Actor
    public void server(final II_Result r)
    {
        port.stopRunning();
        r.r1 = port.ring().isEmpty() ? 1 : 0;
    }

    @Actor
    public void caller(final II_Result r)
    {
        r.r2 = port.offer(1) == ServerPort.OFFERED ? 1 : 0;
    }
}
