package io.offload.servers;

import io.offload.api.Errno;
import io.offload.api.Router;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.WaitStrategy;
import io.offload.rings.EntryPool;
import io.offload.rings.MpscHandleRing;
import io.offload.rings.SyscallEntry;
import io.offload.rings.SyscallEntryDescriptor;
import io.offload.servers.agent.AsyncCompletion;
import io.offload.servers.agent.EntryTable;
import io.offload.servers.agent.ServerPort;
import io.offload.servers.call.DirectGate;
import io.offload.servers.call.SyscallGate;
import io.offload.servers.stats.PhaseRecorder;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import static io.offload.rings.SyscallEntryDescriptor.FLAG_RECORD_PHASES;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_DONE;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_ASYNC;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_MAY_PARK;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_PARKED;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_SPINNING;

/**
 * The caller's side of the hand-off (FLYIN and FLYOUT): route, claim an entry, write the request, publish it on
 * the server's ring, wait by the wait strategy, read the result, give the entry back. The synchronous spin path
 * allocates nothing.
 * <p>
 * Exactly once: a server takes an entry by CAS SUBMITTED to RUNNING; a caller that finds the runtime closed after
 * publishing, or its server dead, takes it back by the same CAS and completes it with ECANCELED itself; the
 * shutdown sweep does the same for whatever is left once the servers have stopped. Whoever wins the CAS completes
 * the entry; nobody else touches its result.
 */
final class OffloadGate implements SyscallGate
{
    private static final long PARK_CHECK_NANOS = 50_000_000L;
    private static final int SPIN_CHECK_MASK = (1 << 16) - 1;

    private final OffloadRuntime runtime;
    private final EntryTable entries;
    private final EntryPool pool;
    private final SyscallEntry entry;
    private final Router router;
    private final WaitStrategy waitStrategy;
    private final int spinLimit;
    private final int virtualSpinLimit;
    private final int virtualYieldLimit;
    private final boolean rejectWhenFull;
    private final LongAdder rejected = new LongAdder();
    private final LongAdder inlineCalls = new LongAdder();
    private final PhaseRecorder recorder;
    private final AdaptiveTuner tuner;

    OffloadGate(final OffloadRuntime runtime, final OffloadRuntime.Builder config)
    {
        this.runtime = runtime;
        this.entries = runtime.entries();
        this.pool = entries.pool();
        this.entry = entries.entry();
        this.router = config.router();
        this.waitStrategy = config.waitStrategy();
        this.spinLimit = config.spinLimit();
        this.virtualSpinLimit = config.virtualSpinLimit();
        this.virtualYieldLimit = config.virtualYieldLimit();
        this.rejectWhenFull = config.backpressure() == BackpressurePolicy.REJECT;
        this.recorder = runtime.recorder();
        this.tuner = runtime.tuner();
    }

    long rejected()
    {
        return rejected.sum();
    }

    long inlineCalls()
    {
        return inlineCalls.sum();
    }

    @Override
    public String explain(final Syscall syscall, final int errno)
    {
        if (errno == Errno.ECANCELED && runtime.isClosed())
        {
            return "the offload runtime was closed before the call ran";
        }
        if (errno == Errno.EAGAIN && rejectWhenFull)
        {
            return "possibly refused by back-pressure (offload.backpressure=REJECT): the pool or ring was full";
        }
        return null;
    }

    @Override
    public long call(final Syscall syscall, final long a0, final long a1, final long a2, final long a3, final long a4,
        final long a5, final long timeoutNanos)
    {
        ServerGroupImpl group = runtime.route(syscall);
        if (syscall == Syscall.CLOSE && group != null && runtime.fdOwnerGroup() != null)
        {
            // the fd's owner holds its waiters: close there, so they complete with EBADF before the fd goes
            return call(runtime.fdOwnerGroup(), true, syscall, a0, a1, a2, a3, a4, a5, timeoutNanos);
        }
        if (syscall == Syscall.CLOSE && runtime.state() != OffloadRuntime.OPEN)
        {
            return closeOnCaller(a0);
        }
        boolean probe = false;
        if (tuner != null && group != null)
        {
            final int decision = tuner.decide(syscall.op());
            if ((decision & 1) != 0)
            {
                group = null;
            }
            probe = (decision & 2) != 0;
        }
        final long result = call(group, false, probe, syscall, a0, a1, a2, a3, a4, a5, timeoutNanos);
        return syscall == Syscall.CLOSE && result == -Errno.ECANCELED ? closeOnCaller(a0) : result;
    }

