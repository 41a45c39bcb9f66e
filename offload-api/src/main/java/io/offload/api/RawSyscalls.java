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

    // ---- SIGNAL, IPC and OTHER: default methods, so that other implementations of this interface keep compiling;
    // ---- the runtime's and DirectSyscalls' implement them

    /**
     * {@code kill(2)}: send a signal. SIGNAL class.
     *
     * @param pid a process id ({@code > 0}); 0: the caller's process group; -1: every process the caller may signal;
     *            {@code < -1}: the process group {@code -pid}.
     * @param sig a signal number, 0 (no signal: check that the target exists and may be signalled) to
     *            {@link LinuxConstants#SIGRTMAX}.
     * @return 0, or -errno (ESRCH: no such process; EPERM: not allowed).
     * @throws IllegalArgumentException if {@code sig} is out of range.
     */
    default long kill(final int pid, final int sig)
    {
        throw unsupported("kill");
    }

    /**
     * {@code tgkill(2)}: send a signal to one thread. SIGNAL class.
     *
     * @param tgid the thread group (process) id, {@code > 0}.
     * @param tid  the thread id ({@code gettid}), {@code > 0}.
     * @param sig  a signal number, 0 to {@link LinuxConstants#SIGRTMAX}.
     * @return 0, or -errno (ESRCH: no such thread in that group).
     * @throws IllegalArgumentException if an id is not positive or {@code sig} is out of range.
     */
    default long tgkill(final int tgid, final int tid, final int sig)
    {
        throw unsupported("tgkill");
    }

    /**
     * {@code pipe2(2)}: a pipe. IPC class. With {@link LinuxConstants#O_NONBLOCK}, reads and writes of its fds
     * through the runtime wait in a server's reactor instead of holding the server.
     *
     * @param fds   native, writable memory of at least 8 bytes: the read end's fd is stored at offset 0 and the
     *              write end's at offset 4 (an {@code int[2]}).
     * @param flags 0 or an OR of {@link LinuxConstants#O_CLOEXEC}, {@link LinuxConstants#O_NONBLOCK},
     *              {@link LinuxConstants#O_DIRECT} (packet mode) and {@code O_NOTIFICATION_PIPE}
     *              ({@link LinuxConstants#O_EXCL}).
     * @return 0, or -errno (EMFILE, ENFILE).
     * @throws IllegalArgumentException if {@code fds} is not native, writable and 8 bytes, or a flag is unknown.
     */
    default long pipe2(final MemorySegment fds, final int flags)
    {
        throw unsupported("pipe2");
    }

    /**
     * {@code eventfd(2)}: a counter fd. IPC class.
     *
     * @param initval the counter's first value, {@code >= 0}.
     * @param flags   0 or an OR of {@link LinuxConstants#EFD_CLOEXEC}, {@link LinuxConstants#EFD_NONBLOCK} and
     *                {@link LinuxConstants#EFD_SEMAPHORE}.
     * @return the new fd, or -errno.
     * @throws IllegalArgumentException if {@code initval} is negative or a flag is unknown.
     */
    default long eventfd(final int initval, final int flags)
    {
        throw unsupported("eventfd");
    }

    /**
     * {@code memfd_create(2)}: an anonymous file in memory. IPC class.
     *
     * @param name  native NUL-terminated name, at most 249 bytes (shown as {@code /memfd:name} in /proc).
     * @param flags {@link LinuxConstants#MFD_CLOEXEC}, {@link LinuxConstants#MFD_ALLOW_SEALING}, ... (the kernel
     *              checks them: EINVAL).
     * @return the new fd, or -errno.
     * @throws IllegalArgumentException if {@code name} is not a native NUL-terminated string.
     */
    default long memfdCreate(final MemorySegment name, final int flags)
    {
        throw unsupported("memfdCreate");
    }

    /**
     * {@code uname(2)}: the kernel's and host's names. OTHER class.
     *
     * @param utsname native, writable memory of at least {@link UtsnameDescriptor#LENGTH} bytes, filled as
     *                {@code struct utsname} ({@link UtsnameDescriptor#toUname} reads it).
     * @return 0, or -errno.
     * @throws IllegalArgumentException if {@code utsname} is not native, writable and large enough.
     */
    default long uname(final MemorySegment utsname)
    {
        throw unsupported("uname");
    }

    /**
     * {@code getrandom(2)}: random bytes from the kernel. OTHER class.
     *
     * @param buf   native, writable memory, filled up to its size (a request over 32 MiB may be cut short).
     * @param flags 0 or an OR of {@link LinuxConstants#GRND_NONBLOCK}, {@link LinuxConstants#GRND_RANDOM} and
     *              {@link LinuxConstants#GRND_INSECURE}.
     * @return bytes written, or -errno (EAGAIN with GRND_NONBLOCK before the pool is ready).
     * @throws IllegalArgumentException if {@code buf} is not native and writable, or a flag is unknown.
     */
    default long getrandom(final MemorySegment buf, final int flags)
    {
        throw unsupported("getrandom");
    }

    /**
     * {@code prctl(2)}: read or change a process or thread attribute. OTHER class. Thread-scoped options
     * ({@link LinuxConstants#PR_SET_NAME}, {@link LinuxConstants#PR_GET_NAME}, ...) act on the thread that runs the
     * call: a server's thread when offloaded, so route PRCTL INLINE for those. Pointer arguments are addresses of
     * native memory the caller keeps alive until the call returns.
     *
     * @param option a {@code PR_*} option, {@code >= 0}.
     * @param arg2   second argument.
     * @param arg3   third argument.
     * @param arg4   fourth argument.
     * @param arg5   fifth argument.
     * @return the option's result (0 for most), or -errno.
     * @throws IllegalArgumentException if {@code option} is negative.
     */
    default long prctl(final int option, final long arg2, final long arg3, final long arg4, final long arg5)
    {
        throw unsupported("prctl");
    }

    private UnsupportedOperationException unsupported(final String method)
    {
        return new UnsupportedOperationException(getClass().getName() + " does not implement " + method +
            "; the runtime's raw() and DirectSyscalls.raw() do");
    }

    /**
     * Copy bytes from one file to another inside the kernel ({@code copy_file_range(2)}).
     *
     * @param fdIn   file to read.
     * @param offIn  native 8-byte {@code loff_t} holding the offset to read at, advanced by the call; or
     *               {@link MemorySegment#NULL} to read at (and advance) {@code fdIn}'s file position.
     * @param fdOut  file to write.
     * @param offOut as {@code offIn}, for {@code fdOut}.
     * @param length bytes to copy at most, {@code >= 0}.
     * @param flags  0.
     * @return bytes copied (0 at the end of {@code fdIn}), or -errno (EXDEV, EINVAL, ENOSYS, EOPNOTSUPP where the
     *         kernel or the file systems cannot copy these files: fall back to read and write).
     * @throws UnsupportedOperationException if this implementation does not offer the call.
     */
    default long copyFileRange(final int fdIn, final MemorySegment offIn, final int fdOut, final MemorySegment offOut,
        final long length, final int flags)
    {
        throw new UnsupportedOperationException(getClass().getName() + " does not offer copy_file_range");
    }

    /**
     * Create a symbolic link ({@code symlinkat(2)}).
     *
     * @param target   native NUL-terminated text the link will hold (not checked: a link may dangle).
     * @param newDirfd directory fd of {@code linkPath}, or {@link LinuxConstants#AT_FDCWD}.
     * @param linkPath native NUL-terminated path of the new link.
     * @return 0, or -errno (EEXIST if {@code linkPath} exists).
     * @throws UnsupportedOperationException if this implementation does not offer the call.
     */
    default long symlinkat(final MemorySegment target, final int newDirfd, final MemorySegment linkPath)
    {
        throw new UnsupportedOperationException(getClass().getName() + " does not offer symlinkat");
    }

    /**
     * Check whether the process may access a path, with its real uid and gid ({@code faccessat(2)}, as
     * {@code access(2)} when {@code flags} is 0).
     *
     * @param dirfd directory fd, or {@link LinuxConstants#AT_FDCWD}.
     * @param path  native NUL-terminated path.
     * @param mode  {@link LinuxConstants#F_OK}, or an or of {@link LinuxConstants#R_OK}, {@link LinuxConstants#W_OK},
     *              {@link LinuxConstants#X_OK}.
     * @param flags 0, or {@code AT_*} flags.
     * @return 0 if allowed, or -errno (ENOENT, EACCES, ...).
     * @throws UnsupportedOperationException if this implementation does not offer the call.
     */
    default long faccessat(final int dirfd, final MemorySegment path, final int mode, final int flags)
    {
        throw new UnsupportedOperationException(getClass().getName() + " does not offer faccessat");
    }

    /**
     * A view of these calls in which each call waits at most {@code timeout} (in the server's queue, or for a
     * socket to become ready) and otherwise completes with ETIMEDOUT (-ETIMEDOUT from the raw calls).
     *
     * @param timeout a positive duration.
     * @return the view; this object is unchanged.
     */
    RawSyscalls withTimeout(java.time.Duration timeout);
}
