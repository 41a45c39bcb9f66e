package io.offload.servers.agent;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * How the thread that completes a call wakes the call's waiter: a caller parked on the entry, or the future of an
 * async call. The one place where that is decided, so that the servers and the entry table never choose.
 * <p>
 * {@link #throughCompleter} is the wake-up of servers. An async entry is always finished on the completion thread,
 * so no dependent stage of a future ever runs on a server; a platform thread is unparked at once (no carrier is
 * involved). A parked virtual thread is unparked either by the completion thread (one more hop: the server wakes
 * the completer, the completer wakes a carrier) or directly by the server, as {@link Policy} and the server's CPU
 * mask allow. {@link #onThisThread} does everything on the calling thread: for callers cancelling their own call
 * and for the closing thread's sweep.
 *
 * <h2>Why a direct unpark never starts a carrier with a server's CPU mask</h2>
 * Linux copies a thread's CPU mask into every thread it creates, so a carrier (a worker of the virtual-thread
 * scheduler) keeps the mask of whichever thread made the scheduler start it. On JDK 25 an unpark from a thread
 * that is not a carrier goes {@code VirtualThread.unpark} &rarr; {@code submitRunContinuation} &rarr;
 * {@code ForkJoinPool.execute} &rarr; an external queue's {@code push} &rarr; {@code signalWork}. Of the two places
 * where the pool starts a worker ({@code createWorker}), {@code tryCompensate} runs only on a carrier that is about
 * to block (compensation: {@code ForkJoinPool.managedBlock}, the JDK's {@code Blocker}), never on a server, which
 * is not a worker of the pool; and {@code signalWork} starts one only when, in the same {@code ctl} word it then
 * updates by CAS, no worker is idle and the total count of workers is below the parallelism. So:
 * <ul>
 *   <li>A server whose mask is every online CPU (it asked for no CPU, or could not get it, and reset the mask it
 *       inherited, exactly as the completion thread does) may start a carrier: it gets the mask the completion
 *       thread would have given it. {@link Policy#DIRECT_WHEN_UNPINNED} unparks directly from such a server only;
 *       the server says so once, from its own thread ({@link #serverStarted}), and only that thread takes the
 *       direct path. This holds with no exception.</li>
 *   <li>A pinned server, under {@link Policy#DIRECT_WHEN_POOL_FULL}, unparks directly only while the pool's total
 *       count is at least its parallelism ({@link CarrierPool#isFull}); the completion thread starts the missing
 *       carriers from its own unpinned thread when the runtime starts ({@link CarrierPool#prestart}), and every
 *       unpark it makes while the pool is short starts them again. Compensation only ever raises the total count,
 *       from the blocking carrier, so it cannot make the check wrong. The total count falls in two ways: a worker
 *       retires after the pool has been idle for the scheduler's keep-alive (30 s on JDK 25), or a worker dies;
 *       and the parallelism rises only by {@code VirtualThreadSchedulerMXBean.setParallelism}. If one of those
 *       lands between the check and the {@code signalWork} CAS (normally well under a microsecond later,
 *       longer if the server is preempted in between), and no other worker
 *       is idle, that one unpark starts a carrier from the pinned server. The public API gives no way to close
 *       that window, so this policy is opt-in and {@link Policy#DIRECT_WHEN_UNPINNED} is the default.</li>
 * </ul>
 * Anything else (a server that could not reset its mask, a pinned server with the pool short, any thread but the
 * server that started the wake-up) goes through the completion thread.
 */
public abstract class WaiterWakeup
{
    /**
     * Wake a caller parked on a DONE entry.
     *
     * @param handle the entry, DONE; its caller may read and free it as soon as it wakes.
     * @param waiter the parked thread.
     */
    public abstract void unpark(int handle, Thread waiter);

    /**
     * Hand a DONE async entry to whoever finishes its future and frees it.
     *
     * @param handle the entry, DONE.
     */
    public abstract void asyncDone(int handle);

    /**
     * The server that uses this wake-up has started and set its CPU mask; from now on the calling thread (that
     * server's) may unpark directly where the policy allows. Server thread only, once, before its first call.
     *
     * @param unpinned whether the calling thread's mask is every online CPU (it reset the mask it inherited).
     */
    public void serverStarted(final boolean unpinned)
    {
    }

    /**
     * @return virtual threads this wake-up unparked on the server's own thread (read racily, for stats and tests).
     */
    public long directUnparks()
    {
        return 0;
    }

    /**
     * @return virtual threads this wake-up handed to the completion thread (read racily, for stats and tests).
     */
    public long completerUnparks()
    {
        return 0;
    }

    /**
     * When a server may unpark a parked virtual thread itself (the public face is
     * {@code io.offload.servers.WakeupPolicy}, whose constants have the same names).
     */
    public enum Policy
    {
        /** Always through the completion thread. */
        COMPLETER,
        /** Directly from a server whose mask is every online CPU; through the completion thread otherwise. */
        DIRECT_WHEN_UNPINNED,
        /** As DIRECT_WHEN_UNPINNED, and from a pinned server while the scheduler has all its carriers. */
        DIRECT_WHEN_POOL_FULL
    }

    /**
     * @param port the completion thread's port for the completing server.
     * @return a server's wake-up that unparks every virtual thread through the completion thread.
     */
    public static WaiterWakeup throughCompleter(final Completer.Port port)
    {
        return throughCompleter(port, Policy.COMPLETER);
    }

    /**
     * @param port   the completion thread's port for the completing server.
     * @param policy when the server may unpark a virtual thread itself.
     * @return a server's wake-up: futures through the completion thread, virtual threads as {@code policy} allows.
     */
    public static WaiterWakeup throughCompleter(final Completer.Port port, final Policy policy)
    {
        if (port == null)
        {
            throw new IllegalArgumentException("port is null: pass the completer port of the server");
        }
        if (policy == null)
        {
            throw new IllegalArgumentException("policy is null: pass one of " +
                java.util.Arrays.toString(Policy.values()));
        }
        return new ThroughCompleter(port, policy, CarrierPool::isFull);
    }

    /**
     * For tests: as {@link #throughCompleter(Completer.Port, Policy)} with the pool's fullness given.
     */
    static WaiterWakeup throughCompleter(final Completer.Port port, final Policy policy, final BooleanSupplier full)
    {
        return new ThroughCompleter(port, policy, full);
    }

    /**
     * @param entries the entry table whose async entries to finish here.
     * @return a wake-up that unparks and finishes futures on the calling thread.
     */
    public static WaiterWakeup onThisThread(final EntryTable entries)
    {
        if (entries == null)
        {
            throw new IllegalArgumentException("entries is null: pass the entry table of the runtime");
        }
        return new OnThisThread(entries);
    }

    private static final class ThroughCompleter extends WaiterWakeup
    {
        private final Completer.Port port;
        private final Policy policy;
        private final BooleanSupplier poolFull;
        private final AtomicLong direct = new AtomicLong();
        private final AtomicLong viaCompleter = new AtomicLong();
        // The thread allowed to unpark directly, and whether its mask is every online CPU. Written once by that
        // thread before it completes anything; any other thread compares unequal (a stale null included), so it
        // takes the completer: plain fields suffice.
        private Thread directThread;
        private boolean directAlways;

        ThroughCompleter(final Completer.Port port, final Policy policy, final BooleanSupplier poolFull)
        {
            this.port = port;
            this.policy = policy;
            this.poolFull = poolFull;
        }

        @Override
        public void serverStarted(final boolean unpinned)
        {
            if (policy != Policy.COMPLETER)
            {
                directAlways = unpinned;
                directThread = Thread.currentThread();
            }
        }

        @Override
        public void unpark(final int handle, final Thread waiter)
        {
            if (!waiter.isVirtual())
            {
                LockSupport.unpark(waiter);
            }
            else if (Thread.currentThread() == directThread &&
                (directAlways || (policy == Policy.DIRECT_WHEN_POOL_FULL && poolFull.getAsBoolean())))
            {
                direct.setRelease(direct.getPlain() + 1); // single writer: this server
                LockSupport.unpark(waiter); // starts no carrier with a pinned mask: see the class comment
            }
            else
            {
                viaCompleter.setRelease(viaCompleter.getPlain() + 1);
                port.unpark(handle, waiter); // from an unpinned thread, so no carrier inherits a server's mask
            }
        }

        @Override
        public void asyncDone(final int handle)
        {
            port.enqueue(handle);
        }

        @Override
        public long directUnparks()
        {
            return direct.getAcquire();
        }

        @Override
        public long completerUnparks()
        {
            return viaCompleter.getAcquire();
        }
    }

    private static final class OnThisThread extends WaiterWakeup
    {
        private final EntryTable entries;

        OnThisThread(final EntryTable entries)
        {
            this.entries = entries;
        }

        @Override
        public void unpark(final int handle, final Thread waiter)
        {
            LockSupport.unpark(waiter);
        }

        @Override
        public void asyncDone(final int handle)
        {
            entries.finishAsync(handle);
        }
    }
}
