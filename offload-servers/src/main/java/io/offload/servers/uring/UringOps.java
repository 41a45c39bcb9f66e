package io.offload.servers.uring;

import io.offload.api.Syscall;

import java.util.Set;

import static io.offload.api.LinuxConstants.MSG_NOSIGNAL;
import static io.offload.api.LinuxConstants.MSG_WAITALL;
import static io.offload.api.LinuxConstants.O_NONBLOCK;
import static io.offload.api.LinuxConstants.SOCK_CLOEXEC;
import static io.offload.api.LinuxConstants.SOCK_NONBLOCK;
import static io.offload.servers.uring.IoUringConstants.IORING_FSYNC_DATASYNC;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_ACCEPT;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_CLOSE;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_CONNECT;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_FSYNC;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_FTRUNCATE;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_MKDIRAT;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_OPENAT;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_READ;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_READV;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_RECV;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_RECVMSG;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_RENAMEAT;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_SEND;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_SENDMSG;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_SHUTDOWN;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_STATX;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_UNLINKAT;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_WRITE;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_WRITEV;
import static io.offload.servers.uring.IoUringConstants.IOSQE_ASYNC;

/**
 * Which offload calls become which io_uring requests, and how their entry arguments (the libc argument order that
 * {@code SyscallDispatcher} uses) fill an SQE. The table is made once per executor from the kernel's probe; calls
 * without a row, or with arguments that io_uring would read differently from the system call, run on the fallback
 * executor so that they get exactly the system call's answer:
 * <ul>
 *   <li>pread/pwrite with a negative offset: the syscall says EINVAL, but io_uring reads offset -1 as "at the
 *       current position";</li>
 *   <li>read/write with a count that is negative as a {@code long} (a huge {@code size_t}), readv/writev with a
 *       negative {@code int} count: the SQE's length field is unsigned 32 bits; the syscall's answer is the one
 *       wanted; the same for recvfrom/sendto;</li>
 *   <li>recvfrom with a source address or {@code MSG_WAITALL}, sendto with a destination address:
 *       {@code IORING_OP_RECV/SEND} carry neither an address nor the syscall executor's read-until-full loop (the
 *       socket API passes neither);</li>
 * </ul>
 * Socket calls ({@link #PEER}): accept4 ({@code IORING_OP_ACCEPT}, with {@code SOCK_NONBLOCK | SOCK_CLOEXEC} added
 * as the syscall executor adds them), connect, recvfrom ({@code IORING_OP_RECV}), sendto ({@code IORING_OP_SEND}, with
 * {@code MSG_NOSIGNAL}), recvmsg, sendmsg ({@code MSG_NOSIGNAL}). They go to the kernel without
 * {@code MSG_DONTWAIT}: on a socket with nothing to read (or no room) io_uring arms its own poll and retries when it is
 * ready, whatever the socket's {@code O_NONBLOCK}, so the call waits in the kernel, not in a reactor. shutdown is
 * {@link #PLAIN}: it never waits. socket, bind, listen, the socket options and names, and sendfile stay on the
 * fallback (they never wait, or, sendfile, have no io_uring op: a splice through a pipe would be two requests and a
 * pipe per call, for a call the demo makes once per response).
 * Counts above {@code Integer.MAX_VALUE} are passed as {@code Integer.MAX_VALUE}: the kernel caps a read or write
 * at {@code MAX_RW_COUNT} (2 GiB less a page) either way. Two differences depend on the fd, which the executor
 * checks ({@link FdKinds}): io_uring ignores the offset of pread/pwrite on a stream (pipe, socket) where the system
 * call says ESPIPE, so those go to the fallback; and an openat without {@code O_NONBLOCK} runs in a kernel worker
 * ({@code IOSQE_ASYNC}), so that it waits for a FIFO's peer as open(2) does.
 */
