package io.offload.servers.uring;

import com.sun.management.ThreadMXBean;
import io.offload.api.Errno;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.offload.api.LinuxConstants.AT_FDCWD;
import static io.offload.api.LinuxConstants.O_CLOEXEC;
import static io.offload.api.LinuxConstants.O_RDONLY;
import static io.offload.servers.uring.IoUringConstants.IORING_FEAT_NODROP;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_COOP_TASKRUN;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_CQSIZE;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_DEFER_TASKRUN;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_SINGLE_ISSUER;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_SUBMIT_ALL;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_TASKRUN_FLAG;
import static io.offload.servers.uring.UringTests.Cqes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ring against the real kernel: setup and close leave nothing behind, NOPs round-trip their user_data through
 * many laps of a small ring, 256 reads in flight complete out of order, a CQ too small for what was submitted loses
 * nothing, the optional setup flags work (or fall back), and bad arguments are refused with a message.
 */
class IoUringTest
{
    @BeforeEach
    void requireIoUring()
    {
        UringTests.assumeIoUring();
    }

    @Test
    void setupAndCloseLeaveNoFdAndNoMapping()
    {
        final List<String> fdsBefore = UringTests.openFds();
        final List<int[]> fds = new ArrayList<>();
        final List<long[]> mappings = new ArrayList<>();
        for (int i = 0; i < 20; i++)
        {
            try (IoUring ring = IoUring.open(new IoUringOptions().entries(8 << (i % 4)).wakeable(i % 2 == 0)))
            {
                assertTrue(UringTests.fdTarget(ring.fd()).contains("io_uring"), UringTests.fdTarget(ring.fd()));
                final long[] m = ring.mappings();
                final List<String> maps = UringTests.maps();
                assertNotNull(UringTests.mappingOf(maps, m[0]), "SQ ring mapped");
                assertNotNull(UringTests.mappingOf(maps, m[4]), "SQEs mapped");
                fds.add(new int[] {ring.fd(), ring.wakeFd()});
                mappings.add(m);
                // use it, so that close also has a used ring (and an armed wake-up poll) to take down
                ring.nextSqe().prepNop().userData(i);
                new Cqes().await(ring, 1);
            }
        }
        final List<String> maps = UringTests.maps();
        for (final long[] m : mappings)
        {
            assertNull(UringTests.mappingOf(maps, m[0]), "SQ ring still mapped");
            assertNull(UringTests.mappingOf(maps, m[4]), "SQE array still mapped");
            if (m[3] != 0)
            {
                assertNull(UringTests.mappingOf(maps, m[2]), "CQ ring still mapped");
            }
        }
        for (final String line : maps)
        {
            assertFalse(line.contains("io_uring"), "an io_uring mapping is left: " + line);
        }
        assertEquals(fdsBefore.size(), UringTests.openFds().size(), "fds now: " + UringTests.openFds());
        for (final int[] pair : fds)
        {
            final String ring = UringTests.fdTarget(pair[0]);
            assertTrue(ring == null || !ring.contains("io_uring"), "ring fd left open: " + ring);
            final String eventFd = pair[1] < 0 ? null : UringTests.fdTarget(pair[1]);
            assertTrue(eventFd == null || !eventFd.contains("eventfd"), "eventfd left open: " + eventFd);
        }
    }

    @Test
    void aClosedRingRefusesUseAndClosesOnce()
    {
        final IoUring ring = IoUring.open(new IoUringOptions().entries(4).wakeable(true));
        ring.close();
        ring.close();
        assertThrows(IllegalStateException.class, ring::nextSqe);
        assertThrows(IllegalStateException.class, () -> ring.submitAndWait(0, 0, (u, r, f) -> { }));
        assertThrows(IllegalStateException.class, () -> ring.reap((u, r, f) -> { }));
        assertFalse(ring.wake(), "a wake-up after close is refused, not written to a reused fd");
    }

