package io.offload.examples.http;

import io.offload.api.Connection;
import io.offload.api.Errno;
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

/**
 * One client connection, served on its own thread: read a request's header block into a native buffer, parse it
 * in place, read its body, run the handler, write the response; again while the connection is kept alive.
 * Requests that arrive together (pipelining) are parsed from the same buffer in order, each answered before the
 * next is looked at.
 * <p>
 * <b>Waiting and stopping.</b> Every read has a deadline: the read timeout for the whole header block (so a client
 * that trickles one byte at a time is not given the timeout per byte), and per read for a body. A read waits at
 * most {@link ConnectionConfig#readSliceNanos()} at a time and looks at the server's state between slices: offloaded,
 * the slice is unbounded and the stopping thread wakes a connection waiting for its next request by closing its
 * socket ({@link ConnectionSocket} decides when it may); inline, a read in poll(2) cannot be woken from another
 * thread, so it waits in short slices and this thread closes its own socket ({@link Acceptor} has both modes).
 * <p>
 * Everything it needs from its server comes in the constructor: the {@link ConnectionConfig}, fixed at start, and
 * the {@link Connections} it belongs to, asked whether the server is stopping and told when this one ends.
 */
final class HttpConnection implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);

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

    private final ConnectionConfig config;
    private final Connections owner;
    private final Connection connection;
    private final ConnectionSocket socket;
    private final long id;
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

    /**
     * @param config     what every connection of the server is given.
     * @param owner      the server's connections, this one among them.
     * @param connection the accepted socket; this connection closes it.
     * @param id         its number, for the log.
     */
    HttpConnection(final ConnectionConfig config, final Connections owner, final Connection connection,
        final long id)
    {
        this.config = config;
        this.owner = owner;
        this.connection = connection;
        this.socket = new ConnectionSocket(connection, id);
        this.id = id;
    }

    @Override
    public void run()
    {
        try (Arena confined = Arena.ofConfined())
        {
            arena = confined;
            in = confined.allocate(config.maxHeaderBytes());
            parser = new RequestParser(in, new byte[config.maxHeaderBytes()]);
            out = new NativeOutput(socket, confined.allocate(OUT_CAPACITY));
            request = new HttpRequest(config, connection);
            response = new HttpResponse(this, out);
            socket.setNoDelay(true); // headers then sendfile: Nagle would hold the tail of the file back
            while (serveOne())
            {
                // next request on this connection
            }
            if (lingerOnClose && !socket.failed() && !socket.isClosedByStop())
            {
                linger();
            }
        }
        catch (final SyscallException ex)
        {
            if (socket.isClosedByStop())
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
            socket.close();
            owner.ended(this);
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
        final long headerDeadline = System.nanoTime() + config.readTimeoutNanos();
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
            if (end - start >= config.maxHeaderBytes())
            {
                final boolean requestLine = !parser.hasLineFeed(start, end);
                return answerError(new HttpError(
                    requestLine ? HttpStatus.URI_TOO_LONG : HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    (requestLine ? "request line" : "header block") + " longer than " + config.maxHeaderBytes() +
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
                        TimeUnit.NANOSECONDS.toMillis(config.readTimeoutNanos()));
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
        if (length > config.maxBodyBytes())
        {
            return answerError(new HttpError(HttpStatus.CONTENT_TOO_LARGE,
                "request body of " + length + " bytes is over the limit of " + config.maxBodyBytes(), true));
        }
        final byte[] body = new byte[(int)length];
        int have = (int)Math.min(end - start, length);
        MemorySegment.copy(in, ValueLayout.JAVA_BYTE, start, body, 0, have);
        start += have;
        if (have < length && request.expectContinue())
        {
            socket.write(nativeCopy(CONTINUE));
        }
        while (have < length)
        {
            start = 0;
            end = 0;
            final long n = fill(System.nanoTime() + config.readTimeoutNanos(), false);
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
        final HttpHandler handler = config.routes().route(request);
        try
        {
            handler.handle(request, response);
            response.finish();
        }
        catch (final IOException | RuntimeException ex)
        {
            if (socket.failed() && ex instanceof SyscallException socketFailure)
            {
                throw socketFailure; // the client is gone: nothing to answer
            }
            if (socket.failed())
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
            socket.shutdownOutput();
            final long deadline = System.nanoTime() + Math.min(config.readTimeoutNanos(),
                owner.isStopping() ? LINGER_STOPPING_NANOS : LINGER_NANOS);
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
        if (!socket.enterIdle())
        {
            return STOPPED;
        }
        if (owner.isStopping())
        {
            socket.leaveIdle();
            return STOPPED; // closed by us (finally in run) or by the stopping thread: either way, done
        }
        final long n;
        try
        {
            n = readUntil(deadline, true);
        }
        catch (final SyscallException ex)
        {
            if (!socket.leaveIdle())
            {
                return STOPPED; // the stopping thread closed the socket under the read: EBADF
            }
            throw ex;
        }
        if (!socket.leaveIdle())
        {
            return STOPPED; // closed by the stopping thread just as the bytes came: it is not ours to use
        }
        return n;
    }

    /**
     * Read into {@code in[end, capacity)}, in slices of at most {@link ConnectionConfig#readSliceNanos()}, looking
     * between them at whether the grace is over (or, waiting for a next request, whether the server is stopping).
     */
    private long readUntil(final long deadline, final boolean idle) throws SyscallException
    {
        final MemorySegment room = in.asSlice(end, in.byteSize() - end);
        while (true)
        {
            if (socket.isForced() || (idle && owner.isStopping()))
            {
                return STOPPED;
            }
            final long remaining = deadline - System.nanoTime();
            if (remaining <= 0)
            {
                return TIMED_OUT;
            }
            try
            {
                return socket.read(room, Duration.ofNanos(Math.min(remaining, config.readSliceNanos())));
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

    BodyStream bodyStream()
    {
        if (bodyStream == null)
        {
            bodyStream = new BodyStream(socket, arena.allocate(BodyStream.bufferSize()));
        }
        return bodyStream;
    }

    /**
     * @return its socket, for the response's writes.
     */
    ConnectionSocket socket()
    {
        return socket;
    }

    /**
     * @return whether the server has begun to stop: a response then says {@code Connection: close}.
     */
    boolean isServerStopping()
    {
        return owner.isStopping();
    }

    /** Graceful stop, offloaded: see {@link ConnectionSocket#closeIfIdle()}. */
    void closeIfIdle()
    {
        socket.closeIfIdle();
    }

    /** End of the grace, offloaded: see {@link ConnectionSocket#forceClose()}. */
    void forceClose()
    {
        socket.forceClose();
    }

    /** End of the grace, inline: see {@link ConnectionSocket#forceShutdown()}. */
    void forceShutdown()
    {
        socket.forceShutdown();
    }

    private static boolean isLineBreak(final byte b)
    {
        return b == '\r' || b == '\n';
    }

    @Override
    public String toString()
    {
        return "connection " + id + " (fd " + socket.fd() + ", " + requests + " request(s))";
    }
}
