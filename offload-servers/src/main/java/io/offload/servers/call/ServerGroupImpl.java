package io.offload.servers;

import io.offload.api.ServerGroup;
import io.offload.api.SyscallClass;
import io.offload.servers.agent.ServerPort;
import io.offload.servers.agent.SyscallServer;

/**
 * The servers of one class, as routers see them.
 */
final class ServerGroupImpl implements ServerGroup
{
    private final SyscallClass syscallClass;
    private final SyscallServer[] servers;
    private final ServerPort[] ports;

    ServerGroupImpl(final SyscallClass syscallClass, final SyscallServer[] servers)
    {
        this.syscallClass = syscallClass;
        this.servers = servers;
        this.ports = new ServerPort[servers.length];
        for (int i = 0; i < servers.length; i++)
        {
            ports[i] = servers[i].port();
        }
    }

    ServerPort port(final int index)
    {
        return ports[index];
    }

    @Override
    public SyscallClass syscallClass()
    {
        return syscallClass;
    }

    @Override
    public int size()
    {
        return servers.length;
    }

    @Override
    public int cpu(final int index)
    {
        return servers[index].requestedCpu();
    }

    @Override
    public int queueDepth(final int index)
    {
        return ports[index].ring().size();
    }
}
