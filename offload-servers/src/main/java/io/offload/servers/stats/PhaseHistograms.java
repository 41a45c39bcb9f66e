package io.offload.servers.stats;

import io.offload.api.Phase;
import io.offload.api.PhaseStats;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.Deflater;

/**
 * One HdrHistogram {@link Recorder} per phase: wait-free, allocation-free recording from any number of caller
 * threads, and a reader that accumulates interval snapshots into totals. Values are nanoseconds from 1 ns to one
 * hour at two significant digits (1% resolution), which keeps each histogram to tens of kilobytes.
 */
public final class PhaseHistograms
{
    /** Largest value tracked: one hour in nanoseconds. */
    public static final long HIGHEST_TRACKABLE_NANOS = 3_600_000_000_000L;
    private static final int SIGNIFICANT_DIGITS = 2;
    private static final int PHASES = Phase.values().length;

    private final Recorder[] recorders = new Recorder[PHASES];
    private final Histogram[] totals = new Histogram[PHASES];
    private final Histogram[] intervals = new Histogram[PHASES];

    /**
     * Histograms for every phase.
     */
    public PhaseHistograms()
    {
        for (int i = 0; i < PHASES; i++)
        {
            recorders[i] = new Recorder(1, HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
            totals[i] = new Histogram(1, HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
        }
    }

    /**
     * Record one call's phases from its six timestamps. Any thread; allocates nothing.
     *
     * @param enter     caller started.
     * @param submitted entry published.
     * @param picked    server picked it up.
     * @param handled   server finished the call.
     * @param seen      caller saw DONE.
     * @param exit      caller returns.
     */
    public void record(
        final long enter, final long submitted, final long picked, final long handled, final long seen,
        final long exit)
    {
        recordPhase(Phase.ENTER, submitted - enter);
        recordPhase(Phase.FLYIN, picked - submitted);
        recordPhase(Phase.HANDLE, handled - picked);
        recordPhase(Phase.FLYOUT, seen - handled);
        recordPhase(Phase.EXIT, exit - seen);
        recordPhase(Phase.TOTAL, exit - enter);
    }

    /**
     * @param phase a phase.
     * @param nanos its duration; clamped to [0, one hour].
     */
    public void recordPhase(final Phase phase, final long nanos)
    {
        recorders[phase.ordinal()].recordValue(Math.max(0, Math.min(HIGHEST_TRACKABLE_NANOS, nanos)));
    }

    /**
     * Fold what was recorded since the last call into the totals and return their percentiles. Reader side;
     * serialised by the caller.
     *
     * @return one entry per phase, in order.
     */
    public synchronized List<PhaseStats> snapshot()
    {
        final List<PhaseStats> out = new ArrayList<>(PHASES);
        for (int i = 0; i < PHASES; i++)
        {
            fold(i);
            out.add(toStats(Phase.fromOrdinal(i), totals[i]));
        }
        return out;
    }

    /**
     * @param phase a phase.
     * @return its percentiles so far (folds in what is pending).
     */
    public synchronized PhaseStats snapshot(final Phase phase)
    {
        final int i = phase.ordinal();
        fold(i);
        return toStats(phase, totals[i]);
    }

    /**
     * @param phase a phase.
     * @return a copy of its histogram so far (folds in what is pending). Reader side; allocates.
     */
    public synchronized Histogram copyOf(final Phase phase)
    {
        final int i = phase.ordinal();
        fold(i);
        return totals[i].copy();
    }

    /**
     * Forget everything recorded.
     */
    public synchronized void reset()
    {
        for (int i = 0; i < PHASES; i++)
        {
            intervals[i] = recorders[i].getIntervalHistogram(intervals[i]);
            totals[i].reset();
        }
    }

    private void fold(final int i)
    {
        intervals[i] = recorders[i].getIntervalHistogram(intervals[i]); // each recorder takes back its own
        totals[i].add(intervals[i]);
    }

    static PhaseStats toStats(final Phase phase, final Histogram h)
    {
        final long count = h.getTotalCount();
        if (count == 0)
        {
            return new PhaseStats(phase, 0, 0, 0, 0, 0, 0, 0);
        }
        return new PhaseStats(phase, count, h.getMean(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
            h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), encode(h));
    }

    /**
     * @param h a histogram.
     * @return it in HdrHistogram's compressed encoding, Base64: what {@link PhaseStats#encodedHistogram()} carries
     *         so that the distribution, not only its percentiles, reaches stats() readers (the .hlog export).
     *         Reader side; allocates.
     */
    static String encode(final Histogram h)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        final int length = h.encodeIntoCompressedByteBuffer(buffer, Deflater.BEST_SPEED);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }
}
