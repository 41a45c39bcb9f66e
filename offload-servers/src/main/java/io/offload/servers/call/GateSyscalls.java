package io.offload.servers.call;

import io.offload.api.Errno;
import io.offload.api.FileStat;
import io.offload.api.IoVector;
import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;
import io.offload.api.StatxDescriptor;
import io.offload.api.Syscall;
import io.offload.api.SyscallException;
import io.offload.api.Syscalls;
import io.offload.api.Uname;
import io.offload.api.UtsnameDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * {@link Syscalls} over the raw calls: throws {@link SyscallException} for -errno, converts paths and ByteBuffers.
 * Paths and stat buffers take a confined arena per call; the raw path is the one for allocation-free loops. The calls
 * on an fd allocate nothing when they succeed: the words of an error message are built only for a failure.
 */
public final class GateSyscalls implements Syscalls
{
    private final GateRawSyscalls raw;

    /**
     * @param gate   where the calls go.
     * @param memory what address the kernel gets for a caller's segment.
     */
    public GateSyscalls(final SyscallGate gate, final CallMemory memory)
    {
        this(new GateRawSyscalls(gate, memory));
    }

    private GateSyscalls(final GateRawSyscalls raw)
    {
        this.raw = raw;
    }

    @Override
    public Syscalls withTimeout(final java.time.Duration timeout)
    {
        return new GateSyscalls(new GateRawSyscalls(raw.gate(), raw.memory(), Timeouts.toNanos(timeout)));
    }

    @Override
    public RawSyscalls raw()
    {
        return raw;
    }

    private long check(final Syscall syscall, final long result) throws SyscallException
    {
        if (result < 0)
        {
            throw failure(syscall, result, null);
        }
        return result;
    }

    private long check(final Syscall syscall, final long result, final int fd) throws SyscallException
    {
        if (result < 0)
        {
            throw failure(syscall, result, "fd=" + fd);
        }
        return result;
    }

    private long check(final Syscall syscall, final long result, final String path) throws SyscallException
    {
        if (result < 0)
        {
            throw failure(syscall, result, "\"" + path + "\"");
        }
        return result;
    }

    /**
     * One rule for every failed call: SyscallException with the call, the errno, what it was called on and, where
     * the gate knows one, why (refused by back-pressure, runtime closed).
     */
    private SyscallException failure(final Syscall syscall, final long result, final String detail)
    {
        final int errno = (int)-result;
        final String why = raw.gate().explain(syscall, errno);
        return new SyscallException(syscall, errno, why == null ? detail : detail == null ? why : detail + "; " + why);
    }

    @Override
    public int getpid() throws SyscallException
    {
        return (int)check(Syscall.GETPID, raw.getpid());
    }

    @Override
    public int getppid() throws SyscallException
    {
        return (int)check(Syscall.GETPPID, raw.getppid());
    }

    @Override
    public int gettid() throws SyscallException
    {
        return (int)check(Syscall.GETTID, raw.gettid());
    }

    @Override
    public int schedGetcpu() throws SyscallException
    {
        return (int)check(Syscall.SCHED_GETCPU, raw.schedGetcpu());
    }

    @Override
    public long read(final int fd, final MemorySegment buf) throws SyscallException
    {
        return check(Syscall.READ, raw.read(fd, buf), fd);
    }

    @Override
    public long read(final int fd, final ByteBuffer buf) throws SyscallException
    {
        final long n = check(Syscall.READ, raw.read(fd, NativePaths.remaining(buf)), fd);
        buf.position(buf.position() + (int)n);
        return n;
    }

    @Override
    public long write(final int fd, final MemorySegment buf) throws SyscallException
    {
        return check(Syscall.WRITE, raw.write(fd, buf), fd);
    }

    @Override
    public long write(final int fd, final ByteBuffer buf) throws SyscallException
    {
        final long n = check(Syscall.WRITE, raw.write(fd, NativePaths.remaining(buf)), fd);
        buf.position(buf.position() + (int)n);
        return n;
    }

