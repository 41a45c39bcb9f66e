package io.offload.servers.jmx;

import javax.management.ObjectName;
import java.util.List;
import java.util.Map;

/**
 * One server thread of a running {@code OffloadRuntime}, under
 * {@code io.offload:type=Server,runtime=<id>,name=<thread name>}. The figures come from the runtime's snapshot (see
 * {@link OffloadRuntimeMXBean}); counters are totals since the runtime started.
 */
public interface OffloadServerMXBean
{
    /**
     * @return the server thread's name, e.g. {@code "offload-file-0"}.
     */
    String getName();

    /**
     * @return the runtime MBean this server belongs to.
     */
    ObjectName getRuntime();

    /**
     * @return the syscall class it serves ({@code FILE}, {@code NETWORK}...).
     */
    String getSyscallClass();

    /**
     * @return its index within the class.
     */
    int getIndex();

    /**
     * @return the CPU it was asked to run on, or -1 for unpinned.
     */
    int getRequestedCpu();

    /**
     * @return whether pinning succeeded.
     */
    boolean isPinned();

    /**
     * @return the CPU it last reported running on, or -1 before it started.
     */
    int getCurrentCpu();

    /**
     * @return what runs its calls: "syscalls" or "io_uring".
     */
    String getExecutor();

    /**
     * @return why that executor: what was asked for and what the kernel allowed.
     */
    String getExecutorReason();

    /**
     * @return entries it took from its ring.
     */
    long getPickedUp();

    /**
     * @return calls it completed with a result {@code >= 0}.
     */
    long getCompleted();

    /**
     * @return calls it completed with -errno.
     */
    long getFailed();

    /**
     * @return entries it found cancelled or timed out before running them.
     */
    long getCancelled();

    /**
     * @return non-empty drains of its ring.
     */
    long getBatches();

    /**
     * @return the largest drain.
     */
    long getMaxBatch();

    /**
     * @return duty cycles that found nothing to do.
     */
    long getIdleCycles();

    /**
     * @return exceptions caught on the server.
     */
    long getErrors();

    /**
     * @return calls in its wait queue now (waiting for a socket to become ready).
     */
    long getWaiting();

    /**
     * @return entries waiting on its ring now.
     */
    int getQueueDepth();

    /**
     * @return whether its thread is alive.
     */
    boolean isRunning();

    /**
     * @return failed calls by errno name ({@code "EBADF"} to count).
     */
    Map<String, Long> getFailuresByErrno();

    /**
     * @return drains by size: element i counts drains of 2^i to 2^(i+1)-1 entries (the last: all larger).
     */
    long[] getBatchSizes();

    /**
     * @return the phases of the calls it ran while recording was on, one row per phase, syscall {@code "all"}.
     */
    List<PhaseRow> getPhases();

    /**
     * @return {@link System#nanoTime()} in the runtime's JVM when the snapshot behind the attributes was taken.
     */
    long getSnapshotNanoTime();
}
