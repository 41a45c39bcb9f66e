package io.offload.servers.executor;

import io.offload.api.LinuxConstants;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wait queue alone: waiters per fd and direction, the union of interests to arm, removal from anywhere, and
 * the list of all waiters that deadlines walk.
 */
class WaitQueueTest
{
    private static final int IN = LinuxConstants.EPOLLIN;
    private static final int OUT = LinuxConstants.EPOLLOUT;

    private final WaitQueue queue = new WaitQueue(64);
    private final List<Integer> woken = new ArrayList<>();

    @Test
    void addReturnsTheUnionOfWhatTheFdsWaitersWant()
    {
        assertEquals(IN, queue.add(1, 7, IN));
        assertEquals(IN | OUT, queue.add(2, 7, OUT));
        assertEquals(IN, queue.add(3, 8, IN), "another fd");
        assertEquals(3, queue.size());
        assertTrue(queue.contains(1) && queue.contains(2) && queue.contains(3));
        assertEquals(7, queue.fdOf(2));
    }

    @Test
    void readinessWakesOnlyTheWaitersItSatisfiesInTheirOrder()
    {
        queue.add(1, 7, IN);
        queue.add(2, 7, OUT);
        queue.add(3, 7, IN);
        final int remaining = queue.wake(7, IN, woken::add);
        assertEquals(OUT, remaining);
        assertEquals(2, woken.size());
        assertTrue(woken.containsAll(List.of(1, 3)));
        assertFalse(queue.contains(1));
        assertTrue(queue.contains(2));
        assertEquals(1, queue.size());
    }

    @Test
    void anErrorOrHangUpWakesEveryWaiterOfTheFd()
    {
        queue.add(1, 7, IN);
        queue.add(2, 7, OUT);
        queue.add(3, 8, IN);
        assertEquals(0, queue.wake(7, LinuxConstants.EPOLLHUP, woken::add));
        assertEquals(2, woken.size());
        assertEquals(1, queue.size());
    }

    @Test
    void removeTakesOutAWaiterFromTheMiddleAndKeepsTheOthersLinked()
    {
        queue.add(1, 7, IN);
        queue.add(2, 7, OUT);
        queue.add(3, 7, IN);
        assertEquals(IN, queue.remove(2));
        assertFalse(queue.contains(2));
        final List<Integer> all = new ArrayList<>();
        for (int h = queue.first(); h >= 0; h = queue.nextOf(h))
        {
            all.add(h);
        }
        assertEquals(2, all.size());
        assertTrue(all.containsAll(List.of(1, 3)));
        assertEquals(0, queue.remove(1) & OUT);
        assertEquals(0, queue.remove(3));
        assertEquals(0, queue.size());
        assertEquals(-1, queue.first());
        assertEquals(-1, queue.firstOn(7));
    }

    @Test
    void fdsAboveTheInitialTableGrowItAndUnknownFdsWakeNothing()
    {
        queue.add(5, 100_000, IN);
        assertEquals(5, queue.firstOn(100_000));
        assertEquals(0, queue.wake(99_999, IN, woken::add));
        assertEquals(0, queue.wake(1_000_000, IN, woken::add));
        assertEquals(0, queue.wake(-1, IN, woken::add));
        assertTrue(woken.isEmpty());
        assertEquals(0, queue.wake(100_000, IN, woken::add));
        assertEquals(List.of(5), woken);
    }

    @Test
    void aHandleCanWaitAgainAfterItWasWoken()
    {
        queue.add(4, 9, IN);
        queue.wake(9, IN, woken::add);
        assertEquals(OUT, queue.add(4, 9, OUT));
        assertTrue(queue.contains(4));
        assertEquals(1, queue.size());
    }
}
