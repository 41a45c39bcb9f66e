package io.offload.servers;

import io.offload.api.LinuxConstants;
import io.offload.api.SyscallClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.FileOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 15, item 4 and the server half of item 5. A FIFO opened without O_NONBLOCK, through the FILE server:
 * reading it must not stall the server (its other callers go on) and must not keep close() from returning. A
 * server stuck inside a system call that never returns (an openat of a FIFO nobody opens for writing) must not
 * keep close() past its timeout either; the close says which call it abandoned, and never completes that call
 * while the kernel may still be inside it.
 */
class BlockingFdTest
{
    private static final long LIVENESS_SECONDS = 60;

    private Path dir;
    private Path fifo;
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @BeforeEach
    void makeFifo() throws Exception
    {
        dir = Files.createTempDirectory("offload-blocking");
        fifo = dir.resolve("fifo");
        final Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
    }

    @AfterEach
    void removeFifo() throws Exception
    {
        // whoever may still sit in an open of the FIFO (a failed run) gets a writer and goes on
        final Thread unblock = new Thread(() ->
        {
            try (FileOutputStream ignored = new FileOutputStream(fifo.toFile()))
            {
                // opened and closed
            }
            catch (final Exception ignored)
            {
                // removed meanwhile
            }
        });
        unblock.setDaemon(true);
        unblock.start();
        unblock.join(1_000);
        Files.deleteIfExists(fifo);
        Files.deleteIfExists(dir);
    }

    private static void closeInBackground(final OffloadRuntime runtime)
    {
        final Thread closer = new Thread(runtime::close);
        closer.setDaemon(true);
        closer.start();
    }

    private static void closeWithin(final OffloadRuntime runtime) throws Exception
    {
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        final Thread closer = new Thread(() ->
        {
            runtime.close();
            closed.complete(null);
        });
        closer.setDaemon(true); // before the fix close() never returned here
        closer.start();
        within(closed, "close()");
    }

    private OffloadRuntime runtime()
    {
        return OffloadRuntime.builder()
            .unpinnedServers(SyscallClass.FILE, 1)
            .shutdownTimeout(java.time.Duration.ofSeconds(2))
            .errorHandler(errors::add)
            .build();
    }

    private static <T> T within(final CompletableFuture<T> future, final String what) throws Exception
    {
        try
        {
            return future.get(LIVENESS_SECONDS, TimeUnit.SECONDS); // liveness only
        }
        catch (final TimeoutException ex)
        {
            fail(what + " did not happen within " + LIVENESS_SECONDS + " s");
            return null;
        }
    }

    private static CompletableFuture<Long> readAsync(final OffloadRuntime runtime, final int fd,
        final MemorySegment buf)
    {
        final CompletableFuture<Long> outcome = new CompletableFuture<>();
        final Thread reader = new Thread(() ->
        {
            try
            {
                outcome.complete(runtime.syscalls().read(fd, buf));
            }
            catch (final Throwable ex)
            {
                outcome.completeExceptionally(ex);
            }
        });
        reader.setDaemon(true); // before the fix it would sit in the server for ever
        reader.start();
        return outcome;
    }

    @Test
    void aReadOfABlockingFifoWaitsWithoutStallingItsServer() throws Exception
    {
        final OffloadRuntime runtime = runtime();
        try (Arena arena = Arena.ofShared())
        {
            final int fd = runtime.syscalls().open(fifo.toString(), LinuxConstants.O_RDWR, 0); // no O_NONBLOCK
            final MemorySegment buf = arena.allocate(64);
            final CompletableFuture<Long> read = readAsync(runtime, fd, buf);
            final CompletableFuture<Long> getpid = new CompletableFuture<>();
            final Thread asker = new Thread(() -> getpid.complete(runtime.raw().getpid()));
            asker.setDaemon(true);
            asker.start();
            final long pid = within(getpid, "an answer from the server while a FIFO read waits");
            assertEquals(ProcessHandle.current().pid(), pid);
            assertFalse(read.isDone());
            final MemorySegment data = arena.allocateFrom("fifo!", StandardCharsets.US_ASCII);
            assertEquals(5, runtime.syscalls().write(fd, data.asSlice(0, 5)));
            assertEquals(5L, within(read, "the FIFO read"));
            final CompletableFuture<Long> pending = readAsync(runtime, fd, buf);
            closeWithin(runtime); // with a FIFO read waiting
            assertTrue(pending.handle((r, ex) -> ex != null).get(LIVENESS_SECONDS, TimeUnit.SECONDS),
                "the waiting read ends with ECANCELED when the runtime closes");
            runtime.syscalls().close(fd);
        }
        catch (final Throwable ex)
        {
            closeInBackground(runtime); // do not hide the first failure behind a close that may not return
            throw ex;
        }
        closeWithin(runtime);
    }

    @Test
    void closeHonoursItsTimeoutWhenAServerIsStuckInTheKernelAndNeverCompletesThatCall() throws Exception
    {
        final OffloadRuntime runtime = runtime();
        if (!"syscalls".equals(runtime.stats().servers().get(0).executor()))
        {
            // io_uring runs the openat in the kernel's worker and its cancel ends it: the server is never stuck
            runtime.close();
            org.junit.jupiter.api.Assumptions.abort("a server stuck in a system call is the syscall executor's case; " +
                "this runtime runs " + runtime.stats().servers().get(0).executor());
        }
        final CompletableFuture<Integer> open = new CompletableFuture<>();
        final Thread opener = new Thread(() ->
        {
            try
            {
                open.complete(runtime.syscalls().open(fifo.toString(), LinuxConstants.O_RDONLY, 0)); // waits for a writer
            }
            catch (final Throwable ex)
            {
                open.completeExceptionally(ex);
            }
        });
        opener.setDaemon(true);
        opener.start();
        final long give = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIVENESS_SECONDS);
        while (runtime.stats().servers().get(0).pickedUp() < 1) // the server is inside openat now
        {
            assertTrue(System.nanoTime() - give < 0, "the server never picked the open up");
            Thread.onSpinWait();
        }
        closeWithin(runtime); // while its server is stuck in openat
        assertFalse(open.isDone(), "completed while the kernel was still inside openat: " + open);
        assertTrue(errors.stream().anyMatch(e -> e.getMessage() != null && e.getMessage().contains("openat") &&
            e.getMessage().contains("abandoned")), "the close says which call it abandoned: " + errors);
        try (FileOutputStream writer = new FileOutputStream(fifo.toFile())) // the openat returns now
        {
            final int fd = within(open, "the abandoned openat, once the kernel returns");
            assertTrue(fd >= 0, "its result, not ECANCELED: " + fd);
            runtime.syscalls().close(fd); // after close(), close(fd) still runs, on the caller
        }
        opener.join();
    }
}
