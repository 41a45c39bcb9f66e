package io.offload.servers;

import io.offload.api.AsyncSyscalls;
import io.offload.api.FileStat;
import io.offload.api.LinuxConstants;
import io.offload.api.NativeBuffers;
import io.offload.api.StatxDescriptor;
import io.offload.api.Syscall;
import io.offload.api.SyscallException;
import io.offload.servers.agent.AsyncCompletion;
import io.offload.servers.agent.Completer;
import io.offload.servers.agent.ServerPort;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongFunction;

/**
 * {@link AsyncSyscalls} over the runtime's gate. Each call is a future that is also the entry's completion: the
 * completion thread tells it the result, it maps the result (or throws the errno) and completes itself. Memory
 * the call needs beyond the caller's buffers (a path, a statx buffer) lives in a shared arena closed on
 * completion.
 */
final class OffloadAsyncSyscalls implements AsyncSyscalls
{
    private final OffloadGate gate;
    private final Executor executor;

    /**
     * @param gate     where calls go.
     * @param executor where futures are completed (and so where their non-async dependent stages run), or null for
     *                 the completion thread itself.
     */
    OffloadAsyncSyscalls(final OffloadGate gate, final Executor executor)
    {
        this.gate = gate;
        this.executor = executor;
    }

    /**
     * A pending call: a future that completes itself from the raw result.
     *
     * @param <T> the value type.
     */
    private final class AsyncCall<T> extends CompletableFuture<T> implements AsyncCompletion
    {
        private final Syscall syscall;
        private final String detail;
        private final LongFunction<T> mapper;
        private final Arena arena;
        private int handle = -1;
        private ServerPort server;
        private volatile boolean cancelRequested;

        AsyncCall(final Syscall syscall, final String detail, final Arena arena, final LongFunction<T> mapper)
        {
            this.syscall = syscall;
            this.detail = detail;
            this.arena = arena;
            this.mapper = mapper;
        }

        @Override
        public synchronized void submitted(final int handle, final ServerPort server)
        {
            this.handle = handle;
            this.server = server;
        }

        @Override
        public synchronized void detached()
        {
            handle = -1; // under the lock: a cancel either flags this call's entry first, or sees no entry at all
        }

