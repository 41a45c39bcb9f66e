package io.offload.servers.executor;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.rings.HandleConsumer;
import io.offload.rings.SyscallEntry;
import io.offload.rings.SyscallEntryDescriptor;
import io.offload.servers.libc.LibC;
import io.offload.servers.libc.SyscallDispatcher;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.NanoClock;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.offload.rings.SyscallEntryDescriptor.FLAG_CANCEL_REQUESTED;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_WAITING;

/**
 * The executor that makes each call as a downcall on the server thread, one at a time, and never blocks on one
 * that would wait for a peer (GenerOS's slim schedule; zCore's executor and reactor). A call that would block is
 * parked in the {@link WaitQueue} with its fd armed one-shot in the {@link Reactor} (epoll), and the server goes
 * on with everyone else; when the fd is ready the call goes to the {@link RunQueue} and is attempted again, its
 * progress kept in its entry ({@link CallHandlers}). Reads and writes try {@code RWF_NOWAIT} first, so a pipe,
 * FIFO or tty opened by anyone waits in the reactor too; regular files may block on the disk here.
 * <p>
 * One fd, one reactor: a call that must wait on an fd another server owns ({@link FdOwners}) is forwarded to it
 * (status SUBMITTED with {@code FLAG_RESUME}, its progress in its result field), so an fd's waiters, their cancels
 * and its close meet in one place. A cancel that reaches this executor for a call parked with the fd's owner is
 * passed on there; a call parked here is taken out of the reactor and finished. Deadlines are checked when a call
 * is picked up (by the server), before each new attempt, and against the earliest deadline of the wait queue on
 * every {@link #doWork}.
 * <p>
 * Status: RUNNING only while this thread attempts the call (its syscall may be in the kernel); WAITING while it
 * is parked or queued to run (nothing in the kernel refers to it), left only by a CAS to RUNNING, so a runtime
 * sweeping after a server that did not stop may complete it and this executor, if it comes back, skips it.
 * Server thread only, except {@link #wake()}. As an io_uring executor's fallback it tells that executor what it
 * needs to sleep for both ({@link #pollFd()}, {@link #nextDeadline()}) and lets go of an fd the other closes
 * ({@link #fdClosing}). About 560 lines: the resumable state machine of a call (attempt, park, queue, forward,
 * resume, expire, cancel, settle) is one piece; its parts are {@link CallHandlers}, {@link WaitQueue},
 * {@link RunQueue} and {@link Reactor}.
 */
public final class SyscallExecutor implements ServerExecutor
{
    /** {@link #name()}. */
    public static final String NAME = "syscalls";
    private static final int REACTOR_POLL_MASK = 15;

    private final String serverName;
    private final SyscallEntry entry;
    private final ExecutorContext.Deadlines deadlines;
    private final Completions completions;
    private final NanoClock clock;
    private final ErrorHandler errorHandler;
    private final FdOwners owners;
    private final Arena arena;
    private final MemorySegment capture;
    private final CallContext context;
    private final Reactor reactor;
    private final RunQueue runQueue;
    private final WaitQueue waitQueue;
    private final HandleConsumer resumer = this::resume;
    private final Reactor.EventHandler readyHandler = this::onReady;
    private int current = -1; // the call being attempted: RUNNING, in neither queue
    private int startedSinceWork;
    private long cycles;
    private long earliestDeadline = Long.MAX_VALUE;
    private boolean closed;

    /**
     * @return a factory of syscall executors whose waits go to the fd owners of the server's context
     *         ({@link ExecutorContext#fdOwners()}).
     */
    public static ServerExecutor.Factory factory()
    {
        return context -> new SyscallExecutor(context, context.fdOwners());
    }

    /**
     * @param owners where calls that must wait on an fd go ({@link FdOwners#LOCAL}: all wait here), instead of
     *               the context's.
     * @return a factory of syscall executors, for a server.
     */
    public static ServerExecutor.Factory factory(final FdOwners owners)
    {
        if (owners == null)
        {
            throw new IllegalArgumentException("owners is null: pass FdOwners.LOCAL to park every call here");
        }
        return context -> new SyscallExecutor(context, owners);
    }

