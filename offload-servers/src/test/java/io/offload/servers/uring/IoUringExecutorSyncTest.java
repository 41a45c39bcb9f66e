package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.rings.SyscallEntryDescriptor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.offload.api.LinuxConstants.O_CREAT;
import static io.offload.api.LinuxConstants.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fsync coalescing: sync calls of one fd that wait together are answered by one sync issued after all of them
 * arrived, never by one issued before a caller's request arrived (the trace records arrival and issue order); at
 * most one sync per fd in the kernel; fsync if any member asked for it; members may leave early; errors reach every
 * member; a close issues the waiting group before it; and with coalescing off, each call has its own sync.
 */
class IoUringExecutorSyncTest
{
    @TempDir
    Path dir;

    @BeforeEach
    void assumeIoUring()
    {
        UringTests.assumeIoUring();
    }

    /** Arrival, issue and answer events in the order the executor made them. */
    private static final class Trace implements UringSyncGroups.SyncTrace
    {
        static final int ARRIVED = 0;
        static final int ISSUED = 1;
        static final int ANSWERED = 2;

        final List<long[]> events = new ArrayList<>();

        @Override
        public void arrived(final int handle)
        {
            events.add(new long[] {ARRIVED, handle});
        }

        @Override
        public void issued(final long serial, final int fd, final boolean fsync, final int members)
        {
            events.add(new long[] {ISSUED, serial, fd, fsync ? 1 : 0, members});
        }

        @Override
        public void answered(final int handle, final long serial, final long result)
        {
            events.add(new long[] {ANSWERED, handle, serial, result});
        }

        /**
         * The property: every answered call arrived before the sync that answered it was issued.
         *
         * @return how many answers were checked.
         */
        int assertNoCallerAnsweredByAnEarlierSync()
        {
            int checked = 0;
            for (int i = 0; i < events.size(); i++)
            {
                final long[] e = events.get(i);
                if (e[0] != ANSWERED)
                {
                    continue;
                }
                int arrived = -1;
                int issued = -1;
                for (int j = i - 1; j >= 0 && (arrived < 0 || issued < 0); j--)
                {
                    final long[] f = events.get(j);
                    if (arrived < 0 && f[0] == ARRIVED && f[1] == e[1])
                    {
                        arrived = j;
                    }
                    if (issued < 0 && f[0] == ISSUED && f[1] == e[2])
                    {
                        issued = j;
                    }
                }
                assertTrue(arrived >= 0 && issued >= 0, "event " + i + ": no arrival or issue found");
                assertTrue(arrived < issued, "handle " + e[1] + " (arrived at event " + arrived + ") was answered " +
                    "by sync " + e[2] + ", issued at event " + issued + ", before it arrived");
                checked++;
            }
            return checked;
        }

        long[] issue(final long serial)
        {
            for (final long[] e : events)
            {
                if (e[0] == ISSUED && e[1] == serial)
                {
                    return e;
                }
            }
            throw new AssertionError("no sync " + serial);
        }
    }

    private static ExecutorHarness coalescing()
    {
        return new ExecutorHarness(new IoUringExecutorOptions().fsyncCoalescing(true));
    }

    @Test
    void syncsThatWaitTogetherShareOneSyncIssuedAfterAllArrived()
    {
        try (ExecutorHarness h = coalescing())
        {
            final Trace trace = new Trace();
            h.executor.syncTrace(trace);
            final int fd = h.openFile(dir.resolve("wal").toString(), O_RDWR | O_CREAT, 0644);
            final MemorySegment rec = h.arena.allocate(4096).fill((byte)1);
            final int write = h.start(Syscall.PWRITE, fd, rec.address(), 4096, 0);
            h.pumpUntil(() -> h.done(write), "the write");
            final int first = h.start(Syscall.FDATASYNC, fd);
            final int second = h.start(Syscall.FDATASYNC, fd);
            final int third = h.start(Syscall.FSYNC, fd);
            final int fourth = h.start(Syscall.FDATASYNC, fd);
            assertEquals(1, h.executor.stats().syncsIssued(), "one in the kernel; the others wait for the next");
            assertEquals(1, h.executor.inKernel());
            h.pumpUntil(() -> h.done(first) && h.done(second) && h.done(third) && h.done(fourth), "the syncs");
            for (final int s : new int[] {first, second, third, fourth})
            {
                assertEquals(0, h.result(s));
            }
            assertEquals(2, h.executor.stats().syncsIssued());
            assertEquals(4, h.executor.stats().syncCallsAnswered());
            assertEquals(4, trace.assertNoCallerAnsweredByAnEarlierSync());
            assertEquals(0, trace.issue(1)[3], "the first: fdatasync, as asked");
            assertEquals(1, trace.issue(2)[3], "the group with an fsync member issues fsync");
            assertEquals(3, trace.issue(2)[4], "three members");
            assertEquals(0, h.direct(Syscall.CLOSE, fd));
        }
    }

