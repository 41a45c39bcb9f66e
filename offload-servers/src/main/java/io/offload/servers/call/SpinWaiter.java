package io.offload.servers.call;

import io.offload.api.Errno;
import io.offload.rings.SyscallEntry;
import io.offload.servers.agent.EntryTable;
import io.offload.servers.agent.ServerPort;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_DONE;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_SPINNING;

/**
 * {@code WaitStrategy.SPIN} for platform threads: spin until DONE. The lowest latency; burns the caller's core.
 * The server never looks for a thread to unpark. Every 65,536 spins it checks that the server still runs.
 */
final class SpinWaiter implements CallWaiter
{
    private static final int CHECK_MASK = (1 << 16) - 1;

    @Override
    public int waiterKind()
    {
        return WAITER_SPINNING;
    }

    @Override
    public void await(final int handle, final ServerPort server, final EntryTable entries)
    {
        final SyscallEntry entry = entries.entry();
        int spins = 0;
        while (entry.lvStatus(handle) != STATUS_DONE)
        {
            Thread.onSpinWait();
            if ((++spins & CHECK_MASK) == 0 && !server.isRunning())
            {
                entries.finishIfNotPicked(handle, -Errno.ECANCELED);
            }
        }
    }
}