    /**
     * @param group        the servers to use, or null to run inline.
     * @param fdAffine     route by the fd in {@code a0}, so all calls on one fd go to one server.
     * @param syscall      the call.
     * @param a0           first argument.
     * @param a1           second argument.
     * @param a2           third argument.
     * @param a3           fourth argument.
     * @param a4           fifth argument.
     * @param a5           sixth argument.
     * @param timeoutNanos limit on the call's wait, or 0.
     * @return the result or -errno.
     */
    long call(final ServerGroupImpl group, final boolean fdAffine, final Syscall syscall, final long a0,
        final long a1, final long a2, final long a3, final long a4, final long a5, final long timeoutNanos)
    {
        if (syscall != Syscall.CLOSE)
        {
            return call(group, fdAffine, false, syscall, a0, a1, a2, a3, a4, a5, timeoutNanos);
        }
        if (runtime.state() != OffloadRuntime.OPEN)
        {
            return closeOnCaller(a0);
        }
        final long result = call(group, fdAffine, false, syscall, a0, a1, a2, a3, a4, a5, timeoutNanos);
        return result == -Errno.ECANCELED ? closeOnCaller(a0) : result;
    }

    /**
     * A close always releases its fd: once the runtime is closing, or when the offloaded close did not run
     * (ECANCELED: its server had stopped, or its caller was interrupted before a server took it), it runs on the
     * caller. ECANCELED never follows a close that ran, so an fd is never closed twice.
     */
    private long closeOnCaller(final long fd)
    {
        inlineCalls.increment();
        return DirectGate.INSTANCE.call(Syscall.CLOSE, fd, 0, 0, 0, 0, 0, 0);
    }

    private long call(final ServerGroupImpl group, final boolean fdAffine, final boolean probe, final Syscall syscall,
        final long a0, final long a1, final long a2, final long a3, final long a4, final long a5,
        final long timeoutNanos)
    {
        final boolean record = probe || recorder.sample();
        final long enter = record ? System.nanoTime() : 0;
        if (group == null)
        {
            inlineCalls.increment();
            final long result = DirectGate.INSTANCE.call(syscall, a0, a1, a2, a3, a4, a5, timeoutNanos);
            if (record)
            {
                recorder.recordDirect(syscall.op(), System.nanoTime() - enter);
            }
            return result;
        }
        checkOpen();
        final ServerPort server = select(syscall, group, fdAffine, a0);
        final int handle = claim();
        if (handle < 0)
        {
            return -Errno.EAGAIN;
        }
        final Thread caller = Thread.currentThread();
        final boolean virtual = caller.isVirtual();
        final int waiter = !virtual && waitStrategy == WaitStrategy.SPIN ? WAITER_SPINNING : WAITER_MAY_PARK;
        entry.spRequest(handle, syscall.op(), a0, a1, a2, a3, a4, a5, caller.threadId(), waiter);
        if (waiter != WAITER_SPINNING)
        {
            entries.attach(handle, caller);
        }
        entries.deadline(handle, timeoutNanos == 0 ? 0 : deadline(timeoutNanos));
        if (record)
        {
            entry.spFlags(handle, FLAG_RECORD_PHASES);
            entry.spStamp(handle, SyscallEntry.T_ENTER, enter);
            entry.spStamp(handle, SyscallEntry.T_PICKED, 0L);
            entry.spStamp(handle, SyscallEntry.T_HANDLED, 0L);
            entry.spStamp(handle, SyscallEntry.T_SUBMITTED, System.nanoTime());
        }
        entry.soStatus(handle, STATUS_SUBMITTED);
        if (!publish(server, handle))
        {
            entries.free(handle);
            return notPublished(server);
        }
        // the offer's CAS orders these loads after it: a server stopping now either drains the call or is seen
        if (runtime.state() != OffloadRuntime.OPEN || !server.isRunning())
        {
            cancelIfNotPicked(handle);
        }
        if (waiter == WAITER_SPINNING)
        {
            spinUntilDone(handle, server);
        }
        else
        {
            if (!virtual)
            {
                waitUntilDone(handle, server, waitStrategy == WaitStrategy.PARK ? 0 : spinLimit);
            }
            else if (!spinThenYieldUntilDone(handle))
            {
                waitUntilDone(handle, server, 0);
            }
        }
        final long result = entry.lpResult(handle);
        if (record)
        {
            recordPhases(syscall, server, handle);
        }
        entries.free(handle);
        return result;
    }

