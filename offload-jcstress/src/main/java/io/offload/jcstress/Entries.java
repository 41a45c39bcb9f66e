package io.offload.jcstress;

import io.offload.rings.EntryPool;
import io.offload.rings.SyscallEntry;
import io.offload.servers.agent.EntryTable;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Entries for the tests' states, from one production {@link EntryPool} and read and written through the
 * production {@link EntryTable} and {@link SyscallEntry} flyweight, so the tests exercise the code the runtime
 * runs. jcstress keeps
 * far fewer states alive at once than the pool has entries, so handing them out round robin never gives two live
 * states one entry.
 */
final class Entries
{
    private static final int COUNT = 1 << 16;
    private static final EntryPool POOL = new EntryPool(1024, COUNT);
    /** The runtime's heap side of {@link #POOL}: the entry table servers and callers share. */
    static final EntryTable TABLE = new EntryTable(POOL);
    /** The flyweight over {@link #POOL}. */
    static final SyscallEntry ENTRY = TABLE.entry();
    private static final AtomicInteger NEXT = new AtomicInteger();

    static
    {
        for (int i = 0; i < COUNT; i++)
        {
            POOL.claim(); // grow to the bound: every handle below COUNT is then allocated
        }
    }

    private Entries()
    {
    }

    /**
     * @return a handle for a new state.
     */
    static int next()
    {
        return NEXT.getAndIncrement() & (COUNT - 1);
    }
}
