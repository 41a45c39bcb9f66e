package io.offload.servers.executor;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.Syscall;
import io.offload.servers.libc.NoWaitIo;
import io.offload.servers.libc.Poll;
import io.offload.servers.libc.SyscallDispatcher;

import java.lang.foreign.ValueLayout;

/**
 * The handler contract: one attempt of a call either finishes (a result {@code >= 0} or -errno), would block on
 * an (fd, events) pair recorded in the context ({@link #WOULD_BLOCK}), or has made progress and yields so that
 * others run ({@link #CONTINUE}), its progress kept in the context. No attempt ever blocks on the network: sockets
 * opened through the library are non-blocking, so a call that would wait returns EAGAIN and waits in a reactor.
 * <p>
 * Calls that may wait: read, readv, recvfrom, recvmsg, accept4 (readable); write, writev, sendto, sendmsg,
 * sendfile (writable); connect (writable, then SO_ERROR). write, sendto and sendfile write everything they were
 * given, as a blocking socket would; recvfrom with MSG_WAITALL reads until its buffer is full or the peer closes.
 * Every other call is plain: one downcall, done.
 * <p>
 * In a server's context ({@link CallContext#neverBlock}) no attempt waits on an fd that can wait forever, whoever
 * opened it and whatever its O_NONBLOCK flag (pread and pwrite cannot: a fd that is not seekable refuses them
 * with ESPIPE, so they stay plain calls): read, readv, write and writev first try
 * {@code preadv2}/{@code pwritev2} with {@code RWF_NOWAIT}; if the kernel answers EAGAIN or EOPNOTSUPP, one statx
 * says what the fd is. A regular file, block device or directory then gets the plain blocking call (it waits for
 * the disk, never for a peer: allowed on a syscall executor). Anything else (pipe, FIFO, socket, tty, eventfd)
 * waits in the reactor: at once on EAGAIN; on EOPNOTSUPP (FIFOs opened by path and ttys do not take RWF_NOWAIT)
 * after poll(2) with no timeout says it is not ready, and otherwise the plain call runs, a write then at most
 * {@code PIPE_BUF} bytes so that a pipe with room takes it at once. Socket calls add MSG_DONTWAIT. What remains
 * blocking on a server: accept4 and connect on a blocking socket the library did not create, openat of a FIFO
 * without O_NONBLOCK, a tty in raw mode whose VMIN is more than what is there, and a reader racing another
 * process for the same FIFO or tty.
 */
public final class CallHandlers
{
    /** The call must wait: see {@link CallContext#waitFd} and {@link CallContext#waitEvents}. */
    public static final long WOULD_BLOCK = Long.MIN_VALUE;
    /** The call made progress and yields; attempt it again later. */
    public static final long CONTINUE = Long.MIN_VALUE + 1;
    /** Bytes one attempt moves before it yields to other calls. */
    static final long YIELD_AFTER_BYTES = 256 * 1024;

    private static final boolean[] RESUMABLE = new boolean[Syscall.count()];
    private static final int NONBLOCK_CLOEXEC = LinuxConstants.SOCK_NONBLOCK | LinuxConstants.SOCK_CLOEXEC;
    private static final long EAGAIN = -Errno.EAGAIN;
    private static final long EINTR = -Errno.EINTR;
    private static final long EINPROGRESS = -Errno.EINPROGRESS;
    private static final long EOPNOTSUPP = -Errno.EOPNOTSUPP;
    private static final long EINVAL = -Errno.EINVAL;

    static
    {
        for (final Syscall syscall : new Syscall[]{
            Syscall.READ, Syscall.READV, Syscall.WRITE, Syscall.WRITEV, Syscall.SOCKET, Syscall.ACCEPT4,
            Syscall.CONNECT, Syscall.RECVFROM, Syscall.SENDTO, Syscall.RECVMSG, Syscall.SENDMSG, Syscall.SENDFILE})
        {
            RESUMABLE[syscall.op()] = true;
        }
    }

    private CallHandlers()
    {
    }

