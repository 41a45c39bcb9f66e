package io.offload.servers.agent;

import io.offload.rings.HandleConsumer;
import io.offload.rings.HandleRingDescriptor;
import io.offload.rings.SpscHandleRing;
import io.offload.rings.SyscallEntry;
import io.offload.rings.SyscallEntryDescriptor;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;

import java.lang.foreign.Arena;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The completion thread's agent: takes finished async entries from each server's SPSC completion ring and
 * completes their futures, so that no dependent stage ever runs on a server thread. Each ring has room for every
 * entry of the pool, so a server's offer can never fail. When idle it parks; a server that enqueues while it
 * sleeps unparks it (a Dekker handshake on {@code sleeping} and the ring's slots, hence the full fence).
 */
public final class Completer implements Agent, HandleConsumer
{
    private static final int DRAIN_LIMIT = 256;
    private static final int SPINS_BEFORE_PARK = 64;
    private static final long MAX_PARK_NANOS = 10_000_000L;

    private final EntryTable entries;
    private final ErrorHandler errorHandler;
    private final WaiterWakeup.Policy policy;
    private final HandleConsumer unparker = this::unparkWaiter;
    private final List<Port> ports = new ArrayList<>();
    private Port[] portArray = new Port[0];
    private static final ThreadLocal<Boolean> COMPLETION_THREAD = ThreadLocal.withInitial(() -> Boolean.FALSE);

    /** How often the completion thread looks for threads still parked on DONE entries. */
    static final long PARKED_ON_DONE_SWEEP_NANOS = 50_000_000L;

    private volatile boolean sleeping;
    /** Entries seen DONE with their thread PARKED at the last sweep, a bit each. Completion thread only. */
    private long[] parkedOnDone = new long[0];
    private long nextSweepAt = System.nanoTime() + PARKED_ON_DONE_SWEEP_NANOS;
    private long sweepUnparks;
    private volatile Thread thread;
    private int idleSpins;

    /**
     * A server's way into the completer: one SPSC ring, the server its only producer.
     */
    public final class Port
    {
        private final SpscHandleRing ring;
        private final SpscHandleRing unparks;
        private final WaiterWakeup wakeup;

        private Port(final SpscHandleRing ring, final SpscHandleRing unparks)
        {
            this.ring = ring;
            this.unparks = unparks;
            this.wakeup = WaiterWakeup.throughCompleter(this, policy);
        }

        /**
         * @return the wake-up of the server this port belongs to ({@link WaiterWakeup#throughCompleter}, with the
         *         completer's policy).
         */
        public WaiterWakeup wakeup()
        {
            return wakeup;
        }

        /**
         * Queue a DONE async entry. Producer (one server thread) only.
         *
         * @param handle the entry.
         */
        public void enqueue(final int handle)
        {
            if (!ring.offer(handle))
            {
                throw new IllegalStateException("completion ring full: it must hold every entry of the pool");
            }
            wakeIfSleeping();
        }

        /**
         * Have the completion thread unpark the virtual thread parked on an entry. A pinned server must not unpark
         * one itself: the JDK may start a new carrier from the unparking thread, and the carrier would inherit the
         * server's CPU mask. While the thread stays parked the entry stays its own, so the completion thread finds
         * it there; if it woke by itself meanwhile, the unpark is at worst spurious, which parkers allow.
         *
         * @param handle        the entry, DONE.
         * @param virtualThread the waiter, unparked here if the ring is full so that no wake-up is ever lost.
         */
        public void unpark(final int handle, final Thread virtualThread)
        {
            if (!unparks.offer(handle))
            {
                LockSupport.unpark(virtualThread);
                return;
            }
            wakeIfSleeping();
        }

        private void wakeIfSleeping()
        {
            VarHandle.fullFence(); // the queued item must be visible before we read 'sleeping'
            if (sleeping)
            {
                final Thread sleeper = thread;
                if (sleeper != null)
                {
                    LockSupport.unpark(sleeper);
                }
            }
        }
    }

    /**
     * @param entries      the entry table.
     * @param errorHandler where exceptions thrown by completions go.
     */
    public Completer(final EntryTable entries, final ErrorHandler errorHandler)
    {
        this(entries, errorHandler, WaiterWakeup.Policy.COMPLETER);
    }

    /**
     * @param entries      the entry table.
     * @param errorHandler where exceptions thrown by completions go.
     * @param policy       when the servers of its ports may unpark virtual threads themselves.
     */
    public Completer(final EntryTable entries, final ErrorHandler errorHandler, final WaiterWakeup.Policy policy)
    {
        if (policy == null)
        {
            throw new IllegalArgumentException("policy is null: pass one of " +
                java.util.Arrays.toString(WaiterWakeup.Policy.values()));
        }
        this.entries = entries;
        this.errorHandler = errorHandler;
        this.policy = policy;
    }

    /**
     * Make a port for one server. Before the completer starts only.
     *
     * @param arena arena for the ring's memory.
     * @return the port.
     */
    public Port newPort(final Arena arena)
    {
        final int capacity = HandleRingDescriptor.nextPowerOfTwo(entries.pool().maxEntries());
        final Port port = new Port(SpscHandleRing.allocate(arena, capacity), SpscHandleRing.allocate(arena, capacity));
        ports.add(port);
        portArray = ports.toArray(new Port[0]);
        return port;
    }

    @Override
    public void onStart()
    {
        thread = Thread.currentThread();
        COMPLETION_THREAD.set(Boolean.TRUE);
        io.offload.servers.libc.CpuAffinity.unpinCurrentThread(); // not the mask of whichever thread built us
        if (policy == WaiterWakeup.Policy.DIRECT_WHEN_POOL_FULL)
        {
            CarrierPool.prestart(); // from this unpinned thread, so that pinned servers find the pool full
        }
    }

    @Override
    public int doWork()
    {
        int work = 0;
        for (final Port port : portArray)
        {
            work += port.unparks.drain(unparker, DRAIN_LIMIT);
            work += port.ring.drain(this, DRAIN_LIMIT);
        }
        if (work > 0)
        {
            idleSpins = 0;
        }
        else if (++idleSpins > SPINS_BEFORE_PARK)
        {
            sleep();
        }
        final long now = System.nanoTime();
        if (now - nextSweepAt >= 0)
        {
            nextSweepAt = now + PARKED_ON_DONE_SWEEP_NANOS;
            work += sweepParkedOnDone();
        }
        return work;
    }

    /**
     * The safety net under the park handshake, for virtual threads, which park without a timeout
     * ({@code ParkingWaiter}): unpark every thread that was parked on an entry already DONE at this sweep and at
     * the one before. A thread woken meanwhile but not yet run (its carriers busy) gets one more unpark, which a
     * park allows; a thread whose unpark was lost wakes here, within two sweep periods. Called by the completion
     * thread every {@link #PARKED_ON_DONE_SWEEP_NANOS} (it sleeps 10 ms at most); public for tests, which call it
     * by hand.
     *
     * @return threads unparked.
     */
    public int sweepParkedOnDone()
    {
        final SyscallEntry entry = entries.entry();
        final int allocated = entries.pool().allocatedEntries();
        if (parkedOnDone.length * 64 < allocated)
        {
            parkedOnDone = java.util.Arrays.copyOf(parkedOnDone, (allocated + 63) >> 6);
        }
        int unparked = 0;
        for (int handle = 0; handle < allocated; handle++)
        {
            final long bit = 1L << handle;
            final boolean now = entry.lvStatus(handle) == SyscallEntryDescriptor.STATUS_DONE &&
                entry.lvWaiterVolatile(handle) == SyscallEntryDescriptor.WAITER_PARKED;
            final long seen = parkedOnDone[handle >> 6] & bit;
            if (now && seen != 0 && entries.attachment(handle) instanceof Thread waiter)
            {
                LockSupport.unpark(waiter);
                unparked++;
            }
            parkedOnDone[handle >> 6] = now && seen == 0 ? parkedOnDone[handle >> 6] | bit :
                parkedOnDone[handle >> 6] & ~bit;
        }
        sweepUnparks += unparked;
        return unparked;
    }

    /**
     * @return threads {@link #sweepParkedOnDone()} has unparked so far: each one was still parked on a DONE entry
     *         a sweep period after it was first seen (woken late, or an unpark lost). Completion thread, or tests.
     */
    public long sweepUnparks()
    {
        return sweepUnparks;
    }

    private void sleep()
    {
        sleeping = true;
        if (!hasWork())
        {
            LockSupport.parkNanos(this, MAX_PARK_NANOS);
        }
        sleeping = false;
        idleSpins = 0;
    }

    /**
     * @return whether the calling thread is a completion thread, where futures' dependent stages run.
     */
    public static boolean isCompletionThread()
    {
        return COMPLETION_THREAD.get();
    }

    /**
     * @return whether any completion is queued and not yet finished.
     */
    public boolean hasPending()
    {
        return hasWork();
    }

    private boolean hasWork()
    {
        for (final Port port : portArray)
        {
            if (!port.ring.isEmpty() || !port.unparks.isEmpty())
            {
                return true;
            }
        }
        return false;
    }

    private void unparkWaiter(final int handle)
    {
        if (entries.attachment(handle) instanceof Thread waiter)
        {
            LockSupport.unpark(waiter);
        }
    }

    @Override
    public void accept(final int handle)
    {
        try
        {
            entries.finishAsync(handle);
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
        }
    }

    /**
     * Drain every port until empty. For shutdown, on the closing thread, after the completion thread has stopped.
     *
     * @return entries finished.
     */
    public int drainAll()
    {
        int total = 0;
        int work;
        do
        {
            work = 0;
            for (final Port port : portArray)
            {
                work += port.unparks.drain(unparker, Integer.MAX_VALUE);
                work += port.ring.drain(this, Integer.MAX_VALUE);
            }
            total += work;
        }
        while (work > 0);
        return total;
    }

    @Override
    public String roleName()
    {
        return "offload-completer";
    }
}