final class UringOps
{
    /** Not an io_uring call: the fallback runs it. */
    static final int FALLBACK = 0;
    /** One SQE, completed by its CQE, no ordering with other calls. */
    static final int PLAIN = 1;
    /** read/write/readv/writev at the file's current position: one per fd in the kernel ({@link FdRecords}). */
    static final int CURRENT_POSITION = 2;
    /** fsync/fdatasync, coalesced per fd when the executor does so (else {@link #PLAIN}). */
    static final int SYNC = 3;
    /** close: waits for the fd's ordered calls, cancels a current-position call that waits on a peer. */
    static final int CLOSE = 4;
    /**
     * A socket call that may wait for its peer (accept4, connect, recvfrom, sendto, recvmsg, sendmsg): kept in its
     * fd's record while in the kernel, so that a close of the fd cancels it first ({@link FdRecords}).
     */
    static final int PEER = 5;

    private static final int READ = Syscall.READ.op();
    private static final int WRITE = Syscall.WRITE.op();
    private static final int PREAD = Syscall.PREAD.op();
    private static final int PWRITE = Syscall.PWRITE.op();
    private static final int READV = Syscall.READV.op();
    private static final int WRITEV = Syscall.WRITEV.op();
    private static final int OPENAT = Syscall.OPENAT.op();
    private static final int CLOSE_OP = Syscall.CLOSE.op();
    private static final int STATX = Syscall.STATX.op();
    private static final int FSYNC = Syscall.FSYNC.op();
    private static final int FDATASYNC = Syscall.FDATASYNC.op();
    private static final int FTRUNCATE = Syscall.FTRUNCATE.op();
    private static final int UNLINKAT = Syscall.UNLINKAT.op();
    private static final int MKDIRAT = Syscall.MKDIRAT.op();
    private static final int RENAMEAT = Syscall.RENAMEAT.op();
    private static final int ACCEPT4 = Syscall.ACCEPT4.op();
    private static final int CONNECT = Syscall.CONNECT.op();
    private static final int RECVFROM = Syscall.RECVFROM.op();
    private static final int SENDTO = Syscall.SENDTO.op();
    private static final int RECVMSG = Syscall.RECVMSG.op();
    private static final int SENDMSG = Syscall.SENDMSG.op();
    private static final int SHUTDOWN = Syscall.SHUTDOWN.op();
    private static final int NONBLOCK_CLOEXEC = SOCK_NONBLOCK | SOCK_CLOEXEC;

    private final boolean[] supported = new boolean[Syscall.count()];

    /**
     * @param probe    the kernel's supported opcodes.
     * @param excluded calls to leave to the fallback anyway.
     */
    UringOps(final Probe probe, final Set<Syscall> excluded)
    {
        for (final Syscall call : Syscall.values())
        {
            final int opcode = opcodeOf(call);
            supported[call.op()] = opcode >= 0 && probe.isSupported(opcode) && !excluded.contains(call);
        }
    }

    /**
     * @param call an offload call.
     * @return the io_uring opcode that makes it, or -1 if none does.
     */
    static int opcodeOf(final Syscall call)
    {
        return switch (call)
        {
            case READ, PREAD -> IORING_OP_READ;
            case WRITE, PWRITE -> IORING_OP_WRITE;
            case READV -> IORING_OP_READV;
            case WRITEV -> IORING_OP_WRITEV;
            case OPENAT -> IORING_OP_OPENAT;
            case CLOSE -> IORING_OP_CLOSE;
            case STATX -> IORING_OP_STATX;
            case FSYNC, FDATASYNC -> IORING_OP_FSYNC;
            case FTRUNCATE -> IORING_OP_FTRUNCATE;
            case UNLINKAT -> IORING_OP_UNLINKAT;
            case MKDIRAT -> IORING_OP_MKDIRAT;
            case RENAMEAT -> IORING_OP_RENAMEAT;
            case ACCEPT4 -> IORING_OP_ACCEPT;
            case CONNECT -> IORING_OP_CONNECT;
            case RECVFROM -> IORING_OP_RECV;
            case SENDTO -> IORING_OP_SEND;
            case RECVMSG -> IORING_OP_RECVMSG;
            case SENDMSG -> IORING_OP_SENDMSG;
            case SHUTDOWN -> IORING_OP_SHUTDOWN;
            default -> -1;
        };
    }

    /**
     * @param op an entry's op code.
     * @return whether this kernel (and the options) let io_uring make it.
     */
    boolean isSupported(final int op)
    {
        return op >= 0 && op < supported.length && supported[op];
    }

