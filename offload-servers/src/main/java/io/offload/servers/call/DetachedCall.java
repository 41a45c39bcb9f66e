package io.offload.servers.call;

import io.offload.api.Syscall;
import io.offload.servers.agent.AsyncCompletion;
import io.offload.servers.agent.ServerPort;

/**
 * A call submitted with no thread waiting for it: its entry's attachment is this object, which is told the result
 * ({@link AsyncCompletion#onResult}) exactly once. An {@link AsyncCall} (a future), or a {@link WriteBehind} send.
 */
interface DetachedCall extends AsyncCompletion
{
    /**
     * @return the call.
     */
    Syscall syscall();

    /**
     * The call was published as {@code handle} on {@code server}. Called on the submitting thread before
     * publication.
     *
     * @param handle the entry.
     * @param server the server.
     * @param record whether its phases are recorded when the entry is detached.
     */
    void submitted(int handle, ServerPort server, boolean record);

    /**
     * The call could not be submitted (the runtime closed, a bad argument found late).
     *
     * @param failure why.
     */
    void failed(RuntimeException failure);
}
