package io.offload.servers.uring;

import io.offload.api.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.offload.api.LinuxConstants.EPOLLIN;
import static io.offload.api.LinuxConstants.EPOLLOUT;
import static io.offload.servers.uring.IoUringConstants.IORING_ASYNC_CANCEL_ALL;
import static io.offload.servers.uring.IoUringConstants.IORING_CQE_F_MORE;
import static io.offload.servers.uring.IoUringConstants.IOSQE_IO_LINK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests that wait, and how they end early: ASYNC_CANCEL by user_data and by fd (the buffer of a cancelled read is
 * never written, and the data it would have read stays in the pipe), LINK_TIMEOUT either way round, TIMEOUT by time
 * and by count, TIMEOUT_REMOVE, and POLL_ADD / POLL_REMOVE. Pipes without data stand for requests that never end.
 */
class IoUringCancelTest
{
    private static final byte UNTOUCHED = 0x5a;

    private Arena arena;
    private IoUring ring;
    private int[] pipe;
    private final UringTests.Cqes cqes = new UringTests.Cqes();

    @BeforeEach
    void open()
    {
        UringTests.assumeIoUring();
        arena = Arena.ofConfined();
        ring = IoUring.open(16);
        pipe = UringTests.pipe(arena);
    }

    @AfterEach
    void closeAll()
    {
        if (pipe != null)
        {
            UringTests.close(pipe);
        }
        if (ring != null)
        {
            ring.close();
        }
        if (arena != null)
        {
            arena.close();
        }
    }

    private MemorySegment timespec(final long seconds, final long nanos)
    {
        final MemorySegment ts = arena.allocate(GeteventsArgDescriptor.TIMESPEC_LENGTH, 8);
        ts.set(ValueLayout.JAVA_LONG, GeteventsArgDescriptor.TV_SEC_OFFSET, seconds);
        ts.set(ValueLayout.JAVA_LONG, GeteventsArgDescriptor.TV_NSEC_OFFSET, nanos);
        return ts;
    }

    private MemorySegment untouchedBuffer(final int length)
    {
        return arena.allocate(length).fill(UNTOUCHED);
    }

    private static void assertUntouched(final MemorySegment buffer)
    {
        for (long i = 0; i < buffer.byteSize(); i++)
        {
            assertEquals(UNTOUCHED, buffer.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " of the cancelled read's buffer");
        }
    }

    @Test
    void cancelOfAReadThatNeverGetsData()
    {
        final MemorySegment buffer = untouchedBuffer(64);
        ring.nextSqe().prepRead(pipe[0], buffer.address(), 64, -1).userData(1);
        assertEquals(1, ring.submitAndWait(0, 0, cqes));
        assertEquals(0, ring.reap(cqes), "the read waits in the kernel");

        ring.nextSqe().prepAsyncCancel(1, 0).userData(2);
        cqes.await(ring, 2);
        assertEquals(-Errno.ECANCELED, cqes.resOf(1), "the read");
        assertEquals(0, cqes.resOf(2), "the cancel found it");

        // data that arrives now is not written into the cancelled read's buffer: it waits in the pipe
        UringTests.writeFully(arena, pipe[1], new byte[] {1, 2, 3});
        final MemorySegment other = arena.allocate(64);
        ring.nextSqe().prepRead(pipe[0], other.address(), 64, -1).userData(3);
        cqes.clear();
        assertEquals(3, cqes.await(ring, 1).resOf(3));
        assertEquals(1, other.get(ValueLayout.JAVA_BYTE, 0));
        assertUntouched(buffer);
    }

    @Test
    void cancelOfNothingSaysNoEntry()
    {
        ring.nextSqe().prepAsyncCancel(12345, 0).userData(1);
        assertEquals(-Errno.ENOENT, cqes.await(ring, 1).resOf(1));
    }

