package io.offload.rings;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.offload.rings.SyscallEntryDescriptor.ARG0_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.ARG_COUNT;
import static io.offload.rings.SyscallEntryDescriptor.CALLER_ID_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.FLAGS_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.OP_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.RESULT_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.T_ENTER_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_OFFSET;

/**
 * The one class that reads and writes the fields of syscall entries: a flyweight over every entry of one
 * {@link EntryPool}, addressed by handle, so it holds no per-call state and callers on any thread share it.
 * Layout and values are in {@link SyscallEntryDescriptor}; each accessor's name says its ordering, as JCTools'
 * do: {@code lp}/{@code sp} plain load/store, {@code lv}/{@code so} acquire load/release store, {@code sv}
 * volatile store, {@code cas} compare-and-set, {@code getAndOr} atomic or.
 * <p>
 * Who may use which: the owner of an entry (the caller before publication and after DONE; the server between
 * pick-up and DONE) uses the plain accessors for the fields it owns; status, waiter and flags are the fields two
 * parties touch at once, and only their ordered accessors are offered for those.
 */
public final class SyscallEntry
{
    /** Index of the ENTER stamp for {@link #spStamp}/{@link #lpStamp}: the caller starts the call. */
    public static final int T_ENTER = 0;
    /** The caller has published the entry (ENTER ends, FLYIN begins). */
    public static final int T_SUBMITTED = 1;
    /** A server picked the entry up (FLYIN ends, HANDLE begins). */
    public static final int T_PICKED = 2;
    /** The system call returned on the server (HANDLE ends, FLYOUT begins). */
    public static final int T_HANDLED = 3;
    /** The caller has seen DONE (FLYOUT ends, EXIT begins). */
    public static final int T_SEEN = 4;
    /** The caller returns (EXIT ends). */
    public static final int T_EXIT = 5;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final EntryPool pool;

    /**
     * @param pool the pool whose entries this flyweight addresses.
     */
    public SyscallEntry(final EntryPool pool)
    {
        if (pool == null)
        {
            throw new IllegalArgumentException("pool is null: pass the EntryPool whose entries to address");
        }
        this.pool = pool;
    }

    /**
     * @return the pool addressed.
     */
    public EntryPool pool()
    {
        return pool;
    }

    private MemorySegment page(final int handle)
    {
        return pool.page(handle);
    }

    private long offset(final int handle)
    {
        return pool.offset(handle);
    }

    // ---------------------------------------------------------------- request line, written before publication

    /**
     * Write a whole request with plain stores: op, cleared flags, six arguments, caller id and waiter kind. For
     * the entry's owner before it publishes the entry with {@link #soStatus}, whose release orders these stores.
     *
     * @param handle   the entry.
     * @param op       op code.
     * @param a0       first argument.
     * @param a1       second argument.
     * @param a2       third argument.
     * @param a3       fourth argument.
     * @param a4       fifth argument.
     * @param a5       sixth argument.
     * @param callerId the caller's thread id.
     * @param waiter   one of {@code SyscallEntryDescriptor.WAITER_*}.
     */
    public void spRequest(
        final int handle, final int op, final long a0, final long a1, final long a2, final long a3, final long a4,
        final long a5, final long callerId, final int waiter)
    {
        final MemorySegment page = page(handle);
        final long offset = offset(handle);
        page.set(ValueLayout.JAVA_INT, offset + OP_OFFSET, op);
        page.set(ValueLayout.JAVA_INT, offset + FLAGS_OFFSET, 0);
        page.set(ValueLayout.JAVA_LONG, offset + ARG0_OFFSET, a0);
        page.set(ValueLayout.JAVA_LONG, offset + ARG0_OFFSET + 8, a1);
        page.set(ValueLayout.JAVA_LONG, offset + ARG0_OFFSET + 16, a2);
        page.set(ValueLayout.JAVA_LONG, offset + ARG0_OFFSET + 24, a3);
        page.set(ValueLayout.JAVA_LONG, offset + ARG0_OFFSET + 32, a4);
        page.set(ValueLayout.JAVA_LONG, offset + ARG0_OFFSET + 40, a5);
        page.set(ValueLayout.JAVA_LONG, offset + CALLER_ID_OFFSET, callerId);
        page.set(ValueLayout.JAVA_INT, offset + WAITER_OFFSET, waiter);
    }

