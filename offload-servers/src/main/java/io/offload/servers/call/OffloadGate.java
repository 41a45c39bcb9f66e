package io.offload.servers.call;

import io.offload.api.Errno;
import io.offload.api.Router;
import io.offload.api.Syscall;
import io.offload.rings.EntryPool;
import io.offload.rings.SyscallEntry;
import io.offload.servers.agent.Completer;
import io.offload.servers.agent.EntryTable;
import io.offload.servers.agent.ServerPort;
import io.offload.servers.executor.FdOwners;
import io.offload.servers.stats.PhaseRecorder;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import static io.offload.rings.SyscallEntryDescriptor.FLAG_RECORD_PHASES;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_ASYNC;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_SPINNING;

/**
 * The caller's side of the hand-off (FLYIN and FLYOUT), built from a {@link Routing} snapshot, a {@link Lifecycle}
 * and the entry table: route, claim an entry, write the request, publish it on the server's ring, then either wait by
 * the caller's {@link CallWaiter} (a blocking call) or leave the entry to the completion thread (an async call), read
 * the result, give the entry back. One submit core serves both, so the rules of close, the adaptive tuner and phase
 * recording apply to every call. The synchronous spin path allocates nothing.
 * <p>
 * The handshakes with the servers are theirs, each in one place and each with a jcstress test that calls it:
 * publication is {@link ServerPort#offer} (OFFERED, FULL or STOPPED; {@code SleepVersusSubmitTest},
 * {@code PublishVersusServerStopTest}); the park is {@link EntryTable#announcePark} ({@code ParkVersusCompleteTest});
 * take-back is {@link EntryTable#finishIfNotPicked} ({@code TakeBackVersusPickUpTest}); a cancel is
 * {@link EntryTable#requestCancel}, which goes through {@link ServerPort#requestCancel} to whichever server holds
 * the call ({@code CancelVersusParkTest}).
 * <p>
 * Exactly once: a server takes an entry by CAS SUBMITTED to RUNNING; a caller that finds the runtime closed after
 * publishing, or its server dead, takes it back by the same CAS and completes it itself (ECANCELED, or the bytes a
 * forwarded call had moved); the shutdown sweep does the same for whatever is left once the servers have stopped.
 * Whoever wins the CAS completes the entry; nobody else touches its result.
 * <p>
 * A thread that frees entries (the completion thread) never waits for one: when the pool is empty, its async calls
 * are published from a virtual thread of their own and its blocking calls run inline.
 */
public final class OffloadGate implements SyscallGate
{
    /** What {@link #submit} returns for an async call now in flight: its completion is told the result later. */
    static final long PENDING = Long.MIN_VALUE;
    /** What {@link #claimSlowPath} returns on a thread that frees entries when the pool is empty. */
    private static final int MUST_NOT_WAIT = -2;
    private static final int CLOSE_OP = Syscall.CLOSE.op();
    private static final int READ_OP = Syscall.READ.op();
    private static final int PREAD_OP = Syscall.PREAD.op();
    /**
     * Calls that normally wait for the peer (a request, a connection): a blocking caller parks at once rather than
     * spin first, unless its strategy is SPIN. Spinning there only holds a carrier (or a CPU) that another
     * connection's thread could use: its peer answers in tens of microseconds at best, well past any spin.
     */
    private static final boolean[] WAITS_FOR_PEER = waitsForPeer();

    private final EntryTable entries;
    private final EntryPool pool;
    private final SyscallEntry entry;
    private final Routing routing;
    private final Router router;
    private final AdaptiveTuner tuner;
    private final Lifecycle lifecycle;
    private final PhaseRecorder recorder;
    private final CallWaiter platformWaiter;
    private final CallWaiter virtualWaiter;
    private final boolean rejectWhenFull;
    private final boolean nowaitReads;
    private final LongAdder rejected = new LongAdder();
    private final LongAdder inlineCalls = new LongAdder();
    private final LongAdder nowaitHits = new LongAdder();
    private final LongAdder nowaitMisses = new LongAdder();
    /**
     * Fast-path tries that missed in a row, up to {@link #MISS_STREAK_LIMIT}; 0 after a hit. Read and written plainly
     * by every caller: a lost update only moves the next switch between trying and skipping by a call or two. Written
     * only when it changes, so callers whose reads all hit (or all miss) share the line read-only.
     */
    private int missStreak;
    /** Misses in a row past which the fast path is tried only on one read in {@link #PROBE_ONE_IN}. */
    static final int MISS_STREAK_LIMIT = 16;
    /** While reads keep missing, one read in this many still tries the fast path, to see the cache warm again. */
    static final int PROBE_ONE_IN = 64;
    /**
     * How a caller waits for a read whose fast path missed: the data is coming from the device, so spinning or
     * yielding first only takes the carrier (or the CPU) from callers that have work to do.
     */
    private final CallWaiter parkAtOnce = CallWaiter.forVirtualThreads(0, 0);

