package io.offload.servers.agent;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.rings.HandleConsumer;
import io.offload.rings.MpscHandleRing;
import io.offload.rings.SyscallEntry;
import io.offload.servers.executor.CancelHandshake;
import io.offload.servers.executor.Completions;
import io.offload.servers.executor.ExecutorContext;
import io.offload.servers.executor.ExecutorStats;
import io.offload.servers.executor.ServerExecutor;
import io.offload.servers.executor.SyscallExecutor;
import io.offload.servers.libc.CpuAffinity;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.offload.rings.SyscallEntryDescriptor.FLAG_CANCEL_REQUESTED;
import static io.offload.rings.SyscallEntryDescriptor.FLAG_RECORD_PHASES;
import static io.offload.rings.SyscallEntryDescriptor.FLAG_RESUME;
import static io.offload.servers.agent.ServerCountersDescriptor.CANCELLED;
import static io.offload.servers.agent.ServerCountersDescriptor.CURRENT_CPU;
import static io.offload.servers.agent.ServerCountersDescriptor.ERRORS;
import static io.offload.servers.agent.ServerCountersDescriptor.IDLE_CYCLES;
import static io.offload.servers.agent.ServerCountersDescriptor.PICKED_UP;

/**
 * One pinned server: an Agrona {@link Agent} whose duty cycle takes control messages (cancels), drains its MPSC
 * ring in a batch, wins each entry by CAS (SUBMITTED to RUNNING), checks its deadline, stamps its pick-up time and
 * hands it to its {@link ServerExecutor} in cohort order (calls of one op back to back), then lets the executor
 * make progress; idle, it sleeps in the executor ({@link #sleep()}, woken by a caller that sees it asleep). It
 * keeps the stats; the executor makes the calls and reports each finished one through {@link Completions}, which
 * here stamps, counts and completes the entry. Pins itself in {@link #onStart()} (sched_setaffinity acts on the
 * calling thread) and makes its executor there, on its own thread.
 * <p>
 * Built to be driven by hand: construct it with a {@link NanoClock}, call {@link #onStart()} and {@link #doWork()}
 * on a test thread, and {@link #onClose()} to settle.
 * <p>
 * About 600 lines, over the 500 the project aims at: half of them are Javadoc and the accessors the runtime's
 * stats and JMX read; the duty cycle itself ({@link #doWork()}, the batch's cohort order and pick-up, completion,
 * sleep, and the settling in {@link #onClose()}) is one piece that reads best in one file.
 */
