package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.rings.SyscallEntry;
import io.offload.servers.executor.Completions;
import io.offload.servers.executor.ExecutorContext;
import io.offload.servers.executor.ExecutorStats;
import io.offload.servers.executor.ServerExecutor;
import io.offload.servers.executor.SyscallExecutor;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.offload.rings.SyscallEntryDescriptor.FLAG_RESUME;
import static io.offload.servers.uring.UringCalls.ADMITTED;
import static io.offload.servers.uring.UringCalls.ERR_CANCELED;
import static io.offload.servers.uring.UringCalls.FIFO;
import static io.offload.servers.uring.UringCalls.FREE;
import static io.offload.servers.uring.UringCalls.KERNEL;

/**
 * The server executor that makes file calls as io_uring requests: each call with an io_uring op becomes an SQE with
 * its entry handle as user_data, a duty cycle submits every SQE prepared since the last one and reaps every CQE that
 * has arrived with one {@code io_uring_enter}, and CQEs complete their entries in whatever order the kernel finishes
 * them. The server never blocks on one call: up to {@code maxInFlight} requests are in the kernel at once, more wait
 * here in a FIFO that fills free slots in arrival order, and calls without an io_uring op (sockets that wait in a
 * reactor, getpid and the like, ops the kernel's probe lacks) go to a fallback executor held inside, built from the
 * same {@link ExecutorContext} (a {@link SyscallExecutor}: one reactor per server, forwarding to fd owners intact).
 *
 * <h2>Life</h2>
 * Made by a {@link ServerExecutor.Factory} ({@link #factory}) on the server thread when the server starts: the ring
 * is set up there, with {@code IORING_SETUP_SINGLE_ISSUER} and {@code DEFER_TASKRUN} when the kernel has them, so only
 * that thread may enter it. Every method but {@link #wake()} and {@link #stats()} belongs to that thread. The server
 * stops it with {@link #settleAll()}, then {@link #close()}.
 *
 * <h2>Entry status</h2>
 * As the seam says: a call in the kernel is RUNNING; a call held with nothing in the kernel (in the FIFO, behind its
 * fd's current-position call, in a sync group, a close waiting for its fd) is WAITING, stored through
 * {@code CancelHandshake.parkUnlessCancelled} with progress 0, and leaves WAITING only by CAS ({@link UringCalls}).
 *
 * <h2>What each call becomes</h2>
 * read and write ({@code IORING_OP_READ/WRITE} at offset -1: the current position), pread, pwrite, readv, writev,
 * openat, close, statx, fsync, fdatasync ({@code IORING_FSYNC_DATASYNC}), ftruncate, unlinkat, mkdirat, renameat,
 * where the probe has the opcode ({@link UringOps} lists the argument cases left to the fallback because io_uring would
 * read them differently from the system call); and the socket API's calls that may wait for a peer: accept4, connect,
 * recvfrom, sendto, recvmsg, sendmsg (io_uring polls the socket itself, so they wait in the kernel), and shutdown.
 * A socket request holds no in-flight slot (up to {@code UringCalls.MAX_PEER_REQUESTS}, more wait in the fallback's
 * reactor) and is listed in its fd's record while in the kernel, so that a close of the fd cancels it and is issued
 * after its CQE, as below. Socket calls on an fd another server owns go to the fallback, which forwards a call that
 * must wait to that owner ({@code FdOwners}). Two orderings the system call gives and io_uring does not are kept
 * ({@link UringSubmission}, {@link FdRecords}):
 * <ul>
 *   <li><b>Current position.</b> read(2) and write(2) take the file's {@code f_pos_lock}; io_uring reads and
 *       advances {@code f_pos} without it, so two current-position requests on one file in the kernel at once could
 *       read, or overwrite, the same bytes. One such call per fd is in the kernel; the next wait behind it.</li>
 *   <li><b>Close.</b> A close waits until the fd's ordered calls (above, and sync groups) are done, and is issued
 *       after them. A current-position call in the kernel on that fd is cancelled (it may be waiting on a pipe's
 *       peer that never writes, as the syscall executor fails the waiters of a closed fd) and ends with its bytes
 *       or EBADF; calls queued behind it end with EBADF; calls on that fd that arrive after the close, EBADF. Before
 *       its SQE is written the fallback is told ({@link ServerExecutor#fdClosing}), so the calls parked in its reactor
 *       on that fd end with EBADF while the fd number is still theirs.</li>
 * </ul>
 * A read or write that the kernel answers with EAGAIN was made on a non-blocking fd (a socket or pipe of this
 * library) and has no data yet: it goes to the fallback, whose reactor waits for the fd. A write(2) the kernel
 * answers short goes on in the fallback with its progress, since a server's write writes everything it was given;
 * so does a call forwarded here by another server ({@code FLAG_RESUME}): it waits on a peer.
 *
 * <h2>Exactly once, and the memory rule</h2>
 * A call completes through {@link Completions} exactly once, and a call that has an SQE in the kernel only on that
 * SQE's own CQE: a deadline or a cancel of such a call sends {@code IORING_OP_ASYNC_CANCEL} and then waits for the
 * call's CQE, which says either that the request was stopped ({@code -ECANCELED}, or {@code -EINTR} from an io-wq
 * worker) and the call completes with ETIMEDOUT, ECANCELED or EBADF, or that it finished first, and its result
 * wins ({@link UringDeadlines}). A call that waits here with nothing in the kernel completes at once. The cancel SQEs,
 * the fallback's poll and the sync groups carry tagged user_data (bits 56-59), never a handle, so no CQE but a call's
 * own can finish it. Settling on stop: {@link UringSettle}.
 *
 * <h2>fsync coalescing (off by default: {@link IoUringExecutorOptions#fsyncCoalescing})</h2>
 * Sync calls of one fd that wait together are answered by one sync issued after all of them arrived; the argument
 * that this answers each as its own sync would is on {@link UringSyncGroups}.
 *
 * <h2>Sleeping and waking</h2>
 * {@link #idle} is one {@code io_uring_enter} that submits and waits for one CQE, a wake-up or the next deadline (this
 * executor's or the fallback's: {@link ServerExecutor#nextDeadline()}). The fallback's own readiness (its reactor's
 * epoll fd, {@link ServerExecutor#pollFd()}) ends the sleep through a multishot {@code POLL_ADD} on that fd in this
 * ring. {@link #wake()} writes the ring's eventfd at most once per sleep: a flag that the first waker sets by CAS and
 * the sleeper clears after its wait; a waker that finds it set knows a wake-up is already on its way.
 * <p>
 * About 550 lines, a seventh of them this comment: the class is the seam's methods and the wiring of its parts
 * ({@link UringCalls}, {@link UringSubmission}, {@link UringSyncGroups}, {@link UringCompletions},
 * {@link UringDeadlines}, {@link UringSettle}, {@link FdKinds}), plus the counters stats and tests read.
 */
