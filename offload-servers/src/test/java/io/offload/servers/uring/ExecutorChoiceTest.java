package io.offload.servers.uring;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AUTO | IO_URING | SYSCALLS against a kernel that has io_uring, one that does not (simulated, as a container's
 * seccomp profile would make it), and the property that simulates it.
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
}
