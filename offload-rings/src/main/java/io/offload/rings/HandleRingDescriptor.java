package io.offload.rings;

/**
 * Layout of a ring of entry handles in off-heap memory: a power-of-two array of int slots followed by a
 * trailer holding the indices, each on its own pair of cache lines.
 * <pre>
 *  +------------------------------------------------+  0
 *  |  slot[0] .. slot[capacity - 1]    (int each)   |     a slot holds lapBit | (handle + 1)
 *  +------------------------------------------------+  trailerOffset(capacity) = align(4 * capacity, 128)
 *  |  padding                                 128 B |     keeps the last slots off the producer index line
 *  +------------------------------------------------+  +128
 *  |  producer index (long)     + padding     128 B |     written by producer(s), read by size()
 *  +------------------------------------------------+  +256
 *  |  producer limit (long)     + padding     128 B |     producers' cached view of consumer index + capacity
 *  +------------------------------------------------+  +384
 *  |  consumer index (long)     + padding     128 B |     written by the consumer, read on the slow path
 *  +------------------------------------------------+  +512
 *  |  padding                                 128 B |     keeps whatever follows off the consumer line
 *  +------------------------------------------------+  +640
 * </pre>
 * The consumer decides that a slot is published by its content, not by the producer index, so it never reads
 * the producers' line on the fast path. Slot {@code index & mask} is published for {@code index} when it holds
 * {@code handle + 1} (never 0, so zeroed memory is empty) with the sign bit set to the lap's parity,
 * {@code (index >>> log2(capacity)) & 1}. One bit of lap is enough: the single consumer has already read the
 * previous lap's value from that slot, so by coherence it can only see that value (other parity: not yet) or the
 * new one, never an older one. In an SPSC ring a consumed slot is left as it is, so the consumer writes nothing
 * into the slots. In an MPSC ring the consumer zeroes each slot it takes before it releases the consumer index
 * (zero is empty in every lap): a producer's CAS on the producer index waits until its previous slot store is done,
 * and a store into a line the consumer has only read waits for the consumer's copy to be invalidated, where one the
 * consumer has written is simply handed over (jmh-bench/README.md, rings). Slots are 4 bytes, 16 to a cache line (the density of
 * a compressed-oops reference array such as JCTools'); handles are below {@link Integer#MAX_VALUE}, so
 * {@code handle + 1} fits in the 31 bits below the lap bit. Producers read the consumer index only when their
 * cached limit is exhausted (JCTools' producer-limit scheme). Indices are 128 bytes apart because adjacent-line
 * prefetch pulls cache lines in pairs.
 */
public final class HandleRingDescriptor
{
    /** Alignment of a ring's memory. */
    public static final int ALIGNMENT = 128;
    /** Bytes per slot. */
    public static final int SLOT_LENGTH = 4;
    /** log2 of {@link #SLOT_LENGTH}. */
    public static final int SLOT_SHIFT = 2;
    /** Offset of the producer index from the trailer. */
    public static final int PRODUCER_INDEX_OFFSET = 128;
    /** Offset of the shared producer limit from the trailer. */
    public static final int PRODUCER_LIMIT_OFFSET = 256;
    /** Offset of the consumer index from the trailer. */
    public static final int CONSUMER_INDEX_OFFSET = 384;
    /** Length of the trailer. */
    public static final int TRAILER_LENGTH = 640;
    /** The smallest capacity a ring can have. */
    public static final int MIN_CAPACITY = 2;
    /** The largest capacity a ring can have. */
    public static final int MAX_CAPACITY = 1 << 28;

    private HandleRingDescriptor()
    {
    }

    /**
     * @param capacity ring capacity, a power of two.
     * @return offset of the trailer.
     */
    public static long trailerOffset(final int capacity)
    {
        return align((long)capacity * SLOT_LENGTH, ALIGNMENT);
    }

    /**
     * @param capacity ring capacity, a power of two.
     * @return bytes of memory a ring of this capacity needs.
     */
    public static long requiredBytes(final int capacity)
    {
        checkCapacity(capacity);
        return trailerOffset(capacity) + TRAILER_LENGTH;
    }

    /**
     * @param capacity a proposed capacity.
     * @throws IllegalArgumentException if it is not a power of two in range.
     */
    public static void checkCapacity(final int capacity)
    {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException(
                "ring capacity must be a power of two in [" + MIN_CAPACITY + ", " + MAX_CAPACITY + "], got " +
                capacity + " (try " + nextPowerOfTwo(capacity) + ")");
        }
    }

    /**
     * @param value any int.
     * @return the smallest power of two not below {@code value} and not below {@link #MIN_CAPACITY}.
     */
    public static int nextPowerOfTwo(final int value)
    {
        if (value <= MIN_CAPACITY)
        {
            return MIN_CAPACITY;
        }
        if (value > MAX_CAPACITY)
        {
            return MAX_CAPACITY;
        }
        return 1 << (32 - Integer.numberOfLeadingZeros(value - 1));
    }

    static long align(final long value, final int alignment)
    {
        return (value + alignment - 1) & -alignment;
    }
}