        /**
         * Cancel the call, deciding from its entry rather than from the future, so that a cancelled future never
         * hides a call that has already moved data: a call no server has taken yet is dropped at once; one that
         * waits (a socket with no data) is taken out of its server's wait queue; one that is running, or already
         * done, finishes with its result. This waits until the call is settled and this future completed (except on
         * the completion thread, where waiting would deadlock; from a stage on a single-threaded async executor it
         * would too, so cancel elsewhere) and returns true only if the call was cancelled.
         */
        @Override
        public boolean cancel(final boolean mayInterruptIfRunning)
        {
            synchronized (this)
            {
                if (isDone())
                {
                    return isCancelled();
                }
                cancelRequested = true;
                if (handle >= 0)
                {
                    gate.requestCancel(handle, server);
                }
            }
            if (!Completer.isCompletionThread())
            {
                while (!isDone())
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000L);
                }
            }
            return isCancelled();
        }

        @Override
        public void onResult(final long result)
        {
            if (executor != null && Completer.isCompletionThread())
            {
                try
                {
                    executor.execute(() -> deliver(result));
                    return;
                }
                catch (final RejectedExecutionException ex)
                {
                    // a shut-down or saturated executor must not lose the result: complete it here instead
                }
            }
            deliver(result);
        }

        private void deliver(final long result)
        {
            try
            {
                if (result == -io.offload.api.Errno.ECANCELED && cancelRequested)
                {
                    super.cancel(false);
                }
                else if (result < 0)
                {
                    completeExceptionally(new SyscallException(syscall, (int)-result, detail));
                }
                else
                {
                    complete(mapper.apply(result));
                }
            }
            catch (final RuntimeException ex)
            {
                completeExceptionally(ex);
            }
            finally
            {
                if (arena != null)
                {
                    arena.close();
                }
            }
        }
    }

    private <T> CompletableFuture<T> submit(
        final AsyncCall<T> call, final long a0, final long a1, final long a2, final long a3, final long a4)
    {
        try
        {
            gate.submitAsync(call.syscall, a0, a1, a2, a3, a4, 0, call);
        }
        catch (final RuntimeException ex)
        {
            if (call.arena != null)
            {
                call.arena.close();
            }
            call.completeExceptionally(ex);
        }
        return call;
    }

    private static Long count(final long result)
    {
        return result;
    }

    @Override
    public CompletableFuture<Integer> getpid()
    {
        return submit(new AsyncCall<>(Syscall.GETPID, null, null, r -> (int)r), 0, 0, 0, 0, 0);
    }

    @Override
    public CompletableFuture<Long> read(final int fd, final MemorySegment buf)
    {
        final long address = NativeBuffers.address(buf, "buf");
        return submit(new AsyncCall<>(Syscall.READ, "fd=" + fd, null, OffloadAsyncSyscalls::count),
            fd, address, buf.byteSize(), 0, 0);
    }

    @Override
    public CompletableFuture<Long> write(final int fd, final MemorySegment buf)
    {
        final long address = NativeBuffers.address(buf, "buf");
        return submit(new AsyncCall<>(Syscall.WRITE, "fd=" + fd, null, OffloadAsyncSyscalls::count),
            fd, address, buf.byteSize(), 0, 0);
    }

    @Override
    public CompletableFuture<Long> pread(final int fd, final MemorySegment buf, final long offset)
    {
        final long address = NativeBuffers.address(buf, "buf");
        return submit(new AsyncCall<>(Syscall.PREAD, "fd=" + fd, null, OffloadAsyncSyscalls::count),
            fd, address, buf.byteSize(), NativeBuffers.fileOffset(offset, "offset"), 0);
    }

    @Override
    public CompletableFuture<Long> pwrite(final int fd, final MemorySegment buf, final long offset)
    {
        final long address = NativeBuffers.address(buf, "buf");
        return submit(new AsyncCall<>(Syscall.PWRITE, "fd=" + fd, null, OffloadAsyncSyscalls::count),
            fd, address, buf.byteSize(), NativeBuffers.fileOffset(offset, "offset"), 0);
    }

    @Override
    public CompletableFuture<Integer> open(final String path, final int flags, final int mode)
    {
        final Arena arena = Arena.ofShared();
        final MemorySegment cPath = nativePath(arena, path);
        return submit(new AsyncCall<>(Syscall.OPENAT, "\"" + path + "\"", arena, r -> (int)r),
            LinuxConstants.AT_FDCWD, cPath.address(), flags, mode, 0);
    }

    @Override
    public CompletableFuture<Void> close(final int fd)
    {
        return submit(new AsyncCall<>(Syscall.CLOSE, "fd=" + fd, null, r -> null), fd, 0, 0, 0, 0);
    }

    @Override
    public CompletableFuture<FileStat> stat(final String path)
    {
        final Arena arena = Arena.ofShared();
        final MemorySegment cPath = nativePath(arena, path);
        final MemorySegment statx = arena.allocate(StatxDescriptor.LENGTH, 8);
        return submit(new AsyncCall<>(Syscall.STATX, "\"" + path + "\"", arena,
            r -> StatxDescriptor.toFileStat(statx)),
            LinuxConstants.AT_FDCWD, cPath.address(), 0, LinuxConstants.STATX_BASIC_STATS, statx.address());
    }

    @Override
    public CompletableFuture<FileStat> fstat(final int fd)
    {
        final Arena arena = Arena.ofShared();
        final MemorySegment empty = arena.allocateFrom("");
        final MemorySegment statx = arena.allocate(StatxDescriptor.LENGTH, 8);
        return submit(new AsyncCall<>(Syscall.STATX, "fd=" + fd, arena, r -> StatxDescriptor.toFileStat(statx)),
            fd, empty.address(), LinuxConstants.AT_EMPTY_PATH, LinuxConstants.STATX_BASIC_STATS, statx.address());
    }

    @Override
    public CompletableFuture<Void> fsync(final int fd)
    {
        return submit(new AsyncCall<>(Syscall.FSYNC, "fd=" + fd, null, r -> null), fd, 0, 0, 0, 0);
    }

    private static MemorySegment nativePath(final Arena arena, final String path)
    {
        if (path == null || path.indexOf('\0') >= 0)
        {
            arena.close();
            throw new IllegalArgumentException(
                path == null ? "path is null: pass a file path" : "path contains a NUL character");
        }
        return arena.allocateFrom(path);
    }
}
