package io.offload.servers.agent;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.rings.SyscallEntry;
import io.offload.servers.executor.ExecutorContext;
import io.offload.servers.executor.ServerExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.offload.rings.SyscallEntryDescriptor.FLAG_RECORD_PHASES;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_SPINNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's duty cycle driven by hand, with an executor that only records what it is given: pick-up by CAS,
 * the deadline checked against the hand clock at pick-up, the pick-up stamp, cohort order, cancels passed to the
 * executor, the sleep handshake, and what a stopping server settles.
 */
class SyscallServerTest
{
    private final HandDriven hand = new HandDriven();
    private final Recording recording = new Recording();

    /**
     * An executor that holds every call it is given until told to finish it.
     */
    private static final class Recording implements ServerExecutor
    {
        final List<Integer> started = new ArrayList<>();
        final List<Integer> cancelled = new ArrayList<>();
        final List<Long> workTimes = new ArrayList<>();
        ExecutorContext context;
        int idles;
        int wakes;
        boolean settled;
        boolean closed;

        @Override
        public String name()
        {
            return "recording";
        }

        @Override
        public void start(final int handle)
        {
            started.add(handle);
        }

        @Override
        public int doWork(final long nowNanos)
        {
            workTimes.add(nowNanos);
            return 0;
        }

        @Override
        public boolean cancel(final int handle)
        {
            cancelled.add(handle);
            return false;
        }

        @Override
        public void idle(final long maxNanos)
        {
            idles++;
        }

        @Override
        public void wake()
        {
            wakes++;
        }

        @Override
        public int inFlight()
        {
            return started.size();
        }

        @Override
        public void settleAll()
        {
            settled = true;
            for (final int handle : started)
            {
                context.completions().complete(handle, -Errno.ECANCELED);
            }
            started.clear();
        }

        @Override
        public void close()
        {
            closed = true;
        }

        void finish(final int handle, final long result)
        {
            started.remove((Integer)handle);
            context.completions().complete(handle, result);
        }
    }

    private SyscallServer recordingServer()
    {
        final SyscallServer server = hand.server(context ->
        {
            recording.context = context;
            return recording;
        });
        server.onStart();
        return server;
    }

    @AfterEach
    void close()
    {
        hand.close();
    }

    @Test
    void picksUpACallAndHandsItToItsExecutorWithTheHandClock()
    {
        final SyscallServer server = recordingServer();
        final int handle = hand.submit(server, Syscall.GETPID, 0);
        server.doWork();
        assertEquals(List.of(handle), recording.started);
        assertEquals(STATUS_RUNNING, hand.status(handle));
        assertEquals(List.of(hand.clock.nanoTime()), recording.workTimes);
        recording.finish(handle, 42);
        assertEquals(42, hand.take(handle));
        assertEquals(1, server.counters().lvCounter(ServerCountersDescriptor.PICKED_UP));
        assertEquals(1, server.counters().lvCounter(ServerCountersDescriptor.COMPLETED));
    }

    @Test
    void startsABatchInCohortOrderKeepingEachOpsOrder()
    {
        final SyscallServer server = recordingServer();
        final int pread1 = hand.submit(server, Syscall.PREAD, 0);
        final int getpid1 = hand.submit(server, Syscall.GETPID, 0);
        final int pread2 = hand.submit(server, Syscall.PREAD, 0);
        final int getpid2 = hand.submit(server, Syscall.GETPID, 0);
        server.doWork();
        final List<Integer> expected = Syscall.GETPID.op() < Syscall.PREAD.op() ?
            List.of(getpid1, getpid2, pread1, pread2) : List.of(pread1, pread2, getpid1, getpid2);
        assertEquals(expected, recording.started);
        assertEquals(1, server.batchSizes().get(2), "one batch of 4");
    }

