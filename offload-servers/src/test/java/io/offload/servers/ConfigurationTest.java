package io.offload.servers;

import io.offload.api.SyscallClass;
import io.offload.api.WaitStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings, Aeron-style: system properties are read when the runtime is built (not when the context is made),
 * a setter wins over its property, a malformed value fails the build naming the property, the value and what is
 * accepted, and the concluded context no longer changes.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConfigurationTest
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

    @Test
    void propertiesAreReadWhenTheRuntimeIsBuilt()
    {
        final OffloadContext context = small();
        property(Configuration.WAIT_STRATEGY_PROP, "park");
        property(Configuration.RING_CAPACITY_PROP, "2_048");
        property(Configuration.IDLE_SPINS_PROP, "10");
        try (OffloadRuntime runtime = context.build())
        {
            assertEquals(WaitStrategy.PARK, runtime.config().waitStrategy());
            assertEquals(2048, runtime.config().ringCapacity());
            assertEquals(10, runtime.config().idleSpins());
            assertEquals(Configuration.IDLE_YIELDS_DEFAULT, runtime.config().idleYields());
        }
    }

    @Test
    void aSetterWinsOverItsProperty()
    {
        property(Configuration.WAIT_STRATEGY_PROP, "PARK");
        try (OffloadRuntime runtime = small().waitStrategy(WaitStrategy.SPIN).build())
        {
            assertEquals(WaitStrategy.SPIN, runtime.config().waitStrategy());
        }
    }

    @Test
    void aMalformedPropertyFailsTheBuildSayingWhatIsAccepted()
    {
        property(Configuration.RING_CAPACITY_PROP, "lots");
        final IllegalArgumentException ring = assertThrows(IllegalArgumentException.class, () -> small().build());
        assertTrue(ring.getMessage().contains(Configuration.RING_CAPACITY_PROP) && ring.getMessage().contains("lots") &&
            ring.getMessage().contains("whole number"), ring.getMessage());
        System.clearProperty(Configuration.RING_CAPACITY_PROP);

        property(Configuration.ADAPTIVE_PROP, "yes");
        final IllegalArgumentException adaptive = assertThrows(IllegalArgumentException.class, () -> small().build());
        assertEquals("-Doffload.adaptive=yes is not valid: use true or false", adaptive.getMessage());
        System.clearProperty(Configuration.ADAPTIVE_PROP);

        property(Configuration.BACKPRESSURE_PROP, "drop");
        final IllegalArgumentException policy = assertThrows(IllegalArgumentException.class, () -> small().build());
        assertEquals("-Doffload.backpressure=drop is not valid: use one of [WAIT, REJECT]", policy.getMessage());
        System.clearProperty(Configuration.BACKPRESSURE_PROP);

        property(Configuration.PHASES_PROP, "some");
        final IllegalArgumentException phases = assertThrows(IllegalArgumentException.class, () -> small().build());
        assertTrue(phases.getMessage().contains("1/N"), phases.getMessage());
        System.clearProperty(Configuration.PHASES_PROP);

        property(Configuration.LAYOUT_PROP, "file=banana");
        final IllegalArgumentException layout = assertThrows(IllegalArgumentException.class,
            () -> OffloadRuntime.builder().jmx(false).build());
        assertTrue(layout.getMessage().contains(Configuration.LAYOUT_PROP), layout.getMessage());
    }

    @Test
    void outOfRangeSettingsFailTheBuild()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> small().idleSpins(-1).build())
            .getMessage().contains("idleSpins"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> small().idleYields(-1).build())
            .getMessage().contains("idleYields"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> small().shutdownTimeout(Duration.ofSeconds(-1)).build()).getMessage().contains("shutdownTimeout"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> small().spinLimit(-1).build())
            .getMessage().contains("spinLimit"));
    }

    @Test
    void theConcludedContextIsFrozen()
    {
        final OffloadContext context = small();
        assertFalse(context.isConcluded());
        try (OffloadRuntime runtime = context.build())
        {
            assertTrue(runtime.config().isConcluded());
            final IllegalStateException setter = assertThrows(IllegalStateException.class,
                () -> runtime.config().ringCapacity(64));
            assertTrue(setter.getMessage().contains("concluded"), setter.getMessage());
            assertThrows(IllegalStateException.class, () -> runtime.config().servers(SyscallClass.NETWORK, -1));
            assertThrows(IllegalStateException.class, context::build, "a context builds one runtime");
        }
    }

    @Test
    void aCustomIdleStrategyAndErrorHandlerAreOurOwnTypes() throws Exception
    {
        final java.util.concurrent.atomic.AtomicInteger idles = new java.util.concurrent.atomic.AtomicInteger();
        try (OffloadRuntime runtime = small()
            .idleStrategy(() -> workCount ->
            {
                if (workCount == 0)
                {
                    idles.incrementAndGet();
                    Thread.onSpinWait();
                }
            })
            .errorHandler(error -> { })
            .build())
        {
            assertEquals(ProcessHandle.current().pid(), runtime.syscalls().getpid());
            // liveness only: on a loaded machine the server may not have idled yet when the call returns
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (idles.get() == 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
        }
        assertTrue(idles.get() > 0, "the server idled through the given strategy");
    }
}