public final class IoUringExecutor implements ServerExecutor
{
    /** {@link #name()}. */
    public static final String NAME = "io_uring";

    private static final Logger LOG = LoggerFactory.getLogger(IoUringExecutor.class);
    private static final long UNLIMITED_SLEEP_NANOS = Long.MAX_VALUE / 4;

    private final String serverName;
    private final SyscallEntry entry;
    private final NanoClock clock;
    private final IoUringExecutorOptions options;
    private final UringCounters counters = new UringCounters();
    private final IoUring ring;
    private final ServerExecutor fallback;
    private final UringCalls calls;
    private final UringDeadlines deadlines;
    private final UringSubmission submission;
    private final UringSettle settle;
    private final UringCompletions cqeHandler;
    private final FdKinds fdKinds;
    private boolean closed;
    private int startedSinceWork;

    /**
     * @param options in-flight bound, ring, coalescing; copied.
     * @return a factory of io_uring executors whose fallback is a {@link SyscallExecutor} of the same context.
     */
    public static ServerExecutor.Factory factory(final IoUringExecutorOptions options)
    {
        return factory(options, SyscallExecutor.factory());
    }

    /**
     * @param options  in-flight bound, ring, coalescing; copied now.
     * @param fallback makes the executor for the calls that have no io_uring request, from the same context.
     * @return a factory of io_uring executors.
     */
    public static ServerExecutor.Factory factory(
        final IoUringExecutorOptions options, final ServerExecutor.Factory fallback)
    {
        if (options == null || fallback == null)
        {
            throw new IllegalArgumentException("options and fallback are required, got " + options + ", " + fallback +
                ": pass new IoUringExecutorOptions() and SyscallExecutor.factory()");
        }
        final IoUringExecutorOptions copy = options.copy();
        copy.ringEntries(); // fails now if a ring size was set too small for the bound
        return context -> new IoUringExecutor(context, copy, fallback);
    }

