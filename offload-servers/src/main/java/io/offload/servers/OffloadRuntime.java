package io.offload.servers;

import io.offload.api.AsyncSyscalls;
import io.offload.api.PhaseRecording;
import io.offload.api.RawSyscalls;
import io.offload.api.Router;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.Syscalls;
import io.offload.api.Sockets;
import io.offload.api.WaitStrategy;
import io.offload.rings.EntryPool;
import io.offload.rings.HandleRingDescriptor;
import io.offload.rings.MpscHandleRing;
import io.offload.servers.agent.Completer;
import io.offload.servers.agent.EntryTable;
import io.offload.servers.agent.ServerCounters;
import io.offload.servers.agent.ServerCountersDescriptor;
import io.offload.servers.agent.ServerIdleStrategy;
import io.offload.servers.agent.ServerPort;
import io.offload.servers.agent.ServerShutdown;
import io.offload.servers.agent.SyscallServer;
import io.offload.servers.call.GateSyscalls;
import io.offload.servers.layout.AppThreads;
import io.offload.servers.layout.CoreLayout;
import io.offload.servers.libc.CpuAffinity;
import io.offload.servers.net.GateSockets;
import io.offload.servers.routing.InlineRule;
import io.offload.servers.routing.RoundRobinRouter;
import io.offload.servers.routing.RouteTable;
import io.offload.servers.stats.PhaseRecorder;
import io.offload.servers.topology.CpuTopology;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The runtime: an entry pool, one pinned server thread per configured CPU and class, a completion thread for
 * futures, and the route table that sends each call to a class's servers or runs it inline. Built once with
 * {@link #builder()}; closing it completes every call in flight (with ECANCELED if it had not run), stops and joins
 * every thread it started and frees its memory.
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

    static final int OPEN = 0;
    static final int CLOSING = 1;
    static final int CLOSED = 2;

    private final Builder config;
    private final Arena arena;
    private final EntryTable entries;
    private final EntryPool pool;
    private final Completer completer;
    private final AgentRunner completerRunner;
    private final List<SyscallServer> servers = new ArrayList<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final ServerGroupImpl[] routes = new ServerGroupImpl[Syscall.count()];
    private final OffloadGate gate;
    private final GateSyscalls syscalls;
    private final OffloadAsyncSyscalls async;
    private final GateSockets sockets;
    private final AtomicLong errors = new AtomicLong();
    private final PhaseRecorder recorder;
    private final AdaptiveTuner tuner;
    private final ServerGroupImpl fdOwnerGroup;
    private final ExecutorService ownedAsyncExecutor; // null unless offload.async.executor=virtual
    private volatile int state = OPEN;
    private io.offload.servers.jmx.OffloadMBeans jmx; // null until started, or where JMX is off or failed
    private volatile java.nio.file.FileSystem fileSystem; // fileSystem(): made on first use

    private OffloadRuntime(final Builder config)
    {
        this.config = config;
        this.recorder = new PhaseRecorder(config.phaseRecording);
        this.arena = Arena.ofShared();
        this.pool = new EntryPool(config.entriesPerPage, config.maxEntries);
        this.entries = new EntryTable(pool);
        final ErrorHandler errorHandler = this::onError;
        this.completer = new Completer(entries, errorHandler);

        final Map<SyscallClass, ServerGroupImpl> groups = new EnumMap<>(SyscallClass.class);
        for (final Map.Entry<SyscallClass, int[]> e : config.serverCpus.entrySet())
        {
            final int[] cpus = e.getValue();
            final SyscallServer[] group = new SyscallServer[cpus.length];
            for (int i = 0; i < cpus.length; i++)
            {
                group[i] = new SyscallServer(e.getKey(), i, cpus[i], entries,
                    MpscHandleRing.allocate(arena, config.ringCapacity),
                    MpscHandleRing.allocate(arena, HandleRingDescriptor.nextPowerOfTwo(config.maxEntries)),
                    completer.newPort(arena),
                    config.batchLimit, new ServerCounters(Arena.ofAuto()), errorHandler); // counters outlive close()
                servers.add(group[i]);
            }
            groups.put(e.getKey(), new ServerGroupImpl(e.getKey(), group));
        }
        final boolean[] offloadable = new boolean[Syscall.count()];
        final boolean[] startInline = new boolean[Syscall.count()];
        for (final Syscall syscall : Syscall.values())
        {
            final ServerGroupImpl group = groups.get(config.targetClass(syscall.syscallClass()));
            final boolean inline = config.inline.contains(syscall) && !config.offload.contains(syscall);
            offloadable[syscall.op()] = group != null;
            startInline[syscall.op()] = inline;
            // with the tuner, every call keeps its servers and the tuner decides per call
            routes[syscall.op()] = inline && !config.adaptive ? null : group;
        }
        // one fd, one reactor: calls that wait on an fd, their cancels and its close meet at the fd's owner; the
        // servers of sockets, or, with sockets INLINE, those of reads (a FIFO or tty read waits there)
        final ServerGroupImpl owners = routes[Syscall.SOCKET.op()] != null ? routes[Syscall.SOCKET.op()] :
            routes[Syscall.READ.op()];
        if (owners != null)
        {
            final ServerPort[] ports = new ServerPort[owners.size()];
            for (int i = 0; i < ports.length; i++)
            {
                ports[i] = owners.port(i);
            }
            for (final SyscallServer server : servers)
            {
                server.fdOwners(ports); // one fd, one reactor: waits and closes meet at the fd's owner
            }
        }
        this.fdOwnerGroup = owners;
        this.tuner = config.adaptive ? new AdaptiveTuner(recorder, config.inlineRule, config.adaptiveProbe,
            config.adaptiveMinSamples, config.adaptivePeriodNanos, TimeUnit.NANOSECONDS, offloadable, startInline) :
            null;
        this.gate = new OffloadGate(this, config);
        this.syscalls = new GateSyscalls(gate);
        this.ownedAsyncExecutor = config.asyncExecutor == null && config.asyncOnVirtualThreads ?
            Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("offload-async-", 0).factory()) : null;
        this.async = new OffloadAsyncSyscalls(gate,
            config.asyncExecutor != null ? config.asyncExecutor : ownedAsyncExecutor);
        this.sockets = new GateSockets(new ClassGate(gate, routes[Syscall.SOCKET.op()]));
        this.completerRunner = new AgentRunner(
            new BusySpinIdleStrategy(), errorHandler, (AtomicCounter)null, completer);
    }

    /**
     * @return a builder with every setting at its default (or its system property).
     */
    public static Builder builder()
    {
        return new Builder();
    }

    private OffloadRuntime start()
    {
        try
        {
            AgentRunner.startOnThread(completerRunner, r -> newThread(r, completer.roleName()));
            for (final SyscallServer server : servers)
            {
                final IdleStrategy idle = config.idleStrategy != null ? config.idleStrategy.get() :
                    new ServerIdleStrategy(server, 2_000, 50);
                final AgentRunner runner = new AgentRunner(idle, this::onError, (AtomicCounter)null, server);
                runners.add(runner);
                AgentRunner.startOnThread(runner, r -> newThread(r, server.roleName()));
            }
            for (final SyscallServer server : servers)
            {
                final boolean pinned = server.started().get(10, TimeUnit.SECONDS);
                if (!pinned && server.requestedCpu() >= 0 && config.strictPinning)
                {
                    throw new IllegalStateException(server.roleName() + " could not be pinned to cpu " +
                        server.requestedCpu() + " and strict pinning is on (offload.pin.strict)");
                }
            }
        }
        catch (final Exception ex)
        {
            final IllegalStateException failure = ex instanceof IllegalStateException ise ? ise :
                new IllegalStateException("offload runtime failed to start: " + ex, ex);
            try
            {
                close();
            }
            catch (final RuntimeException closeFailure)
            {
                failure.addSuppressed(closeFailure);
            }
            throw failure;
        }
        jmx = io.offload.servers.jmx.OffloadMBeans.register(this); // never fails the start: logs, runs without
        LOG.info("offload runtime started: {} server(s) {}, router {}, wait {}", servers.size(), describeServers(),
            config.router, config.waitStrategy);
        return this;
    }

    private static Thread newThread(final Runnable runnable, final String name)
    {
        final Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    private String describeServers()
    {
        final StringBuilder out = new StringBuilder("[");
        for (final SyscallServer server : servers)
        {
            out.append(out.length() > 1 ? ", " : "").append(server.roleName()).append('@')
                .append(server.requestedCpu() < 0 ? "any" : Integer.toString(server.requestedCpu()));
        }
        return out.append(']').toString();
    }

    void onError(final Throwable ex)
    {
        errors.incrementAndGet();
        try
        {
            config.errorHandler.onError(ex);
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

    /**
     * @return blocking calls routed by this runtime.
     */
    public Syscalls syscalls()
    {
        return syscalls;
    }

    /**
     * @return the allocation-free raw calls routed by this runtime.
     */
    public RawSyscalls raw()
    {
        return syscalls.raw();
    }

    /**
     * @return calls that return futures, completed on the completion thread.
     */
    public AsyncSyscalls async()
    {
        return async;
    }

    /**
     * @return TCP sockets whose calls run on the NETWORK servers (or the servers NETWORK is routed to, or inline).
     */
    public Sockets sockets()
    {
        return sockets;
    }

    /**
     * Application threads kept off the servers' CPUs: the layout's application CPUs when the runtime was built with
     * {@link Builder#layout}, else every CPU this process may run on except those of pinned servers (all of them if
     * that leaves none). A {@link AppThreads#threadFactory ThreadFactory} for platform threads and a
     * {@link AppThreads#newVirtualThreadPerTaskExecutor virtual-thread executor} come from it.
     *
     * @return the application threads' CPUs and how to pin threads there.
     */
    public AppThreads appThreads()
    {
        if (config.layout != null && config.layout.appCpus().length > 0)
        {
            return AppThreads.of(config.layout);
        }
        final BitSet cpus = CpuAffinity.allowedCpus();
        final BitSet app = (BitSet)cpus.clone();
        for (final int[] serverCpus : config.serverCpus.values())
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
     * @return the class whose servers run it, or null if it runs inline.
     */
    public SyscallClass routeOf(final Syscall syscall)
    {
        final ServerGroupImpl group = routes[syscall.op()];
        return group == null || tuner != null && tuner.isInline(syscall) ? null : group.syscallClass();
    }

    AdaptiveTuner tuner()
    {
        return tuner;
    }

    ServerGroupImpl fdOwnerGroup()
    {
        return fdOwnerGroup;
    }

    /**
     * @return the settings this runtime was built with.
     */
    public Builder config()
    {
        return config;
    }

    /**
     * @return whether {@link #close()} has begun.
     */
    public boolean isClosed()
    {
        return state != OPEN;
    }

    PhaseRecorder recorder()
    {
        return recorder;
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

    /**
     * @return the phase recording in force.
     */
    public PhaseRecording phaseRecording()
    {
        return recorder.recording();
    }

    /**
     * Forget the phase histograms recorded so far (per syscall and per server).
     */
    public void resetPhases()
    {
        recorder.reset();
        for (final SyscallServer server : servers)
        {
            server.port().phases().reset();
        }
    }

    ServerGroupImpl route(final Syscall syscall)
    {
        return routes[syscall.op()];
    }

    int state()
    {
        return state;
    }

    EntryTable entries()
    {
        return entries;
    }

    /**
     * @return a snapshot of the servers and the pool.
     */
    public RuntimeStats stats()
    {
        final List<ServerStats> list = new ArrayList<>(servers.size());
        for (int i = 0; i < servers.size(); i++)
        {
            final SyscallServer s = servers.get(i);
            final ServerCounters c = s.counters();
            list.add(new ServerStats(
                s.roleName(), s.syscallClass(), s.index(), s.requestedCpu(), s.isPinned(),
                (int)c.lvCounter(ServerCountersDescriptor.CURRENT_CPU),
                c.lvCounter(ServerCountersDescriptor.PICKED_UP),
                c.lvCounter(ServerCountersDescriptor.COMPLETED),
                c.lvCounter(ServerCountersDescriptor.FAILED),
                c.lvCounter(ServerCountersDescriptor.CANCELLED),
                c.lvCounter(ServerCountersDescriptor.BATCHES),
                c.lvCounter(ServerCountersDescriptor.MAX_BATCH),
                c.lvCounter(ServerCountersDescriptor.IDLE_CYCLES),
                c.lvCounter(ServerCountersDescriptor.ERRORS),
                c.lvCounter(ServerCountersDescriptor.WAITING_NOW),
                state == CLOSED ? 0 : s.ring().size(),
                s.isRunning(),
                s.failuresByErrno(),
                s.batchSizes(),
                s.port().phases().snapshot()));
        }
        final int inUse = state == CLOSED ? 0 : pool.countNotFree();
        return new RuntimeStats(list, inUse, pool.allocatedEntries(), pool.maxEntries(), gate.rejected(),
            gate.inlineCalls(), recorder.recording(), recorder.snapshot());
    }

    /**
     * @return exceptions reported to the error handler so far.
     */
    public long errorCount()
    {
        return errors.get();
    }

    /**
     * Stop taking calls, let the servers finish what is queued (up to the shutdown timeout), complete every entry
     * still in flight with ECANCELED, stop and join every thread, and free the memory. Failures along the way are
     * gathered as suppressed exceptions of the first one. Idempotent.
     */
    @Override
    public void close()
    {
        synchronized (this)
        {
            if (state != OPEN)
            {
                return;
            }
            state = CLOSING;
        }
        RuntimeException failure = null;
        try
        {
            io.offload.servers.jmx.OffloadMBeans.unregister(jmx); // first: no JMX reader races the teardown
        }
        catch (final RuntimeException ex)
        {
            failure = ex;
        }
        if (tuner != null)
        {
            tuner.close();
        }
        final long deadline = System.nanoTime() + config.shutdownTimeoutNanos;
        while (System.nanoTime() < deadline && !ringsEmpty())
        {
            parkBriefly();
        }
        final List<RuntimeException> stopFailures = new ArrayList<>();
        final List<String> stuckServers = ServerShutdown.stop(runners, deadline, stopFailures); // bounded
        for (final RuntimeException ex : stopFailures)
        {
            failure = addFailure(failure, ex);
        }
        state = CLOSED; // publication order: submitters that see CLOSED cancel their own entries
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
            parkBriefly();
        }
        failure = closeQuietly(completerRunner, failure);
        completer.drainAll();
        if (ownedAsyncExecutor != null)
        {
            ownedAsyncExecutor.shutdown(); // queued completions still run; a blocked dependent stage is not waited for
        }
        while (System.nanoTime() < deadline && pool.countNotFree() > 0)
        {
            parkBriefly(); // callers read their results and give their entries back
        }
        final int stuck = pool.countNotFree();
        if (stuck > 0)
        {
            LOG.warn("offload runtime closing: {} entries still held by callers after the shutdown timeout", stuck);
        }
        if (!stuckServers.isEmpty())
        {
            final String message = ServerShutdown.describeAbandoned(stuckServers, entries);
            LOG.error(message);
            onError(new IllegalStateException(message)); // and pool and arena stay allocated: see the message
        }
        else
        {
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

    private boolean ringsEmpty()
    {
        for (final SyscallServer server : servers)
        {
            if (!server.ring().isEmpty() && server.isRunning())
            {
                return false;
            }
        }
        return true;
    }

    private static void parkBriefly()
    {
        java.util.concurrent.locks.LockSupport.parkNanos(100_000L);
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

    /**
     * Every setting of a runtime: each has a default, a system property that overrides the default, a setter and
     * an accessor. {@link #build()} validates them all at once and starts the runtime.
     */
    public static final class Builder
    {
        /** System property: {@link WaitStrategy} name. */
        public static final String WAIT_STRATEGY_PROP = "offload.wait.strategy";
        /** System property: spins before a platform thread parks under SPIN_THEN_PARK. */
        public static final String SPIN_LIMIT_PROP = "offload.wait.spins";
        /** System property: spins before a virtual thread parks, whatever the strategy. */
        public static final String VIRTUAL_SPIN_LIMIT_PROP = "offload.wait.virtualSpins";
        /** System property: times a virtual thread yields its carrier, checking between yields, before it parks. */
        public static final String VIRTUAL_YIELD_LIMIT_PROP = "offload.wait.virtualYields";
        /** System property: capacity of each server's ring, a power of two. */
        public static final String RING_CAPACITY_PROP = "offload.ring.capacity";
        /** System property: entries per pool page, a power of two. */
        public static final String ENTRIES_PER_PAGE_PROP = "offload.entries.perPage";
        /** System property: bound on the pool's entries (calls in flight). */
        public static final String MAX_ENTRIES_PROP = "offload.entries.max";
        /** System property: {@link BackpressurePolicy} name. */
        public static final String BACKPRESSURE_PROP = "offload.backpressure";
        /** System property: most entries a server takes per drain. */
        public static final String BATCH_LIMIT_PROP = "offload.server.batch";
        /** System property: fail the build if a server cannot be pinned. */
        public static final String STRICT_PINNING_PROP = "offload.pin.strict";
        /** System property: idle strategy of servers: reactor, busy, yield, backoff, sleep or noop. */
        public static final String IDLE_STRATEGY_PROP = "offload.idle";
        /** System property: adaptive routing on (true) or off. */
        public static final String ADAPTIVE_PROP = "offload.adaptive";
        /** System property: phase recording, off, all or 1/N. */
        public static final String PHASES_PROP = "offload.phases";
        /** System property: how long close() waits for calls in flight, in milliseconds. */
        public static final String SHUTDOWN_TIMEOUT_PROP = "offload.shutdown.timeoutMs";
        /**
         * System property: where async futures are completed, {@code completion} (the runtime's completion thread,
         * the default) or {@code virtual} (a virtual thread per completion, owned by the runtime).
         */
        public static final String ASYNC_EXECUTOR_PROP = "offload.async.executor";
        /** System property: a core layout in compact form, e.g. {@code app=0 file=1} (see {@link CoreLayout}). */
        public static final String LAYOUT_PROP = "offload.layout";

        private WaitStrategy waitStrategy =
            WaitStrategy.valueOf(System.getProperty(WAIT_STRATEGY_PROP, "SPIN_THEN_PARK").toUpperCase(Locale.ROOT));
        private int spinLimit = Integer.getInteger(SPIN_LIMIT_PROP, 20_000);
        private int virtualSpinLimit = Integer.getInteger(VIRTUAL_SPIN_LIMIT_PROP, 200);
        private int virtualYieldLimit = Integer.getInteger(VIRTUAL_YIELD_LIMIT_PROP, 0);
        private int ringCapacity = Integer.getInteger(RING_CAPACITY_PROP, 1024);
        private int entriesPerPage = Integer.getInteger(ENTRIES_PER_PAGE_PROP, 1024);
        private int maxEntries = Integer.getInteger(MAX_ENTRIES_PROP, 131_072);
        private BackpressurePolicy backpressure =
            BackpressurePolicy.valueOf(System.getProperty(BACKPRESSURE_PROP, "WAIT").toUpperCase(Locale.ROOT));
        private int batchLimit = Integer.getInteger(BATCH_LIMIT_PROP, 64);
        private boolean strictPinning = Boolean.getBoolean(STRICT_PINNING_PROP);
        private String idleStrategyName = System.getProperty(IDLE_STRATEGY_PROP, "reactor");
        private Supplier<IdleStrategy> idleStrategy;
        private long shutdownTimeoutNanos =
            TimeUnit.MILLISECONDS.toNanos(Long.getLong(SHUTDOWN_TIMEOUT_PROP, 5_000L));
        private Router router = new RoundRobinRouter();
        private PhaseRecording phaseRecording = PhaseRecording.parse(System.getProperty(PHASES_PROP, "off"));
        private ErrorHandler errorHandler = ex -> LOG.error("offload server error", ex);
        private final Map<SyscallClass, int[]> serverCpus = new EnumMap<>(SyscallClass.class);
        private final Map<SyscallClass, SyscallClass> classRoutes = new EnumMap<>(SyscallClass.class);
        private final Set<Syscall> inline = EnumSet.noneOf(Syscall.class);
        private final Set<SyscallClass> inlineClasses = EnumSet.noneOf(SyscallClass.class);
        private final Set<Syscall> offload = EnumSet.noneOf(Syscall.class);
        private boolean adaptive = Boolean.getBoolean(ADAPTIVE_PROP);
        private InlineRule inlineRule = InlineRule.DEFAULT;
        private int adaptiveProbe = 32;
        private long adaptiveMinSamples = 200;
        private long adaptivePeriodNanos = TimeUnit.MILLISECONDS.toNanos(100);
        private CoreLayout layout;
        private Executor asyncExecutor;
        private boolean asyncOnVirtualThreads = asyncOnVirtualThreads(System.getProperty(ASYNC_EXECUTOR_PROP,
            "completion"));

        private Builder()
        {
            final String layoutText = System.getProperty(LAYOUT_PROP);
            if (layoutText != null && !layoutText.isBlank())
            {
                layout(CoreLayout.parse(layoutText));
            }
        }

        /**
         * Take the servers of each class, and the application CPUs that {@link OffloadRuntime#appThreads()} confines
         * threads to, from a core layout (GenerOS Table 1 style, e.g. {@code app=0 file=1}). It replaces the servers
         * of the classes it names; later {@link #servers} calls override it per class. {@link #build()} checks it
         * against this machine's topology: a CPU the machine lacks or has offline fails the build, a shared CPU is
         * logged as a warning.
         *
         * @param coreLayout the layout; {@code -Doffload.layout=...} gives one by system property.
         * @return this.
         */
        public Builder layout(final CoreLayout coreLayout)
        {
            requireNonNull(coreLayout, "layout");
            for (final SyscallClass syscallClass : coreLayout.serverClasses())
            {
                servers(syscallClass, coreLayout.serverCpus(syscallClass));
            }
            this.layout = coreLayout;
            return this;
        }

        /**
         * Complete the futures of {@link OffloadRuntime#async()} on this executor instead of the runtime's one
         * completion thread, so that their non-async dependent stages ({@code thenApply}, {@code thenRun}, ...) run
         * there and a stage that blocks cannot delay other completions or the wake-up of virtual threads waiting
         * on blocking calls. The runtime does not shut it down. A completion it rejects runs on the completion
         * thread, so none is lost.
         *
         * @param executor e.g. {@code Executors.newVirtualThreadPerTaskExecutor()}; null for the completion thread.
         * @return this.
         */
        public Builder asyncExecutor(final Executor executor)
        {
            this.asyncExecutor = executor;
            this.asyncOnVirtualThreads = false;
            return this;
        }

        /**
         * Complete async futures on a virtual thread each, from an executor the runtime owns and shuts down on
         * close ({@code -Doffload.async.executor=virtual}).
         *
         * @return this.
         */
        public Builder asyncOnVirtualThreads()
        {
            this.asyncExecutor = null;
            this.asyncOnVirtualThreads = true;
            return this;
        }

        /** @return the executor given for async completions, or null (completion thread, or owned virtual threads). */
        public Executor asyncExecutor()
        {
            return asyncExecutor;
        }

        private static boolean asyncOnVirtualThreads(final String value)
        {
            return switch (value.trim().toLowerCase(Locale.ROOT))
            {
                case "completion" -> false;
                case "virtual" -> true;
                default -> throw new IllegalArgumentException("unknown " + ASYNC_EXECUTOR_PROP + " '" + value +
                    "': use completion (the runtime's completion thread) or virtual (a virtual thread each)");
            };
        }

        /** @return the core layout given, or null. */
        public CoreLayout layout()
        {
            return layout;
        }

        /**
         * Run servers of a class, one per listed CPU, each pinned there (a CPU listed twice gets two servers).
         *
         * @param syscallClass the class.
         * @param cpus         CPU numbers; -1 for an unpinned server.
         * @return this.
         */
        public Builder servers(final SyscallClass syscallClass, final int... cpus)
        {
            requireNonNull(syscallClass, "syscallClass");
            if (cpus == null || cpus.length == 0)
            {
                throw new IllegalArgumentException(
                    "servers(" + syscallClass + ") needs at least one cpu (or -1 for an unpinned server)");
            }
            for (final int cpu : cpus)
            {
                if (cpu < -1)
                {
                    throw new IllegalArgumentException("cpu must be >= 0, or -1 for unpinned, got " + cpu);
                }
            }
            serverCpus.put(syscallClass, cpus.clone());
            return this;
        }

        /**
         * Run {@code count} unpinned servers of a class.
         *
         * @param syscallClass the class.
         * @param count        how many, {@code >= 1}.
         * @return this.
         */
        public Builder unpinnedServers(final SyscallClass syscallClass, final int count)
        {
            if (count < 1)
            {
                throw new IllegalArgumentException("unpinnedServers count must be >= 1, got " + count);
            }
            final int[] cpus = new int[count];
            java.util.Arrays.fill(cpus, -1);
            return servers(syscallClass, cpus);
        }

        /**
         * Send the calls of class {@code from} to the servers of class {@code to}. A class with no servers and no
         * route goes to the first class given servers.
         *
         * @param from a class.
         * @param to   a class that has servers.
         * @return this.
         */
        public Builder route(final SyscallClass from, final SyscallClass to)
        {
            classRoutes.put(requireNonNull(from, "from"), requireNonNull(to, "to"));
            return this;
        }

        /**
         * Run these calls on the caller's thread, no hand-off (GenerOS: open/close lose to it).
         *
         * @param syscalls calls.
         * @return this.
         */
        public Builder inline(final Syscall... syscalls)
        {
            for (final Syscall syscall : syscalls)
            {
                inline.add(requireNonNull(syscall, "syscall"));
            }
            return this;
        }

        /**
         * Run every call of a class on the caller's thread.
         *
         * @param syscallClass the class.
         * @return this.
         */
        public Builder inline(final SyscallClass syscallClass)
        {
            inlineClasses.add(requireNonNull(syscallClass, "syscallClass"));
            for (final Syscall syscall : Syscall.values())
            {
                if (syscall.syscallClass() == syscallClass)
                {
                    inline.add(syscall);
                }
            }
            return this;
        }

        /**
         * Start from a route table: its INLINE calls run on the caller (added to any {@link #inline} given).
         *
         * @param table {@link RouteTable#papers()} for the papers' evidence; the default offloads everything.
         * @return this.
         */
        public Builder routeTable(final RouteTable table)
        {
            inline.addAll(requireNonNull(table, "table").inline());
            return this;
        }

        /**
         * Offload these calls even if a route table or class made them INLINE.
         *
         * @param syscalls calls.
         * @return this.
         */
        public Builder offload(final Syscall... syscalls)
        {
            for (final Syscall syscall : syscalls)
            {
                offload.add(requireNonNull(syscall, "syscall"));
            }
            return this;
        }

        /**
         * Adaptive routing: measure each call's direct and hand-off cost from phase recordings and move cheap
         * calls INLINE and back, by {@code rule}. Turns phase recording on (1 in {@code probe}) if it is off.
         *
         * @param on    whether to adapt; default off ({@value #ADAPTIVE_PROP}).
         * @param rule  when a call goes INLINE and when it comes back.
         * @param probe one call in this many runs the other way to keep both figures current, {@code >= 2}.
         * @param minSamples calls recorded each way before a call's route may change.
         * @param period how often to decide.
         * @return this.
         */
        public Builder adaptive(final boolean on, final InlineRule rule, final int probe, final long minSamples,
            final java.time.Duration period)
        {
            if (probe < 2)
            {
                throw new IllegalArgumentException("adaptive probe must be >= 2 (1 call in N), got " + probe);
            }
            if (minSamples < 1)
            {
                throw new IllegalArgumentException("adaptive minSamples must be >= 1, got " + minSamples);
            }
            this.adaptive = on;
            this.inlineRule = requireNonNull(rule, "rule");
            this.adaptiveProbe = probe;
            this.adaptiveMinSamples = minSamples;
            this.adaptivePeriodNanos = io.offload.servers.call.Timeouts.toNanos(period);
            return this;
        }

        /**
         * Adaptive routing with the default rule (25% hysteresis), probe 1/32, 200 samples, every 100 ms.
         *
         * @param on whether to adapt.
         * @return this.
         */
        public Builder adaptive(final boolean on)
        {
            this.adaptive = on;
            return this;
        }

        /** @return whether routing adapts. */
        public boolean adaptive()
        {
            return adaptive;
        }

        /**
         * @param router chooses among the servers of a class; default round-robin per caller.
         * @return this.
         */
        public Builder router(final Router router)
        {
            this.router = requireNonNull(router, "router");
            return this;
        }

        /**
         * @param waitStrategy how blocking callers wait; default SPIN_THEN_PARK.
         * @return this.
         */
        public Builder waitStrategy(final WaitStrategy waitStrategy)
        {
            this.waitStrategy = requireNonNull(waitStrategy, "waitStrategy");
            return this;
        }

        /**
         * @param spinLimit spins before a platform thread parks under SPIN_THEN_PARK; default 20,000.
         * @return this.
         */
        public Builder spinLimit(final int spinLimit)
        {
            this.spinLimit = spinLimit;
            return this;
        }

        /**
         * @param virtualSpinLimit spins before a virtual thread parks; default 200, at most 100,000.
         * @return this.
         */
        public Builder virtualSpinLimit(final int virtualSpinLimit)
        {
            this.virtualSpinLimit = virtualSpinLimit;
            return this;
        }

        /**
         * After its spins, a virtual thread waiting for a call may yield its carrier (to the other virtual threads,
         * or straight back to itself if none is runnable) and check again, this many times, before it parks. A call
         * that completes within the yields is seen without a park and an unpark through the completion thread
         * (about 20 us of FLYOUT on the 2-vCPU machine). Measured there on the HTTP demo (jmh-bench/README.md):
         * 1,000 yields gave 1.5-2.6x the requests/s in every paired round, with 1 and with 32 connections, but with
         * 32 connections on one carrier CPU the p99 went up to 0.1-1 s in 4 of 12 runs (yielding threads keep the
         * carrier's queue full, and threads woken from outside wait behind them). Off by default for that tail;
         * worth it with few virtual threads per carrier.
         *
         * @param virtualYieldLimit yields before a virtual thread parks; default 0 (park after the spins), at most
         *                          1,000,000; about half a microsecond each when nothing else is runnable.
         * @return this.
         */
        public Builder virtualYieldLimit(final int virtualYieldLimit)
        {
            this.virtualYieldLimit = virtualYieldLimit;
            return this;
        }

        /**
         * @param ringCapacity capacity of each server's ring, a power of two; default 1,024.
         * @return this.
         */
        public Builder ringCapacity(final int ringCapacity)
        {
            this.ringCapacity = ringCapacity;
            return this;
        }

        /**
         * @param entriesPerPage entries per pool page, a power of two; default 1,024.
         * @return this.
         */
        public Builder entriesPerPage(final int entriesPerPage)
        {
            this.entriesPerPage = entriesPerPage;
            return this;
        }

        /**
         * @param maxEntries bound on calls in flight, a multiple of entriesPerPage; default 131,072.
         * @return this.
         */
        public Builder maxEntries(final int maxEntries)
        {
            this.maxEntries = maxEntries;
            return this;
        }

        /**
         * @param backpressure what a caller does when the pool or a ring is full; default WAIT.
         * @return this.
         */
        public Builder backpressure(final BackpressurePolicy backpressure)
        {
            this.backpressure = requireNonNull(backpressure, "backpressure");
            return this;
        }

        /**
         * @param batchLimit most entries a server takes per drain; default 64.
         * @return this.
         */
        public Builder batchLimit(final int batchLimit)
        {
            this.batchLimit = batchLimit;
            return this;
        }

        /**
         * @param strictPinning fail the build if a server cannot be pinned; default false (warn, run unpinned).
         * @return this.
         */
        public Builder strictPinning(final boolean strictPinning)
        {
            this.strictPinning = strictPinning;
            return this;
        }

        /**
         * @param idleStrategy makes one idle strategy per server; default: spin, yield, then sleep in the server's
         *                     epoll_wait until woken by a submission ({@code "reactor"}). Use
         *                     {@code BusySpinIdleStrategy::new} for the lowest latency on a core reserved for the
         *                     server. A strategy that never sleeps in the reactor still serves waiting calls: the
         *                     server polls epoll in its duty cycle.
         * @return this.
         */
        public Builder idleStrategy(final Supplier<IdleStrategy> idleStrategy)
        {
            this.idleStrategy = requireNonNull(idleStrategy, "idleStrategy");
            return this;
        }

        /**
         * @param name reactor (the default), busy, yield, backoff (Agrona's, parks up to 100 us), sleep or noop.
         * @return this.
         */
        public Builder idleStrategy(final String name)
        {
            this.idleStrategyName = requireNonNull(name, "name");
            this.idleStrategy = null;
            return this;
        }

        /**
         * @param timeout how long close() waits for calls in flight; default 5 s.
         * @param unit    its unit.
         * @return this.
         */
        public Builder shutdownTimeout(final long timeout, final TimeUnit unit)
        {
            this.shutdownTimeoutNanos = unit.toNanos(timeout);
            return this;
        }

        /**
         * @param phaseRecording which calls get their five phases timed; default off. Switchable later with
         *                       {@link OffloadRuntime#phaseRecording(PhaseRecording)}.
         * @return this.
         */
        public Builder phaseRecording(final PhaseRecording phaseRecording)
        {
            this.phaseRecording = requireNonNull(phaseRecording, "phaseRecording");
            return this;
        }

        /** @return the initial phase recording. */
        public PhaseRecording phaseRecording()
        {
            return phaseRecording;
        }

        /**
         * @param errorHandler receives exceptions from server threads; default logs them.
         * @return this.
         */
        public Builder errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = requireNonNull(errorHandler, "errorHandler");
            return this;
        }

        /** @return the wait strategy. */
        public WaitStrategy waitStrategy()
        {
            return waitStrategy;
        }

        /** @return spins before a platform thread parks. */
        public int spinLimit()
        {
            return spinLimit;
        }

        /** @return spins before a virtual thread parks. */
        public int virtualSpinLimit()
        {
            return virtualSpinLimit;
        }

        /** @return yields of its carrier before a virtual thread parks. */
        public int virtualYieldLimit()
        {
            return virtualYieldLimit;
        }

        /** @return ring capacity. */
        public int ringCapacity()
        {
            return ringCapacity;
        }

        /** @return entries per page. */
        public int entriesPerPage()
        {
            return entriesPerPage;
        }

        /** @return the pool's bound. */
        public int maxEntries()
        {
            return maxEntries;
        }

        /** @return the back-pressure policy. */
        public BackpressurePolicy backpressure()
        {
            return backpressure;
        }

        /** @return the drain limit. */
        public int batchLimit()
        {
            return batchLimit;
        }

        /** @return whether pinning is strict. */
        public boolean strictPinning()
        {
            return strictPinning;
        }

        /** @return the router. */
        public Router router()
        {
            return router;
        }

        /** @return the shutdown timeout in nanoseconds. */
        public long shutdownTimeoutNanos()
        {
            return shutdownTimeoutNanos;
        }

        /** @return CPUs of each class's servers. */
        public Map<SyscallClass, int[]> serverCpus()
        {
            final Map<SyscallClass, int[]> copy = new EnumMap<>(SyscallClass.class);
            serverCpus.forEach((k, v) -> copy.put(k, v.clone()));
            return copy;
        }

        SyscallClass targetClass(final SyscallClass syscallClass)
        {
            if (serverCpus.containsKey(syscallClass))
            {
                return syscallClass;
            }
            final SyscallClass routed = classRoutes.get(syscallClass);
            return routed != null ? routed : serverCpus.keySet().iterator().next();
        }

        /**
         * Validate every setting, start the servers and return the running runtime. With no servers configured,
         * one unpinned FILE server runs every class.
         *
         * @return the runtime.
         * @throws IllegalArgumentException if a setting is out of range; the message says which and what is
         *                                  allowed.
         */
        public OffloadRuntime build()
        {
            if (spinLimit < 0)
            {
                throw new IllegalArgumentException("spinLimit must be >= 0, got " + spinLimit);
            }
            if (virtualSpinLimit < 0 || virtualSpinLimit > 100_000)
            {
                throw new IllegalArgumentException(
                    "virtualSpinLimit must be in [0, 100000] so a virtual thread never holds its carrier long, got " +
                    virtualSpinLimit);
            }
            if (virtualYieldLimit < 0 || virtualYieldLimit > 1_000_000)
            {
                throw new IllegalArgumentException(
                    "virtualYieldLimit must be in [0, 1000000] (yields before a virtual thread parks), got " +
                    virtualYieldLimit);
            }
            HandleRingDescriptor.checkCapacity(ringCapacity);
            if (batchLimit < 1)
            {
                throw new IllegalArgumentException("batchLimit must be >= 1, got " + batchLimit);
            }
            if (shutdownTimeoutNanos < 0)
            {
                throw new IllegalArgumentException("shutdownTimeout must be >= 0");
            }
            if (serverCpus.isEmpty())
            {
                serverCpus.put(SyscallClass.FILE, new int[]{-1});
            }
            for (final Map.Entry<SyscallClass, SyscallClass> e : classRoutes.entrySet())
            {
                if (!serverCpus.containsKey(e.getValue()))
                {
                    throw new IllegalArgumentException("route(" + e.getKey() + ", " + e.getValue() + "): " +
                        e.getValue() + " has no servers; give it servers(...) or route to one of " +
                        serverCpus.keySet());
                }
            }
            if (layout != null)
            {
                for (final String warning : layout.validate(CpuTopology.current()))
                {
                    LOG.warn("layout '{}': {}", layout, warning);
                }
            }
            checkCpus();
            if (idleStrategy == null && !"reactor".equalsIgnoreCase(idleStrategyName))
            {
                idleStrategy = idleStrategyByName(idleStrategyName);
            }
            final EntryPool probe = new EntryPool(entriesPerPage, maxEntries); // validates both, then freed
            probe.close();
            return new OffloadRuntime(this).start();
        }

        private void checkCpus()
        {
            final BitSet allowed = CpuAffinity.allowedCpus();
            for (final Map.Entry<SyscallClass, int[]> e : serverCpus.entrySet())
            {
                final int[] cpus = e.getValue();
                for (int i = 0; i < cpus.length; i++)
                {
                    if (cpus[i] >= 0 && !allowed.get(cpus[i]))
                    {
                        final String message = e.getKey() + " server " + i + " asks for cpu " + cpus[i] +
                            ", which this process cannot run on (allowed: " + allowed + ")";
                        if (strictPinning)
                        {
                            throw new IllegalArgumentException(message + "; pick one of those or turn strict " +
                                "pinning off");
                        }
                        LOG.warn("{}; it will run unpinned", message);
                        cpus[i] = -1;
                    }
                }
            }
        }

        private static Supplier<IdleStrategy> idleStrategyByName(final String name)
        {
            return switch (name.toLowerCase(Locale.ROOT))
            {
                case "backoff" -> () -> new BackoffIdleStrategy(100, 10, 1_000, 100_000);
                case "busy" -> BusySpinIdleStrategy::new;
                case "yield" -> YieldingIdleStrategy::new;
                case "sleep" -> () -> new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(50));
                case "noop" -> NoOpIdleStrategy::new;
                default -> throw new IllegalArgumentException(
                    "unknown idle strategy '" + name + "' (" + IDLE_STRATEGY_PROP + "): use reactor, busy, yield, " +
                    "backoff, sleep or noop");
            };
        }

        private static <T> T requireNonNull(final T value, final String name)
        {
            if (value == null)
            {
                throw new IllegalArgumentException(name + " must not be null");
            }
            return value;
        }
    }
}
