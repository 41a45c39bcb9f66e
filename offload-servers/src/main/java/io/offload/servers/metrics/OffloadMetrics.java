package io.offload.servers.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.offload.api.CallStats;
import io.offload.api.Phase;
import io.offload.api.PhaseStats;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import io.offload.api.Syscall;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A Micrometer {@link MeterBinder} for one runtime, built only from its {@code stats()} snapshots:
 * <pre>
 *   new OffloadMetrics(runtime::stats).bindTo(registry);
 * </pre>
 * <table>
 *   <caption>Meters (tags besides the binder's own)</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>from</th></tr>
 *   <tr><td>offload.server.calls.picked.up</td><td>function counter</td><td>server, class</td>
 *       <td>{@link ServerStats#pickedUp()}</td></tr>
 *   <tr><td>offload.server.calls.completed / .failed / .cancelled</td><td>function counters</td><td>server, class</td>
 *       <td>completed, failed, cancelled</td></tr>
 *   <tr><td>offload.server.batches / offload.server.errors</td><td>function counters</td><td>server, class</td>
 *       <td>batches, errors</td></tr>
 *   <tr><td>offload.server.waiting / offload.server.ring.depth / offload.server.batch.max</td><td>gauges</td>
 *       <td>server, class</td><td>waiting, queueDepth, maxBatch</td></tr>
 *   <tr><td>offload.server.running</td><td>gauge (1 or 0)</td><td>server, class</td><td>running</td></tr>
 *   <tr><td>offload.entries.in.use / .allocated / .max</td><td>gauges</td><td></td><td>the entry pool</td></tr>
 *   <tr><td>offload.calls.rejected / offload.calls.inline</td><td>function counters</td><td></td>
 *       <td>back-pressure refusals, INLINE calls</td></tr>
 *   <tr><td>offload.calls.nowait.hits / offload.calls.nowait.misses</td><td>function counters</td><td></td>
 *       <td>FILE reads answered on the caller by RWF_NOWAIT, and those that went on to a server</td></tr>
 *   <tr><td>offload.call.phase</td><td>function timer (count, total)</td><td>syscall, phase, path</td>
 *       <td>{@link PhaseStats#count()}, mean x count</td></tr>
 *   <tr><td>offload.call.phase.percentile</td><td>time gauge</td><td>syscall, phase, path, percentile</td>
 *       <td>p50, p90, p99, p999</td></tr>
 *   <tr><td>offload.call.phase.max</td><td>time gauge</td><td>syscall, phase, path</td><td>max</td></tr>
 * </table>
 * {@code path} is {@code offloaded} (the five phases and TOTAL of calls run on a server) or {@code inline} (TOTAL
 * of calls run on the caller); the phase meters exist only while {@linkplain io.offload.api.PhaseRecording phase
 * recording} is on, and only for calls recorded at least once.
 * <p>
 * One snapshot serves every meter read within {@code maxAge} (1 s by default), so a scrape of all the meters costs
 * one {@code stats()} call. Servers and calls present in the snapshot when {@link #bindTo} runs get their meters
 * then; calls recorded for the first time later get theirs on {@link #refresh()}: call it after switching phase
 * recording on, or from a scheduled task. The phase figures are cumulative since the recording started or was last
 * reset ({@code runtime.resetPhases()}); a reset lowers the timers' counts, which registries that compute rates
 * treat as a counter reset.
 * <p>
 * Thread safety: meters may be read from any thread; {@link #bindTo} and {@link #refresh()} are serialised on the
 * binder. The binder holds no thread and no native memory; the registry keeps it reachable through its gauges.
 */
public final class OffloadMetrics implements MeterBinder
{
    /** The percentiles of {@link PhaseStats}, as the {@code percentile} tag writes them. */
    private static final String[] PERCENTILES = {"0.5", "0.9", "0.99", "0.999"};
    /** Their values, in the same order. */
    private static final List<ToDoubleFunction<PhaseStats>> PERCENTILE_VALUES =
        List.of(PhaseStats::p50, PhaseStats::p90, PhaseStats::p99, PhaseStats::p999);

    private final Supplier<RuntimeStats> stats;
    private final Tags tags;
    private final long maxAgeNanos;
    private final List<MeterRegistry> registries = new ArrayList<>();
    private final Set<String> boundServers = new HashSet<>();
    private final Set<String> boundCalls = new HashSet<>();

    private volatile Snapshot snapshot;

    /**
     * @param stats where the snapshots come from, e.g. {@code runtime::stats}.
     */
    public OffloadMetrics(final Supplier<RuntimeStats> stats)
    {
        this(stats, Tags.empty(), Duration.ofSeconds(1));
    }

    /**
     * @param stats  where the snapshots come from, e.g. {@code runtime::stats}.
     * @param tags   tags on every meter, e.g. {@code Tags.of("runtime", "io")} to tell two runtimes apart.
     * @param maxAge how long one snapshot serves meter reads, {@code >= 0} (0: every read takes a new one).
     */
    public OffloadMetrics(final Supplier<RuntimeStats> stats, final Iterable<Tag> tags, final Duration maxAge)
    {
        if (stats == null)
        {
            throw new IllegalArgumentException("stats must not be null: pass runtime::stats");
        }
        if (tags == null)
        {
            throw new IllegalArgumentException("tags must not be null: pass Tags.empty()");
        }
        if (maxAge == null || maxAge.isNegative())
        {
            throw new IllegalArgumentException("maxAge must be a duration >= 0 (e.g. Duration.ofSeconds(1)), got " +
                maxAge);
        }
        this.stats = stats;
        this.tags = Tags.of(tags);
        this.maxAgeNanos = maxAge.toNanos();
    }

    @Override
    public synchronized void bindTo(final MeterRegistry registry)
    {
        if (registry == null)
        {
            throw new IllegalArgumentException("registry must not be null");
        }
        if (registries.contains(registry))
        {
            return;
        }
        registries.add(registry);
        bindRuntime(registry);
        final Snapshot now = fresh();
        for (final ServerStats server : now.stats.servers())
        {
            bindServer(registry, server);
        }
        for (final CallStats call : now.stats.calls())
        {
            bindCall(registry, call);
        }
        boundServers.addAll(now.servers.keySet());
        boundCalls.addAll(now.callKeys());
    }

    /**
     * Register meters for the servers and calls that appeared since the binder was bound (a call appears once it
     * has been recorded). Safe to call often; does nothing when nothing is new.
     *
     * @return how many servers and calls got meters.
     */
    public synchronized int refresh()
    {
        final Snapshot now = fresh();
        int added = 0;
        for (final ServerStats server : now.stats.servers())
        {
            if (boundServers.add(server.name()))
            {
                registries.forEach(registry -> bindServer(registry, server));
                added++;
            }
        }
        for (final CallStats call : now.stats.calls())
        {
            boolean any = false;
            for (final String key : Snapshot.keys(call))
            {
                any |= boundCalls.add(key);
            }
            if (any)
            {
                registries.forEach(registry -> bindCall(registry, call));
                added++;
            }
        }
        return added;
    }

    private void bindRuntime(final MeterRegistry registry)
    {
        // strong references: they keep this binder reachable, and through it every function meter below, whose
        // registry entries hold only weak references
        Gauge.builder("offload.entries.in.use", this, m -> m.current().stats.entriesInUse()).strongReference(true)
            .tags(tags).description("syscall entries claimed by calls in flight").register(registry);
        Gauge.builder("offload.entries.allocated", this, m -> m.current().stats.entriesAllocated())
            .strongReference(true).tags(tags).description("syscall entries the pool has allocated").register(registry);
        Gauge.builder("offload.entries.max", this, m -> m.current().stats.maxEntries()).strongReference(true)
            .tags(tags).description("the entry pool's bound").register(registry);
        FunctionCounter.builder("offload.calls.rejected", this, m -> m.current().stats.rejected()).tags(tags)
            .description("calls refused by the back-pressure policy").register(registry);
        FunctionCounter.builder("offload.calls.inline", this, m -> m.current().stats.inlineCalls()).tags(tags)
            .description("calls run on the caller's thread (INLINE route)").register(registry);
        FunctionCounter.builder("offload.calls.nowait.hits", this, m -> m.current().stats.nowaitHits()).tags(tags)
            .description("FILE reads answered on the caller's thread by RWF_NOWAIT (page cache)").register(registry);
        FunctionCounter.builder("offload.calls.nowait.misses", this, m -> m.current().stats.nowaitMisses())
            .tags(tags).description("FILE reads that tried RWF_NOWAIT on the caller and went to a server")
            .register(registry);
    }

    private void bindServer(final MeterRegistry registry, final ServerStats server)
    {
        final String name = server.name();
        final Tags serverTags = tags.and("server", name, "class", server.syscallClass().name());
        counter(registry, "offload.server.calls.picked.up", serverTags, name, ServerStats::pickedUp,
            "entries the server took from its ring");
        counter(registry, "offload.server.calls.completed", serverTags, name, ServerStats::completed,
            "calls completed with a result >= 0");
        counter(registry, "offload.server.calls.failed", serverTags, name, ServerStats::failed,
            "calls completed with -errno");
        counter(registry, "offload.server.calls.cancelled", serverTags, name, ServerStats::cancelled,
            "calls found cancelled or timed out before they ran");
        counter(registry, "offload.server.batches", serverTags, name, ServerStats::batches,
            "non-empty drains of the server's ring");
        counter(registry, "offload.server.errors", serverTags, name, ServerStats::errors,
            "exceptions caught on the server");
        gauge(registry, "offload.server.waiting", serverTags, name, ServerStats::waiting,
            "calls in the server's wait queue (waiting for a socket)");
        gauge(registry, "offload.server.ring.depth", serverTags, name, ServerStats::queueDepth,
            "entries waiting on the server's ring");
        gauge(registry, "offload.server.batch.max", serverTags, name, ServerStats::maxBatch,
            "the largest drain so far");
        gauge(registry, "offload.server.running", serverTags, name, s -> s.running() ? 1 : 0,
            "1 while the server's thread is alive");
    }

    private void counter(
        final MeterRegistry registry, final String meter, final Tags serverTags, final String server,
        final ToDoubleFunction<ServerStats> value, final String description)
    {
        FunctionCounter.builder(meter, this, m -> serverValue(m.current(), server, value)).tags(serverTags)
            .description(description).register(registry);
    }

    private void gauge(
        final MeterRegistry registry, final String meter, final Tags serverTags, final String server,
        final ToDoubleFunction<ServerStats> value, final String description)
    {
        Gauge.builder(meter, this, m -> serverValue(m.current(), server, value)).strongReference(true)
            .tags(serverTags).description(description).register(registry);
    }

    private static double serverValue(
        final Snapshot snapshot, final String server, final ToDoubleFunction<ServerStats> value)
    {
        final ServerStats stats = snapshot.servers.get(server);
        return stats == null ? Double.NaN : value.applyAsDouble(stats);
    }

    private void bindCall(final MeterRegistry registry, final CallStats call)
    {
        final Syscall syscall = call.syscall();
        for (final Phase phase : Phase.values())
        {
            bindPhase(registry, syscall, phase, Snapshot.OFFLOADED);
        }
        if (call.direct() != null)
        {
            bindPhase(registry, syscall, Phase.TOTAL, Snapshot.INLINE);
        }
    }

    private void bindPhase(final MeterRegistry registry, final Syscall syscall, final Phase phase, final String path)
    {
        // a meter registered again under the same name and tags is the one already there (refresh after a call
        // gained its inline figures re-binds its offloaded ones): Micrometer returns the existing meter
        final String key = Snapshot.key(syscall, phase, path);
        final Tags phaseTags = tags.and("syscall", syscall.cName(), "phase", phase.name(), "path", path);
        FunctionTimer.builder("offload.call.phase", this,
                m -> count(m.current().phase(key)),
                m -> totalNanos(m.current().phase(key)), TimeUnit.NANOSECONDS)
            .tags(phaseTags).description("recorded calls and their time in this phase").register(registry);
        for (int i = 0; i < PERCENTILES.length; i++)
        {
            final ToDoubleFunction<PhaseStats> percentile = PERCENTILE_VALUES.get(i);
            TimeGauge.builder("offload.call.phase.percentile", this, TimeUnit.NANOSECONDS,
                    m -> value(m.current().phase(key), percentile))
                .strongReference(true).tags(phaseTags.and("percentile", PERCENTILES[i]))
                .description("a percentile of this phase's time, since recording started").register(registry);
        }
        TimeGauge.builder("offload.call.phase.max", this, TimeUnit.NANOSECONDS,
                m -> value(m.current().phase(key), PhaseStats::max))
            .strongReference(true).tags(phaseTags).description("the longest time in this phase").register(registry);
    }

    private static long count(final PhaseStats phase)
    {
        return phase == null ? 0 : phase.count();
    }

    private static double totalNanos(final PhaseStats phase)
    {
        return phase == null ? 0 : phase.mean() * phase.count();
    }

    private static double value(final PhaseStats phase, final ToDoubleFunction<PhaseStats> value)
    {
        return phase == null || phase.count() == 0 ? Double.NaN : value.applyAsDouble(phase);
    }

    /**
     * @return the snapshot meters read now: the last one if younger than maxAge, else a new one.
     */
    Snapshot current()
    {
        final Snapshot last = snapshot;
        if (last != null && System.nanoTime() - last.takenNanos < maxAgeNanos)
        {
            return last;
        }
        return fresh();
    }

    private Snapshot fresh()
    {
        final Snapshot now = new Snapshot(stats.get(), System.nanoTime());
        snapshot = now;
        return now;
    }

    /** One stats() snapshot, indexed for the meters' lookups. */
    static final class Snapshot
    {
        static final String OFFLOADED = "offloaded";
        static final String INLINE = "inline";

        final RuntimeStats stats;
        final long takenNanos;
        final Map<String, ServerStats> servers = new HashMap<>();
        final Map<String, PhaseStats> phases = new HashMap<>();

        Snapshot(final RuntimeStats stats, final long takenNanos)
        {
            if (stats == null)
            {
                throw new IllegalStateException("the stats supplier returned null: it must return runtime.stats()");
            }
            this.stats = stats;
            this.takenNanos = takenNanos;
            for (final ServerStats server : stats.servers())
            {
                servers.put(server.name(), server);
            }
            for (final CallStats call : stats.calls())
            {
                for (final Phase phase : Phase.values())
                {
                    phases.put(key(call.syscall(), phase, OFFLOADED), call.phase(phase));
                }
                if (call.direct() != null)
                {
                    phases.put(key(call.syscall(), Phase.TOTAL, INLINE), call.direct());
                }
            }
        }

        PhaseStats phase(final String key)
        {
            return phases.get(key);
        }

        Set<String> callKeys()
        {
            return phases.keySet();
        }

        static List<String> keys(final CallStats call)
        {
            final List<String> out = new ArrayList<>();
            for (final Phase phase : Phase.values())
            {
                out.add(key(call.syscall(), phase, OFFLOADED));
            }
            if (call.direct() != null)
            {
                out.add(key(call.syscall(), Phase.TOTAL, INLINE));
            }
            return out;
        }

        static String key(final Syscall syscall, final Phase phase, final String path)
        {
            return syscall.name() + '/' + phase.name() + '/' + path;
        }
    }
}
