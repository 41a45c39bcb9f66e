package io.offload.servers.routing;

import io.offload.api.Router;
import io.offload.api.ServerGroup;
import io.offload.api.Syscall;

/**
 * GenerOS's rule: each caller walks the servers of a class in turn, with a cursor of its own so callers do not
 * contend on a shared counter. The cursor lives in a thread-local, made on a thread's first routed call, and starts
 * at a place drawn from the thread's id (a 64-bit mix of it, so ids handed out in strides still spread): a server
 * that makes one virtual thread per request, each making one call, spreads its calls over the servers as a
 * long-lived caller does, with nothing shared written on the way.
 */
public final class RoundRobinRouter implements Router
{
    private final ThreadLocal<int[]> cursor = ThreadLocal.withInitial(RoundRobinRouter::startingCursor);

    /**
     * A router whose callers each start at a place drawn from their thread's id.
     */
    public RoundRobinRouter()
    {
    }

    private static int[] startingCursor()
    {
        return new int[]{(int)(mix(Thread.currentThread().threadId()) >>> 33)}; // non-negative
    }

    /**
     * The finaliser of SplitMix64 (Steele, Lea, Flood): every bit of the id moves every bit of the result.
     */
    private static long mix(final long id)
    {
        long z = id + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public int route(final Syscall syscall, final ServerGroup group)
    {
        final int[] next = cursor.get();
        final int index = next[0];
        next[0] = index + 1 < 0 ? 0 : index + 1; // stays non-negative past Integer.MAX_VALUE calls
        return index % group.size();
    }

    @Override
    public String toString()
    {
        return "round-robin";
    }
}