    /**
     * FLYOUT ends now (the caller has seen DONE and read the result); EXIT is the rest of the caller's way out.
     */
    private void recordPhases(
        final Syscall syscall, final ServerPort server, final int handle)
    {
        final long seen = System.nanoTime();
        entry.spStamp(handle, SyscallEntry.T_SEEN, seen);
        final long enter = entry.lpStamp(handle, SyscallEntry.T_ENTER);
        final long submitted = entry.lpStamp(handle, SyscallEntry.T_SUBMITTED);
        final long picked = entry.lpStamp(handle, SyscallEntry.T_PICKED);
        final long handled = entry.lpStamp(handle, SyscallEntry.T_HANDLED);
        final long exit = System.nanoTime();
        entry.spStamp(handle, SyscallEntry.T_EXIT, exit);
        if (picked == 0 || handled == 0)
        {
            return; // completed without a server (cancelled before pick-up): no phases to split
        }
        recorder.offloaded(syscall.op()).record(enter, submitted, picked, handled, seen, exit);
        server.phases().record(enter, submitted, picked, handled, seen, exit);
    }

    /**
     * Submit without waiting: the completion is told the result on the completion thread.
     *
     * @param syscall    the call.
     * @param a0         first argument.
     * @param a1         second argument.
     * @param a2         third argument.
     * @param a3         fourth argument.
     * @param a4         fifth argument.
     * @param a5         sixth argument.
     * @param completion told the result once.
     */
    void submitAsync(
        final Syscall syscall, final long a0, final long a1, final long a2, final long a3, final long a4,
        final long a5, final AsyncCompletion completion)
    {
        final ServerGroupImpl group = runtime.route(syscall);
        if (group == null)
        {
            inlineCalls.increment();
            completion.onResult(DirectGate.INSTANCE.call(syscall, a0, a1, a2, a3, a4, a5, 0));
            return;
        }
        checkOpen();
        final ServerPort server = select(syscall, group, false, a0);
        final int handle = claim();
        if (handle < 0)
        {
            completion.onResult(-Errno.EAGAIN);
            return;
        }
        entry.spRequest(handle, syscall.op(), a0, a1, a2, a3, a4, a5, Thread.currentThread().threadId(),
            WAITER_ASYNC);
        entries.attach(handle, completion);
        entries.deadline(handle, 0);
        completion.submitted(handle, server);
        entry.soStatus(handle, STATUS_SUBMITTED);
        if (!publish(server, handle))
        {
            entries.free(handle);
            completion.onResult(notPublished(server));
            return;
        }
        if (runtime.state() != OffloadRuntime.OPEN || !server.isRunning())
        {
            cancelIfNotPicked(handle);
        }
    }

    private void checkOpen()
    {
        if (runtime.state() != OffloadRuntime.OPEN)
        {
            throw new IllegalStateException("the offload runtime is closed: build a new one to make calls");
        }
    }

    private ServerPort select(
        final Syscall syscall, final ServerGroupImpl group, final boolean fdAffine, final long fd)
    {
        final int size = group.size();
        if (size == 1)
        {
            return group.port(0);
        }
        if ((fdAffine || group.syscallClass() == SyscallClass.NETWORK) && syscall != Syscall.SOCKET)
        {
            // one socket, one server: its waiters, its wake-ups and its close meet in one reactor
            return group.port(Math.floorMod((int)fd, size));
        }
        final int index = router.route(syscall, group);
        if (index < 0 || index >= size)
        {
            throw new IllegalStateException(
                "router " + router + " chose server " + index + " of " + size + " for " + syscall.cName());
        }
        final ServerPort chosen = group.port(index);
        return chosen.isRunning() ? chosen : survivorAfter(group, index);
    }

    /**
     * A server of the group died: the next one still running, or the dead one (its call then ends in ECANCELED)
     * if none is. Calls bound to one socket do not come here: its fd lives in its server's reactor.
     */
    private static ServerPort survivorAfter(final ServerGroupImpl group, final int dead)
    {
        final int size = group.size();
        for (int i = 1; i < size; i++)
        {
            final ServerPort next = group.port((dead + i) % size);
            if (next.isRunning())
            {
                return next;
            }
        }
        return group.port(dead);
    }

    private int claim()
    {
        final int handle = pool.claim();
        return handle >= 0 ? handle : claimSlowPath();
    }

    private int claimSlowPath()
    {
        if (rejectWhenFull)
        {
            rejected.increment();
            return EntryPool.NO_ENTRY;
        }
        int attempt = 0;
        int handle;
        while ((handle = pool.claim()) < 0)
        {
            checkOpen();
            backoff(attempt++);
        }
        return handle;
    }

