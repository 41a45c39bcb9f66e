package io.offload.rings;

/**
 * Receives entry handles drained from a ring. Implemented by the consumer object itself (a server agent), so a
 * drain allocates nothing.
 */
@FunctionalInterface
public interface HandleConsumer
{
    /**
     * @param handle an entry handle, {@code >= 0}.
     */
    void accept(int handle);
}