    /**
     * @param entries        the entry table (pool and attachments).
     * @param routing        where calls go.
     * @param lifecycle      whether calls are taken.
     * @param recorder       phase recordings.
     * @param platformWaiter how platform threads wait.
     * @param virtualWaiter  how virtual threads wait.
     * @param rejectWhenFull REJECT back-pressure (EAGAIN at once) rather than WAIT.
     * @param nowaitReads    offloaded {@code read}/{@code pread} first try RWF_NOWAIT on the caller
     *                       ({@link #readNoWait}); not with adaptive routing, whose tuner decides their route from
     *                       what it measures of both sides.
     */
    public OffloadGate(final EntryTable entries, final Routing routing, final Lifecycle lifecycle,
        final PhaseRecorder recorder, final CallWaiter platformWaiter, final CallWaiter virtualWaiter,
        final boolean rejectWhenFull, final boolean nowaitReads)
    {
        this.nowaitReads = nowaitReads && routing.tuner() == null; // adaptive: the tuner routes reads by their costs
        this.entries = entries;
        this.pool = entries.pool();
        this.entry = entries.entry();
        this.routing = routing;
        this.router = routing.router();
        this.tuner = routing.tuner();
        this.lifecycle = lifecycle;
        this.recorder = recorder;
        this.platformWaiter = platformWaiter;
        this.virtualWaiter = virtualWaiter;
        this.rejectWhenFull = rejectWhenFull;
    }

    private static boolean[] waitsForPeer()
    {
        final boolean[] waits = new boolean[Syscall.count()];
        for (final Syscall syscall : new Syscall[]{Syscall.RECVFROM, Syscall.RECVMSG, Syscall.ACCEPT4})
        {
            waits[syscall.op()] = true;
        }
        return waits;
    }

    /**
     * @return calls refused by REJECT back-pressure so far.
     */
    public long rejected()
    {
        return rejected.sum();
    }

    /**
     * @return calls run on the caller's thread so far.
     */
    public long inlineCalls()
    {
        return inlineCalls.sum();
    }

    /**
     * @return reads answered on the caller by RWF_NOWAIT so far.
     */
    public long nowaitHits()
    {
        return nowaitHits.sum();
    }

    /**
     * @return reads that tried RWF_NOWAIT on the caller and went to a server so far.
     */
    public long nowaitMisses()
    {
        return nowaitMisses.sum();
    }

    /**
     * The caller's fast path, a route beside INLINE for {@code read} and {@code pread} whose route has servers:
     * {@code preadv2(RWF_NOWAIT)} on this thread ({@link NoWaitReads}). Bytes from the page cache are the answer,
     * with no hand-off (a hit); anything else (EAGAIN: not cached; EOPNOTSUPP: the fd does not take the flag; any
     * error) leaves the call to its server (a miss), which answers as it always did. A short answer from a regular
     * file is asked again for the rest without waiting: end of file is a hit, pages not cached give the rest of the
     * range to the server. Nothing here waits, so the caller holds its buffer throughout. A miss is made here at
     * its server at once (its caller parks without spinning: the data comes from the device); while reads keep
     * missing ({@link #MISS_STREAK_LIMIT} in a row), only one in {@link #PROBE_ONE_IN} tries the fast path, because
     * on a miss {@code preadv2(RWF_NOWAIT)} still starts the kernel's readahead on the caller's thread, which costs
     * more than the hand-off it would save; the others count as misses.
     */
    @Override
    public long readNoWait(final Syscall syscall, final int fd, final long address, final long length,
        final long offset, final long timeoutNanos)
    {
        final int op = syscall.op();
        if (!nowaitReads || length <= 0 || (op != READ_OP && op != PREAD_OP) || routing.route(op) == null ||
            !lifecycle.isOpen())
        {
            return NOT_SERVED; // INLINE runs the plain call on the caller anyway; a closed runtime refuses the call
        }
        final int streak = missStreak;
        if (streak >= MISS_STREAK_LIMIT && ThreadLocalRandom.current().nextInt(PROBE_ONE_IN) != 0)
        {
            // recent reads all missed (a cold file, a device read each): a try costs a system call and, on a miss,
            // the kernel's readahead work on this thread, for nothing; the server gets the read straight away
            nowaitMisses.increment();
            return slowRead(syscall, fd, address, length, offset, timeoutNanos);
        }
        long done = NoWaitReads.read(fd, address, length, op == PREAD_OP ? offset : -1);
        if (done == NoWaitReads.MISS)
        {
            nowaitMisses.increment();
            if (streak < MISS_STREAK_LIMIT)
            {
                missStreak = streak + 1;
            }
            return slowRead(syscall, fd, address, length, offset, timeoutNanos);
        }
        if (streak != 0)
        {
            missStreak = 0;
        }
        if (done == 0 || done == length || !NoWaitReads.isShortFileRead(fd))
        {
            nowaitHits.increment();
            return done; // all of it, end of file, or what a pipe or socket had
        }
        // a file's short answer: its end (the last block of most files), or pages not cached past what came back
        long more;
        while ((more = NoWaitReads.read(fd, address + done, length - done, op == PREAD_OP ? offset + done : -1)) !=
            NoWaitReads.MISS)
        {
            done += more;
            if (more == 0 || done == length)
            {
                nowaitHits.increment();
                return done;
            }
        }
        nowaitMisses.increment();
        more = submit(syscall, false, fd, address + done, length - done, op == PREAD_OP ? offset + done : 0, 0, 0,
            timeoutNanos, null, true);
        return more > 0 ? done + more : done; // bytes moved are the answer, whatever the rest did
    }

