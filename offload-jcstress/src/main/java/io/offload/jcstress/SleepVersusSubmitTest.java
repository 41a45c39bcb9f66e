package io.offload.jcstress;

import io.offload.rings.MpscHandleRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.Arena;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * An idle server about to sleep in epoll_wait against a caller submitting. The server (SyscallServer.sleep) stores
 * its volatile 'sleeping' flag, then checks the ring; the caller (OffloadGate.publish) offers (a CAS on the
 * producer index), then loads the flag to decide whether to write the server's eventfd. If the server saw an empty
 * ring (it sleeps) and the caller saw it awake (no eventfd write), the call waits out the server's sleep.
 * r1: the server saw the ring empty; r2: the caller saw the server sleeping.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the server sleeps and nobody wakes it")
@Outcome(expect = ACCEPTABLE, desc = "the server sees the call, or the caller wakes it, or both")
@State
public class SleepVersusSubmitTest
{
    private final MpscHandleRing ring = MpscHandleRing.allocate(Arena.ofAuto(), 2);
    private volatile boolean sleeping; // ServerPort.sleeping

    @Actor
    public void server(final II_Result r)
    {
        sleeping = true;
        r.r1 = ring.isEmpty() ? 1 : 0;
    }

    @Actor
    public void caller(final II_Result r)
    {
        ring.offer(1);
        r.r2 = sleeping ? 1 : 0;
    }
}
