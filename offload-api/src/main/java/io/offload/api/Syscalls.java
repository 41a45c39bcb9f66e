package io.offload.api;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Blocking system calls: each returns its result or throws {@link SyscallException}. How the caller waits is the
 * runtime's {@link WaitStrategy}; a virtual thread parks and frees its carrier. Buffers are native
 * {@link MemorySegment}s or direct {@link ByteBuffer}s (a ByteBuffer is used from position to limit and its
 * position advanced by the bytes moved); heap memory is refused with a message saying how to get native memory.
 */
public interface Syscalls
{
    /** @return the process id. */
    int getpid();

    /** @return the parent's process id. */
    int getppid();

    /** @return the id of the thread that ran the call (a server's thread when offloaded). */
    int gettid();

    /** @return the CPU that ran the call (a server's CPU when offloaded). */
    int schedGetcpu();

    /**
     * @param fd  file descriptor.
     * @param buf native buffer.
     * @return bytes read, 0 at end of file.
     * @throws SyscallException if the call fails.
     */
    long read(int fd, MemorySegment buf) throws SyscallException;

    /**
     * @param fd  file descriptor.
     * @param buf direct buffer, filled from its position; the position advances.
     * @return bytes read, 0 at end of file.
     * @throws SyscallException if the call fails.
     */
    long read(int fd, ByteBuffer buf) throws SyscallException;

    /**
     * @param fd  file descriptor.
     * @param buf native buffer.
     * @return bytes written.
     * @throws SyscallException if the call fails.
     */
    long write(int fd, MemorySegment buf) throws SyscallException;

    /**
     * @param fd  file descriptor.
     * @param buf direct buffer, written from position to limit; the position advances.
     * @return bytes written.
     * @throws SyscallException if the call fails.
     */
    long write(int fd, ByteBuffer buf) throws SyscallException;

    /**
     * @param fd     file descriptor.
     * @param buf    native buffer.
     * @param offset file offset.
     * @return bytes read.
     * @throws SyscallException if the call fails.
     */
    long pread(int fd, MemorySegment buf, long offset) throws SyscallException;

    /**
     * @param fd     file descriptor.
     * @param buf    direct buffer, filled from its position; the position advances.
     * @param offset file offset.
     * @return bytes read.
     * @throws SyscallException if the call fails.
     */
    long pread(int fd, ByteBuffer buf, long offset) throws SyscallException;

    /**
     * @param fd     file descriptor.
     * @param buf    native buffer.
     * @param offset file offset.
     * @return bytes written.
     * @throws SyscallException if the call fails.
     */
    long pwrite(int fd, MemorySegment buf, long offset) throws SyscallException;

    /**
     * @param fd     file descriptor.
     * @param buf    direct buffer, written from position to limit; the position advances.
     * @param offset file offset.
     * @return bytes written.
     * @throws SyscallException if the call fails.
     */
    long pwrite(int fd, ByteBuffer buf, long offset) throws SyscallException;

    /**
     * @param fd      file descriptor.
     * @param vectors buffers to fill in order.
     * @return bytes read.
     * @throws SyscallException if the call fails.
     */
    long readv(int fd, IoVector vectors) throws SyscallException;

    /**
     * @param fd      file descriptor.
     * @param vectors buffers to write in order.
     * @return bytes written.
     * @throws SyscallException if the call fails.
     */
    long writev(int fd, IoVector vectors) throws SyscallException;

    /**
     * @param path  file path.
     * @param flags {@code O_*} flags from {@link LinuxConstants}.
     * @param mode  permission bits for a created file.
     * @return the new fd.
     * @throws SyscallException if the call fails (ENOENT, EACCES, ...).
     */
    int open(String path, int flags, int mode) throws SyscallException;

    /**
     * @param dirfd directory fd, or {@link LinuxConstants#AT_FDCWD}.
     * @param path  path relative to {@code dirfd}.
     * @param flags {@code O_*} flags.
     * @param mode  permission bits for a created file.
     * @return the new fd.
     * @throws SyscallException if the call fails.
     */
    int openat(int dirfd, String path, int flags, int mode) throws SyscallException;

    /**
     * @param fd file descriptor.
     * @throws SyscallException if the call fails (EBADF for a closed fd).
     */
    void close(int fd) throws SyscallException;

    /**
     * @param path a path; symbolic links are followed.
     * @return its metadata.
     * @throws SyscallException if the call fails.
     */
    FileStat stat(String path) throws SyscallException;

    /**
     * @param fd an open fd.
     * @return its metadata.
     * @throws SyscallException if the call fails.
     */
    FileStat fstat(int fd) throws SyscallException;

    /**
     * @param fd     file descriptor.
     * @param offset offset.
     * @param whence {@code SEEK_*}.
     * @return the new offset.
     * @throws SyscallException if the call fails.
     */
    long lseek(int fd, long offset, int whence) throws SyscallException;

    /**
     * @param fd file descriptor.
     * @throws SyscallException if the call fails.
     */
    void fsync(int fd) throws SyscallException;

    /**
     * @param fd file descriptor.
     * @throws SyscallException if the call fails.
     */
    void fdatasync(int fd) throws SyscallException;