    private boolean publish(final ServerPort server, final int handle)
    {
        final MpscHandleRing ring = server.ring();
        final boolean published = ring.offer(handle) || publishSlowPath(server, ring, handle);
        // the offer's CAS on the producer index orders it before this load: pairs with the server's volatile
        // 'sleeping' store before it checks the ring (SyscallServer.sleep)
        if (published && server.isSleeping())
        {
            server.server().wake();
        }
        return published;
    }

    private static long deadline(final long timeoutNanos)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        return deadline == 0 ? 1 : deadline; // 0 means none
    }

    /**
     * Ask for a call to be cancelled: taken back at once if no server has it yet, otherwise flagged and sent to its
     * server's control ring. Either way it completes once, with ECANCELED or with the result it already had.
     *
     * @param handle the entry.
     * @param server the server it was published to.
     */
    void requestCancel(final int handle, final ServerPort server)
    {
        if (entry.casStatus(handle, STATUS_SUBMITTED, STATUS_RUNNING))
        {
            entries.complete(handle, -Errno.ECANCELED, null);
        }
        else if (entries.setCancelFlag(handle))
        {
            server.server().requestCancel(handle);
        }
    }

    /**
     * Why a call could not be published: back-pressure refused it (EAGAIN), or its server stopped or the runtime
     * closed while it waited for ring space (ECANCELED, as every call in flight at close gets).
     */
    private long notPublished(final ServerPort server)
    {
        return runtime.state() == OffloadRuntime.OPEN && server.isRunning() ? -Errno.EAGAIN : -Errno.ECANCELED;
    }

    private boolean publishSlowPath(final ServerPort server, final MpscHandleRing ring, final int handle)
    {
        if (rejectWhenFull)
        {
            rejected.increment();
            return false;
        }
        int attempt = 0;
        while (!ring.offer(handle))
        {
            // a stopped server drains its ring no more: waiting for space there would never end
            if (runtime.state() != OffloadRuntime.OPEN || !server.isRunning())
            {
                return false;
            }
            backoff(attempt++);
        }
        return true;
    }

    private static void backoff(final int attempt)
    {
        if (attempt < 64)
        {
            Thread.onSpinWait();
        }
        else if (attempt < 128)
        {
            Thread.yield(); // a virtual thread yields its carrier
        }
        else
        {
            LockSupport.parkNanos(Math.min(1_000_000L, 1_000L << Math.min(10, (attempt - 128) >> 4)));
        }
    }

    private void cancelIfNotPicked(final int handle)
    {
        if (entry.casStatus(handle, STATUS_SUBMITTED, STATUS_RUNNING))
        {
            entries.complete(handle, -Errno.ECANCELED, null);
        }
    }

    private void spinUntilDone(
        final int handle, final ServerPort server)
    {
        int spins = 0;
        while (entry.lvStatus(handle) != STATUS_DONE)
        {
            Thread.onSpinWait();
            if ((++spins & SPIN_CHECK_MASK) == 0 && !server.isRunning())
            {
                cancelIfNotPicked(handle);
            }
        }
    }

    /**
     * A virtual thread's wait before it parks: spin a little, then yield its carrier (to other virtual threads, or
     * back to itself at once if none is runnable) and look again. A call done meanwhile costs no park and no unpark
     * through the completion thread. Bounded, so a long wait parks.
     *
     * @return whether the call is done.
     */
    private boolean spinThenYieldUntilDone(final int handle)
    {
        for (int i = 0; i < virtualSpinLimit; i++)
        {
            if (entry.lvStatus(handle) == STATUS_DONE)
            {
                return true;
            }
            Thread.onSpinWait();
        }
        for (int i = 0; i < virtualYieldLimit; i++)
        {
            if (entry.lvStatus(handle) == STATUS_DONE)
            {
                return true;
            }
            Thread.yield();
        }
        return entry.lvStatus(handle) == STATUS_DONE;
    }

    private void waitUntilDone(
        final int handle, final ServerPort server, final int spins)
    {
        for (int i = 0; i < spins; i++)
        {
            if (entry.lvStatus(handle) == STATUS_DONE)
            {
                return;
            }
            Thread.onSpinWait();
        }
        // volatile store then volatile load: pairs with the server's volatile DONE store then waiter load
        entry.svWaiter(handle, WAITER_PARKED);
        boolean interrupted = false;
        while (entry.lvStatusVolatile(handle) != STATUS_DONE)
        {
            LockSupport.parkNanos(this, PARK_CHECK_NANOS);
            if (Thread.interrupted() && !interrupted)
            {
                interrupted = true; // cancel, then keep waiting: the kernel may be using the caller's buffer
                requestCancel(handle, server);
            }
            if (!server.isRunning())
            {
                cancelIfNotPicked(handle);
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
