package io.offload.servers.executor;

/**
 * How an executor reports a finished call; the server's implementation stamps phases, counts and completes the
 * entry. Called on the server thread, exactly once per call, only when the kernel can no longer touch the call's
 * memory.
 */
@FunctionalInterface
public interface Completions
{
    /**
     * @param handle the entry, RUNNING and held by the calling executor.
     * @param result the result, or -errno.
     */
    void complete(int handle, long result);
}
