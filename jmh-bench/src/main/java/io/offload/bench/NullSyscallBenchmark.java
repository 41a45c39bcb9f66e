package io.offload.bench;

import io.offload.api.PhaseRecording;
import io.offload.api.RawSyscalls;
import io.offload.api.WaitStrategy;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
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
 * The cost of the hand-off itself: {@code getpid()}, a system call that does nothing, made directly on the caller's
 * thread (an FFM downcall bound critical) and offloaded to a server through the raw API, with the caller spinning on
 * the entry's status (SPIN) or parking until the server unparks it (PARK). Offloaded minus direct is what the
 * hand-off costs; offloaded / direct is the figure the project's 2.0x goal is about.
 * <p>
 * CPUs: the benchmark (caller) thread is pinned on CPU 0; the offload server is pinned on CPU 1 and busy-spins when
 * idle. Each benchmark method runs in a fork of its own, so only one runtime exists at a time and the direct case
 * runs with CPU 1 idle. The offloaded cases run on both server executors ({@code executor} = SYSCALLS or IO_URING,
 * set as the {@code offload.executor} property before the runtime is built; {@code -p executor=SYSCALLS} for one).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchSupport.NATIVE_ACCESS)
public class NullSyscallBenchmark
{
    /** The direct baseline: the caller pinned on CPU 0, no runtime. */
    @State(Scope.Thread)
    public static class Direct
    {
        RawSyscalls raw;

        @Setup(Level.Trial)
        public void setUp()
        {
            BenchSupport.pin(BenchSupport.CALLER_CPU, "benchmark thread");
            raw = DirectSyscalls.raw();
        }

        @Setup(Level.Iteration)
        public void check()
        {
            BenchSupport.checkOn(BenchSupport.CALLER_CPU);
        }
    }

    /** A runtime whose callers spin: server on CPU 1, caller pinned on CPU 0. */
    @State(Scope.Thread)
    public static class Spin extends OffloadedCaller
    {
        /** The servers' executor, set as {@code offload.executor} before the runtime is built. */
        @Param({ "SYSCALLS", "IO_URING" })
        String executor;

        @Override
        protected OffloadRuntime newRuntime()
        {
            return BenchSupport.newRuntime(WaitStrategy.SPIN, executor);
        }
    }

    /** A runtime whose callers park at once: server on CPU 1, caller pinned on CPU 0. */
    @State(Scope.Thread)
    public static class Park extends OffloadedCaller
    {
        /** The servers' executor, set as {@code offload.executor} before the runtime is built. */
        @Param({ "SYSCALLS", "IO_URING" })
        String executor;

        @Override
        protected OffloadRuntime newRuntime()
        {
            return BenchSupport.newRuntime(WaitStrategy.PARK, executor);
        }
    }

    /**
     * A spinning runtime like {@link Spin} with phase recording off, 1 call in 64 or every call: the cost of each
     * against offloadedSpin (recording off) in the same run.
     */
    @State(Scope.Thread)
    public static class Recorded extends OffloadedCaller
    {
        @Param({ "off", "1/64", "all" })
        String recording;

        /** The servers' executor, set as {@code offload.executor} before the runtime is built. */
        @Param({ "SYSCALLS", "IO_URING" })
        String executor;

        @Override
        protected OffloadRuntime newRuntime()
        {
            final OffloadRuntime runtime = BenchSupport.newRuntime(WaitStrategy.SPIN, executor);
            runtime.phaseRecording(PhaseRecording.parse(recording));
            return runtime;
        }
    }

    /**
     * @param s the caller's state.
     * @return the pid.
     */
    @Benchmark
    public long direct(final Direct s)
    {
        return s.raw.getpid();
    }

    /**
     * @param s the caller's state.
     * @return the pid, from the server.
     */
    @Benchmark
    public long offloadedSpin(final Spin s)
    {
        return s.raw.getpid();
    }

    /**
     * @param s the caller's state.
     * @return the pid, from the server.
     */
    @Benchmark
    public long offloadedPark(final Park s)
    {
        return s.raw.getpid();
    }

    /**
     * @param s the caller's state, with its recording mode.
     * @return the pid, from the server.
     */
    @Benchmark
    public long offloadedSpinRecorded(final Recorded s)
    {
        return s.raw.getpid();
    }
}