    /**
     * A read the page cache did not answer, made at its server; its caller parks at once ({@code slow}).
     */
    private long slowRead(final Syscall syscall, final int fd, final long address, final long length,
        final long offset, final long timeoutNanos)
    {
        return submit(syscall, false, fd, address, length, offset, 0, 0, timeoutNanos, null, true);
    }

    /**
     * @return the entry table: each call's entry, and the caller's halves of the handshakes with the servers.
     */
    EntryTable entries()
    {
        return entries;
    }

    @Override
    public String explain(final Syscall syscall, final int errno)
    {
        if (errno == Errno.ECANCELED && !lifecycle.isOpen())
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
        return submit(syscall, false, a0, a1, a2, a3, a4, a5, timeoutNanos, null, WAITS_FOR_PEER[syscall.op()]);
    }

    @Override
    public long closeSocket(final int fd)
    {
        return submit(Syscall.CLOSE, true, fd, 0, 0, 0, 0, 0, 0, null, false);
    }

    /**
     * Submit without waiting: the call is told its result on the completion thread (or at once, if the call ran
     * inline or could not be submitted).
     *
     * @param call    the pending call; its args in libc order follow.
     * @param a0      first argument.
     * @param a1      second argument.
     * @param a2      third argument.
     * @param a3      fourth argument.
     * @param a4      fifth argument.
     * @param a5      sixth argument.
     * @throws IllegalStateException if the runtime is closed (a close runs on the caller instead).
     */
    void submitAsync(final DetachedCall call, final long a0, final long a1, final long a2, final long a3,
        final long a4, final long a5)
    {
        final long result = submit(call.syscall(), false, a0, a1, a2, a3, a4, a5, 0, call, false);
        if (result != PENDING)
        {
            call.onResult(result);
        }
    }

    /**
     * Submit a call routed as its syscall is, without a waiting thread, for a {@link WriteBehind} send: its
     * completion is told the result exactly once, on the server if it
     * {@link io.offload.servers.agent.AsyncCompletion#completesOnServer() completes there}, or here if it ran
     * inline or could not be submitted.
     *
     * @param call the pending call; its args in libc order follow.
     * @param a0   first argument.
     * @param a1   second argument.
     * @param a2   third argument.
     * @param a3   fourth argument.
     * @param a4   fifth argument.
     * @param a5   sixth argument.
     * @return false, and nothing submitted, where the call's route runs it on the caller anyway (an INLINE route):
     *         make it as a blocking call instead.
     * @throws IllegalStateException if the runtime is closed.
     */
    boolean submitDetached(final DetachedCall call, final long a0, final long a1, final long a2, final long a3,
        final long a4, final long a5)
    {
        if (routing.route(call.syscall().op()) == null)
        {
            return false;
        }
        submitAsync(call, a0, a1, a2, a3, a4, a5);
        return true;
    }

