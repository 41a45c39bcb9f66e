package io.offload.servers;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.ServerStats;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.api.WaitStrategy;
import io.offload.servers.libc.CpuAffinity;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Start, pin, close: every call in flight at close completes once (with its result or ECANCELED, or is refused
 * with IllegalStateException before it was submitted), and no thread of the runtime is left behind.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LifecycleTest
{
    private static Set<String> offloadThreads()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(name -> name.startsWith("offload-"))
            .collect(Collectors.toSet());
    }

    @Test
    void closeLeavesNoThreadBehind() throws Exception
    {
        final Set<String> before = offloadThreads();
        final OffloadRuntime runtime = OffloadRuntime.builder()
            .unpinnedServers(SyscallClass.FILE, 2).unpinnedServers(SyscallClass.PROCESS, 1).build();
        final Set<String> during = offloadThreads();
        assertTrue(during.containsAll(Set.of("offload-file-0", "offload-file-1", "offload-process-0",
            "offload-completer")), during.toString());
        runtime.syscalls().getpid();
        runtime.close();
        assertEquals(before, offloadThreads(), "threads left behind after close()");
    }

    @Test
    void serverRunsOnItsCpu() throws Exception
    {
        final int cpus = CpuAffinity.allowedCpus().cardinality();
        Assumptions.assumeTrue(CpuAffinity.allowedCpus().get(1), "needs cpu 1, this machine has " + cpus);
        try (OffloadRuntime runtime = OffloadRuntime.builder().servers(SyscallClass.FILE, 1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).build())
        {
            assertEquals(1, runtime.syscalls().schedGetcpu(), "sched_getcpu offloaded runs on the server's cpu");
            final ServerStats server = runtime.stats().servers().get(0);
            assertTrue(server.pinned());
            assertEquals(1, server.requestedCpu());
            assertEquals(1, server.currentCpu());
        }
    }

    @Test
    void closeWithCallsInFlightCompletesEachOnce() throws Exception
    {
        for (final WaitStrategy strategy : WaitStrategy.values())
        {
            final OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
                .waitStrategy(strategy).ringCapacity(64).maxEntries(1024).shutdownTimeout(java.time.Duration.ofSeconds(2))
                .build();
            final AtomicLong ok = new AtomicLong();
            final AtomicLong cancelled = new AtomicLong();
            final AtomicLong refused = new AtomicLong();
            final List<Thread> callers = new ArrayList<>();
            final List<CompletableFuture<Long>> futures = new ArrayList<>();
            final CountDownLatch started = new CountDownLatch(8);
            final Arena arena = Arena.ofShared();
            final int fd = runtime.syscalls().open("/dev/zero", LinuxConstants.O_RDONLY, 0);
            for (int t = 0; t < 8; t++)
            {
                final MemorySegment buf = arena.allocate(4096);
                final Thread.Builder builder = (t & 1) == 0 ? Thread.ofPlatform() : Thread.ofVirtual();
                callers.add(builder.start(() ->
                {
                    started.countDown();
                    while (true)
                    {
                        try
                        {
                            runtime.syscalls().pread(fd, buf, 0);
                            ok.incrementAndGet();
                            if ((ok.get() & 7) == 0)
                            {
                                synchronized (futures)
                                {
                                    futures.add(runtime.async().pread(fd, buf, 0));
                                }
                            }
                        }
                        catch (final SyscallException ex)
                        {
                            assertEquals(Errno.ECANCELED, ex.errno());
                            assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
                            cancelled.incrementAndGet();
                        }
                        catch (final IllegalStateException ex)
                        {
                            refused.incrementAndGet();
                            return;
                        }
                    }
                }));
            }
            started.await();
            Thread.sleep(50);
            runtime.close();
            for (final Thread caller : callers)
            {
                caller.join(TimeUnit.SECONDS.toMillis(30));
                if (caller.isAlive())
                {
                    fail(strategy + ": a caller hung after close(): " + List.of(caller.getStackTrace()));
                }
            }
            synchronized (futures)
            {
                for (final CompletableFuture<Long> future : futures)
                {
                    try
                    {
                        assertEquals(4096L, future.get(30, TimeUnit.SECONDS));
                    }
                    catch (final ExecutionException ex)
                    {
                        assertTrue(ex.getCause() instanceof SyscallException ||
                            ex.getCause() instanceof IllegalStateException, ex.toString());
                    }
                }
            }
            arena.close();
            assertEquals(8, refused.get(), strategy + ": every caller ends by being refused after close");
            assertTrue(ok.get() > 0, strategy + ": some calls completed before close");
            System.out.printf("%s: %d calls completed, %d cancelled by close, %d futures%n",
                strategy, ok.get(), cancelled.get(), futures.size());
        }
    }

    @Test
    void asyncStagesNeverRunOnAServer() throws Exception
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1).build())
        {
            for (int i = 0; i < 1000; i++)
            {
                final String thread = runtime.async().getpid().thenApply(pid -> Thread.currentThread().getName())
                    .get(10, TimeUnit.SECONDS);
                assertTrue(!thread.startsWith("offload-file"), "dependent stage ran on " + thread);
            }
            final ExecutionException ex = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> runtime.async().open("/no/such/file", LinuxConstants.O_RDONLY, 0).get(10, TimeUnit.SECONDS));
            assertEquals(Errno.ENOENT, assertInstanceOf(SyscallException.class, ex.getCause()).errno());
            assertTrue(runtime.async().stat("/").get().isDirectory());
            final int fd = runtime.async().open("/dev/null", LinuxConstants.O_RDONLY, 0).get();
            assertTrue(runtime.async().fstat(fd).get().mode() != 0);
            runtime.async().close(fd).get();
        }
    }
}
