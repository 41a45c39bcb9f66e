package io.offload.servers.agent;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.rings.EntryPool;
import io.offload.rings.HandleConsumer;
import io.offload.rings.MpscHandleRing;
import io.offload.rings.SyscallEntry;
import io.offload.rings.SyscallEntryDescriptor;
import io.offload.servers.executor.CallContext;
import io.offload.servers.executor.CallHandlers;
import io.offload.servers.executor.Reactor;
import io.offload.servers.executor.RunQueue;
import io.offload.servers.executor.WaitQueue;
import io.offload.servers.libc.CpuAffinity;
import io.offload.servers.libc.LibC;
import io.offload.servers.libc.SyscallDispatcher;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongArray;

import static io.offload.rings.SyscallEntryDescriptor.FLAG_RECORD_PHASES;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_WAITING;
import static io.offload.servers.agent.ServerCountersDescriptor.BATCHES;
import static io.offload.servers.agent.ServerCountersDescriptor.CANCELLED;
import static io.offload.servers.agent.ServerCountersDescriptor.COMPLETED;
import static io.offload.servers.agent.ServerCountersDescriptor.CURRENT_CPU;
import static io.offload.servers.agent.ServerCountersDescriptor.ERRORS;
import static io.offload.servers.agent.ServerCountersDescriptor.FAILED;
import static io.offload.servers.agent.ServerCountersDescriptor.IDLE_CYCLES;
import static io.offload.servers.agent.ServerCountersDescriptor.MAX_BATCH;
import static io.offload.servers.agent.ServerCountersDescriptor.PICKED_UP;
import static io.offload.servers.agent.ServerCountersDescriptor.WAITING_NOW;

/**
 * One pinned server and the executor inside it. Each duty cycle it takes control messages (cancellations),
 * drains its MPSC ring in a batch, runs the batch grouped by op (cohort scheduling: calls of one op back to back),
 * runs calls that became ready, and polls its reactor (epoll, zero timeout) for the fds its waiting calls need.
 * A call that would block goes to the wait queue with its fd armed in the reactor and never holds the server
 * (GenerOS's slim schedule; zCore's executor and reactor). When idle the server sleeps in epoll_wait, woken by an
 * eventfd that a submitter writes when it sees the server asleep. Runs under an Agrona {@code AgentRunner}; pins
 * itself in {@link #onStart()} because {@code sched_setaffinity(0, ...)} acts on the calling thread.
 */
