package io.offload.nio;

import io.offload.api.Errno;
import io.offload.api.IoVector;
import io.offload.api.RawSyscalls;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;

import java.lang.foreign.MemorySegment;
import java.nio.file.ClosedFileSystemException;
import java.time.Duration;

/**
 * A runtime's raw calls as the provider needs them: a call the runtime could not run because it closed meanwhile
 * (ECANCELED, or IllegalStateException from a closed runtime) runs again on the caller where the provider falls
 * back (the default provider: the JVM is exiting) or ends in {@link ClosedFileSystemException} where it does not
 * (a file system of an explicit runtime). For path operations, which the JDK does not make interruptible, a call
 * cancelled by an interrupt of the caller runs again on the caller too; the interrupt stays set. Channel operations
 * keep the ECANCELED: the channel turns it into ClosedByInterruptException.
 * <p>
 * ECANCELED comes back only for a call that did not run (a call that ran returns its result even when cancelled),
 * so running it again never runs it twice. Allocates nothing.
 */
final class RoutedCalls implements RawSyscalls
{
    private static final long ECANCELED = -Errno.ECANCELED;
    private static final RawSyscalls DIRECT = DirectSyscalls.raw();

    private final OffloadRuntime runtime;
    private final RawSyscalls target;
    private final boolean fallBackToDirect;
    private final boolean uninterruptible;

    /**
     * @param runtime          the runtime whose calls these are.
     * @param fallBackToDirect whether a call the closed runtime could not run runs on the caller.
     * @param uninterruptible  whether a call cancelled by the caller's interrupt runs again on the caller.
     */
    RoutedCalls(final OffloadRuntime runtime, final boolean fallBackToDirect, final boolean uninterruptible)
    {
        this.runtime = runtime;
        this.target = runtime.raw();
        this.fallBackToDirect = fallBackToDirect;
        this.uninterruptible = uninterruptible;
    }

    private long closedDuring(final IllegalStateException ex)
    {
        if (!runtime.isClosed())
        {
            throw ex;
        }
        return ECANCELED;
    }

    private boolean again(final long result)
    {
        if (result != ECANCELED)
        {
            return false;
        }
        if (runtime.isClosed())
        {
            if (fallBackToDirect)
            {
                return true;
            }
            throw new ClosedFileSystemException();
        }
        return uninterruptible && Thread.currentThread().isInterrupted();
    }

    @Override
    public long getpid()
    {
        return DIRECT.getpid();
    }

    @Override
    public long getppid()
    {
        return DIRECT.getppid();
    }

    @Override
    public long gettid()
    {
        return DIRECT.gettid();
    }

    @Override
    public long schedGetcpu()
    {
        return DIRECT.schedGetcpu();
    }

    @Override
    public long read(final int fd, final MemorySegment buf)
    {
        return read(fd, buf, buf.byteSize());
    }

