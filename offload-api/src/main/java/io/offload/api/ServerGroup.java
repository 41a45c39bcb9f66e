package io.offload.api;

/**
 * A router's view of the servers of one class: how many, where they run, how busy they are. Reading it must not
 * allocate.
 */
public interface ServerGroup
{
    /**
     * @return the class these servers run.
     */
    SyscallClass syscallClass();

    /**
     * @return number of servers, {@code >= 1}.
     */
    int size();

    /**
     * @param index server index in {@code [0, size())}.
     * @return the CPU the server is pinned to, or -1 if it runs unpinned.
     */
    int cpu(int index);

    /**
     * @param index server index in {@code [0, size())}.
     * @return calls queued on that server's ring now (a snapshot).
     */
    int queueDepth(int index);
}