    /**
     * @param op an op code.
     * @return whether the op goes through {@link #attempt}; others are one plain downcall.
     */
    public static boolean isResumable(final int op)
    {
        return RESUMABLE[op];
    }

    /**
     * @param op an op code.
     * @return whether the op goes through {@link #attempt} in a server's context ({@link CallContext#neverBlock}),
     *         where it may wait in a reactor: the resumable ops. pread and pwrite need not: the kernel refuses
     *         them with ESPIPE on every fd that could make them wait for a peer (pipes, FIFOs, sockets, ttys).
     */
    public static boolean mayWaitOnServer(final int op)
    {
        return RESUMABLE[op];
    }

    /**
     * @param op an op code.
     * @return true for close, whose fd's waiters must be completed with EBADF first.
     */
    public static boolean isClose(final int op)
    {
        return op == Syscall.CLOSE.op();
    }

    /**
     * Make one attempt of a resumable call.
     *
     * @param c the call.
     * @return a result {@code >= 0}, -errno, {@link #WOULD_BLOCK} or {@link #CONTINUE}.
     */
    public static long attempt(final CallContext c)
    {
        if (c.neverBlock)
        {
            switch (Syscall.fromOp(c.op))
            {
                case READ -> // fd, buffer, length
                {
                    return noWaitOnce(c, true, c.a1, c.a2, 0, -1);
                }
                case READV -> // fd, iovec array, count
                {
                    return noWaitOnce(c, true, c.a1, 0, (int)c.a2, -1);
                }
                case WRITEV ->
                {
                    return noWaitOnce(c, false, c.a1, 0, (int)c.a2, -1);
                }
                case RECVMSG, SENDMSG -> c.a2 |= LinuxConstants.MSG_DONTWAIT; // a socket left blocking never waits
                case RECVFROM, SENDTO -> c.a3 |= LinuxConstants.MSG_DONTWAIT;
                default ->
                {
                }
            }
        }
        return switch (Syscall.fromOp(c.op))
        {
            case READ, READV, RECVMSG -> once(c, LinuxConstants.EPOLLIN);
            case WRITEV -> once(c, LinuxConstants.EPOLLOUT);
            case SENDMSG -> sendmsg(c);
            case ACCEPT4 -> accept(c);
            case SOCKET -> socket(c);
            case RECVFROM -> (c.a3 & LinuxConstants.MSG_WAITALL) != 0 ? transferAll(c, true) : once(c,
                LinuxConstants.EPOLLIN);
            case WRITE, SENDTO -> transferAll(c, false);
            case CONNECT -> connect(c);
            case SENDFILE -> sendfile(c);
            default -> execute(c, c.a0, c.a1, c.a2, c.a3, c.a4, c.a5);
        };
    }

    /**
     * One read or write in a server's context: never waits on an fd that can wait forever.
     *
     * @return the result, -errno, or {@link #WOULD_BLOCK} on {@code c.a0}.
     */
    private static long noWaitOnce(
        final CallContext c, final boolean read, final long address, final long length, final int iovcnt,
        final long offset)
    {
        final long result = noWait(c, read, (int)c.a0, address, length, iovcnt, offset);
        return result == EAGAIN ? c.blockOn((int)c.a0, read ? LinuxConstants.EPOLLIN : LinuxConstants.EPOLLOUT) :
            result;
    }

