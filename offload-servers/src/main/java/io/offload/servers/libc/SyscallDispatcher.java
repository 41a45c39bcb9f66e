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
     * @return the call's result, or {@code -errno}; {@code -ENOSYS} for an op this dispatcher does not run.
     */
    public static long execute(
        final MemorySegment capture, final int op, final long a0, final long a1, final long a2, final long a3,
        final long a4)
    {
        try
        {
            final long result = invoke(capture, op, a0, a1, a2, a3, a4);
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
        final long a4) throws Throwable
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
            case MKDIRAT -> (int)LibC.Mkdirat.MH.invokeExact(capture, (int)a0, a1, (int)a2);
            case RENAMEAT -> (int)LibC.Renameat.MH.invokeExact(capture, (int)a0, a1, (int)a2, a3);
            default -> -Errno.ENOSYS;
        };
    }
}