    /**
     * Issue 15, item 9: a handle in the ring is not the server's until it wins the CAS. Its caller may have taken the
     * call back and reused the entry, so its op may be anything, the same handle may be in the ring twice (the stale
     * copy and the new call's), and the op may not be an op at all: the batch is still sorted, and each call that is
     * SUBMITTED is started once.
     */
    @Test
    void aBatchSortsAnyOpValueAndStartsEachSubmittedCallOnce()
    {
        final SyscallServer server = recordingServer();
        final int reused = hand.submit(server, Syscall.PREAD, 0);
        hand.cancel(reused, server); // taken back: its handle stays in the ring
        hand.take(reused);
        final int again = hand.submit(server, Syscall.GETPID, 0);
        assertEquals(reused, again, "the pool hands the taken-back entry out again");
        final List<Integer> calls = new ArrayList<>(List.of(again));
        for (final int op : new int[] {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, Syscall.count(), 0})
        {
            final int handle = hand.request(Syscall.GETPID, 0);
            hand.entry.spRequest(handle, op, 0, 0, 0, 0, 0, 0, 1L, WAITER_SPINNING);
            assertEquals(ServerPort.OFFERED, server.port().offer(handle));
            calls.add(handle);
        }
        server.doWork();
        assertEquals(calls.size(), recording.started.size(), "each started once: " + recording.started);
        assertEquals(new HashSet<>(calls), new HashSet<>(recording.started));
        assertEquals(1, server.counters().lvCounter(ServerCountersDescriptor.CANCELLED), "the stale copy");
        assertTrue(hand.errors.isEmpty(), hand.errors.toString());
        for (final int handle : calls)
        {
            recording.finish(handle, 0);
            hand.take(handle);
        }
    }

    /**
     * Issue 15, item 9, the interleaving itself: the entry of a call taken back by its caller is rewritten by the
     * next call (its op changing) while its stale handle is in the server's batch. The sort used to read each op
     * twice, once to count and once to place: an op that changed between the two reads overflowed the sort
     * (ArrayIndexOutOfBoundsException, the server thread died) or overwrote another handle (that call never
     * started, stuck SUBMITTED). Another thread rewrites the op as fast as it can while this thread runs full
     * batches; every real call must start exactly once, every time.
     */
    @Test
    void anOpRewrittenWhileItsStaleHandleIsSortedNeverCostsAnotherCall() throws Exception
    {
        final SyscallServer server = recordingServer();
        final int stale = hand.pool.claim(); // FREE: its caller took it back; the next call is being written
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread rewriter = Thread.ofPlatform().name("next-call-writer").start(() ->
        {
            final int low = 0;
            final int high = Syscall.count() - 1;
            while (!stop.get())
            {
                hand.entry.spRequest(stale, low, 0, 0, 0, 0, 0, 0, 1L, WAITER_SPINNING);
                hand.entry.spRequest(stale, high, 0, 0, 0, 0, 0, 0, 1L, WAITER_SPINNING);
            }
        });
        try
        {
            final Syscall[] ops = {Syscall.GETPID, Syscall.PREAD, Syscall.CLOSE, Syscall.READ};
            final List<Integer> calls = new ArrayList<>();
            for (int round = 0; round < 20_000; round++)
            {
                calls.clear();
                for (int i = 0; i < 15; i++) // with the stale handle: a full batch (the hand-driven limit, 16)
                {
                    calls.add(hand.submit(server, ops[(round + i) % ops.length], 0));
                    if (i == round % 15)
                    {
                        assertEquals(ServerPort.OFFERED, server.port().offer(stale));
                    }
                }
                server.doWork();
                assertEquals(calls.size(), recording.started.size(), "round " + round + ": each call started once");
                assertEquals(new HashSet<>(calls), new HashSet<>(recording.started), "round " + round);
                for (final int handle : calls)
                {
                    recording.finish(handle, 0);
                    hand.take(handle);
                }
            }
        }
        finally
        {
            stop.set(true);
            rewriter.join();
        }
        assertTrue(hand.errors.isEmpty(), hand.errors.toString());
        hand.entries.free(stale);
    }

    @Test
    void aDeadlineIsCheckedAgainstTheHandClockAtPickUp()
    {
        final SyscallServer server = recordingServer();
        final long now = hand.clock.nanoTime();
        final int due = hand.submit(server, Syscall.GETPID, now);
        final int notYet = hand.submit(server, Syscall.GETPID, now + 1);
        server.doWork();
        assertEquals(-Errno.ETIMEDOUT, hand.take(due));
        assertEquals(List.of(notYet), recording.started);
    }