    /**
     * The one submit core. A close always releases its fd: it goes to the server that owns the fd (which holds its
     * waiters, completed with EBADF before the fd goes), and runs on the caller once the runtime is closing or when
     * the offloaded close did not run (ECANCELED).
     *
     * @param onSocket route as a socket's call (to the socket's owner, or inline where sockets run inline) whatever
     *                 the call's own route.
     * @param async    null for a blocking call, or the async call to be told the result.
     * @param slow     the call is known to wait for a device (a read the page cache could not answer): a blocking
     *                 caller parks at once rather than spin first, unless its strategy is SPIN.
     * @return the result or -errno, or {@link #PENDING} for an async call now in flight.
     */
    private long submit(final Syscall syscall, final boolean onSocket, final long a0, final long a1, final long a2,
        final long a3, final long a4, final long a5, final long timeoutNanos, final DetachedCall async,
        final boolean slow)
    {
        final int op = syscall.op();
        if (op == CLOSE_OP && !lifecycle.isOpen())
        {
            return closeOnCaller(a0);
        }
        final ServerGroupImpl owners = routing.fdOwners();
        ServerGroupImpl group = onSocket ? routing.socketOwners() : routing.route(op);
        boolean fdBound = onSocket || routing.isFdBound(op);
        boolean probe = false;
        if (op == CLOSE_OP && group != null && owners != null)
        {
            group = owners; // the fd's owner holds its waiters: close there, so they complete with EBADF first
            fdBound = true;
        }
        else if (tuner != null && group != null)
        {
            final int decision = tuner.decide(op);
            if ((decision & 1) != 0)
            {
                group = null;
            }
            probe = (decision & 2) != 0;
        }
        final boolean record = probe || recorder.sample();
        final long enter = record ? System.nanoTime() : 0;
        final long result = group == null ?
            runInline(syscall, a0, a1, a2, a3, a4, a5, timeoutNanos, record, enter) :
            offload(group, fdBound, syscall, a0, a1, a2, a3, a4, a5, timeoutNanos, record, enter, async, slow);
        return result == PENDING ? PENDING : afterClose(op, result, a0);
    }

    /**
     * The close rule for a result that has come back: a close that did not run (ECANCELED: its server had stopped,
     * or it was cancelled before a server took it) runs on the caller, so the fd is always released. ECANCELED never
     * follows a close that ran, so an fd is never closed twice.
     *
     * @param op     the call's op.
     * @param result its result.
     * @param fd     its first argument.
     * @return the result, or the caller's close's.
     */
    long afterClose(final int op, final long result, final long fd)
    {
        return op == CLOSE_OP && result == -Errno.ECANCELED ? closeOnCaller(fd) : result;
    }

    private long closeOnCaller(final long fd)
    {
        inlineCalls.increment();
        return DirectGate.INSTANCE.call(Syscall.CLOSE, fd, 0, 0, 0, 0, 0, 0);
    }

    private long runInline(final Syscall syscall, final long a0, final long a1, final long a2, final long a3,
        final long a4, final long a5, final long timeoutNanos, final boolean record, final long enter)
    {
        inlineCalls.increment();
        final long result = DirectGate.INSTANCE.call(syscall, a0, a1, a2, a3, a4, a5, timeoutNanos);
        if (record)
        {
            recorder.recordDirect(syscall.op(), System.nanoTime() - enter);
        }
        return result;
    }

    private long offload(final ServerGroupImpl group, final boolean fdBound, final Syscall syscall, final long a0,
        final long a1, final long a2, final long a3, final long a4, final long a5, final long timeoutNanos,
        final boolean record, final long enter, final DetachedCall async, final boolean slow)
    {
        lifecycle.checkOpen();
        final ServerPort server = select(syscall, group, fdBound, a0);
        int handle = pool.claim();
        if (handle < 0)
        {
            handle = claimSlowPath();
            if (handle == EntryPool.NO_ENTRY)
            {
                return -Errno.EAGAIN;
            }
            if (handle == MUST_NOT_WAIT)
            {
                return async == null ? runInline(syscall, a0, a1, a2, a3, a4, a5, timeoutNanos, record, enter) :
                    submitFromAnotherThread(async, a0, a1, a2, a3, a4, a5);
            }
        }
        final Thread caller = Thread.currentThread();
        CallWaiter waiter = async != null ? null : caller.isVirtual() ? virtualWaiter : platformWaiter;
        if (slow && waiter != null && waiter.waiterKind() != WAITER_SPINNING)
        {
            waiter = parkAtOnce;
        }
        final int waiterKind = waiter == null ? WAITER_ASYNC : waiter.waiterKind();
        entry.spRequest(handle, syscall.op(), a0, a1, a2, a3, a4, a5, caller.threadId(), waiterKind);
        if (async != null)
        {
            entries.attach(handle, async);
            async.submitted(handle, server, record);
        }
        else if (waiterKind != WAITER_SPINNING)
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
        final int offered = publish(server, handle);
        if (offered == ServerPort.FULL)
        {
            // in no ring, but SUBMITTED: taken back here unless a closing runtime's sweep completed it first, and
            // finished as any completed call is (an async one through its completion, on this thread)
            entries.finishIfNotPicked(handle, notPublished(server));
        }
        else if (offered == ServerPort.STOPPED || !lifecycle.isOpen())
        {
            // the offer's CAS orders the lifecycle load after it: a runtime closing now sweeps the call, or is seen
            entries.finishIfNotPicked(handle, -Errno.ECANCELED);
        }
        if (async != null)
        {
            return PENDING;
        }
        waiter.await(handle, server, entries);
        final long result = entry.lpResult(handle);
        if (record)
        {
            recordPhases(syscall, server, handle);
        }
        entries.free(handle);
        return result;
    }

