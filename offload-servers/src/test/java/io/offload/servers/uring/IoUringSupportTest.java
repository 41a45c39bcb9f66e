package io.offload.servers.uring;

import io.offload.api.Errno;
import org.junit.jupiter.api.Test;

import static io.offload.servers.uring.IoUringConstants.IORING_OP_READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The availability check: what it finds on this machine, the "unavailable" simulation behind
 * {@value IoUringSupport#SIMULATE_UNAVAILABLE_PROPERTY}, and the reasons it gives for each refusal.
 */
class IoUringSupportTest
{
    @Test
    void reportsWhatThisKernelHas()
    {
        final IoUringSupport.Availability availability = IoUringSupport.check(false);
        System.out.println(availability);
        assertNotNull(availability.reason());
        assertSame(availability, IoUringSupport.check(false), "found once per JVM");
        assumeTrue(availability.available(), availability.toString());
        assertEquals(0, availability.errno());
        assertEquals(IoUringSupport.REQUIRED_FEATURES, availability.features() & IoUringSupport.REQUIRED_FEATURES);
        assertTrue(availability.probe().isSupported(IORING_OP_READ));
        assertTrue(availability.reason().contains("NODROP") && availability.reason().contains("EXT_ARG"),
            availability.reason());
    }

    @Test
    void simulatedUnavailableAsksNothingAndSaysWhy()
    {
        final IoUringSupport.Availability simulated = IoUringSupport.check(true);
        assertFalse(simulated.available());
        assertTrue(simulated.reason().contains(IoUringSupport.SIMULATE_UNAVAILABLE_PROPERTY), simulated.reason());
        assertEquals(0, simulated.features());
        assertNull(simulated.probe());
        assertTrue(simulated.toString().startsWith("io_uring unavailable: "));
    }

    @Test
    void thePropertyTurnsTheSimulationOn()
    {
        final String key = IoUringSupport.SIMULATE_UNAVAILABLE_PROPERTY;
        final String before = System.getProperty(key);
        try
        {
            System.setProperty(key, "true");
            assertFalse(IoUringSupport.check().available());
            System.setProperty(key, "FALSE");
            assertSame(IoUringSupport.check(false), IoUringSupport.check());
            System.setProperty(key, "yes");
            final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, IoUringSupport::check);
            assertTrue(bad.getMessage().contains("true or false"), bad.getMessage());
        }
        finally
        {
            if (before == null)
            {
                System.clearProperty(key);
            }
            else
            {
                System.setProperty(key, before);
            }
        }
        assertFalse(IoUringSupport.simulateUnavailable(null));
        assertFalse(IoUringSupport.simulateUnavailable(" false "));
        assertTrue(IoUringSupport.simulateUnavailable("True"));
    }

    @Test
    void refusalsAreExplained()
    {
        final String enosys = IoUringSupport.explain(new IoUringException("io_uring_setup", Errno.ENOSYS, null));
        assertTrue(enosys.contains("no io_uring"), enosys);
        final String eperm = IoUringSupport.explain(new IoUringException("io_uring_setup", Errno.EPERM, null));
        assertTrue(eperm.contains("io_uring_disabled") || eperm.contains("seccomp"), eperm);
        final String einval = IoUringSupport.explain(new IoUringException("io_uring_setup", Errno.EINVAL, null));
        assertTrue(einval.contains("too old"), einval);
        final String other = IoUringSupport.explain(new IoUringException("io_uring_setup", Errno.EMFILE, "x"));
        assertTrue(other.contains("EMFILE"), other);
        final String arch = UringArch.unsupportedMessage("s390x");
        assertTrue(arch.contains("s390x") && arch.contains("syscall executor"), arch);
    }
}
