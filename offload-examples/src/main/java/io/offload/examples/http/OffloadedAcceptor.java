package io.offload.examples.http;

import io.offload.api.Connection;
import io.offload.api.Listener;
import io.offload.api.SyscallException;

/**
 * Calls offloaded to a runtime: an accept or a read waits in a server's reactor, and closing its socket from the
 * stopping thread completes it at once with EBADF. So the accept waits without a time limit, stop closes the
 * listener under it, and connections waiting between requests are closed under their reads.
 */
final class OffloadedAcceptor extends Acceptor
{
    /** A read waits as long as its deadline allows: closing the socket is what wakes it. */
    static final long READ_SLICE_NANOS = Long.MAX_VALUE;

    OffloadedAcceptor(final Listener listener, final Connections connections, final ConnectionConfig config,
        final HttpServer.Threads threads)
    {
        super(listener, connections, config, threads);
    }

    @Override
    Connection accept() throws SyscallException
    {
        return listener.accept();
    }

    @Override
    void loopEnded()
    {
        // the stopping thread closed the listener to end the loop
    }

    @Override
    void wake()
    {
        closeListener(); // the pending accept completes with EBADF
    }

    @Override
    void closeIdle(final HttpConnection connection)
    {
        connection.closeIfIdle();
    }

    @Override
    void force(final HttpConnection connection)
    {
        connection.forceClose();
    }
}