public final class SyscallServer implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(SyscallServer.class);
    private static final int CPU_SAMPLE_MASK = 1023;
    private static final int REACTOR_POLL_MASK = 15;
    private static final long DEADLINE_SCAN_NANOS = 1_000_000L;
    private static final int MAX_SLEEP_MS = 100;
    /** Batch-size buckets: 1, 2-3, 4-7, ..., 64 and more. */
    public static final int BATCH_BUCKETS = 7;

    private final String roleName;
    private final SyscallClass syscallClass;
    private final int index;
    private final int requestedCpu;
    private final EntryTable entries;
    private final EntryPool pool;
    private final SyscallEntry entry;
    private final ServerPort port;
    private final MpscHandleRing ring;
    private final MpscHandleRing control;
    private final Completer.Port completions;
    private final int batchLimit;
    private final ServerCounters counters;
    private final ErrorHandler errorHandler;
    private final CompletableFuture<Boolean> started = new CompletableFuture<>();
    private final int[] batch;
    private final int[] cohort;
    private final int[] opCounts = new int[Syscall.count() + 1];
    private final AtomicLongArray failuresByErrno = new AtomicLongArray(Errno.MAX_ERRNO + 1);
    private final AtomicLongArray batchSizes = new AtomicLongArray(BATCH_BUCKETS);
    private final RunQueue runQueue;
    private final WaitQueue waitQueue;
    private final HandleConsumer batchCollector = this::collect;
    private final HandleConsumer controlHandler = this::onControl;
    private final HandleConsumer resumer = this::resume;
    private final HandleConsumer settler = this::settleSubmitted;
    private final Reactor.EventHandler readyHandler = this::onReady;

    private ServerPort[] fdOwners;
    private Arena arena;
    private MemorySegment capture;
    private CallContext context;
    private Reactor reactor;
    private int batchSize;
    private int[] startOrder; // the batch being started: entries startOrder[startNext..startEnd) are still SUBMITTED
    private int startNext;
    private int startEnd;
    private int current = -1; // the entry being run: RUNNING, and in neither queue until its attempt returns
    private long dutyCycles;
    private long nextDeadlineScan;
    private long earliestDeadline = Long.MAX_VALUE;
    private volatile boolean pinned;
    private volatile boolean stopExpected;

    /**
     * @param syscallClass class served.
     * @param index        index within the class.
     * @param requestedCpu CPU to pin to, or -1 for unpinned.
     * @param entries      the runtime's entries.
     * @param ring         this server's submission ring.
     * @param control      this server's control ring (cancellations).
     * @param completions  where async entries go once DONE.
     * @param batchLimit   most entries per drain.
     * @param counters     this server's counters.
     * @param errorHandler where exceptions go.
     */
    public SyscallServer(
        final SyscallClass syscallClass,
        final int index,
        final int requestedCpu,
        final EntryTable entries,
        final MpscHandleRing ring,
        final MpscHandleRing control,
        final Completer.Port completions,
        final int batchLimit,
        final ServerCounters counters,
        final ErrorHandler errorHandler)
    {
        this.roleName = "offload-" + syscallClass.name().toLowerCase(java.util.Locale.ROOT) + "-" + index;
        this.syscallClass = syscallClass;
        this.index = index;
        this.requestedCpu = requestedCpu;
        this.entries = entries;
        this.pool = entries.pool();
        this.entry = entries.entry();
        this.port = new ServerPort(ring, this);
        this.ring = ring;
        this.control = control;
        this.completions = completions;
        this.batchLimit = batchLimit;
        this.counters = counters;
        this.errorHandler = errorHandler;
        this.batch = new int[batchLimit];
        this.cohort = new int[batchLimit];
        this.runQueue = new RunQueue(pool.maxEntries());
        this.waitQueue = new WaitQueue(pool.maxEntries());
    }

    @Override
    public void onStart()
    {
        arena = Arena.ofConfined();
        capture = LibC.allocateCaptureState(arena);
        context = new CallContext(arena, capture);
        if (requestedCpu >= 0)
        {
            try
            {
                CpuAffinity.pinCurrentThread(requestedCpu);
                pinned = true;
            }
            catch (final SyscallException | RuntimeException ex)
            {
                LOG.warn("{}: could not pin to cpu {} ({}); running unpinned", roleName, requestedCpu, ex.getMessage());
            }
        }
        if (!pinned)
        {
            CpuAffinity.unpinCurrentThread(); // not the mask of whichever thread built the runtime
        }
        try
        {
            reactor = new Reactor(arena, capture);
        }
        catch (final RuntimeException ex)
        {
            started.completeExceptionally(ex);
            throw ex;
        }
        counters.soCounter(CURRENT_CPU, CpuAffinity.currentCpu());
        port.running = true;
        LOG.debug("{} started on cpu {} (requested {})", roleName, CpuAffinity.currentCpu(), requestedCpu);
        started.complete(pinned);
    }

    @Override
    public int doWork()
    {
        dutyCycles++;
        int work = control.isEmpty() ? 0 : control.drain(controlHandler, Integer.MAX_VALUE);
        batchSize = 0;
        final int taken = ring.drain(batchCollector, batchLimit);
        if (taken > 0)
        {
            counters.add(BATCHES, 1);
            counters.max(MAX_BATCH, taken);
            final int bucket = Math.min(BATCH_BUCKETS - 1, 31 - Integer.numberOfLeadingZeros(taken));
            batchSizes.lazySet(bucket, batchSizes.get(bucket) + 1); // single writer
            runBatch(taken);
            work += taken;
        }
        work += runReady();
        if (waitQueue.size() > 0 && (taken == 0 || (dutyCycles & REACTOR_POLL_MASK) == 0))
        {
            work += reactor.poll(0, readyHandler);
            work += runReady();
        }
        if (earliestDeadline != Long.MAX_VALUE && (dutyCycles & REACTOR_POLL_MASK) == 0)
        {
            work += scanDeadlines();
        }
        if (work == 0)
        {
            counters.add(IDLE_CYCLES, 1);
        }
        if ((dutyCycles & CPU_SAMPLE_MASK) == 0)
        {
            counters.soCounter(CURRENT_CPU, CpuAffinity.currentCpu());
        }
        return work;
    }

    private void collect(final int handle)
    {
        batch[batchSize++] = handle;
    }

    /**
     * Cohort scheduling: a counting sort of the batch by op, stable, so calls of one op run back to back and each
     * caller's calls keep their order.
     */
    private void runBatch(final int size)
    {
        if (size == 1)
        {
            startAll(batch, 1);
            return;
        }
        final int[] counts = opCounts;
        java.util.Arrays.fill(counts, 0);
        for (int i = 0; i < size; i++)
        {
            counts[opOf(batch[i]) + 1]++;
        }
        for (int op = 1; op < counts.length; op++)
        {
            counts[op] += counts[op - 1];
        }
        for (int i = 0; i < size; i++)
        {
            final int handle = batch[i];
            cohort[counts[opOf(handle)]++] = handle;
        }
        startAll(cohort, size);
    }

    private void startAll(final int[] handles, final int size)
    {
        startOrder = handles;
        startEnd = size;
        for (int i = 0; i < size; i++)
        {
            startNext = i + 1;
            start(handles[i]);
        }
    }

    private int opOf(final int handle)
    {
        final int op = entry.lpOp(handle);
        return op >= 0 && op < Syscall.count() ? op : Syscall.count() - 1;
    }

    private void start(final int handle)
    {
        counters.add(PICKED_UP, 1);
        // CAS, not a store: a caller that gave up, or the shutdown sweep, may have completed the entry already
        if (!entry.casStatus(handle, STATUS_SUBMITTED, STATUS_RUNNING))
        {
            counters.add(CANCELLED, 1);
            return;
        }
        current = handle;
        final long deadline = entries.deadline(handle);
        if (deadline != 0 && System.nanoTime() - deadline >= 0)
        {
            finish(handle, -Errno.ETIMEDOUT);
            return;
        }
        final int flags = entries.lvFlags(handle);
        if ((flags & FLAG_RECORD_PHASES) != 0 && (flags & SyscallEntryDescriptor.FLAG_RESUME) == 0)
        {
            entry.spStamp(handle, SyscallEntry.T_PICKED, System.nanoTime());
        }
        final int op = entry.lpOp(handle);
        if (CallHandlers.isResumable(op))
        {
            if ((entries.lvFlags(handle) & SyscallEntryDescriptor.FLAG_RESUME) == 0)
            {
                entry.spResult(handle, 0L); // progress starts at 0
            }
            attempt(handle);
            current = -1;
            return;
        }
        if (CallHandlers.isClose(op))
        {
            failWaitersOn((int)entry.lpArg(handle, 0), -Errno.EBADF);
        }
        long result;
        try
        {
            result = SyscallDispatcher.execute(
                capture, op,
                entry.lpArg(handle, 0),
                entry.lpArg(handle, 1),
                entry.lpArg(handle, 2),
                entry.lpArg(handle, 3),
                entry.lpArg(handle, 4),
                entry.lpArg(handle, 5));
        }
        catch (final Throwable ex)
        {
            result = onHandlerError(ex);
        }
        finish(handle, result);
    }

    /**
     * One attempt of a resumable call whose progress is in the entry's result field.
     */
    private void attempt(final int handle)
    {
        if ((entries.lvFlags(handle) & SyscallEntryDescriptor.FLAG_CANCEL_REQUESTED) != 0)
        {
            finish(handle, -Errno.ECANCELED);
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
            final ServerPort owner = ownerOf(c.waitFd);
            if (owner != null && owner.server() != this && forward(handle, owner))
            {
                return;
            }
            entry.soStatus(handle, STATUS_WAITING);
            final int interest = waitQueue.add(handle, c.waitFd, c.waitEvents);
            counters.soCounter(WAITING_NOW, waitQueue.size());
            final long deadline = entries.deadline(handle);
            if (deadline != 0 && deadline - earliestDeadline < 0)
            {
                earliestDeadline = deadline;
            }
            final long armed = reactor.arm(c.waitFd, interest);
            if (armed < 0)
            {
                waitQueue.remove(handle);
                counters.soCounter(WAITING_NOW, waitQueue.size());
                finish(handle, c.progress > 0 ? c.progress : armed); // not pollable (EPERM for a regular file)
            }
        }
        else if (result == CallHandlers.CONTINUE)
        {
            entry.spResult(handle, c.progress);
            runQueue.push(handle);
        }
        else
        {
            finish(handle, result);
        }
    }

    private ServerPort ownerOf(final int fd)
    {
        final ServerPort[] owners = fdOwners;
        return owners == null || owners.length == 0 ? null : owners[Math.floorMod(fd, owners.length)];
    }

    /**
     * One fd, one reactor: a call that must wait on an fd another server owns goes to that server, progress and
     * all, so that the fd's waiters and its close always meet in one place. False if the owner's ring was full
     * and the call is still ours to park here.
     */
    private boolean forward(final int handle, final ServerPort owner)
    {
        entries.setFlag(handle, SyscallEntryDescriptor.FLAG_RESUME);
        entry.soStatus(handle, STATUS_SUBMITTED);
        if (owner.ring().offer(handle))
        {
            if (owner.isSleeping())
            {
                owner.server().wake();
            }
            if (!owner.isRunning() &&
                entry.casStatus(handle, STATUS_SUBMITTED, STATUS_RUNNING))
            {
                finish(handle, progressOr(handle, -Errno.ECANCELED)); // the owner died: its ring is drained no more
            }
            return true;
        }
        // full: take it back, unless its caller cancelled it meanwhile (then the caller has completed it)
        return !entry.casStatus(handle, STATUS_SUBMITTED, STATUS_RUNNING);
    }

    /**
     * @param owners the servers that own fds for waiting and closing (the NETWORK target's), by fd modulo.
     */
    public void fdOwners(final ServerPort[] owners)
    {
        this.fdOwners = owners.clone();
    }

    private long onHandlerError(final Throwable ex)
    {
        counters.add(ERRORS, 1);
        errorHandler.onError(ex);
        return -Errno.EIO;
    }

    private int runReady()
    {
        final int ready = runQueue.size();
        for (int i = 0; i < ready; i++)
        {
            final int handle = runQueue.poll();
            current = handle;
            final long deadline = entries.deadline(handle);
            if (deadline != 0 && System.nanoTime() - deadline >= 0)
            {
                finish(handle, -Errno.ETIMEDOUT);
            }
            else
            {
                attempt(handle);
            }
            current = -1;
        }
        return ready;
    }

    private void onReady(final int fd, final int events)
    {
        final int remaining = waitQueue.wake(fd, events, resumer);
        counters.soCounter(WAITING_NOW, waitQueue.size());
        if (remaining != 0)
        {
            reactor.arm(fd, remaining);
        }
    }

    private void resume(final int handle)
    {
        // RUNNING before it runs again, so a cancellation arriving meanwhile leaves it to its next attempt
        entry.soStatus(handle, STATUS_RUNNING);
        runQueue.push(handle);
    }

    private void onControl(final int handle)
    {
        // a cancellation: only a WAITING entry is ours to finish here; RUNNING ones see the flag on their next
        // attempt, and DONE ones have finished already
        if ((entries.lvFlags(handle) & SyscallEntryDescriptor.FLAG_CANCEL_REQUESTED) == 0)
        {
            return;
        }
        if (waitQueue.contains(handle))
        {
            final int fd = waitQueue.fdOf(handle);
            final int remaining = waitQueue.remove(handle);
            reactor.rearmOrForget(fd, remaining);
            finishWaiting(handle, -Errno.ECANCELED);
        }
        else if (entry.lvStatus(handle) == STATUS_WAITING)
        {
            // forwarded: it waits with the owner of its fd (the first argument of every call that can wait)
            final ServerPort owner = ownerOf((int)entry.lpArg(handle, 0));
            if (owner != null && owner.server() != this)
            {
                owner.server().requestCancel(handle);
            }
        }
    }

    private void failWaitersOn(final int fd, final long error)
    {
        int handle;
        while ((handle = waitQueue.firstOn(fd)) >= 0)
        {
            waitQueue.remove(handle);
            finishWaiting(handle, error);
        }
        reactor.forget(fd);
    }

    private int scanDeadlines()
    {
        final long now = System.nanoTime();
        if (now - nextDeadlineScan < 0 && now - earliestDeadline < 0)
        {
            return 0;
        }
        nextDeadlineScan = now + DEADLINE_SCAN_NANOS;
        long earliest = Long.MAX_VALUE;
        int expired = 0;
        int handle = waitQueue.first();
        while (handle >= 0)
        {
            final int next = waitQueue.nextOf(handle);
            final long deadline = entries.deadline(handle);
            if (deadline != 0)
            {
                if (now - deadline >= 0)
                {
                    final int fd = waitQueue.fdOf(handle);
                    reactor.rearmOrForget(fd, waitQueue.remove(handle));
                    finishWaiting(handle, -Errno.ETIMEDOUT);
                    expired++;
                }
                else if (deadline < earliest)
                {
                    earliest = deadline;
                }
            }
            handle = next;
        }
        earliestDeadline = earliest;
        return expired;
    }

    private void finishWaiting(final int handle, final long error)
    {
        counters.soCounter(WAITING_NOW, waitQueue.size());
        final long progress = entry.lpResult(handle);
        entry.soStatus(handle, STATUS_RUNNING);
        finish(handle, progress > 0 && error != -Errno.EBADF ? progress : error);
    }

    private void finish(final int handle, final long result)
    {
        if (handle == current)
        {
            current = -1; // DONE below: once its caller frees it, the handle may be another call's
        }
        if ((entries.lvFlags(handle) & FLAG_RECORD_PHASES) != 0)
        {
            entry.spStamp(handle, SyscallEntry.T_HANDLED, System.nanoTime());
        }
        if (result < 0)
        {
            counters.add(FAILED, 1);
            final int errno = (int)Math.min(Errno.MAX_ERRNO, -result);
            failuresByErrno.lazySet(errno, failuresByErrno.get(errno) + 1); // single writer
        }
        else
        {
            counters.add(COMPLETED, 1);
        }
        entries.complete(handle, result, completions);
    }

    /**
     * Sleep in epoll_wait until a submission, a control message, a ready fd or the next deadline. Called by the
     * server's idle strategy on the server thread.
     */
    public void sleep()
    {
        port.sleeping = true; // volatile store, then loads of the rings' producer indices: pairs with the submitter
        if (ring.isEmpty() && control.isEmpty() && runQueue.isEmpty())
        {
            int timeoutMs = MAX_SLEEP_MS;
            if (earliestDeadline != Long.MAX_VALUE)
            {
                final long untilDeadline = earliestDeadline - System.nanoTime();
                timeoutMs = (int)Math.max(0, Math.min(MAX_SLEEP_MS, (untilDeadline + 999_999) / 1_000_000));
            }
            reactor.poll(timeoutMs, readyHandler);
        }
        port.sleeping = false;
    }

    /**
     * @return whether the server is asleep in epoll_wait (or about to be).
     */
    public boolean isSleeping()
    {
        return port.sleeping;
    }

    /**
     * Wake the server from epoll_wait. Any thread; costs one eventfd write.
     */
    public void wake()
    {
        final Reactor r = reactor;
        if (r != null)
        {
            r.wake();
        }
    }

    /**
     * Queue a cancellation for an entry this server may hold. Any thread.
     *
     * @param handle the entry, whose cancel flag the caller has set.
     * @return false if the control ring was full.
     */
    public boolean requestCancel(final int handle)
    {
        final boolean offered = control.offer(handle);
        if (port.sleeping)
        {
            wake();
        }
        return offered;
    }

    /**
     * Say that this server is about to be stopped by its runtime's close, so its stop is not reported as a death.
     */
    public void expectStop()
    {
        stopExpected = true;
    }

    @Override
    public void onClose()
    {
        port.running = false;
        try
        {
            settleAll();
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
        if (!stopExpected)
        {
            counters.add(ERRORS, 1);
            errorHandler.onError(new IllegalStateException(roleName + " stopped while its runtime is open: the " +
                "calls it held completed with ECANCELED (EIO for the one it was running); new calls of its class " +
                "go to the class's other servers, or fail with ECANCELED if none is left"));
        }
        try
        {
            if (reactor != null)
            {
                reactor.close();
            }
        }
        finally
        {
            if (arena != null)
            {
                arena.close();
            }
        }
        LOG.debug("{} stopped", roleName);
    }

    /**
     * A server that stops, whether the runtime is closing or its thread died (an {@code Error} out of the duty
     * cycle, an interrupt, a closed runner), completes every call it holds, so none of their callers hangs: calls
     * that waited or were in progress end with what they had done (bytes moved) or ECANCELED, the one that was
     * running when the thread died with EIO (whether it happened is unknown), and calls still in its ring with
     * ECANCELED. Callers that publish after this drain see {@code running} false and take their entry back.
     */
    private void settleAll()
    {
        VarHandle.fullFence(); // running=false, then the loads of the ring's producer index: pairs with publishers
        final int running = current;
        current = -1;
        if (running >= 0 && !waitQueue.contains(running) &&
            entry.lvStatus(running) == STATUS_RUNNING)
        {
            finish(running, progressOr(running, -Errno.EIO));
        }
        while (startNext < startEnd)
        {
            settleSubmitted(startOrder[startNext++]);
        }
        while (!runQueue.isEmpty())
        {
            final int handle = runQueue.poll();
            finish(handle, progressOr(handle, -Errno.ECANCELED));
        }
        int handle;
        while ((handle = waitQueue.first()) >= 0)
        {
            waitQueue.remove(handle);
            finishWaiting(handle, -Errno.ECANCELED);
        }
        final long giveUp = System.nanoTime() + 1_000_000_000L;
        while (!ring.isEmpty())
        {
            // a publisher that has claimed a slot writes it next: wait for it rather than lose its call
            if (ring.drain(settler, Integer.MAX_VALUE) == 0)
            {
                if (System.nanoTime() - giveUp > 0)
                {
                    LOG.warn("{} stopped with a ring slot claimed and never written", roleName);
                    break;
                }
                Thread.onSpinWait();
            }
        }
        control.drain(ignored -> { }, Integer.MAX_VALUE); // cancellations of calls settled above
        counters.soCounter(WAITING_NOW, 0);
    }

    private void settleSubmitted(final int handle)
    {
        if (entry.casStatus(handle, STATUS_SUBMITTED, STATUS_RUNNING))
        {
            // only a forwarded call (FLAG_RESUME) has progress in its result field; a fresh one has a stale value
            final boolean forwarded = (entries.lvFlags(handle) & SyscallEntryDescriptor.FLAG_RESUME) != 0;
            finish(handle, forwarded ? progressOr(handle, -Errno.ECANCELED) : -Errno.ECANCELED);
        }
        else
        {
            counters.add(CANCELLED, 1); // its caller took it back
        }
    }

    /**
     * @return the bytes a resumable call has moved so far if any (kept in its result field), else {@code error}.
     */
    private long progressOr(final int handle, final long error)
    {
        final boolean resumable = CallHandlers.isResumable(opOf(handle));
        final long progress = entry.lpResult(handle);
        return resumable && progress > 0 ? progress : error;
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    /**
     * @return completes with whether pinning worked once the server thread has started.
     */
    public CompletableFuture<Boolean> started()
    {
        return started;
    }

    /**
     * @return the class served.
     */
    public SyscallClass syscallClass()
    {
        return syscallClass;
    }

    /**
     * @return index within the class.
     */
    public int index()
    {
        return index;
    }

    /**
     * @return the CPU asked for, or -1.
     */
    public int requestedCpu()
    {
        return requestedCpu;
    }

    /**
     * @return whether pinning worked.
     */
    public boolean isPinned()
    {
        return pinned;
    }

    /**
     * @return whether the server thread is in its duty cycle.
     */
    public boolean isRunning()
    {
        return port.running;
    }

    /**
     * @return what callers read on every call, padded away from the server's own writes.
     */
    public ServerPort port()
    {
        return port;
    }

    /**
     * @return the submission ring.
     */
    public MpscHandleRing ring()
    {
        return ring;
    }

    /**
     * @return the counters.
     */
    public ServerCounters counters()
    {
        return counters;
    }

    /**
     * @return failed calls by errno name, from any thread.
     */
    public java.util.Map<String, Long> failuresByErrno()
    {
        final java.util.Map<String, Long> out = new java.util.TreeMap<>();
        for (int errno = 1; errno < failuresByErrno.length(); errno++)
        {
            final long count = failuresByErrno.get(errno);
            if (count > 0)
            {
                out.put(Errno.name(errno), count);
            }
        }
        return out;
    }

    /**
     * @return drains by size bucket (see {@link #BATCH_BUCKETS}), from any thread.
     */
    public java.util.List<Long> batchSizes()
    {
        final java.util.List<Long> out = new java.util.ArrayList<>(BATCH_BUCKETS);
        for (int i = 0; i < BATCH_BUCKETS; i++)
        {
            out.add(batchSizes.get(i));
        }
        return out;
    }
}
