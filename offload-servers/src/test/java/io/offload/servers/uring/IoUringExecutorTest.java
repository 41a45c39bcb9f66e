package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.api.StatxDescriptor;
import io.offload.api.Syscall;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.offload.api.LinuxConstants.AT_FDCWD;
import static io.offload.api.LinuxConstants.O_CREAT;
import static io.offload.api.LinuxConstants.O_DIRECTORY;
import static io.offload.api.LinuxConstants.O_NONBLOCK;
import static io.offload.api.LinuxConstants.O_RDONLY;
import static io.offload.api.LinuxConstants.O_RDWR;
import static io.offload.api.LinuxConstants.O_WRONLY;
import static io.offload.api.LinuxConstants.STATX_BASIC_STATS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The io_uring executor against the kernel, driven by hand (no server thread, a hand clock): exactly once under
 * load with right results, out-of-order completion, the FIFO past the in-flight bound, the one-at-a-time order of
 * current-position calls per fd, and calls without an io_uring op going to the fallback.
 */
class IoUringExecutorTest
{
    private static final byte UNTOUCHED = 0x5a;

    @TempDir
    Path dir;

    @BeforeEach
    void assumeIoUring()
    {
        UringTests.assumeIoUring();
    }

    private static MemorySegment untouched(final ExecutorHarness h, final int length)
    {
        return h.arena.allocate(length).fill(UNTOUCHED);
    }

    static void assertUntouched(final MemorySegment buffer, final String what)
    {
        for (long i = 0; i < buffer.byteSize(); i++)
        {
            assertEquals(UNTOUCHED, buffer.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " of " + what);
        }
    }

