package io.offload.api;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;

/**
 * System calls that return at once with a {@link CompletableFuture}. A failed call completes the future
 * exceptionally with a {@link SyscallException}. Futures are completed on the runtime's completion thread, never on
 * a server thread, so a dependent stage cannot stall a server.
 * <p>
 * Buffers: a segment of a confined arena is refused with {@link IllegalArgumentException} (its thread could close it
 * while the call runs); one of a shared arena goes through a bounce buffer of the runtime's, copied in before a
 * write is submitted and out when a read completes, so closing the arena early never frees memory the kernel uses
 * (a read's bytes are then dropped and the future fails with {@link IllegalStateException}); one of an automatic or
 * global arena, or a direct ByteBuffer's, is kept reachable by the call until it settles.
 * <p>
 * By default there is one completion thread per runtime, and the non-async dependent stages ({@code thenApply},
 * {@code thenRun}, ...) of a future it completes run on it: keep them short, or use the {@code ...Async} variants
 * with an executor of your own. A stage that blocks there delays the completion of every other future of the
 * runtime and the wake-up of virtual threads waiting on blocking calls. A runtime built with an async executor
 * ({@code OffloadContext.asyncExecutor}, or {@code asyncOnVirtualThreads()} / {@code -Doffload.async.executor=virtual})
 * completes futures there instead, and a blocking stage holds nothing else.
 * <p>
 * {@code cancel} asks for the call to be cancelled and waits, parked and whatever the caller's interrupt status,
 * until the completion thread has settled the call (never for the async executor); it then completes the future and
 * returns true only if the call did not happen, so a cancelled future never hides data a call already moved. On the
 * completion thread it does not wait: it returns whether the future is cancelled yet, and the future is completed
 * (cancelled or not) when the call settles.
 */
public interface AsyncSyscalls
{
    /** @return the process id, as seen by a server. */
    CompletableFuture<Integer> getpid();

    /**
     * @param fd  file descriptor.
     * @param buf native buffer.
     * @return bytes read.
     */
    CompletableFuture<Long> read(int fd, MemorySegment buf);

    /**
     * @param fd  file descriptor.
     * @param buf native buffer.
     * @return bytes written.
     */
    CompletableFuture<Long> write(int fd, MemorySegment buf);

    /**
     * @param fd     file descriptor.
     * @param buf    native buffer.
     * @param offset file offset.
     * @return bytes read.
     */
    CompletableFuture<Long> pread(int fd, MemorySegment buf, long offset);

    /**
     * @param fd     file descriptor.
     * @param buf    native buffer.
     * @param offset file offset.
     * @return bytes written.
     */
    CompletableFuture<Long> pwrite(int fd, MemorySegment buf, long offset);

    /**
     * @param path  file path.
     * @param flags {@code O_*} flags.
     * @param mode  permission bits for a created file.
     * @return the new fd.
     */
    CompletableFuture<Integer> open(String path, int flags, int mode);

    /**
     * @param fd file descriptor.
     * @return completes when closed.
     */
    CompletableFuture<Void> close(int fd);

    /**
     * @param path a path.
     * @return its metadata.
     */
    CompletableFuture<FileStat> stat(String path);

    /**
     * @param fd an open fd.
     * @return its metadata.
     */
    CompletableFuture<FileStat> fstat(int fd);

    /**
     * @param fd file descriptor.
     * @return completes when the data is on disk.
     */
    CompletableFuture<Void> fsync(int fd);
}
