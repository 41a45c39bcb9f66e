package io.offload.servers.call;

import io.offload.api.Syscall;
import io.offload.servers.libc.LibC;
import io.offload.servers.libc.SyscallDispatcher;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Runs calls on the caller's thread: the INLINE route, and the baseline every benchmark compares against. errno
 * is captured into a segment of the calling thread's own, made once per thread.
 */
public final class DirectGate implements SyscallGate
{
    /** The one instance; it holds no state but the per-thread capture segments. */
    public static final DirectGate INSTANCE = new DirectGate();

    private static final int LAST_ERRNO_FREE_OP = Syscall.SCHED_GETCPU.op();
    private static final ThreadLocal<MemorySegment> CAPTURE =
        ThreadLocal.withInitial(() -> LibC.allocateCaptureState(Arena.ofAuto()));

    private DirectGate()
    {
    }

    @Override
    public long call(final Syscall syscall, final long a0, final long a1, final long a2, final long a3, final long a4,
        final long a5, final long timeoutNanos)
    {
        final int op = syscall.op();
        final MemorySegment capture = op <= LAST_ERRNO_FREE_OP ? MemorySegment.NULL : CAPTURE.get();
        return SyscallDispatcher.execute(capture, op, a0, a1, a2, a3, a4, a5);
    }
}
