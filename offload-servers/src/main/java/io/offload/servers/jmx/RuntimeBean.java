package io.offload.servers.jmx;

import io.offload.api.CallStats;
import io.offload.api.Phase;
import io.offload.api.PhaseRecording;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;

import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime's MBean: pool and call counters, totals over its servers, and the phase rows per syscall, all from the
 * shared snapshot; recording switched and phases reset on the runtime itself.
 */
final class RuntimeBean implements OffloadRuntimeMXBean
{
    private final RuntimeControl runtime;
    private final String id;
    private final StatsCache cache;
    private final ObjectName[] servers;

    RuntimeBean(final RuntimeControl runtime, final String id, final StatsCache cache, final ObjectName[] servers)
    {
        this.runtime = runtime;
        this.id = id;
        this.cache = cache;
        this.servers = servers.clone();
    }

    private RuntimeStats stats()
    {
        return cache.get().stats();
    }

    @Override
    public String getId()
    {
        return id;
    }

    @Override
    public ObjectName[] getServers()
    {
        return servers.clone();
    }

    @Override
    public int getEntriesInUse()
    {
        return stats().entriesInUse();
    }

    @Override
    public int getEntriesAllocated()
    {
        return stats().entriesAllocated();
    }

    @Override
    public int getMaxEntries()
    {
        return stats().maxEntries();
    }

    @Override
    public long getRejected()
    {
        return stats().rejected();
    }

    @Override
    public long getInlineCalls()
    {
        return stats().inlineCalls();
    }

    @Override
    public long getNowaitHits()
    {
        return stats().nowaitHits();
    }

    @Override
    public long getNowaitMisses()
    {
        return stats().nowaitMisses();
    }

    @Override
    public long getErrorCount()
    {
        return runtime.errorCount();
    }

    @Override
    public long getPickedUp()
    {
        long sum = 0;
        for (final ServerStats s : stats().servers())
        {
            sum += s.pickedUp();
        }
        return sum;
    }

    @Override
    public long getCompleted()
    {
        long sum = 0;
        for (final ServerStats s : stats().servers())
        {
            sum += s.completed();
        }
        return sum;
    }

    @Override
    public long getFailed()
    {
        long sum = 0;
        for (final ServerStats s : stats().servers())
        {
            sum += s.failed();
        }
        return sum;
    }

    @Override
    public String getPhaseRecording()
    {
        return runtime.phaseRecording().toString(); // the live setting, not the snapshot's: it is what a set changed
    }

    @Override
    public void setPhaseRecording(final String recording)
    {
        if (recording == null)
        {
            throw new IllegalArgumentException("phase recording must be off, all or 1/N, got null");
        }
        runtime.phaseRecording(PhaseRecording.parse(recording));
        cache.invalidate();
    }

    @Override
    public List<PhaseRow> getPhases()
    {
        final List<PhaseRow> rows = new ArrayList<>();
        for (final CallStats c : stats().calls())
        {
            final String name = c.syscall().cName();
            if (c.phase(Phase.TOTAL).count() > 0)
            {
                for (final Phase phase : Phase.values())
                {
                    rows.add(PhaseRow.of(name, phase.name(), c.phase(phase)));
                }
            }
            if (c.direct() != null && c.direct().count() > 0)
            {
                rows.add(PhaseRow.of(name, PhaseRow.DIRECT, c.direct()));
            }
        }
        return rows;
    }

    @Override
    public long getSnapshotNanoTime()
    {
        return cache.get().nanoTime();
    }

    @Override
    public void resetPhases()
    {
        runtime.resetPhases();
        cache.invalidate();
    }

    @Override
    public String statsMarkdown()
    {
        return cache.refresh().stats().toMarkdown();
    }

    @Override
    public String statsTable()
    {
        return cache.refresh().stats().toTable();
    }
}
