package io.offload.servers.agent;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One server's counters over a {@link ServerCountersDescriptor} block: single writer, any reader.
 */
public final class ServerCounters
{
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment block;

    /**
     * @param arena arena that owns the block.
     */
    public ServerCounters(final Arena arena)
    {
        this.block = arena.allocate(ServerCountersDescriptor.LENGTH, 128);
        block.fill((byte)0);
        soCounter(ServerCountersDescriptor.CURRENT_CPU, -1);
    }

    /**
     * Add to a counter. Writer thread only.
     *
     * @param counter a counter id.
     * @param delta   amount to add.
     */
    public void add(final int counter, final long delta)
    {
        final long offset = ServerCountersDescriptor.offset(counter);
        LONG.setRelease(block, offset, (long)LONG.get(block, offset) + delta);
    }

    /**
     * Store a counter. Writer thread only.
     *
     * @param counter a counter id.
     * @param value   new value.
     */
    public void soCounter(final int counter, final long value)
    {
        LONG.setRelease(block, ServerCountersDescriptor.offset(counter), value);
    }

    /**
     * Raise a counter to {@code value} if it is below. Writer thread only.
     *
     * @param counter a counter id.
     * @param value   candidate maximum.
     */
    public void max(final int counter, final long value)
    {
        final long offset = ServerCountersDescriptor.offset(counter);
        if (value > (long)LONG.get(block, offset))
        {
            LONG.setRelease(block, offset, value);
        }
    }

    /**
     * @param counter a counter id.
     * @return its value, from any thread.
     */
    public long lvCounter(final int counter)
    {
        return (long)LONG.getAcquire(block, ServerCountersDescriptor.offset(counter));
    }
}
