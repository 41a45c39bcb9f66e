package io.offload.nio;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.api.SyscallException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * The JDK's translation of an errno into the exceptions of {@code java.nio.file} (its
 * {@code sun.nio.fs.UnixException.translateToIOException}), with the same file names and reasons, and the
 * {@link SyscallException} of the failed call as the cause. Existing {@code catch} blocks keep working.
 */
final class NioErrors
{
    private NioErrors()
    {
    }

    /**
     * @param syscall the call that failed.
     * @param errno   its errno.
     * @param file    the path as the JDK reports it ({@code Path.toString()}), or null.
     * @param other   the second path of a two-path call, or null.
     * @return what the JDK would throw: AccessDeniedException (EACCES), NoSuchFileException (ENOENT),
     *         FileAlreadyExistsException (EEXIST), else FileSystemException with strerror's text.
     */
    static IOException translate(final Syscall syscall, final int errno, final String file, final String other)
    {
        final IOException ex;
        if (errno == Errno.EACCES)
        {
            ex = new AccessDeniedException(file, other, null);
        }
        else if (errno == Errno.ENOENT)
        {
            ex = new NoSuchFileException(file, other, null);
        }
        else if (errno == Errno.EEXIST)
        {
            ex = new FileAlreadyExistsException(file, other, null);
        }
        else if (errno == Errno.ELOOP)
        {
            ex = new FileSystemException(file, other,
                Errno.message(errno) + " or unable to access attributes of symbolic link");
        }
        else
        {
            ex = new FileSystemException(file, other, Errno.message(errno));
        }
        return withCause(ex, syscall, errno, file, other);
    }

    /**
     * @param syscall the call that failed.
     * @param errno   its errno.
     * @param file    the path, or null.
     * @return a plain IOException with strerror's text, as the JDK's channels throw for a failed read, write,
     *         seek or sync ({@code JNU_ThrowIOExceptionWithLastError}).
     */
    static IOException io(final Syscall syscall, final int errno, final String file)
    {
        return withCause(new IOException(Errno.message(errno)), syscall, errno, file, null);
    }

    /**
     * @param ex      an exception to throw.
     * @param syscall the call that failed.
     * @param errno   its errno.
     * @param file    the path, or null.
     * @param other   the second path, or null.
     * @return {@code ex}, its cause the call's SyscallException.
     */
    static <T extends IOException> T withCause(final T ex, final Syscall syscall, final int errno, final String file,
        final String other)
    {
        final String detail = file == null ? null : other == null ? "\"" + file + "\"" :
            "\"" + file + "\" -> \"" + other + "\"";
        ex.initCause(new SyscallException(syscall, errno, detail));
        return ex;
    }
}
