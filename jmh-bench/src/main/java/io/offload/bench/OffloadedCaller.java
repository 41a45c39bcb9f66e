package io.offload.bench;

import io.offload.api.RawSyscalls;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The state every offloaded-getpid benchmark shares: a runtime built by {@link #newRuntime()}, its raw API, the
 * benchmark thread pinned on {@link BenchSupport#CALLER_CPU} (checked before each iteration), a check that the
 * offloaded getpid answers what the direct one does, and the servers printed and the runtime closed at the end.
 * Subclasses are the JMH {@code @State} classes and say only how their runtime is built.
 */
public abstract class OffloadedCaller
{
    OffloadRuntime runtime;
    RawSyscalls raw;

    /** @return the runtime this state measures, started. */
    protected abstract OffloadRuntime newRuntime();

    /** Build the runtime, pin the benchmark thread, check the answer. */
    @Setup(Level.Trial)
    public void setUp()
    {
        runtime = newRuntime();
        raw = runtime.raw();
        BenchSupport.pin(BenchSupport.CALLER_CPU, "benchmark thread");
        final long direct = DirectSyscalls.raw().getpid();
        final long viaServer = raw.getpid();
        if (direct != viaServer)
        {
            throw new IllegalStateException("offloaded getpid returned " + viaServer + ", direct " + direct);
        }
    }

    /** The benchmark thread must still be on its CPU. */
    @Setup(Level.Iteration)
    public void check()
    {
        BenchSupport.checkOn(BenchSupport.CALLER_CPU);
    }

    /** Print where the servers ran, then close the runtime. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        BenchSupport.printServers(runtime);
        runtime.close();
    }
}
