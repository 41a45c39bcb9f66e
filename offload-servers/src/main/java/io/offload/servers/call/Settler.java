package io.offload.servers.call;

import io.offload.rings.SyscallEntry;
import io.offload.servers.agent.ServerPort;

/**
 * What a waiting caller may ask of its gate: read its entry, ask for its call to be cancelled, take back a call no
 * server has picked up.
 */
public interface Settler
{
    /**
     * @return the flyweight over the pool's entries.
     */
    SyscallEntry entry();

    /**
     * Ask for a call to be cancelled: taken back at once if no server has it yet, otherwise flagged and sent to its
     * server's control ring. Either way it completes once, with ECANCELED or with the result it already had.
     *
     * @param handle the entry.
     * @param server the server it was published to.
     */
    void requestCancel(int handle, ServerPort server);

    /**
     * Complete the call with ECANCELED if no server has picked it up (its server has stopped).
     *
     * @param handle the entry.
     */
    void cancelIfNotPicked(int handle);
}
