package io.offload.rings;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.offload.rings.HandleRingDescriptor.CONSUMER_INDEX_OFFSET;
import static io.offload.rings.HandleRingDescriptor.PRODUCER_INDEX_OFFSET;
import static io.offload.rings.HandleRingDescriptor.PRODUCER_LIMIT_OFFSET;

/**
 * What both rings share: the memory, index accessors named by their ordering, and the single consumer, which
 * recognises a published slot by its non-zero content (so it works for one producer and for many).
 */
abstract class AbstractHandleRing implements HandleRing
{
    static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    final MemorySegment memory;
    final int capacity;
    final int mask;
    final int lapShift;
    final long producerIndexOffset;
    final long producerLimitOffset;
    final long consumerIndexOffset;

    AbstractHandleRing(final MemorySegment memory, final int capacity)
    {
        HandleRingDescriptor.checkCapacity(capacity);
        final long required = HandleRingDescriptor.requiredBytes(capacity);
        if (!memory.isNative())
        {
            throw new IllegalArgumentException("ring memory must be native (from an Arena), got a heap segment");
        }
        if (memory.isReadOnly())
        {
            throw new IllegalArgumentException("ring memory must be writable, got a read-only segment");
        }
        if (memory.byteSize() < required)
        {
            throw new IllegalArgumentException(
                "ring of capacity " + capacity + " needs " + required + " bytes, got " + memory.byteSize());
        }
        if ((memory.address() & (HandleRingDescriptor.ALIGNMENT - 1)) != 0)
        {
            throw new IllegalArgumentException(
                "ring memory must be " + HandleRingDescriptor.ALIGNMENT + "-byte aligned, address is 0x" +
                Long.toHexString(memory.address()));
        }
        this.memory = memory;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.lapShift = Integer.numberOfTrailingZeros(capacity);
        final long trailer = HandleRingDescriptor.trailerOffset(capacity);
        this.producerIndexOffset = trailer + PRODUCER_INDEX_OFFSET;
        this.producerLimitOffset = trailer + PRODUCER_LIMIT_OFFSET;
        this.consumerIndexOffset = trailer + CONSUMER_INDEX_OFFSET;
        memory.asSlice(0, required).fill((byte)0);
        soProducerLimit(capacity);
    }

    static void checkHandle(final int handle)
    {
        if (handle < 0 || handle == Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("handle must be in [0, " + (Integer.MAX_VALUE - 1) + "], got " + handle);
        }
    }

    final long slotOffset(final long index)
    {
        return (index & mask) << 3;
    }

    /**
     * @param index a ring index.
     * @return the lap tag that marks slot {@code index & mask} as published for {@code index}; never 0.
     */
    final int lap(final long index)
    {
        return (int)(index >>> lapShift) + 1;
    }

    final long slotValue(final long index, final int handle)
    {
        return ((long)lap(index) << 32) | (handle & 0xFFFF_FFFFL);
    }

    final long lvSlot(final long offset)
    {
        return (long)LONG.getAcquire(memory, offset);
    }

    final void soSlot(final long offset, final long value)
    {
        // release: the entry written before publication is visible to a consumer that sees the slot
        LONG.setRelease(memory, offset, value);
    }

    final long lvProducerIndex()
    {
        return (long)LONG.getAcquire(memory, producerIndexOffset);
    }

    final void soProducerIndex(final long value)
    {
        LONG.setRelease(memory, producerIndexOffset, value);
    }

    final boolean casProducerIndex(final long expected, final long update)
    {
        return LONG.compareAndSet(memory, producerIndexOffset, expected, update);
    }

    final long lvProducerLimit()
    {
        return (long)LONG.getAcquire(memory, producerLimitOffset);
    }

    final void soProducerLimit(final long value)
    {
        LONG.setRelease(memory, producerLimitOffset, value);
    }

    final long lvConsumerIndex()
    {
        return (long)LONG.getAcquire(memory, consumerIndexOffset);
    }

    final long lpConsumerIndex()
    {
        return (long)LONG.get(memory, consumerIndexOffset);
    }

    final void soConsumerIndex(final long value)
    {
        // release: the slot's read happens before producers see the index move past it and overwrite it
        LONG.setRelease(memory, consumerIndexOffset, value);
    }

    @Override
    public final int drain(final HandleConsumer consumer, final int limit)
    {
        if (limit <= 0)
        {
            throw new IllegalArgumentException("drain limit must be > 0, got " + limit);
        }
        final long consumerIndex = lpConsumerIndex();
        int taken = 0;
        while (taken < limit)
        {
            final long index = consumerIndex + taken;
            final long value = lvSlot(slotOffset(index));
            if ((int)(value >>> 32) != lap(index))
            {
                break; // empty, or a producer has claimed the slot and not yet written it
            }
            soConsumerIndex(index + 1);
            taken++;
            consumer.accept((int)value);
        }
        return taken;
    }

    @Override
    public final int poll()
    {
        final long consumerIndex = lpConsumerIndex();
        final long value = lvSlot(slotOffset(consumerIndex));
        if ((int)(value >>> 32) != lap(consumerIndex))
        {
            return -1;
        }
        soConsumerIndex(consumerIndex + 1);
        return (int)value;
    }

    @Override
    public final int capacity()
    {
        return capacity;
    }

    @Override
    public final int size()
    {
        // consumer index first: read in this order, the difference can overstate but never go negative by much
        long consumerIndex = lvConsumerIndex();
        while (true)
        {
            final long producerIndex = lvProducerIndex();
            final long consumerAfter = lvConsumerIndex();
            if (consumerAfter == consumerIndex)
            {
                return (int)Math.max(0, Math.min(capacity, producerIndex - consumerIndex));
            }
            consumerIndex = consumerAfter;
        }
    }

    /**
     * @return the memory the ring lives in.
     */
    public final MemorySegment memory()
    {
        return memory;
    }
}
