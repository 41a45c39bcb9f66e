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
            System.out.println("[offload-bench] " + s.name() + ": pinned=" + s.pinned() + " cpu=" + s.currentCpu() +
                " pickedUp=" + s.pickedUp() + " batches=" + s.batches() + " maxBatch=" + s.maxBatch() +
                " errors=" + s.errors());
        }
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
        return OffloadRuntime.builder()
            .servers(SyscallClass.FILE, SERVER_CPU)
            .route(SyscallClass.PROCESS, SyscallClass.FILE)
            .idleStrategy("busy")
            .waitStrategy(waitStrategy)
            .build();
    }
}
