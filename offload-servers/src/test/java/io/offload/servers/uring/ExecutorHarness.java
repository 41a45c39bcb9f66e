package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.rings.EntryPool;
import io.offload.rings.SyscallEntry;
import io.offload.rings.SyscallEntryDescriptor;
import io.offload.servers.executor.Completions;
import io.offload.servers.executor.ExecutorContext;
import io.offload.servers.executor.FdOwners;
import io.offload.servers.executor.ServerExecutor;
import io.offload.servers.libc.LibC;
import io.offload.servers.libc.SyscallDispatcher;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import static io.offload.api.LinuxConstants.AT_FDCWD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An {@link IoUringExecutor} driven by hand, as a server would drive it but without a server thread: a pool of
 * entries, calls written into them, a hand clock, per-entry deadlines, a recorder of completions that fails on a
 * second completion, and (unless the test brings its own) a fallback that runs each call inline with
 * {@link SyscallDispatcher}. Everything runs on the test's thread, which is the ring's.
 */
final class ExecutorHarness implements AutoCloseable
{
    static final int MAX_ENTRIES = 16_384;

    final Arena arena = Arena.ofShared();
    final EntryPool pool = new EntryPool(1024, MAX_ENTRIES);
    final SyscallEntry entry = new SyscallEntry(pool);
    final MemorySegment capture = LibC.allocateCaptureState(arena);
    final long[] deadlines = new long[MAX_ENTRIES];
    final long[] results = new long[MAX_ENTRIES];
    final int[] completions = new int[MAX_ENTRIES];
    final List<Integer> order = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final Completions recorder = this::onComplete;
    final IoUringExecutor executor;
    long now = 1_000_000_000L;

    /**
     * An executor whose fallback runs calls inline, and which leaves reads and writes of pipes to io_uring
     * ({@code peerFdsInReactor(false)}): the inline fallback would block on them, and a read of an empty pipe is
     * these tests' way to hold a request in the kernel for as long as they like.
     */
    ExecutorHarness(final IoUringExecutorOptions options)
    {
        this(options.peerFdsInReactor(false), InlineFallback::new);
    }

    ExecutorHarness(final IoUringExecutorOptions options, final Function<ExecutorHarness, ServerExecutor> fallback)
    {
        executor = new IoUringExecutor(context(), options, context -> fallback.apply(this));
    }

    /**
     * @return a context as a server would give: these entries, deadlines, completions and hand clock; errors of
     *         calls are recorded as failures.
     */
    ExecutorContext context()
    {
        return new ExecutorContext("harness", entry, handle -> deadlines[handle], MAX_ENTRIES, recorder, () -> now,
            ex -> errors.add("error handler: " + ex), FdOwners.LOCAL);
    }

    private void onComplete(final int handle, final long result)
    {
        if (completions[handle]++ != 0)
        {
            errors.add("handle " + handle + " completed again with " + result + " (first " + results[handle] + ")");
        }
        results[handle] = result;
        order.add(handle);
    }

    /**
     * Write a call into a fresh entry, as a caller would, and mark it RUNNING, as the server's pick-up would.
     *
     * @return its handle.
     */
    int call(final Syscall op, final long... args)
    {
        final long[] a = Arrays.copyOf(args, 6);
        final int handle = pool.claim();
        assertTrue(handle >= 0, "the pool is exhausted");
        entry.spRequest(handle, op.op(), a[0], a[1], a[2], a[3], a[4], a[5], 0L, SyscallEntryDescriptor.WAITER_SPINNING);
        entry.soStatus(handle, SyscallEntryDescriptor.STATUS_RUNNING);
        completions[handle] = 0;
        results[handle] = Long.MIN_VALUE;
        deadlines[handle] = 0;
        return handle;
    }

    /** {@link #call} then {@link IoUringExecutor#start}. */
    int start(final Syscall op, final long... args)
    {
        final int handle = call(op, args);
        executor.start(handle);
        return handle;
    }

    boolean done(final int handle)
    {
        return completions[handle] > 0;
    }

    long result(final int handle)
    {
        assertEquals(1, completions[handle], "completions of handle " + handle);
        return results[handle];
    }

    /** Give the entry back to the pool, as the caller does after it has seen DONE. */
    void release(final int handle)
    {
        assertEquals(1, completions[handle], "handle " + handle + " released before it completed once");
        entry.soStatus(handle, SyscallEntryDescriptor.STATUS_FREE);
        pool.release(handle);
    }

    /** Run duty cycles (sleeping in the executor when one does nothing) until {@code condition}: liveness only. */
    void pumpUntil(final BooleanSupplier condition, final String what)
    {
        final long limit = System.nanoTime() + UringTests.LIVENESS_NANOS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - limit > 0)
            {
                fail("not within the liveness bound: " + what + "; " + executor);
            }
            if (executor.doWork(now) == 0)
            {
                executor.idle(10_000_000L);
            }
        }
    }

    /** Run {@code cycles} duty cycles that do not sleep. */
    void cycles(final int cycles)
    {
        for (int i = 0; i < cycles; i++)
        {
            executor.doWork(now);
        }
    }

    /** The same call made directly, for comparison. */
    long direct(final Syscall op, final long... args)
    {
        final long[] a = Arrays.copyOf(args, 6);
        return SyscallDispatcher.execute(capture, op.op(), a[0], a[1], a[2], a[3], a[4], a[5]);
    }

    int openFile(final String path, final int flags, final int mode)
    {
        final long fd = direct(Syscall.OPENAT, AT_FDCWD, UringTests.cString(arena, path), flags, mode);
        assertTrue(fd >= 0, "open " + path + ": " + (fd < 0 ? Errno.name((int)-fd) : ""));
        return (int)fd;
    }

    void assertNoErrors()
    {
        assertTrue(errors.isEmpty(), String.join("\n", errors));
        assertEquals(0, executor.strayCqes(), "stray CQEs");
    }

    @Override
    public void close()
    {
        try
        {
            executor.settleAll();
            executor.close();
            assertNoErrors();
        }
        finally
        {
            pool.close();
            arena.close();
        }
    }

    /**
     * The fallback a test needs when it does not bring one: each call runs inline, on the server thread.
     */
    static final class InlineFallback extends QuietFallback
    {
        private final ExecutorHarness harness;
        int started;

        InlineFallback(final ExecutorHarness harness)
        {
            this.harness = harness;
        }

        @Override
        public String name()
        {
            return "inline";
        }

        @Override
        public void start(final int handle)
        {
            started++;
            final SyscallEntry e = harness.entry;
            harness.recorder.complete(handle, SyscallDispatcher.execute(harness.capture, e.lpOp(handle),
                e.lpArg(handle, 0), e.lpArg(handle, 1), e.lpArg(handle, 2), e.lpArg(handle, 3), e.lpArg(handle, 4),
                e.lpArg(handle, 5)));
        }
    }
}