    /**
     * @param handle the entry.
     * @return its op code (plain load: written before publication, read by the owner).
     */
    public int lpOp(final int handle)
    {
        return page(handle).get(ValueLayout.JAVA_INT, offset(handle) + OP_OFFSET);
    }

    /**
     * @param handle the entry.
     * @param index  argument number, 0 to 5.
     * @return the argument (plain load).
     */
    public long lpArg(final int handle, final int index)
    {
        return page(handle).get(ValueLayout.JAVA_LONG, argOffset(handle, index));
    }

    /**
     * Rewrite an argument: the server does so while it owns a resumable call (e.g. sendmsg's flags).
     *
     * @param handle the entry.
     * @param index  argument number, 0 to 5.
     * @param value  the new value.
     */
    public void spArg(final int handle, final int index, final long value)
    {
        page(handle).set(ValueLayout.JAVA_LONG, argOffset(handle, index), value);
    }

    private long argOffset(final int handle, final int index)
    {
        if (index < 0 || index >= ARG_COUNT)
        {
            throw new IndexOutOfBoundsException("argument index " + index + " is not in [0, " + ARG_COUNT + ")");
        }
        return offset(handle) + ARG0_OFFSET + ((long)index << 3);
    }

    /**
     * @param handle the entry.
     * @return the caller's thread id (plain load).
     */
    public long lpCallerId(final int handle)
    {
        return page(handle).get(ValueLayout.JAVA_LONG, offset(handle) + CALLER_ID_OFFSET);
    }

    // ---------------------------------------------------------------- flags: set after publication by a cancel

    /**
     * @param handle the entry.
     * @return its flags with acquire semantics, so a cancel flag set after publication is seen.
     */
    public int lvFlags(final int handle)
    {
        return (int)INT.getAcquire(page(handle), offset(handle) + FLAGS_OFFSET);
    }

    /**
     * @param handle the entry.
     * @return its flags with volatile semantics: the load half of the cancel handshake of a server parking a call
     *         (after {@link #svStatus} of WAITING; pairs with the canceller's {@link #getAndOrFlags} followed by a
     *         volatile load of the status).
     */
    public int lvFlagsVolatile(final int handle)
    {
        return (int)INT.getVolatile(page(handle), offset(handle) + FLAGS_OFFSET);
    }

    /**
     * Plain store of the flags, for the owner before publication (after {@link #spRequest}, which clears them).
     *
     * @param handle the entry.
     * @param flags  the flags.
     */
    public void spFlags(final int handle, final int flags)
    {
        page(handle).set(ValueLayout.JAVA_INT, offset(handle) + FLAGS_OFFSET, flags);
    }

    /**
     * Atomically or bits into the flags: a cancel and a server's resume mark may race.
     *
     * @param handle the entry.
     * @param bits   the bits to set.
     * @return the flags before.
     */
    public int getAndOrFlags(final int handle, final int bits)
    {
        return (int)INT.getAndBitwiseOr(page(handle), offset(handle) + FLAGS_OFFSET, bits);
    }

    // ---------------------------------------------------------------- completion line

    /**
     * @param handle the entry.
     * @return the result or -errno; for a resumable call in a server's hands, its progress (plain load: the
     *         status the reader saw orders it).
     */
    public long lpResult(final int handle)
    {
        return page(handle).get(ValueLayout.JAVA_LONG, offset(handle) + RESULT_OFFSET);
    }

    /**
     * Plain store of the result (or progress), ordered by the status store that follows it.
     *
     * @param handle the entry.
     * @param result the result, -errno, or progress.
     */
    public void spResult(final int handle, final long result)
    {
        page(handle).set(ValueLayout.JAVA_LONG, offset(handle) + RESULT_OFFSET, result);
    }

    /**
     * @param handle the entry.
     * @return the status, with acquire semantics: what was written before the matching release store is visible.
     */
    public int lvStatus(final int handle)
    {
        return (int)INT.getAcquire(page(handle), offset(handle) + STATUS_OFFSET);
    }

