package io.offload.api;

import java.io.IOException;

/**
 * A system call failed: carries the call, its errno, the errno's name (EBADF, ENOENT, ...) and glibc's strerror
 * text, so the message reads like strace: {@code "pread(fd=7): EBADF (Bad file descriptor)"}.
 */
public class SyscallException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final Syscall syscall;
    private final int errno;

    /**
     * @param syscall the call that failed.
     * @param errno   its errno, {@code > 0}.
     * @param detail  what the call was given (path, fd), or null.
     */
    public SyscallException(final Syscall syscall, final int errno, final String detail)
    {
        super(message(syscall, errno, detail));
        this.syscall = syscall;
        this.errno = errno;
    }

    /**
     * @return the call that failed.
     */
    public Syscall syscall()
    {
        return syscall;
    }

    /**
     * @return the errno.
     */
    public int errno()
    {
        return errno;
    }

    /**
     * @return the errno's name, e.g. {@code "EBADF"}.
     */
    public String errnoName()
    {
        return Errno.name(errno);
    }

    /**
     * @return glibc's text for the errno, e.g. {@code "Bad file descriptor"}.
     */
    public String strerror()
    {
        return Errno.message(errno);
    }

    private static String message(final Syscall syscall, final int errno, final String detail)
    {
        final String call = syscall == null ? "syscall" : syscall.cName();
        return call + (detail == null ? "" : "(" + detail + ")") + ": " + Errno.name(errno) + " (" +
            Errno.message(errno) + ")";
    }
}
