package io.offload.examples.http;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A response body a handler writes as it goes ({@link HttpResponse#stream()}). Bytes collect in a native buffer;
 * what happens when it fills (or is flushed) depends on what the response has committed to:
 * <ul>
 *   <li>never filled nor flushed when closed: the whole body was small, so it goes out with a Content-Length,
 *       like any other response (no chunking for what did not need it);</li>
 *   <li>HTTP/1.1: each buffer-full is one chunk ({@code Transfer-Encoding: chunked}), sent in one write: the chunk
 *       size line is written into room reserved before the data and the CRLF after it;</li>
 *   <li>HTTP/1.0, which has no chunks: the body is delimited by closing the connection;</li>
 *   <li>HEAD, 204 and 304: the bytes are counted or dropped, never sent.</li>
 * </ul>
 */
final class BodyStream extends OutputStream
{
    /** Chunk data capacity. */
    static final int CAPACITY = 16 * 1024;
    /** Room before the data for the size line: up to 8 hex digits and CRLF. */
    private static final int RESERVE = 16;
    /** Room after the data: the chunk's CRLF and the last chunk {@code 0 CRLF CRLF}. */
    private static final int TRAILER = 2 + 5;
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ConnectionSocket socket;
    private final MemorySegment buf;
    private HttpResponse response;
    private int count;
    private boolean open;

    BodyStream(final ConnectionSocket socket, final MemorySegment buf)
    {
        if (buf.byteSize() != RESERVE + CAPACITY + TRAILER)
        {
            throw new IllegalArgumentException("chunk buffer must be " + (RESERVE + CAPACITY + TRAILER) + " bytes");
        }
        this.socket = socket;
        this.buf = buf;
    }

    static long bufferSize()
    {
        return RESERVE + CAPACITY + TRAILER;
    }

    void open(final HttpResponse owner)
    {
        this.response = owner;
        this.count = 0;
        this.open = true;
    }

    boolean isOpen()
    {
        return open;
    }

    @Override
    public void write(final int b) throws IOException
    {
        ensureOpen();
        if (count == CAPACITY)
        {
            emit(false);
        }
        buf.set(ValueLayout.JAVA_BYTE, RESERVE + count++, (byte)b);
    }

    @Override
    public void write(final byte[] b, final int off, final int len) throws IOException
    {
        ensureOpen();
        Objects.checkFromIndexSize(off, len, b.length);
        int done = 0;
        while (done < len)
        {
            if (count == CAPACITY)
            {
                emit(false);
            }
            final int n = Math.min(len - done, CAPACITY - count);
            MemorySegment.copy(b, off + done, buf, ValueLayout.JAVA_BYTE, RESERVE + count, n);
            count += n;
            done += n;
        }
    }

    /**
     * Send what is buffered now: the client sees it without waiting for the rest.
     */
    @Override
    public void flush() throws IOException
    {
        if (open)
        {
            emit(false);
        }
    }

    /**
     * End the body: the last chunk, or, if nothing was sent yet, the whole body with a Content-Length. Idempotent.
     */
    @Override
    public void close() throws IOException
    {
        if (!open)
        {
            return;
        }
        open = false;
        if (!response.isCommitted())
        {
            response.sendBuffered(buf.asSlice(RESERVE, count));
            count = 0;
            return;
        }
        emit(true);
    }

    private void emit(final boolean last) throws IOException
    {
        if (!response.isCommitted())
        {
            response.commitStreaming();
        }
        if (!response.bodyAllowed())
        {
            count = 0;
            return;
        }
        if (response.isCloseDelimited())
        {
            if (count > 0)
            {
                socket.write(buf.asSlice(RESERVE, count));
            }
            count = 0;
            return;
        }
        long from = RESERVE;
        long length = 0;
        if (count > 0)
        {
            final String size = Integer.toHexString(count) + "\r\n";
            from = RESERVE - size.length();
            for (int i = 0; i < size.length(); i++)
            {
                buf.set(ValueLayout.JAVA_BYTE, from + i, (byte)size.charAt(i));
            }
            buf.set(ValueLayout.JAVA_BYTE, RESERVE + count, (byte)'\r');
            buf.set(ValueLayout.JAVA_BYTE, RESERVE + count + 1, (byte)'\n');
            length = size.length() + count + 2;
        }
        if (last)
        {
            MemorySegment.copy(LAST_CHUNK, 0, buf, ValueLayout.JAVA_BYTE, from + length, LAST_CHUNK.length);
            length += LAST_CHUNK.length;
        }
        count = 0;
        if (length > 0)
        {
            socket.write(buf.asSlice(from, length));
        }
    }

    private void ensureOpen() throws IOException
    {
        if (!open)
        {
            throw new IOException("response body stream is closed");
        }
    }
}
