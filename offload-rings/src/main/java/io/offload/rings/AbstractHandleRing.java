package io.offload.rings;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.offload.rings.HandleRingDescriptor.CONSUMER_INDEX_OFFSET;
import static io.offload.rings.HandleRingDescriptor.PRODUCER_INDEX_OFFSET;
import static io.offload.rings.HandleRingDescriptor.PRODUCER_LIMIT_OFFSET;

/**
 * 128 bytes before the read-only fields, so that whatever was allocated just before a ring (and may be written)
 * does not share their cache line (JCTools' {@code ConcurrentCircularArrayQueueL0Pad}). Padding is in longs: the
 * hot fields below are all longs, so the JVM's field layout cannot tuck one into a hole next to another.
 */
abstract class HandleRingPad0
{
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/**
 * What both sides read on every access and nobody writes after construction.
 */
abstract class HandleRingColdFields extends HandleRingPad0
{
    final MemorySegment memory;
    final int capacity;
    final long mask;
    final int lapShift;
    final long producerIndexOffset;
    final long producerLimitOffset;
    final long consumerIndexOffset;
    final boolean clearsSlots;

    HandleRingColdFields(final MemorySegment memory, final int capacity, final boolean clearsSlots)
    {
        this.memory = memory;
        this.clearsSlots = clearsSlots;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.lapShift = Integer.numberOfTrailingZeros(capacity);
        final long trailer = HandleRingDescriptor.trailerOffset(capacity);
        this.producerIndexOffset = trailer + PRODUCER_INDEX_OFFSET;
        this.producerLimitOffset = trailer + PRODUCER_LIMIT_OFFSET;
        this.consumerIndexOffset = trailer + CONSUMER_INDEX_OFFSET;
    }
}

/**
 * Keeps the producer's private fields off the read-only fields' line: the consumer reads those on every handle.
 */
abstract class HandleRingPad1 extends HandleRingColdFields
{
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;

    HandleRingPad1(final MemorySegment memory, final int capacity, final boolean clearsSlots)
    {
        super(memory, capacity, clearsSlots);
    }
}

/**
 * A single producer's private copies (SPSC only): its next index and the limit below which it need not look at the
 * consumer index. The shared copies live in the ring's memory.
 */
abstract class HandleRingProducerFields extends HandleRingPad1
{
    long producerIndex;
    long producerLimit;

    HandleRingProducerFields(final MemorySegment memory, final int capacity, final boolean clearsSlots)
    {
        super(memory, capacity, clearsSlots);
        this.producerLimit = capacity;
    }
}

/**
 * Keeps the producer's fields and the consumer's apart.
 */
abstract class HandleRingPad2 extends HandleRingProducerFields
{
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;

    HandleRingPad2(final MemorySegment memory, final int capacity, final boolean clearsSlots)
    {
        super(memory, capacity, clearsSlots);
    }
}

/**
 * The consumer's private state: its copy of its index, so that a drain does not start by reading the ring's
 * memory, and the batch of handles it has taken out of the slots but not yet handed on,
 * {@code batch[pendingFrom, pendingTo)}: the rest of the chunk a drain is handing on, or what a consumer that threw
 * left behind.
 */
abstract class HandleRingConsumerFields extends HandleRingPad2
{
    long consumerIndex;
    int pendingFrom;
    int pendingTo;
    final int[] batch;

    HandleRingConsumerFields(final MemorySegment memory, final int capacity, final boolean clearsSlots)
    {
        super(memory, capacity, clearsSlots);
        // padded at both ends so that the consumer's writes share no cache line with neighbouring objects
        this.batch = new int[BATCH_PAD + Math.min(capacity, BATCH_LENGTH) + BATCH_PAD];
        this.pendingFrom = BATCH_PAD;
        this.pendingTo = BATCH_PAD;
    }

    /** Most handles a drain takes out of the slots before it publishes the consumer index once for all of them. */
    static final int BATCH_LENGTH = 64;
    /** Unused ints before and after the batch: 128 bytes. */
    static final int BATCH_PAD = 32;
}

/**
 * Keeps whatever is allocated after a ring off the consumer's field.
 */
abstract class HandleRingPad3 extends HandleRingConsumerFields
{
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;

