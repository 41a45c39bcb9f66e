package io.offload.servers.agent;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.servers.executor.FdOwners;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_DONE;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_FREE;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_WAITING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15, items 1 and 9, one interleaving at a time: a read published to server A waits on a socket that server
 * B owns, so A forwards it to B; its caller cancels it through A (the server it published to) at every point of
 * that journey, with and without a server dying, and with stale handles left in rings. Every call must complete
 * exactly once, and no entry may be left SUBMITTED, RUNNING or WAITING with nobody to finish it. Each interleaving
 * runs on both executors (with io_uring, the read goes to the syscall executor fallback, which forwards it).
 */
@ParameterizedClass
@EnumSource(ExecutorKind.class)
class CancelInterleavingsTest
{
    private final HandDriven hand;
    private SyscallServer a;
    private SyscallServer b;
    private int fd;
    private int peer;
    private MemorySegment buf;

    CancelInterleavingsTest(final ExecutorKind kind)
    {
        hand = new HandDriven(kind);
    }

    @BeforeEach
    void assumeAvailable()
    {
        hand.kind.assumeAvailable();
    }

    @AfterEach
    void close()
    {
        hand.close();
    }

    private void twoServers()
    {
        a = hand.started();
        b = hand.started();
        wire();
    }

    private void wire()
    {
        final ServerPort[] owners = {a.port(), b.port()};
        a.fdOwners(owners);
        b.fdOwners(owners);
        final int[] pair = hand.socketPair();
        fd = pair[0] % 2 == 1 ? pair[0] : pair[1]; // owned by b
        peer = fd == pair[0] ? pair[1] : pair[0];
        buf = hand.arena.allocate(16);
    }

    private int readThroughA()
    {
        return hand.submit(a, Syscall.READ, 0, fd, buf.address(), 16);
    }

    private void assertNothingLeft()
    {
        for (int handle = 0; handle < hand.pool.allocatedEntries(); handle++)
        {
            final int status = hand.status(handle);
            assertTrue(status == STATUS_FREE || status == STATUS_DONE,
                "entry " + handle + " left " + io.offload.rings.SyscallEntryDescriptor.statusName(status));
        }
        assertTrue(hand.errors.isEmpty(), hand.errors.toString());
    }

    @Test
    void aCancelBeforeAPicksItUpIsATakeBack()
    {
        twoServers();
        final int read = readThroughA();
        hand.cancel(read, a);
        hand.cycle(3);
        assertEquals(-Errno.ECANCELED, hand.take(read));
        assertNothingLeft();
    }

    @Test
    void aCancelWhileTheCallIsOnItsWayToItsOwnerIsATakeBackAndTheOwnerSkipsItsCopy()
    {
        twoServers();
        final int read = readThroughA();
        a.doWork();
        assertEquals(STATUS_SUBMITTED, hand.status(read), "forwarded to b");
        hand.cancel(read, a);
        assertEquals(-Errno.ECANCELED, hand.take(read));
        b.doWork();
        assertEquals(1, b.counters().lvCounter(ServerCountersDescriptor.CANCELLED));
        assertNothingLeft();
    }

    @Test
    void aCancelReachingThePublisherAfterTheCallParkedWithItsOwnerIsPassedOn()
    {
        twoServers();
        final int read = readThroughA();
        a.doWork();
        b.doWork();
        assertEquals(STATUS_WAITING, hand.status(read));
        hand.cancel(read, a);
        b.doWork();
        assertEquals(STATUS_WAITING, hand.status(read), "b has no message yet: a holds it");
        a.doWork();
        b.doWork();
        assertEquals(-Errno.ECANCELED, hand.take(read));
        assertNothingLeft();
    }

