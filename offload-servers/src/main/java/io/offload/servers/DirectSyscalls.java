package io.offload.servers;

import io.offload.api.RawSyscalls;
import io.offload.api.Sockets;
import io.offload.api.Syscalls;
import io.offload.servers.call.CallMemory;
import io.offload.servers.call.DirectGate;
import io.offload.servers.call.GateSyscalls;
import io.offload.servers.net.GateSockets;

/**
 * The same calls without a runtime: each runs on the caller's thread through the same FFM bindings. The baseline
 * for every comparison, and what the INLINE route uses. Buffers follow the same rule as offloaded calls: a segment
 * of a shared arena reaches the kernel only as a copy in a process-wide bounce pool, so another thread closing
 * the arena while the call blocks cannot free memory the kernel is using.
 */
public final class DirectSyscalls
{
    private static final GateSyscalls SYSCALLS = new GateSyscalls(DirectGate.INSTANCE, CallMemory.unowned());
    private static final GateSockets SOCKETS = new GateSockets(DirectGate.INSTANCE, CallMemory.unowned());

    private DirectSyscalls()
    {
    }

    /**
     * @return blocking calls on the caller's thread.
     */
    public static Syscalls syscalls()
    {
        return SYSCALLS;
    }

    /**
     * @return TCP sockets whose calls run on the caller's thread; a call that would block waits in poll(2).
     */
    public static Sockets sockets()
    {
        return SOCKETS;
    }

    /**
     * @return raw calls on the caller's thread.
     */
    public static RawSyscalls raw()
    {
        return SYSCALLS.raw();
    }
}
