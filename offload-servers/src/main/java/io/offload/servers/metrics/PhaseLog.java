package io.offload.servers.metrics;

import io.offload.api.CallStats;
import io.offload.api.Phase;
import io.offload.api.PhaseStats;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;

/**
 * The phase histograms of {@code runtime.stats()} as an HdrHistogram log ({@code .hlog}), the format of
 * {@link HistogramLogWriter}, which HistogramLogAnalyzer, {@code HistogramLogProcessor} and other HdrHistogram tools
 * read. Values are nanoseconds (the max column in milliseconds, HdrHistogram's convention for nanosecond logs), one
 * tagged interval line per histogram:
 * <ul>
 *   <li>{@code call.<syscall>.<PHASE>}: offloaded calls of one syscall ({@code call.pread.HANDLE}), the five
 *       phases and TOTAL;</li>
 *   <li>{@code inline.<syscall>.TOTAL}: calls of one syscall that ran on the caller;</li>
 *   <li>{@code server.<name>.<PHASE>}: every call one server ran ({@code server.offload-file-0.FLYIN}).</li>
 * </ul>
 * Two ways to use it: {@link #write(RuntimeStats, Path)} writes one snapshot (everything recorded so far, as one
 * interval from the JVM's start to now); an open log ({@link #open(Path)}) is an interval writer, and each
 * {@link #append(RuntimeStats)} writes what was recorded since the previous one, so the tools can plot percentiles
 * over time. Phase recording must be on ({@code phaseRecording(...)} or {@code -Doffload.phases=1/64}) for there to
 * be anything to write.
 */
public final class PhaseLog implements AutoCloseable
{
    /** The max column's unit: nanosecond values shown in milliseconds. */
    public static final double MAX_VALUE_UNIT_RATIO = 1_000_000.0;

    private final Path file;
    private final PrintStream out;
    private final HistogramLogWriter writer;
    private final Map<String, Histogram> previous = new HashMap<>();
    private long intervalStartMillis;