    HandleRingPad3(final MemorySegment memory, final int capacity, final boolean clearsSlots)
    {
        super(memory, capacity, clearsSlots);
    }
}

/**
 * What both rings share: the memory, index accessors named by their ordering, and the single consumer, which
 * recognises a published slot by its content (so it works for one producer and for many).
 * <p>
 * The hot paths copy {@code memory} and the offsets into locals before the first ordered access: an acquire or a
 * release stops the JIT from reusing a field it loaded before, so without the copies every access would load them
 * again. Each {@code MemorySegment} access still checks bounds, alignment and that the arena is open; that is the
 * price of off-heap memory that cannot outlive its arena, and the rings keep the number of accesses per handle at
 * what the protocol needs (producer: slot and index; consumer: the slot, zeroing it in an MPSC ring, and the
 * index once per chunk of a drain).
 */
abstract class AbstractHandleRing extends HandleRingPad3 implements HandleRing
{
    static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /**
     * @param memory      the ring's memory, checked here.
     * @param capacity    a power of two.
     * @param clearsSlots whether the consumer zeroes each slot it takes (see {@link HandleRingDescriptor}).
     */
    AbstractHandleRing(final MemorySegment memory, final int capacity, final boolean clearsSlots)
    {
        super(checkMemory(memory, capacity), capacity, clearsSlots);
        memory.asSlice(0, HandleRingDescriptor.requiredBytes(capacity)).fill((byte)0);
        soProducerLimit(memory, producerLimitOffset, capacity);
    }

    private static MemorySegment checkMemory(final MemorySegment memory, final int capacity)
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
        return memory;
    }

    static void checkHandle(final int handle)
    {
        if (handle < 0 || handle == Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("handle must be in [0, " + (Integer.MAX_VALUE - 1) + "], got " + handle);
        }
    }

    /**
     * @param index a ring index.
     * @param mask  capacity - 1.
     * @return offset of the slot of {@code index}.
     */
    static long slotOffset(final long index, final long mask)
    {
        return (index & mask) << HandleRingDescriptor.SLOT_SHIFT;
    }

    /**
     * @param index    a ring index.
     * @param lapShift log2(capacity).
     * @return the lap's parity in the sign bit: what a slot published for {@code index} holds there.
     */
    static int lapBit(final long index, final int lapShift)
    {
        return (int)(index >>> lapShift) << 31;
    }

    /**
     * @param index    a ring index.
     * @param lapShift log2(capacity).
     * @param handle   a valid handle.
     * @return the slot content that publishes {@code handle} for {@code index}; never 0.
     */
    static int slotValue(final long index, final int lapShift, final int handle)
    {
        return lapBit(index, lapShift) | (handle + 1);
    }

    /**
     * @param value    what a slot holds.
     * @param index    the index the consumer expects in it.
     * @param lapShift log2(capacity).
     * @return {@code handle + 1} (positive) if the slot holds a handle published for {@code index}; 0 or negative
     *         if it is empty or still holds the previous lap's handle (the other lap bit).
     */
    static int untag(final int value, final long index, final int lapShift)
    {
        return value ^ lapBit(index, lapShift);
    }

    static int lvSlot(final MemorySegment memory, final long offset)
    {
        // acquire, pairs with the release in soSlot: the entry written before the handle is visible
        return (int)INT.getAcquire(memory, offset);
    }

    static void soSlot(final MemorySegment memory, final long offset, final int value)
    {
        // release, pairs with the acquire in lvSlot: the entry written before publication is visible to a
        // consumer that sees the slot
        INT.setRelease(memory, offset, value);
    }

    static void spSlot(final MemorySegment memory, final long offset, final int value)
    {
        // plain: the consumer's zeroing of a slot it took; the release in soConsumerIndex that follows orders it
        // before any producer can see the slot free and write it again
        INT.set(memory, offset, value);
    }

    static long lvProducerIndex(final MemorySegment memory, final long offset)
    {
        // acquire, pairs with soProducerIndex and casProducerIndex (size() only: the consumer goes by slots)
        return (long)LONG.getAcquire(memory, offset);
    }

    static void soProducerIndex(final MemorySegment memory, final long offset, final long value)
    {
        // release, pairs with lvProducerIndex in size(): a handle counted there has been published
        LONG.setRelease(memory, offset, value);
    }

    static boolean casProducerIndex(
        final MemorySegment memory, final long offset, final long expected, final long update)
    {
        // volatile CAS: one claimant per index; pairs with lvProducerIndex of the other producers and of size()
        return LONG.compareAndSet(memory, offset, expected, update);
    }

    static long lvProducerLimit(final MemorySegment memory, final long offset)
    {
        // acquire, pairs with soProducerLimit: a limit seen here was computed from a consumer index whose slots
        // had been read (that producer's lvConsumerIndex), so writing below it never overwrites an unread slot
        return (long)LONG.getAcquire(memory, offset);
    }

