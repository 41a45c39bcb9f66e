package io.offload.servers.agent;

/**
 * What an asynchronous call leaves in its entry's attachment slot: told the result on the completion thread,
 * after the entry has gone back to the pool; or, for one that {@link #completesOnServer()}, on the server thread
 * that completed it.
 */
public interface AsyncCompletion
{
    /**
     * @param result the call's result, or -errno.
     */
    void onResult(long result);

    /**
     * Whether {@link #detached} and {@link #onResult} may run on the server thread that completes the call, which
     * saves a wake-up of the completion thread per call. Only for completions that do bookkeeping and nothing
     * else: they must not block, take a lock a caller may hold while it waits for a server, run user code or make a
     * call. Read once per completion, on the server.
     *
     * @return true to be told on the server.
     */
    default boolean completesOnServer()
    {
        return false;
    }

    /**
     * The entry is about to go back to the pool: forget its handle. Called on the completion thread (or the
     * closing thread) before {@link #onResult}.
     */
    default void detached()
    {
    }

    /**
     * The call was published as {@code handle} on {@code server}: what a later cancel needs. Called on the
     * submitting thread before publication.
     *
     * @param handle the entry.
     * @param server the server.
     */
    default void submitted(final int handle, final ServerPort server)
    {
    }
}
