package io.offload.servers.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.offload.api.CallStats;
import io.offload.api.Phase;
import io.offload.api.PhaseRecording;
import io.offload.api.PhaseStats;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.WaitStrategy;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Micrometer binder against a {@link SimpleMeterRegistry}: exact figures from made-up snapshots, then a live
 * runtime's.
 */
class OffloadMetricsTest
{
    @Test
    void everyMeterReadsItsFigureFromTheSnapshot()
    {
        final AtomicReference<RuntimeStats> stats = new AtomicReference<>(snapshot(10, 7, List.of()));
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final OffloadMetrics metrics = new OffloadMetrics(stats::get, Tags.of("runtime", "test"), Duration.ZERO);
        metrics.bindTo(registry);

        assertEquals(10, counter(registry, "offload.server.calls.picked.up"));
        assertEquals(7, counter(registry, "offload.server.calls.completed"));
        assertEquals(2, counter(registry, "offload.server.calls.failed"));
        assertEquals(1, counter(registry, "offload.server.calls.cancelled"));
        assertEquals(4, counter(registry, "offload.server.batches"));
        assertEquals(0, counter(registry, "offload.server.errors"));
        assertEquals(3, gauge(registry, "offload.server.waiting"));
        assertEquals(5, gauge(registry, "offload.server.ring.depth"));
        assertEquals(6, gauge(registry, "offload.server.batch.max"));
        assertEquals(1, gauge(registry, "offload.server.running"));
        assertEquals(12, registry.get("offload.entries.in.use").gauge().value());
        assertEquals(64, registry.get("offload.entries.allocated").gauge().value());
        assertEquals(1024, registry.get("offload.entries.max").gauge().value());
        assertEquals(8, registry.get("offload.calls.rejected").functionCounter().count());
        assertEquals(9, registry.get("offload.calls.inline").functionCounter().count());
        assertEquals("test", registry.get("offload.server.waiting").gauge().getId().getTag("runtime"));
        assertEquals("FILE", registry.get("offload.server.waiting").gauge().getId().getTag("class"));
        assertNull(registry.find("offload.call.phase").functionTimer(), "no phases recorded yet");

        // the figures move with the snapshots; a call recorded for the first time gets meters on refresh
        stats.set(snapshot(20, 15, List.of(call(Syscall.PREAD, 100, 2_000, true))));
        assertEquals(20, counter(registry, "offload.server.calls.picked.up"));
        assertNull(registry.find("offload.call.phase").functionTimer());
        assertEquals(1, metrics.refresh(), "one call appeared");
        assertEquals(0, metrics.refresh(), "nothing new since");
        // a registry bound later gets every meter at once
        final SimpleMeterRegistry second = new SimpleMeterRegistry();
        metrics.bindTo(second);
        assertEquals(registry.getMeters().size(), second.getMeters().size());

        final FunctionTimer handle = second.get("offload.call.phase").tags("syscall", "pread", "phase", "HANDLE",
            "path", "offloaded").functionTimer();
        assertEquals(100, handle.count());
        assertEquals(100 * 2_000.0 * (Phase.HANDLE.ordinal() + 1), handle.totalTime(TimeUnit.NANOSECONDS));
        final TimeGauge p99 = second.get("offload.call.phase.percentile").tags("syscall", "pread", "phase", "TOTAL",
            "path", "offloaded", "percentile", "0.99").timeGauge();
        assertEquals(3_000 * (Phase.TOTAL.ordinal() + 1), p99.value(TimeUnit.NANOSECONDS));
        final TimeGauge max = second.get("offload.call.phase.max").tags("syscall", "pread", "phase", "FLYIN",
            "path", "offloaded").timeGauge();
        assertEquals(9_000 * (Phase.FLYIN.ordinal() + 1), max.value(TimeUnit.NANOSECONDS));
        final FunctionTimer inline = second.get("offload.call.phase").tags("syscall", "pread", "path", "inline")
            .functionTimer();
        assertEquals(50, inline.count());
        assertEquals(6, second.find("offload.call.phase").tags("path", "offloaded").functionTimers().size());
    }

