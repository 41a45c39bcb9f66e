package io.offload.api;

/**
 * Every system call the runtime knows, with the class of server that runs it. The ordinal is the op code written
 * into a syscall entry, so the order here is part of the entry format: add new calls at the end.
 */
public enum Syscall
{
    GETPID(SyscallClass.PROCESS),
    GETPPID(SyscallClass.PROCESS),
    GETTID(SyscallClass.PROCESS),
    SCHED_GETCPU(SyscallClass.PROCESS),
    SCHED_SETAFFINITY(SyscallClass.PROCESS),
    READ(SyscallClass.FILE),
    WRITE(SyscallClass.FILE),
    PREAD(SyscallClass.FILE),
    PWRITE(SyscallClass.FILE),
    READV(SyscallClass.FILE),
    WRITEV(SyscallClass.FILE),
    OPENAT(SyscallClass.FILE),
    CLOSE(SyscallClass.FILE),
    STATX(SyscallClass.FILE),
    LSEEK(SyscallClass.FILE),
    FSYNC(SyscallClass.FILE),
    FDATASYNC(SyscallClass.FILE),
    FTRUNCATE(SyscallClass.FILE),
    GETDENTS64(SyscallClass.FILE),
    UNLINKAT(SyscallClass.FILE),
    MKDIRAT(SyscallClass.FILE),
    RENAMEAT(SyscallClass.FILE),
    SOCKET(SyscallClass.NETWORK),
    BIND(SyscallClass.NETWORK),
    LISTEN(SyscallClass.NETWORK),
    ACCEPT4(SyscallClass.NETWORK),
    CONNECT(SyscallClass.NETWORK),
    RECVFROM(SyscallClass.NETWORK),
    SENDTO(SyscallClass.NETWORK),
    RECVMSG(SyscallClass.NETWORK),
    SENDMSG(SyscallClass.NETWORK),
    SHUTDOWN(SyscallClass.NETWORK),
    SETSOCKOPT(SyscallClass.NETWORK),
    GETSOCKOPT(SyscallClass.NETWORK),
    GETSOCKNAME(SyscallClass.NETWORK),
    GETPEERNAME(SyscallClass.NETWORK),
    /** File to socket: it runs on a NETWORK server because the socket, not the file, is what may make it wait. */
    SENDFILE(SyscallClass.NETWORK),
    /** Appended after the NETWORK calls so that every op keeps its number. */
    READLINKAT(SyscallClass.FILE),
    /** In-kernel copy between two files (FileChannel.transferTo/transferFrom, Files.copy); appended, as every new op. */
    COPY_FILE_RANGE(SyscallClass.FILE),
    /** Create a symbolic link (Files.createSymbolicLink). */
    SYMLINKAT(SyscallClass.FILE),
    /** Check access to a path with the real uid and gid, as access(2) (Files.exists, Files.isReadable, ...). */
    FACCESSAT(SyscallClass.FILE);

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
