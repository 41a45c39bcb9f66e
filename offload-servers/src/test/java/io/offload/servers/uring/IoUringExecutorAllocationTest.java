package io.offload.servers.uring;

import com.sun.management.ThreadMXBean;
import io.offload.api.StatxDescriptor;
import io.offload.api.Syscall;
import io.offload.rings.EntryPool;
import io.offload.rings.SyscallEntry;
import io.offload.rings.SyscallEntryDescriptor;
import io.offload.servers.executor.Completions;
import io.offload.servers.executor.ExecutorContext;
import io.offload.servers.libc.LibC;
import io.offload.servers.libc.SyscallDispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.offload.api.LinuxConstants.AT_FDCWD;
import static io.offload.api.LinuxConstants.O_RDWR;
import static io.offload.api.LinuxConstants.STATX_BASIC_STATS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The executor's hot path allocates nothing once compiled: start, the duty cycle's one enter and reap, CQE
 * completions, the per-fd records of current-position calls and sync groups.
 */
class IoUringExecutorAllocationTest
{
    /** Counts completions: allocates nothing. */
    private static final class Counting implements Completions
    {
        long count;
        long failures;

        @Override
        public void complete(final int handle, final long result)
        {
            count++;
            if (result < 0)
            {
                failures++;
            }
        }
    }

    @Test
    void startDutyCycleAndCompletionsAllocateNothingOnceCompiled(final @TempDir Path dir) throws IOException
    {
        UringTests.assumeIoUring();
        final Path file = Files.write(dir.resolve("small"), new byte[4096]);
        try (Arena arena = Arena.ofConfined(); EntryPool pool = new EntryPool(64, 64))
        {
            final SyscallEntry entry = new SyscallEntry(pool);
            final MemorySegment capture = LibC.allocateCaptureState(arena);
            final long path = arena.allocateFrom(file.toString()).address();
            final int fd = (int)SyscallDispatcher.execute(capture, Syscall.OPENAT.op(), AT_FDCWD, path, O_RDWR, 0, 0, 0);
            assertTrue(fd >= 0, "open: " + fd);
            final Counting counting = new Counting();
            final IoUringExecutor executor = new IoUringExecutor(
                new ExecutorContext("allocation", entry, handle -> 0L, 64, counting, System::nanoTime,
                    ex -> fail("error handler: " + ex)),
                new IoUringExecutorOptions().fsyncCoalescing(true), context -> new UnusedFallback());
            try
            {
                final long buf = arena.allocate(512).address();
                final long statx = arena.allocate(StatxDescriptor.LENGTH).address();
                final int[] handles = {pool.claim(), pool.claim(), pool.claim(), pool.claim()};
                final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
                long allocated = Long.MAX_VALUE;
                for (int round = 0; round < 150 && allocated > 0; round++)
                {
                    final long before = threads.getThreadAllocatedBytes(Thread.currentThread().threadId());
                    for (int i = 0; i < 1_000; i++)
                    {
                        entry.spRequest(handles[0], Syscall.PREAD.op(), fd, buf, 512, 512, 0, 0, 0, 0);
                        entry.spRequest(handles[1], Syscall.READ.op(), fd, buf, 64, 0, 0, 0, 0, 0);
                        entry.spRequest(handles[2], Syscall.STATX.op(), AT_FDCWD, path, 0, STATX_BASIC_STATS, statx, 0, 0, 0);
                        entry.spRequest(handles[3], Syscall.FDATASYNC.op(), fd, 0, 0, 0, 0, 0, 0, 0);
                        final long target = counting.count + handles.length;
                        for (final int h : handles)
                        {
                            entry.soStatus(h, SyscallEntryDescriptor.STATUS_RUNNING);
                            executor.start(h);
                        }
                        while (counting.count < target)
                        {
                            if (executor.doWork(System.nanoTime()) == 0)
                            {
                                executor.idle(1_000_000L);
                            }
                        }
                    }
                    allocated = threads.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
                }
                assertEquals(0, counting.failures);
                assertEquals(0, executor.stats().fallbackCalls());
                assertEquals(0, allocated, "1,000 compiled rounds of pread, read, statx and fdatasync allocated bytes");
            }
            finally
            {
                executor.settleAll();
                executor.close();
                assertEquals(0, SyscallDispatcher.execute(capture, Syscall.CLOSE.op(), fd, 0, 0, 0, 0, 0));
            }
        }
    }

    /** A fallback this test never uses. */
    private static final class UnusedFallback extends QuietFallback
    {
        @Override
        public String name()
        {
            return "unused";
        }

        @Override
        public void start(final int handle)
        {
            throw new AssertionError("no call of this test goes to the fallback: handle " + handle);
        }
    }
}
