package io.offload.servers;

import io.offload.api.AsyncSyscalls;
import io.offload.api.PhaseRecording;
import io.offload.api.RawSyscalls;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import io.offload.api.Sockets;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.Syscalls;
import io.offload.rings.EntryPool;
import io.offload.servers.agent.Completer;
import io.offload.servers.agent.EntryTable;
import io.offload.servers.agent.ServerShutdown;
import io.offload.servers.call.BouncePool;
import io.offload.servers.call.CallMemory;
import io.offload.servers.call.CallWaiter;
import io.offload.servers.call.GateAsyncSyscalls;
import io.offload.servers.call.GateSyscalls;
import io.offload.servers.call.Lifecycle;
import io.offload.servers.call.OffloadGate;
import io.offload.servers.call.Routing;
import io.offload.servers.call.ServerGroupImpl;
import io.offload.servers.jmx.OffloadMBeans;
import io.offload.servers.jmx.RuntimeControl;
import io.offload.servers.layout.AppThreads;
import io.offload.servers.libc.CpuAffinity;
import io.offload.servers.net.GateSockets;
import io.offload.servers.call.AdaptiveTuner;
import io.offload.servers.stats.PhaseRecorder;
import io.offload.servers.uring.ExecutorChoice;
import io.offload.servers.uring.IoUringSupport;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The runtime: an entry pool, one pinned server thread per configured CPU and class, a completion thread for
 * futures, bounce buffers, and the routing that sends each call to a class's servers or runs it inline. Built once
 * from a concluded {@link OffloadContext} ({@link #builder()}); this class only wires the pieces, starts them, hands
 * out the APIs and closes them. Closing it completes every call in flight (with ECANCELED if it had not run), stops
 * and joins every thread it started and frees its memory. A start that fails part-way closes what it had started.
 * <pre>{@code
 * try (OffloadRuntime runtime = OffloadRuntime.builder().servers(SyscallClass.FILE, 1).build())
 * {
 *     Syscalls sys = runtime.syscalls();
 *     int fd = sys.open("/etc/hostname", LinuxConstants.O_RDONLY, 0);
 *     ...
 * }
 * }</pre>
 */
public final class OffloadRuntime implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(OffloadRuntime.class);

    /**
     * For tests: told the name of each start step before it runs; an exception it throws fails the start there.
     */
    @FunctionalInterface
    interface StartObserver
    {
        void step(String step, OffloadRuntime runtime);
    }

    private final OffloadContext config;
    private final Lifecycle lifecycle = new Lifecycle();
    private final AtomicLong errors = new AtomicLong();
    private final org.agrona.ErrorHandler errorHandler = this::onError;
    private final Deque<AutoCloseable> startedSoFar = new ArrayDeque<>(); // what a failed start closes, newest first
    private final PhaseRecorder recorder;
    private final Arena arena;
    private final EntryPool pool;
    private final EntryTable entries;
    private final Completer completer;
    private final AgentRunner completerRunner;
    private final ServerSet servers;
    private final Routing routing;
    private final BouncePool bounces;
    private final OffloadGate gate;
    private final GateSyscalls syscalls;
    private final GateAsyncSyscalls async;
    private final GateSockets sockets;
    private final ExecutorService ownedAsyncExecutor; // null unless async futures complete on owned virtual threads
    private OffloadMBeans jmx; // null until started, or where JMX is off or failed
    private volatile java.nio.file.FileSystem fileSystem; // fileSystem(): made on first use

    private OffloadRuntime(final OffloadContext config)
    {
        this.config = config;
        try
        {
            recorder = new PhaseRecorder(config.phaseRecording());
            arena = Arena.ofShared();
            startedSoFar.push(arena::close);
            pool = new EntryPool(config.entriesPerPage(), config.maxEntries());
            startedSoFar.push(pool::close);
            entries = new EntryTable(pool);
            completer = new Completer(entries, errorHandler,
                io.offload.servers.agent.WaiterWakeup.Policy.valueOf(config.wakeup().name()));
            final ExecutorChoice.Selection executor = selectExecutor(config);
            servers = new ServerSet(config, entries, completer, arena, errorHandler, executor);
            routing = route();
            bounces = new BouncePool();
            startedSoFar.push(bounces::close);
            gate = new OffloadGate(entries, routing, lifecycle, recorder,
                CallWaiter.forPlatformThreads(config.waitStrategy(), config.spinLimit()),
                CallWaiter.forVirtualThreads(config.virtualSpinLimit(), config.virtualYieldLimit()),
                config.backpressure() == BackpressurePolicy.REJECT, config.nowaitReads());
            final CallMemory memory = new CallMemory(bounces);
            syscalls = new GateSyscalls(gate, memory);
            ownedAsyncExecutor = config.asyncExecutor() == null && config.isAsyncOnVirtualThreads() ?
                Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("offload-async-", 0).factory()) : null;
            if (ownedAsyncExecutor != null)
            {
                startedSoFar.push(ownedAsyncExecutor::shutdown);
            }
            async = new GateAsyncSyscalls(gate, bounces,
                config.asyncExecutor() != null ? config.asyncExecutor() : ownedAsyncExecutor);
            sockets = new GateSockets(gate, memory, config.writeBehindBytes());
            completerRunner = new AgentRunner(new BusySpinIdleStrategy(), errorHandler, (AtomicCounter)null, completer);
            start();
        }
        catch (final RuntimeException | Error ex)
        {
            throw closeWhatStarted(ex);
        }
    }

    /**
     * @return a context with every setting at its default; system properties are read when it is built.
     */
    public static OffloadContext builder()
    {
        return new OffloadContext();
    }

    /**
     * @param config a concluded context.
     * @return the started runtime.
     */
    static OffloadRuntime launch(final OffloadContext config)
    {
        if (!config.isConcluded())
        {
            throw new IllegalStateException("conclude() the context first (build() does)");
        }
        return new OffloadRuntime(config);
    }

    /**
     * Decide, once per runtime, which executor the servers run: what the setting asks for and what the kernel allows
     * ({@link IoUringSupport#check(boolean)}, answered "refused" when {@code uringSimulateUnavailable} is on).
     * Logged once with the reason, which each server's stats repeat.
     *
     * @throws IllegalStateException if IO_URING was asked for and io_uring does not work here.
     */
    private static ExecutorChoice.Selection selectExecutor(final OffloadContext config)
    {
        final ExecutorChoice.Kind kind = config.executor();
        final ExecutorChoice.Selection selection;
        try
        {
            selection = ExecutorChoice.select(kind, config.uringMaxInFlight(), config.uringFsyncCoalescing(),
                kind == ExecutorChoice.Kind.SYSCALLS ? null : IoUringSupport.check(config.uringSimulateUnavailable()));
        }
        catch (final IllegalStateException ex)
        {
            throw new IllegalStateException(Configuration.EXECUTOR_PROP + "=" + kind + " cannot run here: " +
                ex.getMessage() + (config.uringSimulateUnavailable() ? " (" +
                Configuration.URING_SIMULATE_UNAVAILABLE_PROP + " is true)" : ""), ex);
        }
        LOG.info("offload servers run on {}", selection.reason());
        return selection;
    }

    /**
     * Make each class's servers, their rings and completion ports, and the routing snapshot over them.
     */
    private Routing route()
    {
        final Map<SyscallClass, ServerGroupImpl> groups = servers.groups();
        final ServerGroupImpl[] byOp = new ServerGroupImpl[Syscall.count()];
        final boolean[] inline = new boolean[Syscall.count()];
        final boolean[] offloadable = new boolean[Syscall.count()];
        for (final Syscall syscall : Syscall.values())
        {
            byOp[syscall.op()] = groups.get(config.targetClass(syscall.syscallClass()));
            inline[syscall.op()] = config.isInline(syscall);
            offloadable[syscall.op()] = byOp[syscall.op()] != null;
        }
        AdaptiveTuner tuner = null;
        if (config.adaptive())
        {
            tuner = new AdaptiveTuner(recorder, config.inlineRule(), config.adaptiveProbe(),
                config.adaptiveMinSamples(), config.adaptivePeriod().toNanos(), TimeUnit.NANOSECONDS, offloadable,
                inline);
            startedSoFar.push(tuner);
        }
        final Routing wired = new Routing(groups, byOp, inline, config.router(), tuner);
        if (wired.fdOwners() != null)
        {
            servers.fdOwners(wired.fdOwners()); // one fd, one reactor: waits and closes meet at the fd's owner
        }
        return wired;
    }

    private void start()
    {
        observe("threads");
        AgentRunner.startOnThread(completerRunner, r -> newThread(r, completer.roleName()));
        startedSoFar.push(completerRunner);
        servers.start(startedSoFar);
        observe("pinning");
        servers.awaitPinned();
        if (config.jmx())
        {
            observe("jmx");
            jmx = OffloadMBeans.register(RuntimeControl.of(this::stats, this::errorCount, this::phaseRecording,
                this::phaseRecording, this::resetPhases)); // never fails the start: logs, runs without
            startedSoFar.push(() -> OffloadMBeans.unregister(jmx));
        }
        observe("started");
        startedSoFar.clear(); // from here on, close() owns all of it
        LOG.info("offload runtime started: {} server(s) {}, executor {}, router {}, wait {}, nowait reads {}",
            servers.servers().size(), servers.describe(), servers.executor().executorName(), config.router(),
            config.waitStrategy(), config.nowaitReads() ? "on" : "off");
    }

    private void observe(final String step)
    {
        final StartObserver observer = config.startObserver();
        if (observer != null)
        {
            observer.step(step, this);
        }
    }

    /**
     * Aeron's {@code CloseHelper.quietCloseAll}: close, newest first, whatever a failed start had started, and throw
     * the start's failure with the close failures suppressed.
     */
    private RuntimeException closeWhatStarted(final Throwable failure)
    {
        lifecycle.beginClose();
        lifecycle.closed();
        while (!startedSoFar.isEmpty())
        {
            try
            {
                startedSoFar.pop().close();
            }
            catch (final Exception | Error ex)
            {
                failure.addSuppressed(ex);
            }
        }
        if (failure instanceof Error error)
        {
            throw error;
        }
        return failure instanceof IllegalStateException || failure instanceof IllegalArgumentException ?
            (RuntimeException)failure : new IllegalStateException("offload runtime failed to start: " + failure, failure);
    }

    static Thread newThread(final Runnable runnable, final String name)
    {
        final Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    private void onError(final Throwable ex)
    {
        errors.incrementAndGet();
        try
        {
            config.errorHandler().onError(ex);
        }
        catch (final Throwable handlerFailure)
        {
            LOG.error("error handler threw while handling {}", ex, handlerFailure);
        }
    }

    /**
     * @return a {@code java.nio.file} file system whose operations run on this runtime's FILE servers
     *         ({@link io.offload.nio.OffloadFileSystemProvider}); one per runtime, closed with it.
     */
    public java.nio.file.FileSystem fileSystem()
    {
        java.nio.file.FileSystem fs = fileSystem;
        if (fs == null)
        {
            synchronized (this)
            {
                fs = fileSystem;
                if (fs == null)
                {
                    fs = io.offload.nio.OffloadFileSystemProvider.newFileSystem(this);
                    fileSystem = fs;
                }
            }
        }
        return fs;
    }

    /** @return blocking calls routed by this runtime. */
    public Syscalls syscalls()
    {
        return syscalls;
    }

    /** @return the allocation-free raw calls routed by this runtime. */
    public RawSyscalls raw()
    {
        return syscalls.raw();
    }

    /** @return calls that return futures, completed on the completion thread (or the async executor). */
    public AsyncSyscalls async()
    {
        return async;
    }

    /** @return TCP sockets whose calls run on the NETWORK servers (or the servers NETWORK is routed to, or inline). */
    public Sockets sockets()
    {
        return sockets;
    }

    /**
     * Application threads kept off the servers' CPUs: the layout's application CPUs when the runtime was built with
     * {@link OffloadContext#layout}, else every CPU this process may run on except those of pinned servers (all of
     * them if that leaves none). A {@link AppThreads#threadFactory ThreadFactory} for platform threads and a
     * {@link AppThreads#newVirtualThreadPerTaskExecutor virtual-thread executor} come from it.
     *
     * @return the application threads' CPUs and how to pin threads there.
     */
    public AppThreads appThreads()
    {
        if (config.layout() != null && config.layout().appCpus().length > 0)
        {
            return AppThreads.of(config.layout());
        }
        final BitSet cpus = CpuAffinity.allowedCpus();
        final BitSet app = (BitSet)cpus.clone();
        for (final int[] serverCpus : config.serverCpus().values())
        {
            for (final int cpu : serverCpus)
            {
                if (cpu >= 0)
                {
                    app.clear(cpu);
                }
            }
        }
        return AppThreads.onCpus((app.isEmpty() ? cpus : app).stream().toArray());
    }

    /**
     * @param syscall a call.
     * @return the class whose servers run it now, or null if it runs inline.
     */
    public SyscallClass routeOf(final Syscall syscall)
    {
        return routing.routeOf(syscall);
    }

    /** @return the settings this runtime was built with: the concluded context, which no longer changes. */
    public OffloadContext config()
    {
        return config;
    }

    /** @return whether {@link #close()} has begun. */
    public boolean isClosed()
    {
        return !lifecycle.isOpen();
    }

    /**
     * Switch phase recording while the runtime runs: off, 1 in N calls, or all.
     *
     * @param recording the new setting.
     */
    public void phaseRecording(final PhaseRecording recording)
    {
        recorder.set(recording);
    }

    /** @return the phase recording in force. */
    public PhaseRecording phaseRecording()
    {
        return recorder.recording();
    }

    /** Forget the phase histograms recorded so far (per syscall and per server). */
    public void resetPhases()
    {
        recorder.reset();
        servers.resetPhases();
    }

    /** @return exceptions reported to the error handler so far. */
    public long errorCount()
    {
        return errors.get();
    }

    /** @return a snapshot of the servers and the pool. */
    public RuntimeStats stats()
    {
        final boolean closed = lifecycle.isClosed();
        final List<ServerStats> list = servers.stats(closed);
        return new RuntimeStats(list, closed ? 0 : pool.countNotFree(), pool.allocatedEntries(), pool.maxEntries(),
            gate.rejected(), gate.inlineCalls(), recorder.recording(), recorder.snapshot(), gate.nowaitHits(),
            gate.nowaitMisses());
    }

    /**
     * @return virtual threads the servers unparked themselves and those they handed to the completion thread, summed
     *         over the servers (read racily; for tests and benchmarks of {@link WakeupPolicy}).
     */
    long[] unparkCounts()
    {
        long direct = 0;
        long viaCompleter = 0;
        for (final io.offload.servers.agent.SyscallServer server : servers.servers())
        {
            direct += server.wakeup().directUnparks();
            viaCompleter += server.wakeup().completerUnparks();
        }
        return new long[]{direct, viaCompleter};
    }

    /**
     * @return whether every piece of memory the runtime owned has been freed (after close, or a failed start).
     */
    boolean memoryReleased()
    {
        return !arena.scope().isAlive() && bounces.isClosed();
    }

    /**
     * Stop taking calls, let the servers finish what is queued (up to the shutdown timeout), complete every entry
     * still in flight with ECANCELED, stop and join every thread, and free the memory once nothing the kernel may
     * touch is still lent out. Failures along the way are gathered as suppressed exceptions of the first one.
     * Idempotent.
     */
    @Override
    public void close()
    {
        if (!lifecycle.beginClose())
        {
            return;
        }
        RuntimeException failure = null;
        try
        {
            OffloadMBeans.unregister(jmx); // first: no JMX reader races the teardown
        }
        catch (final RuntimeException ex)
        {
            failure = ex;
        }
        if (routing.tuner() != null)
        {
            routing.tuner().close();
        }
        final long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        while (System.nanoTime() < deadline && !servers.ringsEmpty())
        {
            LockSupport.parkNanos(100_000L);
        }
        final List<String> stuckServers = new ArrayList<>();
        failure = servers.stop(deadline, stuckServers, failure); // bounded: a server stuck in a system call is left
        lifecycle.closed(); // publication order: submitters that see CLOSED cancel their own entries
        try
        {
            final int swept = entries.sweep(); // SUBMITTED and WAITING ones; never one inside a system call
            if (swept > 0)
            {
                LOG.info("offload runtime closing: {} call(s) in flight completed with ECANCELED", swept);
            }
        }
        catch (final RuntimeException ex)
        {
            failure = addFailure(failure, ex);
        }
        while (System.nanoTime() < deadline && completer.hasPending())
        {
            LockSupport.parkNanos(100_000L);
        }
        failure = closeQuietly(completerRunner, failure);
        completer.drainAll();
        if (ownedAsyncExecutor != null)
        {
            ownedAsyncExecutor.shutdown(); // queued completions still run; a blocked dependent stage is not waited for
        }
        while (System.nanoTime() < deadline && pool.countNotFree() > 0)
        {
            LockSupport.parkNanos(100_000L); // callers read their results and give their entries back
        }
        final int stuck = pool.countNotFree();
        if (stuck > 0)
        {
            LOG.warn("offload runtime closing: {} entries still held by callers after the shutdown timeout", stuck);
        }
        if (!stuckServers.isEmpty())
        {
            // a call abandoned inside a system call may still have the kernel write into its entry's memory and
            // its bounce buffer: both stay allocated, on purpose
            final String message = ServerShutdown.describeAbandoned(stuckServers, entries);
            LOG.error(message);
            onError(new IllegalStateException(message));
        }
        else
        {
            // every call has settled: what callers still hold of the bounce buffers comes back as they copy out
            bounces.close(Math.max(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(1)));
            try
            {
                pool.close();
                arena.close();
            }
            catch (final RuntimeException ex)
            {
                failure = addFailure(failure, ex);
            }
        }
        LOG.info("offload runtime closed");
        if (failure != null)
        {
            throw failure;
        }
    }

    private static RuntimeException closeQuietly(final AgentRunner runner, final RuntimeException failure)
    {
        try
        {
            runner.close();
            return failure;
        }
        catch (final RuntimeException ex)
        {
            return addFailure(failure, ex);
        }
    }

    private static RuntimeException addFailure(final RuntimeException failure, final RuntimeException ex)
    {
        if (failure == null)
        {
            return ex;
        }
        failure.addSuppressed(ex);
        return failure;
    }
}
