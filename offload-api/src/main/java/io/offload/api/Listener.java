package io.offload.api;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A listening TCP socket.
 */
public interface Listener extends AutoCloseable
{
    /**
     * Wait for and take the next connection. Waiting costs no server: the call sits in its server's wait queue.
     *
     * @return the connection, non-blocking underneath.
     * @throws SyscallException if accept fails; EBADF if the listener is closed meanwhile.
     */
    Connection accept() throws SyscallException;

    /**
     * @param timeout a positive duration.
     * @return the next connection.
     * @throws SyscallException ETIMEDOUT if none came within {@code timeout}.
     */
    Connection accept(Duration timeout) throws SyscallException;

    /**
     * @return the bound address (with the port the kernel chose for port 0).
     */
    InetSocketAddress localAddress();

    /**
     * @return the file descriptor.
     */
    int fd();

    /**
     * @return false once closed.
     */
    boolean isOpen();

    /**
     * Close the socket; a pending accept completes with EBADF. Idempotent.
     *
     * @throws SyscallException if close fails.
     */
    @Override
    void close() throws SyscallException;
}