    @Test
    void thousandsOfWritesReadsAndStatxCompleteOnceWithTheRightResults()
    {
        final int blocks = 1500;
        final int block = 4096;
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions().maxInFlight(64)))
        {
            final String path = dir.resolve("load").toString();
            final long cPath = UringTests.cString(h.arena, path);
            final int fd = h.openFile(path, O_RDWR | O_CREAT, 0644);
            final MemorySegment data = h.arena.allocate((long)blocks * block);
            for (int b = 0; b < blocks; b++)
            {
                data.asSlice((long)b * block, block).fill((byte)(b * 31 + 7));
            }
            final int[] writes = new int[blocks];
            for (int b = 0; b < blocks; b++)
            {
                writes[b] = h.start(Syscall.PWRITE, fd, data.address() + (long)b * block, block, (long)b * block);
            }
            h.pumpUntil(() -> h.order.size() == blocks, "every pwrite");
            for (final int w : writes)
            {
                assertEquals(block, h.result(w), "pwrite of handle " + w);
                h.release(w);
            }
            final MemorySegment back = h.arena.allocate((long)blocks * block).fill((byte)0);
            final MemorySegment stats = h.arena.allocate((long)StatxDescriptor.LENGTH * blocks);
            final int[] reads = new int[blocks];
            final int[] statx = new int[blocks];
            for (int b = 0; b < blocks; b++)
            {
                reads[b] = h.start(Syscall.PREAD, fd, back.address() + (long)b * block, block, (long)b * block);
                statx[b] = h.start(Syscall.STATX, AT_FDCWD, cPath, 0, STATX_BASIC_STATS,
                    stats.address() + (long)b * StatxDescriptor.LENGTH);
                if (b % 100 == 99)
                {
                    h.cycles(1);
                }
            }
            h.pumpUntil(() -> h.order.size() == 3 * blocks, "every pread and statx");
            for (int b = 0; b < blocks; b++)
            {
                assertEquals(block, h.result(reads[b]), "pread " + b);
                assertEquals(0, h.result(statx[b]), "statx " + b);
                assertEquals((long)blocks * block,
                    stats.get(ValueLayout.JAVA_LONG, (long)b * StatxDescriptor.LENGTH + StatxDescriptor.SIZE_OFFSET));
                h.release(reads[b]);
                h.release(statx[b]);
            }
            assertEquals(-1, data.mismatch(back), "the bytes read back differ from those written");
            assertEquals(0, h.executor.stats().fallbackCalls(), "no call went to the fallback");
            assertEquals(3L * blocks, h.executor.stats().completed());
            assertTrue(h.executor.ring().enters() < 3L * blocks, "batches: " + h.executor.ring().enters() + " enters");
            assertEquals(0, h.direct(Syscall.CLOSE, fd));
            h.assertNoErrors();
        }
    }

    @Test
    void currentPositionWritesAndReadsOfOneFdNeverOverlap()
    {
        final int records = 600;
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final String path = dir.resolve("log").toString();
            final int out = h.openFile(path, O_WRONLY | O_CREAT, 0644); // no O_APPEND: f_pos alone orders them
            final MemorySegment recs = h.arena.allocate(8L * records);
            final int[] writes = new int[records];
            for (int i = 0; i < records; i++)
            {
                recs.set(ValueLayout.JAVA_LONG_UNALIGNED, 8L * i, 1_000_000L + i);
                writes[i] = h.start(Syscall.WRITE, out, recs.address() + 8L * i, 8);
            }
            h.pumpUntil(() -> h.order.size() == records, "every write");
            for (final int w : writes)
            {
                assertEquals(8, h.result(w));
                h.release(w);
            }
            assertEquals(0, h.direct(Syscall.CLOSE, out));
            final int in = h.openFile(path, O_RDONLY, 0);
            final MemorySegment back = h.arena.allocate(8L * records).fill((byte)0);
            final int[] reads = new int[records];
            for (int i = 0; i < records; i++)
            {
                reads[i] = h.start(Syscall.READ, in, back.address() + 8L * i, 8);
            }
            h.pumpUntil(() -> h.order.size() == 2 * records, "every read");
            final Set<Long> seen = new HashSet<>();
            for (int i = 0; i < records; i++)
            {
                assertEquals(8, h.result(reads[i]));
                seen.add(back.get(ValueLayout.JAVA_LONG_UNALIGNED, 8L * i));
                h.release(reads[i]);
            }
            assertEquals(records, seen.size(), "each record read exactly once: no two reads at one position");
            for (int i = 0; i < records; i++)
            {
                assertTrue(seen.contains(1_000_000L + i), "record " + i + " was overwritten");
            }
            assertEquals(0, h.direct(Syscall.CLOSE, in));
        }
    }

    @Test
    void readsOfPipesCompleteInTheOrderTheirDataComes()
    {
        final int pipes = 8;
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final int[][] fds = new int[pipes][];
            final MemorySegment[] bufs = new MemorySegment[pipes];
            final int[] reads = new int[pipes];
            try
            {
                for (int i = 0; i < pipes; i++)
                {
                    fds[i] = UringTests.pipe(h.arena);
                    bufs[i] = untouched(h, 16);
                    reads[i] = h.start(Syscall.READ, fds[i][0], bufs[i].address(), 16);
                }
                h.cycles(2);
                assertEquals(pipes, h.executor.inKernel());
                for (int i = pipes - 1; i >= 0; i--)
                {
                    UringTests.writeFully(h.arena, fds[i][1], new byte[] {(byte)i, 1, 2});
                    final int read = reads[i];
                    h.pumpUntil(() -> h.done(read), "read of pipe " + i);
                    for (int j = 0; j < i; j++)
                    {
                        assertFalse(h.done(reads[j]), "pipe " + j + " has no data yet");
                    }
                }
                for (int i = 0; i < pipes; i++)
                {
                    assertEquals(reads[pipes - 1 - i], h.order.get(i), "completion order");
                    assertEquals(3, h.result(reads[i]));
                    assertEquals((byte)i, bufs[i].get(ValueLayout.JAVA_BYTE, 0));
                }
            }
            finally
            {
                for (final int[] fd : fds)
                {
                    if (fd != null)
                    {
                        UringTests.close(fd);
                    }
                }
            }
        }
    }

    @Test
    void callsPastTheBoundWaitInTheFifoAndFillFreeSlotsInOrder()
    {
        final int bound = 4;
        final int pipes = 12;
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions().maxInFlight(bound)))
        {
            final int[][] fds = new int[pipes][];
            final int[] reads = new int[pipes];
            try
            {
                for (int i = 0; i < pipes; i++)
                {
                    fds[i] = UringTests.pipe(h.arena);
                    reads[i] = h.start(Syscall.READ, fds[i][0], untouched(h, 8).address(), 8);
                }
                h.cycles(2);
                assertEquals(bound, h.executor.inKernel());
                assertEquals(pipes - bound, h.executor.queued());
                assertEquals(pipes, h.executor.inFlight());
                // data for a queued call: it is not in the kernel, so it does not complete
                UringTests.writeFully(h.arena, fds[pipes - 1][1], new byte[] {9});
                h.cycles(3);
                assertFalse(h.done(reads[pipes - 1]));
                for (int i = 0; i < pipes - 1; i++)
                {
                    UringTests.writeFully(h.arena, fds[i][1], new byte[] {(byte)i});
                    final int read = reads[i];
                    h.pumpUntil(() -> h.done(read), "read " + i);
                    assertTrue(h.executor.inKernel() <= bound, "in kernel " + h.executor.inKernel());
                }
                h.pumpUntil(() -> h.done(reads[pipes - 1]), "the last read, admitted last");
                for (int i = 0; i < pipes; i++)
                {
                    assertEquals(1, h.result(reads[i]));
                }
                assertEquals(0, h.executor.inFlight());
            }
            finally
            {
                for (final int[] fd : fds)
                {
                    if (fd != null)
                    {
                        UringTests.close(fd);
                    }
                }
            }
        }
    }

    @Test
    void readsOfOnePipeGoToTheKernelOneAtATime()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final int[] pipe = UringTests.pipe(h.arena);
            try
            {
                final MemorySegment first = untouched(h, 4);
                final MemorySegment second = untouched(h, 4);
                final int a = h.start(Syscall.READ, pipe[0], first.address(), 4);
                final int b = h.start(Syscall.READ, pipe[0], second.address(), 4);
                h.cycles(2);
                assertEquals(1, h.executor.inKernel(), "the second waits behind the first");
                assertEquals(2, h.executor.inFlight());
                UringTests.writeFully(h.arena, pipe[1], new byte[] {1, 2, 3});
                h.pumpUntil(() -> h.done(a), "first read");
                assertEquals(3, h.result(a));
                h.cycles(2);
                assertFalse(h.done(b));
                assertUntouched(second, "the second read's buffer before its data");
                UringTests.writeFully(h.arena, pipe[1], new byte[] {4});
                h.pumpUntil(() -> h.done(b), "second read");
                assertEquals(1, h.result(b));
                assertEquals(4, second.get(ValueLayout.JAVA_BYTE, 0));
            }
            finally
            {
                UringTests.close(pipe);
            }
        }
    }

    @Test
    void callsWithoutAnIoUringOpRunOnTheFallback()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions().fallbackFor(Syscall.PREAD)))
        {
            final String path = dir.resolve("f").toString();
            final int fd = h.openFile(path, O_RDWR | O_CREAT, 0644);
            final MemorySegment buf = h.arena.allocate(8).fill((byte)3);
            assertEquals(8, h.direct(Syscall.PWRITE, fd, buf.address(), 8, 0));
            final int pid = h.start(Syscall.GETPID);
            final int seek = h.start(Syscall.LSEEK, fd, 5, 0);
            final int pread = h.start(Syscall.PREAD, fd, buf.address(), 8, 0);
            final int negative = h.start(Syscall.PREAD, fd, buf.address(), 8, -1); // excluded anyway
            assertEquals(ProcessHandle.current().pid(), h.result(pid));
            assertEquals(5, h.result(seek));
            assertEquals(8, h.result(pread));
            assertEquals(-Errno.EINVAL, h.result(negative));
            assertEquals(4, h.executor.stats().fallbackCalls());
            assertEquals(0, h.executor.stats().submitted());
            assertEquals(0, h.direct(Syscall.CLOSE, fd));
        }
    }

    @Test
    void aNegativeOffsetIsTheSyscallsEinvalNotTheCurrentPosition()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final int fd = h.openFile(dir.resolve("g").toString(), O_RDWR | O_CREAT, 0644);
            final MemorySegment buf = h.arena.allocate(8);
            final int read = h.start(Syscall.PREAD, fd, buf.address(), 8, -1);
            final int write = h.start(Syscall.PWRITE, fd, buf.address(), 8, -1);
            assertEquals(-Errno.EINVAL, h.result(read));
            assertEquals(-Errno.EINVAL, h.result(write));
            assertEquals(2, h.executor.stats().fallbackCalls());
            assertEquals(0, h.direct(Syscall.CLOSE, fd));
        }
    }

    /**
     * Linux 6.18 polls an O_NONBLOCK pipe like a blocking one (the read waits in the ring); kernels that answer
     * EAGAIN instead send the call to the fallback, whose reactor would wait (the inline fallback answers EAGAIN).
     */
    @Test
    void aReadOfANonBlockingPipeWithoutDataWaitsInTheRingOrInTheFallback()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final MemorySegment fds = h.arena.allocate(ValueLayout.JAVA_INT, 2);
            assertEquals(0, UringNative.pipe2(UringNative.threadCapture(), fds.address(),
                UringNative.O_CLOEXEC | O_NONBLOCK));
            final int[] pipe = {fds.get(ValueLayout.JAVA_INT, 0), fds.get(ValueLayout.JAVA_INT, 4)};
            try
            {
                final MemorySegment buf = untouched(h, 8);
                final int read = h.start(Syscall.READ, pipe[0], buf.address(), 8);
                h.cycles(3);
                if (h.executor.stats().fallbackCalls() == 1)
                {
                    assertEquals(-Errno.EAGAIN, h.result(read), "EAGAIN from io_uring: the fallback's answer");
                }
                else
                {
                    assertFalse(h.done(read), "waits in the ring without blocking the server");
                    UringTests.writeFully(h.arena, pipe[1], new byte[] {7, 7, 7});
                    h.pumpUntil(() -> h.done(read), "the read after data came");
                    assertEquals(3, h.result(read));
                }
            }
            finally
            {
                UringTests.close(pipe);
            }
        }
    }

    @Test
    void bigCountsAndVectorCountsGetTheSyscallsAnswers()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final int fd = h.openFile(dir.resolve("v").toString(), O_RDWR | O_CREAT, 0644);
            final MemorySegment iov = h.arena.allocate(16);
            final List<long[]> cases = new ArrayList<>();
            cases.add(new long[] {Syscall.READV.op(), fd, iov.address(), 2000});   // > IOV_MAX: EINVAL
            cases.add(new long[] {Syscall.READV.op(), fd, iov.address(), -1});     // negative: to the fallback
            cases.add(new long[] {Syscall.WRITEV.op(), fd, iov.address(), 0});     // nothing to write: 0
            for (final long[] c : cases)
            {
                final Syscall op = Syscall.fromOp((int)c[0]);
                final int handle = h.start(op, c[1], c[2], c[3]);
                h.pumpUntil(() -> h.done(handle), op + " " + c[3]);
                assertEquals(h.direct(op, c[1], c[2], c[3]), h.result(handle), op + " with count " + c[3]);
            }
            assertEquals(0, h.direct(Syscall.CLOSE, fd));
        }
    }

    @Test
    void openWriteStatCloseUnlinkMkdirRenameThroughTheRing() throws Exception
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final String file = dir.resolve("made").toString();
            final int open = h.start(Syscall.OPENAT, AT_FDCWD, UringTests.cString(h.arena, file), O_RDWR | O_CREAT, 0600);
            h.pumpUntil(() -> h.done(open), "openat");
            final int fd = (int)h.result(open);
            assertTrue(fd >= 0, "openat: " + fd);
            final MemorySegment text = h.arena.allocateFrom("hello, ring");
            final int write = h.start(Syscall.WRITE, fd, text.address(), 11);
            final int truncate = h.call(Syscall.FTRUNCATE, fd, 5);
            h.pumpUntil(() -> h.done(write), "write");
            h.executor.start(truncate);
            final int sync = h.start(Syscall.FDATASYNC, fd);
            h.pumpUntil(() -> h.done(truncate) && h.done(sync), "ftruncate and fdatasync");
            assertEquals(11, h.result(write));
            assertEquals(0, h.result(truncate));
            assertEquals(0, h.result(sync));
            final int close = h.start(Syscall.CLOSE, fd);
            h.pumpUntil(() -> h.done(close), "close");
            assertEquals(0, h.result(close));
            assertEquals("hello", Files.readString(Path.of(file)));
            assertNull(UringTests.fdTarget(fd), "the fd is closed");

            final int mkdir = h.start(Syscall.MKDIRAT, AT_FDCWD, UringTests.cString(h.arena, dir.resolve("d").toString()), 0755);
            final int rename = h.call(Syscall.RENAMEAT, AT_FDCWD, UringTests.cString(h.arena, file), AT_FDCWD,
                UringTests.cString(h.arena, dir.resolve("d/moved").toString()));
            h.pumpUntil(() -> h.done(mkdir), "mkdirat");
            h.executor.start(rename);
            h.pumpUntil(() -> h.done(rename), "renameat");
            final int unlink = h.start(Syscall.UNLINKAT, AT_FDCWD, UringTests.cString(h.arena, dir.resolve("d/moved").toString()), 0);
            h.pumpUntil(() -> h.done(unlink), "unlinkat");
            assertEquals(0, h.result(mkdir));
            assertEquals(0, h.result(rename));
            assertEquals(0, h.result(unlink));
            assertFalse(Files.exists(dir.resolve("d/moved")));
            assertEquals(0, h.executor.stats().fallbackCalls());
        }
    }

    @Test
    void badInputGetsTheSameErrnoAsTheSyscall()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final String file = dir.resolve("ro").toString();
            final int ro = h.openFile(file, O_RDONLY | O_CREAT, 0644);
            final int dirFd = h.openFile(dir.toString(), O_RDONLY | O_DIRECTORY, 0);
            final MemorySegment buf = h.arena.allocate(64);
            final MemorySegment statx = h.arena.allocate(StatxDescriptor.LENGTH);
            final long missing = UringTests.cString(h.arena, dir.resolve("missing/none").toString());
            final long existing = UringTests.cString(h.arena, dir.toString());
            final List<long[]> cases = List.of(
                new long[] {Syscall.READ.op(), 9999, buf.address(), 64},
                new long[] {Syscall.PREAD.op(), -5, buf.address(), 64, 0},
                new long[] {Syscall.READ.op(), dirFd, buf.address(), 64},
                new long[] {Syscall.PREAD.op(), dirFd, buf.address(), 64, 0},
                new long[] {Syscall.WRITE.op(), ro, buf.address(), 64},
                new long[] {Syscall.PWRITE.op(), ro, buf.address(), 64, 0},
                new long[] {Syscall.OPENAT.op(), AT_FDCWD, missing, O_RDONLY, 0},
                new long[] {Syscall.STATX.op(), AT_FDCWD, missing, 0, STATX_BASIC_STATS, statx.address()},
                new long[] {Syscall.STATX.op(), 9999, UringTests.cString(h.arena, "rel"), 0, STATX_BASIC_STATS, statx.address()},
                new long[] {Syscall.UNLINKAT.op(), AT_FDCWD, missing, 0},
                new long[] {Syscall.MKDIRAT.op(), AT_FDCWD, existing, 0755},
                new long[] {Syscall.RENAMEAT.op(), AT_FDCWD, missing, AT_FDCWD, missing},
                new long[] {Syscall.FSYNC.op(), 9999},
                new long[] {Syscall.FDATASYNC.op(), -1},
                new long[] {Syscall.FTRUNCATE.op(), ro, 10},
                new long[] {Syscall.FTRUNCATE.op(), dirFd, 10},
                new long[] {Syscall.CLOSE.op(), 9999});
            for (final long[] c : cases)
            {
                final Syscall op = Syscall.fromOp((int)c[0]);
                final long[] args = Arrays.copyOfRange(c, 1, c.length);
                final long delegatedBefore = h.executor.stats().fallbackCalls();
                final int handle = h.start(op, args);
                h.pumpUntil(() -> h.done(handle), op.toString());
                final long expected = h.direct(op, args);
                assertTrue(expected < 0, op + " should fail directly: " + expected);
                assertEquals(Errno.name((int)-expected), Errno.name((int)-h.result(handle)),
                    op + Arrays.toString(args) + " through io_uring vs directly");
                assertEquals(delegatedBefore, h.executor.stats().fallbackCalls(), op + " was answered by io_uring");
                h.release(handle);
            }
            assertEquals(0, h.direct(Syscall.CLOSE, ro));
            assertEquals(0, h.direct(Syscall.CLOSE, dirFd));
        }
    }

    @Test
    void aBoundTooLargeForTheRingSizeAskedForIsRefused()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final IllegalArgumentException ex = assertThrows(
                IllegalArgumentException.class, () -> new IoUringExecutor(h.context(),
                    new IoUringExecutorOptions().maxInFlight(256).ringEntries(256),
                    context -> new ExecutorHarness.InlineFallback(h)));
            assertTrue(ex.getMessage().contains("at least 515"), ex.getMessage());
        }
    }
}