    /**
     * Make an executor owned by the calling thread: its arena is confined to it.
     *
     * @param context what it needs from its server.
     * @param owners  where calls that must wait on an fd go.
     */
    public SyscallExecutor(final ExecutorContext context, final FdOwners owners)
    {
        if (context == null || owners == null)
        {
            throw new IllegalArgumentException("context and owners are required, got " + context + ", " + owners);
        }
        this.serverName = context.name();
        this.entry = context.entry();
        this.deadlines = context.deadlines();
        this.completions = context.completions();
        this.clock = context.clock();
        this.errorHandler = context.errorHandler();
        this.owners = owners;
        this.arena = Arena.ofConfined();
        try
        {
            this.capture = LibC.allocateCaptureState(arena);
            this.context = new CallContext(arena, capture, true);
            this.reactor = new Reactor(arena, capture);
        }
        catch (final RuntimeException | Error ex)
        {
            arena.close();
            throw ex;
        }
        this.runQueue = new RunQueue(context.maxEntries());
        this.waitQueue = new WaitQueue(context.maxEntries());
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public void start(final int handle)
    {
        startedSinceWork++;
        current = handle;
        final int op = entry.lpOp(handle);
        if (mayWait(op))
        {
            if ((entry.lvFlags(handle) & SyscallEntryDescriptor.FLAG_RESUME) == 0)
            {
                entry.spResult(handle, 0L); // progress starts at 0; a forwarded call brings its own
            }
            attempt(handle);
            return;
        }
        if (CallHandlers.isClose(op))
        {
            failWaitersOn((int)entry.lpArg(handle, 0), -Errno.EBADF);
        }
        long result;
        try
        {
            result = SyscallDispatcher.execute(capture, op,
                entry.lpArg(handle, 0), entry.lpArg(handle, 1), entry.lpArg(handle, 2),
                entry.lpArg(handle, 3), entry.lpArg(handle, 4), entry.lpArg(handle, 5));
        }
        catch (final Throwable ex)
        {
            result = onHandlerError(ex);
        }
        complete(handle, result);
    }

    @Override
    public int doWork(final long nowNanos)
    {
        int work = runReady(nowNanos);
        // while calls keep arriving, look at the reactor every 16th cycle only: epoll_wait is a system call
        if (waitQueue.size() > 0 && (startedSinceWork == 0 || (++cycles & REACTOR_POLL_MASK) == 0))
        {
            work += reactor.poll(0, readyHandler);
            work += runReady(nowNanos);
        }
        startedSinceWork = 0;
        if (nowNanos - earliestDeadline >= 0)
        {
            work += expireDeadlines(nowNanos);
        }
        return work;
    }

    @Override
    public boolean cancel(final int handle)
    {
        if (waitQueue.contains(handle))
        {
            final int fd = waitQueue.fdOf(handle);
            reactor.rearmOrForget(fd, waitQueue.remove(handle));
            finishParked(handle, -Errno.ECANCELED);
            return true;
        }
        // not parked here: a queued call, or one picked up later, looks at its flag before it runs; a call parked
        // with its fd's owner is found there (CancelHandshake: we load WAITING after the flag was set)
        if (CancelHandshake.isParked(entry, handle))
        {
            final int fd = (int)entry.lpArg(handle, 0); // every call that waits, waits on its first argument
            if (!owners.isLocal(fd))
            {
                owners.cancel(fd, handle);
            }
        }
        return false;
    }

    @Override
    public void idle(final long maxNanos)
    {
        if (!runQueue.isEmpty())
        {
            return;
        }
        long sleepNanos = maxNanos;
        if (earliestDeadline != Long.MAX_VALUE)
        {
            sleepNanos = Math.min(sleepNanos, earliestDeadline - clock.nanoTime());
        }
        final int timeoutMs = (int)Math.max(0, Math.min(Integer.MAX_VALUE, (sleepNanos + 999_999) / 1_000_000));
        reactor.poll(timeoutMs, readyHandler);
    }

    @Override
    public void wake()
    {
        reactor.wake();
    }

    @Override
    public int inFlight()
    {
        return waitQueue.size() + runQueue.size();
    }

    /**
     * @return the reactor's epoll fd: readable when a parked call's fd is ready (or a {@link #wake()} came).
     */
    @Override
    public int pollFd()
    {
        return reactor.epollFd();
    }

    /**
     * @return now if calls are queued to run, else the earliest deadline of a parked call (it may be one whose call
     *         has left since: early, never late), or 0 for none.
     */
    @Override
    public long nextDeadline()
    {
        if (!runQueue.isEmpty())
        {
            final long now = clock.nanoTime();
            return now == 0 ? 1 : now; // due now; 0 would say "none"
        }
        return earliestDeadline == Long.MAX_VALUE ? 0L : earliestDeadline;
    }

    /**
     * Fail the calls parked on {@code fd} with EBADF (the bytes a call moved are lost, as when this executor runs the
     * close) and drop the fd from the reactor, before the holding executor issues its close.
     */
    @Override
    public void fdClosing(final int fd)
    {
        failWaitersOn(fd, -Errno.EBADF);
    }

    /**
     * @return calls parked in the wait queue, their fds in the reactor.
     */
    public int parked()
    {
        return waitQueue.size();
    }

    @Override
    public void settleAll()
    {
        final int running = current;
        current = -1;
        if (running >= 0 && entry.lvStatus(running) == STATUS_RUNNING)
        {
            // the server thread died in this call's attempt: its downcall has returned (Java code threw), so its
            // memory is free; whether its syscall happened is unknown
            complete(running, mayWait(entry.lpOp(running)) ? progressOr(running, -Errno.EIO) : -Errno.EIO);
        }
        while (!runQueue.isEmpty())
        {
            finishParked(runQueue.poll(), -Errno.ECANCELED);
        }
        int handle;
        while ((handle = waitQueue.first()) >= 0)
        {
            final int fd = waitQueue.fdOf(handle);
            waitQueue.remove(handle);
            reactor.forget(fd);
            finishParked(handle, -Errno.ECANCELED);
        }
        earliestDeadline = Long.MAX_VALUE;
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            reactor.close();
        }
        finally
        {
            arena.close();
        }
    }

