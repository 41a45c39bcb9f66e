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

    // ---- SIGNAL, IPC and OTHER: by default through raw(); the runtime's implementation adds its own detail to
    // ---- the exceptions

    /** The longest name {@link #memfdCreate(String, int)} takes, in bytes: 249 (NAME_MAX less "memfd:"). */
    int MEMFD_NAME_MAX = 249;

    /**
     * {@code kill(2)}: send a signal (see {@link RawSyscalls#kill}). SIGNAL class.
     *
     * @param pid a process id, 0 (own process group), -1 (every process allowed) or {@code -pgid}.
     * @param sig a signal number, 0 to {@link LinuxConstants#SIGRTMAX}; 0 only checks.
     * @throws SyscallException if the call fails (ESRCH, EPERM).
     */
    default void kill(final int pid, final int sig) throws SyscallException
    {
        SyscallResults.check(Syscall.KILL, raw().kill(pid, sig), "pid=" + pid + " sig=" + sig);
    }

    /**
     * {@code tgkill(2)}: send a signal to one thread. SIGNAL class.
     *
     * @param tgid the process id, {@code > 0}.
     * @param tid  the thread id, {@code > 0}.
     * @param sig  a signal number, 0 to {@link LinuxConstants#SIGRTMAX}.
     * @throws SyscallException if the call fails (ESRCH).
     */
    default void tgkill(final int tgid, final int tid, final int sig) throws SyscallException
    {
        SyscallResults.check(Syscall.TGKILL, raw().tgkill(tgid, tid, sig), "tgid=" + tgid + " tid=" + tid + " sig=" + sig);
    }

    /**
     * {@code pipe2(2)}: a pipe. IPC class.
     *
     * @param flags 0 or an OR of {@link LinuxConstants#O_CLOEXEC}, {@link LinuxConstants#O_NONBLOCK} and
     *              {@link LinuxConstants#O_DIRECT}.
     * @return the read end's fd at index 0 and the write end's at index 1; the caller closes both.
     * @throws SyscallException if the call fails (EMFILE, ENFILE).
     */
    default int[] pipe2(final int flags) throws SyscallException
    {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined())
        {
            final MemorySegment fds = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT, 2);
            SyscallResults.check(Syscall.PIPE2, raw().pipe2(fds, flags), "flags=0" + Integer.toOctalString(flags));
            return fds.toArray(java.lang.foreign.ValueLayout.JAVA_INT);
        }
    }

    /**
     * {@code eventfd(2)}: a counter fd. IPC class.
     *
     * @param initval the first value, {@code >= 0}.
     * @param flags   0 or an OR of {@code EFD_CLOEXEC}, {@code EFD_NONBLOCK}, {@code EFD_SEMAPHORE}.
     * @return the new fd; the caller closes it.
     * @throws SyscallException if the call fails.
     */
    default int eventfd(final int initval, final int flags) throws SyscallException
    {
        return (int)SyscallResults.check(Syscall.EVENTFD, raw().eventfd(initval, flags), "initval=" + initval);
    }

    /**
     * {@code memfd_create(2)}: an anonymous file in memory. IPC class.
     *
     * @param name  a name for /proc, at most {@link #MEMFD_NAME_MAX} bytes in UTF-8, no NUL.
     * @param flags {@link LinuxConstants#MFD_CLOEXEC}, {@link LinuxConstants#MFD_ALLOW_SEALING}, ...
     * @return the new fd; the caller closes it.
     * @throws SyscallException if the call fails (EINVAL for unknown flags).
     */
    default int memfdCreate(final String name, final int flags) throws SyscallException
    {
        if (name == null || name.indexOf('\0') >= 0 ||
            name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MEMFD_NAME_MAX)
        {
            throw new IllegalArgumentException("name must be a string of at most " + MEMFD_NAME_MAX +
                " UTF-8 bytes without NUL, got " + (name == null ? "null" : "\"" + name + "\""));
        }
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined())
        {
            return (int)SyscallResults.check(Syscall.MEMFD_CREATE, raw().memfdCreate(arena.allocateFrom(name), flags),
                "\"" + name + "\"");
        }
    }

    /**
     * {@code uname(2)}. OTHER class.
     *
     * @return the kernel's and host's names.
     * @throws SyscallException if the call fails.
     */
    default Uname uname() throws SyscallException
    {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined())
        {
            final MemorySegment utsname = arena.allocate(UtsnameDescriptor.LENGTH);
            SyscallResults.check(Syscall.UNAME, raw().uname(utsname), "uname");
            return UtsnameDescriptor.toUname(utsname);
        }
    }

    /**
     * {@code getrandom(2)}: random bytes. OTHER class.
     *
     * @param buf   native, writable memory, filled up to its size.
     * @param flags 0 or an OR of {@code GRND_NONBLOCK}, {@code GRND_RANDOM}, {@code GRND_INSECURE}.
     * @return bytes written (fewer than asked only past 32 MiB, or when a signal interrupts a large request).
     * @throws SyscallException if the call fails (EAGAIN with GRND_NONBLOCK before the pool is ready).
     */
    default long getrandom(final MemorySegment buf, final int flags) throws SyscallException
    {
        return SyscallResults.check(Syscall.GETRANDOM, raw().getrandom(buf, flags), "flags=" + flags);
    }

    /**
     * {@code prctl(2)} (see {@link RawSyscalls#prctl}: thread-scoped options act on the thread that runs the call).
     * OTHER class.
     *
     * @param option a {@code PR_*} option, {@code >= 0}.
     * @param arg2   second argument.
     * @param arg3   third argument.
     * @param arg4   fourth argument.
     * @param arg5   fifth argument.
     * @return the option's result.
     * @throws SyscallException if the call fails.
     */
    default long prctl(final int option, final long arg2, final long arg3, final long arg4, final long arg5)
        throws SyscallException
    {
        return SyscallResults.check(Syscall.PRCTL, raw().prctl(option, arg2, arg3, arg4, arg5), "option=" + option);
    }

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
