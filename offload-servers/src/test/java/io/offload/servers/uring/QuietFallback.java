package io.offload.servers.uring;

import io.offload.servers.executor.ServerExecutor;

/**
 * A fallback executor for io_uring executor tests that holds nothing: no work of its own, nothing to cancel, wake
 * or settle. A test says only what {@link #start} does with the calls routed to it.
 */
abstract class QuietFallback implements ServerExecutor
{
    @Override
    public int doWork(final long nowNanos)
    {
        return 0;
    }

    @Override
    public boolean cancel(final int handle)
    {
        return false;
    }

    @Override
    public void idle(final long maxNanos)
    {
    }

    @Override
    public void wake()
    {
    }

    @Override
    public int inFlight()
    {
        return 0;
    }

    @Override
    public void settleAll()
    {
    }

    @Override
    public void close()
    {
    }
}