    /**
     * A read or write of one buffer ({@code iovcnt} 0: {@code length} bytes at {@code address}) or of an iovec
     * array ({@code iovcnt} elements at {@code address}) at {@code offset} (-1: the fd's position), that never
     * waits for a peer. See the class comment.
     *
     * @return bytes moved, -errno, or -EAGAIN: wait until {@code fd} is ready.
     */
    static long noWait(
        final CallContext c, final boolean read, final int fd, final long address, final long length,
        final int iovcnt, final long offset)
    {
        final long iov;
        final int count;
        if (iovcnt == 0)
        {
            c.scratch.set(ValueLayout.JAVA_LONG, CallContext.IOVEC_OFFSET, address);
            c.scratch.set(ValueLayout.JAVA_LONG, CallContext.IOVEC_OFFSET + 8, length);
            iov = c.scratch.address() + CallContext.IOVEC_OFFSET;
            count = 1;
        }
        else
        {
            iov = address;
            count = iovcnt;
        }
        final long result = readOrWrite(c, read, fd, iov, count, offset, NoWaitIo.RWF_NOWAIT);
        if (result >= 0)
        {
            // a short answer from the page cache: a regular file gives the rest as a plain call would
            return result > 0 && result < length && iovcnt == 0 ? rest(c, read, fd, address, length, offset, result) :
                result;
        }
        if (result != EAGAIN && result != EOPNOTSUPP && result != EINVAL)
        {
            return result;
        }
        final int type = NoWaitIo.fileType(c.capture, fd, c.statx);
        if (type < 0)
        {
            return type;
        }
        if (NoWaitIo.endsOnItsOwn(type))
        {
            return readOrWrite(c, read, fd, iov, count, offset, 0); // waits for the disk at most
        }
        if (result == EAGAIN)
        {
            return EAGAIN;
        }
        // an fd that does not take RWF_NOWAIT (a FIFO opened by path, a tty): ask poll(2) whether it would wait
        final int ready = Poll.poll(c.capture, fd, read ? LinuxConstants.EPOLLIN : LinuxConstants.EPOLLOUT, 0,
            c.pollfd);
        if (ready == 0)
        {
            return EAGAIN;
        }
        if (!read && iovcnt == 0 && length > NoWaitIo.PIPE_BUF)
        {
            c.scratch.set(ValueLayout.JAVA_LONG, CallContext.IOVEC_OFFSET + 8, NoWaitIo.PIPE_BUF);
        }
        return readOrWrite(c, read, fd, iov, count, offset, 0);
    }

    private static long rest(
        final CallContext c, final boolean read, final int fd, final long address, final long length,
        final long offset, final long done)
    {
        if (!NoWaitIo.endsOnItsOwn(NoWaitIo.fileType(c.capture, fd, c.statx)))
        {
            return done; // a pipe or socket had this much: a read returns it, a write-all loop goes on
        }
        c.scratch.set(ValueLayout.JAVA_LONG, CallContext.IOVEC_OFFSET, address + done);
        c.scratch.set(ValueLayout.JAVA_LONG, CallContext.IOVEC_OFFSET + 8, length - done);
        final long more = readOrWrite(c, read, fd, c.scratch.address() + CallContext.IOVEC_OFFSET, 1,
            offset < 0 ? -1 : offset + done, 0);
        return more > 0 ? done + more : done;
    }

    private static long readOrWrite(
        final CallContext c, final boolean read, final int fd, final long iov, final int count, final long offset,
        final int flags)
    {
        long result;
        do
        {
            result = read ? NoWaitIo.preadv2(c.capture, fd, iov, count, offset, flags) :
                NoWaitIo.pwritev2(c.capture, fd, iov, count, offset, flags);
        }
        while (result == EINTR);
        return result;
    }

    private static long execute(
        final CallContext c, final long a0, final long a1, final long a2, final long a3, final long a4, final long a5)
    {
        return SyscallDispatcher.execute(c.capture, c.op, a0, a1, a2, a3, a4, a5);
    }

    private static long once(final CallContext c, final int events)
    {
        long result;
        do
        {
            result = execute(c, c.a0, c.a1, c.a2, c.a3, c.a4, c.a5);
        }
        while (result == EINTR);
        return result == EAGAIN ? c.blockOn((int)c.a0, events) : result;
    }

    private static long sendmsg(final CallContext c)
    {
        c.a2 |= LinuxConstants.MSG_NOSIGNAL; // EPIPE rather than SIGPIPE for a peer that has gone
        return once(c, LinuxConstants.EPOLLOUT);
    }

    private static long socket(final CallContext c)
    {
        return execute(c, c.a0, c.a1 | NONBLOCK_CLOEXEC, c.a2, 0, 0, 0);
    }

