package io.offload.rings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A ring of entry handles with one producer and one consumer. The producer keeps its own index and a cached
 * limit in plain fields and reads the consumer's index only when that limit is reached (JCTools
 * {@code SpscArrayQueue}'s look-ahead, here against the consumer index).
 */
public final class SpscHandleRing extends AbstractHandleRing
{
    private long producerIndex;
    private long producerLimit;

    /**
     * @param memory   native, 128-byte aligned, at least {@link HandleRingDescriptor#requiredBytes(int)}.
     * @param capacity a power of two.
     */
    public SpscHandleRing(final MemorySegment memory, final int capacity)
    {
        super(memory, capacity);
        this.producerLimit = capacity;
    }

    /**
     * @param arena    arena that owns the ring's memory.
     * @param capacity a power of two.
     * @return a ring in fresh memory from {@code arena}.
     */
    public static SpscHandleRing allocate(final Arena arena, final int capacity)
    {
        return new SpscHandleRing(
            arena.allocate(HandleRingDescriptor.requiredBytes(capacity), HandleRingDescriptor.ALIGNMENT), capacity);
    }

    @Override
    public boolean offer(final int handle)
    {
        checkHandle(handle);
        final long index = producerIndex;
        if (index >= producerLimit && !refreshProducerLimit(index))
        {
            return false;
        }
        soSlot(slotOffset(index), slotValue(index, handle));
        producerIndex = index + 1;
        soProducerIndex(index + 1); // for size() only: the consumer goes by slot content
        return true;
    }

    private boolean refreshProducerLimit(final long index)
    {
        final long limit = lvConsumerIndex() + capacity;
        producerLimit = limit;
        return index < limit;
    }
}
