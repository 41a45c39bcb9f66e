package io.offload.servers.executor;

/**
 * What one server's executor has done, as {@link ServerExecutor#stats()} reads it from any thread: each value is
 * recent, not all from one instant. The syscall executor makes every call itself and has none of these counts (its
 * calls are the server's own counters); the io_uring executor counts its requests, its ring's enters and the calls
 * it handed to its fallback.
 *
 * @param name              the executor's name: "syscalls" or "io_uring".
 * @param submitted         requests written for the kernel (calls and group syncs).
 * @param completed         calls completed by the executor itself (not by its fallback).
 * @param inKernel          requests in the kernel now.
 * @param queued            calls waiting for an in-flight slot now.
 * @param enters            {@code io_uring_enter} system calls made.
 * @param syncsIssued       syncs issued for groups of coalesced fsync/fdatasync calls.
 * @param syncCallsAnswered fsync/fdatasync calls answered by those syncs; minus {@code syncsIssued}, the syncs saved.
 * @param fallbackCalls     calls handed to the fallback executor (no io_uring op, or waiting on a peer).
 */
public record ExecutorStats(
    String name,
    long submitted,
    long completed,
    int inKernel,
    int queued,
    long enters,
    long syncsIssued,
    long syncCallsAnswered,
    long fallbackCalls)
{
    /**
     * @throws IllegalArgumentException if the name is null.
     */
    public ExecutorStats
    {
        if (name == null)
        {
            throw new IllegalArgumentException("name is null: give the executor's name (\"syscalls\", \"io_uring\")");
        }
    }

    /**
     * @param name the executor's name.
     * @return stats of an executor that keeps no counts of its own.
     */
    public static ExecutorStats none(final String name)
    {
        return new ExecutorStats(name, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
