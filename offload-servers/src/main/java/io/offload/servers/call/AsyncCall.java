package io.offload.servers.call;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.api.SyscallException;
import io.offload.servers.agent.Completer;
import io.offload.servers.agent.ServerPort;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * One async call: a future that is also its entry's completion. It lives in two steps. The call <em>settles</em>
 * on the thread that receives its raw result (the completion thread, or the caller for a call that ran inline or
 * could not be submitted): the bytes of a bounced read are copied out, the memory the call held is let go, and the
 * outcome (a value, an exception, or cancelled) is fixed. The future is then <em>completed</em> from that outcome, on
 * the async executor if there is one (so that dependent stages run there), else at once.
 * <p>
 * Memory: a buffer of an automatic or global arena (or a direct ByteBuffer's) is kept reachable by this object until
 * the call settles; one of a shared arena goes through a bounce buffer of the runtime's pool; one confined to a
 * thread is refused ({@link IllegalArgumentException}), since the caller leaves while the call runs and could close
 * it under the kernel.
 * <p>
 * Cancel: {@link #cancel} asks the gate to cancel the call (taken back at once if no server has it; otherwise
 * flagged for its server, which finishes it with ECANCELED if it has not moved data) and then waits for the call to
 * <em>settle</em>, never for the future's executor: it parks (a timed park, the interrupt status cleared while it
 * waits and set again after, so an interrupted caller does not spin) until the completion thread has settled the
 * call, completes the future itself from the outcome, and returns whether it is cancelled. The completion thread is a
 * platform thread that no caller can starve; on the completion thread itself cancel does not wait, and returns
 * whether the future is cancelled now (it may become cancelled later, when the call settles).
 *
 * @param <T> the value type.
 */
final class AsyncCall<T> extends CompletableFuture<T> implements DetachedCall
{
    private static final Object UNSETTLED = new Object();
    private static final Object CANCELLED = new Object();
    private static final Object NULL_VALUE = new Object();
    private static final long CANCEL_PARK_NANOS = 50_000_000L;

    private final OffloadGate gate;
    private final Executor executor;
    private final Syscall syscall;
    private final long fd;
    private final String path;
    private final LongFunction<T> mapper;

    private Object held;              // memory the kernel uses directly: kept reachable until the call settles
    private BouncePool bouncePool;
    private Bounce bounce;            // runtime memory the kernel uses in place of a shared-arena segment
    private MemorySegment copyOutTo;  // a bounced read's target

    private int handle = -1;          // guarded by this
    private ServerPort server;        // guarded by this
    private boolean record;           // guarded by this
    private List<Thread> cancellers;  // guarded by this
    private volatile boolean cancelRequested;
    private volatile Object outcome = UNSETTLED;

    /**
     * @param gate     where the call goes.
     * @param executor where the future is completed, or null for the thread that settles it.
     * @param syscall  the call.
     * @param fd       its fd, for the close rule and the message, or -1.
     * @param path     its path, for the message, or null.
     * @param mapper   the value of a successful result (run when the call settles, while its memory is held).
     */
    AsyncCall(final OffloadGate gate, final Executor executor, final Syscall syscall, final long fd,
        final String path, final LongFunction<T> mapper)
    {
        this.gate = gate;
        this.executor = executor;
        this.syscall = syscall;
        this.fd = fd;
        this.path = path;
        this.mapper = mapper;
    }

    @Override
    public Syscall syscall()
    {
        return syscall;
    }

    /**
     * Keep memory the kernel reads or writes directly (a path, a stat buffer, an unfreeable segment) reachable until
     * the call settles.
     *
     * @param memory the memory, or whatever owns it.
     */
    void hold(final Object memory)
    {
        this.held = memory;
    }

    /**
     * @param buf    a read's target, checked (native, alive, writable).
     * @param length bytes the kernel may write.
     * @param pool   the runtime's bounce buffers.
     * @return the address the kernel gets.
     * @throws IllegalArgumentException for a segment confined to a thread.
     */
    long into(final MemorySegment buf, final long length, final BouncePool pool)
    {
        if (bounced(buf, pool, length))
        {
            copyOutTo = buf;
            return bounce.address();
        }
        return buf.address();
    }

    /**
     * @param buf    a write's source, checked (native, alive).
     * @param length bytes the kernel may read.
     * @param pool   the runtime's bounce buffers.
     * @return the address the kernel gets.
     * @throws IllegalArgumentException for a segment confined to a thread.
     */
    long from(final MemorySegment buf, final long length, final BouncePool pool)
    {
        if (bounced(buf, pool, length))
        {
            MemorySegment.copy(buf, 0, bounce.memory(), 0, length);
            return bounce.address();
        }
        return buf.address();
    }

    private boolean bounced(final MemorySegment buf, final BouncePool pool, final long length)
    {
        final int kind = SegmentLifetime.of(buf);
        if (kind == SegmentLifetime.CALLER_CONFINED || kind == SegmentLifetime.OTHER_THREAD)
        {
            throw new IllegalArgumentException("buf belongs to a confined arena, which its thread may close while " +
                "the async call runs: use a segment of Arena.ofShared() or Arena.ofAuto(), or the blocking call");
        }
        if (kind == SegmentLifetime.UNFREEABLE || length == 0)
        {
            held = buf;
            return false;
        }
        bouncePool = pool;
        bounce = pool.lease(length);
        return true;
    }

