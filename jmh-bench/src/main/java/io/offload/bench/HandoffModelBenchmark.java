package io.offload.bench;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * A model of the offload hand-off with no system call and none of the library's code: only its memory traffic,
 * to tell how much of an offloaded call is the number of cache lines that cross between the two cores, one after
 * the other. The "server" computes a sum of the arguments instead of a system call.
 * <ul>
 *     <li>{@code library}: the library's protocol. The caller writes op and five arguments into the entry's request
 *     line, a release store of SUBMITTED into its completion line, and publishes handle + 1 in a 1,024-slot ring of
 *     ints. The server sees the slot (line 1), clears it, reads the request line (line 2), CASes the completion
 *     line SUBMITTED to RUNNING (line 3), writes the result and DONE there; the caller, spinning on status, reads
 *     DONE and the result (line 3 back) and stores FREE. The server's three misses depend on each other.</li>
 *     <li>{@code oneLineEntry}: the same with a 64-byte entry whose status and result share the line with the
 *     request: two dependent misses on the server (slot, entry).</li>
 *     <li>{@code inlineSlot}: the entry is the slot: the server polls the entry's status itself (as in FlexSC's
 *     syscall page), one miss each way, the ping-pong floor plus a payload.</li>
 * </ul>
 * CPUs: the benchmark (caller) thread on CPU 0, the model server thread on CPU 1.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchSupport.NATIVE_ACCESS)
public class HandoffModelBenchmark
{
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();
    private static final int SLOTS = 1024;
    private static final int FREE = 0;
    private static final int SUBMITTED = 1;
    private static final int RUNNING = 2;
    private static final int DONE = 4;

    /** The model's memory and server thread. */
    @State(Scope.Thread)
    public static class Model
    {
        @Param({"library", "libraryCas", "libraryFull", "oneLineEntry", "inlineSlot"})
        public String layout;

        Arena arena;
        MemorySegment ring;
        MemorySegment entry;
        MemorySegment local;
        boolean callerCas;
        boolean extraLines;
        MemorySegment deadlines;
        MemorySegment serverObject;
        long statusOffset;
        long resultOffset;
        boolean useRing;
        long produced;
        volatile boolean running;
        Thread server;

        @Setup(Level.Trial)
        public void setUp()
        {
            arena = Arena.ofShared();
            ring = arena.allocate(SLOTS * 4L, 128);
            ring.fill((byte)0);
            entry = arena.allocate(128, 128);
            entry.fill((byte)0);
            local = arena.allocate(256, 128); // caller-only lines: the pool head at 0, the producer index at 128
            local.fill((byte)0);
            deadlines = arena.allocate(128, 128);
            deadlines.fill((byte)0);
            serverObject = arena.allocate(128, 128);
            serverObject.fill((byte)0);
            switch (layout)
            {
                case "library", "libraryCas", "libraryFull" ->
                {
                    callerCas = !layout.equals("library");
                    extraLines = layout.equals("libraryFull");
                    statusOffset = 64;
                    resultOffset = 72;
                    useRing = true;
                }
                case "oneLineEntry" ->
                {
                    statusOffset = 48;
                    resultOffset = 56;
                    useRing = true;
                }
                case "inlineSlot" ->
                {
                    statusOffset = 48;
                    resultOffset = 56;
                    useRing = false;
                }
                default -> throw new IllegalArgumentException(layout);
            }
            running = true;
            server = new Thread(this::serve, "model-server");
            server.setDaemon(true);
            server.start();
            BenchSupport.pin(BenchSupport.CALLER_CPU, "benchmark thread");
        }

        @Setup(Level.Iteration)
        public void check()
        {
            BenchSupport.checkOn(BenchSupport.CALLER_CPU);
        }

        private void serve()
        {
            BenchSupport.pin(BenchSupport.SERVER_CPU, "model server");
            final MemorySegment r = ring;
            final MemorySegment e = entry;
            final long status = statusOffset;
            final long result = resultOffset;
            final boolean extra = extraLines;
            final MemorySegment d = deadlines;
            final MemorySegment so = serverObject;
            long consumed = 0;
            long cycles = 0;
            while (running)
            {
                if (extra)
                {
                    so.set(ValueLayout.JAVA_LONG, 16L, ++cycles); // dutyCycles++
                    so.set(ValueLayout.JAVA_INT, 48L, 0); // batchSize = 0
                }
                if (useRing)
                {
                    final long slot = (consumed & (SLOTS - 1)) << 2;
                    if ((int)INT.getAcquire(r, slot) == 0)
                    {
                        Thread.onSpinWait();
                        continue;
                    }
                    INT.setOpaque(r, slot, 0);
                    consumed++;
                }
                else if ((int)INT.getAcquire(e, status) != SUBMITTED)
                {
                    Thread.onSpinWait();
                    continue;
                }
                if (!INT.compareAndSet(e, status, SUBMITTED, RUNNING))
                {
                    throw new IllegalStateException("entry not SUBMITTED");
                }
                long sum = e.get(ValueLayout.JAVA_INT, 0L);
                if (extra)
                {
                    sum += d.get(ValueLayout.JAVA_LONG, 0L); // entries.deadline(handle)
                }
                for (int i = 0; i < 5; i++)
                {
                    sum += e.get(ValueLayout.JAVA_LONG, 8L + 8L * i);
                }
                e.set(ValueLayout.JAVA_LONG, result, sum);
                INT.setRelease(e, status, DONE);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException
        {
            running = false;
            server.join(5_000);
            arena.close();
        }
    }

    /**
     * @param m the model.
     * @return the server's result.
     */
    @Benchmark
    public long call(final Model m)
    {
        final MemorySegment e = m.entry;
        final long n = ++m.produced;
        final boolean cas = m.callerCas;
        final MemorySegment local = m.local;
        if (cas)
        {
            final int head = (int)INT.getVolatile(local, 0L);
            INT.compareAndSet(local, 0L, head, head + 1); // claim
        }
        e.set(ValueLayout.JAVA_INT, 0L, 7);
        for (int i = 0; i < 5; i++)
        {
            e.set(ValueLayout.JAVA_LONG, 8L + 8L * i, n + i);
        }
        if (m.extraLines)
        {
            m.deadlines.set(ValueLayout.JAVA_LONG, 0L, 0L); // entries.deadline(handle, 0)
        }
        INT.setRelease(e, m.statusOffset, SUBMITTED);
        if (cas)
        {
            final int index = (int)INT.getVolatile(local, 128L);
            INT.compareAndSet(local, 128L, index, index + 1); // ring producer index
        }
        if (m.useRing)
        {
            INT.setRelease(m.ring, ((n - 1) & (SLOTS - 1)) << 2, 1);
        }
        if (m.extraLines && (byte)BYTE.getVolatile(m.serverObject, 54L) != 0) // server.isSleeping()
        {
            throw new IllegalStateException("never set");
        }
        while ((int)INT.getAcquire(e, m.statusOffset) != DONE)
        {
            Thread.onSpinWait();
        }
        final long r = e.get(ValueLayout.JAVA_LONG, m.resultOffset);
        if (m.extraLines)
        {
            m.deadlines.set(ValueLayout.JAVA_LONG, 0L, 0L); // free: deadlines[handle] = 0
        }
        INT.setRelease(e, m.statusOffset, FREE);
        if (cas)
        {
            final int head = (int)INT.getVolatile(local, 0L);
            INT.compareAndSet(local, 0L, head, head + 1); // release
        }
        return r;
    }
}
