package io.offload.examples.http;

import io.offload.api.SyscallException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The connection's native write buffer: a response's status line and headers are assembled here, a small body
 * after them, and the lot goes out in one write. Full means flush: a header block or body larger than the buffer
 * simply takes several writes.
 */
final class NativeOutput
{
    private static final byte[] CRLF = {'\r', '\n'};

    private final ConnectionSocket socket;
    private final MemorySegment buf;
    private int position;

    NativeOutput(final ConnectionSocket socket, final MemorySegment buf)
    {
        this.socket = socket;
        this.buf = buf;
    }

    void put(final byte b) throws SyscallException
    {
        if (position == buf.byteSize())
        {
            flush();
        }
        buf.set(ValueLayout.JAVA_BYTE, position++, b);
    }

    /**
     * @param text Latin-1 text (header names and values are octets; the parser made them Latin-1 Strings, and a
     *             handler's values were checked for CR, LF and NUL).
     */
    void ascii(final String text) throws SyscallException
    {
        for (int i = 0; i < text.length(); i++)
        {
            put((byte)text.charAt(i));
        }
    }

    void decimal(final long value) throws SyscallException
    {
        ascii(Long.toString(value));
    }

    void crlf() throws SyscallException
    {
        bytes(CRLF, 0, 2);
    }

    void bytes(final byte[] src, final int offset, final int length) throws SyscallException
    {
        int done = 0;
        while (done < length)
        {
            if (position == buf.byteSize())
            {
                flush();
            }
            final int n = (int)Math.min(length - done, buf.byteSize() - position);
            MemorySegment.copy(src, offset + done, buf, ValueLayout.JAVA_BYTE, position, n);
            position += n;
            done += n;
        }
    }

    void bytes(final MemorySegment src) throws SyscallException
    {
        long done = 0;
        final long length = src.byteSize();
        while (done < length)
        {
            if (position == buf.byteSize())
            {
                flush();
            }
            final long n = Math.min(length - done, buf.byteSize() - position);
            MemorySegment.copy(src, done, buf, position, n);
            position += (int)n;
            done += n;
        }
    }

    /**
     * @param length bytes to add.
     * @return whether they fit after what is buffered, so that one flush sends both.
     */
    boolean fits(final long length)
    {
        return length <= buf.byteSize() - position;
    }

    /**
     * Write what is buffered; nothing if empty.
     *
     * @throws SyscallException if the peer is gone (EPIPE, ECONNRESET).
     */
    void flush() throws SyscallException
    {
        if (position > 0)
        {
            final int length = position;
            position = 0; // a failed write is not retried: the connection is closed
            socket.write(buf.asSlice(0, length));
        }
    }

    /**
     * Write what is buffered and then {@code body}, as one gathering write (one send where the runtime takes writes
     * behind).
     *
     * @param body native bytes written after the buffered ones.
     * @throws SyscallException if the peer is gone (EPIPE, ECONNRESET).
     */
    void flushWith(final MemorySegment body) throws SyscallException
    {
        final int length = position;
        position = 0; // a failed write is not retried: the connection is closed
        socket.write(buf.asSlice(0, length), body);
    }

    void discard()
    {
        position = 0;
    }
}