    /**
     * Make an executor owned by the calling thread, which from now on is the only one that may use it but for
     * {@link #wake()} and {@link #stats()}: its ring is set up here, its opcodes probed, its fallback made from the
     * same context.
     *
     * @param context  what it needs from its server.
     * @param options  in-flight bound, ring, coalescing; copied.
     * @param fallback makes the executor for the calls that have no io_uring request; owned by this one from now on
     *                 (settled and closed with it). It completes through the same completions.
     * @throws IoUringException         if the kernel refuses the ring (then use the syscall executor).
     * @throws IllegalArgumentException if an argument is missing, or the options' ring is too small for its bound.
     */
    public IoUringExecutor(
        final ExecutorContext context, final IoUringExecutorOptions options, final ServerExecutor.Factory fallback)
    {
        if (context == null || options == null || fallback == null)
        {
            throw new IllegalArgumentException("context, options and fallback are required, got " + context + ", " +
                options + ", " + fallback);
        }
        this.serverName = context.name();
        this.entry = context.entry();
        this.clock = context.clock();
        this.options = options.copy();
        final IoUringOptions ringOptions = this.options.ringOptions(); // checks the ring's size against the bound
        this.calls = new UringCalls(
            entry, context.completions(), counters, context.maxEntries(), this.options.maxInFlight());
        this.deadlines = new UringDeadlines(context.deadlines(), calls);
        final IoUring opened = IoUring.open(ringOptions);
        final UringOps ops;
        final ServerExecutor made;
        FdKinds kinds = null;
        try
        {
            ops = new UringOps(opened.probe(), this.options.fallbackFor());
            raiseBoundedWorkers(opened, this.options.maxInFlight());
            kinds = new FdKinds();
            made = fallback.newExecutor(context);
            if (made == null)
            {
                throw new IllegalArgumentException("the fallback factory " + fallback + " made null");
            }
        }
        catch (final RuntimeException | Error ex)
        {
            if (kinds != null)
            {
                kinds.close();
            }
            try
            {
                opened.close();
            }
            catch (final RuntimeException suppressed)
            {
                ex.addSuppressed(suppressed);
            }
            throw ex;
        }
        this.ring = opened;
        this.fallback = made;
        this.fdKinds = kinds;
        this.cqeHandler = new UringCompletions(serverName, calls, counters, made, kinds);
        this.submission = new UringSubmission(opened, ops, kinds, calls, counters, deadlines, made,
            context.errorHandler(), cqeHandler, this.options, context.fdOwners());
        this.deadlines.submission(submission);
        this.settle = new UringSettle(opened, calls, submission, made, counters, cqeHandler,
            this.options.settleTimeoutNanos());
        this.cqeHandler.parts(submission, settle);
        LOG.debug("{}: io_uring executor open: {}, {}, fallback {}", serverName, opened, this.options, made.name());
    }

    @Override
    public String name()
    {
        return NAME;
    }

    // ---------------------------------------------------------------- start

    @Override
    public void start(final int handle)
    {
        calls.ensure(handle);
        startedSinceWork++;
        final byte s = calls.state[handle];
        if (s != FREE && s != UringCalls.FALLBACK)
        {
            throw new IllegalStateException("handle " + handle + " started while this executor still holds it (" + s +
                "): every call must complete once before its entry is reused");
        }
        calls.state[handle] = FREE;
        if (calls.stopping)
        {
            calls.refuse(handle, -Errno.ECANCELED); // settled: nothing runs any more
            return;
        }
        if ((entry.lvFlags(handle) & FLAG_RESUME) != 0)
        {
            cqeHandler.toFallback(handle); // forwarded here with its progress: it waits on a peer, in the reactor
            return;
        }
        final int kind = submission.route(handle);
        if (kind == UringOps.FALLBACK || kind == UringOps.PEER && !submission.hasPeerRoom())
        {
            cqeHandler.toFallback(handle);
            return;
        }
        submission.submit(handle, kind);
    }