    @Test
    void badArgumentsAreRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new OffloadMetrics(null));
        assertThrows(IllegalArgumentException.class, () -> new OffloadMetrics(() -> null, null, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
            () -> new OffloadMetrics(() -> null, Tags.empty(), Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> new OffloadMetrics(() -> null).bindTo(null));
        assertThrows(IllegalStateException.class, () -> new OffloadMetrics(() -> null).bindTo(new SimpleMeterRegistry()));
    }

    @Test
    void aLiveRuntimesServersAndPhasesReachTheRegistry()
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).waitStrategy(WaitStrategy.SPIN_THEN_PARK)
            .phaseRecording(PhaseRecording.ALL).build())
        {
            final SimpleMeterRegistry registry = new SimpleMeterRegistry();
            final OffloadMetrics metrics = new OffloadMetrics(runtime::stats, Tags.empty(), Duration.ZERO);
            metrics.bindTo(registry);
            final int calls = 200;
            for (int i = 0; i < calls; i++)
            {
                runtime.raw().getppid();
            }
            assertTrue(metrics.refresh() >= 1, "getppid was recorded: its meters appear");

            final FunctionCounter completed = registry.get("offload.server.calls.completed")
                .tag("server", "offload-file-0").functionCounter();
            assertTrue(completed.count() >= calls, "completed " + completed.count());
            final Gauge running = registry.get("offload.server.running").tag("server", "offload-file-0").gauge();
            assertEquals(1, running.value());
            final FunctionTimer total = registry.get("offload.call.phase")
                .tags("syscall", "getppid", "phase", "TOTAL", "path", "offloaded").functionTimer();
            assertEquals(calls, total.count());
            assertTrue(total.totalTime(TimeUnit.NANOSECONDS) > 0);
            final TimeGauge median = registry.get("offload.call.phase.percentile")
                .tags("syscall", "getppid", "phase", "TOTAL", "percentile", "0.5").timeGauge();
            assertTrue(median.value(TimeUnit.NANOSECONDS) > 0);
            assertNotNull(registry.find("offload.call.phase").tags("syscall", "getppid", "phase", "FLYIN")
                .functionTimer());
        }
    }

    private static double counter(final SimpleMeterRegistry registry, final String name)
    {
        return registry.get(name).tag("server", "offload-file-0").functionCounter().count();
    }

    private static double gauge(final SimpleMeterRegistry registry, final String name)
    {
        return registry.get(name).tag("server", "offload-file-0").gauge().value();
    }

    private static RuntimeStats snapshot(final long pickedUp, final long completed, final List<CallStats> calls)
    {
        final ServerStats server = new ServerStats("offload-file-0", SyscallClass.FILE, 0, 1, true, 1, pickedUp,
            completed, 2, 1, 4, 6, 0, 0, 3, 5, true, Map.of("EBADF", 2L), List.of(1L, 3L), List.of());
        return new RuntimeStats(List.of(server), 12, 64, 1024, 8, 9, PhaseRecording.ALL, calls);
    }

    /** A call whose phase i has mean base x (i + 1), p99 1.5 x that and max 4.5 x that. */
    private static CallStats call(final Syscall syscall, final long count, final long base, final boolean inline)
    {
        final List<PhaseStats> phases = new ArrayList<>();
        for (final Phase phase : Phase.values())
        {
            final long scale = base * (phase.ordinal() + 1);
            phases.add(new PhaseStats(phase, count, scale, scale, scale, scale * 3 / 2, scale * 2, scale * 9 / 2));
        }
        final PhaseStats direct = inline ? new PhaseStats(Phase.TOTAL, count / 2, 500, 400, 600, 700, 800, 900) : null;
        return new CallStats(syscall, phases, direct);
    }
}
