package io.offload.jcstress;

import io.offload.rings.MpscHandleRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.lang.foreign.Arena;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two producers offer one handle each, and the second then takes one: it may find the first producer's slot
 * claimed but not yet written, which must stop it rather than hand it a stale or empty value. The arbiter takes
 * the rest. Each handle must come out exactly once (r1: times handle 1 came out, r2: handle 2; r3: values that
 * were neither).
 */
@JCStressTest
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "each handle exactly once")
@Outcome(expect = FORBIDDEN, desc = "a handle lost, duplicated, or a stale value taken")
@State
public class MpscRingExactlyOnceTest
{
    private final MpscHandleRing ring = MpscHandleRing.allocate(Arena.ofAuto(), 2);
    private int takenByConsumer = -1;

    @Actor
    public void producer()
    {
        ring.offer(1);
    }

    @Actor
    public void producerThenConsumer()
    {
        ring.offer(2);
        takenByConsumer = ring.poll(); // single consumer: only this actor, then the arbiter, take
    }

    @Arbiter
    public void arbiter(final III_Result r)
    {
        count(r, takenByConsumer);
        int handle;
        while ((handle = ring.poll()) >= 0)
        {
            count(r, handle);
        }
    }

    private static void count(final III_Result r, final int handle)
    {
        if (handle == 1)
        {
            r.r1++;
        }
        else if (handle == 2)
        {
            r.r2++;
        }
        else if (handle != -1)
        {
            r.r3++;
        }
    }
}
