package io.offload.servers.uring;

import io.offload.api.Errno;

/**
 * An io_uring system call failed in a way the caller cannot go on from: setup refused, a mapping failed, the kernel
 * dropped completions. Results of individual requests are never thrown: they arrive as {@code res} in their CQE.
 */
public final class IoUringException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * @param call   the system call that failed, e.g. {@code io_uring_setup}.
     * @param errno  its errno (positive).
     * @param detail what it means here and what to do, or null.
     */
    public IoUringException(final String call, final int errno, final String detail)
    {
        super(call + " failed: " + Errno.name(errno) + " (" + errno + ", " + Errno.message(errno) + ")" +
            (detail == null ? "" : ": " + detail));
        this.call = call;
        this.errno = errno;
    }

    /**
     * @return the system call that failed.
     */
    public String call()
    {
        return call;
    }

    /**
     * @return its errno (positive).
     */
    public int errno()
    {
        return errno;
    }
}
