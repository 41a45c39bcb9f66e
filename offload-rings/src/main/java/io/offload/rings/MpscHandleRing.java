package io.offload.rings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A ring of entry handles with many producers and one consumer. Producers claim a slot by CAS on the producer
 * index, checked against a shared cached limit that is refreshed from the consumer index only when reached
 * (JCTools {@code MpscArrayQueue}). A claimed slot is written after the CAS; until then the consumer sees it
 * empty and stops its batch there, so per-producer order is kept. The consumer zeroes each slot it takes (see
 * {@link HandleRingDescriptor}).
 */
public final class MpscHandleRing extends AbstractHandleRing
{
    /**
     * @param memory   native, 128-byte aligned, at least {@link HandleRingDescriptor#requiredBytes(int)}.
     * @param capacity a power of two.
     */
    public MpscHandleRing(final MemorySegment memory, final int capacity)
    {
        super(memory, capacity, true);
    }

    /**
     * @param arena    arena that owns the ring's memory.
     * @param capacity a power of two.
     * @return a ring in fresh memory from {@code arena}.
     */
    public static MpscHandleRing allocate(final Arena arena, final int capacity)
    {
        return new MpscHandleRing(
            arena.allocate(HandleRingDescriptor.requiredBytes(capacity), HandleRingDescriptor.ALIGNMENT), capacity);
    }

    @Override
    public boolean offer(final int handle)
    {
        checkHandle(handle);
        final MemorySegment memory = this.memory;
        final long producerIndexOffset = this.producerIndexOffset;
        long limit = lvProducerLimit(memory, producerLimitOffset);
        long index;
        do
        {
            index = lvProducerIndex(memory, producerIndexOffset);
            if (index >= limit)
            {
                limit = refreshProducerLimit(memory, index);
                if (index >= limit)
                {
                    return false;
                }
            }
        }
        while (!casProducerIndex(memory, producerIndexOffset, index, index + 1));
        soSlot(memory, slotOffset(index, mask), slotValue(index, lapShift, handle));
        return true;
    }

    private long refreshProducerLimit(final MemorySegment memory, final long index)
    {
        final long limit = lvConsumerIndex(memory, consumerIndexOffset) + capacity;
        if (index < limit)
        {
            soProducerLimit(memory, producerLimitOffset, limit);
        }
        return limit;
    }
}
