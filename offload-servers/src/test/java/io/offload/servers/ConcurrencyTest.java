package io.offload.servers;

import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import io.offload.api.SyscallClass;
import io.offload.api.WaitStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many callers, several servers: every call completes exactly once with its own result.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConcurrencyTest
{
    /**
     * Virtual threads that park right after their spins (no yields) and ones that yield their carrier first both
     * get their own results: 2,000 of them on the carriers, one server, each reading its own bytes of a file.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1_000})
    void virtualThreadsGetTheirResultsWhetherTheyYieldOrPark(final int yields) throws Exception
    {
        final Path file = Files.createTempFile("offload", ".bin");
        final byte[] content = new byte[2_000];
        for (int i = 0; i < content.length; i++)
        {
            content[i] = (byte)(i * 31);
        }
        Files.write(file, content);
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .virtualYieldLimit(yields).build())
        {
            final int fd = runtime.syscalls().open(file.toString(), io.offload.api.LinuxConstants.O_RDONLY, 0);
            final AtomicLong wrong = new AtomicLong();
            final List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < content.length; t++)
            {
                final int offset = t;
                callers.add(Thread.ofVirtual().start(() ->
                {
                    try (Arena arena = Arena.ofConfined())
                    {
                        final MemorySegment buf = arena.allocate(1);
                        for (int i = 0; i < 20; i++)
                        {
                            if (runtime.raw().pread(fd, buf, offset) != 1 ||
                                buf.get(ValueLayout.JAVA_BYTE, 0) != content[offset])
                            {
                                wrong.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            for (final Thread caller : callers)
            {
                caller.join();
            }
            runtime.syscalls().close(fd);
            assertEquals(0, wrong.get(), "calls that got another call's result");
            assertEquals(0, runtime.stats().entriesInUse(), runtime.stats().toTable());
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void eachCallerGetsItsOwnResult(final WaitStrategy strategy) throws Exception
    {
        final Path file = Files.createTempFile("offload", ".bin");
        final byte[] content = new byte[64 * 1024];
        for (int i = 0; i < content.length; i++)
        {
            content[i] = (byte)(i >>> 3);
        }
        Files.write(file, content);
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 2)
            .waitStrategy(strategy).spinLimit(100).ringCapacity(16)
            .nowaitReads(false) // the hand-off under contention: every pread to a server, none from the page cache
            .build())
        {
            final int fd = runtime.syscalls().open(file.toString(), io.offload.api.LinuxConstants.O_RDONLY, 0);
            final int threads = 6;
            final int callsPerThread = 3_000;
            final AtomicLong wrong = new AtomicLong();
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int id = t;
                final Thread.Builder builder = (t & 1) == 0 ? Thread.ofPlatform() : Thread.ofVirtual();
                workers.add(builder.start(() ->
                {
                    try (Arena arena = Arena.ofConfined())
                    {
                        final MemorySegment buf = arena.allocate(8);
                        for (int i = 0; i < callsPerThread; i++)
                        {
                            final long offset = ((long)(id * callsPerThread + i) * 8) % content.length;
                            if (runtime.raw().pread(fd, buf, offset) != 8 ||
                                buf.get(ValueLayout.JAVA_BYTE, 0) != content[(int)offset])
                            {
                                wrong.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            for (final Thread worker : workers)
            {
                worker.join();
            }
            runtime.syscalls().close(fd);
            assertEquals(0, wrong.get(), "calls that got another call's result or a short read");
            final RuntimeStats stats = runtime.stats();
            final long completed = stats.servers().stream().mapToLong(ServerStats::completed).sum();
            assertEquals(threads * callsPerThread + 2, completed, stats.toTable()); // + open and close
            assertEquals(0, stats.entriesInUse(), stats.toTable());
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void hundredThousandVirtualThreadsWithACallInFlight() throws Exception
    {
        final int threads = 100_000;
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).maxEntries(131_072).entriesPerPage(1024).build())
        {
            final int pid = (int)ProcessHandle.current().pid();
            final CountDownLatch go = new CountDownLatch(1);
            final AtomicInteger correct = new AtomicInteger();
            final List<Thread> all = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++)
            {
                all.add(Thread.ofVirtual().start(() ->
                {
                    try
                    {
                        go.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    try
                    {
                        if (runtime.syscalls().getpid() == pid)
                        {
                            correct.incrementAndGet();
                        }
                    }
                    catch (final io.offload.api.SyscallException ex)
                    {
                        throw new IllegalStateException(ex); // getpid declares SyscallException since issue 11
                    }
                }));
            }
            go.countDown();
            for (final Thread thread : all)
            {
                thread.join();
            }
            assertEquals(threads, correct.get());
            final RuntimeStats stats = runtime.stats();
            assertTrue(stats.entriesAllocated() <= 131_072, stats.toTable());
            assertEquals(0, stats.entriesInUse(), stats.toTable());
            System.out.println("100k virtual threads: " + stats.toTable());
        }
    }

    @Test
    void asyncAndBlockingMixed() throws Exception
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 2)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).ringCapacity(32).build())
        {
            final int pid = (int)ProcessHandle.current().pid();
            final List<CompletableFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 20_000; i++)
            {
                futures.add(runtime.async().getpid());
                if ((i & 15) == 0)
                {
                    assertEquals(pid, runtime.syscalls().getpid());
                }
            }
            for (final CompletableFuture<Integer> future : futures)
            {
                assertEquals(pid, future.get(30, TimeUnit.SECONDS));
            }
            assertEquals(0, runtime.stats().entriesInUse());
        }
    }

    @Test
    void rejectPolicyFailsFastAndLosesNothing() throws Exception
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).maxEntries(64).entriesPerPage(64).ringCapacity(4)
            .backpressure(BackpressurePolicy.REJECT).build())
        {
            final List<CompletableFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 5_000; i++)
            {
                futures.add(runtime.async().getpid());
            }
            int ok = 0;
            int rejected = 0;
            for (final CompletableFuture<Integer> future : futures)
            {
                try
                {
                    future.get(30, TimeUnit.SECONDS);
                    ok++;
                }
                catch (final java.util.concurrent.ExecutionException ex)
                {
                    assertEquals(io.offload.api.Errno.EAGAIN,
                        ((io.offload.api.SyscallException)ex.getCause()).errno());
                    rejected++;
                }
            }
            assertEquals(5_000, ok + rejected);
            assertEquals(rejected, runtime.stats().rejected());
            System.out.printf("REJECT: %d ok, %d rejected%n", ok, rejected);
        }
    }
}
