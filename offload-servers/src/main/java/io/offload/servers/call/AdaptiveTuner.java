package io.offload.servers.call;

import io.offload.api.Phase;
import io.offload.api.PhaseRecording;
import io.offload.api.Syscall;
import io.offload.servers.routing.InlineRule;
import io.offload.servers.stats.PhaseRecorder;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Adaptive routing: a daemon thread that, every period, compares each offloadable call's direct cost with its
 * hand-off cost (both from phase recordings) and flips it between INLINE and offloaded by the {@link InlineRule}.
 * To keep both figures current, one call in {@code probe} runs the other way (inline while offloaded, offloaded
 * while inline) and is recorded. Each decision uses only the calls recorded since the previous one, waiting until
 * both sides have {@code minSamples}, so a call whose costs change (a cache gone cold, a slower device, a busier
 * server) is re-decided within one window rather than after as many calls as it has ever made; the hysteresis
 * keeps it from flapping.
 */
public final class AdaptiveTuner implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveTuner.class);

    private final PhaseRecorder recorder;
    private final InlineRule rule;
    private final int probe;
    private final long minSamples;
    private final long periodNanos;
    private final boolean[] tunable = new boolean[Syscall.count()];
    private final AtomicIntegerArray inline = new AtomicIntegerArray(Syscall.count());
    private final Window[] windows = new Window[Syscall.count()]; // tuner thread only
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Start tuning: turns phase recording on (1 in {@code probe}) if it is off, and starts the tuner's thread.
     *
     * @param recorder    the phase recordings the decisions read.
     * @param rule        when a call goes INLINE and when it comes back.
     * @param probe       one call in this many runs the other way.
     * @param minSamples  calls recorded each way before a call's route may change.
     * @param period      how often to decide.
     * @param unit        the period's unit.
     * @param offloadable per op: whether it has servers at all (only those are tuned).
     * @param startInline per op: whether it starts INLINE.
     */
    public AdaptiveTuner(
        final PhaseRecorder recorder, final InlineRule rule, final int probe, final long minSamples,
        final long period, final TimeUnit unit, final boolean[] offloadable, final boolean[] startInline)
    {
        this.recorder = recorder;
        this.rule = rule;
        this.probe = probe;
        this.minSamples = minSamples;
        this.periodNanos = unit.toNanos(period);
        for (int op = 0; op < tunable.length; op++)
        {
            tunable[op] = offloadable[op];
            inline.set(op, startInline[op] ? 1 : 0);
        }
        if (recorder.recording().mode() == PhaseRecording.Mode.OFF)
        {
            recorder.set(PhaseRecording.sampled(probe));
        }
        this.thread = new Thread(this::run, "offload-tuner");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Decide where this call runs. Caller thread; allocates nothing.
     *
     * @param op the call's op.
     * @return 0 to offload, 1 to run inline, and +2 when the call is a probe that should be recorded.
     */
    public int decide(final int op)
    {
        if (!tunable[op])
        {
            return 0;
        }
        final boolean inlineNow = inline.getOpaque(op) != 0;
        final boolean probing = ThreadLocalRandom.current().nextInt(probe) == 0;
        return (inlineNow != probing ? 1 : 0) | (probing ? 2 : 0);
    }

    /**
     * @param syscall a call.
     * @return whether the tuner runs it inline now.
     */
    public boolean isInline(final Syscall syscall)
    {
        return inline.get(syscall.op()) != 0;
    }

    private void run()
    {
        while (running)
        {
            LockSupport.parkNanos(this, periodNanos);
            if (!running)
            {
                return;
            }
            try
            {
                tune();
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("adaptive routing: tuning failed", ex);
            }
        }
    }

    /**
     * One round of decisions; the tuner's thread calls it every period, tests may call it directly.
     */
    public synchronized void tune()
    {
        for (int op = 0; op < tunable.length; op++)
        {
            if (!tunable[op])
            {
                continue;
            }
            final Histogram direct = recorder.directTotal(op);
            final Histogram total = recorder.offloadedPhase(op, Phase.TOTAL);
            final Histogram handle = recorder.offloadedPhase(op, Phase.HANDLE);
            if (direct == null || total == null || handle == null)
            {
                continue;
            }
            final Window window = windows[op] != null ? windows[op] : (windows[op] = new Window());
            final Histogram directNow = window.direct.since(direct);
            final Histogram totalNow = window.total.since(total);
            final Histogram handleNow = window.handle.since(handle);
            if (directNow.getTotalCount() < minSamples || totalNow.getTotalCount() < minSamples)
            {
                continue; // the window grows until both sides have enough calls
            }
            window.direct.moveTo(direct);
            window.total.moveTo(total);
            window.handle.moveTo(handle);
            final long directP50 = directNow.getValueAtPercentile(50);
            final double handoff = Math.max(0,
                totalNow.getValueAtPercentile(50) - handleNow.getValueAtPercentile(50));
            final boolean now = inline.get(op) != 0;
            final boolean next = rule.inline(now, directP50, handoff);
            if (next != now)
            {
                inline.set(op, next ? 1 : 0);
                LOG.info("adaptive routing: {} now {} (last {} direct calls p50 {} ns, last {} offloaded hand-off " +
                    "p50 {} ns)", Syscall.fromOp(op).cName(), next ? "INLINE" : "offloaded",
                    directNow.getTotalCount(), directP50, totalNow.getTotalCount(), (long)handoff);
            }
        }
    }

    /**
     * Where the last decision's evidence ended, per histogram: the next decision uses only what came after.
     */
    private static final class Window
    {
        final Since direct = new Since();
        final Since total = new Since();
        final Since handle = new Since();
    }

    private static final class Since
    {
        private Histogram start;

        /**
         * @return what {@code now} recorded after the start (all of it if the recordings were reset meanwhile).
         */
        Histogram since(final Histogram now)
        {
            final Histogram recent = now.copy();
            if (start != null && start.getTotalCount() <= now.getTotalCount())
            {
                try
                {
                    recent.subtract(start);
                }
                catch (final IllegalArgumentException reset)
                {
                    return now.copy(); // reset and refilled past the old count: all of it is new
                }
            }
            return recent;
        }

        void moveTo(final Histogram now)
        {
            start = now;
        }
    }

    /**
     * Stop the tuner's thread and wait for it.
     */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