    /**
     * The call was published as {@code handle} on {@code server}: what a later cancel needs. Called on the
     * submitting thread before publication.
     *
     * @param handle the entry.
     * @param server the server.
     * @param record whether its phases are recorded when the entry is detached.
     */
    @Override
    public synchronized void submitted(final int handle, final ServerPort server, final boolean record)
    {
        this.handle = handle;
        this.server = server;
        this.record = record;
    }

    @Override
    public synchronized void detached()
    {
        if (record && handle >= 0)
        {
            gate.recordPhases(syscall, server, handle);
        }
        handle = -1; // under the lock: a cancel either flags this call's entry first, or sees no entry at all
    }

    @Override
    public void onResult(final long result)
    {
        settle(result);
        if (Thread.holdsLock(this))
        {
            return; // settled by this thread's own cancel(), which completes the future once it lets go of the lock
        }
        dispatch();
    }

    /**
     * The call could not be submitted (the runtime closed, a bad argument found late): fail the future with it.
     *
     * @param failure why.
     */
    @Override
    public void failed(final RuntimeException failure)
    {
        settled(failure);
        dispatch();
    }

    private void settle(final long raw)
    {
        Object value;
        try
        {
            final long result = gate.afterClose(syscall.op(), raw, fd);
            if (copyOutTo != null && result > 0)
            {
                MemorySegment.copy(bounce.memory(), 0, copyOutTo, 0, result); // ISE if its arena was closed
            }
            if (result == -Errno.ECANCELED && cancelRequested)
            {
                value = CANCELLED;
            }
            else if (result < 0)
            {
                value = failure((int)-result);
            }
            else
            {
                final T mapped = mapper.apply(result);
                value = mapped == null ? NULL_VALUE : mapped;
            }
        }
        catch (final RuntimeException ex)
        {
            value = ex;
        }
        settled(value);
    }

    private SyscallException failure(final int errno)
    {
        final String detail = path != null ? "\"" + path + "\"" : fd >= 0 ? "fd=" + fd : null;
        final String why = gate.explain(syscall, errno);
        return new SyscallException(syscall, errno, why == null ? detail : detail == null ? why : detail + "; " + why);
    }

    private void settled(final Object value)
    {
        if (bounce != null)
        {
            bouncePool.release(bounce);
            bounce = null;
        }
        copyOutTo = null;
        held = null;
        final List<Thread> waiting;
        synchronized (this)
        {
            outcome = value;
            waiting = cancellers;
        }
        if (waiting != null)
        {
            for (final Thread canceller : waiting)
            {
                LockSupport.unpark(canceller);
            }
        }
    }

    private void dispatch()
    {
        if (executor != null && Completer.isCompletionThread())
        {
            try
            {
                executor.execute(this::completeFromOutcome);
                return;
            }
            catch (final RejectedExecutionException ex)
            {
                // a shut-down or saturated executor must not lose the result: complete it here instead
            }
        }
        completeFromOutcome();
    }

    /**
     * Complete the future from the settled outcome; a no-op once done.
     */
    @SuppressWarnings("unchecked")
    private void completeFromOutcome()
    {
        final Object value = outcome;
        if (value == CANCELLED)
        {
            super.cancel(false);
        }
        else if (value instanceof Throwable failure)
        {
            completeExceptionally(failure);
        }
        else if (value != UNSETTLED)
        {
            complete(value == NULL_VALUE ? null : (T)value);
        }
    }

    /**
     * Cancel the call, deciding from its entry rather than from the future, so that a cancelled future never hides a
     * call that has already moved data: a call no server has taken yet is dropped at once; one that waits (a socket
     * with no data) is taken out of its server's wait queue; one that is running, or done, finishes with its result.
     * Waits (parked) until the call has settled, except on the completion thread, and completes the future itself.
     *
     * @param mayInterruptIfRunning ignored: a call is cancelled, never interrupted.
     * @return true if the future is now cancelled (the call did not happen).
     */
    @Override
    public boolean cancel(final boolean mayInterruptIfRunning)
    {
        final boolean wait;
        synchronized (this)
        {
            if (isDone())
            {
                return isCancelled();
            }
            if (outcome == UNSETTLED && !cancelRequested)
            {
                cancelRequested = true;
                if (handle >= 0)
                {
                    gate.entries().requestCancel(handle, server);
                }
            }
            wait = outcome == UNSETTLED && !Completer.isCompletionThread();
            if (wait)
            {
                if (cancellers == null)
                {
                    cancellers = new ArrayList<>(1);
                }
                cancellers.add(Thread.currentThread());
            }
        }
        if (wait)
        {
            boolean interrupted = false;
            while (outcome == UNSETTLED)
            {
                LockSupport.parkNanos(this, CANCEL_PARK_NANOS);
                interrupted |= Thread.interrupted(); // cleared while waiting, so the next park parks
            }
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
        completeFromOutcome();
        return isCancelled();
    }
}
