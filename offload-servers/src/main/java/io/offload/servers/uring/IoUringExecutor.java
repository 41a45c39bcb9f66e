package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.rings.SyscallEntry;
import io.offload.servers.executor.Completions;
import io.offload.servers.executor.ServerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.LongSupplier;

import static io.offload.rings.SyscallEntryDescriptor.FLAG_CANCEL_REQUESTED;
import static io.offload.servers.uring.IoUringConstants.IORING_ASYNC_CANCEL_ALL;
import static io.offload.servers.uring.IoUringConstants.IORING_ASYNC_CANCEL_ANY;
import static io.offload.servers.uring.IoUringConstants.IORING_CQE_F_MORE;
import static io.offload.servers.uring.IoUringConstants.IORING_FSYNC_DATASYNC;

/**
 * The server executor that makes file calls as io_uring requests: each call with an io_uring op becomes an SQE with
 * its entry handle as user_data, a duty cycle submits every SQE prepared since the last one and reaps every CQE that
 * has arrived with one {@code io_uring_enter}, and CQEs complete their entries in whatever order the kernel finishes
 * them. The server never blocks on one call: up to {@code maxInFlight} requests are in the kernel at once, more wait
 * here in a FIFO that fills free slots in arrival order, and calls without an io_uring op (sockets that wait in a
 * reactor, getpid and the like, ops the kernel's probe lacks) go to a fallback executor held inside.
 *
 * <h2>Life</h2>
 * Made on any thread; its ring is set up on the server thread by {@link #open()} (or by the first
 * {@link #start}/{@link #doWork}/{@link #idle}/{@link #cancel}, whichever comes first), because with
 * {@code IORING_SETUP_SINGLE_ISSUER} and {@code DEFER_TASKRUN} only the thread that set the ring up may enter it.
 * Every method but {@link #wake()} belongs to that thread. The server stops it with {@link #settleAll()}, then
 * {@link #close()}.
 *
 * <h2>What each call becomes</h2>
 * read and write ({@code IORING_OP_READ/WRITE} at offset -1: the current position), pread, pwrite, readv, writev,
 * openat, close, statx, fsync, fdatasync ({@code IORING_FSYNC_DATASYNC}), ftruncate, unlinkat, mkdirat, renameat,
 * where the probe has the opcode ({@link UringOps} lists the argument cases left to the fallback because io_uring would
 * read them differently from the system call). Two orderings the system call gives and io_uring does not are kept
 * here ({@link FdRecords}):
 * <ul>
 *   <li><b>Current position.</b> read(2) and write(2) take the file's {@code f_pos_lock}; io_uring reads and
 *       advances {@code f_pos} without it, so two current-position requests on one file in the kernel at once could
 *       read, or overwrite, the same bytes. One such call per fd is in the kernel; the next wait behind it.</li>
 *   <li><b>Close.</b> A close waits until the fd's ordered calls (above, and sync groups) are done, and is issued
 *       after them. A current-position call in the kernel on that fd is cancelled (it may be waiting on a pipe's
 *       peer that never writes, as the syscall executor fails the waiters of a closed fd) and ends with its bytes
 *       or EBADF; calls queued behind it end with EBADF; calls on that fd that arrive after the close, EBADF.</li>
 * </ul>
 * A read or write that the kernel answers with EAGAIN was made on a non-blocking fd (a socket or pipe of this
 * library) and has no data yet: it goes to the fallback, whose reactor waits for the fd.
 *
 * <h2>Exactly once, and the memory rule</h2>
 * A call completes through {@link Completions} exactly once, and a call that has an SQE in the kernel only on that
 * SQE's own CQE: a deadline or a cancel of such a call sends {@code IORING_OP_ASYNC_CANCEL} and then waits for the
 * call's CQE, which says either that the request was stopped ({@code -ECANCELED}, or {@code -EINTR} from an io-wq
 * worker) and the call completes with ETIMEDOUT, ECANCELED or EBADF, or that it finished first, and its result
 * wins. A call that waits here with nothing in the kernel (in the FIFO, behind a current-position call, in a sync
 * group) completes at once. The cancel SQEs, the fallback's poll and the sync groups carry tagged user_data (bits
 * 56-59), never a handle, so no CQE but a call's own can finish it.
 *
 * <h2>fsync coalescing (off by default: {@link IoUringExecutorOptions#fsyncCoalescing})</h2>
 * The argument: fsync(fd) and fdatasync(fd) make durable every write to the file that completed before the sync was
 * issued. A caller that asks for a sync wants durable the writes it saw complete before it asked; so any sync of the
 * same fd <i>issued after the caller's request arrived</i> covers them, and its result answers the caller as well as
 * the caller's own sync would. (An error is reported to every caller the sync answers: each might have been the one
 * to see it.) fsync covers all fdatasync does, so a group issues fsync if any member asked for fsync. Hence: at most
 * one sync per fd is in the kernel; sync calls that arrive while one is in flight join the <i>next</i> group (the one
 * in flight may have been issued before they arrived, so it cannot answer them); when the one in flight completes,
 * its group is answered with its result and one sync is issued for the next group. A lone sync is issued at once. A
 * close issues the collecting group at once, so syncs that arrived before it run before it (then two syncs of that fd
 * may be in the kernel). Members may leave early (cancel, deadline): a sync names no memory.
 *
 * <h2>Sleeping and waking</h2>
 * {@link #idle} is one {@code io_uring_enter} that submits and waits for one CQE, a wake-up or the next deadline (this
 * executor's or the fallback's: {@link ServerExecutor#nextDeadline()}). The fallback's own readiness (its reactor's
 * epoll fd, {@link ServerExecutor#pollFd()}) ends the sleep through a multishot {@code POLL_ADD} on that fd in this
 * ring. {@link #wake()} writes the ring's eventfd at most once per sleep: a flag that the first waker sets by CAS and
 * the sleeper clears after its wait; a waker that finds it set knows a wake-up is already on its way.
 */