    /**
     * @param op         the entry's op.
     * @param a2         its third argument (count).
     * @param a3         its fourth argument (offset of pread/pwrite, flags of recvfrom/sendto).
     * @param a4         its fifth argument (address of recvfrom/sendto).
     * @param coalescing whether syncs are coalesced.
     * @return {@link #FALLBACK}, {@link #PLAIN}, {@link #CURRENT_POSITION}, {@link #SYNC}, {@link #CLOSE} or
     *         {@link #PEER}.
     */
    int kind(final int op, final long a2, final long a3, final long a4, final boolean coalescing)
    {
        if (!isSupported(op))
        {
            return FALLBACK;
        }
        if (op == RECVFROM)
        {
            return a2 < 0 || a4 != 0 || (a3 & MSG_WAITALL) != 0 ? FALLBACK : PEER;
        }
        if (op == SENDTO)
        {
            return a2 < 0 || a4 != 0 ? FALLBACK : PEER;
        }
        if (op == CONNECT)
        {
            return (int)a2 < 0 ? FALLBACK : PEER; // the SQE's length is unsigned: the syscall's EINVAL is wanted
        }
        if (op == ACCEPT4 || op == RECVMSG || op == SENDMSG)
        {
            return PEER;
        }
        if (op == READ || op == WRITE)
        {
            return a2 < 0 ? FALLBACK : CURRENT_POSITION;
        }
        if (op == READV || op == WRITEV)
        {
            return (int)a2 < 0 ? FALLBACK : CURRENT_POSITION;
        }
        if (op == PREAD || op == PWRITE)
        {
            return a2 < 0 || a3 < 0 ? FALLBACK : PLAIN;
        }
        if (op == CLOSE_OP)
        {
            return CLOSE;
        }
        if (op == FSYNC || op == FDATASYNC)
        {
            return coalescing ? SYNC : PLAIN;
        }
        return PLAIN;
    }

    /**
     * @param op an entry's op.
     * @return whether a CQE of -EAGAIN means the fd is non-blocking and the call should wait in the fallback's
     *         reactor instead (read, write, readv, writev; pread and pwrite work only on seekable files, which
     *         io_uring never answers with EAGAIN).
     */
    static boolean mayWouldBlock(final int op)
    {
        return op == READ || op == WRITE || op == READV || op == WRITEV || isPeer(op);
    }

    /**
     * @param op an entry's op.
     * @return whether it is a socket call that may wait for a peer ({@link #PEER} when io_uring makes it).
     */
    static boolean isPeer(final int op)
    {
        return op == ACCEPT4 || op == CONNECT || op == RECVFROM || op == SENDTO || op == RECVMSG || op == SENDMSG;
    }

    /**
     * @param op an entry's op.
     * @return whether it is connect: a CQE of EINPROGRESS or EALREADY (a non-blocking connect made by an io-wq
     *         worker) means "not yet", and the fallback waits for it with the connect already made.
     */
    static boolean isConnect(final int op)
    {
        return op == CONNECT;
    }

    /**
     * @param op an entry's op.
     * @return whether it is accept4: a CQE of ECONNABORTED (the peer reset before it was accepted) means "try
     *         again", as the syscall executor's accept does.
     */
    static boolean isAccept(final int op)
    {
        return op == ACCEPT4;
    }

    /**
     * @param op an entry's op.
     * @return whether it reads or writes at an offset it names (pread, pwrite): a stream fd must refuse it.
     */
    static boolean isPositioned(final int op)
    {
        return op == PREAD || op == PWRITE;
    }

    /**
     * @param op an entry's op.
     * @return whether its result is a new fd (openat).
     */
    static boolean opensFd(final int op)
    {
        return op == OPENAT;
    }

    /**
     * @param op an entry's op.
     * @return whether it is close.
     */
    static boolean isClose(final int op)
    {
        return op == CLOSE_OP;
    }

    /**
     * @param op an entry's op.
     * @return whether a short result means "go on": write(2) on a server writes everything it was given, as a
     *         blocking socket would ({@code CallHandlers}), where io_uring's write returns what one write moved.
     */
    static boolean isWriteAll(final int op)
    {
        return op == WRITE || op == SENDTO;
    }

