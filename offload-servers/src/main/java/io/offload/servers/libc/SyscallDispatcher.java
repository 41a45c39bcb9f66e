package io.offload.servers.libc;

import io.offload.api.Errno;
import io.offload.api.Syscall;

import java.lang.foreign.MemorySegment;

/**
 * Runs one system call from its op code and six long arguments, on the calling thread, and returns the result or
 * {@code -errno}. The same code serves a server thread (arguments read from an entry) and a direct caller (the
 * INLINE route and the benchmarks' baseline), so the two differ only by the hand-off.
 * <p>
 * Argument order per op is the libc argument order; pointers are addresses already checked by the public API.
 * Sockets take the same path: {@code socklen_t *} and {@code off_t *} arguments are addresses too, 0 for NULL
 * where libc allows it (recvfrom's and accept4's peer address, sendfile's offset). A server's sockets are
 * non-blocking, so would-block comes back here as {@code -EAGAIN}, for the server to park the entry on its reactor.
 */
public final class SyscallDispatcher
{
    /** Ops up to this one are bound critical, never fail and leave no errno. */
    private static final int LAST_ERRNO_FREE_OP = Syscall.SCHED_GETCPU.op();

    private SyscallDispatcher()
    {
    }

    /**
     * @param capture errno capture segment owned by the calling thread ({@link LibC#allocateCaptureState}).
     * @param op      {@link Syscall#op()}.
     * @param a0      first argument.
     * @param a1      second argument.
     * @param a2      third argument.
     * @param a3      fourth argument.
     * @param a4      fifth argument.
     * @param a5      sixth argument.
     * @return the call's result, or {@code -errno}; {@code -ENOSYS} for an op this dispatcher does not run.
     */
    public static long execute(
        final MemorySegment capture, final int op, final long a0, final long a1, final long a2, final long a3,
        final long a4, final long a5)
    {
        try
        {
            final long result = invoke(capture, op, a0, a1, a2, a3, a4, a5);
            return result == -1 && op > LAST_ERRNO_FREE_OP ? -LibC.errno(capture) : result;
        }
        catch (final Error | RuntimeException ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("downcall for op " + op + " failed", ex);
        }
    }

