package io.offload.servers;

import io.offload.api.PhaseRecording;
import io.offload.api.Router;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.WaitStrategy;
import io.offload.rings.EntryPool;
import io.offload.rings.HandleRingDescriptor;
import io.offload.servers.layout.CoreLayout;
import io.offload.servers.libc.CpuAffinity;
import io.offload.servers.routing.InlineRule;
import io.offload.servers.routing.RoundRobinRouter;
import io.offload.servers.routing.RouteTable;
import io.offload.servers.topology.CpuTopology;
import io.offload.servers.uring.ExecutorChoice;
import io.offload.servers.uring.IoUringExecutorOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Every setting of a runtime, as Aeron's media-driver context holds them: a setter and a getter for each, a system
 * property for most ({@link Configuration} lists them with their defaults). {@link #conclude()}, which
 * {@link #build()} calls once, reads the system properties of the settings not set here, validates everything at
 * once (a malformed property or an out-of-range value fails with a message saying which setting, what it was and
 * what would be accepted) and freezes the context: the runtime reads only the concluded context, and every setter
 * throws {@link IllegalStateException} afterwards. {@link OffloadRuntime#config()} returns it.
 * <p>
 * Longer than the ~500 lines of the project's guide because it is one setter, one getter and their Javadoc per
 * setting (about 30 of them); the validation is the one place that knows every setting's range.
 */
public final class OffloadContext
{
    private static final Logger LOG = LoggerFactory.getLogger(OffloadContext.class);
    private static final Set<String> IDLE_NAMES = Set.of("reactor", "busy", "yield", "backoff", "sleep", "noop");

    private boolean concluded;
    private WaitStrategy waitStrategy;
    private Integer spinLimit;
    private Integer virtualSpinLimit;
    private Integer virtualYieldLimit;
    private Integer ringCapacity;
    private Integer entriesPerPage;
    private Integer maxEntries;
    private BackpressurePolicy backpressure;
    private Integer batchLimit;
    private Boolean strictPinning;
    private String idleStrategyName;
    private Supplier<? extends IdleStrategy> idleStrategy;
    private Integer idleSpins;
    private Integer idleYields;
    private boolean idleCyclesGiven;
    private Duration shutdownTimeout;
    private Router router;
    private PhaseRecording phaseRecording;
    private ErrorHandler errorHandler;
    private Boolean adaptive;
    private InlineRule inlineRule = InlineRule.DEFAULT;
    private Integer adaptiveProbe;
    private Long adaptiveMinSamples;
    private Duration adaptivePeriod;
    private CoreLayout layout;
    private Executor asyncExecutor;
    private Boolean asyncOnVirtualThreads;
    private Boolean jmx;
    private WakeupPolicy wakeup;
    private ExecutorChoice.Kind executor;
    private Integer uringMaxInFlight;
    private Boolean uringFsyncCoalescing;
    private Boolean uringSimulateUnavailable;
    private Boolean nowaitReads;
    private Integer writeBehindBytes;
    private final Map<SyscallClass, int[]> serverCpus = new EnumMap<>(SyscallClass.class);
    private final Map<SyscallClass, SyscallClass> classRoutes = new EnumMap<>(SyscallClass.class);
    private final Set<Syscall> inline = EnumSet.noneOf(Syscall.class);
    private final Set<Syscall> offload = EnumSet.noneOf(Syscall.class);
    private OffloadRuntime.StartObserver startObserver;

    OffloadContext()
    {
    }

    /**
     * Read the system properties of the settings not set, validate every setting, and freeze the context. Called
     * once, by {@link #build()}.
     *
     * @return this, concluded.
     * @throws IllegalArgumentException if a setting or a property is malformed or out of range; the message says
     *                                  which, what it was and what would be accepted.
     * @throws IllegalStateException    if the context was concluded already.
     */
    public OffloadContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException(
                "this context is concluded already (a context builds one runtime): make another with " +
                "OffloadRuntime.builder()");
        }
        if (layout == null)
        {
            final String layoutText = Configuration.text(Configuration.LAYOUT_PROP);
            if (layoutText != null)
            {
                final CoreLayout fromProperty = parseLayout(layoutText);
                for (final SyscallClass syscallClass : fromProperty.serverClasses())
                {
                    serverCpus.putIfAbsent(syscallClass, fromProperty.serverCpus(syscallClass).clone());
                }
                layout = fromProperty;
            }
        }
        waitStrategy = waitStrategy();
        spinLimit = spinLimit();
        virtualSpinLimit = virtualSpinLimit();
        virtualYieldLimit = virtualYieldLimit();
        ringCapacity = ringCapacity();
        entriesPerPage = entriesPerPage();
        maxEntries = maxEntries();
        backpressure = backpressure();
        wakeup = wakeup();
        batchLimit = batchLimit();
        strictPinning = strictPinning();
        idleStrategyName = idleStrategyName();
        idleCyclesGiven = idleSpins != null || idleYields != null ||
            Configuration.text(Configuration.IDLE_SPINS_PROP) != null ||
            Configuration.text(Configuration.IDLE_YIELDS_PROP) != null;
        idleSpins = idleSpins();
        idleYields = idleYields();
        shutdownTimeout = shutdownTimeout();
        router = router();
        phaseRecording = phaseRecording();
        errorHandler = errorHandler();
        adaptive = adaptive();
        adaptiveProbe = adaptiveProbe();
        adaptiveMinSamples = adaptiveMinSamples();
        adaptivePeriod = adaptivePeriod();
        asyncOnVirtualThreads = isAsyncOnVirtualThreads();
        jmx = jmx();
        executor = executor();
        uringMaxInFlight = uringMaxInFlight();
        uringFsyncCoalescing = uringFsyncCoalescing();
        uringSimulateUnavailable = uringSimulateUnavailable();
        nowaitReads = nowaitReads();
        writeBehindBytes = writeBehindBytes();
        validate();
        concluded = true;
        return this;
    }

    private static CoreLayout parseLayout(final String text)
    {
        try
        {
            return CoreLayout.parse(text);
        }
        catch (final RuntimeException ex)
        {
            throw Configuration.malformed(Configuration.LAYOUT_PROP, text,
                "a core layout such as 'app=0 file=1' (" + ex.getMessage() + ")");
        }
    }

    private void validate()
    {
        check(spinLimit >= 0, "spinLimit (" + Configuration.SPIN_LIMIT_PROP + ") must be >= 0, got " + spinLimit);
        check(virtualSpinLimit >= 0 && virtualSpinLimit <= 100_000, "virtualSpinLimit must be in [0, 100000] so a " +
            "virtual thread never holds its carrier long, got " + virtualSpinLimit);
        check(virtualYieldLimit >= 0 && virtualYieldLimit <= 1_000_000, "virtualYieldLimit must be in [0, 1000000] " +
            "(yields before a virtual thread parks), got " + virtualYieldLimit);
        HandleRingDescriptor.checkCapacity(ringCapacity);
        check(batchLimit >= 1, "batchLimit (" + Configuration.BATCH_LIMIT_PROP + ") must be >= 1, got " + batchLimit);
        check(idleSpins >= 0, "idleSpins (" + Configuration.IDLE_SPINS_PROP + ") must be >= 0, got " + idleSpins);
        check(idleYields >= 0, "idleYields (" + Configuration.IDLE_YIELDS_PROP + ") must be >= 0, got " + idleYields);
        check(!shutdownTimeout.isNegative(), "shutdownTimeout must be >= 0, got " + shutdownTimeout);
        check(adaptiveProbe >= 2, "adaptive probe (" + Configuration.ADAPTIVE_PROBE_PROP + ") must be >= 2 " +
            "(1 call in N), got " + adaptiveProbe);
        check(adaptiveMinSamples >= 1, "adaptive minSamples (" + Configuration.ADAPTIVE_MIN_SAMPLES_PROP +
            ") must be >= 1, got " + adaptiveMinSamples);
        check(adaptivePeriod.isPositive(), "adaptive period (" + Configuration.ADAPTIVE_PERIOD_PROP +
            ") must be positive, got " + adaptivePeriod);
        check(uringMaxInFlight >= 1 && uringMaxInFlight <= IoUringExecutorOptions.MAX_IN_FLIGHT,
            "uringMaxInFlight (" + Configuration.URING_MAX_IN_FLIGHT_PROP + ") must be in [1, " +
            IoUringExecutorOptions.MAX_IN_FLIGHT + "] (io_uring requests in the kernel per server), got " +
            uringMaxInFlight);
        check(writeBehindBytes >= 0 && writeBehindBytes <= Configuration.WRITE_BEHIND_MAX_BYTES,
            "writeBehindBytes (" + Configuration.WRITE_BEHIND_BYTES_PROP + ") must be in [0, " +
            Configuration.WRITE_BEHIND_MAX_BYTES + "] (0 turns write-behind off), got " + writeBehindBytes);
        if (idleStrategy == null && !IDLE_NAMES.contains(idleStrategyName))
        {
            throw new IllegalArgumentException("unknown idle strategy '" + idleStrategyName + "' (" +
                Configuration.IDLE_STRATEGY_PROP + "): use reactor, busy, yield, backoff, sleep or noop");
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
                    e.getValue() + " has no servers; give it servers(...) or route to one of " + serverCpus.keySet());
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
        new EntryPool(entriesPerPage, maxEntries).close(); // validates both, with the pool's own messages
    }

    private static void check(final boolean ok, final String message)
    {
        if (!ok)
        {
            throw new IllegalArgumentException(message);
        }
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

    /**
     * Conclude this context and start a runtime with it.
     *
     * @return the running runtime.
     * @throws IllegalArgumentException if a setting is malformed or out of range; the message says which and what
     *                                  is allowed.
     * @throws IllegalStateException    if the context was concluded already, or the runtime failed to start (what
     *                                  it had started is closed again).
     */
    public OffloadRuntime build()
    {
        conclude();
        return OffloadRuntime.launch(this);
    }

    /**
     * @return whether {@link #conclude()} has run: the settings are final.
     */
    public boolean isConcluded()
    {
        return concluded;
    }

    private void checkNotConcluded()
    {
        if (concluded)
        {
            throw new IllegalStateException("the context is concluded (its runtime is built): settings no longer " +
                "change; make a new one with OffloadRuntime.builder()");
        }
    }

    private static <T> T requireNonNull(final T value, final String name)
    {
        if (value == null)
        {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    // ---------------------------------------------------------------------------------------------------- servers

    /**
     * Take the servers of each class, and the application CPUs that {@link OffloadRuntime#appThreads()} confines
     * threads to, from a core layout (GenerOS Table 1 style, e.g. {@code app=0 file=1}). It replaces the servers
     * of the classes it names; later {@link #servers} calls override it per class. {@link #conclude()} checks it
     * against this machine's topology: a CPU the machine lacks or has offline fails the build, a shared CPU is
     * logged as a warning.
     *
     * @param coreLayout the layout; {@code -Doffload.layout=...} gives one by system property.
     * @return this.
     */
    public OffloadContext layout(final CoreLayout coreLayout)
    {
        checkNotConcluded();
        requireNonNull(coreLayout, "layout");
        for (final SyscallClass syscallClass : coreLayout.serverClasses())
        {
            servers(syscallClass, coreLayout.serverCpus(syscallClass));
        }
        this.layout = coreLayout;
        return this;
    }

    /** @return the core layout given (or read from {@value Configuration#LAYOUT_PROP} at conclude), or null. */
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
    public OffloadContext servers(final SyscallClass syscallClass, final int... cpus)
    {
        checkNotConcluded();
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
    public OffloadContext unpinnedServers(final SyscallClass syscallClass, final int count)
    {
        if (count < 1)
        {
            throw new IllegalArgumentException("unpinnedServers count must be >= 1, got " + count);
        }
        final int[] cpus = new int[count];
        Arrays.fill(cpus, -1);
        return servers(syscallClass, cpus);
    }

    /** @return a copy of the CPUs of each class's servers (one unpinned FILE server once concluded, if none). */
    public Map<SyscallClass, int[]> serverCpus()
    {
        final Map<SyscallClass, int[]> copy = new EnumMap<>(SyscallClass.class);
        serverCpus.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /**
     * @param strictPinning fail the build if a server cannot be pinned; default false (warn, run unpinned).
     * @return this.
     */
    public OffloadContext strictPinning(final boolean strictPinning)
    {
        checkNotConcluded();
        this.strictPinning = strictPinning;
        return this;
    }

    /** @return whether pinning is strict ({@value Configuration#STRICT_PINNING_PROP}). */
    public boolean strictPinning()
    {
        return strictPinning != null ? strictPinning :
            Configuration.booleanValue(Configuration.STRICT_PINNING_PROP, Configuration.STRICT_PINNING_DEFAULT);
    }

    // ---------------------------------------------------------------------------------------------------- routing

    /**
     * Send the calls of class {@code from} to the servers of class {@code to}. A class with no servers and no
     * route goes to the first class given servers.
     *
     * @param from a class.
     * @param to   a class that has servers.
     * @return this.
     */
    public OffloadContext route(final SyscallClass from, final SyscallClass to)
    {
        checkNotConcluded();
        classRoutes.put(requireNonNull(from, "from"), requireNonNull(to, "to"));
        return this;
    }

    /**
     * Run these calls on the caller's thread, no hand-off (GenerOS: open/close lose to it).
     *
     * @param syscalls calls.
     * @return this.
     */
    public OffloadContext inline(final Syscall... syscalls)
    {
        checkNotConcluded();
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
    public OffloadContext inline(final SyscallClass syscallClass)
    {
        checkNotConcluded();
        requireNonNull(syscallClass, "syscallClass");
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
    public OffloadContext routeTable(final RouteTable table)
    {
        checkNotConcluded();
        inline.addAll(requireNonNull(table, "table").inline());
        return this;
    }

    /**
     * Offload these calls even if a route table or class made them INLINE.
     *
     * @param syscalls calls.
     * @return this.
     */
    public OffloadContext offload(final Syscall... syscalls)
    {
        checkNotConcluded();
        for (final Syscall syscall : syscalls)
        {
            offload.add(requireNonNull(syscall, "syscall"));
        }
        return this;
    }

    /**
     * @param router chooses among the servers of a class; default round-robin per caller.
     * @return this.
     */
    public OffloadContext router(final Router router)
    {
        checkNotConcluded();
        this.router = requireNonNull(router, "router");
        return this;
    }

    /** @return the router. */
    public Router router()
    {
        if (router == null)
        {
            router = new RoundRobinRouter(); // one instance whether read before or at conclude
        }
        return router;
    }

    /**
     * Adaptive routing: measure each call's direct and hand-off cost from phase recordings and move cheap calls
     * INLINE and back, by {@code rule}. Turns phase recording on (1 in {@code probe}) if it is off.
     *
     * @param on         whether to adapt; default off ({@value Configuration#ADAPTIVE_PROP}).
     * @param rule       when a call goes INLINE and when it comes back.
     * @param probe      one call in this many runs the other way to keep both figures current, {@code >= 2}.
     * @param minSamples calls recorded each way before a call's route may change, {@code >= 1}.
     * @param period     how often to decide.
     * @return this.
     */
    public OffloadContext adaptive(final boolean on, final InlineRule rule, final int probe, final long minSamples,
        final Duration period)
    {
        checkNotConcluded();
        if (probe < 2)
        {
            throw new IllegalArgumentException("adaptive probe must be >= 2 (1 call in N), got " + probe);
        }
        if (minSamples < 1)
        {
            throw new IllegalArgumentException("adaptive minSamples must be >= 1, got " + minSamples);
        }
        io.offload.servers.call.Timeouts.toNanos(period);
        this.adaptive = on;
        this.inlineRule = requireNonNull(rule, "rule");
        this.adaptiveProbe = probe;
        this.adaptiveMinSamples = minSamples;
        this.adaptivePeriod = period;
        return this;
    }

    /**
     * Adaptive routing with the default rule (25% hysteresis), probe 1/32, 200 samples, every 100 ms (or their
     * properties).
     *
     * @param on whether to adapt.
     * @return this.
     */
    public OffloadContext adaptive(final boolean on)
    {
        checkNotConcluded();
        this.adaptive = on;
        return this;
    }

    /** @return whether routing adapts ({@value Configuration#ADAPTIVE_PROP}). */
    public boolean adaptive()
    {
        return adaptive != null ? adaptive :
            Configuration.booleanValue(Configuration.ADAPTIVE_PROP, Configuration.ADAPTIVE_DEFAULT);
    }

    /** @return the adaptive rule. */
    public InlineRule inlineRule()
    {
        return inlineRule;
    }

    /** @return one call in this many runs the other way ({@value Configuration#ADAPTIVE_PROBE_PROP}). */
    public int adaptiveProbe()
    {
        return adaptiveProbe != null ? adaptiveProbe :
            Configuration.intValue(Configuration.ADAPTIVE_PROBE_PROP, Configuration.ADAPTIVE_PROBE_DEFAULT);
    }

    /** @return calls recorded each way before a route may change ({@value Configuration#ADAPTIVE_MIN_SAMPLES_PROP}). */
    public long adaptiveMinSamples()
    {
        return adaptiveMinSamples != null ? adaptiveMinSamples : Configuration.intValue(
            Configuration.ADAPTIVE_MIN_SAMPLES_PROP, Configuration.ADAPTIVE_MIN_SAMPLES_DEFAULT);
    }

    /** @return how often the tuner decides ({@value Configuration#ADAPTIVE_PERIOD_PROP}). */
    public Duration adaptivePeriod()
    {
        return adaptivePeriod != null ? adaptivePeriod : Duration.ofMillis(
            Configuration.intValue(Configuration.ADAPTIVE_PERIOD_PROP, Configuration.ADAPTIVE_PERIOD_MS_DEFAULT));
    }

    /**
     * @param syscallClass a call's class.
     * @return the class whose servers run it: its own if it has servers, else its route, else the first class
     *         given servers.
     */
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
     * @param syscall a call.
     * @return whether it starts INLINE.
     */
    boolean isInline(final Syscall syscall)
    {
        return inline.contains(syscall) && !offload.contains(syscall);
    }

    // ---------------------------------------------------------------------------------------------------- callers

    /**
     * @param waitStrategy how blocking platform-thread callers wait; default SPIN_THEN_PARK.
     * @return this.
     */
    public OffloadContext waitStrategy(final WaitStrategy waitStrategy)
    {
        checkNotConcluded();
        this.waitStrategy = requireNonNull(waitStrategy, "waitStrategy");
        return this;
    }

    /** @return the wait strategy ({@value Configuration#WAIT_STRATEGY_PROP}). */
    public WaitStrategy waitStrategy()
    {
        return waitStrategy != null ? waitStrategy : Configuration.enumValue(Configuration.WAIT_STRATEGY_PROP,
            WaitStrategy.class, Configuration.WAIT_STRATEGY_DEFAULT);
    }

    /**
     * @param spinLimit spins before a platform thread parks under SPIN_THEN_PARK; default 20,000.
     * @return this.
     */
    public OffloadContext spinLimit(final int spinLimit)
    {
        checkNotConcluded();
        this.spinLimit = spinLimit;
        return this;
    }

    /** @return spins before a platform thread parks ({@value Configuration#SPIN_LIMIT_PROP}). */
    public int spinLimit()
    {
        return spinLimit != null ? spinLimit :
            Configuration.intValue(Configuration.SPIN_LIMIT_PROP, Configuration.SPIN_LIMIT_DEFAULT);
    }

    /**
     * @param virtualSpinLimit spins before a virtual thread parks; default 200, at most 100,000.
     * @return this.
     */
    public OffloadContext virtualSpinLimit(final int virtualSpinLimit)
    {
        checkNotConcluded();
        this.virtualSpinLimit = virtualSpinLimit;
        return this;
    }

    /** @return spins before a virtual thread parks ({@value Configuration#VIRTUAL_SPIN_LIMIT_PROP}). */
    public int virtualSpinLimit()
    {
        return virtualSpinLimit != null ? virtualSpinLimit : Configuration.intValue(
            Configuration.VIRTUAL_SPIN_LIMIT_PROP, Configuration.VIRTUAL_SPIN_LIMIT_DEFAULT);
    }

    /**
     * After its spins, a virtual thread waiting for a call may yield its carrier (to the other virtual threads, or
     * straight back to itself if none is runnable) and check again, this many times, before it parks. A call that
     * completes within the yields is seen without a park and an unpark through the completion thread. Off by
     * default: yielding threads keep a carrier's queue full, and with many virtual threads per carrier the threads
     * woken from outside wait behind them. Worth it with few virtual threads per carrier; the measurements are in
     * {@code jmh-bench/README.md}, "Virtual threads that yield before they park".
     *
     * @param virtualYieldLimit yields before a virtual thread parks; default 0 (park after the spins), at most
     *                          1,000,000.
     * @return this.
     */
    public OffloadContext virtualYieldLimit(final int virtualYieldLimit)
    {
        checkNotConcluded();
        this.virtualYieldLimit = virtualYieldLimit;
        return this;
    }

    /** @return yields of its carrier before a virtual thread parks ({@value Configuration#VIRTUAL_YIELD_LIMIT_PROP}). */
    public int virtualYieldLimit()
    {
        return virtualYieldLimit != null ? virtualYieldLimit : Configuration.intValue(
            Configuration.VIRTUAL_YIELD_LIMIT_PROP, Configuration.VIRTUAL_YIELD_LIMIT_DEFAULT);
    }

    /**
     * @param backpressure what a caller does when the pool or a ring is full; default WAIT.
     * @return this.
     */
    public OffloadContext backpressure(final BackpressurePolicy backpressure)
    {
        checkNotConcluded();
        this.backpressure = requireNonNull(backpressure, "backpressure");
        return this;
    }

    /** @return the back-pressure policy ({@value Configuration#BACKPRESSURE_PROP}). */
    public BackpressurePolicy backpressure()
    {
        return backpressure != null ? backpressure : Configuration.enumValue(Configuration.BACKPRESSURE_PROP,
            BackpressurePolicy.class, Configuration.BACKPRESSURE_DEFAULT);
    }

    /**
     * @param wakeup how servers wake virtual threads parked on their calls; default
     *               {@link WakeupPolicy#DIRECT_WHEN_UNPINNED}.
     * @return this.
     */
    public OffloadContext wakeup(final WakeupPolicy wakeup)
    {
        checkNotConcluded();
        this.wakeup = requireNonNull(wakeup, "wakeup");
        return this;
    }

    /** @return how servers wake parked virtual threads ({@value Configuration#WAKEUP_PROP}). */
    public WakeupPolicy wakeup()
    {
        return wakeup != null ? wakeup : Configuration.enumValue(Configuration.WAKEUP_PROP, WakeupPolicy.class,
            Configuration.WAKEUP_DEFAULT);
    }

    /**
     * Complete the futures of {@link OffloadRuntime#async()} on this executor instead of the runtime's one
     * completion thread, so that their non-async dependent stages ({@code thenApply}, {@code thenRun}, ...) run
     * there and a stage that blocks cannot delay other completions or the wake-up of virtual threads waiting on
     * blocking calls. The runtime does not shut it down. A completion it rejects runs on the completion thread, so
     * none is lost.
     *
     * @param executor e.g. {@code Executors.newVirtualThreadPerTaskExecutor()}; null for the completion thread.
     * @return this.
     */
    public OffloadContext asyncExecutor(final Executor executor)
    {
        checkNotConcluded();
        this.asyncExecutor = executor;
        this.asyncOnVirtualThreads = false;
        return this;
    }

    /** @return the executor given for async completions, or null (completion thread, or owned virtual threads). */
    public Executor asyncExecutor()
    {
        return asyncExecutor;
    }

    /**
     * Complete async futures on a virtual thread each, from an executor the runtime owns and shuts down on close
     * ({@code -Doffload.async.executor=virtual}).
     *
     * @return this.
     */
    public OffloadContext asyncOnVirtualThreads()
    {
        checkNotConcluded();
        this.asyncExecutor = null;
        this.asyncOnVirtualThreads = true;
        return this;
    }

    /** @return whether async futures complete on virtual threads the runtime owns. */
    public boolean isAsyncOnVirtualThreads()
    {
        return asyncOnVirtualThreads != null ? asyncOnVirtualThreads :
            asyncExecutor == null && Configuration.asyncOnVirtualThreads();
    }

    // ---------------------------------------------------------------------------------------------------- sizes

    /**
     * @param ringCapacity capacity of each server's ring, a power of two; default 1,024.
     * @return this.
     */
    public OffloadContext ringCapacity(final int ringCapacity)
    {
        checkNotConcluded();
        this.ringCapacity = ringCapacity;
        return this;
    }

    /** @return ring capacity ({@value Configuration#RING_CAPACITY_PROP}). */
    public int ringCapacity()
    {
        return ringCapacity != null ? ringCapacity :
            Configuration.intValue(Configuration.RING_CAPACITY_PROP, Configuration.RING_CAPACITY_DEFAULT);
    }

    /**
     * @param entriesPerPage entries per pool page, a power of two; default 1,024.
     * @return this.
     */
    public OffloadContext entriesPerPage(final int entriesPerPage)
    {
        checkNotConcluded();
        this.entriesPerPage = entriesPerPage;
        return this;
    }

    /** @return entries per page ({@value Configuration#ENTRIES_PER_PAGE_PROP}). */
    public int entriesPerPage()
    {
        return entriesPerPage != null ? entriesPerPage :
            Configuration.intValue(Configuration.ENTRIES_PER_PAGE_PROP, Configuration.ENTRIES_PER_PAGE_DEFAULT);
    }

    /**
     * @param maxEntries bound on calls in flight, a multiple of entriesPerPage; default 131,072.
     * @return this.
     */
    public OffloadContext maxEntries(final int maxEntries)
    {
        checkNotConcluded();
        this.maxEntries = maxEntries;
        return this;
    }

    /** @return the pool's bound ({@value Configuration#MAX_ENTRIES_PROP}). */
    public int maxEntries()
    {
        return maxEntries != null ? maxEntries :
            Configuration.intValue(Configuration.MAX_ENTRIES_PROP, Configuration.MAX_ENTRIES_DEFAULT);
    }

    /**
     * @param batchLimit most entries a server takes per drain; default 64.
     * @return this.
     */
    public OffloadContext batchLimit(final int batchLimit)
    {
        checkNotConcluded();
        this.batchLimit = batchLimit;
        return this;
    }

    /** @return the drain limit ({@value Configuration#BATCH_LIMIT_PROP}). */
    public int batchLimit()
    {
        return batchLimit != null ? batchLimit :
            Configuration.intValue(Configuration.BATCH_LIMIT_PROP, Configuration.BATCH_LIMIT_DEFAULT);
    }

    // ---------------------------------------------------------------------------------------------------- servers idle

    /**
     * @param idleStrategy makes one idle strategy per server, instead of a named one.
     * @return this.
     */
    public OffloadContext idleStrategy(final Supplier<? extends IdleStrategy> idleStrategy)
    {
        checkNotConcluded();
        this.idleStrategy = requireNonNull(idleStrategy, "idleStrategy");
        return this;
    }

    /**
     * @param name reactor (the default: spin {@link #idleSpins}, yield {@link #idleYields}, then sleep in the
     *             server's epoll_wait until woken by a submission), busy (never sleeps: the lowest latency, for a
     *             core reserved to the server), yield, backoff (Agrona's, parks up to 100 us), sleep (50 us) or noop.
     * @return this.
     */
    public OffloadContext idleStrategy(final String name)
    {
        checkNotConcluded();
        this.idleStrategyName = requireNonNull(name, "name").trim().toLowerCase(Locale.ROOT);
        this.idleStrategy = null;
        return this;
    }

    /** @return the named idle strategy ({@value Configuration#IDLE_STRATEGY_PROP}), unless a supplier was given. */
    public String idleStrategyName()
    {
        if (idleStrategyName != null)
        {
            return idleStrategyName;
        }
        final String value = Configuration.text(Configuration.IDLE_STRATEGY_PROP);
        return value == null ? Configuration.IDLE_STRATEGY_DEFAULT : value.toLowerCase(Locale.ROOT);
    }

    /** @return the idle strategy supplier given, or null for the named one. */
    public Supplier<? extends IdleStrategy> idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * @param idleSpins spins of the reactor idle strategy before it yields; default 2,000 for a pinned server and
     *                  none for an unpinned one (unless spins or yields are set: then for both).
     * @return this.
     */
    public OffloadContext idleSpins(final int idleSpins)
    {
        checkNotConcluded();
        this.idleSpins = idleSpins;
        return this;
    }

    /** @return spins of the reactor idle strategy ({@value Configuration#IDLE_SPINS_PROP}). */
    public int idleSpins()
    {
        return idleSpins != null ? idleSpins :
            Configuration.intValue(Configuration.IDLE_SPINS_PROP, Configuration.IDLE_SPINS_DEFAULT);
    }

    /**
     * @param pinned whether the server is pinned to a CPU.
     * @return spins of the reactor idle strategy for such a server: {@link #idleSpins()} for a pinned one, or for
     *         any when spins or yields were set; otherwise none for an unpinned one
     *         ({@value Configuration#IDLE_CYCLES_UNPINNED_DEFAULT}, see
     *         {@link Configuration#IDLE_CYCLES_UNPINNED_DEFAULT}).
     */
    public int idleSpins(final boolean pinned)
    {
        return pinned || idleCyclesGiven ? idleSpins() : Configuration.IDLE_CYCLES_UNPINNED_DEFAULT;
    }

    /**
     * @param pinned whether the server is pinned to a CPU.
     * @return yields of the reactor idle strategy for such a server, by the rule of {@link #idleSpins(boolean)}.
     */
    public int idleYields(final boolean pinned)
    {
        return pinned || idleCyclesGiven ? idleYields() : Configuration.IDLE_CYCLES_UNPINNED_DEFAULT;
    }

    /**
     * @param idleYields yields of the reactor idle strategy before it sleeps in epoll_wait; default 50.
     * @return this.
     */
    public OffloadContext idleYields(final int idleYields)
    {
        checkNotConcluded();
        this.idleYields = idleYields;
        return this;
    }

    /** @return yields of the reactor idle strategy ({@value Configuration#IDLE_YIELDS_PROP}). */
    public int idleYields()
    {
        return idleYields != null ? idleYields :
            Configuration.intValue(Configuration.IDLE_YIELDS_PROP, Configuration.IDLE_YIELDS_DEFAULT);
    }

    // ---------------------------------------------------------------------------------------------------- the rest

    /**
     * @param timeout how long close() waits for calls in flight; default 5 s.
     * @return this.
     */
    public OffloadContext shutdownTimeout(final Duration timeout)
    {
        checkNotConcluded();
        this.shutdownTimeout = requireNonNull(timeout, "timeout");
        return this;
    }

    /** @return how long close() waits for calls in flight ({@value Configuration#SHUTDOWN_TIMEOUT_PROP}). */
    public Duration shutdownTimeout()
    {
        return shutdownTimeout != null ? shutdownTimeout : Duration.ofMillis(
            Configuration.intValue(Configuration.SHUTDOWN_TIMEOUT_PROP, Configuration.SHUTDOWN_TIMEOUT_MS_DEFAULT));
    }

    /**
     * @param phaseRecording which calls get their five phases timed; default off. Switchable later with
     *                       {@link OffloadRuntime#phaseRecording(PhaseRecording)}.
     * @return this.
     */
    public OffloadContext phaseRecording(final PhaseRecording phaseRecording)
    {
        checkNotConcluded();
        this.phaseRecording = requireNonNull(phaseRecording, "phaseRecording");
        return this;
    }

    /** @return the initial phase recording ({@value Configuration#PHASES_PROP}). */
    public PhaseRecording phaseRecording()
    {
        return phaseRecording != null ? phaseRecording : Configuration.phases();
    }

    /**
     * @param errorHandler receives exceptions from the runtime's threads; default logs them.
     * @return this.
     */
    public OffloadContext errorHandler(final ErrorHandler errorHandler)
    {
        checkNotConcluded();
        this.errorHandler = requireNonNull(errorHandler, "errorHandler");
        return this;
    }

    /** @return the error handler. */
    public ErrorHandler errorHandler()
    {
        return errorHandler != null ? errorHandler : ex -> LOG.error("offload server error", ex);
    }

    /**
     * @param on register the runtime's JMX MBeans while it runs; default true.
     * @return this.
     */
    public OffloadContext jmx(final boolean on)
    {
        checkNotConcluded();
        this.jmx = on;
        return this;
    }

    /** @return whether the runtime registers JMX MBeans ({@value Configuration#JMX_PROP}). */
    public boolean jmx()
    {
        return jmx != null ? jmx : Configuration.booleanValue(Configuration.JMX_PROP, Configuration.JMX_DEFAULT);
    }

    // ---------------------------------------------------------------------------------------------------- executor

    /**
     * Which executor runs each server's calls, decided once when the runtime is built and logged with its reason
     * (also in each server's {@link io.offload.api.ServerStats#executor()} and
     * {@link io.offload.api.ServerStats#executorReason()}).
     *
     * @param kind AUTO (the default: io_uring where the kernel allows it here, else system calls), IO_URING
     *             (io_uring, or {@link #build()} fails saying why) or SYSCALLS (one blocking system call at a time
     *             on each server thread).
     * @return this.
     */
    public OffloadContext executor(final ExecutorChoice.Kind kind)
    {
        checkNotConcluded();
        this.executor = requireNonNull(kind, "executor");
        return this;
    }

    /** @return the executor setting ({@value Configuration#EXECUTOR_PROP}). */
    public ExecutorChoice.Kind executor()
    {
        return executor != null ? executor : Configuration.executorKind();
    }

    /**
     * @param maxInFlight io_uring requests in the kernel per server, 1 to
     *                    {@link IoUringExecutorOptions#MAX_IN_FLIGHT}; default 256. More calls wait in the server.
     * @return this.
     */
    public OffloadContext uringMaxInFlight(final int maxInFlight)
    {
        checkNotConcluded();
        this.uringMaxInFlight = maxInFlight;
        return this;
    }

    /** @return io_uring requests in the kernel per server ({@value Configuration#URING_MAX_IN_FLIGHT_PROP}). */
    public int uringMaxInFlight()
    {
        return uringMaxInFlight != null ? uringMaxInFlight : Configuration.intValue(
            Configuration.URING_MAX_IN_FLIGHT_PROP, Configuration.URING_MAX_IN_FLIGHT_DEFAULT);
    }

    /**
     * @param on on the io_uring executor, answer the fsync/fdatasync calls of one fd that wait together with one
     *           sync issued after all of them arrived; default false.
     * @return this.
     */
    public OffloadContext uringFsyncCoalescing(final boolean on)
    {
        checkNotConcluded();
        this.uringFsyncCoalescing = on;
        return this;
    }

    /** @return whether fsync coalescing is on ({@value Configuration#URING_FSYNC_COALESCING_PROP}). */
    public boolean uringFsyncCoalescing()
    {
        return uringFsyncCoalescing != null ? uringFsyncCoalescing : Configuration.booleanValue(
            Configuration.URING_FSYNC_COALESCING_PROP, Configuration.URING_FSYNC_COALESCING_DEFAULT);
    }

    /**
     * For tests of the fallback: make the io_uring availability check answer "refused" without asking the kernel,
     * so that AUTO runs on system calls and IO_URING fails the build.
     *
     * @param on simulate a kernel that refuses io_uring; default false.
     * @return this.
     */
    public OffloadContext uringSimulateUnavailable(final boolean on)
    {
        checkNotConcluded();
        this.uringSimulateUnavailable = on;
        return this;
    }

    /** @return whether io_uring is reported refused on purpose ({@value Configuration#URING_SIMULATE_UNAVAILABLE_PROP}). */
    public boolean uringSimulateUnavailable()
    {
        return uringSimulateUnavailable != null ? uringSimulateUnavailable : Configuration.booleanValue(
            Configuration.URING_SIMULATE_UNAVAILABLE_PROP, Configuration.URING_SIMULATE_UNAVAILABLE_DEFAULT);
    }

    /**
     * The caller's fast path for file reads: {@code read} and {@code pread} routed to servers first try
     * {@code preadv2(..., RWF_NOWAIT)} on the calling thread. Data in the page cache comes back at once, with no
     * hand-off; EAGAIN (not cached) or any refusal sends the call to its server as before. Counted in
     * {@link io.offload.api.RuntimeStats#nowaitHits()} and {@link io.offload.api.RuntimeStats#nowaitMisses()}. Not
     * tried under {@link #adaptive(boolean) adaptive routing}, whose tuner routes reads by what it measures.
     *
     * @param on try the fast path; default true.
     * @return this.
     */
    public OffloadContext nowaitReads(final boolean on)
    {
        checkNotConcluded();
        this.nowaitReads = on;
        return this;
    }

    /** @return whether reads try RWF_NOWAIT on the caller first ({@value Configuration#NOWAIT_READS_PROP}). */
    public boolean nowaitReads()
    {
        return nowaitReads != null ? nowaitReads :
            Configuration.booleanValue(Configuration.NOWAIT_READS_PROP, Configuration.NOWAIT_READS_DEFAULT);
    }

    /**
     * Write-behind for sockets: a {@link io.offload.api.Connection#write} of up to this many bytes returns once its
     * bytes are copied into runtime memory, and the socket's server sends them, as the kernel's send buffer lets a
     * write return before its bytes leave. A request/response connection then waits once per request (in its
     * read) instead of twice. One send is in flight per socket at a time, so bytes keep their order: a later
     * write, sendfile, shutdown or close waits for it first. A send that fails after its write returned fails the
     * socket's next write, sendfile, shutdown or close. Only where sockets go to servers; not with INLINE.
     *
     * @param bytes the largest write taken this way, 0 to {@value Configuration#WRITE_BEHIND_MAX_BYTES}; 0 turns it
     *              off; default {@value Configuration#WRITE_BEHIND_BYTES_DEFAULT}.
     * @return this.
     */
    public OffloadContext writeBehindBytes(final int bytes)
    {
        checkNotConcluded();
        this.writeBehindBytes = bytes;
        return this;
    }

    /** @return the largest socket write taken by write-behind, 0 if off ({@value Configuration#WRITE_BEHIND_BYTES_PROP}). */
    public int writeBehindBytes()
    {
        return writeBehindBytes != null ? writeBehindBytes :
            Configuration.intValue(Configuration.WRITE_BEHIND_BYTES_PROP, Configuration.WRITE_BEHIND_BYTES_DEFAULT);
    }

    /**
     * For tests: told each start step's name before it runs; what it throws fails the start there.
     */
    OffloadContext startObserver(final OffloadRuntime.StartObserver observer)
    {
        checkNotConcluded();
        this.startObserver = observer;
        return this;
    }

    OffloadRuntime.StartObserver startObserver()
    {
        return startObserver;
    }

    @Override
    public String toString()
    {
        return "OffloadContext[servers=" + describe(serverCpus) + ", routes=" + classRoutes + ", inline=" + inline +
            ", wait=" + waitStrategy + ", ring=" + ringCapacity + ", maxEntries=" + maxEntries +
            ", executor=" + executor + ", nowaitReads=" + nowaitReads +
            ", writeBehindBytes=" + writeBehindBytes +
            (concluded ? "" : ", not concluded") + "]";
    }

    private static String describe(final Map<SyscallClass, int[]> cpus)
    {
        final StringBuilder out = new StringBuilder("{");
        cpus.forEach((k, v) -> out.append(out.length() > 1 ? ", " : "").append(k).append('=')
            .append(Arrays.toString(v)));
        return out.append('}').toString();
    }
}
