package io.offload.servers.call;

import io.offload.api.Syscall;

/**
 * Where a checked call goes: run on the caller ({@link DirectGate}) or handed to a server (the runtime). Arguments
 * are already validated; pointers are addresses of live native memory.
 */
public interface SyscallGate
{
    /** What {@link #readNoWait} returns when it did not answer the call: make it with {@link #call}. */
    long NOT_SERVED = Long.MIN_VALUE;

    /**
     * @param syscall the call.
     * @param a0      first argument, in libc order.
     * @param a1      second argument.
     * @param a2      third argument.
     * @param a3      fourth argument.
     * @param a4      fifth argument.
     * @param a5      sixth argument.
     * @param timeoutNanos how long the call may wait (for a socket to become ready, or for its turn), or 0 for
     *                     no limit; past it the call completes with -ETIMEDOUT.
     * @return the result, or -errno.
     */
    long call(Syscall syscall, long a0, long a1, long a2, long a3, long a4, long a5, long timeoutNanos);

    /**
     * Close an fd that the socket API opened: at the server that owns the socket (where its waiters wait, so they
     * complete with EBADF before the fd goes), or on the caller where sockets run inline. Whatever CLOSE's own
     * route.
     *
     * @param fd the socket.
     * @return 0, or -errno.
     */
    default long closeSocket(final int fd)
    {
        return call(Syscall.CLOSE, fd, 0, 0, 0, 0, 0, 0);
    }

    /**
     * The caller's fast path for a read: answer it now on the calling thread if that never waits (data in the page
     * cache), or make it as a read that waits for its device, or say it did not take the call ({@link #NOT_SERVED}).
     * Not every gate has one: a direct gate makes the plain call anyway.
     *
     * @param syscall      READ or PREAD (anything else is not served).
     * @param fd           the fd.
     * @param address      where the bytes go: checked memory the caller holds to the end of the call.
     * @param length       bytes wanted.
     * @param offset       the file offset of a pread (ignored for a read).
     * @param timeoutNanos the call's limit, for a part of it that goes to a server.
     * @return bytes read, -errno, or {@link #NOT_SERVED}.
     */
    default long readNoWait(final Syscall syscall, final int fd, final long address, final long length,
        final long offset, final long timeoutNanos)
    {
        return NOT_SERVED;
    }

    /**
     * @param syscall a call that failed with {@code errno}.
     * @param errno   its errno.
     * @return extra words for the exception message (e.g. "runtime closed"), or null.
     */
    default String explain(final Syscall syscall, final int errno)
    {
        return null;
    }
}