    @Test
    void aCancelThatFindsTheCallRunningAtItsOwnerIsSeenWhenTheOwnerParksIt()
    {
        // the lost cancel of item 1: the flag is set and a handles the cancel while b is between its look at the
        // flag and its park; b must look again after it stores WAITING
        a = hand.started();
        final int[] handleBox = {-1};
        final boolean[] injected = {false};
        b = hand.server(hand.kind.factory(new FdOwners()
        {
            @Override
            public boolean isLocal(final int waitFd)
            {
                if (!injected[0] && handleBox[0] >= 0)
                {
                    injected[0] = true;
                    assertEquals(STATUS_RUNNING, hand.status(handleBox[0]), "b holds it, after its attempt");
                    hand.cancel(handleBox[0], a); // flag set, message to a
                    a.doWork(); // a sees it RUNNING elsewhere: nothing to do here
                }
                return true;
            }

            @Override
            public int forward(final int waitFd, final int handle)
            {
                throw new AssertionError("b owns every fd here");
            }

            @Override
            public void cancel(final int waitFd, final int handle)
            {
            }
        }));
        b.onStart();
        wire();
        final int read = readThroughA();
        handleBox[0] = read;
        a.doWork();
        b.doWork();
        assertTrue(injected[0]);
        assertEquals(-Errno.ECANCELED, hand.take(read), "b saw the flag after parking");
        assertNothingLeft();
    }

    @Test
    void aCancelSentToAPublisherThatHasDiedReachesTheOwner()
    {
        twoServers();
        final int read = readThroughA();
        a.doWork();
        b.doWork();
        a.onClose(); // a's thread dies; the call waits with b
        hand.errors.clear();
        assertEquals(STATUS_WAITING, hand.status(read));
        hand.cancel(read, a);
        b.doWork();
        assertEquals(-Errno.ECANCELED, hand.take(read));
        assertNothingLeft();
    }

    @Test
    void aCancelInTheControlRingOfAPublisherThatDiesReachesTheOwner()
    {
        twoServers();
        final int read = readThroughA();
        a.doWork();
        b.doWork();
        hand.cancel(read, a); // queued at a, not yet seen
        a.onClose();
        hand.errors.clear();
        b.doWork();
        assertEquals(-Errno.ECANCELED, hand.take(read));
        assertNothingLeft();
    }

    @Test
    void anOwnerThatDiesSettlesTheForwardedCallWithItsProgress()
    {
        twoServers();
        final int read = readThroughA();
        a.doWork();
        b.onClose(); // b dies with the forwarded call in its ring
        hand.errors.clear();
        assertEquals(-Errno.ECANCELED, hand.take(read));
        final int next = readThroughA();
        a.doWork(); // the owner is gone: the call cannot wait anywhere
        assertEquals(-Errno.ECANCELED, hand.take(next));
        assertNothingLeft();
    }

    @Test
    void aStaleHandleInTheOwnersRingRunsTheNextCallOfThatEntryOnce()
    {
        // item 9: the caller takes back a forwarded call, its entry is reused at once; the copy left in b's ring
        // picks the new call up: it runs once, on b, and a skips its own copy
        twoServers();
        final int read = readThroughA();
        a.doWork();
        hand.cancel(read, a);
        hand.take(read);
        final int getpid = hand.submit(a, Syscall.GETPID, 0);
        assertEquals(read, getpid, "the pool hands the same entry out again");
        b.doWork();
        assertEquals(ProcessHandle.current().pid(), hand.result(getpid));
        a.doWork();
        assertEquals(1, a.counters().lvCounter(ServerCountersDescriptor.CANCELLED));
        hand.take(getpid);
        assertNothingLeft();
    }

    @Test
    void aStaleHandleInTheRingOfAServerThatDiesCompletesTheNextCallOnce()
    {
        // item 9: a publisher to a stopping server takes its entry back and reuses it for a call to a live server;
        // the dying server drains the stale copy: the new call completes once, with ECANCELED, never twice
        twoServers();
        final int first = hand.request(Syscall.GETPID, 0);
        b.port().offer(first);
        assertTrue(hand.entries.takeBack(first));
        hand.entries.complete(first, -Errno.ECANCELED, null);
        hand.take(first);
        final int second = hand.submit(a, Syscall.GETPID, 0);
        assertEquals(first, second);
        b.onClose();
        hand.errors.clear();
        a.doWork();
        assertEquals(-Errno.ECANCELED, hand.take(second));
        assertEquals(1, a.counters().lvCounter(ServerCountersDescriptor.CANCELLED));
        assertNothingLeft();
    }

