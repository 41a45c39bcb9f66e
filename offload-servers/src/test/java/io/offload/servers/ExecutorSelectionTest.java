package io.offload.servers;

import io.offload.api.LinuxConstants;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import io.offload.api.SyscallClass;
import io.offload.servers.uring.ExecutorChoice;
import io.offload.servers.uring.IoUringSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executor is chosen once per runtime from {@code offload.executor} and what the kernel allows, and said in
 * every server's stats: AUTO falls back to system calls where io_uring is refused (simulated here), IO_URING then
 * fails the build naming the property, and malformed executor settings fail it naming property, value and what is
 * accepted.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ExecutorSelectionTest
{
    private final SystemPropertiesRestored properties = new SystemPropertiesRestored();

    private void property(final String name, final String value)
    {
        properties.set(name, value);
    }

    @AfterEach
    void restore()
    {
        properties.restore();
    }

    private static OffloadContext small()
    {
        return OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1).jmx(false);
    }

    private static void assertEveryServer(final RuntimeStats stats, final String executor, final String reasonPart)
    {
        assertFalse(stats.servers().isEmpty());
        for (final ServerStats s : stats.servers())
        {
            assertEquals(executor, s.executor(), s.name() + ": " + s.executorReason());
            assertTrue(s.executorReason().contains(reasonPart), s.executorReason());
        }
        assertTrue(stats.toTable().contains(executor), stats.toTable());
        assertTrue(stats.toMarkdown().contains(reasonPart), stats.toMarkdown());
    }

    private static void fileCallsWork(final OffloadRuntime runtime) throws Exception
    {
        try (Arena arena = Arena.ofConfined())
        {
            final int fd = runtime.syscalls().open("/proc/self/stat", LinuxConstants.O_RDONLY, 0);
            try
            {
                final MemorySegment buf = arena.allocate(64);
                assertTrue(runtime.syscalls().read(fd, buf) > 0);
            }
            finally
            {
                runtime.syscalls().close(fd);
            }
        }
    }

    @Test
    void autoWhereIoUringIsRefusedRunsOnSystemCallsAndSaysWhy() throws Exception
    {
        try (OffloadRuntime runtime = small().executor(ExecutorChoice.Kind.AUTO).uringSimulateUnavailable(true)
            .build())
        {
            assertEveryServer(runtime.stats(), "syscalls", Configuration.URING_SIMULATE_UNAVAILABLE_PROP);
            assertTrue(runtime.stats().servers().get(0).executorReason().contains("AUTO"),
                runtime.stats().servers().get(0).executorReason());
            fileCallsWork(runtime);
        }
    }

    @Test
    void theSimulationIsReadFromItsPropertyWhenTheRuntimeIsBuilt() throws Exception
    {
        final OffloadContext context = small();
        property(Configuration.EXECUTOR_PROP, "auto");
        property(Configuration.URING_SIMULATE_UNAVAILABLE_PROP, "TRUE");
        try (OffloadRuntime runtime = context.build())
        {
            assertEquals(ExecutorChoice.Kind.AUTO, runtime.config().executor());
            assertTrue(runtime.config().uringSimulateUnavailable());
            assertEveryServer(runtime.stats(), "syscalls", "unavailable");
        }
    }

    @Test
    void ioUringWhereItIsRefusedFailsTheBuildNamingTheProperty()
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> small().executor(ExecutorChoice.Kind.IO_URING).uringSimulateUnavailable(true).build());
        assertTrue(ex.getMessage().contains(Configuration.EXECUTOR_PROP + "=IO_URING"), ex.getMessage());
        assertTrue(ex.getMessage().contains(Configuration.URING_SIMULATE_UNAVAILABLE_PROP), ex.getMessage());
        assertTrue(ex.getMessage().contains("AUTO"), ex.getMessage()); // what would run
    }

    @Test
    void syscallsAsConfigured() throws Exception
    {
        property(Configuration.EXECUTOR_PROP, "IO_URING"); // the setter wins
        try (OffloadRuntime runtime = small().executor(ExecutorChoice.Kind.SYSCALLS).build())
        {
            assertEveryServer(runtime.stats(), "syscalls", "as configured");
            fileCallsWork(runtime);
        }
    }

    @Test
    void autoWhereIoUringWorksRunsOnIt() throws Exception
    {
        Assumptions.assumeTrue(IoUringSupport.check(false).available(), "io_uring is refused here");
        try (OffloadRuntime runtime = small().executor(ExecutorChoice.Kind.AUTO).uringMaxInFlight(8)
            .uringFsyncCoalescing(true).build())
        {
            assertEveryServer(runtime.stats(), "io_uring", "io_uring available");
            assertEquals(8, runtime.config().uringMaxInFlight());
            assertTrue(runtime.config().uringFsyncCoalescing());
            fileCallsWork(runtime);
        }
    }

    @Test
    void defaults()
    {
        final OffloadContext context = OffloadRuntime.builder();
        if (System.getProperty(Configuration.EXECUTOR_PROP) == null)
        {
            assertEquals(ExecutorChoice.Kind.AUTO, context.executor());
        }
        assertEquals(256, Configuration.URING_MAX_IN_FLIGHT_DEFAULT);
        assertFalse(Configuration.URING_FSYNC_COALESCING_DEFAULT);
        assertFalse(Configuration.URING_SIMULATE_UNAVAILABLE_DEFAULT);
        assertTrue(Configuration.NOWAIT_READS_DEFAULT);
    }

    @Test
    void malformedExecutorSettingsFailTheBuildSayingWhatIsAccepted()
    {
        malformed(Configuration.EXECUTOR_PROP, "fastest", "AUTO, IO_URING, SYSCALLS");
        malformed(Configuration.URING_MAX_IN_FLIGHT_PROP, "many", "whole number");
        malformed(Configuration.URING_FSYNC_COALESCING_PROP, "maybe", "true or false");
        malformed(Configuration.URING_SIMULATE_UNAVAILABLE_PROP, "perhaps", "true or false");
        malformed(Configuration.NOWAIT_READS_PROP, "sometimes", "true or false");

        property(Configuration.URING_MAX_IN_FLIGHT_PROP, "0");
        final IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> small().build());
        assertTrue(range.getMessage().contains(Configuration.URING_MAX_IN_FLIGHT_PROP) &&
            range.getMessage().contains("got 0"), range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> small().executor(null));
    }

    private void malformed(final String property, final String value, final String accepted)
    {
        property(property, value);
        try
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> small().build());
            assertTrue(ex.getMessage().contains(property) && ex.getMessage().contains(value) &&
                ex.getMessage().contains(accepted), ex.getMessage());
        }
        finally
        {
            properties.restore(property);
        }
    }
}
