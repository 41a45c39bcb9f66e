package io.offload.servers.call;

import io.offload.api.IoVector;
import io.offload.api.NativeBuffers;
import io.offload.api.RawSyscalls;
import io.offload.api.StatxDescriptor;
import io.offload.api.Syscall;
import io.offload.api.UtsnameDescriptor;

import java.lang.foreign.MemorySegment;

/**
 * {@link RawSyscalls} over a gate: checks every argument, turns segments into addresses, and returns what the gate
 * returns. Allocates nothing.
 */
public final class GateRawSyscalls implements RawSyscalls
{
    private final SyscallGate gate;
    private final long timeoutNanos;

    /**
     * @param gate where the calls go.
     */
    public GateRawSyscalls(final SyscallGate gate)
    {
        this(gate, 0);
    }

    /**
     * @param gate         where the calls go.
     * @param timeoutNanos limit on each call's wait, or 0 for none.
     */
    public GateRawSyscalls(final SyscallGate gate, final long timeoutNanos)
    {
        this.gate = gate;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public RawSyscalls withTimeout(final java.time.Duration timeout)
    {
        return new GateRawSyscalls(gate, Timeouts.toNanos(timeout));
    }

    /**
     * @return the limit on each call's wait in nanoseconds, or 0 for none.
     */
    public long timeoutNanos()
    {
        return timeoutNanos;
    }

    /**
     * @return where the calls go.
     */
    public SyscallGate gate()
    {
        return gate;
    }

    @Override
    public long getpid()
    {
        return gate.call(Syscall.GETPID, 0, 0, 0, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long getppid()
    {
        return gate.call(Syscall.GETPPID, 0, 0, 0, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long gettid()
    {
        return gate.call(Syscall.GETTID, 0, 0, 0, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long schedGetcpu()
    {
        return gate.call(Syscall.SCHED_GETCPU, 0, 0, 0, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long read(final int fd, final MemorySegment buf)
    {
        return gate.call(Syscall.READ, fd, NativeBuffers.address(buf, "buf"), buf.byteSize(), 0, 0, 0, timeoutNanos);
    }

    @Override
    public long read(final int fd, final MemorySegment buf, final long length)
    {
        return gate.call(Syscall.READ, fd, NativeBuffers.address(buf, length, "buf"), length, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long write(final int fd, final MemorySegment buf)
    {
        return gate.call(Syscall.WRITE, fd, NativeBuffers.address(buf, "buf"), buf.byteSize(), 0, 0, 0, timeoutNanos);
    }

    @Override
    public long write(final int fd, final MemorySegment buf, final long length)
    {
        return gate.call(Syscall.WRITE, fd, NativeBuffers.address(buf, length, "buf"), length, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long pread(final int fd, final MemorySegment buf, final long offset)
    {
        return gate.call(Syscall.PREAD, fd, NativeBuffers.address(buf, "buf"), buf.byteSize(),
            NativeBuffers.fileOffset(offset, "offset"), 0, 0, timeoutNanos);
    }

    @Override
    public long pread(final int fd, final MemorySegment buf, final long length, final long offset)
    {
        return gate.call(Syscall.PREAD, fd, NativeBuffers.address(buf, length, "buf"), length,
            NativeBuffers.fileOffset(offset, "offset"), 0, 0, timeoutNanos);
    }

    @Override
    public long pwrite(final int fd, final MemorySegment buf, final long offset)
    {
        return gate.call(Syscall.PWRITE, fd, NativeBuffers.address(buf, "buf"), buf.byteSize(),
            NativeBuffers.fileOffset(offset, "offset"), 0, 0, timeoutNanos);
    }

    @Override
    public long pwrite(final int fd, final MemorySegment buf, final long length, final long offset)
    {
        return gate.call(Syscall.PWRITE, fd, NativeBuffers.address(buf, length, "buf"), length,
            NativeBuffers.fileOffset(offset, "offset"), 0, 0, timeoutNanos);
    }

    @Override
    public long readv(final int fd, final IoVector vectors)
    {
        return gate.call(Syscall.READV, fd, checkedIov(vectors), vectors.count(), 0, 0, 0, timeoutNanos);
    }

    @Override
    public long writev(final int fd, final IoVector vectors)
    {
        return gate.call(Syscall.WRITEV, fd, checkedIov(vectors), vectors.count(), 0, 0, 0, timeoutNanos);
    }

    @Override
    public long openat(final int dirfd, final MemorySegment path, final int flags, final int mode)
    {
        return gate.call(Syscall.OPENAT, dirfd, NativeBuffers.cString(path, "path"), flags, mode, 0, 0, timeoutNanos);
    }

    @Override
    public long close(final int fd)
    {
        return gate.call(Syscall.CLOSE, fd, 0, 0, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long statx(final int dirfd, final MemorySegment path, final int flags, final int mask,
        final MemorySegment statx)
    {
        final long pathAddress = NativeBuffers.cString(path, "path");
        final long statxAddress = NativeBuffers.address(statx, StatxDescriptor.LENGTH, "statx");
        return gate.call(Syscall.STATX, dirfd, pathAddress, flags, mask, statxAddress, 0, timeoutNanos);
    }

    @Override
    public long lseek(final int fd, final long offset, final int whence)
    {
        return gate.call(Syscall.LSEEK, fd, offset, whence, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long fsync(final int fd)
    {
        return gate.call(Syscall.FSYNC, fd, 0, 0, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long fdatasync(final int fd)
    {
        return gate.call(Syscall.FDATASYNC, fd, 0, 0, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long ftruncate(final int fd, final long length)
    {
        return gate.call(Syscall.FTRUNCATE, fd, NativeBuffers.fileOffset(length, "length"), 0, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long getdents64(final int fd, final MemorySegment buf)
    {
        return gate.call(Syscall.GETDENTS64, fd, NativeBuffers.address(buf, "buf"), buf.byteSize(), 0, 0, 0, timeoutNanos);
    }

    @Override
    public long unlinkat(final int dirfd, final MemorySegment path, final int flags)
    {
        return gate.call(Syscall.UNLINKAT, dirfd, NativeBuffers.cString(path, "path"), flags, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long mkdirat(final int dirfd, final MemorySegment path, final int mode)
    {
        return gate.call(Syscall.MKDIRAT, dirfd, NativeBuffers.cString(path, "path"), mode, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long renameat(final int oldDirfd, final MemorySegment oldPath, final int newDirfd,
        final MemorySegment newPath)
    {
        final long oldAddress = NativeBuffers.cString(oldPath, "oldPath");
        final long newAddress = NativeBuffers.cString(newPath, "newPath");
        return gate.call(Syscall.RENAMEAT, oldDirfd, oldAddress, newDirfd, newAddress, 0, 0, timeoutNanos);
    }

    @Override
    public long readlinkat(final int dirfd, final MemorySegment path, final MemorySegment buf)
    {
        final long pathAddress = NativeBuffers.cString(path, "path");
        return gate.call(Syscall.READLINKAT, dirfd, pathAddress, NativeBuffers.address(buf, "buf"), buf.byteSize(),
            0, 0, timeoutNanos);
    }

    @Override
    public long kill(final int pid, final int sig)
    {
        return gate.call(Syscall.KILL, pid, CallArguments.signal(sig), 0, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long tgkill(final int tgid, final int tid, final int sig)
    {
        return gate.call(Syscall.TGKILL, CallArguments.positiveId(tgid, "tgid"), CallArguments.positiveId(tid, "tid"),
            CallArguments.signal(sig), 0, 0, 0, timeoutNanos);
    }

    @Override
    public long pipe2(final MemorySegment fds, final int flags)
    {
        final long fdsAddress = CallArguments.writable(fds, CallArguments.PIPE_FDS_LENGTH, "fds");
        return gate.call(Syscall.PIPE2, fdsAddress, CallArguments.pipe2Flags(flags), 0, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long eventfd(final int initval, final int flags)
    {
        return gate.call(Syscall.EVENTFD, CallArguments.eventfdValue(initval), CallArguments.eventfdFlags(flags), 0, 0,
            0, 0, timeoutNanos);
    }

    @Override
    public long memfdCreate(final MemorySegment name, final int flags)
    {
        return gate.call(Syscall.MEMFD_CREATE, NativeBuffers.cString(name, "name"), flags, 0, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long uname(final MemorySegment utsname)
    {
        final long address = CallArguments.writable(utsname, UtsnameDescriptor.LENGTH, "utsname");
        return gate.call(Syscall.UNAME, address, 0, 0, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long getrandom(final MemorySegment buf, final int flags)
    {
        final long address = CallArguments.writable(buf, "buf");
        return gate.call(Syscall.GETRANDOM, address, buf.byteSize(), CallArguments.getrandomFlags(flags), 0, 0, 0,
            timeoutNanos);
    }

    @Override
    public long prctl(final int option, final long arg2, final long arg3, final long arg4, final long arg5)
    {
        return gate.call(Syscall.PRCTL, CallArguments.prctlOption(option), arg2, arg3, arg4, arg5, 0, timeoutNanos);
    }

    @Override
    public long copyFileRange(final int fdIn, final MemorySegment offIn, final int fdOut, final MemorySegment offOut,
        final long length, final int flags)
    {
        final long inAddress = optionalOffset(offIn, "offIn");
        final long outAddress = optionalOffset(offOut, "offOut");
        if (length < 0)
        {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        return gate.call(Syscall.COPY_FILE_RANGE, fdIn, inAddress, fdOut, outAddress, length, flags, timeoutNanos);
    }

    @Override
    public long symlinkat(final MemorySegment target, final int newDirfd, final MemorySegment linkPath)
    {
        final long targetAddress = NativeBuffers.cString(target, "target");
        final long linkAddress = NativeBuffers.cString(linkPath, "linkPath");
        return gate.call(Syscall.SYMLINKAT, targetAddress, newDirfd, linkAddress, 0, 0, 0, timeoutNanos);
    }

    @Override
    public long faccessat(final int dirfd, final MemorySegment path, final int mode, final int flags)
    {
        return gate.call(Syscall.FACCESSAT, dirfd, NativeBuffers.cString(path, "path"), mode, flags, 0, 0,
            timeoutNanos);
    }

    /** A {@code loff_t *} argument: NULL, or a live native segment of at least 8 bytes. */
    private static long optionalOffset(final MemorySegment offset, final String name)
    {
        if (offset != null && offset.isNative() && offset.address() == 0 && offset.byteSize() == 0)
        {
            return 0; // MemorySegment.NULL: the call uses and advances the file position
        }
        return NativeBuffers.address(offset, Long.BYTES, name);
    }

    private static long checkedIov(final IoVector vectors)
    {
        if (vectors == null)
        {
            throw new IllegalArgumentException("vectors is null: pass an IoVector");
        }
        return vectors.checkedAddress();
    }
}
