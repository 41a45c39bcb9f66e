package io.offload.bench;

import io.offload.api.ServerStats;
import io.offload.api.SyscallClass;
import io.offload.api.WaitStrategy;
import io.offload.servers.OffloadRuntime;
import io.offload.servers.libc.CpuAffinity;

/**
 * What every benchmark here shares: the CPU layout of a 2-core machine and the one runtime configuration.
 * <ul>
 *     <li>CPU 0: the caller (the JMH benchmark thread, the producer of the ring benchmarks).</li>
 *     <li>CPU 1: the server (the offload FILE server that also serves PROCESS calls, the ping-pong partner,
 *     the ring consumer).</li>
 * </ul>
 */
final class BenchSupport
{
    /** CPU of the benchmark (caller, producer) thread. */
    static final int CALLER_CPU = 0;
    /** CPU of the server, partner or consumer thread. */
    static final int SERVER_CPU = 1;
    /** JVM flag every fork gets: FFM downcalls are restricted methods. */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** The system property that picks the servers' executor (AUTO, IO_URING, SYSCALLS), read at runtime build. */
    static final String EXECUTOR_PROP = "offload.executor";

    private BenchSupport()
    {
    }

    /**
     * Pin the calling thread; print (do not fail) if the kernel refuses, so a run on a smaller machine still
     * produces numbers, marked as unpinned in its output.
     *
     * @param cpu the CPU.
     * @param who the thread's role, for the message.
     * @return whether the thread is pinned.
     */
    static boolean pin(final int cpu, final String who)
    {
        try
        {
            CpuAffinity.pinCurrentThread(cpu);
            return true;
        }
        catch (final Exception ex)
        {
            System.out.println("[offload-bench] WARNING: could not pin " + who + " (" + Thread.currentThread().getName() +
                ") to cpu " + cpu + ": " + ex + "; running unpinned");
            return false;
        }
    }

    /**
     * Say so if the benchmark thread is not where it was pinned (JMH may hand an iteration to another worker
     * thread; this has not been seen with JMH 1.37 and one benchmark thread, but a figure taken off CPU 0 would be
     * wrong without a word).
     *
     * @param cpu the CPU the thread was pinned to.
     */
    static void checkOn(final int cpu)
    {
        final int now = CpuAffinity.currentCpu();
        if (now != cpu)
        {
            System.out.println("[offload-bench] WARNING: " + Thread.currentThread().getName() + " runs on cpu " + now +
                ", expected " + cpu + "; re-pinning");
            pin(cpu, "benchmark thread");
        }
    }

    /**
     * Print the server's counters: proof that the calls went through the server, on the CPU it was pinned to.
     *
     * @param runtime the runtime, still open.
     */
    static void printServers(final OffloadRuntime runtime)
    {
        final java.util.List<ServerStats> servers;
        try
        {
            servers = runtime.stats().servers();
        }
        catch (final RuntimeException ex)
        {
            System.out.println("[offload-bench] WARNING: runtime.stats() failed: " + ex);
            return;
        }
        for (final ServerStats s : servers)
        {
            System.out.println("[offload-bench] " + s.name() + ": " + executorOf(s) + " pinned=" + s.pinned() +
                " cpu=" + s.currentCpu() +
                " pickedUp=" + s.pickedUp() + " batches=" + s.batches() + " maxBatch=" + s.maxBatch() +
                " errors=" + s.errors());
        }
    }

    /**
     * The executor a server reports, found by name among the record's components, so that this compiles against
     * builds whose stats do not name it yet.
     *
     * @param s a server's stats.
     * @return "executor=io_uring" and the like, or what was asked for when the stats do not say.
     */
    static String executorOf(final ServerStats s)
    {
        final StringBuilder b = new StringBuilder();
        for (final java.lang.reflect.RecordComponent c : ServerStats.class.getRecordComponents())
        {
            if (c.getName().toLowerCase(java.util.Locale.ROOT).contains("executor"))
            {
                try
                {
                    b.append(b.isEmpty() ? "" : " ").append(c.getName()).append('=').append(c.getAccessor().invoke(s));
                }
                catch (final ReflectiveOperationException ex)
                {
                    b.append(b.isEmpty() ? "" : " ").append(c.getName()).append("=?");
                }
            }
        }
        return b.isEmpty() ? "executor not reported (asked: " + System.getProperty(EXECUTOR_PROP, "unset") + ")" :
            b.toString();
    }

    /**
     * One FILE server pinned on {@link #SERVER_CPU}, PROCESS calls (getpid) routed to it, busy-spinning when idle.
     * Build it before pinning the caller: threads inherit the creator's affinity mask, and the runtime's unpinned
     * completion thread should not be confined to the caller's CPU.
     *
     * @param waitStrategy how the caller waits for DONE.
     * @return the started runtime.
     */
    static OffloadRuntime newRuntime(final WaitStrategy waitStrategy)
    {
        return newRuntime(waitStrategy, null);
    }

    /**
     * {@link #newRuntime(WaitStrategy)} on the given executor: sets the system property {@value #EXECUTOR_PROP}
     * before the runtime is built, which reads it when its settings are concluded.
     *
     * @param waitStrategy how the caller waits for DONE.
     * @param executor     SYSCALLS, IO_URING or AUTO; null leaves the property as it is.
     * @return the started runtime.
     */
    static OffloadRuntime newRuntime(final WaitStrategy waitStrategy, final String executor)
    {
        if (executor != null)
        {
            System.setProperty(EXECUTOR_PROP, executor);
        }
        return OffloadRuntime.builder()
            .servers(SyscallClass.FILE, SERVER_CPU)
            .route(SyscallClass.PROCESS, SyscallClass.FILE)
            .idleStrategy("busy")
            .waitStrategy(waitStrategy)
            .build();
    }
}