    @Override
    public long pread(final int fd, final MemorySegment buf, final long offset) throws SyscallException
    {
        return check(Syscall.PREAD, raw.pread(fd, buf, offset), fd);
    }

    @Override
    public long pread(final int fd, final ByteBuffer buf, final long offset) throws SyscallException
    {
        final long n = check(Syscall.PREAD, raw.pread(fd, NativePaths.remaining(buf), offset), fd);
        buf.position(buf.position() + (int)n);
        return n;
    }

    @Override
    public long pwrite(final int fd, final MemorySegment buf, final long offset) throws SyscallException
    {
        return check(Syscall.PWRITE, raw.pwrite(fd, buf, offset), fd);
    }

    @Override
    public long pwrite(final int fd, final ByteBuffer buf, final long offset) throws SyscallException
    {
        final long n = check(Syscall.PWRITE, raw.pwrite(fd, NativePaths.remaining(buf), offset), fd);
        buf.position(buf.position() + (int)n);
        return n;
    }

    @Override
    public long readv(final int fd, final IoVector vectors) throws SyscallException
    {
        return check(Syscall.READV, raw.readv(fd, vectors), fd);
    }

    @Override
    public long writev(final int fd, final IoVector vectors) throws SyscallException
    {
        return check(Syscall.WRITEV, raw.writev(fd, vectors), fd);
    }

    @Override
    public int open(final String path, final int flags, final int mode) throws SyscallException
    {
        return openat(LinuxConstants.AT_FDCWD, path, flags, mode);
    }

