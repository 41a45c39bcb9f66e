package io.offload.examples.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The connections one server has open, and whether it is stopping: what a connection asks the server while it
 * runs (stopping? then answer with {@code Connection: close}), and what it tells it when it ends. The stopping
 * thread waits here for the set to empty.
 */
final class Connections
{
    private final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /**
     * @param connection accepted, about to get its thread.
     */
    void add(final HttpConnection connection)
    {
        open.add(connection);
    }

    /**
     * @param connection its thread is done with it (or never started): the socket is closed.
     */
    void ended(final HttpConnection connection)
    {
        synchronized (open)
        {
            open.remove(connection);
            open.notifyAll();
        }
    }

    /** The server begins to stop: responses from now on carry {@code Connection: close}. */
    void stopping()
    {
        stopping = true;
    }

    /**
     * @return true once the server has begun to stop.
     */
    boolean isStopping()
    {
        return stopping;
    }

    /**
     * @return the connections open now (a live view: one may end while the caller walks it).
     */
    Iterable<HttpConnection> open()
    {
        return open;
    }

    /**
     * @return how many are open now.
     */
    int size()
    {
        return open.size();
    }

    /**
     * Wait for every connection to end.
     *
     * @param deadline {@link System#nanoTime()} to give up at.
     * @return whether none is left; false at the deadline, or at once if interrupted (the interrupt is kept).
     */
    boolean awaitNone(final long deadline)
    {
        synchronized (open)
        {
            while (!open.isEmpty())
            {
                final long remaining = deadline - System.nanoTime();
                if (remaining <= 0)
                {
                    return false;
                }
                try
                {
                    TimeUnit.NANOSECONDS.timedWait(open, remaining);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt(); // stop anyway, without waiting out the grace
                    return open.isEmpty();
                }
            }
            return true;
        }
    }

    @Override
    public String toString()
    {
        return open.toString();
    }
}
