package io.offload.api;

/**
 * One server's figures at the moment of a {@code stats()} call.
 *
 * @param name         thread name, e.g. {@code "offload-file-0"}.
 * @param syscallClass the class it serves.
 * @param index        its index within the class.
 * @param requestedCpu the CPU it was asked to run on, or -1 for unpinned.
 * @param pinned       whether pinning succeeded.
 * @param currentCpu   the CPU it last reported running on (sched_getcpu), or -1 before it started.
 * @param pickedUp     entries it took from its ring.
 * @param completed    calls it completed with a result {@code >= 0}.
 * @param failed       calls it completed with -errno.
 * @param cancelled    entries it found cancelled or timed out before it could run them.
 * @param batches      non-empty drains of its ring.
 * @param maxBatch     the largest drain.
 * @param idleCycles   duty cycles that found nothing to do.
 * @param errors       exceptions caught on the server (each also went to the error handler).
 * @param waiting      calls in its wait queue now (would block on a socket, waiting for readiness).
 * @param queueDepth   entries waiting on its ring now.
 * @param running      whether its thread is alive.
 * @param failuresByErrno calls it completed with each errno, by errno name.
 * @param batchSizes   drains by size: bucket i counts drains of 2^i to 2^(i+1)-1 entries (the last: all larger).
 * @param phases       phases of the calls it ran while recording was on, one per {@link Phase}.
 * @param executor     what runs its calls: {@code "syscalls"} (one blocking system call at a time on the server
 *                     thread) or {@code "io_uring"}.
 * @param executorReason one line: why that executor (the setting asked for, and what the kernel allowed).
 */
public record ServerStats(
    String name,
    SyscallClass syscallClass,
    int index,
    int requestedCpu,
    boolean pinned,
    int currentCpu,
    long pickedUp,
    long completed,
    long failed,
    long cancelled,
    long batches,
    long maxBatch,
    long idleCycles,
    long errors,
    long waiting,
    int queueDepth,
    boolean running,
    java.util.Map<String, Long> failuresByErrno,
    java.util.List<Long> batchSizes,
    java.util.List<PhaseStats> phases,
    String executor,
    String executorReason)
{
    /**
     * Copies the collections.
     */
    public ServerStats
    {
        failuresByErrno = java.util.Map.copyOf(failuresByErrno);
        batchSizes = java.util.List.copyOf(batchSizes);
        phases = java.util.List.copyOf(phases);
        executor = executor == null ? "syscalls" : executor;
        executorReason = executorReason == null ? "" : executorReason;
    }

    /**
     * The figures of version 0.1, before servers had a choice of executor: {@code "syscalls"}, no reason.
     *
     * @param name            thread name.
     * @param syscallClass    the class it serves.
     * @param index           its index within the class.
     * @param requestedCpu    the CPU asked for, or -1.
     * @param pinned          whether pinning succeeded.
     * @param currentCpu      the CPU it last ran on, or -1.
     * @param pickedUp        entries taken from its ring.
     * @param completed       calls completed with a result {@code >= 0}.
     * @param failed          calls completed with -errno.
     * @param cancelled       entries found cancelled before they ran.
     * @param batches         non-empty drains.
     * @param maxBatch        the largest drain.
     * @param idleCycles      duty cycles with nothing to do.
     * @param errors          exceptions caught on the server.
     * @param waiting         calls in its wait queue now.
     * @param queueDepth      entries on its ring now.
     * @param running         whether its thread is alive.
     * @param failuresByErrno failed calls by errno name.
     * @param batchSizes      drains by size bucket.
     * @param phases          phases of the calls it ran.
     */
    public ServerStats(
        final String name, final SyscallClass syscallClass, final int index, final int requestedCpu,
        final boolean pinned, final int currentCpu, final long pickedUp, final long completed, final long failed,
        final long cancelled, final long batches, final long maxBatch, final long idleCycles, final long errors,
        final long waiting, final int queueDepth, final boolean running,
        final java.util.Map<String, Long> failuresByErrno, final java.util.List<Long> batchSizes,
        final java.util.List<PhaseStats> phases)
    {
        this(name, syscallClass, index, requestedCpu, pinned, currentCpu, pickedUp, completed, failed, cancelled,
            batches, maxBatch, idleCycles, errors, waiting, queueDepth, running, failuresByErrno, batchSizes, phases,
            "syscalls", "");
    }
}
