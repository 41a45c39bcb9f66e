package io.offload.api;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A TCP connection with blocking semantics over a non-blocking socket. Reads return what is there (at least one
 * byte, or 0 at end of stream); writes and file sends move everything. Failures are {@link SyscallException}s:
 * ECONNRESET, EPIPE, ETIMEDOUT, ECANCELED (the calling thread was interrupted), EBADF (closed meanwhile).
 * <p>
 * A runtime may take small writes <em>behind</em> (offload's {@code offload.net.writeBehindBytes}): such a write
 * returns once its bytes are copied, before they are sent, as a write into the kernel's send buffer does. The bytes
 * keep their order; the caller's buffer is free again when the write returns; a send that fails afterwards fails
 * the next {@link #write}, {@link #sendFile}, {@link #shutdownOutput} or {@link #close}, and {@link #close} waits a
 * bounded time for the bytes to go.
 */
public interface Connection extends AutoCloseable
{
    /**
     * @param buf native buffer.
     * @return bytes read, at least 1, or 0 at end of stream.
     * @throws SyscallException if the read fails.
     */
    long read(MemorySegment buf) throws SyscallException;

    /**
     * @param buf     native buffer.
     * @param timeout a positive duration.
     * @return bytes read, or 0 at end of stream.
     * @throws SyscallException ETIMEDOUT if nothing came within {@code timeout}.
     */
    long read(MemorySegment buf, Duration timeout) throws SyscallException;

    /**
     * @param buf direct buffer, filled from its position; the position advances.
     * @return bytes read, or 0 at end of stream.
     * @throws SyscallException if the read fails.
     */
    long read(ByteBuffer buf) throws SyscallException;

    /**
     * Read until {@code buf} is full or the peer closes.
     *
     * @param buf native buffer.
     * @return bytes read; less than {@code buf.byteSize()} only at end of stream.
     * @throws SyscallException if the read fails.
     */
    long readFully(MemorySegment buf) throws SyscallException;

    /**
     * @param buf native buffer, written whole; free to reuse once this returns, even for a write taken behind.
     * @return bytes written (or, taken behind, copied to be sent): all of them.
     * @throws SyscallException if the write fails (EPIPE, ECONNRESET), or an earlier write taken behind failed.
     */
    long write(MemorySegment buf) throws SyscallException;

    /**
     * Write {@code head} and then {@code body}, both whole: a header block and a body, say. A runtime that takes
     * writes behind sends the two as one when they fit together, so the body does not wait for the head's send.
     *
     * @param head native buffer, written first.
     * @param body native buffer, written after it.
     * @return bytes written: all of both.
     * @throws SyscallException if the write fails (EPIPE, ECONNRESET), or an earlier write taken behind failed.
     */
    default long write(final MemorySegment head, final MemorySegment body) throws SyscallException
    {
        return write(head) + write(body);
    }

    /**
     * @param buf direct buffer, written from position to limit; the position advances.
     * @return bytes written.
     * @throws SyscallException if the write fails.
     */
    long write(ByteBuffer buf) throws SyscallException;

    /**
     * Send part of a file with sendfile(2): no copy through user space.
     *
     * @param fileFd an open regular file.
     * @param offset where to start in it.
     * @param count  bytes to send.
     * @return bytes sent; less than {@code count} only if the file is shorter.
     * @throws SyscallException if the send fails.
     */
    long sendFile(int fileFd, long offset, long count) throws SyscallException;

    /**
     * Half-close: the peer reads end of stream; this side can still read.
     *
     * @throws SyscallException if shutdown fails.
     */
    void shutdownOutput() throws SyscallException;

    /**
     * @param on true to disable Nagle's algorithm (TCP_NODELAY).
     * @throws SyscallException if setsockopt fails.
     */
    void setNoDelay(boolean on) throws SyscallException;

    /**
     * @return the local address.
     */
    InetSocketAddress localAddress();

    /**
     * @return the peer's address.
     */
    InetSocketAddress remoteAddress();

    /**
     * @return the file descriptor.
     */
    int fd();

    /**
     * @return false once closed.
     */
    boolean isOpen();

    /**
     * Close the socket; pending reads and writes on it complete with EBADF. Idempotent. Bytes of a write taken
     * behind go out first (close waits for them a bounded time, then shuts the socket down).
     *
     * @throws SyscallException if close fails, or the send of a write taken behind failed.
     */
    @Override
    void close() throws SyscallException;
}
