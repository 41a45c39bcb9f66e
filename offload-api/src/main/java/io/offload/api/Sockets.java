package io.offload.api;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * TCP over the runtime: listening sockets and connections whose calls run on the NETWORK servers (or inline,
 * as the runtime routes them). Sockets are non-blocking underneath; a call that would block waits in its server's
 * reactor, and the caller sees blocking semantics (a virtual thread parks). All calls on one socket go to one
 * server, so its waiters, readiness and close meet in one reactor.
 */
public interface Sockets
{
    /**
     * Open a TCP socket, set SO_REUSEADDR, bind and listen.
     *
     * @param address where to listen; port 0 picks a free port (see {@link Listener#localAddress()}).
     * @param backlog accept queue length, {@code >= 1}.
     * @return the listener.
     * @throws SyscallException if a call fails (EADDRINUSE, EACCES, ...).
     */
    Listener listen(InetSocketAddress address, int backlog) throws SyscallException;

    /**
     * Connect to a TCP peer, waiting as long as the kernel does.
     *
     * @param address a resolved address.
     * @return the connection.
     * @throws SyscallException if the connection fails (ECONNREFUSED, ETIMEDOUT, ...).
     */
    Connection connect(InetSocketAddress address) throws SyscallException;

    /**
     * Connect to a TCP peer, waiting at most {@code timeout}.
     *
     * @param address a resolved address.
     * @param timeout a positive duration.
     * @return the connection.
     * @throws SyscallException if the connection fails, or ETIMEDOUT after {@code timeout}.
     */
    Connection connect(InetSocketAddress address, Duration timeout) throws SyscallException;
}
