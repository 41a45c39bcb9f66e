package io.offload.rings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A ring of entry handles with one producer and one consumer. The producer keeps its own index and a cached
 * limit in plain fields and reads the consumer's index only when that limit is reached (JCTools
 * {@code SpscArrayQueue}'s look-ahead, here against the consumer index: the consumer never writes a slot, so a slot's
 * content cannot say whether it was taken).
 */
public final class SpscHandleRing extends AbstractHandleRing
{
    /**
     * @param memory   native, 128-byte aligned, at least {@link HandleRingDescriptor#requiredBytes(int)}.
     * @param capacity a power of two.
     */
    public SpscHandleRing(final MemorySegment memory, final int capacity)
    {
        super(memory, capacity, false);
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
        final MemorySegment memory = this.memory;
        final long producerIndexOffset = this.producerIndexOffset;
        soSlot(memory, slotOffset(index, mask), slotValue(index, lapShift, handle));
        producerIndex = index + 1;
        soProducerIndex(memory, producerIndexOffset, index + 1); // for size() only: the consumer goes by slots
        return true;
    }

    private boolean refreshProducerLimit(final long index)
    {
        final long limit = lvConsumerIndex(memory, consumerIndexOffset) + capacity;
        producerLimit = limit;
        return index < limit;
    }
}