    private PhaseLog(final Path file, final long startMillis) throws IOException
    {
        this.file = file;
        final OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file));
        this.out = new PrintStream(stream, false, StandardCharsets.US_ASCII);
        this.writer = new HistogramLogWriter(out);
        writer.outputLogFormatVersion();
        writer.outputComment("offload phase histograms: values in nanoseconds; tags call.<syscall>.<PHASE>, " +
            "inline.<syscall>.TOTAL, server.<name>.<PHASE>");
        writer.outputStartTime(startMillis);
        writer.setBaseTime(startMillis);
        writer.outputLegend();
        this.intervalStartMillis = startMillis;
        check();
    }

    /**
     * Write one snapshot: every histogram in it as one interval, from the JVM's start (no recording is older) to
     * now.
     *
     * @param stats a snapshot, {@code runtime.stats()}.
     * @param file  the log to write; replaced if it exists.
     * @return how many histograms were written (0 while phase recording has been off).
     * @throws IOException if the file cannot be written.
     */
    public static int write(final RuntimeStats stats, final Path file) throws IOException
    {
        requireStats(stats);
        try (PhaseLog log = new PhaseLog(requireFile(file), ManagementFactory.getRuntimeMXBean().getStartTime()))
        {
            return log.appendAll(stats, false);
        }
    }

    /**
     * Open an interval log: each {@link #append} writes what was recorded since the previous one (or since open).
     *
     * @param file the log to write; replaced if it exists.
     * @return the open log; close it.
     * @throws IOException if the file cannot be written.
     */
    public static PhaseLog open(final Path file) throws IOException
    {
        return new PhaseLog(requireFile(file), System.currentTimeMillis());
    }

    /**
     * Write one interval per histogram that recorded something since the previous append: the difference of this
     * snapshot's totals and the previous one's. A histogram whose total went down (the phases were reset) is
     * written whole.
     *
     * @param stats a snapshot, {@code runtime.stats()}.
     * @return how many interval histograms were written.
     * @throws IOException if the file cannot be written.
     */
    public synchronized int append(final RuntimeStats stats) throws IOException
    {
        return appendAll(requireStats(stats), true);
    }

    private int appendAll(final RuntimeStats stats, final boolean differences) throws IOException
    {
        final long endMillis = Math.max(System.currentTimeMillis(), intervalStartMillis);
        final double startSec = (intervalStartMillis - writer.getBaseTime()) / 1000.0;
        final double endSec = (endMillis - writer.getBaseTime()) / 1000.0;
        int written = 0;
        for (final Map.Entry<String, Histogram> entry : histograms(stats).entrySet())
        {
            final Histogram total = entry.getValue();
            Histogram interval = total;
            if (differences)
            {
                final Histogram before = previous.put(entry.getKey(), total);
                interval = difference(total, before);
            }
            if (interval.getTotalCount() == 0)
            {
                continue;
            }
            interval.setTag(entry.getKey());
            writer.outputIntervalHistogram(startSec, endSec, interval, MAX_VALUE_UNIT_RATIO);
            written++;
        }
        intervalStartMillis = endMillis;
        out.flush();
        check();
        return written;
    }

    private static Histogram difference(final Histogram total, final Histogram before)
    {
        if (before == null || before.getTotalCount() > total.getTotalCount())
        {
            return total.copy(); // first sight, or reset since
        }
        final Histogram interval = total.copy();
        try
        {
            interval.subtract(before);
            return interval;
        }
        catch (final IllegalArgumentException resetThenMore)
        {
            return total.copy(); // reset and recorded past the old total: some bucket would go negative
        }
    }

    /**
     * @param stats a snapshot.
     * @return every non-empty histogram in it, by log tag, decoded from {@link PhaseStats#encodedHistogram()}.
     */
    static Map<String, Histogram> histograms(final RuntimeStats stats)
    {
        final Map<String, Histogram> out = new LinkedHashMap<>();
        for (final CallStats call : stats.calls())
        {
            for (final Phase phase : Phase.values())
            {
                put(out, "call." + call.syscall().cName() + "." + phase.name(), call.phase(phase));
            }
            if (call.direct() != null)
            {
                put(out, "inline." + call.syscall().cName() + "." + Phase.TOTAL.name(), call.direct());
            }
        }
        for (final ServerStats server : stats.servers())
        {
            for (final PhaseStats phase : server.phases())
            {
                put(out, "server." + server.name() + "." + phase.phase().name(), phase);
            }
        }
        return out;
    }

    private static void put(final Map<String, Histogram> out, final String tag, final PhaseStats stats)
    {
        if (stats.count() == 0 || stats.encodedHistogram().isEmpty())
        {
            return;
        }
        try
        {
            final ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(stats.encodedHistogram()));
            out.put(tag, Histogram.decodeFromCompressedByteBuffer(bytes, 0));
        }
        catch (final DataFormatException | IllegalArgumentException ex)
        {
            throw new IllegalStateException(tag + ": its encoded histogram does not decode: " + ex.getMessage(), ex);
        }
    }

    private void check() throws IOException
    {
        if (out.checkError())
        {
            throw new IOException("writing " + file + " failed (disk full, or the file was removed?)");
        }
    }

    /**
     * @return the log's file.
     */
    public Path file()
    {
        return file;
    }

    @Override
    public synchronized void close() throws IOException
    {
        writer.close();
        check();
    }

    private static RuntimeStats requireStats(final RuntimeStats stats)
    {
        if (stats == null)
        {
            throw new IllegalArgumentException("stats must not be null: pass runtime.stats()");
        }
        return stats;
    }

    private static Path requireFile(final Path file)
    {
        if (file == null)
        {
            throw new IllegalArgumentException("file must not be null: pass the .hlog path to write");
        }
        return file;
    }
}