    /**
     * One attempt of a call this thread holds (RUNNING), its progress in its result field.
     */
    private void attempt(final int handle)
    {
        if ((entry.lvFlags(handle) & FLAG_CANCEL_REQUESTED) != 0)
        {
            complete(handle, progressOr(handle, -Errno.ECANCELED));
            return;
        }
        final CallContext c = context;
        c.load(
            entry.lpOp(handle),
            entry.lpArg(handle, 0),
            entry.lpArg(handle, 1),
            entry.lpArg(handle, 2),
            entry.lpArg(handle, 3),
            entry.lpArg(handle, 4),
            entry.lpArg(handle, 5),
            entry.lpResult(handle));
        long result;
        try
        {
            result = CallHandlers.attempt(c);
        }
        catch (final Throwable ex)
        {
            result = onHandlerError(ex);
        }
        if (result == CallHandlers.WOULD_BLOCK)
        {
            entry.spResult(handle, c.progress);
            if (owners.isLocal(c.waitFd))
            {
                park(handle, c.waitFd, c.waitEvents);
            }
            else
            {
                forward(handle, c.waitFd);
            }
        }
        else if (result == CallHandlers.CONTINUE)
        {
            entry.spResult(handle, c.progress);
            queue(handle);
        }
        else
        {
            complete(handle, result);
        }
    }

    /**
     * Park a would-block call here: WAITING, in the wait queue, its fd armed.
     */
    private void park(final int handle, final int fd, final int events)
    {
        current = -1;
        if (CancelHandshake.parkUnlessCancelled(entry, handle))
        {
            finishParked(handle, -Errno.ECANCELED); // cancelled while it ran: the cancel may have found it RUNNING
            return;
        }
        final int interest = waitQueue.add(handle, fd, events);
        final long deadline = deadlines.deadline(handle);
        if (deadline != 0 && deadline - earliestDeadline < 0)
        {
            earliestDeadline = deadline;
        }
        final long armed = reactor.arm(fd, interest);
        if (armed < 0)
        {
            reactor.rearmOrForget(fd, waitQueue.remove(handle));
            finishParked(handle, armed); // not pollable
        }
    }

    /**
     * Queue a call to be attempted again on the next cycle: it yielded with progress, or its fd's owner had no
     * room. It looks at its cancel flag and deadline before it runs.
     */
    private void queue(final int handle)
    {
        current = -1;
        entry.soStatus(handle, STATUS_WAITING);
        runQueue.push(handle);
    }

