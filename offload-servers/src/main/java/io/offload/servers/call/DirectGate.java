package io.offload.servers.call;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.servers.executor.CallContext;
import io.offload.servers.executor.CallHandlers;
import io.offload.servers.executor.InlinePoller;
import io.offload.servers.libc.LibC;
import io.offload.servers.libc.Poll;
import io.offload.servers.libc.SyscallDispatcher;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Runs calls on the caller's thread: the INLINE route, and the baseline every benchmark compares against. errno
 * is captured into a segment of the calling thread's own, made once per thread. Resumable calls (sockets) run
 * the same handlers as a server, and where a server would park the call in its reactor, the caller waits on its
 * own thread, as a blocking socket would: a platform thread in poll(2), a virtual thread parked on the
 * {@link InlinePoller} so that it frees its carrier.
 */
public final class DirectGate implements SyscallGate
{
    /** The one instance; it holds no state but the per-thread contexts. */
    public static final DirectGate INSTANCE = new DirectGate();

    private static final int LAST_ERRNO_FREE_OP = Syscall.SCHED_GETCPU.op();
    private static final ThreadLocal<CallContext> CONTEXT = ThreadLocal.withInitial(() ->
    {
        final Arena arena = Arena.ofAuto();
        return new CallContext(arena, LibC.allocateCaptureState(arena));
    });

    private DirectGate()
    {
    }

    @Override
    public long call(final Syscall syscall, final long a0, final long a1, final long a2, final long a3, final long a4,
        final long a5, final long timeoutNanos)
    {
        final int op = syscall.op();
        if (op <= LAST_ERRNO_FREE_OP)
        {
            return SyscallDispatcher.execute(MemorySegment.NULL, op, a0, a1, a2, a3, a4, a5);
        }
        final CallContext context = CONTEXT.get();
        if (!CallHandlers.isResumable(op))
        {
            return SyscallDispatcher.execute(context.capture, op, a0, a1, a2, a3, a4, a5);
        }
        context.load(op, a0, a1, a2, a3, a4, a5, 0);
        return runToCompletion(context, timeoutNanos == 0 ? 0 : System.nanoTime() + timeoutNanos);
    }

    private static long runToCompletion(final CallContext c, final long deadline)
    {
        while (true)
        {
            final long result = CallHandlers.attempt(c);
            if (result == CallHandlers.CONTINUE)
            {
                continue;
            }
            if (result != CallHandlers.WOULD_BLOCK)
            {
                return result;
            }
            int timeoutMs = -1;
            if (deadline != 0)
            {
                final long remaining = deadline - System.nanoTime();
                if (remaining <= 0)
                {
                    return c.progress > 0 ? c.progress : -Errno.ETIMEDOUT;
                }
                timeoutMs = (int)Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000);
            }
            final int ready = Thread.currentThread().isVirtual() ?
                InlinePoller.get().await(c, deadline) : // park: a virtual thread must not hold its carrier
                Poll.poll(c.capture, c.waitFd, c.waitEvents, timeoutMs, c.scratch);
            if (ready < 0 && ready != -Errno.EINTR)
            {
                return c.progress > 0 ? c.progress : ready;
            }
        }
    }
}
