package io.offload.servers.call;

import io.offload.api.AsyncSyscalls;
import io.offload.api.FileStat;
import io.offload.api.LinuxConstants;
import io.offload.api.internal.NativeBuffers;
import io.offload.api.StatxDescriptor;
import io.offload.api.Syscall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;

/**
 * {@link AsyncSyscalls} over the gate's one submit core. Each call is an {@link AsyncCall}, a future that is also its
 * entry's completion. Memory the call needs beyond the caller's buffers (a path, a statx buffer) comes from an
 * automatic arena the call keeps reachable until it settles. A buffer of a confined arena is refused; one of a
 * shared arena goes through a bounce buffer (see {@link AsyncCall}).
 */
public final class GateAsyncSyscalls implements AsyncSyscalls
{
    private static final LongFunction<Long> COUNT = Long::valueOf;
    private static final LongFunction<Integer> INT = r -> (int)r;
    private static final LongFunction<Void> NOTHING = r -> null;

    private final OffloadGate gate;
    private final BouncePool pool;
    private final Executor executor;

    /**
     * @param gate     where calls go.
     * @param pool     bounce buffers for segments of shared arenas.
     * @param executor where futures are completed (and so where their non-async dependent stages run), or null for
     *                 the thread that settles the call (the completion thread).
     */
    public GateAsyncSyscalls(final OffloadGate gate, final BouncePool pool, final Executor executor)
    {
        this.gate = gate;
        this.pool = pool;
        this.executor = executor;
    }

    private <T> AsyncCall<T> call(final Syscall syscall, final long fd, final String path,
        final LongFunction<T> mapper)
    {
        return new AsyncCall<>(gate, executor, syscall, fd, path, mapper);
    }

    private <T> CompletableFuture<T> submit(
        final AsyncCall<T> call, final long a0, final long a1, final long a2, final long a3, final long a4)
    {
        try
        {
            gate.submitAsync(call, a0, a1, a2, a3, a4, 0);
        }
        catch (final RuntimeException ex)
        {
            call.failed(ex);
        }
        return call;
    }

    @Override
    public CompletableFuture<Integer> getpid()
    {
        return submit(call(Syscall.GETPID, -1, null, INT), 0, 0, 0, 0, 0);
    }

    @Override
    public CompletableFuture<Long> read(final int fd, final MemorySegment buf)
    {
        NativeBuffers.writableAddress(buf, "buf");
        final AsyncCall<Long> call = call(Syscall.READ, fd, null, COUNT);
        final long address = call.into(buf, buf.byteSize(), pool);
        return submit(call, fd, address, buf.byteSize(), 0, 0);
    }

    @Override
    public CompletableFuture<Long> write(final int fd, final MemorySegment buf)
    {
        NativeBuffers.address(buf, "buf");
        final AsyncCall<Long> call = call(Syscall.WRITE, fd, null, COUNT);
        final long address = call.from(buf, buf.byteSize(), pool);
        return submit(call, fd, address, buf.byteSize(), 0, 0);
    }

    @Override
    public CompletableFuture<Long> pread(final int fd, final MemorySegment buf, final long offset)
    {
        NativeBuffers.writableAddress(buf, "buf");
        NativeBuffers.fileOffset(offset, "offset");
        final AsyncCall<Long> call = call(Syscall.PREAD, fd, null, COUNT);
        final long address = call.into(buf, buf.byteSize(), pool);
        return submit(call, fd, address, buf.byteSize(), offset, 0);
    }

    @Override
    public CompletableFuture<Long> pwrite(final int fd, final MemorySegment buf, final long offset)
    {
        NativeBuffers.address(buf, "buf");
        NativeBuffers.fileOffset(offset, "offset");
        final AsyncCall<Long> call = call(Syscall.PWRITE, fd, null, COUNT);
        final long address = call.from(buf, buf.byteSize(), pool);
        return submit(call, fd, address, buf.byteSize(), offset, 0);
    }

    @Override
    public CompletableFuture<Integer> open(final String path, final int flags, final int mode)
    {
        final MemorySegment cPath = NativePaths.path(Arena.ofAuto(), path, "path");
        final AsyncCall<Integer> call = call(Syscall.OPENAT, -1, path, INT);
        call.hold(cPath);
        return submit(call, LinuxConstants.AT_FDCWD, cPath.address(), flags, mode, 0);
    }

    @Override
    public CompletableFuture<Void> close(final int fd)
    {
        return submit(call(Syscall.CLOSE, fd, null, NOTHING), fd, 0, 0, 0, 0);
    }

    @Override
    public CompletableFuture<FileStat> stat(final String path)
    {
        final Arena arena = Arena.ofAuto();
        final MemorySegment cPath = NativePaths.path(arena, path, "path");
        final MemorySegment statx = arena.allocate(StatxDescriptor.LENGTH, 8);
        final AsyncCall<FileStat> call = call(Syscall.STATX, -1, path, r -> StatxDescriptor.toFileStat(statx));
        call.hold(cPath); // the mapper holds statx
        return submit(call, LinuxConstants.AT_FDCWD, cPath.address(), 0, LinuxConstants.STATX_BASIC_STATS,
            statx.address());
    }

    @Override
    public CompletableFuture<FileStat> fstat(final int fd)
    {
        final Arena arena = Arena.ofAuto();
        final MemorySegment empty = arena.allocateFrom("");
        final MemorySegment statx = arena.allocate(StatxDescriptor.LENGTH, 8);
        final AsyncCall<FileStat> call = call(Syscall.STATX, fd, null, r -> StatxDescriptor.toFileStat(statx));
        call.hold(empty);
        return submit(call, fd, empty.address(), LinuxConstants.AT_EMPTY_PATH, LinuxConstants.STATX_BASIC_STATS,
            statx.address());
    }

    @Override
    public CompletableFuture<Void> fsync(final int fd)
    {
        return submit(call(Syscall.FSYNC, fd, null, NOTHING), fd, 0, 0, 0, 0);
    }
}
