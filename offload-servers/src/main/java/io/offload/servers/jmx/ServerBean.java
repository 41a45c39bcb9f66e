package io.offload.servers.jmx;

import io.offload.api.Phase;
import io.offload.api.PhaseStats;
import io.offload.api.ServerStats;

import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One server's MBean: its row of the shared snapshot, found by position (the runtime lists its servers in a fixed
 * order, the order they were registered in).
 */
final class ServerBean implements OffloadServerMXBean
{
    private final StatsCache cache;
    private final int position;
    private final String name;
    private final ObjectName runtimeName;

    ServerBean(final StatsCache cache, final int position, final String name, final ObjectName runtimeName)
    {
        this.cache = cache;
        this.position = position;
        this.name = name;
        this.runtimeName = runtimeName;
    }

    private ServerStats stats()
    {
        final ServerStats s = cache.get().stats().servers().get(position);
        if (!s.name().equals(name))
        {
            throw new IllegalStateException("server " + position + " of the snapshot is " + s.name() + ", not " +
                name + ": the runtime's server list changed order");
        }
        return s;
    }

    @Override
    public String getName()
    {
        return name;
    }

    @Override
    public ObjectName getRuntime()
    {
        return runtimeName;
    }

    @Override
    public String getSyscallClass()
    {
        return stats().syscallClass().name();
    }

    @Override
    public int getIndex()
    {
        return stats().index();
    }

    @Override
    public int getRequestedCpu()
    {
        return stats().requestedCpu();
    }

    @Override
    public boolean isPinned()
    {
        return stats().pinned();
    }

    @Override
    public int getCurrentCpu()
    {
        return stats().currentCpu();
    }

    @Override
    public String getExecutor()
    {
        return stats().executor();
    }

    @Override
    public String getExecutorReason()
    {
        return stats().executorReason();
    }

    @Override
    public long getPickedUp()
    {
        return stats().pickedUp();
    }

    @Override
    public long getCompleted()
    {
        return stats().completed();
    }

    @Override
    public long getFailed()
    {
        return stats().failed();
    }

    @Override
    public long getCancelled()
    {
        return stats().cancelled();
    }

    @Override
    public long getBatches()
    {
        return stats().batches();
    }

    @Override
    public long getMaxBatch()
    {
        return stats().maxBatch();
    }

    @Override
    public long getIdleCycles()
    {
        return stats().idleCycles();
    }

    @Override
    public long getErrors()
    {
        return stats().errors();
    }

    @Override
    public long getWaiting()
    {
        return stats().waiting();
    }

    @Override
    public int getQueueDepth()
    {
        return stats().queueDepth();
    }

    @Override
    public boolean isRunning()
    {
        return stats().running();
    }

    @Override
    public Map<String, Long> getFailuresByErrno()
    {
        return stats().failuresByErrno();
    }

    @Override
    public long[] getBatchSizes()
    {
        final List<Long> sizes = stats().batchSizes();
        final long[] out = new long[sizes.size()];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = sizes.get(i);
        }
        return out;
    }

    @Override
    public List<PhaseRow> getPhases()
    {
        final List<PhaseRow> rows = new ArrayList<>();
        final List<PhaseStats> phases = stats().phases();
        if (phases.size() > Phase.TOTAL.ordinal() && phases.get(Phase.TOTAL.ordinal()).count() > 0)
        {
            for (final PhaseStats p : phases)
            {
                rows.add(PhaseRow.of(PhaseRow.ALL_CALLS, p.phase().name(), p));
            }
        }
        return rows;
    }

    @Override
    public long getSnapshotNanoTime()
    {
        return cache.get().nanoTime();
    }
}