    /**
     * Hand a call that must wait on {@code fd} to the fd's owner, progress and all.
     */
    private void forward(final int handle, final int fd)
    {
        current = -1;
        entry.getAndOrFlags(handle, SyscallEntryDescriptor.FLAG_RESUME);
        entry.soStatus(handle, STATUS_SUBMITTED);
        final int outcome = owners.forward(fd, handle);
        if (outcome == FdOwners.FORWARDED)
        {
            return;
        }
        // not taken: ours again unless its caller took it back (a cancel) or its owner drained it meanwhile
        if (entry.casStatus(handle, STATUS_SUBMITTED, STATUS_RUNNING))
        {
            if ((entry.lvFlags(handle) & SyscallEntryDescriptor.FLAG_RESUME) == 0)
            {
                // its caller took it back and the entry already carries the next call, fresh (no progress, a
                // stale result field): what we won is that call, so it starts from the beginning here
                start(handle);
            }
            else if (outcome == FdOwners.STOPPED)
            {
                complete(handle, progressOr(handle, -Errno.ECANCELED)); // nobody drains the owner's ring now
            }
            else
            {
                queue(handle); // the owner's ring is full: try again next cycle
            }
        }
    }

    private int runReady(final long nowNanos)
    {
        final int ready = runQueue.size();
        for (int i = 0; i < ready; i++)
        {
            final int handle = runQueue.poll();
            if (!entry.casStatus(handle, STATUS_WAITING, STATUS_RUNNING))
            {
                continue; // completed by a sweep while this thread was stuck elsewhere
            }
            current = handle;
            final long deadline = deadlines.deadline(handle);
            if (deadline != 0 && nowNanos - deadline >= 0)
            {
                complete(handle, progressOr(handle, -Errno.ETIMEDOUT));
            }
            else
            {
                attempt(handle);
            }
        }
        return ready;
    }

    private void onReady(final int fd, final int events)
    {
        final int remaining = waitQueue.wake(fd, events, resumer);
        if (remaining != 0)
        {
            reactor.arm(fd, remaining);
        }
    }

    private void resume(final int handle)
    {
        runQueue.push(handle); // still WAITING: a cancel arriving meanwhile is seen by its next attempt
    }

    private void failWaitersOn(final int fd, final long error)
    {
        int handle;
        while ((handle = waitQueue.firstOn(fd)) >= 0)
        {
            waitQueue.remove(handle);
            finishParked(handle, error);
        }
        reactor.forget(fd);
    }

    private int expireDeadlines(final long nowNanos)
    {
        long earliest = Long.MAX_VALUE;
        int expired = 0;
        int handle = waitQueue.first();
        while (handle >= 0)
        {
            final int next = waitQueue.nextOf(handle);
            final long deadline = deadlines.deadline(handle);
            if (deadline != 0)
            {
                if (nowNanos - deadline >= 0)
                {
                    final int fd = waitQueue.fdOf(handle);
                    reactor.rearmOrForget(fd, waitQueue.remove(handle));
                    finishParked(handle, -Errno.ETIMEDOUT);
                    expired++;
                }
                else if (deadline - earliest < 0)
                {
                    earliest = deadline;
                }
            }
            handle = next;
        }
        earliestDeadline = earliest;
        return expired;
    }

    /**
     * Finish a parked (WAITING) call, out of both queues: with the bytes it moved if any (a close gives EBADF
     * whatever was moved), else {@code error}. Skipped if a sweep completed it first.
     */
    private void finishParked(final int handle, final long error)
    {
        if (entry.casStatus(handle, STATUS_WAITING, STATUS_RUNNING))
        {
            final long progress = entry.lpResult(handle);
            complete(handle, progress > 0 && error != -Errno.EBADF ? progress : error);
        }
    }

    private static boolean mayWait(final int op)
    {
        return op >= 0 && op < Syscall.count() && CallHandlers.mayWaitOnServer(op);
    }

    /**
     * @return the bytes a call that may wait has moved so far (its result field, 0 when it starts), else error.
     */
    private long progressOr(final int handle, final long error)
    {
        final long progress = entry.lpResult(handle);
        return progress > 0 ? progress : error;
    }

    private void complete(final int handle, final long result)
    {
        if (handle == current)
        {
            current = -1; // DONE below: once its caller frees it, the handle may be another call's
        }
        completions.complete(handle, result);
    }

    private long onHandlerError(final Throwable ex)
    {
        errorHandler.onError(ex);
        return -Errno.EIO;
    }

    @Override
    public String toString()
    {
        return "SyscallExecutor[" + serverName + ", parked " + waitQueue.size() + ", ready " + runQueue.size() + "]";
    }
}
