package io.offload.api;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;

/**
 * System calls that return at once with a {@link CompletableFuture}. A failed call completes the future
 * exceptionally with a {@link SyscallException}. Futures are completed on the runtime's completion thread, never on
 * a server thread, so a dependent stage cannot stall a server. A buffer must stay alive (its arena open) until
 * the future completes.
 * <p>
 * By default there is one completion thread per runtime, and the non-async dependent stages ({@code thenApply},
 * {@code thenRun}, ...) of a future it completes run on it: keep them short, or use the {@code ...Async} variants
 * with an executor of your own. A stage that blocks there delays the completion of every other future of the
 * runtime and the wake-up of virtual threads waiting on blocking calls, and {@code cancel} (which waits until the
 * call is settled, so that a cancelled future never hides data a call already moved) waits with it. A runtime built
 * with an async executor ({@code OffloadRuntime.Builder.asyncExecutor}, or {@code asyncOnVirtualThreads()} /
 * {@code -Doffload.async.executor=virtual}) completes futures there instead, and a blocking stage holds nothing else.
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