public final class SyscallServer implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(SyscallServer.class);
    private static final int CPU_SAMPLE_MASK = 1023;
    private static final long MAX_SLEEP_NANOS = 100_000_000L;
    private static final long CLAIMED_SLOT_PATIENCE_NANOS = 1_000_000_000L;
    /** Cohorts of the batch sort: one per op, and one for a value that is no op. */
    private static final int OP_BUCKETS = Syscall.count() + 1;
    /** Batch-size buckets: 1, 2-3, 4-7, ..., 64 and more. */
    public static final int BATCH_BUCKETS = 7;

    private final String roleName;
    private final SyscallClass syscallClass;
    private final int index;
    private final int requestedCpu;
    private final EntryTable entries;
    private final SyscallEntry entry;
    private final ServerPort port;
    private final MpscHandleRing ring;
    private final MpscHandleRing control;
    private final WaiterWakeup wakeup;
    private final int batchLimit;
    private final ServerCounters counters;
    private final ErrorHandler errorHandler;
    private final NanoClock clock;
    private final FdOwnerGroup owners;
    private final ServerExecutor.Factory executorFactory;
    private final CompletableFuture<Boolean> started = new CompletableFuture<>();
    private final int[] batch;
    private final int[] batchOps;
    private final int[] cohort;
    private final int[] opCounts = new int[OP_BUCKETS + 1];
    private final ServerTallies tallies;
    private final HandleConsumer batchCollector = this::collect;
    private final HandleConsumer controlHandler = this::onControl;
    private final HandleConsumer settler = this::settleSubmitted;
    private final Completions completions = this::complete;

    private ServerExecutor exec; // made on the server thread, which alone uses it but for wake()
    private volatile ServerExecutor executor; // the same, for wake() on any thread
    private int batchSize;
    private int[] startOrder; // the batch being started: entries startOrder[startNext..startEnd) are still SUBMITTED
    private int startNext;
    private int startEnd;
    private long dutyCycles;
    private volatile boolean pinned;
    private volatile boolean stopExpected;

    /**
     * A server with the syscall executor and the system clock.
     *
     * @param syscallClass class served.
     * @param index        index within the class.
     * @param requestedCpu CPU to pin to, or -1 for unpinned.
     * @param entries      the runtime's entries.
     * @param ring         this server's submission ring.
     * @param control      this server's control ring (cancellations).
     * @param completions  the completion thread's port for this server.
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
        this(syscallClass, index, requestedCpu, entries, ring, control, completions, batchLimit, counters,
            errorHandler, null);
    }

    /**
     * A server with the system clock and the given executor: what a runtime makes.
     *
     * @param syscallClass    class served.
     * @param index           index within the class.
     * @param requestedCpu    CPU to pin to, or -1 for unpinned.
     * @param entries         the runtime's entries.
     * @param ring            this server's submission ring.
     * @param control         this server's control ring (cancellations).
     * @param completions     the completion thread's port for this server.
     * @param batchLimit      most entries per drain.
     * @param counters        this server's counters.
     * @param errorHandler    where exceptions go.
     * @param executorFactory makes the executor on the server thread ({@code ExecutorChoice.select} picks one); null
     *                        for a {@link SyscallExecutor}.
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
        final ErrorHandler errorHandler,
        final ServerExecutor.Factory executorFactory)
    {
        this(syscallClass, index, requestedCpu, entries, ring, control, completions.wakeup(), batchLimit, counters,
            errorHandler, SystemNanoClock.INSTANCE, executorFactory);
    }

    /**
     * @param syscallClass    class served.
     * @param index           index within the class.
     * @param requestedCpu    CPU to pin to, or -1 for unpinned.
     * @param entries         the runtime's entries.
     * @param ring            this server's submission ring.
     * @param control         this server's control ring (cancellations).
     * @param wakeup          how the waiters of the calls it completes are woken.
     * @param batchLimit      most entries per drain.
     * @param counters        this server's counters.
     * @param errorHandler    where exceptions go.
     * @param clock           deadlines and phase stamps are read from it ({@link System#nanoTime()} scale).
     * @param executorFactory makes the executor on the server thread ({@code ExecutorChoice.select} picks one); null
     *                        for a {@link SyscallExecutor}. Either way its context's fd owners are the ones given
     *                        by {@link #fdOwners}.
     */
    public SyscallServer(
        final SyscallClass syscallClass,
        final int index,
        final int requestedCpu,
        final EntryTable entries,
        final MpscHandleRing ring,
        final MpscHandleRing control,
        final WaiterWakeup wakeup,
        final int batchLimit,
        final ServerCounters counters,
        final ErrorHandler errorHandler,
        final NanoClock clock,
        final ServerExecutor.Factory executorFactory)
    {
        if (syscallClass == null || entries == null || ring == null || control == null || wakeup == null ||
            counters == null || errorHandler == null || clock == null)
        {
            throw new IllegalArgumentException("syscallClass, entries, ring, control, wakeup, counters, " +
                "errorHandler and clock are required");
        }
        if (batchLimit <= 0)
        {
            throw new IllegalArgumentException("batchLimit must be positive (most entries per drain), was " +
                batchLimit);
        }
        this.roleName = "offload-" + syscallClass.name().toLowerCase(Locale.ROOT) + "-" + index;
        this.syscallClass = syscallClass;
        this.index = index;
        this.requestedCpu = requestedCpu;
        this.entries = entries;
        this.entry = entries.entry();
        this.port = new ServerPort(ring, control, this);
        this.ring = ring;
        this.control = control;
        this.wakeup = wakeup;
        this.batchLimit = batchLimit;
        this.counters = counters;
        this.tallies = new ServerTallies(counters);
        this.errorHandler = errorHandler;
        this.clock = clock;
        this.owners = new FdOwnerGroup(port);
        this.executorFactory = executorFactory != null ? executorFactory : SyscallExecutor.factory();
        this.batch = new int[batchLimit];
        this.batchOps = new int[batchLimit];
        this.cohort = new int[batchLimit];
    }

    @Override
    public void onStart()
    {
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
        // unpinned: this thread's mask is every online CPU, as the completion thread's, so a carrier the JDK starts
        // from an unpark here gets the mask it would get there (WaiterWakeup's class comment)
        final boolean unpinned = !pinned && CpuAffinity.unpinCurrentThread(); // not the mask of the runtime's builder
        wakeup.serverStarted(unpinned);
        try
        {
            exec = executorFactory.newExecutor(new ExecutorContext(roleName, entry, entries,
                entries.pool().maxEntries(), completions, clock, this::onExecutorError, owners));
            executor = exec;
        }
        catch (final RuntimeException | Error ex)
        {
            started.completeExceptionally(ex);
            throw ex;
        }
        counters.soCounter(CURRENT_CPU, CpuAffinity.currentCpu());
        port.markRunning();
        LOG.debug("{} started on cpu {} (requested {}), executor {}", roleName, CpuAffinity.currentCpu(),
            requestedCpu, exec.name());
        started.complete(pinned);
    }

    @Override
    public int doWork()
    {
        final long now = clock.nanoTime();
        dutyCycles++;
        int work = control.isEmpty() ? 0 : control.drain(controlHandler, Integer.MAX_VALUE);
        batchSize = 0;
        final int taken = ring.drain(batchCollector, batchLimit);
        if (taken > 0)
        {
            tallies.batch(taken);
            startBatch(taken, now);
            work += taken;
        }
        final ServerExecutor ex = exec;
        work += ex.doWork(now);
        tallies.inFlight(ex.inFlight());
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
     * <p>
     * Each entry's op is read once, before its pick-up, and the sort uses only that copy (issue 15, item 9). A
     * handle in the ring is not yet this server's: its caller may have taken the call back (a cancel, a stopped
     * server) and its entry may already carry another call, whose op changes under us; a copy in another ring may
     * even make one handle appear twice. Reading the op twice (once to count, once to place) overflowed the sort or
     * overwrote a handle when it changed between the reads. Any value is sorted somewhere: an op out of range goes
     * to a bucket of its own, and the CAS at pick-up decides who runs what.
     */
    private void startBatch(final int size, final long now)
    {
        int[] order = batch;
        if (size > 1)
        {
            final int[] ops = batchOps;
            final int[] counts = opCounts;
            Arrays.fill(counts, 0);
            for (int i = 0; i < size; i++)
            {
                final int bucket = bucketOf(entry.lpOp(batch[i]));
                ops[i] = bucket;
                counts[bucket + 1]++;
            }
            for (int bucket = 1; bucket < counts.length; bucket++)
            {
                counts[bucket] += counts[bucket - 1];
            }
            for (int i = 0; i < size; i++)
            {
                cohort[counts[ops[i]]++] = batch[i];
            }
            order = cohort;
        }
        startOrder = order;
        startEnd = size;
        for (int i = 0; i < size; i++)
        {
            startNext = i + 1;
            start(order[i], now);
        }
    }

    /**
     * @param op an op as read from an entry not yet picked up: any value.
     * @return its cohort: the op itself, or {@link #OP_BUCKETS} - 1 for a value that is no op.
     */
    private static int bucketOf(final int op)
    {
        return op >= 0 && op < Syscall.count() ? op : OP_BUCKETS - 1;
    }

    private void start(final int handle, final long now)
    {
        counters.add(PICKED_UP, 1);
        if (!entries.pickUp(handle))
        {
            counters.add(CANCELLED, 1); // its caller, or the shutdown sweep, completed it already
            return;
        }
        final int flags = entries.lvFlags(handle);
        final long deadline = entries.deadline(handle);
        if (deadline != 0 && now - deadline >= 0)
        {
            complete(handle, entries.resultWithoutRunning(handle, -Errno.ETIMEDOUT));
            return;
        }
        if ((flags & FLAG_RECORD_PHASES) != 0 && (flags & FLAG_RESUME) == 0)
        {
            entry.spStamp(handle, SyscallEntry.T_PICKED, clock.nanoTime());
        }
        exec.start(handle);
    }

    private void onControl(final int handle)
    {
        if ((entries.lvFlags(handle) & FLAG_CANCEL_REQUESTED) != 0)
        {
            exec.cancel(handle);
        }
    }

    /**
     * The executor's report of a finished call: stamp, count, complete and wake its waiter.
     */
    private void complete(final int handle, final long result)
    {
        if ((entries.lvFlags(handle) & FLAG_RECORD_PHASES) != 0)
        {
            entry.spStamp(handle, SyscallEntry.T_HANDLED, clock.nanoTime());
        }
        tallies.result(result);
        final ServerExecutor ex = exec;
        if (ex != null)
        {
            tallies.inFlight(ex.inFlight()); // before DONE: a caller that sees its call done sees it gone from there
        }
        entries.completeAndWake(handle, result, wakeup);
    }

    private void onExecutorError(final Throwable ex)
    {
        counters.add(ERRORS, 1);
        errorHandler.onError(ex);
    }

    /**
     * Sleep in the executor until a submission, a control message, a ready fd or the next deadline. Called by the
     * server's idle strategy on the server thread.
     */
    public void sleep()
    {
        if (port.prepareToSleep())
        {
            exec.idle(MAX_SLEEP_NANOS);
        }
        port.doneSleeping();
    }

    /**
     * @return whether the server is asleep (or about to be).
     */
    public boolean isSleeping()
    {
        return port.isSleeping();
    }

    /**
     * Wake the server from its sleep. Any thread; costs one eventfd write.
     */
    public void wake()
    {
        final ServerExecutor ex = executor;
        if (ex != null)
        {
            ex.wake();
        }
    }

    /**
     * Queue a cancellation for an entry this server may hold, its cancel flag set. Any thread. If this server has
     * stopped, its control ring is drained no more: the cancel goes to the owner of the call's fd, which may hold
     * the call parked (forwarded there before this server stopped).
     *
     * @param handle the entry, whose cancel flag the caller has set.
     * @return false if the control ring was full.
     */
    public boolean requestCancel(final int handle)
    {
        final boolean offered = port.offerControl(handle);
        if (!port.isRunning()) // after the offer: pairs with stopRunning() before the last drain in settleAll()
        {
            passOnCancel(handle);
        }
        return offered;
    }

    private void passOnCancel(final int handle)
    {
        if ((entries.lvFlags(handle) & FLAG_CANCEL_REQUESTED) != 0 && CancelHandshake.isParked(entry, handle))
        {
            owners.cancel((int)entry.lpArg(handle, 0), handle);
        }
    }

    /**
     * @param owners the servers that own fds for waiting and closing (the NETWORK target's), by fd modulo. Before
     *               the server starts.
     */
    public void fdOwners(final ServerPort[] owners)
    {
        this.owners.owners(owners);
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
        port.stopRunning();
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
                "calls it held completed with ECANCELED (EIO for the one it was running), or with the bytes they " +
                "had moved; new calls of its class go to the class's other servers, or fail with ECANCELED if " +
                "none is left"));
        }
        final ServerExecutor ex = exec;
        if (ex != null)
        {
            ex.close();
        }
        LOG.debug("{} stopped", roleName);
    }

    /**
     * A server that stops, whether the runtime is closing or its thread died (an {@code Error} out of the duty
     * cycle, an interrupt, a closed runner), completes every call it holds, so none of their callers hangs: the
     * rest of the batch it was starting and the calls still in its ring with ECANCELED, and whatever its executor
     * holds ({@link ServerExecutor#settleAll()}: the bytes moved, ECANCELED, EIO for the one it was running when it
     * died). Callers that publish after the last drain see it stopped and take their entry back.
     */
    private void settleAll()
    {
        while (startNext < startEnd)
        {
            settleSubmitted(startOrder[startNext++]);
        }
        final ServerExecutor ex = exec;
        if (ex != null)
        {
            ex.settleAll();
        }
        final long giveUp = System.nanoTime() + CLAIMED_SLOT_PATIENCE_NANOS; // real time, whatever the clock
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
        // cancels of calls settled above need nothing; a call forwarded before the stop is parked with its owner
        control.drain(this::passOnCancel, Integer.MAX_VALUE);
        tallies.inFlight(0);
    }

    private void settleSubmitted(final int handle)
    {
        if (entries.pickUp(handle))
        {
            complete(handle, entries.resultWithoutRunning(handle, -Errno.ECANCELED));
        }
        else
        {
            counters.add(CANCELLED, 1); // its caller took it back
        }
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
     * @return how this server wakes its callers (counts of direct and completer unparks, for stats and tests).
     */
    public WaiterWakeup wakeup()
    {
        return wakeup;
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
        return port.isRunning();
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
     * @return the executor's name ("syscalls", "io_uring"), or null before the server has started.
     */
    public String executorName()
    {
        final ServerExecutor ex = executor;
        return ex == null ? null : ex.name();
    }

    /**
     * @return what the executor has done (its requests, its ring's enters, the calls it gave its fallback), from
     *         any thread; null before the server has started.
     */
    public ExecutorStats executorStats()
    {
        final ServerExecutor ex = executor;
        return ex == null ? null : ex.stats();
    }

    /**
     * @return failed calls by errno name, from any thread.
     */
    public Map<String, Long> failuresByErrno()
    {
        return tallies.failuresByErrno();
    }

    /**
     * @return drains by size bucket (see {@link #BATCH_BUCKETS}), from any thread.
     */
    public List<Long> batchSizes()
    {
        return tallies.batchSizes();
    }
}
