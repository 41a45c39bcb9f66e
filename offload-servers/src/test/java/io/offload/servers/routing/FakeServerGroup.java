package io.offload.servers.routing;

import io.offload.api.ServerGroup;
import io.offload.api.SyscallClass;

/**
 * A server group with no servers behind it: CPUs and queue depths a test sets, so routers can be checked against
 * machines this one is not.
 */
final class FakeServerGroup implements ServerGroup
{
    private final int[] cpus;
    private final int[] depths;

    private FakeServerGroup(final int[] cpus)
    {
        this.cpus = cpus.clone();
        this.depths = new int[cpus.length];
    }

    /**
     * @param cpus one CPU per server, -1 for an unpinned one.
     * @return a FILE group with those servers, all queues empty.
     */
    static FakeServerGroup onCpus(final int... cpus)
    {
        return new FakeServerGroup(cpus);
    }

    /**
     * @param depths one queue depth per server.
     * @return this group with those depths.
     */
    FakeServerGroup depths(final int... depths)
    {
        if (depths.length != this.depths.length)
        {
            throw new IllegalArgumentException(
                depths.length + " depths for " + this.depths.length + " servers: expected one per server");
        }
        System.arraycopy(depths, 0, this.depths, 0, depths.length);
        return this;
    }

    @Override
    public SyscallClass syscallClass()
    {
        return SyscallClass.FILE;
    }

    @Override
    public int size()
    {
        return cpus.length;
    }

    @Override
    public int cpu(final int index)
    {
        return cpus[index];
    }

    @Override
    public int queueDepth(final int index)
    {
        return depths[index];
    }
}
