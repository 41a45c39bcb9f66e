package io.offload.servers.call;

import io.offload.api.WaitStrategy;
import io.offload.servers.agent.EntryTable;
import io.offload.servers.agent.ServerPort;

/**
 * How a blocking caller waits for the call it has published, one object per strategy (as the Disruptor's
 * {@code WaitStrategy} implementations are): spin, spin then park, park, and the virtual thread's spin, yield, park.
 * The user picks a {@link WaitStrategy}; {@link #forPlatformThreads} maps it to its object, and virtual threads
 * always get {@link #forVirtualThreads}'s, which never holds a carrier for long.
 * <p>
 * Every strategy keeps the buffer-lifetime rule: it returns only once the entry is DONE. An interrupt asks for the
 * call to be cancelled and the wait goes on (the kernel may be using the caller's buffers), and the interrupt status
 * is set again on the way out; a server found stopped has the call taken back if it never picked it up.
 */
public interface CallWaiter
{
    /**
     * @return what the entry's waiter field says before publication: {@code WAITER_SPINNING} (the server need not
     *         look for a parked thread) or {@code WAITER_MAY_PARK}.
     */
    int waiterKind();

    /**
     * Wait until the entry is DONE.
     *
     * @param handle  the published entry.
     * @param server  the server it was published to.
     * @param entries the entry table: the entry's status, and the caller's halves of the handshakes (park,
     *                cancel, take-back) that the servers' halves pair with.
     */
    void await(int handle, ServerPort server, EntryTable entries);

    /**
     * @param strategy  the user's choice for platform threads.
     * @param spinLimit spins before parking under SPIN_THEN_PARK.
     * @return its wait object.
     */
    static CallWaiter forPlatformThreads(final WaitStrategy strategy, final int spinLimit)
    {
        return switch (strategy)
        {
            case SPIN -> new SpinWaiter();
            case SPIN_THEN_PARK -> new ParkingWaiter(spinLimit, 0);
            case PARK -> new ParkingWaiter(0, 0);
        };
    }

    /**
     * @param spinLimit  spins before yielding (or parking), bounded so a virtual thread never holds its carrier long.
     * @param yieldLimit yields of the carrier, looking between them, before parking.
     * @return the wait object of every virtual thread.
     */
    static CallWaiter forVirtualThreads(final int spinLimit, final int yieldLimit)
    {
        return new ParkingWaiter(spinLimit, yieldLimit);
    }
}
