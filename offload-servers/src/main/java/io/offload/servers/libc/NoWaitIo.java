package io.offload.servers.libc;

import io.offload.api.LinuxConstants;
import io.offload.api.StatxDescriptor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reads and writes that never wait on an fd that can wait forever: {@code preadv2}/{@code pwritev2} with
 * {@code RWF_NOWAIT}, and the fd's file type (from statx, whose layout is the same on every architecture) for
 * when the kernel answers EAGAIN or EOPNOTSUPP. What a server does with them is in
 * {@code io.offload.servers.executor.CallHandlers}.
 * <p>
 * Measured on Linux 6.18: a regular file's read answers at once from the page cache or EAGAIN when it would go to
 * the disk, and its buffered write EOPNOTSUPP on ext4; a pipe, an eventfd, a timerfd or a socket answers EAGAIN
 * when it would wait; a FIFO opened by path and a tty answer EOPNOTSUPP (they do not take RWF_NOWAIT at all).
 */
public final class NoWaitIo
{
    /** {@code RWF_NOWAIT}: fail with EAGAIN rather than wait for data, space or the disk. */
    public static final int RWF_NOWAIT = 0x8;
    /** {@code STATX_TYPE}: only the type bits of stx_mode are wanted. */
    public static final int STATX_TYPE = 0x1;
    /** Bytes of one {@code struct iovec}. */
    public static final int IOVEC_LENGTH = 16;
    /** Bytes a pipe takes in one write once poll says writable ({@code PIPE_BUF}): such a write never waits. */
    public static final int PIPE_BUF = 4096;

    private NoWaitIo()
    {
    }

    /**
     * preadv2(2).
     *
     * @param capture errno capture segment of the calling thread.
     * @param fd      the fd.
     * @param iov     address of the iovec array.
     * @param iovcnt  its length.
     * @param offset  file offset, or -1 for the fd's position (read/readv).
     * @param flags   {@link #RWF_NOWAIT} or 0.
     * @return bytes read, or -errno.
     */
    public static long preadv2(
        final MemorySegment capture, final int fd, final long iov, final int iovcnt, final long offset,
        final int flags)
    {
        try
        {
            final long result = (long)LibC.Preadv2.MH.invokeExact(capture, fd, iov, iovcnt, offset, flags);
            return result < 0 ? -LibC.errno(capture) : result;
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("preadv2 downcall failed", ex);
        }
    }

    /**
     * preadv2(2) without errno: for a caller that only needs to know whether bytes came back. Unlike
     * {@link #preadv2}, which captures errno, it allocates nothing on any thread (a downcall that captures errno
     * allocates a little per call outside a server's compiled loop).
     *
     * @param fd     the fd.
     * @param iov    address of the iovec array.
     * @param iovcnt its length.
     * @param offset file offset, or -1 for the fd's position (read/readv).
     * @param flags  {@link #RWF_NOWAIT} or 0.
     * @return bytes read, or -1 for any failure (EAGAIN, EOPNOTSUPP, EBADF, EINTR, ...).
     */
    public static long preadv2NoErrno(final int fd, final long iov, final int iovcnt, final long offset, final int flags)
    {
        try
        {
            return (long)LibC.Preadv2NoErrno.MH.invokeExact(fd, iov, iovcnt, offset, flags);
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("preadv2 downcall failed", ex);
        }
    }

    /**
     * pwritev2(2).
     *
     * @param capture errno capture segment of the calling thread.
     * @param fd      the fd.
     * @param iov     address of the iovec array.
     * @param iovcnt  its length.
     * @param offset  file offset, or -1 for the fd's position (write/writev).
     * @param flags   {@link #RWF_NOWAIT} or 0.
     * @return bytes written, or -errno.
     */
    public static long pwritev2(
        final MemorySegment capture, final int fd, final long iov, final int iovcnt, final long offset,
        final int flags)
    {
        try
        {
            final long result = (long)LibC.Pwritev2.MH.invokeExact(capture, fd, iov, iovcnt, offset, flags);
            return result < 0 ? -LibC.errno(capture) : result;
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("pwritev2 downcall failed", ex);
        }
    }

    /**
     * The type of the file an fd refers to: {@code statx(fd, "", AT_EMPTY_PATH, STATX_TYPE)}.
     *
     * @param capture errno capture segment of the calling thread.
     * @param fd      the fd.
     * @param statx   at least {@link StatxDescriptor#LENGTH} bytes of the calling thread's native memory, whose
     *                first byte is overwritten with the empty path's terminating zero.
     * @return the {@code S_IFMT} bits of its mode, or -errno.
     */
    public static int fileType(final MemorySegment capture, final int fd, final MemorySegment statx)
    {
        if (statx.byteSize() < StatxDescriptor.LENGTH + 1)
        {
            throw new IllegalArgumentException("statx buffer must hold " + (StatxDescriptor.LENGTH + 1) +
                " bytes (struct statx and an empty path), was " + statx.byteSize());
        }
        final long path = statx.address() + StatxDescriptor.LENGTH;
        statx.set(ValueLayout.JAVA_BYTE, StatxDescriptor.LENGTH, (byte)0);
        try
        {
            final int result = (int)LibC.Statx.MH.invokeExact(
                capture, fd, path, LinuxConstants.AT_EMPTY_PATH, STATX_TYPE, statx.address());
            if (result < 0)
            {
                return -LibC.errno(capture);
            }
            return Short.toUnsignedInt(statx.get(ValueLayout.JAVA_SHORT, StatxDescriptor.MODE_OFFSET)) &
                LinuxConstants.S_IFMT;
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("statx downcall failed", ex);
        }
    }

    /**
     * @param type {@code S_IFMT} bits from {@link #fileType}.
     * @return whether a blocking read or write of it always ends without anyone else acting (a regular file, a
     *         block device or a directory: it may wait for the disk, never for a peer). Pipes, FIFOs, sockets,
     *         ttys and other character devices, eventfds and the like can wait forever.
     */
    public static boolean endsOnItsOwn(final int type)
    {
        return type == LinuxConstants.S_IFREG || type == LinuxConstants.S_IFBLK || type == LinuxConstants.S_IFDIR;
    }
}
