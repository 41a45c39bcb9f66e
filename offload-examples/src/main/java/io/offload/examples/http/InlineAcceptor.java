package io.offload.examples.http;

import io.offload.api.Connection;
import io.offload.api.Listener;
import io.offload.api.SyscallException;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Calls inline, on the caller's thread: an accept or a read waits in poll(2) on its own thread, which a close from
 * another thread does not wake (and the fd number could be reused by the time it did). So accepts and reads wait in
 * slices and look at the server's state between them, the accept thread closes the listener itself when its loop
 * ends, and each connection thread closes its own socket; at the end of the grace a busy connection's output is
 * shut down (a write blocked in poll(2) wakes with EPIPE) and its sliced reads see that it was forced.
 */
final class InlineAcceptor extends Acceptor
{
    /** Longest wait in poll(2) for one read before the connection looks at the server's state again. */
    static final long READ_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Longest wait in poll(2) for one accept before the loop looks at the server's state again. */
    private static final Duration ACCEPT_SLICE = Duration.ofMillis(100);

    InlineAcceptor(final Listener listener, final Connections connections, final ConnectionConfig config,
        final HttpServer.Threads threads)
    {
        super(listener, connections, config, threads);
    }

    @Override
    Connection accept() throws SyscallException
    {
        return listener.accept(ACCEPT_SLICE);
    }

    @Override
    void loopEnded()
    {
        closeListener(); // only this thread may close it: no other thread waits in poll on it
    }

    @Override
    void wake()
    {
        // the accept looks at the stopping flag after each slice
    }

    @Override
    void closeIdle(final HttpConnection connection)
    {
        // an idle connection's sliced read sees the stopping flag and closes its own socket
    }

    @Override
    void force(final HttpConnection connection)
    {
        connection.forceShutdown();
    }
}
