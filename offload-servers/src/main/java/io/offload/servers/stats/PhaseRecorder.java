package io.offload.servers.stats;

import io.offload.api.CallStats;
import io.offload.api.Phase;
import io.offload.api.PhaseRecording;
import io.offload.api.PhaseStats;
import io.offload.api.Syscall;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The runtime's phase recording: which calls to time (off, 1 in N at random, all), and their histograms per
 * syscall, made on a syscall's first recorded call. The clock is {@link System#nanoTime()}: monotonic, the same
 * clock on every core (the kernel's TSC-based CLOCK_MONOTONIC through the vDSO, about 20 ns a read), so a caller's
 * and a server's timestamps can be subtracted; a cheaper source (rdtsc) is not reachable from Java.
 */
public final class PhaseRecorder
{
    private final AtomicReferenceArray<PhaseHistograms> offloaded = new AtomicReferenceArray<>(Syscall.count());
    private final AtomicReferenceArray<PhaseHistograms> direct = new AtomicReferenceArray<>(Syscall.count());
    private volatile int sampleOne;
    private volatile PhaseRecording recording = PhaseRecording.OFF;

    /**
     * @param recording the initial setting.
     */
    public PhaseRecorder(final PhaseRecording recording)
    {
        set(recording);
    }

    /**
     * @param recording the new setting; takes effect for calls that start after it.
     */
    public void set(final PhaseRecording recording)
    {
        if (recording == null)
        {
            throw new IllegalArgumentException("recording must not be null: use PhaseRecording.OFF");
        }
        this.recording = recording;
        this.sampleOne = recording.sampleOne();
    }

    /**
     * @return the current setting.
     */
    public PhaseRecording recording()
    {
        return recording;
    }

    /**
     * Decide whether the call starting now is recorded. Off costs one volatile read.
     *
     * @return true to record it.
     */
    public boolean sample()
    {
        final int n = sampleOne;
        return n != 0 && (n == 1 || ThreadLocalRandom.current().nextInt(n) == 0);
    }

    /**
     * @param op an op code.
     * @return the histograms of offloaded calls of that op, made on first use.
     */
    public PhaseHistograms offloaded(final int op)
    {
        return histograms(offloaded, op);
    }

    /**
     * Record an inline call's duration.
     *
     * @param op    op code.
     * @param nanos how long it took on the caller.
     */
    public void recordDirect(final int op, final long nanos)
    {
        histograms(direct, op).recordPhase(Phase.TOTAL, nanos);
    }

    private static PhaseHistograms histograms(final AtomicReferenceArray<PhaseHistograms> table, final int op)
    {
        PhaseHistograms h = table.getAcquire(op);
        if (h == null)
        {
            final PhaseHistograms made = new PhaseHistograms();
            h = table.compareAndExchangeRelease(op, null, made);
            if (h == null)
            {
                h = made;
            }
        }
        return h;
    }

    /**
     * @return figures for every syscall that has recorded calls.
     */
    public List<CallStats> snapshot()
    {
        final List<CallStats> out = new ArrayList<>();
        for (int op = 0; op < Syscall.count(); op++)
        {
            final PhaseHistograms off = offloaded.getAcquire(op);
            final PhaseHistograms dir = direct.getAcquire(op);
            if (off == null && dir == null)
            {
                continue;
            }
            final List<PhaseStats> phases = off != null ? off.snapshot() : empty();
            final PhaseStats inline = dir != null ? dir.snapshot(Phase.TOTAL) : null;
            if (phases.get(Phase.TOTAL.ordinal()).count() > 0 || inline != null && inline.count() > 0)
            {
                out.add(new CallStats(Syscall.fromOp(op), phases, inline));
            }
        }
        return out;
    }

    /**
     * @param op an op code.
     * @return a copy of the inline durations so far, or null if none recorded. Reader side; allocates.
     */
    public Histogram directTotal(final int op)
    {
        final PhaseHistograms dir = direct.getAcquire(op);
        return dir == null ? null : dir.copyOf(Phase.TOTAL);
    }

    /**
     * @param op    an op code.
     * @param phase a phase of the offloaded calls.
     * @return a copy of that phase's durations so far, or null if none recorded. Reader side; allocates.
     */
    public Histogram offloadedPhase(final int op, final Phase phase)
    {
        final PhaseHistograms off = offloaded.getAcquire(op);
        return off == null ? null : off.copyOf(phase);
    }

    /**
     * Forget everything recorded.
     */
    public void reset()
    {
        for (int op = 0; op < Syscall.count(); op++)
        {
            final PhaseHistograms off = offloaded.getAcquire(op);
            if (off != null)
            {
                off.reset();
            }
            final PhaseHistograms dir = direct.getAcquire(op);
            if (dir != null)
            {
                dir.reset();
            }
        }
    }

    private static List<PhaseStats> empty()
    {
        final List<PhaseStats> out = new ArrayList<>();
        for (final Phase phase : Phase.values())
        {
            out.add(new PhaseStats(phase, 0, 0, 0, 0, 0, 0, 0));
        }
        return out;
    }
}
