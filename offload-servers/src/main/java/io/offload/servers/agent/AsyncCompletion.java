package io.offload.servers.agent;

/**
 * What an asynchronous call leaves in its entry's attachment slot: told the result on the completion thread,
 * after the entry has gone back to the pool.
 */
public interface AsyncCompletion
{
    /**
     * @param result the call's result, or -errno.
     */
    void onResult(long result);

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
