package io.offload.servers.agent;

import io.offload.servers.executor.FdOwners;

/**
 * The fd owners as one server sees them: a group of servers, fd {@code n} owned by server {@code n mod size}
 * ({@link FdOwners#ownerIndex}, the rule the callers use to send a socket's calls and its close to one server).
 * Set once at wiring, before the servers start; until then (or with no group) every fd is local.
 */
final class FdOwnerGroup implements FdOwners
{
    private final ServerPort self;
    private volatile ServerPort[] owners = new ServerPort[0];

    FdOwnerGroup(final ServerPort self)
    {
        this.self = self;
    }

    void owners(final ServerPort[] ports)
    {
        this.owners = ports.clone();
    }

    ServerPort ownerOf(final int fd)
    {
        final ServerPort[] ports = owners;
        return ports.length == 0 ? self : ports[FdOwners.ownerIndex(fd, ports.length)];
    }

    @Override
    public boolean isLocal(final int fd)
    {
        return ownerOf(fd) == self;
    }

    @Override
    public int forward(final int fd, final int handle)
    {
        return ownerOf(fd).offer(handle);
    }

    @Override
    public void cancel(final int fd, final int handle)
    {
        final ServerPort owner = ownerOf(fd);
        if (owner != self)
        {
            owner.offerControl(handle); // never through the owner's requestCancel: no forwarding back and forth
        }
    }
}
