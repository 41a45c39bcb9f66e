package io.offload.api;

import java.util.List;

/**
 * The recorded phases of one system call: offloaded calls by phase, and calls run inline (direct) by their total.
 *
 * @param syscall the call.
 * @param phases  one entry per {@link Phase}, in order, for offloaded calls.
 * @param direct  the duration of inline calls (phase TOTAL), or null if none ran inline while recording.
 */
public record CallStats(Syscall syscall, List<PhaseStats> phases, PhaseStats direct)
{
    /**
     * @param syscall the call.
     * @param phases  the phases.
     * @param direct  the inline duration.
     */
    public CallStats
    {
        phases = List.copyOf(phases);
    }

    /**
     * @param phase a phase.
     * @return its figures.
     */
    public PhaseStats phase(final Phase phase)
    {
        return phases.get(phase.ordinal());
    }
}
