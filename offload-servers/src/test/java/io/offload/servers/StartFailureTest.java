package io.offload.servers;

import io.offload.api.SyscallClass;
import io.offload.servers.jmx.OffloadMBeans;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A start that fails part-way (Aeron's CloseHelper pattern): whatever the runtime had started by then (server and
 * completion threads, the tuner's thread, the owned async executor, its memory, its MBeans) is closed again, and
 * the failure reaches the caller of build().
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StartFailureTest
{
    private static final MBeanServer MBS = ManagementFactory.getPlatformMBeanServer();

    private static Set<String> offloadThreads()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(name -> name.startsWith("offload-"))
            .collect(Collectors.toSet());
    }

    @ParameterizedTest(name = "fails at {0}")
    @ValueSource(strings = {"threads", "pinning", "jmx", "started"})
    void aStartThatFailsLateLeavesNothingBehind(final String failAt)
    {
        final Set<String> threadsBefore = offloadThreads();
        final Set<ObjectName> mbeansBefore = MBS.queryNames(OffloadMBeans.everyPattern(), null);
        final AtomicReference<OffloadRuntime> partial = new AtomicReference<>();
        final IllegalStateException failed = assertThrows(IllegalStateException.class, () -> OffloadRuntime.builder()
            .unpinnedServers(SyscallClass.FILE, 2)
            .unpinnedServers(SyscallClass.NETWORK, 1)
            .adaptive(true)
            .asyncOnVirtualThreads()
            .jmx(true)
            .startObserver((step, runtime) ->
            {
                partial.set(runtime);
                if (step.equals(failAt))
                {
                    throw new IllegalStateException("injected failure at " + step);
                }
            })
            .build());
        assertEquals("injected failure at " + failAt, failed.getMessage());
        final OffloadRuntime runtime = partial.get();
        assertNotNull(runtime, "the observer saw the runtime being started");
        assertEquals(threadsBefore, offloadThreads(), "threads left behind by a failed start");
        assertEquals(mbeansBefore, MBS.queryNames(OffloadMBeans.everyPattern(), null), "MBeans left behind");
        assertTrue(runtime.memoryReleased(), "the runtime's arena and bounce pool are freed");
        assertTrue(runtime.isClosed());
        runtime.close(); // a no-op now
    }
}