    private static long accept(final CallContext c)
    {
        long result;
        do
        {
            result = execute(c, c.a0, c.a1, c.a2, c.a3 | NONBLOCK_CLOEXEC, 0, 0);
        }
        while (result == EINTR || result == -Errno.ECONNABORTED);
        return result == EAGAIN ? c.blockOn((int)c.a0, LinuxConstants.EPOLLIN) : result;
    }

    /**
     * write, sendto, and recvfrom with MSG_WAITALL: move all {@code a2} bytes of the buffer at {@code a1}.
     */
    private static long transferAll(final CallContext c, final boolean read)
    {
        final long length = c.a2;
        final long flags = c.op == Syscall.SENDTO.op() ? c.a3 | LinuxConstants.MSG_NOSIGNAL : c.a3;
        long movedNow = 0;
        while (true)
        {
            final long result = c.neverBlock && c.op == Syscall.WRITE.op() ?
                noWait(c, false, (int)c.a0, c.a1 + c.progress, length - c.progress, 0, -1) :
                execute(c, c.a0, c.a1 + c.progress, length - c.progress, flags, c.a4, c.a5);
            if (result > 0)
            {
                c.progress += result;
                movedNow += result;
                if (c.progress >= length)
                {
                    return c.progress;
                }
                if (movedNow >= YIELD_AFTER_BYTES)
                {
                    return CONTINUE;
                }
            }
            else if (result == 0)
            {
                return read || length == 0 ? c.progress : CONTINUE; // EOF for a read; a zero write retries later
            }
            else if (result == EAGAIN)
            {
                return c.blockOn((int)c.a0, read ? LinuxConstants.EPOLLIN : LinuxConstants.EPOLLOUT);
            }
            else if (result != EINTR)
            {
                return c.progress > 0 ? c.progress : result;
            }
        }
    }

    private static long connect(final CallContext c)
    {
        if (c.progress == 0)
        {
            final long result = execute(c, c.a0, c.a1, c.a2, 0, 0, 0);
            if (result == EINPROGRESS || result == EAGAIN || result == EINTR)
            {
                c.progress = 1;
                return c.blockOn((int)c.a0, LinuxConstants.EPOLLOUT);
            }
            return result;
        }
        // made earlier (here, or by an io_uring request that handed it on): wait until writable, then the
        // outcome is in SO_ERROR
        if (Poll.poll(c.capture, (int)c.a0, LinuxConstants.EPOLLOUT, 0, c.pollfd) == 0)
        {
            return c.blockOn((int)c.a0, LinuxConstants.EPOLLOUT);
        }
        c.scratch.set(ValueLayout.JAVA_INT, 8, 4);
        final long result = SyscallDispatcher.execute(c.capture, Syscall.GETSOCKOPT.op(), c.a0,
            LinuxConstants.SOL_SOCKET, LinuxConstants.SO_ERROR, c.scratch.address(), c.scratch.address() + 8, 0);
        if (result < 0)
        {
            return result;
        }
        final int error = c.scratch.get(ValueLayout.JAVA_INT, 0);
        return error == 0 ? 0 : -error;
    }

    /**
     * sendfile(outFd = a0, inFd = a1, offset = a2 by value, count = a3): the offset travels by value in the entry
     * and is passed to the kernel through scratch memory, so the call can resume at {@code offset + progress}.
     */
    private static long sendfile(final CallContext c)
    {
        final long count = c.a3;
        long movedNow = 0;
        while (c.progress < count)
        {
            c.scratch.set(ValueLayout.JAVA_LONG, 0, c.a2 + c.progress);
            final long result = execute(c, c.a0, c.a1, c.scratch.address(), count - c.progress, 0, 0);
            if (result > 0)
            {
                c.progress += result;
                movedNow += result;
                if (movedNow >= YIELD_AFTER_BYTES && c.progress < count)
                {
                    return CONTINUE;
                }
            }
            else if (result == 0)
            {
                return c.progress; // end of the input file
            }
            else if (result == EAGAIN)
            {
                return c.blockOn((int)c.a0, LinuxConstants.EPOLLOUT);
            }
            else if (result != EINTR)
            {
                return c.progress > 0 ? c.progress : result;
            }
        }
        return c.progress;
    }
}