    @Test
    void nopRoundTripsItsUserData()
    {
        try (IoUring ring = IoUring.open(4))
        {
            assertTrue(ring.hasFeature(IORING_FEAT_NODROP));
            assertEquals(4, ring.sqEntries());
            assertEquals(8, ring.cqEntries());
            ring.nextSqe().prepNop().userData(0x0123_4567_89ab_cdefL);
            ring.nextSqe().prepNop().userData(Long.MIN_VALUE);
            assertEquals(2, ring.sqPending());
            assertEquals(2, ring.submitAndWait(2, -1, (u, r, f) -> { }));
            assertEquals(0, ring.sqPending());
            assertEquals(2, ring.cqReady());
            final Cqes cqes = new Cqes();
            assertEquals(2, ring.reap(cqes));
            assertEquals(List.of(0x0123_4567_89ab_cdefL, Long.MIN_VALUE), cqes.userData);
            assertEquals(List.of(0, 0), cqes.res);
            assertEquals(0, ring.cqReady());
            assertEquals(0, ring.reap(cqes), "nothing twice");
        }
    }

    @Test
    void nothingToDoMakesNoSystemCall()
    {
        try (IoUring ring = IoUring.open(4))
        {
            final long enters = ring.enters();
            assertEquals(0, ring.submitAndWait(0, 0, (u, r, f) -> { }));
            assertEquals(0, ring.submitAndWait(1, 0, (u, r, f) -> { }), "timeout 0 does not wait");
            assertEquals(enters, ring.enters());
        }
    }

    @Test
    void manyLapsOfASmallRing()
    {
        try (IoUring ring = IoUring.open(8))
        {
            final Cqes cqes = new Cqes();
            final int total = 10_000;
            int queued = 0;
            while (queued < total)
            {
                Sqe sqe;
                while (queued < total && (sqe = ring.nextSqe()) != null)
                {
                    sqe.prepNop().userData(queued++);
                }
                assertNull(queued < total ? ring.nextSqe() : null, "the SQ holds 8");
                ring.submitAndWait(0, 0, cqes);
                ring.reap(cqes);
            }
            cqes.await(ring, total);
            assertEquals(total, cqes.size());
            final Set<Long> seen = new HashSet<>(cqes.userData);
            assertEquals(total, seen.size(), "each user_data once");
            assertEquals(0, ring.cqOverflow());
        }
    }

    @Test
    void readsInFlightCompleteOutOfOrder(final @TempDir Path dir) throws IOException
    {
        final int pipes = 128;
        final int fileReads = 128;
        final int block = 4096;
        final byte[] content = new byte[fileReads * block];
        new Random(42).nextBytes(content);
        final Path file = Files.write(dir.resolve("data"), content);
        final int[][] pipeFds = new int[pipes][];
        int fileFd = -1;
        try (Arena arena = Arena.ofConfined();
             IoUring ring = IoUring.open(new IoUringOptions().entries(256)))
        {
            fileFd = openRead(arena, file);
            final MemorySegment buffers = arena.allocate((long)(pipes + fileReads) * block, 4096);
            for (int i = 0; i < pipes; i++)
            {
                pipeFds[i] = UringTests.pipe(arena);
            }
            // 256 reads, user_data = index: even ones wait on their pipe, odd ones read the file in reverse order
            final int[] fileBlockOf = new int[pipes + fileReads];
            for (int i = 0; i < pipes + fileReads; i++)
            {
                final long buf = buffers.address() + (long)i * block;
                if (i % 2 == 0)
                {
                    ring.nextSqe().prepRead(pipeFds[i / 2][0], buf, block, -1).userData(i);
                }
                else
                {
                    fileBlockOf[i] = fileReads - 1 - i / 2;
                    ring.nextSqe().prepRead(fileFd, buf, block, (long)fileBlockOf[i] * block).userData(i);
                }
            }
            assertEquals(256, ring.submitAndWait(0, 0, (u, r, f) -> { }), "one enter takes all 256");
            final Cqes cqes = new Cqes().await(ring, fileReads);
            for (int i = 1; i < pipes + fileReads; i += 2)
            {
                assertEquals(block, cqes.resOf(i), "file read " + i);
                final byte[] expected = Arrays.copyOfRange(
                    content, fileBlockOf[i] * block, (fileBlockOf[i] + 1) * block);
                assertArrayEquals(expected, buffers.asSlice((long)i * block, block).toArray(ValueLayout.JAVA_BYTE));
            }
            assertEquals(fileReads, cqes.size(), "the pipe reads are still in the kernel");
            // feed the pipes last to first: their reads complete in that order, not in submission order
            cqes.clear();
            for (int p = pipes - 1; p >= 0; p--)
            {
                UringTests.writeFully(arena, pipeFds[p][1], new byte[] {(byte)p, (byte)(p >> 8), 7});
                cqes.await(ring, pipes - p);
            }
            final List<Long> expectedOrder = new ArrayList<>();
            for (int p = pipes - 1; p >= 0; p--)
            {
                expectedOrder.add((long)p * 2);
            }
            assertEquals(expectedOrder, cqes.userData, "completion order is the order the data came in");
            for (int p = 0; p < pipes; p++)
            {
                assertEquals(3, cqes.resOf(p * 2L));
                assertEquals((byte)p, buffers.get(ValueLayout.JAVA_BYTE, (long)p * 2 * block));
            }
        }
        finally
        {
            UringTests.close(fileFd);
            for (final int[] pair : pipeFds)
            {
                if (pair != null)
                {
                    UringTests.close(pair);
                }
            }
        }
    }