    @Override
    public int openat(final int dirfd, final String path, final int flags, final int mode) throws SyscallException
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)check(Syscall.OPENAT,
                raw.openat(dirfd, NativePaths.path(arena, path, "path"), flags, mode), path);
        }
    }

    @Override
    public void close(final int fd) throws SyscallException
    {
        check(Syscall.CLOSE, raw.close(fd), fd);
    }

    @Override
    public FileStat stat(final String path) throws SyscallException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment statx = arena.allocate(StatxDescriptor.LENGTH, 8);
            check(Syscall.STATX, raw.statx(LinuxConstants.AT_FDCWD, NativePaths.path(arena, path, "path"), 0,
                LinuxConstants.STATX_BASIC_STATS, statx), path);
            return StatxDescriptor.toFileStat(statx);
        }
    }

    @Override
    public FileStat fstat(final int fd) throws SyscallException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment statx = arena.allocate(StatxDescriptor.LENGTH, 8);
            check(Syscall.STATX, raw.statx(fd, arena.allocateFrom(""), LinuxConstants.AT_EMPTY_PATH,
                LinuxConstants.STATX_BASIC_STATS, statx), fd);
            return StatxDescriptor.toFileStat(statx);
        }
    }

    @Override
    public long lseek(final int fd, final long offset, final int whence) throws SyscallException
    {
        return check(Syscall.LSEEK, raw.lseek(fd, offset, whence), fd);
    }

    @Override
    public void fsync(final int fd) throws SyscallException
    {
        check(Syscall.FSYNC, raw.fsync(fd), fd);
    }

    @Override
    public void fdatasync(final int fd) throws SyscallException
    {
        check(Syscall.FDATASYNC, raw.fdatasync(fd), fd);
    }

    @Override
    public void ftruncate(final int fd, final long length) throws SyscallException
    {
        check(Syscall.FTRUNCATE, raw.ftruncate(fd, length), fd);
    }

    @Override
    public long getdents64(final int fd, final MemorySegment buf) throws SyscallException
    {
        return check(Syscall.GETDENTS64, raw.getdents64(fd, buf), fd);
    }

    @Override
    public void unlink(final String path) throws SyscallException
    {
        unlinkat(path, 0);
    }

    @Override
    public void rmdir(final String path) throws SyscallException
    {
        unlinkat(path, LinuxConstants.AT_REMOVEDIR);
    }

    private void unlinkat(final String path, final int flags) throws SyscallException
    {
        try (Arena arena = Arena.ofConfined())
        {
            check(Syscall.UNLINKAT, raw.unlinkat(LinuxConstants.AT_FDCWD, NativePaths.path(arena, path, "path"),
                flags), path);
        }
    }

    @Override
    public void mkdir(final String path, final int mode) throws SyscallException
    {
        try (Arena arena = Arena.ofConfined())
        {
            check(Syscall.MKDIRAT, raw.mkdirat(LinuxConstants.AT_FDCWD, NativePaths.path(arena, path, "path"), mode),
                path);
        }
    }

    @Override
    public void rename(final String oldPath, final String newPath) throws SyscallException
    {
        try (Arena arena = Arena.ofConfined())
        {
            check(Syscall.RENAMEAT, raw.renameat(LinuxConstants.AT_FDCWD, NativePaths.path(arena, oldPath, "oldPath"),
                LinuxConstants.AT_FDCWD, NativePaths.path(arena, newPath, "newPath")),
                oldPath + "\" -> \"" + newPath);
        }
    }

    @Override
    public void kill(final int pid, final int sig) throws SyscallException
    {
        check(Syscall.KILL, raw.kill(pid, sig), "pid=" + pid + " sig=" + sig);
    }

    @Override
    public void tgkill(final int tgid, final int tid, final int sig) throws SyscallException
    {
        check(Syscall.TGKILL, raw.tgkill(tgid, tid, sig), "tgid=" + tgid + " tid=" + tid + " sig=" + sig);
    }

    @Override
    public int[] pipe2(final int flags) throws SyscallException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
            check(Syscall.PIPE2, raw.pipe2(fds, flags), "flags=0" + Integer.toOctalString(flags));
            return fds.toArray(ValueLayout.JAVA_INT);
        }
    }

    @Override
    public int eventfd(final int initval, final int flags) throws SyscallException
    {
        return (int)check(Syscall.EVENTFD, raw.eventfd(initval, flags), "initval=" + initval);
    }

    @Override
    public int memfdCreate(final String name, final int flags) throws SyscallException
    {
        if (name == null || name.indexOf('\0') >= 0 || name.getBytes(StandardCharsets.UTF_8).length > MEMFD_NAME_MAX)
        {
            throw new IllegalArgumentException("name must be a string of at most " + MEMFD_NAME_MAX +
                " UTF-8 bytes without NUL, got " + (name == null ? "null" : "\"" + name + "\""));
        }
        try (Arena arena = Arena.ofConfined())
        {
            return (int)check(Syscall.MEMFD_CREATE, raw.memfdCreate(arena.allocateFrom(name), flags),
                "\"" + name + "\"");
        }
    }

    @Override
    public Uname uname() throws SyscallException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment utsname = arena.allocate(UtsnameDescriptor.LENGTH);
            check(Syscall.UNAME, raw.uname(utsname), "uname");
            return UtsnameDescriptor.toUname(utsname);
        }
    }

    @Override
    public long getrandom(final MemorySegment buf, final int flags) throws SyscallException
    {
        return check(Syscall.GETRANDOM, raw.getrandom(buf, flags), "flags=" + flags);
    }

    @Override
    public long prctl(final int option, final long arg2, final long arg3, final long arg4, final long arg5)
        throws SyscallException
    {
        return check(Syscall.PRCTL, raw.prctl(option, arg2, arg3, arg4, arg5), "option=" + option);
    }

    @Override
    public String readlink(final String path) throws SyscallException
    {
        try (Arena arena = Arena.ofConfined())
        {
            // one byte more than the longest answer: a result that fills the buffer was cut
            final MemorySegment target = arena.allocate(READLINK_MAX + 1);
            final long n = check(Syscall.READLINKAT,
                raw.readlinkat(LinuxConstants.AT_FDCWD, NativePaths.path(arena, path, "path"), target), path);
            if (n > READLINK_MAX)
            {
                throw new SyscallException(Syscall.READLINKAT, Errno.ENAMETOOLONG,
                    "\"" + path + "\": target longer than " + READLINK_MAX + " bytes");
            }
            final byte[] bytes = target.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
