package io.offload.servers;

import io.offload.api.Errno;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.api.WaitStrategy;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server whose thread has stopped (here: its agent runner closed behind the runtime's back, as if the thread had
 * died) must not hang a caller: every call sent to it completes, with ECANCELED, on every wait strategy and on a
 * virtual thread, and asynchronously; the runtime still closes cleanly.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DeadServerTest
{
    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void callsToAStoppedServerCompleteWithAnError(final WaitStrategy waitStrategy) throws Exception
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().servers(SyscallClass.FILE, -1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).waitStrategy(waitStrategy).build())
        {
            assertEquals(ProcessHandle.current().pid(), runtime.syscalls().getpid());
            stopServers(runtime);
            assertFalse(runtime.stats().servers().get(0).running(), "the server is seen stopped");

            final SyscallException platform = assertThrows(SyscallException.class, () -> runtime.syscalls().fstat(0));
            assertEquals(Errno.ECANCELED, platform.errno());
            assertEquals(-Errno.ECANCELED, runtime.raw().getpid());

            final CompletableFuture<Long> fromVirtual = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> fromVirtual.complete(runtime.raw().getpid()));
            assertEquals(-Errno.ECANCELED, fromVirtual.get(30, TimeUnit.SECONDS));

            final ExecutionException async = assertThrows(ExecutionException.class,
                () -> runtime.async().getpid().get(30, TimeUnit.SECONDS));
            assertInstanceOf(SyscallException.class, async.getCause());
            assertEquals(Errno.ECANCELED, ((SyscallException)async.getCause()).errno());

            assertEquals(0, runtime.stats().entriesInUse(), "no entry left behind");
        }
    }

    @org.junit.jupiter.api.Test
    void callsGoToTheOtherServersOfTheClassAndTheDeathIsReported() throws Exception
    {
        final java.util.Queue<Throwable> reported = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 2)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).errorHandler(reported::add).build())
        {
            ServerKiller.stop(runtime, "offload-file-0");
            final long pid = ProcessHandle.current().pid();
            for (int i = 0; i < 1_000; i++)
            {
                assertEquals(pid, runtime.syscalls().getpid(), "call " + i + " with one of two servers dead");
                assertEquals(pid, (long)runtime.async().getpid().get(30, TimeUnit.SECONDS));
            }
            assertEquals(1, reported.size(), "the death is reported once: " + reported);
            final Throwable death = reported.peek();
            assertInstanceOf(IllegalStateException.class, death);
            assertTrue(death.getMessage().startsWith("offload-file-0 stopped while its runtime is open"),
                death.getMessage());
            assertEquals(1, runtime.stats().servers().get(0).errors());
        }
        assertEquals(1, reported.size(), "a close is not a death");
    }

    private static void stopServers(final OffloadRuntime runtime) throws Exception
    {
        ServerKiller.stop(runtime, "offload-file");
    }
}
