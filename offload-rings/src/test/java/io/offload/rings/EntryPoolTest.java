package io.offload.rings;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.offload.rings.EntryPool.NO_ENTRY;
import static io.offload.rings.SyscallEntryDescriptor.ARG_COUNT;
import static io.offload.rings.SyscallEntryDescriptor.CALLER_ID_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.ENTRY_LENGTH;
import static io.offload.rings.SyscallEntryDescriptor.FLAGS_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.OP_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_DONE;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_FREE;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_WAITING;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class EntryPoolTest
{
    // ------------------------------------------------------------------ growth and bound

    @Test
    void growsPageByPageUpToBound()
    {
        final int entriesPerPage = 4;
        final int maxEntries = 16;
        try (EntryPool pool = new EntryPool(entriesPerPage, maxEntries))
        {
            assertEquals(entriesPerPage, pool.entriesPerPage());
            assertEquals(maxEntries, pool.maxEntries());
            assertEquals(entriesPerPage, pool.allocatedEntries(), "a pool starts with one page");
            for (int claimed = 1; claimed <= maxEntries; claimed++)
            {
                final int handle = pool.claim();
                assertNotEquals(NO_ENTRY, handle, "claim " + claimed + " of " + maxEntries);
                final int expectedPages = (claimed + entriesPerPage - 1) / entriesPerPage;
                assertEquals(expectedPages * entriesPerPage, pool.allocatedEntries(),
                    "after " + claimed + " claims the pool grows one page at a time");
            }
            assertEquals(NO_ENTRY, pool.claim());
            assertEquals(NO_ENTRY, pool.claim(), "still nothing at the bound");
            assertEquals(maxEntries, pool.allocatedEntries(), "never grows past the bound");
        }
    }

    @Test
    void singleEntryPool()
    {
        try (EntryPool pool = new EntryPool(1, 1))
        {
            final int handle = pool.claim();
            assertEquals(0, handle);
            assertEquals(NO_ENTRY, pool.claim());
            pool.release(handle);
            assertEquals(0, pool.claim());
            assertEquals(NO_ENTRY, pool.claim());
        }
    }

    @Test
    void releaseThenClaimSucceeds()
    {
        try (EntryPool pool = new EntryPool(4, 8))
        {
            final List<Integer> held = claimAll(pool);
            assertEquals(8, held.size());
            assertEquals(NO_ENTRY, pool.claim());

            final int released = held.get(5);
            pool.release(released);
            assertEquals(released, pool.claim(), "the free list is a stack: the last released comes back first");
            assertEquals(NO_ENTRY, pool.claim());

            for (final int handle : held)
            {
                pool.release(handle);
            }
            final List<Integer> again = claimAll(pool);
            assertEquals(Set.copyOf(held), Set.copyOf(again), "all entries come back after release");
            assertEquals(8, pool.allocatedEntries(), "reuse must not grow the pool");
        }
    }

    @Test
    void handlesAreDistinctAndInRange()
    {
        final int maxEntries = 256;
        try (EntryPool pool = new EntryPool(16, maxEntries))
        {
            final List<Integer> handles = claimAll(pool);
            assertEquals(maxEntries, handles.size());
            final BitSet seen = new BitSet(maxEntries);
            for (final int handle : handles)
            {
                assertTrue(handle >= 0 && handle < maxEntries, "handle " + handle + " out of range");
                assertTrue(!seen.get(handle), "handle " + handle + " claimed twice");
                seen.set(handle);
            }
            assertEquals(maxEntries, seen.cardinality());
        }
    }

    // ------------------------------------------------------------------ layout

    @Test
    void pagesAndOffsetsAreAlignedAndDistinct()
    {
        final int entriesPerPage = 8;
        final int maxEntries = 64;
        try (EntryPool pool = new EntryPool(entriesPerPage, maxEntries))
        {
            final List<Integer> handles = claimAll(pool);
            final Set<Long> addresses = new HashSet<>();
            for (final int handle : handles)
            {
                final MemorySegment page = pool.page(handle);
                final long offset = pool.offset(handle);
                assertEquals((long)entriesPerPage * ENTRY_LENGTH, page.byteSize(), "page size");
                assertEquals(0, page.address() % EntryPoolDescriptor.PAGE_ALIGNMENT, "page alignment");
                assertEquals(0, offset % SyscallEntryDescriptor.ENTRY_ALIGNMENT, "offset of " + handle);
                assertTrue(offset >= 0 && offset + ENTRY_LENGTH <= page.byteSize(), "offset " + offset);
                assertEquals((long)(handle % entriesPerPage) * ENTRY_LENGTH, offset, "offset of " + handle);
                assertSame(pool.page(handle - handle % entriesPerPage), page, "entries of one page share it");
                assertTrue(addresses.add(page.address() + offset), "two handles name the same entry: " + handle);
            }
            assertEquals(maxEntries, addresses.size());

            // each entry can be filled completely without touching any other
            for (final int handle : handles)
            {
                pool.page(handle).asSlice(pool.offset(handle), ENTRY_LENGTH).fill((byte)handle);
            }
            for (final int handle : handles)
            {
                final MemorySegment entry = pool.page(handle).asSlice(pool.offset(handle), ENTRY_LENGTH);
                for (long i = 0; i < ENTRY_LENGTH; i++)
                {
                    assertEquals((byte)handle, entry.get(ValueLayout.JAVA_BYTE, i), "entry " + handle + " byte " + i);
                }
            }
        }
    }

    // ------------------------------------------------------------------ status

    @Test
    void freshEntriesAreFree()
    {
        try (EntryPool pool = new EntryPool(32, 128))
        {
            assertEquals(0, pool.countNotFree());
            final List<Integer> handles = claimAll(pool);
            for (final int handle : handles)
            {
                assertEquals(STATUS_FREE, lvStatus(pool.page(handle), pool.offset(handle)),
                    "status of fresh entry " + handle);
            }
            assertEquals(0, pool.countNotFree());
        }
    }

    @Test
    void countNotFreeCountsEntriesNotFree()
    {
        try (EntryPool pool = new EntryPool(8, 32))
        {
            final List<Integer> handles = claimAll(pool);
            final int[] statuses = {STATUS_SUBMITTED, STATUS_RUNNING, STATUS_WAITING, STATUS_DONE};
            int expected = 0;
            for (int i = 0; i < handles.size(); i += 3)
            {
                final int handle = handles.get(i);
                soStatus(pool.page(handle), pool.offset(handle), statuses[expected % statuses.length]);
                expected++;
                assertEquals(expected, pool.countNotFree());
            }
            assertTrue(expected > 4);
            for (int i = 0; i < handles.size(); i += 3)
            {
                final int handle = handles.get(i);
                soStatus(pool.page(handle), pool.offset(handle), STATUS_FREE);
                expected--;
                assertEquals(expected, pool.countNotFree());
            }
            assertEquals(0, pool.countNotFree());
            for (final int handle : handles)
            {
                pool.release(handle);
            }
            assertEquals(0, pool.countNotFree());
        }
    }

    @Test
    void countNotFreeCoversOnlyAllocatedPages()
    {
        try (EntryPool pool = new EntryPool(4, 16))
        {
            final int handle = pool.claim();
            soStatus(pool.page(handle), pool.offset(handle), STATUS_SUBMITTED);
            assertEquals(4, pool.allocatedEntries());
            assertEquals(1, pool.countNotFree());
            for (int i = 0; i < 4; i++)
            {
                assertNotEquals(NO_ENTRY, pool.claim()); // grows a second page
            }
            assertEquals(8, pool.allocatedEntries());
            assertEquals(1, pool.countNotFree(), "a new page is all FREE");
        }
    }

    // ------------------------------------------------------------------ validation

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 3, 6, 100, 65_537, 131_072, Integer.MIN_VALUE})
    void entriesPerPageMustBePowerOfTwoInRange(final int entriesPerPage)
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> new EntryPool(entriesPerPage, 1 << 20).close());
        assertTrue(ex.getMessage().contains("entriesPerPage"), ex.getMessage());
        assertTrue(ex.getMessage().contains("power of two"), ex.getMessage());
        assertTrue(ex.getMessage().contains("got " + entriesPerPage), ex.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"4, 10", "4, 6", "4, 2", "4, 0", "4, -8", "8, 12", "1024, 1000", "4, 16777220"})
    void maxEntriesMustBeMultipleOfEntriesPerPageInRange(final int entriesPerPage, final int maxEntries)
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> new EntryPool(entriesPerPage, maxEntries).close());
        assertTrue(ex.getMessage().contains("maxEntries"), ex.getMessage());
        assertTrue(ex.getMessage().contains("multiple of entriesPerPage (" + entriesPerPage + ")"), ex.getMessage());
        assertTrue(ex.getMessage().contains("got " + maxEntries), ex.getMessage());
    }

    @Test
    void largestValidPoolAccepted()
    {
        assertDoesNotThrow(() -> new EntryPool(65_536, EntryPoolDescriptor.MAX_ENTRIES).close());
        assertDoesNotThrow(() -> new EntryPool(1, 1).close());
    }

    @Test
    void checkHandleRejectsOutOfRange()
    {
        try (EntryPool pool = new EntryPool(4, 16))
        {
            for (final int handle : new int[] {-1, Integer.MIN_VALUE, 4, 15, 16, Integer.MAX_VALUE})
            {
                final IllegalArgumentException ex = assertThrows(
                    IllegalArgumentException.class, () -> pool.checkHandle(handle), "handle " + handle);
                assertTrue(ex.getMessage().contains(Integer.toString(handle)), ex.getMessage());
                assertTrue(ex.getMessage().contains("[0, 4)"), ex.getMessage());
            }
            for (int handle = 0; handle < 4; handle++)
            {
                final int h = handle;
                assertDoesNotThrow(() -> pool.checkHandle(h));
            }
            assertThrows(IllegalArgumentException.class, () -> pool.release(-1));
            assertThrows(IllegalArgumentException.class, () -> pool.release(4), "release of an unallocated entry");

            claimAll(pool);
            assertDoesNotThrow(() -> pool.checkHandle(15), "allocated after growth");
            assertThrows(IllegalArgumentException.class, () -> pool.checkHandle(16));
        }
    }

    @Test
    void accessAfterCloseThrowsIllegalState()
    {
        final EntryPool pool = new EntryPool(4, 16);
        final int handle = pool.claim();
        final MemorySegment page = pool.page(handle);
        final long offset = pool.offset(handle);
        assertEquals(STATUS_FREE, lvStatus(page, offset));
        pool.close();

        assertThrows(IllegalStateException.class, () -> lvStatus(page, offset));
        assertThrows(IllegalStateException.class, () -> lvStatus(pool.page(handle), pool.offset(handle)));
        assertThrows(IllegalStateException.class, () -> soStatus(page, offset, STATUS_SUBMITTED));
        assertThrows(IllegalStateException.class, () -> page.get(ValueLayout.JAVA_LONG, offset));
        assertThrows(IllegalStateException.class, pool::countNotFree);
        assertThrows(IllegalStateException.class, pool::claim);
        assertThrows(IllegalStateException.class, () -> pool.release(handle));
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void platformThreadsNeverShareAnEntry() throws InterruptedException
    {
        // 4 threads on a 2-entry pool whose second page is grown under contention
        try (EntryPool pool = new EntryPool(1, 2))
        {
            churn(pool, 4, 250_000, false);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void platformThreadsClaimingTwoAtOnceNeverShareAnEntry() throws InterruptedException
    {
        // pop, pop, push by one thread inside another's claim is the free list's ABA pattern
        final int threadCount = 4;
        final int iterations = 1_000_000;
        final int maxEntries = 2 * threadCount;
        try (EntryPool pool = new EntryPool(1, maxEntries))
        {
            final AtomicIntegerArray owners = new AtomicIntegerArray(maxEntries);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final CountDownLatch start = new CountDownLatch(1);
            final Thread[] threads = new Thread[threadCount];
            for (int t = 0; t < threadCount; t++)
            {
                final int id = t + 1;
                threads[t] = Thread.ofPlatform().daemon().name("pairs-" + id).start(() ->
                {
                    try
                    {
                        start.await();
                        for (int i = 0; i < iterations && failure.get() == null; i++)
                        {
                            final int first = claimOwned(pool, owners, id);
                            final int second = claimOwned(pool, owners, id);
                            // a light stamp keeps the loop tight, so claims overlap often
                            stampCallerId(pool, first, id);
                            stampCallerId(pool, second, id);
                            checkCallerId(pool, first, id);
                            checkCallerId(pool, second, id);
                            releaseOwned(pool, owners, id, (i & 1) == 0 ? first : second);
                            releaseOwned(pool, owners, id, (i & 1) == 0 ? second : first);
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                });
            }
            start.countDown();
            for (final Thread thread : threads)
            {
                thread.join(TimeUnit.SECONDS.toMillis(100));
                assertTrue(!thread.isAlive(), thread + " did not finish");
            }
            rethrow(failure);
            assertEquals(0, pool.countNotFree());
            final List<Integer> all = claimAll(pool);
            assertEquals(maxEntries, all.size());
            assertEquals(maxEntries, Set.copyOf(all).size(), "each entry exactly once");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void virtualThreadsNeverShareAnEntry() throws InterruptedException
    {
        // 1,000 virtual threads that yield while holding, on a 512-entry pool
        try (EntryPool pool = new EntryPool(64, 512))
        {
            churn(pool, 1_000, 1_000, true);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void hundredThousandVirtualThreadsEachHoldAnEntry() throws InterruptedException
    {
        final int threads = 100_000;
        final int entriesPerPage = 1024;
        final int maxEntries = 131_072;
        try (EntryPool pool = new EntryPool(entriesPerPage, maxEntries))
        {
            final int[] handles = new int[threads];
            final AtomicIntegerArray owners = new AtomicIntegerArray(maxEntries);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final CountDownLatch allClaimed = new CountDownLatch(threads);
            final CountDownLatch release = new CountDownLatch(1);
            final Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                final int index = t;
                final int id = t + 1;
                workers[t] = Thread.ofVirtual().unstarted(() ->
                {
                    int handle = NO_ENTRY;
                    try
                    {
                        handle = pool.claim();
                        handles[index] = handle;
                        if (handle == NO_ENTRY)
                        {
                            throw new AssertionError("thread " + id + " got NO_ENTRY below the bound");
                        }
                        if (!owners.compareAndSet(handle, 0, id))
                        {
                            throw new AssertionError("handle " + handle + " claimed by " + id + " while held by " +
                                owners.get(handle));
                        }
                        pool.page(handle).set(ValueLayout.JAVA_LONG, pool.offset(handle) + CALLER_ID_OFFSET, id);
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                    finally
                    {
                        allClaimed.countDown();
                    }
                    try
                    {
                        release.await();
                        if (handle != NO_ENTRY)
                        {
                            final long seen = pool.page(handle).get(
                                ValueLayout.JAVA_LONG, pool.offset(handle) + CALLER_ID_OFFSET);
                            if (seen != id)
                            {
                                throw new AssertionError("entry " + handle + " of " + id + " holds id " + seen);
                            }
                            if (!owners.compareAndSet(handle, id, 0))
                            {
                                throw new AssertionError("handle " + handle + " released by " + id +
                                    " but owned by " + owners.get(handle));
                            }
                            pool.release(handle);
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                });
            }
            for (final Thread worker : workers)
            {
                worker.start();
            }
            try
            {
                assertTrue(allClaimed.await(60, TimeUnit.SECONDS),
                    "claims not done: " + allClaimed.getCount() + " left");
                rethrow(failure);
                final BitSet seen = new BitSet(maxEntries);
                for (int t = 0; t < threads; t++)
                {
                    final int handle = handles[t];
                    assertTrue(handle >= 0 && handle < maxEntries, "thread " + (t + 1) + " handle " + handle);
                    assertTrue(!seen.get(handle), "handle " + handle + " held by two threads");
                    seen.set(handle);
                }
                assertEquals(threads, seen.cardinality());
                final int pages = (threads + entriesPerPage - 1) / entriesPerPage;
                assertEquals(pages * entriesPerPage, pool.allocatedEntries(), "grown only as far as needed");
                assertEquals(0, pool.countNotFree());
            }
            finally
            {
                release.countDown();
                for (final Thread worker : workers)
                {
                    worker.join(TimeUnit.SECONDS.toMillis(30));
                }
            }
            rethrow(failure);
            for (int handle = 0; handle < maxEntries; handle++)
            {
                assertEquals(0, owners.get(handle), "handle " + handle + " still owned");
            }
            final List<Integer> all = claimAll(pool);
            assertEquals(maxEntries, all.size());
            assertEquals(maxEntries, Set.copyOf(all).size(), "every entry comes back exactly once");
        }
    }

    /**
     * Threads claim, stamp the entry with their id, hold it a while, check that the stamp is still theirs, and
     * release. The pool is smaller than the thread count, so claims fail and are retried.
     */
    private static void churn(
        final EntryPool pool, final int threadCount, final int iterationsPerThread, final boolean virtual)
        throws InterruptedException
    {
        final int maxEntries = pool.maxEntries();
        final AtomicIntegerArray owners = new AtomicIntegerArray(maxEntries);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final LongAdder noEntry = new LongAdder();
        final LongAdder completed = new LongAdder();
        final CountDownLatch start = new CountDownLatch(1);
        final Thread[] threads = new Thread[threadCount];
        for (int t = 0; t < threadCount; t++)
        {
            final int id = t + 1;
            final Runnable task = () ->
            {
                try
                {
                    start.await();
                    for (int i = 0; i < iterationsPerThread && failure.get() == null; i++)
                    {
                        cycle(pool, owners, id, i, virtual, noEntry, failure);
                        completed.increment();
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            };
            threads[t] = virtual ? Thread.ofVirtual().unstarted(task) :
                Thread.ofPlatform().daemon().name("churn-" + id).unstarted(task);
            threads[t].start();
        }
        final long startNs = System.nanoTime();
        start.countDown();
        for (final Thread thread : threads)
        {
            thread.join(TimeUnit.SECONDS.toMillis(100));
            if (thread.isAlive())
            {
                failure.compareAndSet(null, new AssertionError("thread " + thread + " did not finish"));
                break;
            }
        }
        final long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        rethrow(failure);
        final long total = (long)threadCount * iterationsPerThread;
        assertEquals(total, completed.sum());
        System.out.printf("EntryPoolTest churn %d %s threads, %d entries: %,d cycles, %,d NO_ENTRY retries, %d ms%n",
            threadCount, virtual ? "virtual" : "platform", maxEntries, total, noEntry.sum(), elapsedMs);
        assertTrue(noEntry.sum() > 0, "the pool never ran out: the test did not exercise NO_ENTRY");

        for (int handle = 0; handle < maxEntries; handle++)
        {
            assertEquals(0, owners.get(handle), "handle " + handle + " still owned");
        }
        assertEquals(0, pool.countNotFree(), "every entry released FREE");
        final List<Integer> all = claimAll(pool);
        assertEquals(maxEntries, all.size(), "claim everything back");
        assertEquals(maxEntries, Set.copyOf(all).size(), "each entry exactly once");
        for (final int handle : all)
        {
            assertTrue(handle >= 0 && handle < maxEntries, "handle " + handle);
        }
    }

    private static void cycle(
        final EntryPool pool,
        final AtomicIntegerArray owners,
        final int id,
        final int iteration,
        final boolean virtual,
        final LongAdder noEntry,
        final AtomicReference<Throwable> failure)
    {
        int handle;
        while ((handle = pool.claim()) == NO_ENTRY)
        {
            noEntry.increment();
            if (failure.get() != null)
            {
                return;
            }
            Thread.yield();
        }
        if (!owners.compareAndSet(handle, 0, id))
        {
            throw new AssertionError("double ownership: handle " + handle + " claimed by thread " + id +
                " while held by thread " + owners.get(handle));
        }
        final MemorySegment page = pool.page(handle);
        final long offset = pool.offset(handle);
        final int status = lvStatus(page, offset);
        if (status != STATUS_FREE)
        {
            throw new AssertionError("handle " + handle + " claimed by " + id + " with status " +
                SyscallEntryDescriptor.statusName(status));
        }
        stamp(pool, handle, id, iteration);
        soStatus(page, offset, STATUS_SUBMITTED);

        // hold the entry for a while so that others run out and other holders overlap with us
        if (virtual || (iteration & 15) == 0)
        {
            Thread.yield();
        }
        else
        {
            for (int spin = 0; spin < 8; spin++)
            {
                Thread.onSpinWait();
            }
        }

        checkStamp(page, offset, handle, id, iteration);
        if (lvStatus(page, offset) != STATUS_SUBMITTED)
        {
            throw new AssertionError("status of handle " + handle + " held by " + id + " changed to " +
                SyscallEntryDescriptor.statusName(lvStatus(page, offset)));
        }
        soStatus(page, offset, STATUS_FREE);
        if (!owners.compareAndSet(handle, id, 0))
        {
            throw new AssertionError("double ownership: handle " + handle + " released by thread " + id +
                " but owned by thread " + owners.get(handle));
        }
        pool.release(handle);
    }

    private static int claimOwned(final EntryPool pool, final AtomicIntegerArray owners, final int id)
    {
        final int handle = pool.claim();
        if (handle == NO_ENTRY)
        {
            throw new AssertionError("thread " + id + " got NO_ENTRY from a pool with an entry for each claim");
        }
        if (!owners.compareAndSet(handle, 0, id))
        {
            throw new AssertionError("double ownership: handle " + handle + " claimed by thread " + id +
                " while held by thread " + owners.get(handle));
        }
        return handle;
    }

    private static void releaseOwned(
        final EntryPool pool, final AtomicIntegerArray owners, final int id, final int handle)
    {
        if (!owners.compareAndSet(handle, id, 0))
        {
            throw new AssertionError("double ownership: handle " + handle + " released by thread " + id +
                " but owned by thread " + owners.get(handle));
        }
        pool.release(handle);
    }

    private static void stampCallerId(final EntryPool pool, final int handle, final int id)
    {
        pool.page(handle).set(ValueLayout.JAVA_LONG, pool.offset(handle) + CALLER_ID_OFFSET, id);
    }

    private static void checkCallerId(final EntryPool pool, final int handle, final int id)
    {
        final long seen = pool.page(handle).get(ValueLayout.JAVA_LONG, pool.offset(handle) + CALLER_ID_OFFSET);
        if (seen != id)
        {
            throw new AssertionError("entry " + handle + " held by thread " + id + " carries caller id " + seen);
        }
    }

    private static void stamp(final EntryPool pool, final int handle, final int id, final int iteration)
    {
        final MemorySegment page = pool.page(handle);
        final long offset = pool.offset(handle);
        page.set(ValueLayout.JAVA_INT, offset + OP_OFFSET, id);
        page.set(ValueLayout.JAVA_INT, offset + FLAGS_OFFSET, ~id);
        for (int a = 0; a < ARG_COUNT; a++)
        {
            page.set(ValueLayout.JAVA_LONG, argOffset(offset, a), ((long)id << 32) | iteration);
        }
        page.set(ValueLayout.JAVA_LONG, offset + CALLER_ID_OFFSET, id);
    }

    private static void checkStamp(
        final MemorySegment page, final long offset, final int handle, final int id, final int iteration)
    {
        final int op = page.get(ValueLayout.JAVA_INT, offset + OP_OFFSET);
        final int flags = page.get(ValueLayout.JAVA_INT, offset + FLAGS_OFFSET);
        final long callerId = page.get(ValueLayout.JAVA_LONG, offset + CALLER_ID_OFFSET);
        if (op != id || flags != ~id || callerId != id)
        {
            throw new AssertionError("entry " + handle + " held by thread " + id + " was written by another: op " +
                op + ", flags " + ~flags + ", caller id " + callerId);
        }
        final long expectedArg = ((long)id << 32) | iteration;
        for (int a = 0; a < ARG_COUNT; a++)
        {
            final long arg = page.get(ValueLayout.JAVA_LONG, argOffset(offset, a));
            if (arg != expectedArg)
            {
                throw new AssertionError("entry " + handle + " held by thread " + id + ": arg" + a + " is thread " +
                    (arg >>> 32) + " iteration " + (int)arg + ", expected iteration " + iteration);
            }
        }
    }

    private static List<Integer> claimAll(final EntryPool pool)
    {
        final List<Integer> handles = new ArrayList<>();
        int handle;
        while ((handle = pool.claim()) != NO_ENTRY)
        {
            handles.add(handle);
            if (handles.size() > pool.maxEntries())
            {
                fail("claimed more than maxEntries (" + pool.maxEntries() + "): " + handles.size());
            }
        }
        return handles;
    }

    private static void rethrow(final AtomicReference<Throwable> failure)
    {
        final Throwable ex = failure.get();
        if (ex instanceof final AssertionError error)
        {
            throw error;
        }
        if (ex != null)
        {
            throw new AssertionError(ex);
        }
    }

    // raw layout access on purpose: these tests check the layout itself, beside SyscallEntry's accessors
    private static final java.lang.invoke.VarHandle STATUS = ValueLayout.JAVA_INT.varHandle();

    private static int lvStatus(final MemorySegment page, final long offset)
    {
        return (int)STATUS.getAcquire(page, offset + SyscallEntryDescriptor.STATUS_OFFSET);
    }

    private static void soStatus(final MemorySegment page, final long offset, final int status)
    {
        STATUS.setRelease(page, offset + SyscallEntryDescriptor.STATUS_OFFSET, status);
    }

    private static long argOffset(final long offset, final int index)
    {
        return offset + SyscallEntryDescriptor.ARG0_OFFSET + ((long)index << 3);
    }
}
