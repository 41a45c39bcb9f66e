package io.offload.servers.agent;

import org.agrona.concurrent.IdleStrategy;

/**
 * A server's default idle strategy: spin, then yield, then sleep in the server's reactor (epoll_wait), from which
 * a new submission, a cancellation, a ready fd or the next deadline wakes it. Unlike a timed park, a sleeping
 * server costs nothing and still answers the next call within one eventfd write.
 */
public final class ServerIdleStrategy implements IdleStrategy
{
    private final SyscallServer server;
    private final int maxSpins;
    private final int maxYields;
    private int spins;
    private int yields;

    /**
     * @param server    the server to put to sleep.
     * @param maxSpins  idle cycles spent spinning first.
     * @param maxYields idle cycles spent yielding next.
     */
    public ServerIdleStrategy(final SyscallServer server, final int maxSpins, final int maxYields)
    {
        this.server = server;
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        if (spins < maxSpins)
        {
            spins++;
            Thread.onSpinWait();
        }
        else if (yields < maxYields)
        {
            yields++;
            Thread.yield();
        }
        else
        {
            server.sleep();
        }
    }

    @Override
    public void reset()
    {
        spins = 0;
        yields = 0;
    }

    @Override
    public String alias()
    {
        return "reactor";
    }
}
