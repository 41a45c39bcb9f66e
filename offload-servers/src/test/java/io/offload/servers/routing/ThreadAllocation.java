package io.offload.servers.routing;

import java.lang.management.ManagementFactory;

/**
 * Bytes the calling thread has allocated so far, for the tests that show a router allocates nothing per call.
 */
public final class ThreadAllocation
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private ThreadAllocation()
    {
    }

    /**
     * @return the calling thread's allocated bytes since it started; the difference of two reads is what ran between.
     */
    public static long bytesSoFar()
    {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().threadId());
    }
}
