package io.offload.servers.call;

import io.offload.api.IoVector;
import io.offload.api.internal.NativeBuffers;
import io.offload.api.RawSyscalls;
import io.offload.api.StatxDescriptor;
import io.offload.api.Syscall;
import io.offload.api.UtsnameDescriptor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;

/**
 * {@link RawSyscalls} over a gate: checks every argument, hands the kernel only memory it may touch until the call
 * settles ({@link CallMemory}), and returns what the gate returns. Allocates nothing.
 */
public final class GateRawSyscalls implements RawSyscalls
{
    private final SyscallGate gate;
    private final CallMemory memory;
    private final long timeoutNanos;

    /**
     * @param gate   where the calls go.
     * @param memory what address the kernel gets for a caller's segment.
     */
    public GateRawSyscalls(final SyscallGate gate, final CallMemory memory)
    {
        this(gate, memory, 0);
    }

    /**
     * @param gate         where the calls go.
     * @param memory       what address the kernel gets for a caller's segment.
     * @param timeoutNanos limit on each call's wait, or 0 for none.
     */
    public GateRawSyscalls(final SyscallGate gate, final CallMemory memory, final long timeoutNanos)
    {
        this.gate = gate;
        this.memory = memory;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public RawSyscalls withTimeout(final java.time.Duration timeout)
    {
        return new GateRawSyscalls(gate, memory, Timeouts.toNanos(timeout));
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

    /**
     * @return what address the kernel gets for a caller's segment.
     */
    public CallMemory memory()
    {
        return memory;
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
        NativeBuffers.writableAddress(buf, "buf");
        return memory.into(gate, Syscall.READ, fd, buf, buf.byteSize(), 0, timeoutNanos);
    }

    @Override
    public long read(final int fd, final MemorySegment buf, final long length)
    {
        NativeBuffers.writableAddress(buf, length, "buf");
        return memory.into(gate, Syscall.READ, fd, buf, length, 0, timeoutNanos);
    }

    @Override
    public long write(final int fd, final MemorySegment buf)
    {
        NativeBuffers.address(buf, "buf");
        return memory.from(gate, Syscall.WRITE, fd, buf, 0, buf.byteSize(), 0, timeoutNanos);
    }

    @Override
    public long write(final int fd, final MemorySegment buf, final long length)
    {
        NativeBuffers.address(buf, length, "buf");
        return memory.from(gate, Syscall.WRITE, fd, buf, 0, length, 0, timeoutNanos);
    }

    @Override
    public long pread(final int fd, final MemorySegment buf, final long offset)
    {
        NativeBuffers.writableAddress(buf, "buf");
        NativeBuffers.fileOffset(offset, "offset");
        return memory.into(gate, Syscall.PREAD, fd, buf, buf.byteSize(), offset, timeoutNanos);
    }

    @Override
    public long pread(final int fd, final MemorySegment buf, final long length, final long offset)
    {
        NativeBuffers.writableAddress(buf, length, "buf");
        NativeBuffers.fileOffset(offset, "offset");
        return memory.into(gate, Syscall.PREAD, fd, buf, length, offset, timeoutNanos);
    }

    @Override
    public long pwrite(final int fd, final MemorySegment buf, final long offset)
    {
        NativeBuffers.address(buf, "buf");
        NativeBuffers.fileOffset(offset, "offset");
        return memory.from(gate, Syscall.PWRITE, fd, buf, 0, buf.byteSize(), offset, timeoutNanos);
    }

    @Override
    public long pwrite(final int fd, final MemorySegment buf, final long length, final long offset)
    {
        NativeBuffers.address(buf, length, "buf");
        NativeBuffers.fileOffset(offset, "offset");
        return memory.from(gate, Syscall.PWRITE, fd, buf, 0, length, offset, timeoutNanos);
    }

    @Override
    public long readv(final int fd, final IoVector vectors)
    {
        checkVectors(vectors).checkWritable();
        return memory.vector(gate, Syscall.READV, fd, vectors, timeoutNanos);
    }

    @Override
    public long writev(final int fd, final IoVector vectors)
    {
        return memory.vector(gate, Syscall.WRITEV, fd, checkVectors(vectors), timeoutNanos);
    }

    @Override
    public long openat(final int dirfd, final MemorySegment path, final int flags, final int mode)
    {
        NativeBuffers.cString(path, "path");
        final Bounce pathBounce = bouncePath(path);
        try
        {
            return gate.call(Syscall.OPENAT, dirfd, CallMemory.address(path, pathBounce), flags, mode, 0, 0,
                timeoutNanos);
        }
        finally
        {
            memory.release(pathBounce);
            Reference.reachabilityFence(path);
        }
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
        NativeBuffers.cString(path, "path");
        NativeBuffers.writableAddress(statx, StatxDescriptor.LENGTH, "statx");
        final Bounce pathBounce = bouncePath(path);
        Bounce statxBounce = null;
        try
        {
            statxBounce = memory.bounceFor(statx, StatxDescriptor.LENGTH, 0, "statx");
            final long result = gate.call(Syscall.STATX, dirfd, CallMemory.address(path, pathBounce), flags, mask,
                CallMemory.address(statx, statxBounce), 0, timeoutNanos);
            if (result >= 0)
            {
                CallMemory.copyOut(statxBounce, statx, StatxDescriptor.LENGTH);
            }
            return result;
        }
        finally
        {
            memory.release(pathBounce);
            memory.release(statxBounce);
            Reference.reachabilityFence(path);
            Reference.reachabilityFence(statx);
        }
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
        NativeBuffers.writableAddress(buf, "buf");
        return memory.into(gate, Syscall.GETDENTS64, fd, buf, buf.byteSize(), 0, timeoutNanos);
    }

    @Override
    public long unlinkat(final int dirfd, final MemorySegment path, final int flags)
    {
        return pathCall(Syscall.UNLINKAT, dirfd, path, flags);
    }

    @Override
    public long mkdirat(final int dirfd, final MemorySegment path, final int mode)
    {
        return pathCall(Syscall.MKDIRAT, dirfd, path, mode);
    }

    private long pathCall(final Syscall syscall, final int dirfd, final MemorySegment path, final int a2)
    {
        NativeBuffers.cString(path, "path");
        final Bounce pathBounce = bouncePath(path);
        try
        {
            return gate.call(syscall, dirfd, CallMemory.address(path, pathBounce), a2, 0, 0, 0, timeoutNanos);
        }
        finally
        {
            memory.release(pathBounce);
            Reference.reachabilityFence(path);
        }
    }

    @Override
    public long renameat(final int oldDirfd, final MemorySegment oldPath, final int newDirfd,
        final MemorySegment newPath)
    {
        NativeBuffers.cString(oldPath, "oldPath");
        NativeBuffers.cString(newPath, "newPath");
        final Bounce oldBounce = bouncePath(oldPath);
        Bounce newBounce = null;
        try
        {
            newBounce = bouncePath(newPath);
            return gate.call(Syscall.RENAMEAT, oldDirfd, CallMemory.address(oldPath, oldBounce), newDirfd,
                CallMemory.address(newPath, newBounce), 0, 0, timeoutNanos);
        }
        finally
        {
            memory.release(oldBounce);
            memory.release(newBounce);
            Reference.reachabilityFence(oldPath);
            Reference.reachabilityFence(newPath);
        }
    }

    @Override
    public long readlinkat(final int dirfd, final MemorySegment path, final MemorySegment buf)
    {
        NativeBuffers.cString(path, "path");
        NativeBuffers.writableAddress(buf, "buf");
        final Bounce pathBounce = bouncePath(path);
        Bounce bufBounce = null;
        try
        {
            bufBounce = memory.bounceFor(buf, buf.byteSize(), 0, "buf");
            final long result = gate.call(Syscall.READLINKAT, dirfd, CallMemory.address(path, pathBounce),
                CallMemory.address(buf, bufBounce), buf.byteSize(), 0, 0, timeoutNanos);
            CallMemory.copyOut(bufBounce, buf, result);
            return result;
        }
        finally
        {
            memory.release(pathBounce);
            memory.release(bufBounce);
            Reference.reachabilityFence(path);
            Reference.reachabilityFence(buf);
        }
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
        CallArguments.writable(fds, CallArguments.PIPE_FDS_LENGTH, "fds");
        final int checkedFlags = CallArguments.pipe2Flags(flags);
        final Bounce bounce = memory.bounceFor(fds, CallArguments.PIPE_FDS_LENGTH, 0, "fds");
        try
        {
            final long result = gate.call(Syscall.PIPE2, CallMemory.address(fds, bounce), checkedFlags, 0, 0, 0, 0,
                timeoutNanos);
            if (result >= 0)
            {
                CallMemory.copyOut(bounce, fds, CallArguments.PIPE_FDS_LENGTH);
            }
            return result;
        }
        finally
        {
            memory.release(bounce);
            Reference.reachabilityFence(fds);
        }
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
        NativeBuffers.cString(name, "name");
        final Bounce bounce = bouncePath(name);
        try
        {
            return gate.call(Syscall.MEMFD_CREATE, CallMemory.address(name, bounce), flags, 0, 0, 0, 0,
                timeoutNanos);
        }
        finally
        {
            memory.release(bounce);
            Reference.reachabilityFence(name);
        }
    }

    @Override
    public long uname(final MemorySegment utsname)
    {
        CallArguments.writable(utsname, UtsnameDescriptor.LENGTH, "utsname");
        final Bounce bounce = memory.bounceFor(utsname, UtsnameDescriptor.LENGTH, 0, "utsname");
        try
        {
            final long result = gate.call(Syscall.UNAME, CallMemory.address(utsname, bounce), 0, 0, 0, 0, 0,
                timeoutNanos);
            if (result >= 0)
            {
                CallMemory.copyOut(bounce, utsname, UtsnameDescriptor.LENGTH);
            }
            return result;
        }
        finally
        {
            memory.release(bounce);
            Reference.reachabilityFence(utsname);
        }
    }

    @Override
    public long getrandom(final MemorySegment buf, final int flags)
    {
        CallArguments.writable(buf, "buf");
        final int checkedFlags = CallArguments.getrandomFlags(flags);
        final Bounce bounce = memory.bounceFor(buf, buf.byteSize(), 0, "buf");
        try
        {
            final long result = gate.call(Syscall.GETRANDOM, CallMemory.address(buf, bounce), buf.byteSize(),
                checkedFlags, 0, 0, 0, timeoutNanos);
            CallMemory.copyOut(bounce, buf, result);
            return result;
        }
        finally
        {
            memory.release(bounce);
            Reference.reachabilityFence(buf);
        }
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
        final boolean hasIn = !isNull(offIn);
        final boolean hasOut = !isNull(offOut);
        if (hasIn)
        {
            NativeBuffers.writableAddress(offIn, Long.BYTES, "offIn");
        }
        if (hasOut)
        {
            NativeBuffers.writableAddress(offOut, Long.BYTES, "offOut");
        }
        if (length < 0)
        {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        // the kernel reads and advances both offsets: copied in before, out after
        final Bounce inBounce = hasIn ? memory.bounceFor(offIn, Long.BYTES, Long.BYTES, "offIn") : null;
        Bounce outBounce = null;
        try
        {
            outBounce = hasOut ? memory.bounceFor(offOut, Long.BYTES, Long.BYTES, "offOut") : null;
            final long result = gate.call(Syscall.COPY_FILE_RANGE, fdIn, hasIn ? CallMemory.address(offIn, inBounce) : 0,
                fdOut, hasOut ? CallMemory.address(offOut, outBounce) : 0, length, flags, timeoutNanos);
            if (result >= 0)
            {
                CallMemory.copyOut(inBounce, offIn, Long.BYTES);
                CallMemory.copyOut(outBounce, offOut, Long.BYTES);
            }
            return result;
        }
        finally
        {
            memory.release(inBounce);
            memory.release(outBounce);
            Reference.reachabilityFence(offIn);
            Reference.reachabilityFence(offOut);
        }
    }

    @Override
    public long symlinkat(final MemorySegment target, final int newDirfd, final MemorySegment linkPath)
    {
        NativeBuffers.cString(target, "target");
        NativeBuffers.cString(linkPath, "linkPath");
        final Bounce targetBounce = bouncePath(target);
        Bounce linkBounce = null;
        try
        {
            linkBounce = bouncePath(linkPath);
            return gate.call(Syscall.SYMLINKAT, CallMemory.address(target, targetBounce), newDirfd,
                CallMemory.address(linkPath, linkBounce), 0, 0, 0, timeoutNanos);
        }
        finally
        {
            memory.release(targetBounce);
            memory.release(linkBounce);
            Reference.reachabilityFence(target);
            Reference.reachabilityFence(linkPath);
        }
    }

    @Override
    public long faccessat(final int dirfd, final MemorySegment path, final int mode, final int flags)
    {
        NativeBuffers.cString(path, "path");
        final Bounce pathBounce = bouncePath(path);
        try
        {
            return gate.call(Syscall.FACCESSAT, dirfd, CallMemory.address(path, pathBounce), mode, flags, 0, 0,
                timeoutNanos);
        }
        finally
        {
            memory.release(pathBounce);
            Reference.reachabilityFence(path);
        }
    }

    /** MemorySegment.NULL (or null) for a {@code loff_t *} argument: the call uses and advances the file position. */
    private static boolean isNull(final MemorySegment offset)
    {
        return offset == null || offset.isNative() && offset.address() == 0 && offset.byteSize() == 0;
    }

    /**
     * @return a bounce buffer holding the path and its NUL, or null if the path's own memory may go to the kernel.
     */
    private Bounce bouncePath(final MemorySegment path)
    {
        return memory.needsBounce(path, "path") ?
            memory.bounceFor(path, path.byteSize(), terminatedLength(path), "path") : null;
    }

    private static long terminatedLength(final MemorySegment path)
    {
        final long size = path.byteSize();
        for (long i = 0; i < size; i++)
        {
            if (path.get(ValueLayout.JAVA_BYTE, i) == 0)
            {
                return i + 1;
            }
        }
        return size; // checked before: not reached
    }

    private static IoVector checkVectors(final IoVector vectors)
    {
        if (vectors == null)
        {
            throw new IllegalArgumentException("vectors is null: pass an IoVector");
        }
        return vectors;
    }
}
