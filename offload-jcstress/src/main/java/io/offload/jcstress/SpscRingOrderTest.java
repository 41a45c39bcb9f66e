package io.offload.jcstress;

import io.offload.rings.SpscHandleRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.Arena;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * One producer offers 1, 2, 3 into a ring of two slots that has already gone round once (lap tags in play); the
 * consumer polls twice. It sees a prefix of what was published, in order: never a later handle first, never the
 * previous lap's value.
 */
@JCStressTest
@Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "nothing published yet")
@Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "the first only")
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "the first two, in order")
@Outcome(expect = FORBIDDEN, desc = "out of order, a stale lap, or a gap")
@State
public class SpscRingOrderTest
{
    private final SpscHandleRing ring = wrapped();

    private static SpscHandleRing wrapped()
    {
        final SpscHandleRing ring = SpscHandleRing.allocate(Arena.ofAuto(), 2);
        ring.offer(7); // one lap: slots hold the previous lap's values 7 and 8
        ring.offer(8);
        ring.poll();
        ring.poll();
        return ring;
    }

    @Actor
    public void producer()
    {
        ring.offer(1);
        ring.offer(2);
        ring.offer(3); // refused unless the consumer has freed a slot
    }

    @Actor
    public void consumer(final II_Result r)
    {
        r.r1 = ring.poll();
        r.r2 = r.r1 < 0 ? -1 : ring.poll();
    }
}
