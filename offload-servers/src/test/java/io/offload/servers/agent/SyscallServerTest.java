package io.offload.servers.agent;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.rings.SyscallEntry;
import io.offload.servers.executor.ExecutorContext;
import io.offload.servers.executor.ServerExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.offload.rings.SyscallEntryDescriptor.FLAG_RECORD_PHASES;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
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
