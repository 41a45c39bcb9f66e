package io.offload.servers;

import io.offload.api.Syscall;
import io.offload.servers.call.SyscallGate;

/**
 * A gate that sends every call to the servers of one class (or inline, if that class runs inline), whatever the
 * call's own class, choosing the server by fd. The socket API uses it so that a socket's close goes to the same
 * server as its reads and writes.
 */
final class ClassGate implements SyscallGate
{
    private final OffloadGate gate;
    private final ServerGroupImpl group;

    ClassGate(final OffloadGate gate, final ServerGroupImpl group)
    {
        this.gate = gate;
        this.group = group;
    }

    @Override
    public long call(final Syscall syscall, final long a0, final long a1, final long a2, final long a3, final long a4,
        final long a5, final long timeoutNanos)
    {
        return gate.call(group, true, syscall, a0, a1, a2, a3, a4, a5, timeoutNanos);
    }

    @Override
    public String explain(final Syscall syscall, final int errno)
    {
        return gate.explain(syscall, errno);
    }
}
