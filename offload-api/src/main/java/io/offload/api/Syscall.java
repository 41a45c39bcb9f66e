package io.offload.api;

/**
 * Every system call the runtime knows, with the class of server that runs it. The ordinal is the op code written
 * into a syscall entry, so the order here is part of the entry format: add new calls at the end.
 * <p>
 * Some calls of {@link Syscalls} are made through a more general one and are counted, routed and recorded under
 * it: {@code open(path, ...)} runs as {@link #OPENAT} with {@code AT_FDCWD}, {@code stat(path)} and {@code fstat(fd)}
 * as {@link #STATX}, {@code unlink}/{@code rmdir} as {@link #UNLINKAT}, {@code mkdir} as {@link #MKDIRAT},
 * {@code rename} as {@link #RENAMEAT} and {@code readlink} as {@link #READLINKAT}. So {@code inline(Syscall.OPENAT)}
 * also inlines {@code open()}, and an {@code open()} that fails throws a {@link SyscallException} whose
 * {@link SyscallException#syscall()} is {@code OPENAT}.
 */
public enum Syscall
{
    /** {@code getpid(2)}: the process id. PROCESS; never fails, no errno. */
    GETPID(SyscallClass.PROCESS),
    /** {@code getppid(2)}: the parent's process id. PROCESS; never fails, no errno. */
    GETPPID(SyscallClass.PROCESS),
    /** {@code gettid(2)}: the id of the thread that runs the call (a server's, when offloaded). PROCESS. */
    GETTID(SyscallClass.PROCESS),
    /** {@code sched_getcpu(3)}: the CPU that runs the call (a server's, when offloaded). PROCESS. */
    SCHED_GETCPU(SyscallClass.PROCESS),
    /** {@code sched_setaffinity(2)}: the CPU mask of a thread; how servers pin themselves. PROCESS. */
    SCHED_SETAFFINITY(SyscallClass.PROCESS),
    /** {@code read(2)}: at the fd's position; waits in the reactor for a non-blocking fd (sockets, pipes). FILE. */
    READ(SyscallClass.FILE),
    /** {@code write(2)}: at the fd's position; waits in the reactor for a non-blocking fd. FILE. */
    WRITE(SyscallClass.FILE),
    /** {@code pread64(2)}: at an offset, the fd's position unchanged ({@code cName} "pread"). FILE. */
    PREAD(SyscallClass.FILE),
    /** {@code pwrite64(2)}: at an offset, the fd's position unchanged ({@code cName} "pwrite"). FILE. */
    PWRITE(SyscallClass.FILE),
    /** {@code readv(2)}: scatter read into an {@link IoVector}. FILE. */
    READV(SyscallClass.FILE),
    /** {@code writev(2)}: gather write from an {@link IoVector}. FILE. */
    WRITEV(SyscallClass.FILE),
    /** {@code openat(2)}: open relative to a directory fd; {@code Syscalls.open(path)} runs as this. FILE. */
    OPENAT(SyscallClass.FILE),
    /** {@code close(2)}: an fd of any kind; completes the fd's waiters with EBADF first. FILE. */
    CLOSE(SyscallClass.FILE),
    /** {@code statx(2)}: file metadata; {@code Syscalls.stat(path)} and {@code fstat(fd)} run as this. FILE. */
    STATX(SyscallClass.FILE),
    /** {@code lseek(2)}: move the fd's position, or find data and holes. FILE. */
    LSEEK(SyscallClass.FILE),
    /** {@code fsync(2)}: the file's data and metadata to stable storage. FILE. */
    FSYNC(SyscallClass.FILE),
    /** {@code fdatasync(2)}: the file's data (and the metadata needed to read it) to stable storage. FILE. */
    FDATASYNC(SyscallClass.FILE),
    /** {@code ftruncate(2)}: set an open file's length. FILE. */
    FTRUNCATE(SyscallClass.FILE),
    /** {@code getdents64(2)}: directory records ({@link DirectoryEntries}). FILE. */
    GETDENTS64(SyscallClass.FILE),
    /** {@code unlinkat(2)}: {@code Syscalls.unlink} and {@code rmdir} ({@code AT_REMOVEDIR}) run as this. FILE. */
    UNLINKAT(SyscallClass.FILE),
    /** {@code mkdirat(2)}: {@code Syscalls.mkdir} runs as this. FILE. */
    MKDIRAT(SyscallClass.FILE),
    /** {@code renameat(2)}: {@code Syscalls.rename} runs as this. FILE. */
    RENAMEAT(SyscallClass.FILE),
    /** {@code socket(2)}: always non-blocking and close-on-exec underneath. NETWORK. */
    SOCKET(SyscallClass.NETWORK),
    /** {@code bind(2)}: a socket to a local address. NETWORK. */
    BIND(SyscallClass.NETWORK),
    /** {@code listen(2)}: a bound socket accepts connections. NETWORK. */
    LISTEN(SyscallClass.NETWORK),
    /** {@code accept4(2)}: waits in the reactor for a connection; the new socket non-blocking. NETWORK. */
    ACCEPT4(SyscallClass.NETWORK),
    /** {@code connect(2)}: non-blocking underneath (EINPROGRESS, then SO_ERROR). NETWORK. */
    CONNECT(SyscallClass.NETWORK),
    /** {@code recvfrom(2)}: receive, optionally with the sender's address. NETWORK. */
    RECVFROM(SyscallClass.NETWORK),
    /** {@code sendto(2)}: send, optionally to an address. NETWORK. */
    SENDTO(SyscallClass.NETWORK),
    /** {@code recvmsg(2)}: receive into a {@code msghdr}. NETWORK. */
    RECVMSG(SyscallClass.NETWORK),
    /** {@code sendmsg(2)}: send from a {@code msghdr}. NETWORK. */
    SENDMSG(SyscallClass.NETWORK),
    /** {@code shutdown(2)}: close one or both directions of a connection. NETWORK. */
    SHUTDOWN(SyscallClass.NETWORK),
    /** {@code setsockopt(2)}: set a socket option. NETWORK. */
    SETSOCKOPT(SyscallClass.NETWORK),
    /** {@code getsockopt(2)}: read a socket option. NETWORK. */
    GETSOCKOPT(SyscallClass.NETWORK),
    /** {@code getsockname(2)}: the socket's local address. NETWORK. */
    GETSOCKNAME(SyscallClass.NETWORK),
    /** {@code getpeername(2)}: the connected peer's address. NETWORK. */
    GETPEERNAME(SyscallClass.NETWORK),
    /**
     * {@code sendfile(2)}: file to socket. NETWORK: it runs on a NETWORK server because the socket, not the file, is
     * what may make it wait.
     */
    SENDFILE(SyscallClass.NETWORK),
    /**
     * {@code readlinkat(2)}: a symbolic link's target; {@code Syscalls.readlink} runs as this. FILE, appended after
     * the NETWORK calls so that every op keeps its number.
     */
    READLINKAT(SyscallClass.FILE),
    /** {@code copy_file_range(2)}: in-kernel copy between two files (FileChannel.transferTo/transferFrom, Files.copy); appended, as every new op. */
    COPY_FILE_RANGE(SyscallClass.FILE),
    /** {@code symlinkat(2)}: create a symbolic link (Files.createSymbolicLink). FILE. */
    SYMLINKAT(SyscallClass.FILE),
    /** {@code faccessat(2)}: check access to a path with the real uid and gid, as access(2) (Files.exists, Files.isReadable, ...). */
    FACCESSAT(SyscallClass.FILE),
    /** {@code kill(2)}: send a signal to a process or process group (signal 0 checks that it exists). SIGNAL. */
    KILL(SyscallClass.SIGNAL),
    /** {@code tgkill(2)}: send a signal to one thread of a thread group. SIGNAL. */
    TGKILL(SyscallClass.SIGNAL),
    /** {@code pipe2(2)}: a pipe's two fds, with {@code O_CLOEXEC}/{@code O_NONBLOCK}/{@code O_DIRECT}. IPC. */
    PIPE2(SyscallClass.IPC),
    /** {@code eventfd(2)}: a counter fd for wake-ups between threads and processes. IPC. */
    EVENTFD(SyscallClass.IPC),
    /** {@code memfd_create(2)}: an anonymous memory-backed file, to share or seal. IPC. */
    MEMFD_CREATE(SyscallClass.IPC),
    /** {@code uname(2)}: kernel name, release, version, machine and host names ({@link Uname}). OTHER. */
    UNAME(SyscallClass.OTHER),
    /** {@code getrandom(2)}: bytes from the kernel's random number generator. OTHER. */
    GETRANDOM(SyscallClass.OTHER),
    /**
     * {@code prctl(2)}: process and thread attributes. OTHER. Thread-scoped options ({@code PR_SET_NAME}, ...) act on
     * the thread that runs the call: a server's thread when offloaded.
     */
    PRCTL(SyscallClass.OTHER);

    private static final Syscall[] VALUES = values();

    private final SyscallClass syscallClass;
    private final String cName;

    Syscall(final SyscallClass syscallClass)
    {
        this.syscallClass = syscallClass;
        this.cName = name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * @return the class of server this call belongs to (GenerOS's route table, before any override).
     */
    public SyscallClass syscallClass()
    {
        return syscallClass;
    }

    /**
     * @return the libc name of the call, e.g. {@code "pread"}.
     */
    public String cName()
    {
        return cName;
    }

    /**
     * @return the op code written into a syscall entry.
     */
    public int op()
    {
        return ordinal();
    }

    /**
     * @param op an op code read from a syscall entry.
     * @return the call with that op code.
     * @throws IllegalArgumentException if no call has that op code.
     */
    public static Syscall fromOp(final int op)
    {
        if (op < 0 || op >= VALUES.length)
        {
            throw new IllegalArgumentException("unknown syscall op " + op + ", expected 0.." + (VALUES.length - 1));
        }
        return VALUES[op];
    }

    /**
     * @return how many calls there are; op codes run from 0 to this minus one.
     */
    public static int count()
    {
        return VALUES.length;
    }
}
