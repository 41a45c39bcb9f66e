package io.offload.servers.routing;

import io.offload.api.Router;
import io.offload.api.ServerGroup;
import io.offload.api.Syscall;

/**
 * Sends each call to the server with the fewest calls queued on its ring, so that one slow call (an fsync, a
 * large read) does not hold up the calls routed behind it by a fixed rotation while another server sits idle.
 * <p>
 * Queue depths are snapshots read without locking, one per server per call, so the choice is a good guess rather
 * than a promise: two callers reading the same depths at once pick the same server. Servers with equal depths (most
 * often all empty) share the calls round-robin: each caller thread keeps a cursor, and the scan for the shortest
 * queue starts there, so ties rotate without a shared counter. A call costs one read of each server's ring indices,
 * which share cache lines with the servers that move them; with many servers per class and short calls, a
 * {@link RoundRobinRouter} or {@link NumaNearestRouter} touches less.
 */
public final class LeastLoadedRouter implements Router
{
    private final ThreadLocal<int[]> cursor = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * A router that reads every server's queue depth at each call.
     */
    public LeastLoadedRouter()
    {
    }

    @Override
    public int route(final Syscall syscall, final ServerGroup group)
    {
        final int size = group.size();
        final int[] next = cursor.get();
        int start = next[0];
        if (start >= size)
        {
            start = 0;
        }

        int best = start;
        int bestDepth = group.queueDepth(start);
        for (int step = 1; step < size && bestDepth > 0; step++)
        {
            int index = start + step;
            if (index >= size)
            {
                index -= size;
            }
            final int depth = group.queueDepth(index);
            if (depth < bestDepth)
            {
                best = index;
                bestDepth = depth;
            }
        }

        next[0] = best + 1;

        return best;
    }

    @Override
    public String toString()
    {
        return "least-loaded";
    }
}