    /**
     * @param fd     file descriptor.
     * @param length new length.
     * @throws SyscallException if the call fails.
     */
    void ftruncate(int fd, long length) throws SyscallException;

    /**
     * @param fd  directory fd.
     * @param buf native buffer for {@code struct linux_dirent64} records ({@link DirectoryEntries} parses them).
     * @return bytes filled, 0 at the end of the directory.
     * @throws SyscallException if the call fails.
     */
    long getdents64(int fd, MemorySegment buf) throws SyscallException;

    /**
     * @param path a file to remove.
     * @throws SyscallException if the call fails.
     */
    void unlink(String path) throws SyscallException;

    /**
     * @param path an empty directory to remove.
     * @throws SyscallException if the call fails.
     */
    void rmdir(String path) throws SyscallException;

    /**
     * @param path a directory to create.
     * @param mode permission bits.
     * @throws SyscallException if the call fails.
     */
    void mkdir(String path, int mode) throws SyscallException;

    /**
     * @param oldPath existing path.
     * @param newPath new path, replaced if it exists.
     * @throws SyscallException if the call fails.
     */
    void rename(String oldPath, String newPath) throws SyscallException;

    /**
     * @param path a symbolic link (or a {@code /proc/self/fd/N} entry: the path an open fd refers to).
     * @return the link's target, decoded as UTF-8.
     * @throws SyscallException if the call fails (EINVAL: not a symbolic link; ENAMETOOLONG: a target over
     *                          {@link #READLINK_MAX} bytes).
     */
    String readlink(String path) throws SyscallException;

    /**
     * Create a symbolic link, through {@link RawSyscalls#symlinkat} on this object's route.
     *
     * @param target   what the link will hold.
     * @param linkPath the new link.
     * @throws SyscallException if the call fails (EEXIST, ENOENT for a missing parent, ...).
     */
    default void symlink(final String target, final String linkPath) throws SyscallException
    {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined())
        {
            final long result = raw().symlinkat(CStrings.of(arena, target, "target"), LinuxConstants.AT_FDCWD,
                CStrings.of(arena, linkPath, "linkPath"));
            if (result < 0)
            {
                throw new SyscallException(Syscall.SYMLINKAT, (int)-result, "\"" + target + "\" -> \"" + linkPath + "\"");
            }
        }
    }

    /**
     * Check access with the real uid and gid, as {@code access(2)}, through {@link RawSyscalls#faccessat}.
     *
     * @param path a path.
     * @param mode {@link LinuxConstants#F_OK}, or an or of {@link LinuxConstants#R_OK}, {@link LinuxConstants#W_OK},
     *             {@link LinuxConstants#X_OK}.
     * @throws SyscallException if access is refused (EACCES) or the path does not resolve (ENOENT, ...).
     */
    default void access(final String path, final int mode) throws SyscallException
    {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined())
        {
            final long result = raw().faccessat(LinuxConstants.AT_FDCWD, CStrings.of(arena, path, "path"), mode, 0);
            if (result < 0)
            {
                throw new SyscallException(Syscall.FACCESSAT, (int)-result, "\"" + path + "\"");
            }
        }
    }

    /**
     * Copy bytes between two files inside the kernel, through {@link RawSyscalls#copyFileRange}.
     *
     * @param fdIn   file to read.
     * @param offIn  offset to read at, or -1 for {@code fdIn}'s file position (advanced).
     * @param fdOut  file to write.
     * @param offOut offset to write at, or -1 for {@code fdOut}'s file position (advanced).
     * @param length bytes to copy at most, {@code >= 0}.
     * @return bytes copied, 0 at the end of {@code fdIn}.
     * @throws SyscallException if the call fails (EXDEV, EINVAL or EOPNOTSUPP where the kernel cannot copy these
     *                          files in place).
     */
    default long copyFileRange(final int fdIn, final long offIn, final int fdOut, final long offOut,
        final long length) throws SyscallException
    {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined())
        {
            final java.lang.foreign.MemorySegment in = offIn < 0 ? java.lang.foreign.MemorySegment.NULL :
                arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_LONG, offIn);
            final java.lang.foreign.MemorySegment out = offOut < 0 ? java.lang.foreign.MemorySegment.NULL :
                arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_LONG, offOut);
            final long result = raw().copyFileRange(fdIn, in, fdOut, out, length, 0);
            if (result < 0)
            {
                throw new SyscallException(Syscall.COPY_FILE_RANGE, (int)-result, "fdIn=" + fdIn + ", fdOut=" + fdOut);
            }
            return result;
        }
    }

    /** The longest target {@link #readlink(String)} returns, in bytes: Linux's PATH_MAX less its NUL. */
    int READLINK_MAX = 4095;

    /**
     * @return the allocation-free variant of these calls, on the same route.
     */
    RawSyscalls raw();

    /**
     * A view of these calls in which each call waits at most {@code timeout} (in the server's queue, or for a
     * socket to become ready) and otherwise completes with ETIMEDOUT as a SyscallException.
     *
     * @param timeout a positive duration.
     * @return the view; this object is unchanged.
     */
    Syscalls withTimeout(java.time.Duration timeout);
}