    // ---------------------------------------------------------------- duty cycle

    @Override
    public int doWork(final long nowNanos)
    {
        int work = startedSinceWork;
        startedSinceWork = 0;
        if (calls.stopping)
        {
            return work;
        }
        work += submission.refill();
        if (deadlines.due(nowNanos))
        {
            work += deadlines.expire(nowNanos, counters);
        }
        cqeHandler.armFallbackPoll();
        final long cqesBefore = counters.lv(UringCounters.CQES);
        // the one io_uring_enter of the cycle: submits every SQE written since the last, runs completion work the
        // kernel deferred to this thread (DEFER_TASKRUN), and the reap that follows reads the CQEs it posted
        work += ring.submitAndWait(0, 0L, cqeHandler);
        ring.reap(cqeHandler);
        work += (int)(counters.lv(UringCounters.CQES) - cqesBefore);
        work += submission.refill(); // slots freed by those CQEs: written now, submitted by the next cycle
        work += fallback.doWork(nowNanos);
        counters.publish(calls, ring);
        return work;
    }

    // ---------------------------------------------------------------- cancel

    @Override
    public boolean cancel(final int handle)
    {
        if (handle < 0 || handle >= calls.state.length)
        {
            return fallback.cancel(handle);
        }
        switch (calls.state[handle])
        {
            case UringCalls.QUEUED ->
            {
                calls.finishWaiting(handle, -Errno.ECANCELED);
                return true;
            }
            case UringCalls.CHAIN, UringCalls.SYNC_WAIT, UringCalls.CLOSE_WAIT ->
            {
                submission.endWaiting(handle, -Errno.ECANCELED);
                return true;
            }
            case KERNEL ->
            {
                submission.sendCancel(handle, ERR_CANCELED);
                return true;
            }
            default ->
            {
                return fallback.cancel(handle); // the fallback's, or parked with another server: passed on there
            }
        }
    }

    // ---------------------------------------------------------------- sleep

    @Override
    public void idle(final long maxNanos)
    {
        if (calls.stopping)
        {
            return;
        }
        long sleepNanos = maxNanos;
        final long now = clock.nanoTime();
        final long own = deadlines.next();
        if (own != 0)
        {
            sleepNanos = Math.min(sleepNanos, own - now);
        }
        final long fallbackDeadline = fallback.nextDeadline();
        if (fallbackDeadline != 0)
        {
            sleepNanos = Math.min(sleepNanos, fallbackDeadline - now);
        }
        cqeHandler.armFallbackPoll();
        // a wait longer than the clock can add is a wait without limit (nanoTime + timeout must not overflow)
        final long timeout = sleepNanos <= 0 ? 0L : sleepNanos > UNLIMITED_SLEEP_NANOS ? -1L : sleepNanos;
        ring.submitAndWait(sleepNanos > 0 ? 1 : 0, timeout, cqeHandler);
        ring.reap(cqeHandler);
        counters.publish(calls, ring);
    }

    @Override
    public void wake()
    {
        ring.wake(); // writes only when no written wake-up is waiting to be reaped (IoUring's wakePending)
    }

    // ---------------------------------------------------------------- state

    @Override
    public int inFlight()
    {
        return calls.calls.size(FIFO) + calls.calls.size(ADMITTED) + fallback.inFlight(); // socket requests too
    }

    @Override
    public long nextDeadline()
    {
        final long own = deadlines.next();
        final long other = fallback.nextDeadline();
        if (own == 0)
        {
            return other;
        }
        return other != 0 && other - own < 0 ? other : own;
    }

    @Override
    public ExecutorStats stats()
    {
        return counters.snapshot(NAME);
    }

    // ---------------------------------------------------------------- settle and close

    /**
     * Complete every held call exactly once, and its fallback's ({@link UringSettle}): never returns while the
     * kernel may write a call's memory, but gives up on requests whose CQEs do not come within
     * {@link IoUringExecutorOptions#settleTimeoutNanos} (real time), loudly, leaving their calls uncompleted
     * ({@link #unsettled()}).
     */
    @Override
    public void settleAll()
    {
        if (calls.stopping)
        {
            return;
        }
        calls.stopping = true;
        try
        {
            settle.settleAll(cqeHandler.pollArmed());
        }
        finally
        {
            counters.publish(calls, ring);
        }
    }

