package io.offload.api;

import java.lang.foreign.MemorySegment;

/**
 * The allocation-free path for hot loops: each method returns the call's result, or {@code -errno}, as a long,
 * and throws nothing for a failed system call. Buffers are native {@link MemorySegment}s and are checked before
 * anything reaches the kernel; a bad one gets an {@link IllegalArgumentException} (heap segment, read-only target of
 * a read, length negative or past the end), an {@link IllegalStateException} (closed arena, closed runtime) or a
 * {@link WrongThreadException} (a segment confined to another thread). Paths are native, NUL-terminated strings
 * ({@code arena.allocateFrom("/etc/hosts")}). A call returns only once the kernel is done with its buffers; a segment
 * of a shared arena reaches the kernel only as a copy in runtime memory (README, "Buffers and their arenas").
 */
public interface RawSyscalls
{
    /** @return the process id. */
    long getpid();

    /** @return the parent's process id. */
    long getppid();

    /** @return the id of the thread that ran the call (a server's thread when offloaded). */
    long gettid();

    /** @return the CPU that ran the call (a server's CPU when offloaded). */
    long schedGetcpu();

    /**
     * @param fd  file descriptor.
     * @param buf native buffer; up to {@code buf.byteSize()} bytes are read into it.
     * @return bytes read, 0 at end of file, or -errno.
     */
    long read(int fd, MemorySegment buf);

    /**
     * @param fd     file descriptor.
     * @param buf    native buffer.
     * @param length bytes to read at most, {@code 0 <= length <= buf.byteSize()}.
     * @return bytes read, 0 at end of file, or -errno.
     */
    long read(int fd, MemorySegment buf, long length);

    /**
     * @param fd  file descriptor.
     * @param buf native buffer; all of it is offered to the kernel.
     * @return bytes written, or -errno.
     */
    long write(int fd, MemorySegment buf);

    /**
     * @param fd     file descriptor.
     * @param buf    native buffer.
     * @param length bytes to write, {@code 0 <= length <= buf.byteSize()}.
     * @return bytes written, or -errno.
     */
    long write(int fd, MemorySegment buf, long length);

    /**
     * @param fd     file descriptor.
     * @param buf    native buffer, filled up to its size.
     * @param offset file offset, {@code >= 0}.
     * @return bytes read, or -errno.
     */
    long pread(int fd, MemorySegment buf, long offset);

    /**
     * @param fd     file descriptor.
     * @param buf    native buffer.
     * @param length bytes to read at most, {@code 0 <= length <= buf.byteSize()}.
     * @param offset file offset, {@code >= 0}.
     * @return bytes read, or -errno.
     */
    long pread(int fd, MemorySegment buf, long length, long offset);

    /**
     * @param fd     file descriptor.
     * @param buf    native buffer, written whole.
     * @param offset file offset, {@code >= 0}.
     * @return bytes written, or -errno.
     */
    long pwrite(int fd, MemorySegment buf, long offset);

    /**
     * @param fd     file descriptor.
     * @param buf    native buffer.
     * @param length bytes to write, {@code 0 <= length <= buf.byteSize()}.
     * @param offset file offset, {@code >= 0}.
     * @return bytes written, or -errno.
     */
    long pwrite(int fd, MemorySegment buf, long length, long offset);

    /**
     * @param fd      file descriptor.
     * @param vectors buffers to fill in order.
     * @return bytes read, or -errno.
     */
    long readv(int fd, IoVector vectors);

    /**
     * @param fd      file descriptor.
     * @param vectors buffers to write in order.
     * @return bytes written, or -errno.
     */
    long writev(int fd, IoVector vectors);

    /**
     * @param dirfd directory fd, or {@link LinuxConstants#AT_FDCWD}.
     * @param path  native NUL-terminated path.
     * @param flags {@code O_*} flags.
     * @param mode  permission bits for a created file.
     * @return the new fd, or -errno.
     */
    long openat(int dirfd, MemorySegment path, int flags, int mode);

    /**
     * @param fd file descriptor.
     * @return 0, or -errno.
     */
    long close(int fd);

    /**
     * @param dirfd directory fd, or {@link LinuxConstants#AT_FDCWD}.
     * @param path  native NUL-terminated path (empty with {@link LinuxConstants#AT_EMPTY_PATH} for {@code dirfd}
     *              itself).
     * @param flags {@code AT_*} flags.
     * @param mask  {@code STATX_*} fields wanted.
     * @param statx native buffer of at least 256 bytes for {@code struct statx}.
     * @return 0, or -errno.
     */
    long statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment statx);

    /**
     * @param fd     file descriptor.
     * @param offset offset.
     * @param whence {@code SEEK_*}.
     * @return the new offset, or -errno.
     */
    long lseek(int fd, long offset, int whence);

    /**
     * @param fd file descriptor.
     * @return 0, or -errno.
     */
    long fsync(int fd);

    /**
     * @param fd file descriptor.
     * @return 0, or -errno.
     */
    long fdatasync(int fd);

    /**
     * @param fd     file descriptor.
     * @param length new length, {@code >= 0}.
     * @return 0, or -errno.
     */
    long ftruncate(int fd, long length);

    /**
     * @param fd  directory fd.
     * @param buf native buffer for {@code struct linux_dirent64} records.
     * @return bytes filled, 0 at the end of the directory, or -errno.
     */
    long getdents64(int fd, MemorySegment buf);

    /**
     * @param dirfd directory fd, or {@link LinuxConstants#AT_FDCWD}.
     * @param path  native NUL-terminated path.
     * @param flags 0, or {@link LinuxConstants#AT_REMOVEDIR}.
     * @return 0, or -errno.
     */
    long unlinkat(int dirfd, MemorySegment path, int flags);

    /**
     * @param dirfd directory fd, or {@link LinuxConstants#AT_FDCWD}.
     * @param path  native NUL-terminated path.
     * @param mode  permission bits.
     * @return 0, or -errno.
     */
    long mkdirat(int dirfd, MemorySegment path, int mode);

    /**
     * @param oldDirfd directory fd of the old path, or {@link LinuxConstants#AT_FDCWD}.
     * @param oldPath  native NUL-terminated path.
     * @param newDirfd directory fd of the new path, or {@link LinuxConstants#AT_FDCWD}.
     * @param newPath  native NUL-terminated path.
     * @return 0, or -errno.
     */
    long renameat(int oldDirfd, MemorySegment oldPath, int newDirfd, MemorySegment newPath);

    /**
     * @param dirfd directory fd, or {@link LinuxConstants#AT_FDCWD}.
     * @param path  native NUL-terminated path of a symbolic link.
     * @param buf   native buffer for the link's target (not NUL-terminated; a target that fills it may be cut).
     * @return the target's length in bytes, or -errno (EINVAL if the path is not a symbolic link).
     */
    long readlinkat(int dirfd, MemorySegment path, MemorySegment buf);

    /**
     * A view of these calls in which each call waits at most {@code timeout} (in the server's queue, or for a
     * socket to become ready) and otherwise completes with ETIMEDOUT (-ETIMEDOUT from the raw calls).
     *
     * @param timeout a positive duration.
     * @return the view; this object is unchanged.
     */
    RawSyscalls withTimeout(java.time.Duration timeout);
}
