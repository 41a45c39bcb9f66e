package io.offload.examples.http;

import io.offload.api.Connection;
import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.api.SyscallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The socket of one connection, and who may close it when. The connection's thread makes every call through it;
 * the stopping thread may close it, but only while the connection waits between requests, which a small state
 * machine decides:
 * <pre>
 *   BUSY --enterIdle()--> IDLE --leaveIdle()--> BUSY      (the connection's thread, around a read for a request)
 *                         IDLE --closeIfIdle()--> CLOSED  (the stopping thread: closes the socket)
 *   any  --forceClose() / forceShutdown()--> CLOSED       (the stopping thread, once the grace is over)
 * </pre>
 * Once the stopping thread has closed it, every call fails here with EBADF: the library's Connection does not
 * refuse calls after close, and a closed fd number may already belong to another socket or file.
 */
final class ConnectionSocket
{
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionSocket.class);

    /** Serving a request (or about to read its rest): the stopping thread leaves it alone until the grace ends. */
    static final int BUSY = 0;
    /** Waiting for the next request with nothing buffered: the stopping thread may close it. */
    static final int IDLE = 1;
    /** Closed by the stopping thread. */
    static final int CLOSED = 2;

    private final Connection connection;
    private final long id;
    private final AtomicInteger state = new AtomicInteger(BUSY);
    private final ReentrantLock closeLock = new ReentrantLock();
    private volatile boolean closed;
    private volatile boolean forced;
    private boolean failed;

    /**
     * @param connection the accepted socket.
     * @param id         the connection's number, for the log.
     */
    ConnectionSocket(final Connection connection, final long id)
    {
        this.connection = connection;
        this.id = id;
    }

    /**
     * @return whether the connection may wait for its next request now; false if the stopping thread got to it
     * first.
     */
    boolean enterIdle()
    {
        return state.compareAndSet(BUSY, IDLE);
    }

    /**
     * @return whether the connection is still its own thread's; false if the stopping thread closed it meanwhile,
     * and then what was read is not its to use.
     */
    boolean leaveIdle()
    {
        return state.compareAndSet(IDLE, BUSY);
    }

    /**
     * @return whether the stopping thread has closed it or forced it.
     */
    boolean isClosedByStop()
    {
        return closed || forced;
    }

    /**
     * @return whether the grace period is over for this connection.
     */
    boolean isForced()
    {
        return forced;
    }

    /**
     * @return whether a call on it has failed for a reason other than a read timeout: the client is gone.
     */
    boolean failed()
    {
        return failed;
    }

    /**
     * @param buf     where the bytes go.
     * @param timeout the longest the read may wait.
     * @return bytes read, 0 at end of stream.
     * @throws SyscallException ETIMEDOUT after the timeout (the socket is still good), or what the read failed with.
     */
    long read(final MemorySegment buf, final Duration timeout) throws SyscallException
    {
        ensureOpen(Syscall.RECVFROM);
        try
        {
            return connection.read(buf, timeout);
        }
        catch (final SyscallException ex)
        {
            if (ex.errno() != Errno.ETIMEDOUT)
            {
                failed = true;
            }
            throw ex;
        }
    }

    /**
     * Write a whole buffer to the client.
     *
     * @param buf native bytes.
     * @throws SyscallException EPIPE or ECONNRESET if the client is gone.
     */
    void write(final MemorySegment buf) throws SyscallException
    {
        ensureOpen(Syscall.SENDTO);
        try
        {
            connection.write(buf);
        }
        catch (final SyscallException ex)
        {
            failed = true;
            throw ex;
        }
    }

    /**
     * Write a head and a body, whole, as one gathering write.
     *
     * @param head native bytes written first.
     * @param body native bytes written after them.
     * @throws SyscallException EPIPE or ECONNRESET if the client is gone.
     */
    void write(final MemorySegment head, final MemorySegment body) throws SyscallException
    {
        ensureOpen(Syscall.SENDTO);
        try
        {
            connection.write(head, body);
        }
        catch (final SyscallException ex)
        {
            failed = true;
            throw ex;
        }
    }

    /**
     * @param fileFd the file.
     * @param offset where in it to start.
     * @param count  bytes to send.
     * @return bytes sent with sendfile(2); fewer than {@code count} only if the file is shorter.
     * @throws SyscallException if the client is gone.
     */
    long sendFile(final int fileFd, final long offset, final long count) throws SyscallException
    {
        ensureOpen(Syscall.SENDFILE);
        try
        {
            return connection.sendFile(fileFd, offset, count);
        }
        catch (final SyscallException ex)
        {
            failed = true;
            throw ex;
        }
    }

    /**
     * Shut the output down, so the client reads the whole response and then end of stream.
     *
     * @throws SyscallException if the socket is gone.
     */
    void shutdownOutput() throws SyscallException
    {
        ensureOpen(Syscall.SHUTDOWN);
        connection.shutdownOutput();
    }

    /**
     * @param on whether to send small writes at once (no Nagle).
     * @throws SyscallException if the socket is gone.
     */
    void setNoDelay(final boolean on) throws SyscallException
    {
        connection.setNoDelay(on);
    }

    private void ensureOpen(final Syscall syscall) throws SyscallException
    {
        if (closed)
        {
            failed = true;
            throw new SyscallException(syscall, Errno.EBADF, "fd=" + connection.fd() + ", closed by the server's stop");
        }
    }

    /** Graceful stop, offloaded: close it if it waits for a next request (its pending read ends with EBADF). */
    void closeIfIdle()
    {
        if (state.compareAndSet(IDLE, CLOSED))
        {
            close();
        }
    }

    /** The grace is over, offloaded: close it; pending calls complete with EBADF. */
    void forceClose()
    {
        forced = true;
        state.set(CLOSED);
        close();
    }

    /**
     * The grace is over, inline: shut its output down (a write blocked in poll(2) wakes with EPIPE); its sliced
     * reads see {@link #isForced()}, and its own thread closes it.
     */
    void forceShutdown()
    {
        forced = true;
        state.set(CLOSED);
        closeLock.lock();
        try
        {
            if (!closed)
            {
                connection.shutdownOutput();
            }
        }
        catch (final SyscallException ex)
        {
            LOG.debug("connection {}: shutdown on stop: {}", id, ex.getMessage());
        }
        finally
        {
            closeLock.unlock();
        }
    }

    /** Close it, once, from whichever thread gets here first. */
    void close()
    {
        closeLock.lock();
        try
        {
            if (!closed)
            {
                closed = true;
                connection.close();
            }
        }
        catch (final SyscallException | RuntimeException ex)
        {
            LOG.debug("connection {}: close: {}", id, ex.getMessage());
        }
        finally
        {
            closeLock.unlock();
        }
    }

    /**
     * @return the fd number, for the log.
     */
    int fd()
    {
        return connection.fd();
    }
}