    @Test
    void cancelEveryRequestOnAnFd()
    {
        final MemorySegment a = untouchedBuffer(8);
        final MemorySegment b = untouchedBuffer(8);
        ring.nextSqe().prepRead(pipe[0], a.address(), 8, -1).userData(1);
        ring.nextSqe().prepRead(pipe[0], b.address(), 8, -1).userData(2);
        ring.submitAndWait(0, 0, cqes);
        ring.nextSqe().prepAsyncCancelFd(pipe[0], IORING_ASYNC_CANCEL_ALL).userData(3);
        cqes.await(ring, 3);
        assertEquals(2, cqes.resOf(3), "two requests cancelled");
        assertEquals(-Errno.ECANCELED, cqes.resOf(1));
        assertEquals(-Errno.ECANCELED, cqes.resOf(2));
        assertUntouched(a);
        assertUntouched(b);
    }

    @Test
    void aLinkTimeoutEndsAReadThatNeverGetsData()
    {
        final MemorySegment buffer = untouchedBuffer(16);
        ring.nextSqe().prepRead(pipe[0], buffer.address(), 16, -1).userData(1).flags(IOSQE_IO_LINK);
        ring.nextSqe().prepLinkTimeout(timespec(0, 10_000_000).address(), 0).userData(2);
        cqes.await(ring, 2);
        assertEquals(-Errno.ECANCELED, cqes.resOf(1), "the read, cut short");
        assertEquals(-Errno.ETIME, cqes.resOf(2), "the timeout fired");
        assertUntouched(buffer);
    }

    @Test
    void aLinkTimeoutIsCancelledByARequestThatCompletes()
    {
        UringTests.writeFully(arena, pipe[1], new byte[] {9, 8});
        final MemorySegment buffer = arena.allocate(16);
        ring.nextSqe().prepRead(pipe[0], buffer.address(), 16, -1).userData(1).flags(IOSQE_IO_LINK);
        ring.nextSqe().prepLinkTimeout(timespec(60, 0).address(), 0).userData(2);
        cqes.await(ring, 2);
        assertEquals(2, cqes.resOf(1));
        assertEquals(-Errno.ECANCELED, cqes.resOf(2));
    }

    @Test
    void timeoutsByTimeByCountAndRemoved()
    {
        ring.nextSqe().prepTimeout(timespec(0, 1_000_000).address(), 0, 0).userData(1);
        assertEquals(-Errno.ETIME, cqes.await(ring, 1).resOf(1), "a pure timer expires");

        cqes.clear();
        ring.nextSqe().prepTimeout(timespec(60, 0).address(), 1, 0).userData(2);
        ring.submitAndWait(0, 0, cqes);
        ring.nextSqe().prepNop().userData(3);
        cqes.await(ring, 2);
        assertEquals(0, cqes.resOf(2), "one other completion satisfied the count");

        cqes.clear();
        ring.nextSqe().prepTimeout(timespec(60, 0).address(), 0, 0).userData(4);
        ring.submitAndWait(0, 0, cqes);
        ring.nextSqe().prepTimeoutRemove(4, 0).userData(5);
        cqes.await(ring, 2);
        assertEquals(-Errno.ECANCELED, cqes.resOf(4));
        assertEquals(0, cqes.resOf(5));
    }

    @Test
    void pollAddAndRemove()
    {
        ring.nextSqe().prepPollAdd(pipe[0], EPOLLIN).userData(1);
        ring.submitAndWait(0, 0, cqes);
        assertEquals(0, ring.reap(cqes));
        UringTests.writeFully(arena, pipe[1], new byte[] {1});
        assertTrue((cqes.await(ring, 1).resOf(1) & EPOLLIN) != 0);

        cqes.clear();
        ring.nextSqe().prepPollMultishot(pipe[1], EPOLLOUT).userData(2);
        cqes.await(ring, 1);
        assertTrue((cqes.flags.get(0) & IORING_CQE_F_MORE) != 0, "a multishot poll stays armed");
        cqes.clear();
        ring.nextSqe().prepPollRemove(2).userData(3);
        cqes.await(ring, 2);
        assertEquals(0, cqes.resOf(3));
        assertEquals(-Errno.ECANCELED, cqes.resOf(2));
    }
}
