package io.offload.examples.http;

import io.offload.api.SyscallException;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer to one request. Set the status and headers, then send the body exactly one way: {@link #send(byte[])}
 * (Content-Length), {@link #sendFile(int, long, long)} (sendfile(2), no copy through the JVM), or
 * {@link #stream()} (chunked when long, Content-Length when it turns out short); the static file handler also sends
 * cached files' bytes from native memory. The server adds {@code Date},
 * {@code Server}, the framing headers and {@code Connection}; a HEAD request gets the same headers and no body.
 * <p>
 * One instance per connection, reset for each request, like the request; a handler must not keep it.
 */
public final class HttpResponse
{
    /** The {@code Server} header. */
    public static final String SERVER = "offload-http/0.1";

    private final HttpConnection connection;
    private final NativeOutput out;
    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();
    private HttpRequest request;
    private BodyStream stream;
    private int status;
    private boolean committed;
    private boolean closeRequested;
    private boolean closeDelimited;
    private boolean keepAlive;

    HttpResponse(final HttpConnection connection, final NativeOutput out)
    {
        this.connection = connection;
        this.out = out;
    }

    void reset(final HttpRequest request)
    {
        this.request = request;
        names.clear();
        values.clear();
        status = HttpStatus.OK;
        committed = false;
        closeRequested = false;
        closeDelimited = false;
        keepAlive = false;
        out.discard();
    }

    /**
     * @param code a final status, 200..599 (the server sends 100 Continue itself).
     * @return this.
     */
    public HttpResponse status(final int code)
    {
        ensureNotCommitted("status");
        if (code < 200 || code > 599)
        {
            throw new IllegalArgumentException("status must be in 200..599, got " + code);
        }
        this.status = code;
        return this;
    }

    /**
     * @return the status set so far (200 unless changed).
     */
    public int status()
    {
        return status;
    }

    /**
     * Set a header, replacing any value it had. {@code Connection: close} asks the server to close the connection
     * after this response; the framing headers ({@code Content-Length}, {@code Transfer-Encoding}) are the server's
     * to write and are refused.
     *
     * @param name  a field name (a token).
     * @param value its value: no CR, LF or NUL (they would let the value start a header of its own).
     * @return this.
     */
    public HttpResponse header(final String name, final String value)
    {
        ensureNotCommitted("header " + name);
        check(name, value);
        if (name.equalsIgnoreCase("Connection"))
        {
            if (!value.strip().equalsIgnoreCase("close"))
            {
                throw new IllegalArgumentException("Connection may only be set to close; keep-alive is the server's " +
                    "decision, got '" + value + "'");
            }
            closeRequested = true;
            return this;
        }
        for (int i = 0; i < names.size(); i++)
        {
            if (names.get(i).equalsIgnoreCase(name))
            {
                values.set(i, value);
                return this;
            }
        }
        names.add(name);
        values.add(value);
        return this;
    }

    /**
     * Add a header, keeping any value it had (for fields that may repeat, such as Set-Cookie).
     *
     * @param name  a field name.
     * @param value its value.
     * @return this.
     */
    public HttpResponse addHeader(final String name, final String value)
    {
        ensureNotCommitted("header " + name);
        check(name, value);
        if (name.equalsIgnoreCase("Connection"))
        {
            return header(name, value);
        }
        names.add(name);
        values.add(value);
        return this;
    }

    /**
     * @param name a field name, any case.
     * @return its first value set so far, or null.
     */
    public String header(final String name)
    {
        for (int i = 0; i < names.size(); i++)
        {
            if (names.get(i).equalsIgnoreCase(name))
            {
                return values.get(i);
            }
        }
        return null;
    }

    /**
     * @param type a media type, e.g. {@code text/plain; charset=utf-8}.
     * @return this.
     */
    public HttpResponse contentType(final String type)
    {
        return header("Content-Type", type);
    }

    /**
     * @return whether the status line and headers have been sent (nothing about them can change any more).
     */
    public boolean isCommitted()
    {
        return committed;
    }

    /**
     * Send a whole body with a Content-Length: headers and body in one write when they fit the connection's buffer.
     *
     * @param body the body.
     * @throws IOException if the client is gone.
     */
    public void send(final byte[] body) throws IOException
    {
        ensureNotCommitted("send");
        writeHead(body.length);
        if (bodyAllowed())
        {
            out.bytes(body, 0, body.length);
        }
        out.flush();
    }

    /**
     * Send text as UTF-8; the Content-Type is {@code text/plain; charset=utf-8} unless one was set.
     *
     * @param text the body.
     * @throws IOException if the client is gone.
     */
    public void send(final String text) throws IOException
    {
        if (header("Content-Type") == null)
        {
            contentType("text/plain; charset=utf-8");
        }
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Send an error status with a one-line text body saying why. Headers set before (Allow, Content-Range) stay.
     *
     * @param code    the status.
     * @param message the reason, for people.
     * @throws IOException if the client is gone.
     */
    public void sendError(final int code, final String message) throws IOException
    {
        status(code);
        contentType("text/plain; charset=utf-8");
        send(code + " " + HttpStatus.reason(code) + (message == null || message.isEmpty() ? "" : ": " + message) +
            "\n");
    }

    /**
     * Send part of an open regular file as the body with sendfile(2): the headers go out first, then the kernel
     * copies the file to the socket, resuming in the offload server's reactor when the socket buffer is full.
     *
     * @param fileFd an open regular file, which the caller closes afterwards.
     * @param offset where the body starts in it.
     * @param count  body length: the Content-Length.
     * @throws IOException if the client is gone.
     */
    public void sendFile(final int fileFd, final long offset, final long count) throws IOException
    {
        ensureNotCommitted("sendFile");
        if (offset < 0 || count < 0)
        {
            throw new IllegalArgumentException("offset and count must be >= 0, got " + offset + ", " + count);
        }
        writeHead(count);
        out.flush();
        if (!bodyAllowed())
        {
            return;
        }
        long sent = 0;
        while (sent < count)
        {
            final long n = connection.socket().sendFile(fileFd, offset + sent, count - sent);
            if (n <= 0)
            {
                // the file shrank under us: the Content-Length promised more, so the connection cannot be reused
                keepAlive = false;
                throw new IOException("file fd=" + fileFd + " ended after " + sent + " of the " + count +
                    " bytes announced");
            }
            sent += n;
        }
    }

    /**
     * Send bytes the server holds in memory (a {@link FileCache} entry) as the whole body, with a Content-Length:
     * when headers and body fit the connection's buffer, both go out in one write; otherwise in one gathering write
     * of the buffered headers and {@code body} ({@link io.offload.api.Connection#write(MemorySegment, MemorySegment)}: one send
     * where the runtime takes writes behind, else the headers and then the body straight from {@code body}). The segment must stay unchanged
     * until this returns (a cached file's bytes never change).
     *
     * @param body the body: native memory any thread may read.
     * @throws IOException if the client is gone.
     */
    void sendCached(final MemorySegment body) throws IOException
    {
        ensureNotCommitted("sendCached");
        writeHead(body.byteSize());
        if (!bodyAllowed())
        {
            out.flush();
            return;
        }
        if (out.fits(body.byteSize()))
        {
            out.bytes(body);
            out.flush();
            return;
        }
        out.flushWith(body); // headers and body in one gathering write: one send where writes are taken behind
        Reference.reachabilityFence(body); // the kernel read it by address; keep its automatic arena alive till here
    }

    /**
     * A body written as it is produced: see {@link BodyStream}. Closing it ends the response; the server closes it
     * if the handler does not.
     *
     * @return the stream, the same one if called again.
     */
    public OutputStream stream()
    {
        final BodyStream body = connection.bodyStream();
        if (stream == body && body.isOpen())
        {
            return body;
        }
        ensureNotCommitted("stream");
        body.open(this);
        stream = body;
        return body;
    }

    /**
     * End the response if the handler left it open: close its stream, or send an empty body.
     */
    void finish() throws IOException
    {
        if (stream != null && stream.isOpen())
        {
            stream.close();
        }
        else if (!committed)
        {
            writeHead(0);
            out.flush();
        }
        stream = null;
    }

    void sendBuffered(final MemorySegment body) throws SyscallException
    {
        writeHead(body.byteSize());
        if (bodyAllowed())
        {
            out.bytes(body);
        }
        out.flush();
    }

    void commitStreaming() throws SyscallException
    {
        writeHead(-1);
        out.flush();
    }

    /**
     * @return whether the connection may carry another request after this response.
     */
    boolean keepAlive()
    {
        return committed && keepAlive;
    }

    boolean isCloseDelimited()
    {
        return closeDelimited;
    }

    /**
     * @return false for HEAD and for the statuses that never have a body (1xx, 204, 304).
     */
    boolean bodyAllowed()
    {
        return !request.isHead() && !bodiless(status);
    }

    private static boolean bodiless(final int code)
    {
        return code < 200 || code == HttpStatus.NO_CONTENT || code == HttpStatus.NOT_MODIFIED;
    }

    /**
     * Put the status line and headers into the output buffer (the caller flushes).
     *
     * @param contentLength the body length, or -1 if not known yet (streaming).
     */
    private void writeHead(final long contentLength) throws SyscallException
    {
        committed = true;
        final boolean hasBody = !bodiless(status);
        boolean chunked = false;
        if (contentLength < 0 && hasBody)
        {
            chunked = request.isHttp11();
            closeDelimited = !chunked && !request.isHead();
        }
        keepAlive = request.keepAlive() && !closeRequested && !closeDelimited && !connection.isServerStopping();
        out.ascii("HTTP/1.1 ");
        out.decimal(status);
        out.put((byte)' ');
        out.ascii(HttpStatus.reason(status));
        out.crlf();
        if (header("Server") == null)
        {
            out.ascii("Server: " + SERVER);
            out.crlf();
        }
        if (header("Date") == null)
        {
            out.ascii("Date: ");
            out.ascii(HttpDates.now());
            out.crlf();
        }
        for (int i = 0; i < names.size(); i++)
        {
            out.ascii(names.get(i));
            out.ascii(": ");
            out.ascii(values.get(i));
            out.crlf();
        }
        if (hasBody)
        {
            if (contentLength >= 0)
            {
                out.ascii("Content-Length: ");
                out.decimal(contentLength);
                out.crlf();
            }
            else if (chunked)
            {
                out.ascii("Transfer-Encoding: chunked");
                out.crlf();
            }
        }
        if (!keepAlive)
        {
            out.ascii("Connection: close");
            out.crlf();
        }
        else if (!request.isHttp11())
        {
            out.ascii("Connection: keep-alive");
            out.crlf();
        }
        out.crlf();
    }

    private void ensureNotCommitted(final String what)
    {
        if (committed)
        {
            throw new IllegalStateException("cannot set " + what + ": the response to " + request +
                " has already been sent");
        }
    }

    private static void check(final String name, final String value)
    {
        if (name == null || name.isEmpty() || value == null)
        {
            throw new IllegalArgumentException("header name and value must not be null or empty, got " + name +
                ": " + value);
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7F || c == ':')
            {
                throw new IllegalArgumentException("header name '" + name + "' is not a token");
            }
        }
        if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding"))
        {
            throw new IllegalArgumentException(name + " is written by the server from how the body is sent " +
                "(send, sendFile or stream)");
        }
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 0xFF)
            {
                throw new IllegalArgumentException("header " + name + " has a CR, LF, NUL or non-Latin-1 " +
                    "character in its value; it would corrupt the response");
            }
        }
    }
}