    /**
     * The completion thread's async call found the pool empty: the entries it waits for are freed by this very
     * thread, so the call is published from a virtual thread of its own, which may wait.
     */
    private long submitFromAnotherThread(final DetachedCall async, final long a0, final long a1, final long a2,
        final long a3, final long a4, final long a5)
    {
        Thread.ofVirtual().name("offload-deferred-submit").start(() ->
        {
            try
            {
                submitAsync(async, a0, a1, a2, a3, a4, a5);
            }
            catch (final RuntimeException ex)
            {
                async.failed(ex);
            }
        });
        return PENDING;
    }

    /**
     * FLYOUT ends now (the caller has seen DONE and read the result); EXIT is the rest of the caller's way out. For
     * an async call, on the completion thread before its entry goes back to the pool.
     *
     * @param syscall the call.
     * @param server  its server.
     * @param handle  its entry, DONE and still the caller's.
     */
    void recordPhases(final Syscall syscall, final ServerPort server, final int handle)
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

    private ServerPort select(final Syscall syscall, final ServerGroupImpl group, final boolean fdBound,
        final long fd)
    {
        final int size = group.size();
        if (size == 1)
        {
            return group.port(0);
        }
        if (fdBound)
        {
            // one socket, one server: its waiters, its wake-ups and its close meet in one reactor
            return group.port(FdOwners.ownerIndex((int)fd, size));
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

    private int claimSlowPath()
    {
        if (rejectWhenFull)
        {
            rejected.increment();
            return EntryPool.NO_ENTRY;
        }
        if (Completer.isCompletionThread())
        {
            return MUST_NOT_WAIT; // the entries it would wait for are freed by this thread
        }
        int attempt = 0;
        int handle;
        while ((handle = pool.claim()) < 0)
        {
            lifecycle.checkOpen();
            backoff(attempt++);
        }
        return handle;
    }

    /**
     * Publish through the server's port ({@link ServerPort#offer}: the ring, the wake-up of a sleeping server, and
     * whether it still runs), waiting for ring space under WAIT back-pressure.
     *
     * @return {@link ServerPort#OFFERED}, {@link ServerPort#STOPPED}, or {@link ServerPort#FULL} if it was not
     *         published: refused (REJECT), or the server stopped or the runtime closed while it waited for space.
     */
    private int publish(final ServerPort server, final int handle)
    {
        final int offered = server.offer(handle);
        return offered != ServerPort.FULL ? offered : publishSlowPath(server, handle);
    }

    private static long deadline(final long timeoutNanos)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        return deadline == 0 ? 1 : deadline; // 0 means none
    }

    /**
     * Why a call could not be published: back-pressure refused it (EAGAIN, REJECT only), or its server stopped or
     * the runtime closed while it waited for ring space (ECANCELED, as every call in flight at close gets).
     */
    private long notPublished(final ServerPort server)
    {
        return rejectWhenFull && lifecycle.isOpen() && server.isRunning() ? -Errno.EAGAIN : -Errno.ECANCELED;
    }

    private int publishSlowPath(final ServerPort server, final int handle)
    {
        if (rejectWhenFull)
        {
            rejected.increment();
            return ServerPort.FULL;
        }
        int attempt = 0;
        int offered;
        while ((offered = server.offer(handle)) == ServerPort.FULL)
        {
            // a stopped server drains its ring no more: waiting for space there would never end
            if (!lifecycle.isOpen() || !server.isRunning())
            {
                return ServerPort.FULL;
            }
            backoff(attempt++);
        }
        return offered;
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
}
