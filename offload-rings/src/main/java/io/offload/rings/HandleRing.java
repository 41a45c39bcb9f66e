package io.offload.rings;

/**
 * A bounded ring of entry handles with one consumer. Handles are non-negative ints naming entries of an
 * {@link EntryPool}.
 */
public interface HandleRing
{
    /**
     * Publish a handle. Never blocks.
     *
     * @param handle a handle, {@code >= 0} and below {@link Integer#MAX_VALUE}.
     * @return true if published, false if the ring was full.
     */
    boolean offer(int handle);

    /**
     * Take up to {@code limit} handles in publication order and hand each to {@code consumer}. Consumer side only.
     * If the consumer throws, the handle it threw on counts as taken and the handles taken with it that it has not
     * seen come first out of the next drain or poll (and count in {@link #size()} until then).
     *
     * @param consumer receives each handle; the slot is already free again when it runs.
     * @param limit    most handles to take, {@code > 0}.
     * @return how many were taken.
     */
    int drain(HandleConsumer consumer, int limit);

    /**
     * Take one handle. Consumer side only.
     *
     * @return a handle, or -1 if no published handle was there.
     */
    int poll();

    /**
     * @return the number of slots.
     */
    int capacity();

    /**
     * @return handles published and not yet taken; a snapshot that may be stale by the time it returns.
     */
    int size();

    /**
     * @return true if {@link #size()} is zero.
     */
    default boolean isEmpty()
    {
        return size() == 0;
    }
}
