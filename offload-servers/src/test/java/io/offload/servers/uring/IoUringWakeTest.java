package io.offload.servers.uring;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A ring's thread asleep in io_uring_enter, and the two things that end that sleep from outside: {@link IoUring#wake()}
 * from another thread (multishot poll, the one-shot fallback, and a DEFER_TASKRUN ring), and a signal (EINTR, which
 * the ring retries: the wait goes on and its completion is not lost).
 */
class IoUringWakeTest
{
    /** The JDK's own signal for interrupting blocking I/O ({@code sun.nio.ch.NativeThread}: SIGRTMAX - 2 on Linux),
     * installed without SA_RESTART and with a handler that does nothing: made to interrupt system calls. */
    private static final int INTERRUPT_SIGNAL = 64 - 2;

    @BeforeEach
    void requireIoUring()
    {
        UringTests.assumeIoUring();
    }

    /** Run {@code body} on a ring thread that owns the ring (SINGLE_ISSUER rings must be used by their creator). */
    private static Thread ringThread(final String name, final Consumer<AtomicReference<Throwable>> body,
        final AtomicReference<Throwable> failure)
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                body.accept(failure);
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void awaitAtLeast(final AtomicInteger counter, final int value, final AtomicReference<Throwable> failure)
    {
        final long deadline = System.nanoTime() + UringTests.LIVENESS_NANOS;
        while (counter.get() < value)
        {
            if (failure.get() != null)
            {
                fail("the ring thread failed", failure.get());
            }
            if (System.nanoTime() - deadline > 0)
            {
                fail("the ring thread did not come back " + value + " times (" + counter.get() + ")");
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    private void wakeRounds(final IoUringOptions options, final boolean oneShot) throws InterruptedException
    {
        final AtomicReference<IoUring> ringRef = new AtomicReference<>();
        final AtomicInteger returns = new AtomicInteger();
        final AtomicInteger handled = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CompletableFuture<Long> wakeups = new CompletableFuture<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread = ringThread("uring-wake", f ->
        {
            try (IoUring ring = IoUring.open(options))
            {
                if (oneShot)
                {
                    ring.forceOneShotWake();
                }
                ringRef.set(ring);
                final CqeHandler handler = (u, r, fl) -> handled.incrementAndGet();
                while (!stop.get())
                {
                    // no timeout: only a wake-up can end this wait
                    ring.submitAndWait(1, -1, handler);
                    ring.reap(handler);
                    returns.incrementAndGet();
                }
                wakeups.complete(ring.wakeups());
            }
        }, failure);
        final long deadline = System.nanoTime() + UringTests.LIVENESS_NANOS;
        while (ringRef.get() == null && failure.get() == null && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(1_000_000L);
        }
        final IoUring ring = ringRef.get();
        assertTrue(ring != null, "ring set up: " + failure.get());
        for (int round = 1; round <= 3; round++)
        {
            final int before = returns.get();
            assertTrue(ring.wake());
            awaitAtLeast(returns, before + 1, failure);
        }
        stop.set(true);
        ring.wake();
        thread.join(TimeUnit.NANOSECONDS.toMillis(UringTests.LIVENESS_NANOS));
        assertFalse(thread.isAlive(), "the ring thread ended");
        assertNull(failure.get());
        assertEquals(0, handled.get(), "wake-up CQEs are the ring's own, never handed on");
        assertTrue(wakeups.join() >= 3, "wake-ups seen: " + wakeups.join());
        assertFalse(ring.wake(), "closed");
    }

    /**
     * A wake-up whose CQE the ring's thread reaps while awake (a plain reap, no wait) must not swallow the next one:
     * the next waker must write again, or the thread sleeps with a wake-up owed (the executor's first version cleared
     * its "pending" flag only after a wait, and the HTTP demo on io_uring showed it as a 100 ms p99, its longest sleep).
     * Here the second wait has no timeout, so only the second wake-up can end it.
     */
    @Test
    void aWakeUpReapedWhileAwakeDoesNotSwallowTheNext() throws InterruptedException
    {
        for (final boolean deferTaskrun : new boolean[] {false, true})
        {
            final AtomicReference<IoUring> ringRef = new AtomicReference<>();
            final AtomicInteger phase = new AtomicInteger();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread thread = ringThread("uring-wake-reaped", f ->
            {
                try (IoUring ring = IoUring.open(new IoUringOptions().entries(4).wakeable(true)
                    .singleIssuer(deferTaskrun).deferTaskrun(deferTaskrun)))
                {
                    final CqeHandler handler = (u, r, fl) -> { };
                    ring.submitAndWait(0, 0, handler); // arms the wake-up poll
                    ringRef.set(ring);
                    awaitAtLeast(phase, 1, f); // the first wake-up is written
                    final long deadline = System.nanoTime() + UringTests.LIVENESS_NANOS;
                    while (ring.wakeups() < 1 && System.nanoTime() - deadline < 0)
                    {
                        ring.submitAndWait(0, 0, handler); // awake: flush and reap, never wait
                        ring.reap(handler);
                    }
                    assertEquals(1, ring.wakeups(), "the first wake-up's CQE reaped without a wait");
                    phase.set(2);
                    ring.submitAndWait(1, -1, handler); // asleep with no limit: only the second wake-up ends it
                    ring.reap(handler);
                    assertEquals(2, ring.wakeups(), "the second wake-up ended the wait");
                    phase.set(3);
                }
            }, failure);
            final long deadline = System.nanoTime() + UringTests.LIVENESS_NANOS;
            while (ringRef.get() == null && failure.get() == null && System.nanoTime() - deadline < 0)
            {
                LockSupport.parkNanos(1_000_000L);
            }
            final IoUring ring = ringRef.get();
            assertTrue(ring != null, "ring set up: " + failure.get());
            assertTrue(ring.wake());
            phase.set(1);
            awaitAtLeast(phase, 2, failure);
            LockSupport.parkNanos(20_000_000L); // most likely asleep by now; the wake-up must work either way
            assertTrue(ring.wake());
            awaitAtLeast(phase, 3, failure);
            thread.join(TimeUnit.NANOSECONDS.toMillis(UringTests.LIVENESS_NANOS));
            assertNull(failure.get());
        }
    }

    @Test
    void wakeFromAnotherThreadEndsTheWait() throws InterruptedException
    {
        wakeRounds(new IoUringOptions().entries(4).wakeable(true), false);
    }

    @Test
    void wakeWithTheOneShotPollOfOldKernels() throws InterruptedException
    {
        wakeRounds(new IoUringOptions().entries(4).wakeable(true), true);
    }

    @Test
    void wakeADeferTaskrunRing() throws InterruptedException
    {
        wakeRounds(new IoUringOptions().entries(4).wakeable(true).singleIssuer(true).deferTaskrun(true), false);
    }

    @Test
    void wakesFromManyThreadsAtOnceAreSafe() throws InterruptedException
    {
        try (IoUring ring = IoUring.open(new IoUringOptions().entries(4).wakeable(true)))
        {
            final Thread[] wakers = new Thread[4];
            for (int i = 0; i < wakers.length; i++)
            {
                wakers[i] = new Thread(() ->
                {
                    for (int n = 0; n < 1000; n++)
                    {
                        ring.wake();
                    }
                });
                wakers[i].start();
            }
            for (final Thread waker : wakers)
            {
                waker.join();
            }
            // the first wait arms the poll; the pending count fires it at once
            ring.submitAndWait(1, -1, (u, r, f) -> fail("no CQE of ours"));
            ring.reap((u, r, f) -> fail("no CQE of ours"));
            assertTrue(ring.wakeups() >= 1);
        }
    }

    private static boolean signalCaught(final int signal) throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("SigCgt:"))
            {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (signal - 1))) != 0;
            }
        }
        return false;
    }

    @Test
    void aSignalDuringTheWaitIsRetriedAndLosesNothing() throws Exception
    {
        // make sure the JDK's NIO interrupt handler is installed, and that the signal is caught (not ignored, not
        // default-fatal) in this JVM: otherwise sending it would be ignored or kill the JVM
        Class.forName("sun.nio.ch.NativeThread");
        assumeTrue(signalCaught(INTERRUPT_SIGNAL), "signal " + INTERRUPT_SIGNAL + " has no handler in this JVM");
        final UringArch arch = UringArch.current();
        final CompletableFuture<Long> tid = new CompletableFuture<>();
        final AtomicReference<IoUring> ringRef = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicInteger result = new AtomicInteger(Integer.MIN_VALUE);
        try (Arena arena = Arena.ofShared())
        {
            final int[] pipe = UringTests.pipe(arena);
            final MemorySegment buffer = arena.allocate(16);
            try
            {
                final Thread thread = ringThread("uring-eintr", f ->
                {
                    try (IoUring ring = IoUring.open(4))
                    {
                        ring.nextSqe().prepRead(pipe[0], buffer.address(), 16, -1).userData(7);
                        ringRef.set(ring);
                        tid.complete(UringNative.syscall(UringNative.threadCapture(), arch.sysGettid, 0, 0, 0, 0, 0, 0));
                        // one call: submit the read and wait for it, however many signals arrive meanwhile
                        ring.submitAndWait(1, -1, (u, r, fl) -> { });
                        ring.reap((u, r, fl) ->
                        {
                            assertEquals(7L, u);
                            result.set(r);
                        });
                    }
                }, failure);
                final long threadId = tid.get(20, TimeUnit.SECONDS);
                final IoUring ring = ringRef.get();
                final long pid = ProcessHandle.current().pid();
                final long deadline = System.nanoTime() + UringTests.LIVENESS_NANOS;
                // signal until one lands inside the wait (one that lands in Java code is simply handled)
                while (ring.interruptedEnters() == 0)
                {
                    assertTrue(System.nanoTime() - deadline < 0, "no signal interrupted the wait");
                    assertTrue(thread.isAlive(), "the ring thread ended early: " + failure.get());
                    final long sent = UringNative.syscall(
                        UringNative.threadCapture(), arch.sysTgkill, pid, threadId, INTERRUPT_SIGNAL, 0, 0, 0);
                    assertEquals(0, sent, "tgkill");
                    LockSupport.parkNanos(2_000_000L);
                }
                assertTrue(thread.isAlive(), "EINTR was retried: the thread still waits for its read");
                UringTests.writeFully(arena, pipe[1], new byte[] {4, 5, 6, 7, 8});
                thread.join(TimeUnit.NANOSECONDS.toMillis(UringTests.LIVENESS_NANOS));
                assertFalse(thread.isAlive());
                assertNull(failure.get());
                assertEquals(5, result.get(), "the read's completion arrived after the interrupted waits");
                System.out.println("interrupted enters retried: " + ring.interruptedEnters());
            }
            finally
            {
                UringTests.close(pipe);
            }
        }
    }
}
