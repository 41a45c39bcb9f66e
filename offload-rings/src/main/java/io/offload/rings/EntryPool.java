package io.offload.rings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.offload.rings.EntryPoolDescriptor.HEAD_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.ENTRY_SHIFT;

/**
 * Slabs of syscall entries with a lock-free free list (a Treiber stack with a version-tagged head), shared by
 * every caller of a runtime. A caller claims an entry for one call and releases it afterwards, so memory is
 * bounded by calls in flight, not by threads: 100,000 virtual threads with a call each need 100,000 entries,
 * and no thread owns memory of its own. The pool starts with one page and grows a page at a time up to its
 * bound; past the bound {@link #claim()} returns {@link #NO_ENTRY} and the caller's policy decides.
 */
public final class EntryPool implements AutoCloseable
{
    /** Returned by {@link #claim()} when every entry up to the bound is in use. */
    public static final int NO_ENTRY = -1;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle PAGE_COUNT;

    static
    {
        try
        {
            PAGE_COUNT = java.lang.invoke.MethodHandles.lookup().findVarHandle(EntryPool.class, "pageCount", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Arena arena;
    private final MemorySegment control;
    private final int pageShift;
    private final int pageMask;
    private final int entriesPerPage;
    private final int maxEntries;
    private final MemorySegment[] pages;
    private final int[][] nextFree;
    private final SyscallEntry entries = new SyscallEntry(this);
    private volatile int pageCount;

    /**
     * A pool in memory of its own, freed by {@link #close()}.
     *
     * @param entriesPerPage entries per page, a power of two from 1 to 65,536.
     * @param maxEntries     bound on entries, a multiple of {@code entriesPerPage}, at most
     *                       {@link EntryPoolDescriptor#MAX_ENTRIES}.
     */
    public EntryPool(final int entriesPerPage, final int maxEntries)
    {
        if (entriesPerPage < 1 || entriesPerPage > 65_536 || Integer.bitCount(entriesPerPage) != 1)
        {
            throw new IllegalArgumentException(
                "entriesPerPage must be a power of two in [1, 65536], got " + entriesPerPage);
        }
        if (maxEntries < entriesPerPage || maxEntries > EntryPoolDescriptor.MAX_ENTRIES ||
            maxEntries % entriesPerPage != 0)
        {
            throw new IllegalArgumentException(
                "maxEntries must be a multiple of entriesPerPage (" + entriesPerPage + ") in [" + entriesPerPage +
                ", " + EntryPoolDescriptor.MAX_ENTRIES + "], got " + maxEntries);
        }
        this.arena = Arena.ofShared();
        this.entriesPerPage = entriesPerPage;
        this.pageShift = Integer.numberOfTrailingZeros(entriesPerPage);
        this.pageMask = entriesPerPage - 1;
        this.maxEntries = maxEntries;
        final int maxPages = maxEntries / entriesPerPage;
        this.pages = new MemorySegment[maxPages];
        this.nextFree = new int[maxPages][];
        this.control = arena.allocate(EntryPoolDescriptor.CONTROL_LENGTH, 128);
        control.fill((byte)0);
        grow();
    }

    /**
     * Take a free entry. Lock-free; grows the pool by a page when the free list is empty and the bound allows.
     * The entry's status is FREE; its other fields hold whatever the last call left.
     *
     * @return a handle, or {@link #NO_ENTRY} if all {@link #maxEntries()} are in use.
     */
    public int claim()
    {
        while (true)
        {
            final long head = lvHead();
            final int top = EntryPoolDescriptor.handlePlusOne(head);
            if (top == 0)
            {
                if (!grow())
                {
                    return NO_ENTRY;
                }
                continue;
            }
            final int handle = top - 1;
            final int next = nextFree[handle >>> pageShift][handle & pageMask];
            if (casHead(head, EntryPoolDescriptor.pack(EntryPoolDescriptor.version(head) + 1, next)))
            {
                return handle;
            }
        }
    }

    /**
     * Give an entry back. Its status must already be FREE (the owner stores it with release before this call);
     * a handle must be released once per claim.
     *
     * @param handle a handle from {@link #claim()}.
     */
    public void release(final int handle)
    {
        checkHandle(handle);
        final int[] links = nextFree[handle >>> pageShift];
        final int slot = handle & pageMask;
        while (true)
        {
            final long head = lvHead();
            links[slot] = EntryPoolDescriptor.handlePlusOne(head);
            if (casHead(head, EntryPoolDescriptor.pack(EntryPoolDescriptor.version(head) + 1, handle + 1)))
            {
                return;
            }
        }
    }

    /**
     * @param handle a handle.
     * @return the page holding the entry.
     */
    public MemorySegment page(final int handle)
    {
        return pages[handle >>> pageShift];
    }

    /**
     * @param handle a handle.
     * @return the entry's offset within its page.
     */
    public long offset(final int handle)
    {
        return (long)(handle & pageMask) << ENTRY_SHIFT;
    }

    /**
     * @return entries allocated so far (pages times entries per page).
     */
    public int allocatedEntries()
    {
        return pageCount * entriesPerPage;
    }

    /**
     * @return the bound.
     */
    public int maxEntries()
    {
        return maxEntries;
    }

    /**
     * @return entries per page.
     */
    public int entriesPerPage()
    {
        return entriesPerPage;
    }

    /**
     * @param handle a handle.
     * @throws IllegalArgumentException if it names no allocated entry.
     */
    public void checkHandle(final int handle)
    {
        if (handle < 0 || handle >= allocatedEntries())
        {
            throw new IllegalArgumentException(
                "handle " + handle + " names no entry: allocated are [0, " + allocatedEntries() + ")");
        }
    }

    /**
     * Count entries whose status is not FREE: calls claimed and published but not yet released. Walks every
     * entry; for shutdown and tests, not for hot paths.
     *
     * @return entries in use.
     */
    public int countNotFree()
    {
        int count = 0;
        final int allocated = allocatedEntries();
        for (int handle = 0; handle < allocated; handle++)
        {
            if (entries.lvStatus(handle) != SyscallEntryDescriptor.STATUS_FREE)
            {
                count++;
            }
        }
        return count;
    }

    private synchronized boolean grow()
    {
        if (EntryPoolDescriptor.handlePlusOne(lvHead()) != 0)
        {
            return true; // another claimer grew the pool or released an entry while we waited for the lock
        }
        final int count = pageCount;
        if (count == pages.length)
        {
            return false;
        }
        final MemorySegment page = arena.allocate(
            (long)entriesPerPage << ENTRY_SHIFT, EntryPoolDescriptor.PAGE_ALIGNMENT);
        page.fill((byte)0);
        final int[] links = new int[entriesPerPage];
        final int first = count << pageShift;
        for (int i = 0; i < entriesPerPage - 1; i++)
        {
            links[i] = first + i + 2; // entry i links to entry i + 1, stored as handle + 1
        }
        pages[count] = page;
        nextFree[count] = links;
        PAGE_COUNT.setRelease(this, count + 1);
        final int last = entriesPerPage - 1;
        while (true)
        {
            final long head = lvHead();
            links[last] = EntryPoolDescriptor.handlePlusOne(head);
            // release by CAS: the page and its links are visible to whoever pops an entry of it
            if (casHead(head, EntryPoolDescriptor.pack(EntryPoolDescriptor.version(head) + 1, first + 1)))
            {
                return true;
            }
        }
    }

    private long lvHead()
    {
        return (long)LONG.getVolatile(control, (long)HEAD_OFFSET);
    }

    private boolean casHead(final long expected, final long update)
    {
        return LONG.compareAndSet(control, (long)HEAD_OFFSET, expected, update);
    }

    /**
     * Free the pages. Any later access to an entry fails with {@link IllegalStateException} rather than touching
     * freed memory.
     */
    @Override
    public void close()
    {
        arena.close();
    }
}