    /**
     * @param handle the entry.
     * @return the status, with volatile semantics: the load half of the park handshake (after
     *         {@link #svWaiter}).
     */
    public int lvStatusVolatile(final int handle)
    {
        return (int)INT.getVolatile(page(handle), offset(handle) + STATUS_OFFSET);
    }

    /**
     * Store status with release semantics: everything written to the entry before is published with it.
     *
     * @param handle the entry.
     * @param status the new status.
     */
    public void soStatus(final int handle, final int status)
    {
        INT.setRelease(page(handle), offset(handle) + STATUS_OFFSET, status);
    }

    /**
     * Store status with volatile semantics: the store half of the park handshake, followed by
     * {@link #lvWaiterVolatile}; a release store followed by a load of the other field could reorder.
     *
     * @param handle the entry.
     * @param status the new status.
     */
    public void svStatus(final int handle, final int status)
    {
        INT.setVolatile(page(handle), offset(handle) + STATUS_OFFSET, status);
    }

    /**
     * Move status from {@code expected} to {@code update} atomically: the transitions several parties race for
     * (pick-up against cancellation or shutdown), so each entry completes once.
     *
     * @param handle   the entry.
     * @param expected the status the caller believes the entry has.
     * @param update   the new status.
     * @return true if this call made the transition.
     */
    public boolean casStatus(final int handle, final int expected, final int update)
    {
        return INT.compareAndSet(page(handle), offset(handle) + STATUS_OFFSET, expected, update);
    }

    /**
     * Plain load of the waiter kind, for the party that owns the entry by its status.
     *
     * @param handle the entry.
     * @return one of {@code SyscallEntryDescriptor.WAITER_*}.
     */
    public int lpWaiter(final int handle)
    {
        return page(handle).get(ValueLayout.JAVA_INT, offset(handle) + WAITER_OFFSET);
    }

    /**
     * Plain store of the waiter kind, for the owner before publication.
     *
     * @param handle the entry.
     * @param waiter one of {@code SyscallEntryDescriptor.WAITER_*}.
     */
    public void spWaiter(final int handle, final int waiter)
    {
        page(handle).set(ValueLayout.JAVA_INT, offset(handle) + WAITER_OFFSET, waiter);
    }

    /**
     * Volatile store of the waiter kind: a caller about to park must not miss a completion that happened after
     * its last look at status (pairs with {@link #svStatus} then {@link #lvWaiterVolatile} on the completer).
     *
     * @param handle the entry.
     * @param waiter one of {@code SyscallEntryDescriptor.WAITER_*}.
     */
    public void svWaiter(final int handle, final int waiter)
    {
        INT.setVolatile(page(handle), offset(handle) + WAITER_OFFSET, waiter);
    }

    /**
     * @param handle the entry.
     * @return the waiter kind with volatile semantics, after the volatile store of DONE.
     */
    public int lvWaiterVolatile(final int handle)
    {
        return (int)INT.getVolatile(page(handle), offset(handle) + WAITER_OFFSET);
    }

    /**
     * @param handle the entry.
     * @param stamp  {@link #T_ENTER} to {@link #T_EXIT}.
     * @return that phase timestamp (plain load; stamps are ordered by the status handshake around them).
     */
    public long lpStamp(final int handle, final int stamp)
    {
        return page(handle).get(ValueLayout.JAVA_LONG, stampOffset(handle, stamp));
    }

    /**
     * @param handle the entry.
     * @param stamp  {@link #T_ENTER} to {@link #T_EXIT}.
     * @param nanos  {@link System#nanoTime()}, or 0 to clear.
     */
    public void spStamp(final int handle, final int stamp, final long nanos)
    {
        page(handle).set(ValueLayout.JAVA_LONG, stampOffset(handle, stamp), nanos);
    }

    private long stampOffset(final int handle, final int stamp)
    {
        if (stamp < T_ENTER || stamp > T_EXIT)
        {
            throw new IndexOutOfBoundsException("stamp " + stamp + " is not in [T_ENTER, T_EXIT] = [0, 5]");
        }
        return offset(handle) + T_ENTER_OFFSET + ((long)stamp << 3);
    }
}
