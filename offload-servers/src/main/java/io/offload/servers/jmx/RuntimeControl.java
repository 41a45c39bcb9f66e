package io.offload.servers.jmx;

import io.offload.api.PhaseRecording;
import io.offload.api.RuntimeStats;

import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the MBeans read and switch on a running runtime. The runtime hands one to {@link OffloadMBeans#register}, so
 * this package never depends on the runtime's class.
 */
public interface RuntimeControl
{
    /**
     * @return a snapshot of the servers and the pool.
     */
    RuntimeStats stats();

    /**
     * @return exceptions reported to the error handler so far.
     */
    long errorCount();

    /**
     * @return the phase recording in force.
     */
    PhaseRecording phaseRecording();

    /**
     * @param recording the phase recording to switch to.
     */
    void phaseRecording(PhaseRecording recording);

    /**
     * Forget the phase histograms recorded so far.
     */
    void resetPhases();

    /**
     * @param stats          a snapshot of the servers and the pool.
     * @param errorCount     exceptions reported so far.
     * @param recording      the phase recording in force.
     * @param switchTo       switches the phase recording.
     * @param resetPhases    forgets the phase histograms.
     * @return a control over those.
     */
    static RuntimeControl of(final Supplier<RuntimeStats> stats, final LongSupplier errorCount,
        final Supplier<PhaseRecording> recording, final Consumer<PhaseRecording> switchTo, final Runnable resetPhases)
    {
        return new RuntimeControl()
        {
            @Override
            public RuntimeStats stats()
            {
                return stats.get();
            }

            @Override
            public long errorCount()
            {
                return errorCount.getAsLong();
            }

            @Override
            public PhaseRecording phaseRecording()
            {
                return recording.get();
            }

            @Override
            public void phaseRecording(final PhaseRecording newRecording)
            {
                switchTo.accept(newRecording);
            }

            @Override
            public void resetPhases()
            {
                resetPhases.run();
            }
        };
    }
}