    @Test
    void aCallerTakingBackAForwardedWriteGetsTheBytesItHadMoved()
    {
        // the caller's take-back is the server's (EntryTable.finishIfNotPicked): a forwarded call carries its
        // progress, and a cancel that takes it back reports the bytes already written, not ECANCELED
        twoServers();
        final int size = 8 << 20; // far more than the socket buffer: a part is written, then it would block
        final MemorySegment big = hand.arena.allocate(size);
        final int write = hand.submit(a, Syscall.WRITE, 0, fd, big.address(), size);
        a.doWork();
        assertEquals(STATUS_SUBMITTED, hand.status(write), "a wrote a part and forwarded the rest to b");
        hand.cancel(write, a);
        final long moved = hand.take(write);
        assertTrue(moved > 0 && moved < size, "the bytes written before the cancel: " + moved);
        b.doWork();
        assertEquals(1, b.counters().lvCounter(ServerCountersDescriptor.CANCELLED), "b skips its copy");
        assertNothingLeft();
    }

    @Test
    void aForwardToAStoppedOwnerAfterTheEntryWasReusedStartsTheNewCallFresh()
    {
        forwardRefusedWhileTheEntryIsReused(FdOwners.STOPPED);
    }

    @Test
    void aForwardToAFullOwnerAfterTheEntryWasReusedStartsTheNewCallFresh()
    {
        forwardRefusedWhileTheEntryIsReused(FdOwners.FULL);
    }

    /**
     * Issue 15, item 9: a forwards a read to b and b refuses it (stopped, or its ring full); between the offer and
     * a's CAS back to RUNNING the caller takes the read back (it is SUBMITTED in no ring), frees the entry, and the
     * entry carries the next call, published to b. a wins that call: it must run it from the start, not finish it
     * with the read's stale result (ECANCELED) or resume it with the read's progress.
     */
    private void forwardRefusedWhileTheEntryIsReused(final int refusal)
    {
        b = hand.started();
        final int[] next = {-1};
        a = hand.server(hand.kind.factory(new FdOwners()
        {
            @Override
            public boolean isLocal(final int waitFd)
            {
                return false;
            }

            @Override
            public int forward(final int waitFd, final int handle)
            {
                if (next[0] >= 0)
                {
                    return b.port().offer(handle);
                }
                hand.cancel(handle, a); // SUBMITTED in no ring: the caller takes it back
                assertEquals(-Errno.ECANCELED, hand.take(handle));
                next[0] = hand.submit(b, Syscall.GETPID, 0);
                assertEquals(handle, next[0], "the pool hands the entry out again");
                return refusal;
            }

            @Override
            public void cancel(final int waitFd, final int handle)
            {
            }
        }));
        a.onStart();
        wire();
        readThroughA();
        a.doWork();
        assertEquals(ProcessHandle.current().pid(), hand.take(next[0]), "the new call ran, once, on a");
        b.doWork();
        assertEquals(1, b.counters().lvCounter(ServerCountersDescriptor.CANCELLED), "b skips its copy");
        assertNothingLeft();
    }

    @Test
    void dataAndACancelArrivingTogetherCompleteTheCallOnce()
    {
        twoServers();
        final int read = readThroughA();
        a.doWork();
        b.doWork();
        hand.write(peer, "data".getBytes());
        hand.cancel(read, a);
        a.doWork();
        b.doWork();
        final long result = hand.take(read);
        assertTrue(result == 4 || result == -Errno.ECANCELED, "data or cancelled, once: " + result);
        hand.cycle(3);
        assertNothingLeft();
    }
}
