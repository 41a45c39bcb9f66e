package io.offload.servers.routing;

import io.offload.api.Router;
import io.offload.api.ServerGroup;
import io.offload.api.Syscall;

/**
 * GenerOS's rule: each caller walks the servers of a class in turn, with a cursor of its own so callers do not
 * contend on a shared counter. The cursor lives in a thread-local, made on a thread's first routed call.
 */
public final class RoundRobinRouter implements Router
{
    private final ThreadLocal<int[]> cursor = ThreadLocal.withInitial(() -> new int[1]);

    @Override
    public int route(final Syscall syscall, final ServerGroup group)
    {
        final int[] next = cursor.get();
        final int size = group.size();
        int index = next[0];
        if (index >= size)
        {
            index = 0;
        }
        next[0] = index + 1;
        return index;
    }

    @Override
    public String toString()
    {
        return "round-robin";
    }
}