    @Override
    public long read(final int fd, final MemorySegment buf, final long length)
    {
        long r;
        try
        {
            r = target.read(fd, buf, length);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.read(fd, buf, length) : r;
    }

    @Override
    public long write(final int fd, final MemorySegment buf)
    {
        return write(fd, buf, buf.byteSize());
    }

    @Override
    public long write(final int fd, final MemorySegment buf, final long length)
    {
        long r;
        try
        {
            r = target.write(fd, buf, length);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.write(fd, buf, length) : r;
    }

    @Override
    public long pread(final int fd, final MemorySegment buf, final long offset)
    {
        return pread(fd, buf, buf.byteSize(), offset);
    }

    @Override
    public long pread(final int fd, final MemorySegment buf, final long length, final long offset)
    {
        long r;
        try
        {
            r = target.pread(fd, buf, length, offset);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.pread(fd, buf, length, offset) : r;
    }

    @Override
    public long pwrite(final int fd, final MemorySegment buf, final long offset)
    {
        return pwrite(fd, buf, buf.byteSize(), offset);
    }

    @Override
    public long pwrite(final int fd, final MemorySegment buf, final long length, final long offset)
    {
        long r;
        try
        {
            r = target.pwrite(fd, buf, length, offset);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.pwrite(fd, buf, length, offset) : r;
    }

    @Override
    public long readv(final int fd, final IoVector vectors)
    {
        long r;
        try
        {
            r = target.readv(fd, vectors);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.readv(fd, vectors) : r;
    }

    @Override
    public long writev(final int fd, final IoVector vectors)
    {
        long r;
        try
        {
            r = target.writev(fd, vectors);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.writev(fd, vectors) : r;
    }

    @Override
    public long openat(final int dirfd, final MemorySegment path, final int flags, final int mode)
    {
        long r;
        try
        {
            r = target.openat(dirfd, path, flags, mode);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.openat(dirfd, path, flags, mode) : r;
    }

    @Override
    public long close(final int fd)
    {
        try
        {
            return target.close(fd); // a closed runtime's gate closes on the caller itself: the fd is released
        }
        catch (final IllegalStateException ex)
        {
            closedDuring(ex);
            return DIRECT.close(fd);
        }
    }

    @Override
    public long statx(final int dirfd, final MemorySegment path, final int flags, final int mask,
        final MemorySegment statx)
    {
        long r;
        try
        {
            r = target.statx(dirfd, path, flags, mask, statx);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.statx(dirfd, path, flags, mask, statx) : r;
    }

    @Override
    public long lseek(final int fd, final long offset, final int whence)
    {
        long r;
        try
        {
            r = target.lseek(fd, offset, whence);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.lseek(fd, offset, whence) : r;
    }

    @Override
    public long fsync(final int fd)
    {
        long r;
        try
        {
            r = target.fsync(fd);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.fsync(fd) : r;
    }

    @Override
    public long fdatasync(final int fd)
    {
        long r;
        try
        {
            r = target.fdatasync(fd);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.fdatasync(fd) : r;
    }

    @Override
    public long ftruncate(final int fd, final long length)
    {
        long r;
        try
        {
            r = target.ftruncate(fd, length);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.ftruncate(fd, length) : r;
    }

    @Override
    public long getdents64(final int fd, final MemorySegment buf)
    {
        long r;
        try
        {
            r = target.getdents64(fd, buf);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.getdents64(fd, buf) : r;
    }

    @Override
    public long unlinkat(final int dirfd, final MemorySegment path, final int flags)
    {
        long r;
        try
        {
            r = target.unlinkat(dirfd, path, flags);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.unlinkat(dirfd, path, flags) : r;
    }

    @Override
    public long mkdirat(final int dirfd, final MemorySegment path, final int mode)
    {
        long r;
        try
        {
            r = target.mkdirat(dirfd, path, mode);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.mkdirat(dirfd, path, mode) : r;
    }

    @Override
    public long renameat(final int oldDirfd, final MemorySegment oldPath, final int newDirfd,
        final MemorySegment newPath)
    {
        long r;
        try
        {
            r = target.renameat(oldDirfd, oldPath, newDirfd, newPath);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.renameat(oldDirfd, oldPath, newDirfd, newPath) : r;
    }

    @Override
    public long readlinkat(final int dirfd, final MemorySegment path, final MemorySegment buf)
    {
        long r;
        try
        {
            r = target.readlinkat(dirfd, path, buf);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.readlinkat(dirfd, path, buf) : r;
    }

    @Override
    public long copyFileRange(final int fdIn, final MemorySegment offIn, final int fdOut, final MemorySegment offOut,
        final long length, final int flags)
    {
        long r;
        try
        {
            r = target.copyFileRange(fdIn, offIn, fdOut, offOut, length, flags);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.copyFileRange(fdIn, offIn, fdOut, offOut, length, flags) : r;
    }

    @Override
    public long symlinkat(final MemorySegment target, final int newDirfd, final MemorySegment linkPath)
    {
        long r;
        try
        {
            r = this.target.symlinkat(target, newDirfd, linkPath);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.symlinkat(target, newDirfd, linkPath) : r;
    }

    @Override
    public long faccessat(final int dirfd, final MemorySegment path, final int mode, final int flags)
    {
        long r;
        try
        {
            r = target.faccessat(dirfd, path, mode, flags);
        }
        catch (final IllegalStateException ex)
        {
            r = closedDuring(ex);
        }
        return again(r) ? DIRECT.faccessat(dirfd, path, mode, flags) : r;
    }

    @Override
    public RawSyscalls withTimeout(final Duration timeout)
    {
        throw new UnsupportedOperationException("the nio provider's calls have no timeout, as the JDK's have none");
    }
}
