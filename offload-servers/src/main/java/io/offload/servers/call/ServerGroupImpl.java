package io.offload.servers.call;

import io.offload.api.ServerGroup;
import io.offload.api.SyscallClass;
import io.offload.servers.agent.ServerPort;

/**
 * The servers of one class, as callers and routers see them: each server's port (its ring and flags) and the CPU
 * it was asked to run on. Immutable.
 */
public final class ServerGroupImpl implements ServerGroup
{
    private final SyscallClass syscallClass;
    private final ServerPort[] ports;
    private final int[] cpus;

    /**
     * @param syscallClass the class the servers serve.
     * @param ports        each server's port, in index order.
     * @param cpus         each server's requested CPU, or -1.
     */
    public ServerGroupImpl(final SyscallClass syscallClass, final ServerPort[] ports, final int[] cpus)
    {
        if (ports.length == 0 || ports.length != cpus.length)
        {
            throw new IllegalArgumentException(
                "a group needs one CPU per server and at least one server, got " + ports.length + " ports and " +
                cpus.length + " cpus");
        }
        this.syscallClass = syscallClass;
        this.ports = ports.clone();
        this.cpus = cpus.clone();
    }

    /**
     * @param index a server's index in the group.
     * @return its port.
     */
    public ServerPort port(final int index)
    {
        return ports[index];
    }

    /**
     * @return a copy of every server's port, in index order.
     */
    public ServerPort[] ports()
    {
        return ports.clone();
    }

    @Override
    public SyscallClass syscallClass()
    {
        return syscallClass;
    }

    @Override
    public int size()
    {
        return ports.length;
    }

    @Override
    public int cpu(final int index)
    {
        return cpus[index];
    }

    @Override
    public int queueDepth(final int index)
    {
        return ports[index].ring().size();
    }
}
