package io.offload.examples.http;

import io.offload.api.Connection;
import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.api.SyscallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One client connection, served on its own thread: read a request's header block into a native buffer, parse it
 * in place, read its body, run the handler, write the response; again while the connection is kept alive.
 * Requests that arrive together (pipelining) are parsed from the same buffer in order, each answered before the
 * next is looked at.
 * <p>
 * <b>Waiting and stopping.</b> Every read has a deadline: the read timeout for the whole header block (so a client
 * that trickles one byte at a time is not given the timeout per byte), and per read for a body. How a connection
 * waiting for its next request is stopped depends on where its calls wait:
 * <ul>
 *   <li>offloaded: the read waits in a server's reactor, and closing the socket from the stopping thread completes
 *       it at once with EBADF. A small state machine (BUSY, IDLE, CLOSED) makes sure the stopping thread closes
 *       only a connection that is waiting between requests, never one in the middle of a request;</li>
 *   <li>inline: the read waits in poll(2) on this thread, which a close from another thread does not wake (and the
 *       fd number could be reused by the time it did). So the read waits in slices of {@link #SLICE_NANOS} and
 *       looks at the server's state between them; this thread always closes its own socket.</li>
 * </ul>
 */
final class HttpConnection implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);

    /** Serving a request (or about to read its rest): the stopping thread leaves it alone until the grace ends. */
    static final int BUSY = 0;
    /** Waiting for the next request with nothing buffered: the stopping thread may close it. */
    static final int IDLE = 1;
    /** Closed by the stopping thread. */
    static final int CLOSED = 2;

    /** Longest wait in poll(2) in inline mode before looking at the server's state again. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Longest a lingering close waits for the client to finish sending. */
    static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The same while the server stops: the client was told {@code Connection: close} and the stop should not wait. */
    static final long LINGER_STOPPING_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Most bytes a lingering close reads and drops before it gives up on the client. */
    static final long LINGER_MAX_BYTES = 1024 * 1024;
    /** The native write buffer: status line, headers and small bodies. */
    static final int OUT_CAPACITY = 16 * 1024;

    private static final long STOPPED = -1;
    private static final long TIMED_OUT = -2;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final Connection connection;
    private final long id;
    private final AtomicInteger state = new AtomicInteger(BUSY);
    private final ReentrantLock closeLock = new ReentrantLock();
    private volatile boolean closed;
    private volatile boolean forced;
    private boolean socketFailed;
    private boolean lingerOnClose;

    private Arena arena;
    private MemorySegment in;
    private long start;
    private long end;
    private RequestParser parser;
    private NativeOutput out;
    private BodyStream bodyStream;
    private HttpRequest request;
    private HttpResponse response;
    private long requests;

    HttpConnection(final HttpServer server, final Connection connection, final long id)
    {
        this.server = server;
        this.connection = connection;
        this.id = id;
    }

    @Override
    public void run()
    {
        try (Arena confined = Arena.ofConfined())
        {
            arena = confined;
            in = confined.allocate(server.maxHeaderBytes());
            parser = new RequestParser(in, new byte[server.maxHeaderBytes()]);
            out = new NativeOutput(this, confined.allocate(OUT_CAPACITY));
            request = new HttpRequest(server, connection);
            response = new HttpResponse(this, out);
            connection.setNoDelay(true); // headers then sendfile: Nagle would hold the tail of the file back
            while (serveOne())
            {
                // next request on this connection
            }
            if (lingerOnClose && !socketFailed && !closed && !forced)
            {
                linger();
            }
        }
        catch (final SyscallException ex)
        {
            if (closed || forced)
            {
                LOG.debug("connection {}: closed by the server's stop ({})", id, ex.getMessage());
            }
            else if (isClientGone(ex))
            {
                LOG.debug("connection {}: client went away: {}", id, ex.getMessage());
            }
            else
            {
                LOG.warn("connection {}: {}", id, ex.getMessage());
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.warn("connection {} failed", id, ex);
        }
        finally
        {
            arena = null;
            closeSocket();
            server.connectionEnded(this);
        }
    }

    /**
     * @return whether the failure is the peer's doing (reset, gone, stalled past the timeout): routine for a
     * server, logged at debug.
     */
    static boolean isClientGone(final SyscallException ex)
    {
        final int errno = ex.errno();
        return errno == Errno.EPIPE || errno == Errno.ECONNRESET || errno == Errno.ETIMEDOUT ||
            errno == Errno.ECONNABORTED || errno == Errno.ENOTCONN;
    }

    /**
     * Serve one request.
     *
     * @return whether to go on with the next request on this connection.
     */
    private boolean serveOne() throws IOException
    {
        request.reset();
        response.reset(request);
        final long headerDeadline = System.nanoTime() + server.readTimeoutNanos();
        long scanFrom = start;
        long headerEnd;
        while (true)
        {
            while (start < end && isLineBreak(in.get(ValueLayout.JAVA_BYTE, start)))
            {
                start++; // RFC 9112 section 2.2: empty lines before a request line are ignored
            }
            if (start == end)
            {
                start = 0;
                end = 0;
                scanFrom = 0;
            }
            scanFrom = Math.max(scanFrom, start);
            headerEnd = parser.findHeaderEnd(scanFrom, end);
            if (headerEnd >= 0)
            {
                break;
            }
            scanFrom = Math.max(start, end - 2); // the blank line may straddle this read and the next
            if (end - start >= server.maxHeaderBytes())
            {
                final boolean requestLine = !parser.hasLineFeed(start, end);
                return answerError(new HttpError(
                    requestLine ? HttpStatus.URI_TOO_LONG : HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    (requestLine ? "request line" : "header block") + " longer than " + server.maxHeaderBytes() +
                        " bytes", true));
            }
            if (end == in.byteSize())
            {
                MemorySegment.copy(in, start, in, 0, end - start); // a pipelined request straddles the end
                scanFrom -= start;
                end -= start;
                start = 0;
            }
            final long n = fill(headerDeadline, start == end);
            if (n == STOPPED || n == 0)
            {
                return false; // stopping, or the client closed (mid-request or between requests)
            }
            if (n == TIMED_OUT)
            {
                if (start < end)
                {
                    LOG.debug("connection {}: client stalled mid-request for {} ms", id,
                        TimeUnit.NANOSECONDS.toMillis(server.readTimeoutNanos()));
                    return answerError(new HttpError(HttpStatus.REQUEST_TIMEOUT,
                        "request not complete within the read timeout", true));
                }
                LOG.debug("connection {}: idle for the read timeout, closing", id);
                return false;
            }
            end += n;
        }
        try
        {
            parser.parse(start, headerEnd, request);
        }
        catch (final HttpError error)
        {
            start = headerEnd;
            return answerError(error);
        }
        start = headerEnd;
        requests++;
        if (!readBody())
        {
            return false;
        }
        return dispatch();
    }

    /**
     * @return false if the connection must close (body too large, client gone or stalled).
     */
    private boolean readBody() throws IOException
    {
        final long length = request.contentLength();
        if (length == 0)
        {
            return true;
        }
        if (length > server.maxBodyBytes())
        {
            return answerError(new HttpError(HttpStatus.CONTENT_TOO_LARGE,
                "request body of " + length + " bytes is over the limit of " + server.maxBodyBytes(), true));
        }
        final byte[] body = new byte[(int)length];
        int have = (int)Math.min(end - start, length);
        MemorySegment.copy(in, ValueLayout.JAVA_BYTE, start, body, 0, have);
        start += have;
        if (have < length && request.expectContinue())
        {
            write(nativeCopy(CONTINUE));
        }
        while (have < length)
        {
            start = 0;
            end = 0;
            final long n = fill(System.nanoTime() + server.readTimeoutNanos(), false);
            if (n == STOPPED || n == 0)
            {
                return false;
            }
            if (n == TIMED_OUT)
            {
                return answerError(new HttpError(HttpStatus.REQUEST_TIMEOUT,
                    "request body not complete within the read timeout", true));
            }
            end = n;
            final int take = (int)Math.min(n, length - have);
            MemorySegment.copy(in, ValueLayout.JAVA_BYTE, 0, body, have, take);
            have += take;
            start = take;
        }
        request.body(body);
        return true;
    }

    private MemorySegment nativeCopy(final byte[] bytes)
    {
        final MemorySegment copy = arena.allocate(bytes.length);
        MemorySegment.copy(bytes, 0, copy, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return copy;
    }

    private boolean dispatch() throws IOException
    {
        final HttpHandler handler = server.route(request);
        try
        {
            handler.handle(request, response);
            response.finish();
        }
        catch (final IOException | RuntimeException ex)
        {
            if (socketFailed && ex instanceof SyscallException socketFailure)
            {
                throw socketFailure; // the client is gone: nothing to answer
            }
            if (socketFailed)
            {
                LOG.debug("connection {}: {} failed after the client went away", id, request, ex);
                return false;
            }
            if (response.isCommitted())
            {
                LOG.warn("connection {}: handler for {} failed after the response began; closing", id, request, ex);
                return false;
            }
            LOG.warn("connection {}: handler for {} failed", id, request, ex);
            response.reset(request);
            response.sendError(HttpStatus.INTERNAL_SERVER_ERROR, ex.getClass().getSimpleName());
        }
        lingerOnClose = !response.keepAlive();
        return !lingerOnClose;
    }

    /**
     * Answer a request the server refuses before any handler runs.
     *
     * @return whether the connection may go on.
     */
    private boolean answerError(final HttpError error) throws IOException
    {
        LOG.debug("connection {}: {} {}", id, error.status(), error.getMessage());
        response.reset(request);
        if (error.closeAfter())
        {
            response.header("Connection", "close");
        }
        response.sendError(error.status(), error.getMessage());
        final boolean keepAlive = !error.closeAfter() && response.keepAlive();
        lingerOnClose = !keepAlive;
        return keepAlive;
    }

    /**
     * Close gracefully after the server decided to (an error, {@code Connection: close}, a stop): shut the output
     * down, so the client reads the whole response and then end of stream, and read and drop what the client is
     * still sending, for a while. Closing at once with unread bytes in the receive buffer makes the kernel send a
     * reset, and a client that gets the reset before it has read the response loses the response (the 400 or 431
     * it was sent would never be seen). This is Apache's "lingering close".
     */
    private void linger()
    {
        try
        {
            ensureOpen(Syscall.SHUTDOWN);
            connection.shutdownOutput();
            final long deadline = System.nanoTime() + Math.min(server.readTimeoutNanos(),
                server.isStopping() ? LINGER_STOPPING_NANOS : LINGER_NANOS);
            long drained = 0;
            while (drained < LINGER_MAX_BYTES)
            {
                start = 0;
                end = 0;
                final long n = readUntil(deadline, false);
                if (n <= 0)
                {
                    break; // end of stream (the client closed), timed out, or stopped
                }
                drained += n;
            }
        }
        catch (final SyscallException ex)
        {
            LOG.debug("connection {}: lingering close: {}", id, ex.getMessage());
        }
    }

    /**
     * Read more bytes into {@code in[end, capacity)}.
     *
     * @param deadline when to give up ({@link System#nanoTime()}).
     * @param idle     nothing of a request has arrived yet: the stopping thread may close the connection now.
     * @return bytes read (at least 1), 0 at end of stream, {@link #STOPPED} or {@link #TIMED_OUT}.
     */
    private long fill(final long deadline, final boolean idle) throws SyscallException
    {
        if (!idle)
        {
            return readUntil(deadline, false);
        }
        if (!state.compareAndSet(BUSY, IDLE))
        {
            return STOPPED;
        }
        if (server.isStopping())
        {
            state.compareAndSet(IDLE, BUSY);
            return STOPPED; // closed by us (finally in run) or by the stopping thread: either way, done
        }
        final long n;
        try
        {
            n = readUntil(deadline, true);
        }
        catch (final SyscallException ex)
        {
            if (!state.compareAndSet(IDLE, BUSY))
            {
                return STOPPED; // the stopping thread closed the socket under the read: EBADF
            }
            throw ex;
        }
        if (!state.compareAndSet(IDLE, BUSY))
        {
            return STOPPED; // closed by the stopping thread just as the bytes came: it is not ours to use
        }
        return n;
    }

    private long readUntil(final long deadline, final boolean idle) throws SyscallException
    {
        final boolean sliced = server.blockingInCaller();
        final MemorySegment room = in.asSlice(end, in.byteSize() - end);
        while (true)
        {
            if (forced || (idle && sliced && server.isStopping()))
            {
                return STOPPED;
            }
            final long remaining = deadline - System.nanoTime();
            if (remaining <= 0)
            {
                return TIMED_OUT;
            }
            final long wait = sliced ? Math.min(remaining, SLICE_NANOS) : remaining;
            try
            {
                return read(room, Duration.ofNanos(wait));
            }
            catch (final SyscallException ex)
            {
                if (ex.errno() != Errno.ETIMEDOUT)
                {
                    throw ex;
                }
            }
        }
    }

    private long read(final MemorySegment buf, final Duration timeout) throws SyscallException
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
                socketFailed = true;
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
            socketFailed = true;
            throw ex;
        }
    }

    /**
     * @return bytes sent with sendfile(2); fewer than {@code count} only if the file is shorter.
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
            socketFailed = true;
            throw ex;
        }
    }

    /**
     * The library's Connection does not refuse calls after close, and a closed fd number may already belong to
     * another socket or file; so calls stop here once the stopping thread has closed this connection.
     */
    private void ensureOpen(final Syscall syscall) throws SyscallException
    {
        if (closed)
        {
            socketFailed = true;
            throw new SyscallException(syscall, Errno.EBADF, "fd=" + connection.fd() + ", closed by the server's stop");
        }
    }

    BodyStream bodyStream()
    {
        if (bodyStream == null)
        {
            bodyStream = new BodyStream(this, arena.allocate(BodyStream.bufferSize()));
        }
        return bodyStream;
    }

    HttpServer server()
    {
        return server;
    }

    /**
     * Graceful stop, offloaded mode: close the connection if it is waiting for a next request; one that is
     * serving a request finishes it (answering with {@code Connection: close}).
     */
    void closeIfIdle()
    {
        if (state.compareAndSet(IDLE, CLOSED))
        {
            closeSocket();
        }
    }

    /**
     * The grace period is over: offloaded, close the socket (pending calls complete with EBADF); inline, shut its
     * output down (a write blocked in poll(2) wakes with EPIPE) and let the sliced reads see {@link #forced}.
     */
    void force()
    {
        forced = true;
        state.set(CLOSED);
        if (!server.blockingInCaller())
        {
            closeSocket();
            return;
        }
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

    private void closeSocket()
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

    private static boolean isLineBreak(final byte b)
    {
        return b == '\r' || b == '\n';
    }

    @Override
    public String toString()
    {
        return "connection " + id + " (fd " + connection.fd() + ", " + requests + " request(s))";
    }
}