    static int openRead(final Arena arena, final Path file)
    {
        try (IoUring ring = IoUring.open(2))
        {
            ring.nextSqe().prepOpenat(AT_FDCWD, UringTests.cString(arena, file.toString()),
                O_RDONLY | O_CLOEXEC, 0).userData(1);
            final int fd = new Cqes().await(ring, 1).resOf(1);
            assertTrue(fd >= 0, "openat: " + Errno.name(-fd));
            return fd;
        }
    }

    @Test
    void aFullCompletionQueueLosesNothing()
    {
        // SQ 2, CQ 4: submit 64 NOPs without reaping; the kernel keeps 60 in its overflow list (NODROP)
        try (IoUring ring = IoUring.open(new IoUringOptions().entries(2).cqEntries(4)))
        {
            assertEquals(IORING_SETUP_CQSIZE, ring.setupFlags() & IORING_SETUP_CQSIZE);
            assertEquals(4, ring.cqEntries());
            final Cqes cqes = new Cqes();
            final int total = 64;
            for (int i = 0; i < total; i += 2)
            {
                ring.nextSqe().prepNop().userData(i);
                ring.nextSqe().prepNop().userData(i + 1);
                assertEquals(2, ring.submitAndWait(0, 0, cqes), "the kernel takes SQEs while the CQ overflows");
            }
            assertEquals(0, cqes.size(), "submitting did not need to reap");
            assertEquals(4, ring.cqReady());
            assertTrue(ring.cqOverflowPending(), "IORING_SQ_CQ_OVERFLOW is set");
            assertEquals(total, ring.reap(cqes), "reap flushes the overflow list into the room it makes");
            assertTrue(ring.overflowFlushes() > 0);
            assertFalse(ring.cqOverflowPending());
            assertEquals(0, ring.cqOverflow(), "nothing dropped");
            final List<Long> expected = new ArrayList<>();
            for (long i = 0; i < total; i++)
            {
                expected.add(i);
            }
            assertEquals(expected, cqes.userData, "all, each once, in completion order");
        }
    }

