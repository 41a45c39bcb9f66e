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
}