    /**
     * @param op an entry's op.
     * @return whether it is fsync (true) rather than fdatasync.
     */
    static boolean isFsync(final int op)
    {
        return op == FSYNC;
    }

    /**
     * Fill an SQE with the call {@link #kind} accepted.
     *
     * @param sqe the SQE.
     * @param op  the entry's op.
     * @param a0  first argument.
     * @param a1  second argument.
     * @param a2  third argument.
     * @param a3  fourth argument.
     * @param a4  fifth argument.
     */
    static void prep(final Sqe sqe, final int op, final long a0, final long a1, final long a2, final long a3, final long a4)
    {
        final int fd = (int)a0;
        if (op == READ)
        {
            sqe.prepRead(fd, a1, count(a2), -1L);
        }
        else if (op == WRITE)
        {
            sqe.prepWrite(fd, a1, count(a2), -1L);
        }
        else if (op == PREAD)
        {
            sqe.prepRead(fd, a1, count(a2), a3);
        }
        else if (op == PWRITE)
        {
            sqe.prepWrite(fd, a1, count(a2), a3);
        }
        else if (op == READV)
        {
            sqe.prepReadv(fd, a1, (int)a2, -1L);
        }
        else if (op == WRITEV)
        {
            sqe.prepWritev(fd, a1, (int)a2, -1L);
        }
        else if (op == OPENAT)
        {
            sqe.prepOpenat(fd, a1, (int)a2, (int)a3);
            if ((a2 & O_NONBLOCK) == 0)
            {
                // io_uring's first, inline attempt adds O_NONBLOCK, which opens a FIFO for reading at once (open(2)
                // waits for a writer) and fails one for writing with ENXIO (open(2) waits for a reader); in a
                // worker from the start the open is open(2)'s, and it waits there, not on the server
                sqe.flags(IOSQE_ASYNC);
            }
        }
        else if (op == CLOSE_OP)
        {
            sqe.prepClose(fd);
        }
        else if (op == STATX)
        {
            sqe.prepStatx(fd, a1, (int)a2, (int)a3, a4);
        }
        else if (op == FSYNC)
        {
            sqe.prepFsync(fd, 0);
        }
        else if (op == FDATASYNC)
        {
            sqe.prepFsync(fd, IORING_FSYNC_DATASYNC);
        }
        else if (op == FTRUNCATE)
        {
            sqe.prepFtruncate(fd, a1);
        }
        else if (op == UNLINKAT)
        {
            sqe.prepUnlinkat(fd, a1, (int)a2);
        }
        else if (op == MKDIRAT)
        {
            sqe.prepMkdirat(fd, a1, (int)a2);
        }
        else if (op == RENAMEAT)
        {
            sqe.prepRenameat(fd, a1, (int)a2, a3, 0);
        }
        else if (op == RECVFROM) // fd, buffer, length, flags (no address: kind() said so)
        {
            sqe.prepRecv(fd, a1, count(a2), (int)a3);
        }
        else if (op == SENDTO)
        {
            sqe.prepSend(fd, a1, count(a2), (int)a3 | MSG_NOSIGNAL); // EPIPE rather than SIGPIPE, as the syscall's
        }
        else if (op == RECVMSG) // fd, msghdr, flags
        {
            sqe.prepRecvmsg(fd, a1, (int)a2);
        }
        else if (op == SENDMSG)
        {
            sqe.prepSendmsg(fd, a1, (int)a2 | MSG_NOSIGNAL);
        }
        else if (op == ACCEPT4) // fd, address, address length, flags
        {
            sqe.prepAccept(fd, a1, a2, (int)a3 | NONBLOCK_CLOEXEC);
        }
        else if (op == CONNECT) // fd, address, length
        {
            sqe.prepConnect(fd, a1, (int)a2);
        }
        else if (op == SHUTDOWN)
        {
            sqe.prepShutdown(fd, (int)a1);
        }
        else
        {
            throw new IllegalStateException("op " + op + " has no io_uring request: kind() should have said FALLBACK");
        }
    }

    private static int count(final long count)
    {
        return (int)Math.min(count, Integer.MAX_VALUE);
    }
}
