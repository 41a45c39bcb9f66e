package io.offload.examples.http;

import io.offload.api.Connection;
import io.offload.api.Errno;
import io.offload.api.Listener;
import io.offload.api.SyscallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The accept loop of one server, and what depends on where its calls wait: each mode is one subclass, so neither
 * the server nor its connections branch on the mode.
 * <ul>
 *   <li>{@link OffloadedAcceptor}: calls wait in an offload server's reactor, and closing a socket from another
 *       thread completes the call waiting on it at once (EBADF): the stopping thread closes the listener under the
 *       accept, and idle connections under their reads.</li>
 *   <li>{@link InlineAcceptor}: calls wait in poll(2) on the caller's thread, which a close from another thread does
 *       not wake (and the fd number could be reused by the time it did): accepts and reads wait in slices and look
 *       at the server's state between them, and each thread closes its own sockets.</li>
 * </ul>
 * The loop runs on the server's accept thread until the server stops or the listener fails; each accepted socket
 * becomes an {@link HttpConnection} on a thread of its own.
 */
abstract sealed class Acceptor implements Runnable permits OffloadedAcceptor, InlineAcceptor
{
    static final Logger LOG = LoggerFactory.getLogger(Acceptor.class);

    final Listener listener;
    final int port;
    private final Connections connections;
    private final ConnectionConfig config;
    private final Thread.Builder connectionThreads;
    private final AtomicLong accepted = new AtomicLong();

    /**
     * @param listener    the listening socket; the acceptor closes it (see {@link #wake()} and {@link #loopEnded()}).
     * @param connections the server's open connections and its stopping flag.
     * @param config      what each connection is given.
     * @param threads     the kind of thread each connection runs on.
     */
    Acceptor(final Listener listener, final Connections connections, final ConnectionConfig config,
        final HttpServer.Threads threads)
    {
        this.listener = listener;
        this.port = listener.localAddress().getPort();
        this.connections = connections;
        this.config = config;
        this.connectionThreads = threads == HttpServer.Threads.VIRTUAL ?
            Thread.ofVirtual().name("http-" + port + "-conn-", 1) :
            Thread.ofPlatform().daemon(true).name("http-" + port + "-conn-", 1);
    }

    /**
     * @return the next connection; blocks (in one slice, inline).
     * @throws SyscallException ETIMEDOUT at the end of a slice, EBADF when the listener was closed, or what accept
     *                          failed with.
     */
    abstract Connection accept() throws SyscallException;

    /** The loop has ended; on the accept thread. */
    abstract void loopEnded();

    /** The server begins to stop: make a waiting accept return. Any thread. */
    abstract void wake();

    /**
     * The server begins to stop: close the connection if it waits between requests and this mode can wake it.
     *
     * @param connection an open connection.
     */
    abstract void closeIdle(HttpConnection connection);

    /**
     * The grace period is over: end a connection still busy.
     *
     * @param connection an open connection.
     */
    abstract void force(HttpConnection connection);

    /**
     * @return connections accepted so far.
     */
    long accepted()
    {
        return accepted.get();
    }

    @Override
    public void run()
    {
        while (!connections.isStopping())
        {
            final Connection connection;
            try
            {
                connection = accept();
            }
            catch (final SyscallException ex)
            {
                if (connections.isStopping())
                {
                    break; // offloaded: the listener was closed under the accept (EBADF)
                }
                if (!onAcceptFailure(ex))
                {
                    break;
                }
                continue;
            }
            catch (final RuntimeException ex)
            {
                LOG.error("accept loop on port {} failed; no more connections are accepted", port, ex);
                break;
            }
            if (connections.isStopping())
            {
                closeQuietly(connection);
                break;
            }
            final HttpConnection served = new HttpConnection(config, connections, connection,
                accepted.incrementAndGet());
            connections.add(served);
            try
            {
                connectionThreads.start(served);
            }
            catch (final RuntimeException | OutOfMemoryError ex)
            {
                LOG.error("cannot start a thread for {}; closing it", served, ex);
                connections.ended(served);
                closeQuietly(connection);
            }
        }
        loopEnded();
    }

    /**
     * @return whether the loop goes on.
     */
    private boolean onAcceptFailure(final SyscallException ex)
    {
        final int errno = ex.errno();
        if (errno == Errno.ETIMEDOUT || errno == Errno.ECONNABORTED || errno == Errno.EINTR ||
            errno == Errno.EAGAIN)
        {
            return true; // a slice ended, or a client gave up while queued: routine
        }
        if (errno == Errno.EBADF || !listener.isOpen())
        {
            LOG.error("listener on port {} is gone: {}", port, ex.getMessage());
            return false;
        }
        // out of fds or memory: retrying at once would spin; back off and let connections end
        LOG.warn("accept on port {} failed: {}; retrying in 100 ms", port, ex.getMessage());
        try
        {
            Thread.sleep(100);
        }
        catch (final InterruptedException interrupted)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    /** Close the listener, logging a failure: nothing waits for it. */
    void closeListener()
    {
        closeQuietly(listener, port);
    }

    /**
     * @param listener a listener, or null.
     * @param port     its port, for the log.
     */
    static void closeQuietly(final Listener listener, final int port)
    {
        if (listener == null)
        {
            return;
        }
        try
        {
            listener.close();
        }
        catch (final SyscallException | RuntimeException ex)
        {
            LOG.debug("closing the listener on port {}: {}", port, ex.getMessage());
        }
    }

    private static void closeQuietly(final Connection connection)
    {
        try
        {
            connection.close();
        }
        catch (final SyscallException | RuntimeException ex)
        {
            LOG.debug("closing {}: {}", connection, ex.getMessage());
        }
    }
}
