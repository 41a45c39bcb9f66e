package io.offload.servers;

import io.offload.api.Phase;
import io.offload.api.PhaseRecording;
import io.offload.api.PhaseStats;
import io.offload.api.Syscall;
import io.offload.servers.routing.InlineRule;
import io.offload.servers.stats.PhaseRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Adaptive routing: a daemon thread that, every period, compares each offloadable call's direct cost with its
 * hand-off cost (both from phase recordings) and flips it between INLINE and offloaded by the {@link InlineRule}.
 * To keep both figures current, one call in {@code probe} runs the other way (inline while offloaded, offloaded
 * while inline) and is recorded. Figures are cumulative medians since the runtime started, so a decision moves
 * only when the evidence has; the hysteresis keeps it from flapping.
 */
final class AdaptiveTuner implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveTuner.class);

    private final PhaseRecorder recorder;
    private final InlineRule rule;
    private final int probe;
    private final long minSamples;
    private final long periodNanos;
    private final boolean[] tunable = new boolean[Syscall.count()];
    private final AtomicIntegerArray inline = new AtomicIntegerArray(Syscall.count());
    private final Thread thread;
    private volatile boolean running = true;

    AdaptiveTuner(
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
    int decide(final int op)
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
    boolean isInline(final Syscall syscall)
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

    void tune()
    {
        for (int op = 0; op < tunable.length; op++)
        {
            if (!tunable[op])
            {
                continue;
            }
            final PhaseStats direct = recorder.directStats(op);
            final List<PhaseStats> offloaded = recorder.offloadedStats(op);
            if (direct == null || offloaded == null || direct.count() < minSamples ||
                offloaded.get(Phase.TOTAL.ordinal()).count() < minSamples)
            {
                continue;
            }
            final double handoff = Math.max(0,
                offloaded.get(Phase.TOTAL.ordinal()).p50() - offloaded.get(Phase.HANDLE.ordinal()).p50());
            final boolean now = inline.get(op) != 0;
            final boolean next = rule.inline(now, direct.p50(), handoff);
            if (next != now)
            {
                inline.set(op, next ? 1 : 0);
                LOG.info("adaptive routing: {} now {} (direct p50 {} ns, hand-off p50 {} ns)",
                    Syscall.fromOp(op).cName(), next ? "INLINE" : "offloaded", direct.p50(), (long)handoff);
            }
        }
    }

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
