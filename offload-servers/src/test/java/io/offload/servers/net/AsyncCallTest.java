package io.offload.servers.net;

import io.offload.api.AsyncSyscalls;
import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.api.WaitStrategy;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static io.offload.servers.net.NetTestSupport.assertErrno;
import static io.offload.servers.net.NetTestSupport.awaitWaiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Async calls as a hostile user drives them (issue 15 items 2 and 3, issue 11's async close): cancel from
 * interrupted virtual threads, chains of calls under a full pool, and a close that must behave as the blocking one.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsyncCallTest
{
    private static final int PID = (int)ProcessHandle.current().pid();

    /**
     * Issue 15 item 2: cancel() from interrupted virtual threads, on more of them than there are carriers, with
     * futures completed on virtual threads and callers that park: every cancel returns, truthfully.
     */
    @Test
    void cancelFromInterruptedVirtualThreadsReturns() throws Exception
    {
        final int cancellers = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
        try (OffloadRuntime runtime = OffloadRuntime.builder()
                .servers(SyscallClass.NETWORK, -1)
                .route(SyscallClass.FILE, SyscallClass.NETWORK)
                .route(SyscallClass.PROCESS, SyscallClass.NETWORK)
                .waitStrategy(WaitStrategy.PARK)
                .asyncOnVirtualThreads()
                .build();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared())
        {
            final List<CompletableFuture<Long>> reads = new ArrayList<>();
            for (int i = 0; i < cancellers; i++)
            {
                reads.add(runtime.async().read(pair.server().fd(), arena.allocate(64)));
            }
            awaitWaiting(runtime, w -> w == cancellers, "the async reads to wait");
            final CountDownLatch returned = new CountDownLatch(cancellers);
            final AtomicReferenceArray<Boolean> answers = new AtomicReferenceArray<>(cancellers);
            final AtomicInteger flagKept = new AtomicInteger();
            for (int i = 0; i < cancellers; i++)
            {
                final int index = i;
                Thread.ofVirtual().start(() ->
                {
                    Thread.currentThread().interrupt();
                    answers.set(index, reads.get(index).cancel(true));
                    if (Thread.currentThread().isInterrupted())
                    {
                        flagKept.incrementAndGet();
                    }
                    returned.countDown();
                });
            }
            assertTrue(returned.await(60, TimeUnit.SECONDS),
                (cancellers - returned.getCount()) + " of " + cancellers + " cancel() calls from interrupted " +
                "virtual threads returned");
            for (int i = 0; i < cancellers; i++)
            {
                final CompletableFuture<Long> read = reads.get(i);
                NetTestSupport.await(read::isDone, "cancelled read " + i + " to settle");
                if (answers.get(i))
                {
                    assertTrue(read.isCancelled(), "cancel() said true: the future is cancelled");
                }
                assertTrue(read.isCancelled(), "a read waiting for data is cancelled, not completed");
            }
            assertEquals(cancellers, flagKept.get(), "cancel() leaves the interrupt status as it found it");
            awaitWaiting(runtime, w -> w == 0, "the cancelled reads to leave the wait queue");
        }
    }

    /**
     * Issue 15 item 3: a chain of async calls (the second submitted from the first's stage, on the thread that
     * completes futures) from 10,000 virtual threads with a pool of 64 entries never deadlocks.
     */
    @Test
    void chainedCallsUnderAFullPoolComplete() throws Exception
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).maxEntries(64).entriesPerPage(64).build())
        {
            final AsyncSyscalls async = runtime.async();
            final int threads = 10_000;
            final CountDownLatch done = new CountDownLatch(threads);
            final AtomicInteger right = new AtomicInteger();
            for (int i = 0; i < threads; i++)
            {
                Thread.ofVirtual().start(() ->
                {
                    try
                    {
                        if (async.getpid().thenCompose(x -> async.getpid()).join() == PID)
                        {
                            right.incrementAndGet();
                        }
                    }
                    finally
                    {
                        done.countDown();
                    }
                });
            }
            assertTrue(done.await(90, TimeUnit.SECONDS),
                (threads - done.getCount()) + " of " + threads + " chains completed: the pool of 64 deadlocked\n" +
                runtime.stats().toTable());
            assertEquals(threads, right.get());
            assertEquals(0, runtime.stats().entriesInUse());
        }
    }

    /**
     * Issue 11: async().close(fd) of a socket goes to the server that owns the fd, as the blocking close does, so a
     * call waiting on that socket (in the owner's reactor) completes with EBADF instead of waiting forever.
     */
    @Test
    void asyncCloseOfASocketCompletesItsWaiter() throws Exception
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder()
            .servers(SyscallClass.FILE, -1)
            .servers(SyscallClass.NETWORK, -1)
            .build();
            Arena arena = Arena.ofShared())
        {
            closeCompletesTheSocketsWaiter(runtime, arena, true);
        }
    }

    /**
     * Issue 11: with two servers a socket belongs to one of them (fd modulo 2); the blocking close(fd) and the async
     * close(fd) both go there, whatever server the router would pick, so the read waiting in that server's reactor
     * completes with EBADF. Each is tried on several sockets, so both owners are hit.
     */
    @Test
    void blockingAndAsyncCloseOfASocketGoToItsOwnerOfTwo() throws Exception
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder()
            .unpinnedServers(SyscallClass.FILE, 2)
            .build();
            Arena arena = Arena.ofShared())
        {
            for (int i = 0; i < 6; i++)
            {
                closeCompletesTheSocketsWaiter(runtime, arena, i % 2 == 0);
            }
        }
    }

    /**
     * A read waits on a new socket in its owner's reactor; closing the socket's fd (async or blocking) completes it
     * with EBADF and leaves nothing waiting.
     */
    private static void closeCompletesTheSocketsWaiter(final OffloadRuntime runtime, final Arena arena,
        final boolean async) throws Exception
    {
        final NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
        try
        {
            final MemorySegment buf = arena.allocate(64);
            final CompletableFuture<Long> waiter = NetTestSupport.onVirtualThread(() -> pair.server().read(buf));
            awaitWaiting(runtime, w -> w == 1, "the read to wait in the socket owner's reactor");
            if (async)
            {
                runtime.async().close(pair.server().fd()).get(20, TimeUnit.SECONDS);
            }
            else
            {
                runtime.syscalls().close(pair.server().fd());
            }
            final ExecutionException failed = assertThrows(ExecutionException.class,
                () -> waiter.get(20, TimeUnit.SECONDS), (async ? "async" : "blocking") + " close of socket " +
                    pair.server().fd() + ": the waiter completes once its socket is closed");
            assertErrno(Errno.EBADF, assertInstanceOf(SyscallException.class, failed.getCause()));
            awaitWaiting(runtime, w -> w == 0, "nothing left waiting");
        }
        finally
        {
            pair.peer().close();
            pair.listener().close();
        }
    }

    /** Issue 11: async().close(fd) after the runtime closed still releases the fd, on the caller, as close(fd) does. */
    @Test
    void asyncCloseAfterTheRuntimeClosedStillReleasesTheFd() throws Exception
    {
        final OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1).build();
        final int fd = runtime.syscalls().open("/dev/null", LinuxConstants.O_RDONLY, 0);
        runtime.close();
        final Path link = Path.of("/proc/self/fd/" + fd);
        assertTrue(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
        runtime.async().close(fd).get(20, TimeUnit.SECONDS);
        assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS), "fd " + fd + " released");
    }
}