    /**
     * Close the ring and the fallback; after {@link #settleAll()}. Failures are thrown together, the first with the
     * others suppressed.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        if (calls.inKernel() > 0)
        {
            LOG.error("{}: io_uring executor closing with {} requests in the kernel (settleAll not called, or they " +
                "never completed): the kernel cancels them as the ring closes, asynchronously", serverName,
                calls.inKernel());
        }
        counters.so(UringCounters.ENTERS, ring.enters());
        try
        {
            ring.close();
        }
        catch (final RuntimeException ex)
        {
            failure = ex;
        }
        try
        {
            fallback.close();
        }
        catch (final RuntimeException ex)
        {
            if (failure == null)
            {
                failure = ex;
            }
            else
            {
                failure.addSuppressed(ex);
            }
        }
        fdKinds.close();
        if (failure != null)
        {
            throw failure;
        }
    }

    // ---------------------------------------------------------------- for stats and tests (server thread)

    /** @return the fallback executor. */
    public ServerExecutor fallback()
    {
        return fallback;
    }

    /** @return the options in force. */
    public IoUringExecutorOptions options()
    {
        return options.copy();
    }

    /** @return the ring; for tests. */
    IoUring ring()
    {
        return ring;
    }

    /** @return requests in the kernel now: calls' own and sync groups'. */
    public int inKernel()
    {
        return calls.inKernel();
    }

    /** @return calls waiting in the FIFO for a slot now. */
    public int queued()
    {
        return calls.calls.size(FIFO);
    }

    /** @return ASYNC_CANCEL requests written. */
    public long cancelsSent()
    {
        return counters.lv(UringCounters.CANCELS_SENT);
    }

    /** @return calls past their deadline (ended, or cancelled in the kernel). */
    public long expired()
    {
        return counters.lv(UringCounters.EXPIRED);
    }

    /** @return CQEs of the fallback's poll: times the fallback had work. */
    public long fallbackWakeups()
    {
        return counters.lv(UringCounters.FALLBACK_WAKEUPS);
    }

    /** @return CQEs that belonged to nothing held (should stay 0). */
    public long strayCqes()
    {
        return counters.lv(UringCounters.STRAY_CQES);
    }

    /** @return calls left uncompleted by {@link #settleAll()} because their CQEs never came (should stay 0). */
    public int unsettled()
    {
        return settle.unsettled();
    }

    /**
     * @param trace what to tell about sync groups, or null; server thread, before calls arrive.
     */
    void syncTrace(final UringSyncGroups.SyncTrace trace)
    {
        submission.groups().trace = trace;
    }

    /**
     * The kernel runs what cannot complete without blocking (an fsync, a buffered write to a regular file) on the
     * ring's io-wq workers, and bounds the "bounded" ones (regular-file work) at four per CPU by default: on a
     * 2-CPU machine 8 fsyncs in flight, however many the server issued, where a JDK virtual thread's force() is
     * compensated with a carrier of its own. Raise that bound to the executor's own bound on requests in flight.
     * Best effort: a kernel before 5.15 refuses the opcode and keeps its default.
     */
    private static void raiseBoundedWorkers(final IoUring ring, final int maxInFlight)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment limits = arena.allocate(ValueLayout.JAVA_INT, 2);
            limits.setAtIndex(ValueLayout.JAVA_INT, 0, maxInFlight);
            limits.setAtIndex(ValueLayout.JAVA_INT, 1, 0); // 0: the unbounded (socket) workers keep their limit
            ring.register(IoUringConstants.IORING_REGISTER_IOWQ_MAX_WORKERS, limits, 2);
        }
        catch (final IoUringException refused)
        {
            // an older kernel: the default bound stays, the calls still run, fewer fsyncs at once
        }
    }

    @Override
    public String toString()
    {
        return "IoUringExecutor[" + serverName + ", " + ring + ", slots " + calls.slots + "/" + options.maxInFlight() +
            ", in kernel " + inKernel() + ", queued " + queued() + ", admitted " + calls.calls.size(ADMITTED) +
            ", fallback " + fallback.name() + "]";
    }
}
