package io.offload.servers.jmx;

import javax.management.ObjectName;
import java.util.List;

/**
 * A running {@code OffloadRuntime} as JMX sees it, under {@code io.offload:type=Runtime,name=<id>}. Every getter
 * reads the runtime's stats snapshot, shared with its servers' MBeans and at most {@value OffloadMBeans#MAX_AGE_MS}
 * ms old, so that the attributes a client reads in one refresh agree with each other.
 */
public interface OffloadRuntimeMXBean
{
    /**
     * @return the runtime's id in this JVM: {@code "0"} for the first runtime registered, then {@code "1"}...
     */
    String getId();

    /**
     * @return the names of this runtime's server MBeans, by class then index.
     */
    ObjectName[] getServers();

    /**
     * @return entries claimed by calls in flight.
     */
    int getEntriesInUse();

    /**
     * @return entries the pool has allocated.
     */
    int getEntriesAllocated();

    /**
     * @return the pool's bound.
     */
    int getMaxEntries();

    /**
     * @return calls refused by the back-pressure policy.
     */
    long getRejected();

    /**
     * @return calls run on the caller's thread because their route is INLINE.
     */
    long getInlineCalls();

    /**
     * @return FILE reads answered on the caller's thread by RWF_NOWAIT (page cache), with no hand-off.
     */
    long getNowaitHits();

    /**
     * @return FILE reads that tried RWF_NOWAIT on the caller first and went to a server.
     */
    long getNowaitMisses();

    /**
     * @return exceptions reported to the runtime's error handler.
     */
    long getErrorCount();

    /**
     * @return entries every server took from its ring, summed.
     */
    long getPickedUp();

    /**
     * @return calls every server completed with a result {@code >= 0}, summed.
     */
    long getCompleted();

    /**
     * @return calls every server completed with -errno, summed.
     */
    long getFailed();

    /**
     * @return the phase recording in force: {@code "off"}, {@code "all"} or {@code "1/N"}.
     */
    String getPhaseRecording();

    /**
     * Switch phase recording while the runtime runs. A writable attribute rather than an operation: JMX makes a
     * getter and a setter of one name an attribute, and a proxy calls it all the same.
     *
     * @param recording {@code "off"}, {@code "all"} or {@code "1/N"} with {@code N >= 2}.
     * @throws IllegalArgumentException if the text is none of those.
     */
    void setPhaseRecording(String recording);

    /**
     * @return recorded phases per syscall: one row per syscall and phase (ENTER..TOTAL for offloaded calls, DIRECT
     *         for inline ones); empty while recording has always been off.
     */
    List<PhaseRow> getPhases();

    /**
     * @return {@link System#nanoTime()} in the runtime's JVM when the snapshot behind the attributes was taken:
     *         differences between two reads give the interval for rates.
     */
    long getSnapshotNanoTime();

    /**
     * Forget the phases recorded so far, per syscall and per server.
     */
    void resetPhases();

    /**
     * @return a fresh snapshot as Markdown tables, for bug reports.
     */
    String statsMarkdown();

    /**
     * @return a fresh snapshot as a fixed-width text table.
     */
    String statsTable();
}