    @Test
    void underARandomMixOfWritesAndSyncsOnThreeFilesNoCallerIsAnsweredByAnEarlierSync()
    {
        final SplittableRandom random = new SplittableRandom(12);
        try (ExecutorHarness h = coalescing())
        {
            final Trace trace = new Trace();
            h.executor.syncTrace(trace);
            final int[] fds = new int[3];
            for (int i = 0; i < fds.length; i++)
            {
                fds[i] = h.openFile(dir.resolve("f" + i).toString(), O_RDWR | O_CREAT, 0644);
            }
            final MemorySegment rec = h.arena.allocate(512).fill((byte)7);
            final List<Integer> syncs = new ArrayList<>();
            final List<Integer> writes = new ArrayList<>();
            for (int step = 0; step < 1500; step++)
            {
                final int fd = fds[random.nextInt(fds.length)];
                final int action = random.nextInt(10);
                if (action < 4)
                {
                    writes.add(h.start(Syscall.PWRITE, fd, rec.address(), 512, 512L * random.nextInt(64)));
                }
                else if (action < 8)
                {
                    syncs.add(h.start(random.nextBoolean() ? Syscall.FSYNC : Syscall.FDATASYNC, fd));
                }
                else
                {
                    h.cycles(1 + random.nextInt(2));
                }
                if (step % 100 == 99)
                {
                    h.pumpUntil(() -> h.order.size() == syncs.size() + writes.size(), "calls so far");
                    for (final int s : syncs)
                    {
                        assertEquals(0, h.result(s));
                        h.release(s);
                    }
                    for (final int w : writes)
                    {
                        assertEquals(512, h.result(w));
                        h.release(w);
                    }
                    h.order.clear();
                    syncs.clear();
                    writes.clear();
                }
            }
            final int answered = trace.assertNoCallerAnsweredByAnEarlierSync();
            assertEquals(h.executor.stats().syncCallsAnswered(), answered);
            assertTrue(h.executor.stats().syncsIssued() < answered,
                "coalescing saved syncs: " + h.executor.stats().syncsIssued() + " issued for " + answered + " calls");
            for (final int fd : fds)
            {
                assertEquals(0, h.direct(Syscall.CLOSE, fd));
            }
        }
    }

    @Test
    void membersMayLeaveEarlyAndAnEmptiedGroupIssuesNothing()
    {
        try (ExecutorHarness h = coalescing())
        {
            final int fd = h.openFile(dir.resolve("leave").toString(), O_RDWR | O_CREAT, 0644);
            final int inKernel = h.start(Syscall.FSYNC, fd);
            final int waiting = h.call(Syscall.FDATASYNC, fd);
            h.deadlines[waiting] = h.now + 5;
            h.executor.start(waiting);
            final int cancelled = h.start(Syscall.FDATASYNC, fd);
            h.entry.getAndOrFlags(cancelled, SyscallEntryDescriptor.FLAG_CANCEL_REQUESTED);
            assertTrue(h.executor.cancel(cancelled));
            assertEquals(-Errno.ECANCELED, h.result(cancelled), "a member waiting for its group leaves at once");
            h.now += 5;
            h.executor.doWork(h.now);
            assertEquals(-Errno.ETIMEDOUT, h.result(waiting));
            h.pumpUntil(() -> h.done(inKernel), "the sync in the kernel");
            assertEquals(0, h.result(inKernel));
            h.cycles(3);
            assertEquals(1, h.executor.stats().syncsIssued(), "the emptied group issued no sync");
            assertEquals(0, h.executor.inFlight());
            assertEquals(0, h.direct(Syscall.CLOSE, fd));
        }
    }

    @Test
    void anErrorReachesEveryMember()
    {
        try (ExecutorHarness h = coalescing())
        {
            final int a = h.start(Syscall.FSYNC, 9999);
            final int b = h.start(Syscall.FDATASYNC, 9999);
            final int c = h.start(Syscall.FDATASYNC, 9999);
            h.pumpUntil(() -> h.done(a) && h.done(b) && h.done(c), "the syncs");
            assertEquals(-Errno.EBADF, h.result(a));
            assertEquals(-Errno.EBADF, h.result(b));
            assertEquals(-Errno.EBADF, h.result(c));
            assertEquals(2, h.executor.stats().syncsIssued());
        }
    }

    @Test
    void aCloseIssuesTheWaitingGroupBeforeItAndWaitsForBoth()
    {
        try (ExecutorHarness h = coalescing())
        {
            final Trace trace = new Trace();
            h.executor.syncTrace(trace);
            final int fd = h.openFile(dir.resolve("closing").toString(), O_RDWR | O_CREAT, 0644);
            final int first = h.start(Syscall.FDATASYNC, fd);
            final int second = h.start(Syscall.FDATASYNC, fd);
            assertEquals(1, h.executor.stats().syncsIssued());
            final int close = h.start(Syscall.CLOSE, fd);
            assertEquals(2, h.executor.stats().syncsIssued(), "the waiting group goes before the close");
            final int late = h.start(Syscall.FSYNC, fd);
            assertEquals(-Errno.EBADF, h.result(late), "a sync after the close would run after it");
            h.pumpUntil(() -> h.done(first) && h.done(second) && h.done(close), "syncs, then the close");
            assertEquals(0, h.result(first));
            assertEquals(0, h.result(second));
            assertEquals(0, h.result(close));
            assertTrue(h.order.indexOf(close) > h.order.indexOf(second), "the close completes last");
            assertEquals(2, trace.assertNoCallerAnsweredByAnEarlierSync());
        }
    }

    @Test
    void withoutCoalescingEachSyncIsItsOwnRequest()
    {
        try (ExecutorHarness h = new ExecutorHarness(new IoUringExecutorOptions()))
        {
            final int fd = h.openFile(dir.resolve("plain").toString(), O_RDWR | O_CREAT, 0644);
            final int[] syncs = new int[4];
            for (int i = 0; i < syncs.length; i++)
            {
                syncs[i] = h.start(i % 2 == 0 ? Syscall.FSYNC : Syscall.FDATASYNC, fd);
            }
            assertEquals(4, h.executor.inKernel());
            h.pumpUntil(() -> h.order.size() == syncs.length, "the syncs");
            for (final int s : syncs)
            {
                assertEquals(0, h.result(s));
            }
            assertEquals(0, h.executor.stats().syncsIssued());
            assertEquals(4, h.executor.stats().submitted());
            assertFalse(h.executor.options().fsyncCoalescing());
            assertEquals(0, h.direct(Syscall.CLOSE, fd));
        }
    }
}
