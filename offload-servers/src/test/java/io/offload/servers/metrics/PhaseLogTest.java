package io.offload.servers.metrics;

import io.offload.api.CallStats;
import io.offload.api.Phase;
import io.offload.api.PhaseRecording;
import io.offload.api.PhaseStats;
import io.offload.api.RuntimeStats;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.WaitStrategy;
import io.offload.servers.OffloadRuntime;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The .hlog export, read back with HdrHistogram's own {@link HistogramLogReader}: the histograms in the log are the
 * ones the snapshot's percentiles come from.
 */
class PhaseLogTest
{
    private static OffloadRuntime runtime;

    @TempDir
    Path dir;

    @BeforeAll
    static void start()
    {
        runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).inline(Syscall.GETPID)
            .waitStrategy(WaitStrategy.SPIN_THEN_PARK).phaseRecording(PhaseRecording.ALL).build();
    }

    @AfterAll
    static void stop()
    {
        runtime.close();
    }

    @Test
    void aSnapshotWrittenAsALogReadsBackAsTheSameHistograms() throws Exception
    {
        runtime.resetPhases();
        for (int i = 0; i < 300; i++)
        {
            runtime.raw().getppid();
            runtime.raw().getpid(); // INLINE
        }
        final RuntimeStats stats = runtime.stats();
        final Path file = dir.resolve("phases.hlog");
        final int written = PhaseLog.write(stats, file);

        final Map<String, List<Histogram>> log = read(file);
        assertEquals(written, count(log));
        final CallStats getppid = stats.calls().stream().filter(c -> c.syscall() == Syscall.GETPPID).findFirst()
            .orElseThrow();
        for (final Phase phase : Phase.values())
        {
            final Histogram h = single(log, "call.getppid." + phase.name());
            final PhaseStats figures = getppid.phase(phase);
            assertEquals(figures.count(), h.getTotalCount(), phase.name());
            assertEquals(figures.p50(), h.getValueAtPercentile(50), phase.name());
            assertEquals(figures.p99(), h.getValueAtPercentile(99), phase.name());
            assertEquals(figures.max(), h.getMaxValue(), phase.name());
        }
        assertEquals(300, single(log, "call.getppid.TOTAL").getTotalCount());
        assertEquals(300, single(log, "inline.getpid.TOTAL").getTotalCount());
        assertTrue(single(log, "server.offload-file-0.HANDLE").getTotalCount() >= 300);
        final String text = Files.readString(file);
        assertTrue(text.contains("#[Histogram log format version 1.3]"), text);
        assertTrue(text.contains("#[StartTime: "), text);
    }

    @Test
    void anIntervalLogWritesWhatWasRecordedSinceTheLastAppend() throws Exception
    {
        runtime.resetPhases();
        final Path file = dir.resolve("intervals.hlog");
        try (PhaseLog log = PhaseLog.open(file))
        {
            calls(100);
            assertTrue(log.append(runtime.stats()) > 0);
            calls(250);
            assertTrue(log.append(runtime.stats()) > 0);
            assertEquals(0, log.append(runtime.stats()), "nothing recorded since: no intervals");
            runtime.resetPhases();
            calls(40);
            log.append(runtime.stats());
        }
        final List<Histogram> totals = read(file).get("call.getppid.TOTAL");
        assertNotNull(totals);
        assertEquals(List.of(100L, 250L, 40L), totals.stream().map(Histogram::getTotalCount).toList());
        for (int i = 1; i < totals.size(); i++)
        {
            assertTrue(totals.get(i).getStartTimeStamp() >= totals.get(i - 1).getEndTimeStamp() - 1,
                "intervals follow each other");
        }
    }

    @Test
    void nothingRecordedWritesAnEmptyLogAndBadArgumentsAreRefused() throws Exception
    {
        final RuntimeStats empty = new RuntimeStats(List.of(), 0, 0, 0, 0, 0, PhaseRecording.OFF, List.of());
        final Path file = dir.resolve("empty.hlog");
        assertEquals(0, PhaseLog.write(empty, file));
        assertTrue(read(file).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> PhaseLog.write(null, file));
        assertThrows(IllegalArgumentException.class, () -> PhaseLog.write(empty, null));
        assertThrows(IllegalArgumentException.class, () -> PhaseLog.open(null));
    }

    private static void calls(final int n)
    {
        for (int i = 0; i < n; i++)
        {
            runtime.raw().getppid();
        }
    }

    private static Map<String, List<Histogram>> read(final Path file) throws Exception
    {
        final Map<String, List<Histogram>> out = new HashMap<>();
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile()))
        {
            EncodableHistogram next;
            while ((next = reader.nextIntervalHistogram()) != null)
            {
                out.computeIfAbsent(next.getTag(), t -> new ArrayList<>()).add((Histogram)next);
            }
        }
        return out;
    }

    private static Histogram single(final Map<String, List<Histogram>> log, final String tag)
    {
        final List<Histogram> histograms = log.get(tag);
        assertNotNull(histograms, tag + " is not in the log: " + log.keySet());
        assertEquals(1, histograms.size(), tag);
        return histograms.get(0);
    }

    private static int count(final Map<String, List<Histogram>> log)
    {
        return log.values().stream().mapToInt(List::size).sum();
    }
}
