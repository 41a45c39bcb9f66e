package io.offload.servers.agent;

import io.offload.rings.EntryPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_DONE;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_FREE;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_ASYNC;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_MAY_PARK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The completion thread's agent driven by hand: async entries a server completes reach their futures there, after
 * the entry went back to the pool; virtual threads parked on an entry are unparked there; a failing completion
 * goes to the error handler; drainAll empties every port.
 */
class CompleterTest
{
    private final Arena arena = Arena.ofShared();
    private final EntryPool pool = new EntryPool(16, 64);
    private final EntryTable entries = new EntryTable(pool);
    private final List<Throwable> errors = new ArrayList<>();
    private final Completer completer = new Completer(entries, errors::add);
    private final Completer.Port port = completer.newPort(arena);

    @AfterEach
    void close()
    {
        pool.close();
        arena.close();
    }

    private int running(final int waiter, final Object attachment)
    {
        final int handle = pool.claim();
        entries.entry().spRequest(handle, 0, 0, 0, 0, 0, 0, 0, 1L, waiter);
        entries.attach(handle, attachment);
        entries.entry().soStatus(handle, STATUS_RUNNING);
        return handle;
    }

    @Test
    void anAsyncEntryIsFinishedOnTheCompletionThreadAfterItsEntryIsFree()
    {
        final AtomicLong result = new AtomicLong(-1);
        final int handle = running(WAITER_ASYNC, (AsyncCompletion)result::set);
        entries.complete(handle, 7, port);
        assertEquals(STATUS_DONE, entries.entry().lvStatus(handle), "DONE, queued, not finished on the server");
        assertEquals(-1, result.get());
        assertTrue(completer.hasPending());
        assertEquals(1, completer.doWork());
        assertEquals(7, result.get());
        assertEquals(STATUS_FREE, entries.entry().lvStatus(handle));
        assertFalse(completer.hasPending());
    }

    /**
     * The safety net under virtual threads' untimed park: a thread parked on an entry that went DONE without an
     * unpark (a lost wake-up, simulated by storing DONE and unparking no one) is unparked by the second sweep that
     * sees it so, not by the first (a thread merely woken late is left to its own wake-up); an entry not DONE is
     * never touched.
     */
    @Test
    void aThreadParkedOnADoneEntryIsUnparkedBySecondSweepThatSeesIt() throws Exception
    {
        final int[] box = new int[1];
        final java.util.concurrent.atomic.AtomicBoolean woke = new java.util.concurrent.atomic.AtomicBoolean();
        final Thread waiter = Thread.ofVirtual().unstarted(() ->
        {
            while (!entries.announcePark(box[0]))
            {
                java.util.concurrent.locks.LockSupport.park();
            }
            woke.set(true);
        });
        box[0] = running(io.offload.rings.SyscallEntryDescriptor.WAITER_MAY_PARK, waiter);
        final int notDone = running(io.offload.rings.SyscallEntryDescriptor.WAITER_MAY_PARK, Thread.currentThread());
        waiter.start();
        while (entries.entry().lvWaiterVolatile(box[0]) != io.offload.rings.SyscallEntryDescriptor.WAITER_PARKED)
        {
            Thread.onSpinWait();
        }
        assertEquals(0, completer.sweepParkedOnDone(), "nothing DONE yet");
        entries.entry().spResult(box[0], 3);
        entries.entry().svStatus(box[0], STATUS_DONE); // DONE, and the unpark "lost"
        assertEquals(0, completer.sweepParkedOnDone(), "first sight: left to its own wake-up");
        assertEquals(1, completer.sweepParkedOnDone(), "second sight: unparked");
        assertTrue(waiter.join(java.time.Duration.ofSeconds(60)), "the waiter woke");
        assertTrue(woke.get());
        assertEquals(1, completer.sweepUnparks());
        assertEquals(0, completer.sweepParkedOnDone(), "the entry is still DONE but its thread left: nothing to do");
        assertEquals(STATUS_RUNNING, entries.entry().lvStatus(notDone));
    }

    @Test
    void aParkedVirtualThreadIsUnparkedByTheCompletionThread() throws Exception
    {
        final CountDownLatch parked = new CountDownLatch(1);
        final CountDownLatch woke = new CountDownLatch(1);
        final int[] handleBox = new int[1];
        final Thread waiter = Thread.ofVirtual().unstarted(() ->
        {
            parked.countDown();
            while (!entries.announcePark(handleBox[0]))
            {
                LockSupport.park();
            }
            woke.countDown();
        });
        handleBox[0] = running(WAITER_MAY_PARK, waiter);
        waiter.start();
        assertTrue(parked.await(30, TimeUnit.SECONDS));
        // the server's side: DONE, and the unpark queued for the completion thread (if the waiter had parked)
        entries.completeAndWake(handleBox[0], 3, port.wakeup());
        completer.drainAll();
        assertTrue(woke.await(30, TimeUnit.SECONDS), "the waiter saw DONE or was unparked");
        waiter.join();
        assertEquals(3, entries.entry().lpResult(handleBox[0]));
    }

    @Test
    void aPlatformThreadIsUnparkedAtOnce() throws Exception
    {
        final CountDownLatch woke = new CountDownLatch(1);
        final int[] handleBox = new int[1];
        final Thread waiter = new Thread(() ->
        {
            while (!entries.announcePark(handleBox[0]))
            {
                LockSupport.park();
            }
            woke.countDown();
        });
        handleBox[0] = running(WAITER_MAY_PARK, waiter);
        waiter.start();
        entries.completeAndWake(handleBox[0], 1, port.wakeup());
        assertTrue(woke.await(30, TimeUnit.SECONDS), "no completion thread needed for a platform thread");
        waiter.join();
    }

    @Test
    void aCompletionThatThrowsGoesToTheErrorHandlerAndTheOthersStillRun()
    {
        final AtomicLong other = new AtomicLong();
        final int bad = running(WAITER_ASYNC, (AsyncCompletion)r ->
        {
            throw new IllegalStateException("boom");
        });
        final int good = running(WAITER_ASYNC, (AsyncCompletion)other::set);
        entries.complete(bad, 1, port);
        entries.complete(good, 2, port);
        assertEquals(2, completer.drainAll());
        assertEquals(2, other.get());
        assertEquals(1, errors.size());
        assertEquals("boom", errors.get(0).getMessage());
    }

    @Test
    void onlyTheCompletionThreadSaysItIsOne() throws Exception
    {
        assertFalse(Completer.isCompletionThread());
        final boolean[] inside = new boolean[1];
        final Thread thread = new Thread(() ->
        {
            completer.onStart();
            inside[0] = Completer.isCompletionThread();
        });
        thread.start();
        thread.join();
        assertTrue(inside[0]);
    }
}
