package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.rings.SyscallEntryDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static io.offload.servers.uring.IoUringExecutorTest.assertUntouched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How calls held by the io_uring executor end early, and the memory rule for each way: a deadline or a cancel of a
 * call in the kernel completes it only on its own CQE, after {@code IORING_OP_ASYNC_CANCEL} (its buffer is never
 * written afterwards, and the data it would have read stays in the pipe); a call in the FIFO or behind another ends
 * at once; a result that wins the race with the cancel is the answer, never both; settleAll with 256 calls in the
 * kernel completes each once and returns only after every CQE; a close cancels its fd's waiting read.
 */
class IoUringExecutorCancelTest
{
    private static final byte UNTOUCHED = 0x5a;

    private final List<int[]> pipes = new ArrayList<>();

    @BeforeEach
    void assumeIoUring()
    {
        UringTests.assumeIoUring();
    }

    @AfterEach
    void closePipes()
    {
        for (final int[] pipe : pipes)
        {
            UringTests.close(pipe);
        }
    }

    private int[] pipe(final ExecutorHarness h)
    {
        final int[] pipe = UringTests.pipe(h.arena);
        pipes.add(pipe);
        return pipe;
    }

    private static MemorySegment untouched(final ExecutorHarness h, final int length)
    {
        return h.arena.allocate(length).fill(UNTOUCHED);
    }

    /** What a caller does to cancel: set the flag, then (through the server) the executor's cancel. */
    private static boolean cancel(final ExecutorHarness h, final int handle)
    {
        h.entry.getAndOrFlags(handle, SyscallEntryDescriptor.FLAG_CANCEL_REQUESTED);
        return h.executor.cancel(handle);
    }