    private static long invoke(
        final MemorySegment capture, final int op, final long a0, final long a1, final long a2, final long a3,
        final long a4, final long a5) throws Throwable
    {
        return switch (Syscall.fromOp(op))
        {
            case GETPID -> (int)LibC.Getpid.MH.invokeExact();
            case GETPPID -> (int)LibC.Getppid.MH.invokeExact();
            case GETTID -> (int)LibC.Gettid.MH.invokeExact();
            case SCHED_GETCPU -> (int)LibC.SchedGetcpu.MH.invokeExact();
            case SCHED_SETAFFINITY -> (int)LibC.SchedSetaffinity.MH.invokeExact(capture, (int)a0, a1, a2);
            case READ -> (long)LibC.Read.MH.invokeExact(capture, (int)a0, a1, a2);
            case WRITE -> (long)LibC.Write.MH.invokeExact(capture, (int)a0, a1, a2);
            case PREAD -> (long)LibC.Pread.MH.invokeExact(capture, (int)a0, a1, a2, a3);
            case PWRITE -> (long)LibC.Pwrite.MH.invokeExact(capture, (int)a0, a1, a2, a3);
            case READV -> (long)LibC.Readv.MH.invokeExact(capture, (int)a0, a1, (int)a2);
            case WRITEV -> (long)LibC.Writev.MH.invokeExact(capture, (int)a0, a1, (int)a2);
            case OPENAT -> (int)LibC.Openat.MH.invokeExact(capture, (int)a0, a1, (int)a2, (int)a3);
            case CLOSE -> (int)LibC.Close.MH.invokeExact(capture, (int)a0);
            case STATX -> (int)LibC.Statx.MH.invokeExact(capture, (int)a0, a1, (int)a2, (int)a3, a4);
            case LSEEK -> (long)LibC.Lseek.MH.invokeExact(capture, (int)a0, a1, (int)a2);
            case FSYNC -> (int)LibC.Fsync.MH.invokeExact(capture, (int)a0);
            case FDATASYNC -> (int)LibC.Fdatasync.MH.invokeExact(capture, (int)a0);
            case FTRUNCATE -> (int)LibC.Ftruncate.MH.invokeExact(capture, (int)a0, a1);
            case GETDENTS64 -> (long)LibC.Getdents64.MH.invokeExact(capture, (int)a0, a1, a2);
            case UNLINKAT -> (int)LibC.Unlinkat.MH.invokeExact(capture, (int)a0, a1, (int)a2);
            case READLINKAT -> (long)LibC.Readlinkat.MH.invokeExact(capture, (int)a0, a1, a2, a3);
            case MKDIRAT -> (int)LibC.Mkdirat.MH.invokeExact(capture, (int)a0, a1, (int)a2);
            case RENAMEAT -> (int)LibC.Renameat.MH.invokeExact(capture, (int)a0, a1, (int)a2, a3);
            case SOCKET -> (int)LibC.Socket.MH.invokeExact(capture, (int)a0, (int)a1, (int)a2);
            case BIND -> (int)LibC.Bind.MH.invokeExact(capture, (int)a0, a1, (int)a2);
            case LISTEN -> (int)LibC.Listen.MH.invokeExact(capture, (int)a0, (int)a1);
            case ACCEPT4 -> (int)LibC.Accept4.MH.invokeExact(capture, (int)a0, a1, a2, (int)a3);
            case CONNECT -> (int)LibC.Connect.MH.invokeExact(capture, (int)a0, a1, (int)a2);
            case RECVFROM -> (long)LibC.Recvfrom.MH.invokeExact(capture, (int)a0, a1, a2, (int)a3, a4, a5);
            case SENDTO -> (long)LibC.Sendto.MH.invokeExact(capture, (int)a0, a1, a2, (int)a3, a4, (int)a5);
            case RECVMSG -> (long)LibC.Recvmsg.MH.invokeExact(capture, (int)a0, a1, (int)a2);
            case SENDMSG -> (long)LibC.Sendmsg.MH.invokeExact(capture, (int)a0, a1, (int)a2);
            case SHUTDOWN -> (int)LibC.Shutdown.MH.invokeExact(capture, (int)a0, (int)a1);
            case SETSOCKOPT -> (int)LibC.Setsockopt.MH.invokeExact(capture, (int)a0, (int)a1, (int)a2, a3, (int)a4);
            case GETSOCKOPT -> (int)LibC.Getsockopt.MH.invokeExact(capture, (int)a0, (int)a1, (int)a2, a3, a4);
            case GETSOCKNAME -> (int)LibC.Getsockname.MH.invokeExact(capture, (int)a0, a1, a2);
            case GETPEERNAME -> (int)LibC.Getpeername.MH.invokeExact(capture, (int)a0, a1, a2);
            case SENDFILE -> (long)LibC.Sendfile.MH.invokeExact(capture, (int)a0, (int)a1, a2, a3);
            case COPY_FILE_RANGE ->
                (long)LibC.CopyFileRange.MH.invokeExact(capture, (int)a0, a1, (int)a2, a3, a4, (int)a5);
            case SYMLINKAT -> (int)LibC.Symlinkat.MH.invokeExact(capture, a0, (int)a1, a2);
            case FACCESSAT -> (int)LibC.Faccessat.MH.invokeExact(capture, (int)a0, a1, (int)a2, (int)a3);
            case KILL -> (int)LibC.Kill.MH.invokeExact(capture, (int)a0, (int)a1);
            case TGKILL -> (int)LibC.Tgkill.MH.invokeExact(capture, (int)a0, (int)a1, (int)a2);
            case PIPE2 -> (int)LibC.Pipe2.MH.invokeExact(capture, a0, (int)a1);
            case EVENTFD -> (int)LibC.Eventfd.MH.invokeExact(capture, (int)a0, (int)a1);
            case MEMFD_CREATE -> (int)LibC.MemfdCreate.MH.invokeExact(capture, a0, (int)a1);
            case UNAME -> (int)LibC.Uname.MH.invokeExact(capture, a0);
            case GETRANDOM -> (long)LibC.Getrandom.MH.invokeExact(capture, a0, a1, (int)a2);
            case PRCTL -> (int)LibC.Prctl.MH.invokeExact(capture, (int)a0, a1, a2, a3, a4);
            default -> -Errno.ENOSYS;
        };
    }
}
