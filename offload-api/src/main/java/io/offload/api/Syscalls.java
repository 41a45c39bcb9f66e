package io.offload.api;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Blocking system calls: each returns its result or throws {@link SyscallException}. How the caller waits is the
 * runtime's {@link WaitStrategy}; a virtual thread parks and frees its carrier. Buffers are native
 * {@link MemorySegment}s or direct {@link ByteBuffer}s (a ByteBuffer is used from position to limit and its
 * position advanced by the bytes moved); heap memory is refused with a message saying how to get native memory, a
 * read-only one as a read's target too. A call returns only once the kernel is done with its buffers, and a segment
 * of a shared arena reaches the kernel only as a copy in runtime memory, so another thread may close the arena at any
 * time without the kernel ever touching freed memory (README, "Buffers and their arenas").
 */
public interface Syscalls
{
    /**
     * @return the process id.
     * @throws SyscallException if the call could not be made: EAGAIN when refused by back-pressure (REJECT),
     *                          ECANCELED when the runtime closed under it; the rule of every other call.
     */
    int getpid() throws SyscallException;

    /**
     * @return the parent's process id.
     * @throws SyscallException as {@link #getpid()}.
     */
    int getppid() throws SyscallException;

    /**
     * @return the id of the thread that ran the call (a server's thread when offloaded).
     * @throws SyscallException as {@link #getpid()}.
     */
    int gettid() throws SyscallException;

    /**
     * @return the CPU that ran the call (a server's CPU when offloaded).
     * @throws SyscallException as {@link #getpid()}.
     */
    int schedGetcpu() throws SyscallException;

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
