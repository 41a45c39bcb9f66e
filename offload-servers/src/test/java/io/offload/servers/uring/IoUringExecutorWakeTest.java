package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.servers.executor.ServerExecutor;
import io.offload.servers.libc.SyscallDispatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static io.offload.api.LinuxConstants.O_NONBLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What ends the io_uring executor's sleep: a {@link IoUringExecutor#wake()} from another thread (also one that came
 * before the sleep), the fallback's fd becoming ready (a multishot poll on it in the ring), the next
 * deadline of a call held here or in the fallback. Every sleep asked for is a minute: the {@code @Timeout} is the
 * liveness bound that catches a sleep nothing ended.
 */
@Timeout(30)
class IoUringExecutorWakeTest
{
    private static final long A_MINUTE = 60_000_000_000L;

    @BeforeEach
    void assumeIoUring()
    {
        UringTests.assumeIoUring();
    }

    private static Thread waker(final CountDownLatch go, final Runnable wake)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                go.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
            wake.run();
        }, "waker");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void aWakeFromAnotherThreadEndsEverySleep() throws InterruptedException
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            for (int round = 1; round <= 50; round++)
            {
                final CountDownLatch go = new CountDownLatch(1);
                final Thread t = waker(go, h.executor::wake);
                go.countDown(); // the wake may come before the sleep or during it: either ends it
                h.executor.idle(A_MINUTE);
                assertTrue(h.executor.ring().wakeups() >= round, "round " + round + " ended by its wake-up");
                t.join();
            }
        }
    }

    @Test
    void aWakeBeforeTheFirstSleepEndsIt()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            h.executor.wake();
            h.executor.idle(A_MINUTE);
            assertTrue(h.executor.ring().wakeups() >= 1);
        }
    }

    @Test
    void manyWakersAtOnceNeverLeaveTheSleeperAsleep() throws InterruptedException
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final AtomicInteger finished = new AtomicInteger();
            final CountDownLatch go = new CountDownLatch(1);
            final Thread[] threads = new Thread[4];
            for (int i = 0; i < threads.length; i++)
            {
                threads[i] = waker(go, () ->
                {
                    for (int n = 0; n < 2000; n++)
                    {
                        h.executor.wake();
                    }
                    finished.incrementAndGet();
                    h.executor.wake(); // after the count: the sleeper that has not seen it yet is woken
                });
            }
            go.countDown();
            while (finished.get() < threads.length)
            {
                h.executor.idle(A_MINUTE);
            }
            for (final Thread t : threads)
            {
                t.join();
            }
        }
    }

    @Test
    void theNextDeadlineOfAHeldCallEndsTheSleep()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final int[] pipe = UringTests.pipe(h.arena);
            try
            {
                final int read = h.call(Syscall.READ, pipe[0], h.arena.allocate(8).address(), 8);
                h.deadlines[read] = h.now + 2_000_000L;
                h.executor.start(read);
                h.executor.doWork(h.now);
                assertEquals(h.now + 2_000_000L, h.executor.nextDeadline());
                h.executor.idle(A_MINUTE); // ends in 2 ms of the hand clock's scale
                assertFalse(h.done(read));
            }
            finally
            {
                UringTests.close(pipe);
            }
        }
    }

    @Test
    void theFallbacksReadyFdAndItsDeadlineEndTheSleep() throws InterruptedException
    {
        final MemorySegment[] fds = new MemorySegment[1];
        final PollingFallback[] fallback = new PollingFallback[1];
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions(), harness ->
        {
            fds[0] = harness.arena.allocate(ValueLayout.JAVA_INT, 2);
            assertEquals(0, UringNative.pipe2(UringNative.threadCapture(), fds[0].address(),
                UringNative.O_CLOEXEC | O_NONBLOCK));
            fallback[0] = new PollingFallback(harness, fds[0].get(ValueLayout.JAVA_INT, 0));
            return fallback[0];
        }))
        {
            final int writeEnd = fds[0].get(ValueLayout.JAVA_INT, 4);
            try
            {
                final int pid = h.start(Syscall.GETPID);
                assertEquals(1, h.executor.stats().fallbackCalls());
                h.executor.doWork(h.now);
                assertFalse(h.done(pid), "the fallback holds it until its fd is ready");
                assertEquals(1, h.executor.inFlight());

                final CountDownLatch go = new CountDownLatch(1);
                final Thread t = waker(go, () -> UringTests.writeFully(h.arena, writeEnd, new byte[] {1}));
                go.countDown();
                h.executor.idle(A_MINUTE);
                t.join();
                h.pumpUntil(() -> h.done(pid), "the fallback's call after its fd was ready");
                assertEquals(ProcessHandle.current().pid(), h.result(pid));
                assertTrue(h.executor.fallbackWakeups() >= 1, "the poll on the fallback's fd saw it ready");

                fallback[0].deadline = h.now + 2_000_000L;
                assertEquals(fallback[0].deadline, h.executor.nextDeadline());
                h.executor.idle(A_MINUTE); // ends at the fallback's deadline
            }
            finally
            {
                UringTests.close(fds[0].get(ValueLayout.JAVA_INT, 0), writeEnd);
            }
        }
    }

    /**
     * A fallback with a reactor of its own, reduced to one fd: it holds every call until the fd is readable, then
     * runs them; and it may have a deadline.
     */
    private static final class PollingFallback implements ServerExecutor
    {
        private final ExecutorHarness harness;
        private final int fd;
        private final MemorySegment byteBuf;
        private int held = -1;
        long deadline;

        PollingFallback(final ExecutorHarness harness, final int fd)
        {
            this.harness = harness;
            this.fd = fd;
            this.byteBuf = harness.arena.allocate(16);
        }

        @Override
        public String name()
        {
            return "polling";
        }

        @Override
        public void start(final int handle)
        {
            held = handle;
        }

        @Override
        public int doWork(final long nowNanos)
        {
            if (held < 0 || harness.direct(Syscall.READ, fd, byteBuf.address(), 16) <= 0)
            {
                return 0;
            }
            final int handle = held;
            held = -1;
            final var e = harness.entry;
            harness.recorder.complete(handle, SyscallDispatcher.execute(harness.capture, e.lpOp(handle), 0, 0, 0, 0, 0, 0));
            return 1;
        }

        @Override
        public boolean cancel(final int handle)
        {
            return false;
        }

        @Override
        public void idle(final long maxNanos)
        {
            throw new AssertionError("the io_uring executor sleeps for its fallback");
        }

        @Override
        public void wake()
        {
            throw new AssertionError("wake-ups go to the io_uring executor");
        }

        @Override
        public int inFlight()
        {
            return held < 0 ? 0 : 1;
        }

        @Override
        public int pollFd()
        {
            return fd;
        }

        @Override
        public long nextDeadline()
        {
            return deadline;
        }

        @Override
        public void settleAll()
        {
            if (held >= 0)
            {
                harness.recorder.complete(held, -Errno.ECANCELED);
                held = -1;
            }
        }

        @Override
        public void close()
        {
        }
    }
}
