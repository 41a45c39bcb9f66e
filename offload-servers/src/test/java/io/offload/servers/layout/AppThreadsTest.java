package io.offload.servers.layout;

import io.offload.api.ServerStats;
import io.offload.api.SyscallClass;
import io.offload.servers.OffloadRuntime;
import io.offload.servers.libc.CpuAffinity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Application threads confined to application CPU 0, a server on CPU 1: the 2-core development machine's layout.
 * Costs are printed, not asserted.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AppThreadsTest
{
    private static final int APP_CPU = 0;
    private static final int SERVER_CPU = 1;

    @BeforeEach
    void needTwoCpus()
    {
        final BitSet allowed = CpuAffinity.allowedCpus();
        assumeTrue(allowed.get(APP_CPU) && allowed.get(SERVER_CPU), "needs cpus 0 and 1, allowed: " + allowed);
    }

    @AfterAll
    static void unconfineCarriers() throws Exception
    {
        // The virtual-thread test leaves the JVM's carriers on cpu 0; later tests in this JVM should not inherit
        // that. Hold every carrier at once (spinning keeps a virtual thread mounted) and let each widen its mask.
        final int carriers = Runtime.getRuntime().availableProcessors() * 4;
        final AtomicInteger arrived = new AtomicInteger();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor())
        {
            for (int i = 0; i < carriers; i++)
            {
                executor.submit(() ->
                {
                    CpuAffinity.unpinCurrentThread();
                    arrived.incrementAndGet();
                    final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                    while (arrived.get() < carriers && System.nanoTime() < deadline)
                    {
                        Thread.onSpinWait();
                    }
                });
            }
        }
    }

    @Test
    void shouldConfinePlatformThreadsFromTheFactory() throws Exception
    {
        final AppThreads app = AppThreads.onCpus(APP_CPU);
        final List<Thread> threads = new ArrayList<>();
        final List<CompletableFuture<String>> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            final CompletableFuture<String> where = new CompletableFuture<>();
            final Thread thread = app.threadFactory("app-").newThread(() -> where.complete(whereAmI()));
            threads.add(thread);
            seen.add(where);
            thread.start();
        }

        for (int i = 0; i < threads.size(); i++)
        {
            threads.get(i).join();
            assertEquals("cpu 0, allowed {0}", seen.get(i).get(), threads.get(i).getName());
        }
        assertTrue(threads.get(0).getName().startsWith("app-"), threads.get(0).getName());
        assertEquals(0, app.pinFailures());
    }

    @Test
    void shouldConfineTheCarriersOfVirtualThreads() throws Exception
    {
        final AppThreads app = AppThreads.onCpus(APP_CPU);
        final List<Future<String>> seen = new ArrayList<>();
        try (ExecutorService executor = app.newVirtualThreadPerTaskExecutor("app-virtual-"))
        {
            for (int i = 0; i < 64; i++)
            {
                seen.add(executor.submit(AppThreadsTest::whereAmI));
            }
            for (final Future<String> where : seen)
            {
                assertEquals("cpu 0, allowed {0}", where.get());
            }
        }
        assertEquals(0, app.pinFailures());

        printPinningCost(app);
    }

    @Test
    void shouldRunCallerAndServerOnTheirOwnCpus() throws Exception
    {
        final CoreLayout layout = CoreLayout.parse("app=" + APP_CPU + " file=" + SERVER_CPU + " irq=" + SERVER_CPU);
        // Built before any caller is confined: a runtime's threads inherit the CPUs of the thread that builds it.
        try (OffloadRuntime runtime = OffloadRuntime.builder()
            .layout(layout)
            .route(SyscallClass.PROCESS, SyscallClass.FILE)
            .build())
        {
            final AppThreads app = runtime.appThreads();
            assertEquals("AppThreads{cpus=0}", app.toString());
            final AtomicReference<String> caller = new AtomicReference<>();
            final AtomicReference<Integer> server = new AtomicReference<>();
            final Thread thread = app.threadFactory("app-caller-").newThread(() ->
            {
                caller.set(whereAmI());
                server.set((int)runtime.raw().schedGetcpu()); // raw: schedGetcpu() declares SyscallException
            });
            thread.start();
            thread.join();

            assertEquals("cpu 0, allowed {0}", caller.get(), "the caller");
            assertEquals(SERVER_CPU, server.get(), "sched_getcpu run by the FILE server");
            final ServerStats stats = runtime.stats().servers().get(0);
            assertEquals(SERVER_CPU, stats.requestedCpu());
            assertTrue(stats.pinned(), stats.toString());
            assertEquals(SERVER_CPU, stats.currentCpu(), stats.toString());
        }
    }

    @Test
    void shouldKeepApplicationThreadsOffPinnedServersWithoutALayout()
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().servers(SyscallClass.FILE, SERVER_CPU).build())
        {
            final int[] app = runtime.appThreads().cpus();
            assertTrue(app.length > 0);
            for (final int cpu : app)
            {
                assertTrue(cpu != SERVER_CPU, "app cpus " + java.util.Arrays.toString(app) + " include the server's");
            }
        }
    }

    @Test
    void shouldRefuseALayoutThisMachineCannotRun()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> OffloadRuntime.builder().layout(CoreLayout.parse("app=0 file=4095")).build());
        assertTrue(e.getMessage().startsWith("layout 'app=0 file=4095' does not fit"), e.getMessage());
        assertTrue(e.getMessage().contains("cpu 4095 (file server) is not a cpu of this machine"), e.getMessage());

        final IllegalArgumentException none =
            assertThrows(IllegalArgumentException.class, () -> OffloadRuntime.builder().layout(null));
        assertEquals("layout must not be null", none.getMessage());
    }

    @Test
    void shouldRefuseLayoutsAndCpusItCannotConfineTo()
    {
        final IllegalArgumentException noApp = assertThrows(
            IllegalArgumentException.class, () -> AppThreads.of(CoreLayout.parse("file=1 irq=1")));
        assertEquals("layout 'file=1 irq=1' names no application cpus, so there is nothing to confine threads to: " +
            "add app=<cpus>, e.g. 'app=0 file=1'", noApp.getMessage());

        final IllegalArgumentException none = assertThrows(IllegalArgumentException.class, AppThreads::onCpus);
        assertTrue(none.getMessage().startsWith("no cpus"), none.getMessage());

        final IllegalArgumentException tooHigh =
            assertThrows(IllegalArgumentException.class, () -> AppThreads.onCpus(0, 4096));
        assertEquals("cpu 4096 is above what a thread's affinity mask holds here: expected cpus below 1024",
            tooHigh.getMessage());

        final IllegalArgumentException blank =
            assertThrows(IllegalArgumentException.class, () -> AppThreads.onCpus(0).threadFactory(" "));
        assertTrue(blank.getMessage().startsWith("thread name prefix is blank"), blank.getMessage());

        assertEquals("AppThreads{cpus=0-2,5}", AppThreads.onCpus(5, 2, 0, 1, 1).toString());
    }

    private static String whereAmI()
    {
        return "cpu " + CpuAffinity.currentCpu() + ", allowed " + CpuAffinity.allowedCpus();
    }

    private static void printPinningCost(final AppThreads app) throws Exception
    {
        final int tasks = 20_000;
        final BitSet appCpus = new BitSet();
        appCpus.set(APP_CPU);
        for (int round = 0; round < 2; round++)
        {
            final long syscall = System.nanoTime();
            for (int i = 0; i < tasks; i++)
            {
                CpuAffinity.setCurrentThreadCpus(appCpus);
            }
            final long plainStart = System.nanoTime();
            runTasks(Executors.newVirtualThreadPerTaskExecutor(), tasks);
            final long pinnedStart = System.nanoTime();
            runTasks(app.newVirtualThreadPerTaskExecutor("cost-"), tasks);
            final long end = System.nanoTime();
            CpuAffinity.unpinCurrentThread();

            System.out.printf(
                "[AppThreadsTest] round %d: sched_setaffinity %.0f ns per call; empty virtual task %.0f ns plain, " +
                "%.0f ns with its carrier confined (informative, 2-core machine, not asserted)%n",
                round, (plainStart - syscall) / (double)tasks, (pinnedStart - plainStart) / (double)tasks,
                (end - pinnedStart) / (double)tasks);
        }
    }

    private static void runTasks(final ExecutorService executor, final int tasks) throws Exception
    {
        final AtomicInteger done = new AtomicInteger();
        try (executor)
        {
            for (int i = 0; i < tasks; i++)
            {
                executor.execute(done::incrementAndGet);
            }
        }
        assertEquals(tasks, done.get());
    }
}