    /** The bytes in a pipe now, read directly (non-blocking: the pipe must have some). */
    private static byte[] drain(final ExecutorHarness h, final int fd, final int length)
    {
        final MemorySegment buf = h.arena.allocate(length);
        final long n = h.direct(Syscall.READ, fd, buf.address(), length);
        assertTrue(n > 0, "the pipe holds data: " + n);
        return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void aDeadlinePassedInTheKernelEndsWithEtimedoutOnItsOwnCqeAndItsBufferIsNeverWritten()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final int[] pipe = pipe(h);
            final MemorySegment buf = untouched(h, 32);
            final int read = h.call(Syscall.READ, pipe[0], buf.address(), 32);
            h.deadlines[read] = h.now + 1_000;
            h.executor.start(read);
            h.cycles(3);
            assertFalse(h.done(read));
            assertEquals(1, h.executor.inKernel());
            h.now += 1_000;
            h.executor.doWork(h.now); // writes the cancel and submits it: the call stays until its CQE
            assertEquals(1, h.executor.cancelsSent());
            h.pumpUntil(() -> h.done(read), "the read's CQE after its cancel");
            assertEquals(-Errno.ETIMEDOUT, h.result(read));
            assertEquals(0, h.executor.inKernel());
            UringTests.writeFully(h.arena, pipe[1], new byte[] {1, 2, 3, 4});
            h.cycles(5);
            assertUntouched(buf, "the timed-out read's buffer");
            assertEquals(4, drain(h, pipe[0], 16).length, "the data the read would have taken is still in the pipe");
        }
    }

    /**
     * Data comes just before the deadline's cancel is submitted. On Linux 6.18, with DEFER_TASKRUN the read's
     * completion work waits for the ring's next enter, where the cancel is issued first and wins (ETIMEDOUT, no
     * bytes moved); without it the completion runs as the writing thread returns from write(2), the CQE is there
     * before the cancel and the result wins. Either way: one answer, and the buffer agrees with it.
     */
    @Test
    void aResultThatBeatsTheDeadlinesCancelIsTheAnswerNeverBoth()
    {
        for (int round = 0; round < 40; round++)
        {
            try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions().deferTaskrun(round % 2 == 0)))
            {
                final int[] pipe = pipe(h);
                final MemorySegment buf = untouched(h, 8);
                final int read = h.call(Syscall.READ, pipe[0], buf.address(), 8);
                h.deadlines[read] = h.now + 1;
                h.executor.start(read);
                h.cycles(2);
                UringTests.writeFully(h.arena, pipe[1], new byte[] {9, 8, 7});
                h.now += 1; // the completion work of the read and the cancel meet in one enter
                h.pumpUntil(() -> h.done(read), "the read");
                final long result = h.result(read);
                if (result == 3)
                {
                    assertEquals(9, buf.get(ValueLayout.JAVA_BYTE, 0), "the bytes it reports are in its buffer");
                }
                else
                {
                    assertEquals(-Errno.ETIMEDOUT, result, "round " + round);
                    assertUntouched(buf, "a read that did not happen");
                    assertEquals(3, drain(h, pipe[0], 8).length, "its data stays in the pipe");
                }
            }
        }
    }

    @Test
    void cancelInTheFifoEndsAtOnceInTheKernelOnItsCqeAndOfADoneCallIsNotHeld()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions().maxInFlight(1)))
        {
            final int[] a = pipe(h);
            final int[] b = pipe(h);
            final MemorySegment bufA = untouched(h, 8);
            final MemorySegment bufB = untouched(h, 8);
            final int inKernel = h.start(Syscall.READ, a[0], bufA.address(), 8);
            final int queued = h.start(Syscall.READ, b[0], bufB.address(), 8);
            h.cycles(2);
            assertEquals(1, h.executor.inKernel());
            assertEquals(1, h.executor.queued());

            assertTrue(cancel(h, queued));
            assertEquals(-Errno.ECANCELED, h.result(queued), "a queued call ends at once, no cycle needed");
            assertEquals(0, h.executor.queued());

            assertTrue(cancel(h, inKernel));
            assertFalse(h.done(inKernel), "a call in the kernel waits for its CQE");
            h.pumpUntil(() -> h.done(inKernel), "the cancelled read's CQE");
            assertEquals(-Errno.ECANCELED, h.result(inKernel));
            assertFalse(cancel(h, inKernel), "a finished call is not held here");
            UringTests.writeFully(h.arena, a[1], new byte[] {1});
            UringTests.writeFully(h.arena, b[1], new byte[] {2});
            h.cycles(5);
            assertUntouched(bufA, "the cancelled read's buffer");
            assertUntouched(bufB, "the queued read's buffer");

            final int done = h.start(Syscall.GETPID);
            assertTrue(h.done(done));
            assertFalse(h.executor.cancel(done), "a finished call is not held here");
            assertEquals(1, h.completions[done]);
        }
    }

    @Test
    void aCancelThatCameBeforeThePickUpEndsTheCallWithoutRunningIt()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final int[] pipe = pipe(h);
            final int read = h.call(Syscall.READ, pipe[0], untouched(h, 8).address(), 8);
            assertFalse(cancel(h, read), "not held yet");
            h.executor.start(read);
            assertEquals(-Errno.ECANCELED, h.result(read));
            assertEquals(0, h.executor.stats().submitted());
        }
    }

    @Test
    void aCallBehindAnotherOnItsFdEndsAtOnceOnCancelOrDeadline()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final int[] pipe = pipe(h);
            final int first = h.start(Syscall.READ, pipe[0], untouched(h, 8).address(), 8);
            final int second = h.start(Syscall.READ, pipe[0], untouched(h, 8).address(), 8);
            final int third = h.call(Syscall.READ, pipe[0], untouched(h, 8).address(), 8);
            h.deadlines[third] = h.now + 10;
            h.executor.start(third);
            h.cycles(2);
            assertEquals(1, h.executor.inKernel());
            assertTrue(cancel(h, second));
            assertEquals(-Errno.ECANCELED, h.result(second));
            h.now += 10;
            h.cycles(1);
            assertEquals(-Errno.ETIMEDOUT, h.result(third));
            assertFalse(h.done(first));
            UringTests.writeFully(h.arena, pipe[1], new byte[] {5});
            h.pumpUntil(() -> h.done(first), "the first read");
            assertEquals(1, h.result(first));
        }
    }

    @Test
    void settleAllWith256CallsInTheKernelCompletesEachOnceAfterItsCqe()
    {
        final int calls = 256;
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final int[] reads = new int[calls + 20];
            final MemorySegment[] bufs = new MemorySegment[reads.length];
            for (int i = 0; i < reads.length; i++)
            {
                final int[] pipe = pipe(h);
                bufs[i] = untouched(h, 64);
                reads[i] = h.start(Syscall.READ, pipe[0], bufs[i].address(), 64);
            }
            h.cycles(2);
            assertEquals(calls, h.executor.inKernel());
            assertEquals(20, h.executor.queued());
            h.executor.settleAll();
            assertEquals(0, h.executor.inKernel(), "settleAll returned with requests in the kernel");
            assertEquals(0, h.executor.unsettled());
            for (int i = 0; i < reads.length; i++)
            {
                assertEquals(-Errno.ECANCELED, h.result(reads[i]), "read " + i);
            }
            for (int i = 0; i < reads.length; i++)
            {
                UringTests.writeFully(h.arena, pipes.get(i)[1], new byte[] {(byte)i, 1});
            }
            for (int i = 0; i < reads.length; i++)
            {
                assertUntouched(bufs[i], "buffer " + i + " after settleAll and a write into its pipe");
                assertEquals(2, drain(h, pipes.get(i)[0], 8).length, "pipe " + i + " keeps its data");
            }
            final int late = h.start(Syscall.PREAD, 0, bufs[0].address(), 1, 0);
            assertEquals(-Errno.ECANCELED, h.result(late), "a call after settleAll is cancelled, not run");
        }
    }

    /**
     * A settle that runs out of time before a request's CQE comes leaves that call uncompleted and says so (a
     * one-nanosecond bound stands in for a request the kernel never finishes); should the CQE come anyway, the call
     * completes on it, never before.
     */
    @Test
    void aSettleThatRunsOutOfTimeLeavesTheCallsStillInTheKernelUncompleted()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions().settleTimeoutNanos(1)))
        {
            final int[] pipe = pipe(h);
            final MemorySegment buf = untouched(h, 8);
            final int read = h.start(Syscall.READ, pipe[0], buf.address(), 8);
            h.cycles(2);
            assertEquals(1, h.executor.inKernel());
            h.executor.settleAll();
            if (h.executor.unsettled() == 1)
            {
                assertFalse(h.done(read), "a call whose CQE has not come is not completed");
                assertEquals(1, h.executor.inKernel());
            }
            else
            {
                assertEquals(0, h.executor.unsettled());
                assertEquals(-Errno.ECANCELED, h.result(read));
            }
            assertUntouched(buf, "the read's buffer");
        }
    }

    @Test
    void aCloseCancelsItsFdsWaitingReadFailsTheOnesBehindAndThenCloses()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final int[] pipe = pipe(h);
            final MemorySegment buf = untouched(h, 8);
            final int read = h.start(Syscall.READ, pipe[0], buf.address(), 8);
            final int behind = h.start(Syscall.READ, pipe[0], untouched(h, 8).address(), 8);
            h.cycles(2);
            final int close = h.start(Syscall.CLOSE, pipe[0]);
            assertEquals(-Errno.EBADF, h.result(behind), "the call behind never reached the kernel");
            final int after = h.start(Syscall.READ, pipe[0], untouched(h, 8).address(), 8);
            assertEquals(-Errno.EBADF, h.result(after), "a call after the close would run after it");
            assertFalse(h.done(close), "the close waits for the read in the kernel");
            h.pumpUntil(() -> h.done(read) && h.done(close), "the read's CQE, then the close");
            assertEquals(-Errno.EBADF, h.result(read));
            assertEquals(0, h.result(close));
            assertTrue(h.order.indexOf(read) < h.order.indexOf(close), "the close completes after the read");
            assertNull(UringTests.fdTarget(pipe[0]), "closed");
            pipe[0] = -1;
            assertUntouched(buf, "the cancelled read's buffer");
        }
    }

    @Test
    void cancelOfAWaitingCloseLeavesTheFdOpen()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final int[] pipe = pipe(h);
            final int read = h.start(Syscall.READ, pipe[0], untouched(h, 8).address(), 8);
            h.cycles(2);
            final int close = h.start(Syscall.CLOSE, pipe[0]);
            assertTrue(cancel(h, close));
            assertEquals(-Errno.ECANCELED, h.result(close));
            h.pumpUntil(() -> h.done(read), "the read, cancelled by the close that came first");
            assertEquals(-Errno.EBADF, h.result(read));
            assertTrue(UringTests.fdTarget(pipe[0]) != null, "the close never ran");
        }
    }
}