public final class IoUringExecutor implements ServerExecutor
{
    /** {@link #name()}. */
    public static final String NAME = "io_uring";

    /**
     * Each entry's deadline, kept by the runtime on the heap side of the entry.
     */
    @FunctionalInterface
    public interface Deadlines
    {
        /** No deadline: a call that has none. */
        Deadlines NONE = handle -> 0L;

        /**
         * @param handle the entry.
         * @return its deadline on the executor clock's scale, or 0 for none.
         */
        long deadline(int handle);
    }

    /**
     * What fsync coalescing did, for the test that checks no caller is answered by a sync issued before its request
     * arrived. Server thread.
     */
    interface SyncTrace
    {
        /** A sync call reached the executor ({@link #start}). */
        void arrived(int handle);

        /** A sync request was issued (its SQE written) for a group. */
        void issued(long serial, int fd, boolean fsync, int members);

        /** A group member is answered with its group's result. */
        void answered(int handle, long serial, long result);
    }

    private static final Logger LOG = LoggerFactory.getLogger(IoUringExecutor.class);
    private static final VarHandle WAKE_PENDING;

    static
    {
        try
        {
            WAKE_PENDING = MethodHandles.lookup().findVarHandle(IoUringExecutor.class, "wakePending", boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    // user_data of the executor's own requests: a tag in bits 56-59, never a handle (0 .. 2^31 - 1), never -1 or -2
    static final long TAG_MASK = 0xFL << 56;
    static final long CANCEL_TAG = 1L << 56;
    static final long SYNC_TAG = 2L << 56;
    static final long POLL_TAG = 3L << 56;
    static final long CANCEL_ALL_TAG = 4L << 56;

    // where a held call is
    private static final byte FREE = 0;
    private static final byte QUEUED = 1;      // in the FIFO, waiting for a slot
    private static final byte KERNEL = 2;      // its SQE written or submitted, its CQE not yet reaped
    private static final byte CHAIN = 3;       // behind the current-position call of its fd
    private static final byte SYNC_WAIT = 4;   // a member of a sync group (collecting, or its sync in the kernel)
    private static final byte CLOSE_WAIT = 5;  // a close waiting for its fd's ordered calls
    private static final byte FALLBACK = 6;    // handed to the fallback (which may have finished it since)
    private static final byte ADMITTING = 7;   // being given a slot: may still end at once (cancelled, EBADF)

    // marks of a call in the kernel
    private static final byte CANCEL_SENT = 1;     // an ASYNC_CANCEL for it has been written
    private static final byte ERR_TIMEDOUT = 2;    // if stopped: ETIMEDOUT
    private static final byte ERR_CANCELED = 4;    // if stopped: ECANCELED
    private static final byte ERR_BADF = 8;        // if stopped: EBADF (its fd was closed)
    private static final byte ERR_MASK = ERR_TIMEDOUT | ERR_CANCELED | ERR_BADF;
    private static final byte POSITION = 16;       // it is its fd's current-position call

    private static final int FIFO = 0;
    private static final int ADMITTED = 1;
    private static final int POLLIN = 0x001;
    private static final long SETTLE_WAIT_STEP_NANOS = 100_000_000L;
    private static final long UNLIMITED_SLEEP_NANOS = Long.MAX_VALUE / 4;

    private final SyscallEntry entry;
    private final Completions completions;
    private final Deadlines deadlines;
    private final LongSupplier clock;
    private final ServerExecutor fallback;
    private final IoUringExecutorOptions options;
    private final int maxInFlight;
    private final boolean coalescing;
    private final CqeHandler cqeHandler = this::onCqe;

    private final HandleLists calls;   // FIFO and ADMITTED
    private final FdRecords records;
    private final HandleLists waits;   // chains (list = record) and sync groups (list = records + group)
    private byte[] state;
    private byte[] marks;
    private int[] recordOf;

    private IoUring ring;
    private volatile IoUring wakeRing;
    @SuppressWarnings("unused") // WAKE_PENDING
    private volatile boolean wakePending;
    private UringOps ops;
    private int fallbackPollFd = -1;
    private boolean pollArmed;
    private boolean pollMultishot = true;
    private boolean stopping;
    private boolean holdCloses;
    private boolean closed;
    private SyncTrace trace;

    private int slots;
    private int callsInKernel;
    private int groupsInKernel;
    private int startedSinceWork;
    private long earliestDeadline;
    private boolean anyDeadline;
    private long syncSerial;

    private long submitted;
    private long completed;
    private long cqes;
    private long cancelsSent;
    private long expired;
    private long delegated;
    private long syncsIssued;
    private long syncCallsAnswered;
    private long strayCqes;
    private long fallbackWakeups;
    private int unsettled;

    /**
     * Make an executor; its ring is set up later, on the server thread ({@link #open()}).
     *
     * @param entry       the flyweight over the runtime's entries: each handle's op, arguments and flags.
     * @param completions where finished calls go.
     * @param deadlines   each entry's deadline.
     * @param clock       the server's clock (deadlines are on its scale); a hand-driven one in tests.
     * @param fallback    runs the calls this executor has no io_uring request for; owned by this executor from now
     *                    on (settled and closed with it). It must complete through the same {@code completions}.
     * @param options     in-flight bound, ring, coalescing; copied.
     */
    public IoUringExecutor(
        final SyscallEntry entry, final Completions completions, final Deadlines deadlines, final LongSupplier clock,
        final ServerExecutor fallback, final IoUringExecutorOptions options)
    {
        if (entry == null || completions == null || deadlines == null || clock == null || fallback == null ||
            options == null)
        {
            throw new IllegalArgumentException("every argument is required: entry " + entry + ", completions " +
                completions + ", deadlines " + deadlines + ", clock " + clock + ", fallback " + fallback +
                ", options " + options);
        }
        this.entry = entry;
        this.completions = completions;
        this.deadlines = deadlines;
        this.clock = clock;
        this.fallback = fallback;
        this.options = options.copy();
        this.options.ringEntries(); // fails now if a ring size was set too small for the bound
        this.maxInFlight = this.options.maxInFlight();
        this.coalescing = this.options.fsyncCoalescing();
        final int maxHandles = entry.pool().maxEntries();
        this.calls = new HandleLists(2, maxHandles);
        this.records = new FdRecords(maxInFlight + 1);
        this.waits = new HandleLists(records.capacity() + records.groupCapacity(), maxHandles);
        final int initial = calls.capacity();
        this.state = new byte[initial];
        this.marks = new byte[initial];
        this.recordOf = new int[initial];
        Arrays.fill(recordOf, FdRecords.NONE);
    }

    /**
     * Set the ring up, on the calling thread, which from now on is the only one that may use this executor but for
     * {@link #wake()}: the server calls it when its thread starts (the first use does it otherwise). Probes the
     * kernel's opcodes once. Idempotent.
     *
     * @throws IoUringException      if the kernel refuses the ring (then use the syscall executor).
     * @throws IllegalStateException if the executor is closed.
     */
    public void open()
    {
        if (ring != null)
        {
            return;
        }
        if (closed)
        {
            throw new IllegalStateException("the io_uring executor is closed: make a new one");
        }
        final IoUring opened = IoUring.open(options.ringOptions());
        try
        {
            ops = new UringOps(opened.probe(), options.fallbackFor());
        }
        catch (final RuntimeException | Error ex)
        {
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
        ring = opened;
        fallbackPollFd = fallback.pollFd();
        wakeRing = opened; // volatile store, then the load of wakePending: pairs with wake()'s CAS then load
        if (wakePending)
        {
            opened.wake(); // a wake() before the ring existed: the first sleep must not miss it
        }
        LOG.debug("io_uring executor open: {}, maxInFlight {}, fsync coalescing {}, fallback {}",
            opened, maxInFlight, coalescing, fallback.name());
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
        ensureOpen();
        ensure(handle);
        startedSinceWork++;
        final byte s = state[handle];
        if (s != FREE && s != FALLBACK)
        {
            throw new IllegalStateException("handle " + handle + " started while this executor still holds it (" + s +
                "): every call must complete once before its entry is reused");
        }
        state[handle] = FREE;
        if (stopping)
        {
            completed++;
            completions.complete(handle, -Errno.ECANCELED); // settled: nothing runs any more
            return;
        }
        final int op = entry.lpOp(handle);
        final int kind = ops.kind(op, entry.lpArg(handle, 2), entry.lpArg(handle, 3), coalescing);
        if (kind == UringOps.FALLBACK || (kind == UringOps.CLOSE && closeInFallback(handle)))
        {
            toFallback(handle);
            return;
        }
        if (kind == UringOps.SYNC && trace != null)
        {
            trace.arrived(handle);
        }
        if (slots >= maxInFlight || !calls.isEmpty(FIFO))
        {
            state[handle] = QUEUED;
            calls.addLast(FIFO, handle);
            noteDeadline(handle);
            return;
        }
        admit(handle, kind);
    }

    /**
     * A close of an fd that only the fallback may be waiting on (a socket parked in its reactor) runs there, so its
     * waiters are failed as they should be; first the SQEs already written are submitted, since the kernel looks
     * their fds up at submission and a close now would let the fd number be reused under them.
     */
    private boolean closeInFallback(final int handle)
    {
        if (fallback.inFlight() == 0 || !calls.isEmpty(FIFO) || records.find((int)entry.lpArg(handle, 0)) != FdRecords.NONE)
        {
            return false;
        }
        if (ring.sqPending() > 0)
        {
            ring.submitAndWait(0, 0L, cqeHandler); // an extra enter: the price of the close's order
        }
        return true;
    }

    private void toFallback(final int handle)
    {
        state[handle] = FALLBACK;
        delegated++;
        fallback.start(handle);
    }

    /**
     * Give a call a slot (the caller checked there is one) and send it on its way.
     */
    private void admit(final int handle, final int kind)
    {
        state[handle] = ADMITTING;
        if ((entry.lvFlags(handle) & FLAG_CANCEL_REQUESTED) != 0)
        {
            finish(handle, -Errno.ECANCELED); // its cancel came before it: nothing to run
            return;
        }
        switch (kind)
        {
            case UringOps.PLAIN ->
            {
                take(handle);
                issue(handle);
            }
            case UringOps.CURRENT_POSITION -> admitCurrentPosition(handle);
            case UringOps.SYNC -> admitSync(handle);
            case UringOps.CLOSE -> admitClose(handle);
            default -> throw new IllegalStateException("kind " + kind + " of handle " + handle + " is not admitted");
        }
    }

    /** The call holds a slot from now on, and is among the admitted. */
    private void take(final int handle)
    {
        slots++;
        calls.addLast(ADMITTED, handle);
        noteDeadline(handle);
    }

    private void admitCurrentPosition(final int handle)
    {
        final int fd = (int)entry.lpArg(handle, 0);
        int r = records.find(fd);
        if (r != FdRecords.NONE && records.isClosing(r))
        {
            finish(handle, -Errno.EBADF); // arrived after a close of its fd: it would run after it
            return;
        }
        if (r == FdRecords.NONE)
        {
            r = records.acquire(fd);
        }
        take(handle);
        recordOf[handle] = r;
        if (records.pos(r) == FdRecords.NONE)
        {
            records.pos(r, handle);
            marks[handle] |= POSITION;
            issue(handle);
        }
        else
        {
            state[handle] = CHAIN;
            waits.addLast(r, handle);
        }
    }

    private void admitSync(final int handle)
    {
        final int fd = (int)entry.lpArg(handle, 0);
        int r = records.find(fd);
        if (r != FdRecords.NONE && records.isClosing(r))
        {
            finish(handle, -Errno.EBADF);
            return;
        }
        if (r == FdRecords.NONE)
        {
            r = records.acquire(fd);
        }
        take(handle);
        recordOf[handle] = r;
        int g = records.collecting(r);
        if (g == FdRecords.NONE)
        {
            g = records.newGroup(r);
            records.collecting(r, g);
        }
        if (UringOps.isFsync(entry.lpOp(handle)))
        {
            records.markGroupFsync(g);
        }
        state[handle] = SYNC_WAIT;
        waits.addLast(groupList(g), handle);
        if (records.groupsInKernel(r) == 0)
        {
            issueGroup(g); // no sync of this fd in flight: this one is issued after every member arrived
        }
    }

    private void admitClose(final int handle)
    {
        final int fd = (int)entry.lpArg(handle, 0);
        final int r = records.find(fd);
        if (r == FdRecords.NONE)
        {
            take(handle);
            issue(handle);
            return;
        }
        if (records.isClosing(r))
        {
            finish(handle, -Errno.EBADF); // the close before it will have closed the fd by the time this one runs
            return;
        }
        take(handle);
        recordOf[handle] = r;
        state[handle] = CLOSE_WAIT;
        records.closeHandle(r, handle);
        final int p = records.pos(r);
        if (p != FdRecords.NONE)
        {
            sendCancel(p, ERR_BADF); // may wait on a pipe's peer forever: its bytes, or EBADF
        }
        int w;
        while ((w = waits.pollFirst(r)) != HandleLists.NONE)
        {
            slots--;
            finish(w, -Errno.EBADF); // never reached the kernel: ends as a call racing a close does
        }
        final int g = records.collecting(r);
        if (g != FdRecords.NONE)
        {
            issueGroup(g); // syncs that arrived before the close run before it
        }
        closeIfIdle(r);
    }

    // ---------------------------------------------------------------- issue

    /** Write the call's SQE: it goes to the kernel with the next enter. The call holds a slot already. */
    private void issue(final int handle)
    {
        final Sqe sqe = sqe();
        UringOps.prep(sqe, entry.lpOp(handle), entry.lpArg(handle, 0), entry.lpArg(handle, 1),
            entry.lpArg(handle, 2), entry.lpArg(handle, 3), entry.lpArg(handle, 4));
        sqe.userData(handle);
        state[handle] = KERNEL;
        callsInKernel++;
        submitted++;
    }

    /** Issue one sync for a group: its members give their slots back and the request takes one. */
    private void issueGroup(final int g)
    {
        final int r = records.groupRecord(g);
        final int list = groupList(g);
        if (records.collecting(r) == g)
        {
            records.collecting(r, FdRecords.NONE);
        }
        final int members = waits.size(list);
        if (members == 0)
        {
            records.freeGroup(g);
            return;
        }
        slots += 1 - members;
        final long serial = ++syncSerial;
        final boolean fsync = records.groupFsync(g);
        records.groupIssued(g, serial);
        records.addGroupsInKernel(r, 1);
        groupsInKernel++;
        sqe().prepFsync(records.fd(r), fsync ? 0 : IORING_FSYNC_DATASYNC).userData(SYNC_TAG | g);
        submitted++;
        syncsIssued++;
        if (trace != null)
        {
            trace.issued(serial, records.fd(r), fsync, members);
        }
    }

    /** Ask the kernel to stop a call of this executor; it completes on its own CQE. */
    private void sendCancel(final int handle, final byte error)
    {
        if ((marks[handle] & CANCEL_SENT) != 0)
        {
            return;
        }
        if ((marks[handle] & ERR_MASK) == 0)
        {
            marks[handle] |= error;
        }
        marks[handle] |= CANCEL_SENT;
        // written after the call's own SQE, so even a call prepared in this cycle is in the kernel when it runs
        sqe().prepAsyncCancel(handle, 0).userData(CANCEL_TAG | handle);
        cancelsSent++;
    }

    private Sqe sqe()
    {
        Sqe sqe = ring.nextSqe();
        if (sqe == null)
        {
            // the ring is sized so that this never happens (a request and a cancel per slot, 3 more)
            ring.submitAndWait(0, 0L, cqeHandler);
            sqe = ring.nextSqe();
            if (sqe == null)
            {
                throw new IllegalStateException("no free SQE in " + ring + " after a submit: " + this);
            }
        }
        return sqe;
    }

    private void armFallbackPoll()
    {
        if (fallbackPollFd < 0 || pollArmed || stopping)
        {
            return;
        }
        final Sqe sqe = sqe();
        if (pollMultishot)
        {
            sqe.prepPollMultishot(fallbackPollFd, POLLIN);
        }
        else
        {
            sqe.prepPollAdd(fallbackPollFd, POLLIN);
        }
        sqe.userData(POLL_TAG);
        pollArmed = true;
    }

    // ---------------------------------------------------------------- duty cycle

    @Override
    public int doWork(final long nowNanos)
    {
        ensureOpen();
        int work = startedSinceWork;
        startedSinceWork = 0;
        if (stopping)
        {
            return work;
        }
        work += refill();
        if (anyDeadline && nowNanos - earliestDeadline >= 0)
        {
            work += expireDeadlines(nowNanos);
        }
        armFallbackPoll();
        final long cqesBefore = cqes;
        // the one io_uring_enter of the cycle: submits every SQE written since the last, runs completion work the
        // kernel deferred to this thread (DEFER_TASKRUN), and the reap that follows reads the CQEs it posted
        work += ring.submitAndWait(0, 0L, cqeHandler);
        ring.reap(cqeHandler);
        work += (int)(cqes - cqesBefore);
        work += refill(); // slots freed by those CQEs: written now, submitted by the next cycle
        work += fallback.doWork(nowNanos);
        return work;
    }

    /** Admit FIFO calls into free slots, in arrival order. */
    private int refill()
    {
        int admitted = 0;
        while (slots < maxInFlight && !calls.isEmpty(FIFO))
        {
            final int handle = calls.pollFirst(FIFO);
            state[handle] = FREE;
            admit(handle, ops.kind(entry.lpOp(handle), entry.lpArg(handle, 2), entry.lpArg(handle, 3), coalescing));
            admitted++;
        }
        return admitted;
    }

    private void noteDeadline(final int handle)
    {
        final long deadline = deadlines.deadline(handle);
        if (deadline != 0 && (!anyDeadline || deadline - earliestDeadline < 0))
        {
            earliestDeadline = deadline;
            anyDeadline = true;
        }
    }

    /**
     * Calls past their deadline: those with nothing in the kernel end now with ETIMEDOUT; those in the kernel get a
     * cancel and end on their own CQE (ETIMEDOUT, or their result if they finished first).
     */
    private int expireDeadlines(final long nowNanos)
    {
        int count = 0;
        anyDeadline = false;
        int handle = calls.first(FIFO);
        while (handle != HandleLists.NONE)
        {
            final int next = calls.next(handle);
            final long deadline = deadlines.deadline(handle);
            if (deadline != 0)
            {
                if (nowNanos - deadline >= 0)
                {
                    finish(handle, -Errno.ETIMEDOUT);
                    count++;
                }
                else
                {
                    keepDeadline(deadline);
                }
            }
            handle = next;
        }
        handle = calls.first(ADMITTED);
        while (handle != HandleLists.NONE)
        {
            final int next = calls.next(handle);
            final long deadline = deadlines.deadline(handle);
            if (deadline != 0 && (marks[handle] & CANCEL_SENT) == 0)
            {
                if (nowNanos - deadline >= 0)
                {
                    if (state[handle] == KERNEL)
                    {
                        sendCancel(handle, ERR_TIMEDOUT);
                    }
                    else
                    {
                        endWaiting(handle, -Errno.ETIMEDOUT);
                    }
                    count++;
                }
                else
                {
                    keepDeadline(deadline);
                }
            }
            handle = next;
        }
        expired += count;
        return count;
    }

    private void keepDeadline(final long deadline)
    {
        if (!anyDeadline || deadline - earliestDeadline < 0)
        {
            earliestDeadline = deadline;
            anyDeadline = true;
        }
    }

    /**
     * End an admitted call that has nothing in the kernel (CHAIN, SYNC_WAIT, CLOSE_WAIT).
     */
    private void endWaiting(final int handle, final long error)
    {
        final byte s = state[handle];
        final int r = recordOf[handle];
        if (s == CHAIN)
        {
            slots--;
            finish(handle, error);
        }
        else if (s == SYNC_WAIT)
        {
            final int g = waits.listOf(handle) - records.capacity();
            final boolean issued = records.groupInKernel(g);
            if (!issued)
            {
                slots--; // a collecting member holds a slot; an issued group holds one for all
            }
            finish(handle, error);
            if (!issued && waits.isEmpty(groupList(g)))
            {
                records.collecting(r, FdRecords.NONE);
                records.freeGroup(g);
                closeIfIdle(r);
            }
        }
        else if (s == CLOSE_WAIT)
        {
            records.closeHandle(r, FdRecords.NONE);
            slots--;
            finish(handle, error); // the close never ran: the fd stays open
            closeIfIdle(r);
        }
        else
        {
            throw new IllegalStateException("handle " + handle + " in state " + s + " is not waiting here");
        }
    }

    // ---------------------------------------------------------------- completions

    private void onCqe(final long userData, final int res, final int flags)
    {
        cqes++;
        if ((userData & ~0x7FFF_FFFFL) == 0)
        {
            onCallCqe((int)userData, res);
            return;
        }
        final long tag = userData & TAG_MASK;
        if (tag == SYNC_TAG)
        {
            onGroupCqe((int)userData, res);
        }
        else if (tag == CANCEL_TAG)
        {
            // 0, -ENOENT (already done) or -EALREADY (running): either way the call's own CQE ends it
        }
        else if (tag == POLL_TAG)
        {
            onFallbackPoll(res, flags);
        }
        else if (tag == CANCEL_ALL_TAG)
        {
            if (res == -Errno.EINVAL)
            {
                cancelEachInKernel(); // a kernel before 5.19 has no IORING_ASYNC_CANCEL_ANY
            }
        }
        else
        {
            strayCqes++;
        }
    }

    private void onCallCqe(final int handle, final int res)
    {
        if (handle >= state.length || state[handle] != KERNEL)
        {
            strayCqes++; // cannot happen: only a call's own SQE carries its handle
            LOG.error("io_uring executor: a CQE (res {}) for handle {}, which has no request in the kernel", res, handle);
            return;
        }
        callsInKernel--;
        slots--;
        final byte m = marks[handle];
        final int r = recordOf[handle];
        if (res == -Errno.EAGAIN && (m & CANCEL_SENT) == 0 && !stopping && UringOps.mayWouldBlock(entry.lpOp(handle)))
        {
            // a non-blocking fd with nothing to move: it waits in the fallback's reactor, as on the syscall executor
            calls.remove(handle);
            marks[handle] = 0;
            recordOf[handle] = FdRecords.NONE;
            toFallback(handle);
            if ((m & POSITION) != 0)
            {
                releasePosition(r);
            }
            return;
        }
        final long result = res >= 0 ? res : errorOf(m, res);
        finish(handle, result);
        if ((m & POSITION) != 0)
        {
            releasePosition(r);
        }
    }

    /**
     * @return the error of a call that failed: what stopped it if we did (deadline, cancel, close), else its own.
     */
    private long errorOf(final byte m, final int res)
    {
        if ((m & ERR_MASK) != 0 && (res == -Errno.ECANCELED || res == -Errno.EINTR || (stopping && res == -Errno.EAGAIN)))
        {
            if ((m & ERR_TIMEDOUT) != 0)
            {
                return -Errno.ETIMEDOUT;
            }
            return (m & ERR_BADF) != 0 ? -Errno.EBADF : -Errno.ECANCELED;
        }
        return res;
    }

    /** The fd's current-position call is done: the next one behind it goes to the kernel. */
    private void releasePosition(final int r)
    {
        records.pos(r, FdRecords.NONE);
        if (!stopping)
        {
            int w;
            while ((w = waits.pollFirst(r)) != HandleLists.NONE)
            {
                if ((entry.lvFlags(w) & FLAG_CANCEL_REQUESTED) != 0)
                {
                    slots--;
                    finish(w, -Errno.ECANCELED);
                    continue;
                }
                records.pos(r, w);
                marks[w] |= POSITION;
                issue(w); // keeps the slot it held while it waited
                break;
            }
        }
        closeIfIdle(r);
    }

    private void onGroupCqe(final int g, final int res)
    {
        final int r = records.groupRecord(g);
        final long serial = records.groupSerial(g);
        records.addGroupsInKernel(r, -1);
        groupsInKernel--;
        slots--;
        final int list = groupList(g);
        int h;
        while ((h = waits.pollFirst(list)) != HandleLists.NONE)
        {
            if (trace != null)
            {
                trace.answered(h, serial, res);
            }
            syncCallsAnswered++;
            finish(h, res);
        }
        records.freeGroup(g);
        final int next = records.collecting(r);
        if (next != FdRecords.NONE && records.groupsInKernel(r) == 0 && !stopping)
        {
            issueGroup(next); // every member of it arrived after the sync just done was issued
        }
        closeIfIdle(r);
    }

    /** Forget a record nothing refers to; first issue the close that waited for that. */
    private void closeIfIdle(final int r)
    {
        if (records.pos(r) != FdRecords.NONE || !waits.isEmpty(r) || records.collecting(r) != FdRecords.NONE ||
            records.groupsInKernel(r) != 0)
        {
            return;
        }
        final int close = records.closeHandle(r);
        if (close != FdRecords.NONE && holdCloses)
        {
            return; // settleAll issues it after its cancel-all, which must not stop it
        }
        records.release(r);
        if (close != FdRecords.NONE)
        {
            recordOf[close] = FdRecords.NONE;
            issue(close); // keeps the slot it held while it waited
        }
    }

    private void onFallbackPoll(final int res, final int flags)
    {
        fallbackWakeups++;
        if ((flags & IORING_CQE_F_MORE) != 0)
        {
            return;
        }
        pollArmed = false;
        if (res == -Errno.EINVAL && pollMultishot)
        {
            pollMultishot = false; // before Linux 5.13: one-shot polls, re-armed each time
        }
        else if (res < 0 && res != -Errno.ECANCELED)
        {
            LOG.error("io_uring executor: polling the fallback's fd {} failed ({}); the fallback's ready fds are " +
                "seen only when this executor wakes for something else", fallbackPollFd, Errno.name(-res));
            fallbackPollFd = -1;
        }
    }

    /** Complete a call: the one place that does. */
    private void finish(final int handle, final long result)
    {
        if (state[handle] == FREE)
        {
            throw new IllegalStateException("handle " + handle + " completed twice (result " + result + ")");
        }
        state[handle] = FREE;
        marks[handle] = 0;
        recordOf[handle] = FdRecords.NONE;
        calls.remove(handle);
        waits.remove(handle);
        completed++;
        completions.complete(handle, result);
    }

    private int groupList(final int g)
    {
        return records.capacity() + g;
    }

    // ---------------------------------------------------------------- cancel

    @Override
    public boolean cancel(final int handle)
    {
        ensureOpen();
        if (handle < 0 || handle >= state.length)
        {
            return fallback.cancel(handle);
        }
        switch (state[handle])
        {
            case QUEUED ->
            {
                finish(handle, -Errno.ECANCELED);
                return true;
            }
            case CHAIN, SYNC_WAIT, CLOSE_WAIT ->
            {
                endWaiting(handle, -Errno.ECANCELED);
                return true;
            }
            case KERNEL ->
            {
                sendCancel(handle, ERR_CANCELED);
                return true;
            }
            default ->
            {
                return fallback.cancel(handle);
            }
        }
    }

    // ---------------------------------------------------------------- sleep

    @Override
    public void idle(final long maxNanos)
    {
        ensureOpen();
        if (stopping)
        {
            return;
        }
        long sleepNanos = maxNanos;
        final long now = clock.getAsLong();
        if (anyDeadline)
        {
            sleepNanos = Math.min(sleepNanos, earliestDeadline - now);
        }
        final long fallbackDeadline = fallback.nextDeadline();
        if (fallbackDeadline != 0)
        {
            sleepNanos = Math.min(sleepNanos, fallbackDeadline - now);
        }
        armFallbackPoll();
        // a wait longer than the clock can add is a wait without limit (nanoTime + timeout must not overflow)
        final long timeout = sleepNanos <= 0 ? 0L : sleepNanos > UNLIMITED_SLEEP_NANOS ? -1L : sleepNanos;
        ring.submitAndWait(sleepNanos > 0 ? 1 : 0, timeout, cqeHandler);
        ring.reap(cqeHandler);
        // after the wait: a wake() from now on writes again; one that came during the wait found the flag set and
        // left it to the write that ended (or will end) a wait. Pairs with wake()'s CAS.
        WAKE_PENDING.setVolatile(this, false);
    }

    @Override
    public void wake()
    {
        if (!WAKE_PENDING.compareAndSet(this, false, true))
        {
            return; // a write is already on its way to the sleeper
        }
        final IoUring r = wakeRing; // volatile load after the CAS: pairs with open()'s store then load
        if (r != null)
        {
            r.wake();
        }
    }

    // ---------------------------------------------------------------- state

    @Override
    public int inFlight()
    {
        return calls.size(FIFO) + calls.size(ADMITTED) + fallback.inFlight();
    }

    @Override
    public long nextDeadline()
    {
        final long own = anyDeadline ? earliestDeadline : 0L;
        final long other = fallback.nextDeadline();
        if (own == 0)
        {
            return other;
        }
        return other != 0 && other - own < 0 ? other : own;
    }

    // ---------------------------------------------------------------- settle and close

    /**
     * Complete every held call exactly once: those with nothing in the kernel at once with ECANCELED; those in the
     * kernel after one {@code IORING_OP_ASYNC_CANCEL} with {@code IORING_ASYNC_CANCEL_ANY}, on their own CQEs
     * (ECANCELED, or their result if they finished first). Waits (in {@code io_uring_enter}, up to
     * {@link IoUringExecutorOptions#settleTimeoutNanos}) until every request's CQE has arrived. If some never does,
     * it logs an error naming them and leaves those calls uncompleted ({@link #unsettled()}): completing them would
     * let their callers free memory the kernel may still write. Closes that waited for their fd are issued (after
     * the cancel, so it cannot stop them). The fallback is settled too.
     */
    @Override
    public void settleAll()
    {
        if (stopping)
        {
            return;
        }
        stopping = true;
        if (ring == null)
        {
            fallback.settleAll();
            return;
        }
        holdCloses = true;
        int handle;
        while ((handle = calls.pollFirst(FIFO)) != HandleLists.NONE)
        {
            finish(handle, -Errno.ECANCELED);
        }
        handle = calls.first(ADMITTED);
        while (handle != HandleLists.NONE)
        {
            final int next = calls.next(handle);
            final byte s = state[handle];
            if (s == KERNEL)
            {
                if ((marks[handle] & ERR_MASK) == 0)
                {
                    marks[handle] |= ERR_CANCELED;
                }
            }
            else if (s != CLOSE_WAIT)
            {
                endWaiting(handle, -Errno.ECANCELED); // CHAIN or SYNC_WAIT: nothing of theirs is in the kernel
            }
            handle = next;
        }
        if (callsInKernel + groupsInKernel > 0 || pollArmed)
        {
            sqe().prepAsyncCancel(0L, IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL).userData(CANCEL_ALL_TAG);
            cancelsSent++;
        }
        holdCloses = false;
        issueWaitingCloses();
        try
        {
            fallback.settleAll();
        }
        finally
        {
            awaitKernel();
        }
    }

    private void issueWaitingCloses()
    {
        int handle = calls.first(ADMITTED);
        while (handle != HandleLists.NONE)
        {
            final int next = calls.next(handle);
            if (state[handle] == CLOSE_WAIT)
            {
                final int r = recordOf[handle];
                records.closeHandle(r, FdRecords.NONE);
                recordOf[handle] = FdRecords.NONE;
                issue(handle);
            }
            handle = next;
        }
    }

    /** The kernel has no IORING_ASYNC_CANCEL_ANY: one cancel per request. */
    private void cancelEachInKernel()
    {
        int handle = calls.first(ADMITTED);
        while (handle != HandleLists.NONE)
        {
            final int next = calls.next(handle);
            if (state[handle] == KERNEL)
            {
                sendCancel(handle, ERR_CANCELED);
            }
            handle = next;
        }
    }

    private void awaitKernel()
    {
        final long limit = System.nanoTime() + options.settleTimeoutNanos();
        while (callsInKernel + groupsInKernel > 0)
        {
            final long remaining = limit - System.nanoTime();
            if (remaining <= 0)
            {
                break;
            }
            ring.submitAndWait(1, Math.min(remaining, SETTLE_WAIT_STEP_NANOS), cqeHandler);
            ring.reap(cqeHandler);
        }
        unsettled = callsInKernel;
        if (callsInKernel + groupsInKernel > 0)
        {
            final StringBuilder held = new StringBuilder();
            int handle = calls.first(ADMITTED);
            while (handle != HandleLists.NONE)
            {
                if (state[handle] == KERNEL)
                {
                    held.append(' ').append(handle).append(':').append(entry.lpOp(handle));
                }
                handle = calls.next(handle);
            }
            LOG.error("io_uring executor: {} requests ({} calls, {} syncs) still in the kernel {} ms after they were " +
                "cancelled; their calls are NOT completed, since the kernel may still write their memory " +
                "(handle:op){}", callsInKernel + groupsInKernel, callsInKernel, groupsInKernel,
                options.settleTimeoutNanos() / 1_000_000, held);
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
        if (ring != null)
        {
            if (callsInKernel + groupsInKernel > 0)
            {
                LOG.error("io_uring executor closing with {} requests in the kernel (settleAll not called, or they " +
                    "never completed): the kernel cancels them as the ring closes, asynchronously", callsInKernel +
                    groupsInKernel);
            }
            try
            {
                ring.close();
            }
            catch (final RuntimeException ex)
            {
                failure = ex;
            }
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
        if (failure != null)
        {
            throw failure;
        }
    }

    private void ensureOpen()
    {
        if (ring == null)
        {
            open();
        }
    }

    /** Make room in the per-handle arrays (cold: only for a larger handle than seen so far). */
    private void ensure(final int handle)
    {
        if (handle < state.length)
        {
            return;
        }
        calls.ensure(handle);
        waits.ensure(handle);
        final int length = calls.capacity();
        final int old = state.length;
        state = Arrays.copyOf(state, length);
        marks = Arrays.copyOf(marks, length);
        recordOf = Arrays.copyOf(recordOf, length);
        Arrays.fill(recordOf, old, length, FdRecords.NONE);
    }

    // ---------------------------------------------------------------- stats (server thread; others see a recent value)

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

    /** @return the ring, or null before {@link #open()}; for stats and tests. */
    IoUring ring()
    {
        return ring;
    }

    /** @return requests in the kernel: calls' own and sync groups'. */
    public int inKernel()
    {
        return callsInKernel + groupsInKernel;
    }

    /** @return calls waiting in the FIFO for a slot. */
    public int queued()
    {
        return calls.size(FIFO);
    }

    /** @return requests written for the kernel (calls and syncs). */
    public long submitted()
    {
        return submitted;
    }

    /** @return calls completed by this executor (not by the fallback). */
    public long completed()
    {
        return completed;
    }

    /** @return ASYNC_CANCEL requests written. */
    public long cancelsSent()
    {
        return cancelsSent;
    }

    /** @return calls past their deadline (ended, or cancelled in the kernel). */
    public long expired()
    {
        return expired;
    }

    /** @return calls handed to the fallback. */
    public long delegated()
    {
        return delegated;
    }

    /** @return sync requests issued for groups (with coalescing). */
    public long syncsIssued()
    {
        return syncsIssued;
    }

    /** @return sync calls answered by group syncs; minus {@link #syncsIssued()}, the syncs saved. */
    public long syncCallsAnswered()
    {
        return syncCallsAnswered;
    }

    /** @return io_uring_enter calls made. */
    public long enters()
    {
        return ring == null ? 0 : ring.enters();
    }

    /** @return CQEs of the fallback's poll: times the fallback had work. */
    public long fallbackWakeups()
    {
        return fallbackWakeups;
    }

    /** @return CQEs that belonged to nothing held (should stay 0). */
    public long strayCqes()
    {
        return strayCqes;
    }

    /** @return calls left uncompleted by {@link #settleAll()} because their CQEs never came (should stay 0). */
    public int unsettled()
    {
        return unsettled;
    }

    /**
     * @param trace what to tell about sync groups, or null; server thread, before calls arrive.
     */
    void syncTrace(final SyncTrace trace)
    {
        this.trace = trace;
    }

    @Override
    public String toString()
    {
        return "IoUringExecutor[" + (ring == null ? "not open" : ring.toString()) + ", slots " + slots + "/" +
            maxInFlight + ", in kernel " + inKernel() + ", queued " + queued() + ", admitted " +
            calls.size(ADMITTED) + ", fallback " + fallback.name() + "]";
    }
}