    @Test
    void optionalSetupFlagsWorkWhereTheKernelHasThem(final @TempDir Path dir)
    {
        final IoUringOptions[] variants = {
            new IoUringOptions().entries(8),
            new IoUringOptions().entries(8).singleIssuer(true),
            new IoUringOptions().entries(8).singleIssuer(true).deferTaskrun(true),
            new IoUringOptions().entries(8).coopTaskrun(true),
            new IoUringOptions().entries(8).coopTaskrun(true).submitAll(true).singleIssuer(true),
            new IoUringOptions().entries(8).deferTaskrun(true).wakeable(true),
        };
        for (final IoUringOptions options : variants)
        {
            try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.open(options))
            {
                final int asked = options.optionalFlags();
                assertEquals(0, ring.setupFlags() & ~(asked | IORING_SETUP_TASKRUN_FLAG), "no flag we did not ask for");
                System.out.println("setup " + options + " -> " + IoUringConstants.setupFlagNames(ring.setupFlags()));
                // a read that completes later, from another context: with DEFER_TASKRUN its completion waits for
                // this thread to enter with GETEVENTS, which the ring does when IORING_SQ_TASKRUN says so
                final int[] pipe = UringTests.pipe(arena);
                try
                {
                    final MemorySegment buf = arena.allocate(16);
                    ring.nextSqe().prepRead(pipe[0], buf.address(), 16, -1).userData(5);
                    ring.nextSqe().prepNop().userData(6);
                    final Cqes cqes = new Cqes().await(ring, 1);
                    assertEquals(0, cqes.resOf(6));
                    UringTests.writeFully(arena, pipe[1], new byte[] {1, 2, 3});
                    cqes.await(ring, 2);
                    assertEquals(3, cqes.resOf(5));
                }
                finally
                {
                    UringTests.close(pipe);
                }
            }
        }
    }

    @Test
    void setupFallsBackFlagByFlagOnEinval()
    {
        final int optional = new IoUringOptions().deferTaskrun(true).coopTaskrun(true).submitAll(true).optionalFlags();
        assertEquals(IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN |
            IORING_SETUP_SUBMIT_ALL | IORING_SETUP_TASKRUN_FLAG, optional);
        // a kernel that knows none of them (5.17): everything optional is dropped, CQSIZE kept
        final List<Integer> tried = new ArrayList<>();
        final int[] plain = IoUring.setupWithFallback(IORING_SETUP_CQSIZE, optional, true, flags ->
        {
            tried.add(flags);
            return (flags & ~IORING_SETUP_CQSIZE) == 0 ? 7 : -Errno.EINVAL;
        });
        assertArrayEquals(new int[] {7, IORING_SETUP_CQSIZE}, plain);
        assertEquals(List.of(
            IORING_SETUP_CQSIZE | optional,
            IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL |
                IORING_SETUP_TASKRUN_FLAG,
            IORING_SETUP_CQSIZE | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_TASKRUN_FLAG,
            IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL,
            IORING_SETUP_CQSIZE), tried);
        // a 6.0 kernel: SINGLE_ISSUER but no DEFER_TASKRUN
        final int[] six = IoUring.setupWithFallback(0, optional, true,
            flags -> (flags & IORING_SETUP_DEFER_TASKRUN) != 0 ? -Errno.EINVAL : 3);
        assertEquals(optional & ~IORING_SETUP_DEFER_TASKRUN, six[1]);
        // no fallback, or an error other than EINVAL: the first answer stands
        assertArrayEquals(new int[] {-Errno.EINVAL, optional},
            IoUring.setupWithFallback(0, optional, false, flags -> -Errno.EINVAL));
        assertArrayEquals(new int[] {-Errno.EPERM, optional},
            IoUring.setupWithFallback(0, optional, true, flags -> -Errno.EPERM));
        // nothing left to drop
        assertArrayEquals(new int[] {-Errno.EINVAL, IORING_SETUP_CQSIZE},
            IoUring.setupWithFallback(IORING_SETUP_CQSIZE, 0, true, flags -> -Errno.EINVAL));
    }

    @Test
    void aTimedWaitWithNothingToWaitForEnds()
    {
        try (IoUring ring = IoUring.open(4))
        {
            final Cqes cqes = new Cqes();
            assertEquals(0, ring.submitAndWait(1, 1_000_000L, cqes), "ETIME is a return, not an error");
            assertEquals(0, ring.reap(cqes));
        }
    }

    @Test
    void probeSaysWhatThisKernelSupports()
    {
        try (IoUring ring = IoUring.open(2))
        {
            final Probe probe = ring.probe();
            System.out.println(probe);
            System.out.println("unsupported: " + probe.unsupportedNames());
            assertTrue(probe.lastOp() >= IoUringConstants.IORING_OP_FALLOCATE, probe.toString());
            for (final int op : new int[] {IoUringConstants.IORING_OP_NOP, IoUringConstants.IORING_OP_READ,
                IoUringConstants.IORING_OP_WRITE, IoUringConstants.IORING_OP_READV, IoUringConstants.IORING_OP_WRITEV,
                IoUringConstants.IORING_OP_FSYNC, IoUringConstants.IORING_OP_POLL_ADD,
                IoUringConstants.IORING_OP_ASYNC_CANCEL, IoUringConstants.IORING_OP_LINK_TIMEOUT,
                IoUringConstants.IORING_OP_OPENAT, IoUringConstants.IORING_OP_CLOSE, IoUringConstants.IORING_OP_STATX})
            {
                assertTrue(probe.isSupported(op), IoUringConstants.opcodeName(op) + " in " + probe);
            }
            assertFalse(probe.isSupported(probe.lastOp() + 1));
            assertFalse(probe.isSupported(-1));
            assertFalse(probe.isSupported(256));
            assertEquals(probe.supportedCount(), probe.supportedNames().size());
        }
    }

    @Test
    void msgRingPostsACompletionToAnotherRing()
    {
        try (IoUring sender = IoUring.open(4);
             IoUring target = IoUring.open(new IoUringOptions().entries(4).singleIssuer(true).deferTaskrun(true)))
        {
            assumeTrue(
                sender.probe().isSupported(IoUringConstants.IORING_OP_MSG_RING), "MSG_RING needs Linux 5.18");
            sender.nextSqe().prepMsgRing(target.fd(), 1234, 0x77, 0).userData(1);
            assertEquals(0, new Cqes().await(sender, 1).resOf(1));
            final Cqes received = new Cqes().await(target, 1);
            assertEquals(1234, received.resOf(0x77));
        }
    }

    @Test
    void badArgumentsAreRefusedWithAMessage()
    {
        assertThrows(IllegalArgumentException.class, () -> new IoUringOptions().entries(0));
        assertThrows(IllegalArgumentException.class, () -> new IoUringOptions().entries(IoUring.MAX_ENTRIES + 1));
        assertThrows(IllegalArgumentException.class, () -> new IoUringOptions().cqEntries(-1));
        assertThrows(IllegalArgumentException.class, () -> IoUring.open((IoUringOptions)null));
        final IoUringException tooSmallCq = assertThrows(IoUringException.class,
            () -> IoUring.open(new IoUringOptions().entries(8).cqEntries(2)));
        assertEquals(Errno.EINVAL, tooSmallCq.errno());
        assertEquals("io_uring_setup", tooSmallCq.call());
        assertThrows(IllegalArgumentException.class, () -> IoUring.open(new IoUringOptions().entries(1).wakeable(true)));
        try (IoUring ring = IoUring.open(8))
        {
            final IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> ring.nextSqe().prepNop().userData(IoUring.WAKE_USER_DATA));
            assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ring.nextSqe().prepRead(0, 0, -1, 0));
            assertThrows(IllegalArgumentException.class, () -> ring.nextSqe().flags(0x100));
            assertThrows(IllegalArgumentException.class, () -> ring.submitAndWait(-1, 0, (u, r, f) -> { }));
            assertThrows(IllegalArgumentException.class, () -> ring.submitAndWait(ring.cqEntries() + 1, 0, (u, r, f) -> { }));
            assertThrows(IllegalArgumentException.class, () -> ring.submitAndWait(0, 0, null));
            assertThrows(IllegalArgumentException.class, () -> ring.reap(null));
            assertThrows(IllegalStateException.class, ring::wake, "not wakeable");
            assertThrows(IllegalArgumentException.class,
                () -> ring.nextSqe().prepRead(0, 0, 1, 0).userData(IoUring.IGNORED_USER_DATA));
            assertThrows(IllegalArgumentException.class,
                () -> ring.register(IoUringConstants.IORING_REGISTER_PROBE, MemorySegment.ofArray(new byte[8]), 1));
            // the refused SQEs were neutralised into NOPs: submitted, they complete unseen and read nothing
            ring.nextSqe();
            final Cqes cqes = new Cqes();
            ring.nextSqe().prepNop().userData(99);
            cqes.await(ring, 1);
            ring.submitAndWait(0, 0, cqes);
            assertEquals(List.of(99L), cqes.userData);
            assertEquals(5, ring.ignoredCompletions(), "four refused and one never filled");
        }
    }

    @Test
    void aFailingHandlerKeepsTheRestForTheNextReap()
    {
        try (IoUring ring = IoUring.open(4))
        {
            for (int i = 0; i < 3; i++)
            {
                ring.nextSqe().prepNop().userData(i);
            }
            ring.submitAndWait(3, -1, (u, r, f) -> { });
            final List<Long> seen = new ArrayList<>();
            assertThrows(IllegalStateException.class, () -> ring.reap((u, r, f) ->
            {
                seen.add(u);
                if (u == 1)
                {
                    throw new IllegalStateException("handler failed on " + u);
                }
            }));
            assertEquals(List.of(0L, 1L), seen);
            final Cqes rest = new Cqes();
            assertEquals(1, ring.reap(rest), "the CQE after the failing one stays, the failing one is not handed twice");
            assertEquals(List.of(2L), rest.userData);
        }
    }

    /** Sums what the reaper hands over: a handler that allocates nothing. */
    private static final class Summing implements CqeHandler
    {
        long sum;
        int count;

        @Override
        public void onCqe(final long userData, final int res, final int flags)
        {
            sum += userData + res;
            count++;
        }
    }

    private static void cycle(final IoUring ring, final Summing handler, final int fd, final long buf, final int i)
    {
        ring.nextSqe().prepNop().userData(i);
        ring.nextSqe().prepRead(fd, buf, 64, 0).userData(i + 1);
        ring.submitAndWait(2, -1, handler);
        ring.reap(handler);
    }

    @Test
    void theDutyCycleAllocatesNothing(final @TempDir Path dir) throws IOException
    {
        final Path file = Files.write(dir.resolve("small"), new byte[64]);
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.open(new IoUringOptions().entries(8).wakeable(true)))
        {
            final int fd = openRead(arena, file);
            try
            {
                final long buf = arena.allocate(64).address();
                final Summing handler = new Summing();
                final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
                // rounds until the JIT has compiled the cycle (the interpreter allocates; compiled code must not)
                long allocated = Long.MAX_VALUE;
                int cycles = 0;
                for (int round = 0; round < 150 && allocated > 0; round++)
                {
                    final long before = threads.getThreadAllocatedBytes(Thread.currentThread().threadId());
                    for (int i = 0; i < 2_000; i++)
                    {
                        cycle(ring, handler, fd, buf, cycles++);
                    }
                    allocated = threads.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
                }
                assertEquals(2 * cycles, handler.count);
                assertEquals(0, allocated, "2,000 compiled cycles (2 SQEs, one enter, one reap) allocated bytes");
            }
            finally
            {
                UringTests.close(fd);
            }
        }
    }

    @Test
    void aSingleIssuerRingRefusesAnotherThread() throws Exception
    {
        try (IoUring ring = IoUring.open(new IoUringOptions().entries(4).singleIssuer(true)))
        {
            assumeTrue(
                (ring.setupFlags() & IORING_SETUP_SINGLE_ISSUER) != 0, "SINGLE_ISSUER needs Linux 6.0");
            ring.nextSqe().prepNop().userData(1);
            final CompletableFuture<Throwable> other = new CompletableFuture<>();
            final Thread thread = new Thread(() ->
            {
                try
                {
                    ring.submitAndWait(0, 0, (u, r, f) -> { });
                    other.complete(null);
                }
                catch (final Throwable ex)
                {
                    other.complete(ex);
                }
            });
            thread.start();
            thread.join();
            final IoUringException refused = assertInstanceOf(IoUringException.class, other.get());
            assertEquals(Errno.EEXIST, refused.errno());
            assertTrue(refused.getMessage().contains("SINGLE_ISSUER"), refused.getMessage());
            assertEquals(1, new Cqes().await(ring, 1).size(), "its own thread still submits");
        }
    }
}
