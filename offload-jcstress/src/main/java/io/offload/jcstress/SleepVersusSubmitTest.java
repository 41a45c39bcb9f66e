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
 * An idle server about to sleep against a caller submitting, through the production {@link ServerPort}: the
 * server's {@link ServerPort#prepareToSleep} (volatile 'sleeping' store, then a look at both rings) against the
 * caller's {@link ServerPort#offer} (the ring's CAS, then a load of 'sleeping' to decide whether to wake it; the
 * runtime's callers publish only through it, in {@code call.OffloadGate}). If the
 * server saw empty rings (it sleeps) and the caller saw it awake (no wake-up), the call waits out the server's
 * sleep. r1: the server saw its rings empty; r2: the caller woke it.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the server sleeps and nobody wakes it")
@Outcome(expect = ACCEPTABLE, desc = "the server sees the call, or the caller wakes it, or both")
@State
public class SleepVersusSubmitTest
{
    private int wakes; // written and read by the caller's actor only: the waker runs inside its offer
    private final ServerPort port = new ServerPort(
        MpscHandleRing.allocate(Arena.ofAuto(), 2), MpscHandleRing.allocate(Arena.ofAuto(), 2), () -> wakes++, null);

    @Actor
    public void server(final II_Result r)
    {
        r.r1 = port.prepareToSleep() ? 1 : 0;
    }

    @Actor
    public void caller(final II_Result r)
    {
        port.offer(1);
        r.r2 = wakes;
    }
}
