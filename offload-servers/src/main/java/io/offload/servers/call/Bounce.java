package io.offload.servers.call;

import java.lang.foreign.MemorySegment;

/**
 * One bounce buffer: runtime-owned native memory that the kernel reads or writes in place of a caller's segment of a
 * shared arena, so that closing that arena while the call waits can never free memory the kernel may still touch.
 * Leased from a {@link BouncePool} for one call and given back when the call has settled. Pooled buffers are made
 * once and reused; a request larger than the largest size class, or one made when the pool is at its bound or
 * closed, gets a buffer of its own from an automatic arena (freed by the GC once the call has let go of it).
 */
public final class Bounce
{
    private final MemorySegment memory;
    private final long address;
    private final int sizeClass;
    private final int slot;

    Bounce(final MemorySegment memory, final int sizeClass, final int slot)
    {
        this.memory = memory;
        this.address = memory.address();
        this.sizeClass = sizeClass;
        this.slot = slot;
    }

    /**
     * @return the whole buffer (at least the length leased).
     */
    public MemorySegment memory()
    {
        return memory;
    }

    /**
     * @return its address, for the kernel.
     */
    public long address()
    {
        return address;
    }

    /**
     * @return its size class in its pool, or -1 for a buffer of its own.
     */
    int sizeClass()
    {
        return sizeClass;
    }

    /**
     * @return its slot in its class's free list, or -1 for a buffer of its own.
     */
    int slot()
    {
        return slot;
    }
}
