package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.rings.EntryPool;
import io.offload.rings.SyscallEntry;
import io.offload.servers.executor.ExecutorContext;
import io.offload.servers.executor.ServerExecutor;
import io.offload.servers.executor.SyscallExecutor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * AUTO | IO_URING | SYSCALLS against a kernel that has io_uring, one that does not (simulated, as a container's
 * seccomp profile would make it), and the property that simulates it; {@link ExecutorChoice#select}, the factory
 * the wiring gives each server, and its fallback when one server's ring is refused.
 */
class ExecutorChoiceTest
{
    private static final IoUringSupport.Availability UNAVAILABLE = IoUringSupport.check(true);
    private static final IoUringSupport.Availability AVAILABLE =
        new IoUringSupport.Availability(true, "features NODROP EXT_ARG (test)", 0, 0, 0, null);

    @Test
    void autoTakesIoUringWhereItWorksAndSaysWhy()
    {
        final ExecutorChoice.Decision d = ExecutorChoice.choose(ExecutorChoice.Kind.AUTO, AVAILABLE);
        assertEquals(ExecutorChoice.Kind.IO_URING, d.chosen());
        assertTrue(d.ioUring());
        assertEquals("io_uring", d.executorName());
        assertTrue(d.toString().startsWith("executor io_uring (AUTO): io_uring available"), d.toString());
    }

    @Test
    void autoFallsBackToSyscallsWhereIoUringIsRefusedAndSaysWhy()
    {
        final ExecutorChoice.Decision d = ExecutorChoice.choose(ExecutorChoice.Kind.AUTO, UNAVAILABLE);
        assertEquals(ExecutorChoice.Kind.SYSCALLS, d.chosen());
        assertFalse(d.ioUring());
        assertEquals("syscalls", d.executorName());
        assertTrue(d.reason().contains(IoUringSupport.SIMULATE_UNAVAILABLE_PROPERTY), d.reason());
    }

    @Test
    void ioUringAskedForWhereItIsRefusedFailsWithTheReason()
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> ExecutorChoice.choose(ExecutorChoice.Kind.IO_URING, UNAVAILABLE));
        assertTrue(ex.getMessage().contains("unavailable") && ex.getMessage().contains("AUTO"), ex.getMessage());
        assertEquals(ExecutorChoice.Kind.IO_URING,
            ExecutorChoice.choose(ExecutorChoice.Kind.IO_URING, AVAILABLE).chosen());
    }

    @Test
    void syscallsNeverAsksTheKernel()
    {
        final ExecutorChoice.Decision d = ExecutorChoice.choose(ExecutorChoice.Kind.SYSCALLS, null);
        assertEquals(ExecutorChoice.Kind.SYSCALLS, d.chosen());
        assertEquals(ExecutorChoice.Kind.SYSCALLS, ExecutorChoice.choose(ExecutorChoice.Kind.SYSCALLS).chosen());
    }

    @Test
    void theSimulateUnavailablePropertyMakesAutoChooseSyscalls()
    {
        final String before = System.getProperty(IoUringSupport.SIMULATE_UNAVAILABLE_PROPERTY);
        System.setProperty(IoUringSupport.SIMULATE_UNAVAILABLE_PROPERTY, "true");
        try
        {
            final ExecutorChoice.Decision d = ExecutorChoice.choose(ExecutorChoice.Kind.AUTO);
            assertEquals(ExecutorChoice.Kind.SYSCALLS, d.chosen());
            assertTrue(d.toString().contains("disabled on purpose"), d.toString());
        }
        finally
        {
            if (before == null)
            {
                System.clearProperty(IoUringSupport.SIMULATE_UNAVAILABLE_PROPERTY);
            }
            else
            {
                System.setProperty(IoUringSupport.SIMULATE_UNAVAILABLE_PROPERTY, before);
            }
        }
        final IoUringSupport.Availability real = IoUringSupport.check(false);
        assertEquals(real.available(), ExecutorChoice.choose(ExecutorChoice.Kind.AUTO).ioUring(), real.toString());
    }

    @Test
    void theSettingParsesStrictly()
    {
        assertEquals(ExecutorChoice.Kind.AUTO, ExecutorChoice.Kind.parse(" Auto "));
        assertEquals(ExecutorChoice.Kind.IO_URING, ExecutorChoice.Kind.parse("io_uring"));
        assertEquals(ExecutorChoice.Kind.SYSCALLS, ExecutorChoice.Kind.parse("SYSCALLS"));
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> ExecutorChoice.Kind.parse("uring"));
        assertTrue(ex.getMessage().contains("auto, io_uring, syscalls"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExecutorChoice.Kind.parse(null));
        assertThrows(IllegalArgumentException.class, () -> ExecutorChoice.choose(null, AVAILABLE));
        assertThrows(IllegalArgumentException.class, () -> ExecutorChoice.choose(ExecutorChoice.Kind.AUTO, null));
    }

    @Test
    void selectGivesTheFactoryOfTheChosenExecutorAndTheReason()
    {
        final ExecutorChoice.Selection syscalls = ExecutorChoice.select(ExecutorChoice.Kind.SYSCALLS, 256, false);
        assertEquals(SyscallExecutor.NAME, syscalls.executorName());
        assertTrue(syscalls.reason().startsWith("executor syscalls (SYSCALLS)"), syscalls.reason());
        final ExecutorChoice.Selection refused =
            ExecutorChoice.select(ExecutorChoice.Kind.AUTO, 256, true, UNAVAILABLE);
        assertEquals(SyscallExecutor.NAME, refused.executorName());
        assertTrue(refused.reason().contains("disabled on purpose"), refused.reason());
        try (EntryPool pool = new EntryPool(64, 64))
        {
            final ExecutorContext context = context(pool);
            assertMakes(SyscallExecutor.NAME, syscalls.factory(), context);
            assertMakes(SyscallExecutor.NAME, refused.factory(), context);
            if (IoUringSupport.check().available())
            {
                final ExecutorChoice.Selection auto = ExecutorChoice.select(ExecutorChoice.Kind.AUTO, 8, true);
                assertEquals(IoUringExecutor.NAME, auto.executorName());
                final ServerExecutor made = auto.factory().newExecutor(context);
                try
                {
                    assertEquals(IoUringExecutor.NAME, made.name());
                    assertEquals(8, ((IoUringExecutor)made).options().maxInFlight());
                    assertTrue(((IoUringExecutor)made).options().fsyncCoalescing());
                    assertEquals(SyscallExecutor.NAME, ((IoUringExecutor)made).fallback().name());
                }
                finally
                {
                    made.settleAll();
                    made.close();
                }
            }
        }
        assertThrows(IllegalStateException.class,
            () -> ExecutorChoice.select(ExecutorChoice.Kind.IO_URING, 256, false, UNAVAILABLE));
        final IllegalArgumentException bound = assertThrows(IllegalArgumentException.class,
            () -> ExecutorChoice.select(ExecutorChoice.Kind.SYSCALLS, 0, false));
        assertTrue(bound.getMessage().contains("maxInFlight 0"), bound.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExecutorChoice.select(null, 256, false));
    }

    @Test
    void autoRunsAServerWhoseRingTheKernelRefusesOnTheSyscallExecutor()
    {
        final ServerExecutor.Factory refusing = context ->
        {
            throw new IoUringException("io_uring_setup", Errno.ENOMEM, "simulated: locked memory limit");
        };
        try (EntryPool pool = new EntryPool(64, 64))
        {
            assertMakes(SyscallExecutor.NAME, ExecutorChoice.orSyscalls(refusing), context(pool));
        }
    }

    private static ExecutorContext context(final EntryPool pool)
    {
        return new ExecutorContext("choice", new SyscallEntry(pool), handle -> 0L, 64,
            (handle, result) -> fail("no call in this test"), System::nanoTime, ex -> fail(ex.toString()));
    }

    private static void assertMakes(final String name, final ServerExecutor.Factory factory,
        final ExecutorContext context)
    {
        final ServerExecutor made = factory.newExecutor(context);
        try
        {
            assertEquals(name, made.name());
        }
        finally
        {
            made.settleAll();
            made.close();
        }
    }
}