    @Test
    void stampsThePickUpTimeOfARecordedCallFromItsClock()
    {
        final SyscallServer server = recordingServer();
        final int handle = hand.request(Syscall.GETPID, 0);
        hand.entry.spFlags(handle, FLAG_RECORD_PHASES);
        server.port().offer(handle);
        hand.clock.update(5_000_000_000L);
        server.doWork();
        assertEquals(5_000_000_000L, hand.entry.lpStamp(handle, SyscallEntry.T_PICKED));
        hand.clock.update(6_000_000_000L);
        recording.finish(handle, 0);
        assertEquals(6_000_000_000L, hand.entry.lpStamp(handle, SyscallEntry.T_HANDLED));
    }

    @Test
    void aCallItsCallerTookBackIsNotStarted()
    {
        final SyscallServer server = recordingServer();
        final int handle = hand.submit(server, Syscall.GETPID, 0);
        hand.cancel(handle, server);
        server.doWork();
        assertTrue(recording.started.isEmpty());
        assertEquals(-Errno.ECANCELED, hand.take(handle));
        assertEquals(1, server.counters().lvCounter(ServerCountersDescriptor.CANCELLED));
    }

    @Test
    void aCancelOfAHeldCallGoesToTheExecutor()
    {
        final SyscallServer server = recordingServer();
        final int handle = hand.submit(server, Syscall.GETPID, 0);
        server.doWork();
        hand.cancel(handle, server);
        server.doWork();
        assertEquals(List.of(handle), recording.cancelled);
    }

    @Test
    void sleepsInItsExecutorOnlyWhenBothRingsAreEmpty()
    {
        final SyscallServer server = recordingServer();
        final int handle = hand.submit(server, Syscall.GETPID, 0);
        server.sleep();
        assertEquals(0, recording.idles, "a call is in the ring: no sleep");
        assertFalse(server.isSleeping());
        server.doWork();
        server.sleep();
        assertEquals(1, recording.idles);
        recording.finish(handle, 0);
        hand.take(handle);
    }

    @Test
    void aCallerWakesAServerThatAnnouncedItSleeps()
    {
        final SyscallServer server = recordingServer();
        assertTrue(server.port().prepareToSleep());
        final int handle = hand.submit(server, Syscall.GETPID, 0);
        assertEquals(1, recording.wakes);
        server.port().doneSleeping();
        server.doWork();
        recording.finish(handle, 0);
        hand.take(handle);
    }

    @Test
    void aStoppingServerSettlesItsExecutorAndItsRing()
    {
        final SyscallServer server = recordingServer();
        final int held = hand.submit(server, Syscall.GETPID, 0);
        server.doWork();
        final int queued = hand.submit(server, Syscall.GETPID, 0);
        server.expectStop();
        server.onClose();
        assertTrue(recording.settled && recording.closed);
        assertEquals(-Errno.ECANCELED, hand.take(held));
        assertEquals(-Errno.ECANCELED, hand.take(queued));
        assertFalse(server.isRunning());
        final int late = hand.request(Syscall.GETPID, 0);
        assertEquals(ServerPort.STOPPED, server.port().offer(late), "a late publisher learns the server stopped");
        assertTrue(hand.entries.takeBack(late));
        assertEquals(STATUS_RUNNING, hand.status(late));
        assertTrue(hand.errors.isEmpty(), hand.errors.toString());
    }

    @Test
    void aServerThatStopsUnexpectedlyReportsItsDeath()
    {
        final SyscallServer server = recordingServer();
        server.onClose();
        assertEquals(1, hand.errors.size());
        assertTrue(hand.errors.get(0).getMessage().contains("stopped while its runtime is open"),
            hand.errors.get(0).getMessage());
    }

    @Test
    void anEntryStillSubmittedInAStoppedServersRingIsCancelled()
    {
        final SyscallServer server = recordingServer();
        final int handle = hand.submit(server, Syscall.GETPID, 0);
        assertEquals(STATUS_SUBMITTED, hand.status(handle));
        server.expectStop();
        server.onClose();
        assertTrue(recording.started.isEmpty());
        assertEquals(-Errno.ECANCELED, hand.take(handle));
    }
}
