package io.offload.bench;

import io.offload.api.Router;
import io.offload.api.ServerGroup;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.WaitStrategy;
import io.offload.servers.OffloadRuntime;
import io.offload.servers.routing.LeastLoadedRouter;
import io.offload.servers.routing.NumaNearestRouter;
import io.offload.servers.routing.RoundRobinRouter;
import io.offload.servers.topology.CpuTopology;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What choosing a server costs: an offloaded {@code getpid()} (the hand-off and nothing else, as in
 * {@link NullSyscallBenchmark}) with each router, and the router's {@code route} call alone.
 * <p>
 * CPUs: the benchmark (caller) thread is pinned on CPU 0; two FILE servers (PROCESS calls routed to them) are both
 * pinned on CPU 1, so that a router has two servers to choose between, which it must for the router to be called
 * at all. Both servers share one CPU, so they must not busy-spin when idle: a busy server holds CPU 1 for a whole
 * scheduler slice while the caller waits on the other (about 100 ms a call, measured). They idle with Agrona's
 * {@code backoff} (spin, yield, then park up to 100 us), the cheapest of the runtime's strategies for two servers on
 * one CPU on the development machine (about 19 us a call, against 37 us with {@code yield} and 0.3 to 0.5 ms with the
 * default {@code reactor}, whose sleeping server waits to be scheduled on a CPU that other processes also use);
 * {@code -jvmArgsAppend -Doffload.idle=reactor} (say) runs another. The caller spins (SPIN).
 * <p>
 * What to expect: on a machine with one node and one L3, as the 2-core development machine, the NUMA-nearest
 * router finds both servers equally near and alternates between them just as round-robin does, and with a single
 * synchronous caller every queue is empty at each call, so least-loaded alternates too. The three should be close:
 * what differs is the router's own cost ({@code routeOnly}: a thread-local cursor; plus {@code sched_getcpu} and a
 * cached lookup for NUMA-nearest; plus a read of each server's ring for least-loaded), a few ns against a hand-off
 * of microseconds. NUMA-nearest pays off only where servers sit on different nodes or L3 caches.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchSupport.NATIVE_ACCESS)
public class RoutingBenchmark
{
    /**
     * @param name round-robin, numa-nearest or least-loaded.
     * @return a new router of that name.
     */
    static Router router(final String name)
    {
        return switch (name)
        {
            case "round-robin" -> new RoundRobinRouter();
            case "numa-nearest" -> new NumaNearestRouter(CpuTopology.current());
            case "least-loaded" -> new LeastLoadedRouter();
            default -> throw new IllegalArgumentException(
                "unknown router '" + name + "': expected round-robin, numa-nearest or least-loaded");
        };
    }

    /** A runtime with two FILE servers on CPU 1 and the router under test; the caller pinned on CPU 0. */
    @State(Scope.Thread)
    public static class Offloaded extends OffloadedCaller
    {
        @Param({ "round-robin", "numa-nearest", "least-loaded" })
        String router;

        @Override
        protected OffloadRuntime newRuntime()
        {
            return OffloadRuntime.builder()
                .servers(SyscallClass.FILE, BenchSupport.SERVER_CPU, BenchSupport.SERVER_CPU)
                .route(SyscallClass.PROCESS, SyscallClass.FILE)
                .router(RoutingBenchmark.router(router))
                .idleStrategy(System.getProperty("offload.idle", "backoff"))
                .waitStrategy(WaitStrategy.SPIN)
                .build();
        }
    }

    /** The router alone, over a group shaped like the runtime's: two servers on CPU 1, queues empty. */
    @State(Scope.Thread)
    public static class RouteOnly
    {
        @Param({ "round-robin", "numa-nearest", "least-loaded" })
        String router;

        Router chosen;
        final ServerGroup group = new TwoServersOnCpu1();

        @Setup(Level.Trial)
        public void setUp()
        {
            chosen = RoutingBenchmark.router(router);
            BenchSupport.pin(BenchSupport.CALLER_CPU, "benchmark thread");
        }
    }

    /**
     * @param s the caller's state.
     * @return the pid, from one of the two servers.
     */
    @Benchmark
    public long offloadedGetpid(final Offloaded s)
    {
        return s.raw.getpid();
    }

    /**
     * @param s the caller's state.
     * @return the chosen server's index.
     */
    @Benchmark
    public int routeOnly(final RouteOnly s)
    {
        return s.chosen.route(Syscall.GETPID, s.group);
    }

    /**
     * Two servers on {@link BenchSupport#SERVER_CPU}, their queues empty.
     */
    static final class TwoServersOnCpu1 implements ServerGroup
    {
        @Override
        public SyscallClass syscallClass()
        {
            return SyscallClass.FILE;
        }

        @Override
        public int size()
        {
            return 2;
        }

        @Override
        public int cpu(final int index)
        {
            return BenchSupport.SERVER_CPU;
        }

        @Override
        public int queueDepth(final int index)
        {
            return 0;
        }
    }
}
