package io.offload.servers.executor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run queue alone: first in, first out, across many laps of its array, and room for every entry of the pool.
 */
class RunQueueTest
{
    @Test
    void handlesComeOutInTheOrderTheyWentInAcrossLaps()
    {
        final RunQueue queue = new RunQueue(4);
        assertTrue(queue.isEmpty());
        assertEquals(-1, queue.poll());
        int next = 0;
        int expected = 0;
        for (int lap = 0; lap < 100; lap++)
        {
            queue.push(next++);
            queue.push(next++);
            queue.push(next++);
            assertEquals(3, queue.size());
            assertEquals(expected++, queue.poll());
            assertEquals(expected++, queue.poll());
            assertEquals(expected++, queue.poll());
            assertTrue(queue.isEmpty());
        }
    }

    @Test
    void holdsEveryEntryOfThePoolAndRefusesMore()
    {
        final RunQueue queue = new RunQueue(5); // rounded up to 8
        for (int i = 0; i < 8; i++)
        {
            queue.push(i);
        }
        assertEquals(8, queue.size());
        assertThrows(IllegalStateException.class, () -> queue.push(8));
        assertEquals(0, queue.poll());
    }
}