    static void soProducerLimit(final MemorySegment memory, final long offset, final long value)
    {
        // release, pairs with lvProducerLimit
        LONG.setRelease(memory, offset, value);
    }

    static long lvConsumerIndex(final MemorySegment memory, final long offset)
    {
        // acquire, pairs with soConsumerIndex: the slots below it have been read
        return (long)LONG.getAcquire(memory, offset);
    }

    static void soConsumerIndex(final MemorySegment memory, final long offset, final long value)
    {
        // release, pairs with lvConsumerIndex: the slot's read happens before producers see the index move past
        // it and overwrite it
        LONG.setRelease(memory, offset, value);
    }

    /**
     * Takes the published handles in chunks of up to {@link #BATCH_LENGTH}: reads a chunk's slots into the batch,
     * publishes the consumer index once past all of them (so each slot is free again before its handle is handed
     * on, and the consumer index line is written once per chunk instead of once per handle), then hands the chunk
     * on. If the consumer throws, the handles after the one it threw on stay in the batch and come first out of
     * the next drain or poll.
     */
    @Override
    public final int drain(final HandleConsumer consumer, final int limit)
    {
        if (limit <= 0)
        {
            throw new IllegalArgumentException("drain limit must be > 0, got " + limit);
        }
        int taken = 0;
        if (pendingFrom != pendingTo)
        {
            taken = Math.min(pendingTo - pendingFrom, limit);
            handOn(consumer, taken);
        }
        final MemorySegment memory = this.memory;
        final long mask = this.mask;
        final int lapShift = this.lapShift;
        final int[] batch = this.batch;
        final int chunkLength = batch.length - 2 * BATCH_PAD;
        long index = consumerIndex;
        while (taken < limit)
        {
            final int chunk = Math.min(limit - taken, chunkLength);
            int n = 0;
            while (n < chunk)
            {
                final int tagged = untag(lvSlot(memory, slotOffset(index + n, mask)), index + n, lapShift);
                if (tagged <= 0)
                {
                    break; // empty, or a producer has claimed the slot and not yet written it
                }
                batch[BATCH_PAD + n] = tagged - 1;
                if (clearsSlots)
                {
                    spSlot(memory, slotOffset(index + n, mask), 0);
                }
                n++;
            }
            if (n == 0)
            {
                break;
            }
            pendingFrom = BATCH_PAD;
            pendingTo = BATCH_PAD + n;
            index += n;
            consumerIndex = index;
            soConsumerIndex(memory, consumerIndexOffset, index);
            handOn(consumer, n);
            taken += n;
            if (n < chunk)
            {
                break;
            }
        }
        return taken;
    }

    /**
     * Hands the next {@code count} pending handles to the consumer.
     */
    private void handOn(final HandleConsumer consumer, final int count)
    {
        final int[] batch = this.batch;
        for (int i = 0; i < count; i++)
        {
            consumer.accept(batch[pendingFrom++]); // moves first: a handle the consumer threw on counts as taken
        }
    }

    @Override
    public final int poll()
    {
        if (pendingFrom != pendingTo)
        {
            return batch[pendingFrom++];
        }
        final MemorySegment memory = this.memory;
        final long index = consumerIndex;
        final int tagged = untag(lvSlot(memory, slotOffset(index, mask)), index, lapShift);
        if (tagged <= 0)
        {
            return -1;
        }
        if (clearsSlots)
        {
            spSlot(memory, slotOffset(index, mask), 0);
        }
        consumerIndex = index + 1;
        soConsumerIndex(memory, consumerIndexOffset, index + 1);
        return tagged - 1;
    }

    @Override
    public final int capacity()
    {
        return capacity;
    }

    @Override
    public final int size()
    {
        final MemorySegment memory = this.memory;
        // consumer index first: read in this order, the difference can overstate but never go negative by much
        long consumerIndex = lvConsumerIndex(memory, consumerIndexOffset);
        while (true)
        {
            final long producerIndex = lvProducerIndex(memory, producerIndexOffset);
            final long consumerAfter = lvConsumerIndex(memory, consumerIndexOffset);
            if (consumerAfter == consumerIndex)
            {
                // + handles taken out of the slots and not yet handed on: the rest of the chunk being handed on,
                // or what a consumer that threw left behind (a racy read from other threads, exact on the consumer)
                final long pending = pendingTo - pendingFrom;
                return (int)Math.max(0, Math.min(capacity, producerIndex - consumerIndex + pending));
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
