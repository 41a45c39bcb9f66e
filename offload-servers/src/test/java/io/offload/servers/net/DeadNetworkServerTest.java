package io.offload.servers.net;

import io.offload.api.Errno;
import io.offload.api.SyscallException;
import io.offload.servers.OffloadRuntime;
import io.offload.servers.ServerKiller;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.offload.servers.net.NetTestSupport.assertErrno;
import static io.offload.servers.net.NetTestSupport.awaitWaiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that dies with calls in hand (waiting on a socket, queued in its ring) completes every one of them:
 * no caller hangs, blocking or async, and no entry is left behind. Two ways to die: its runner closed behind the
 * runtime's back, and its thread interrupted (Agrona's runner then leaves the duty cycle).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DeadNetworkServerTest
{
    @ParameterizedTest
    @ValueSource(strings = {"closed", "interrupted"})
    void callsAServerHeldWhenItDiedAllComplete(final String death) throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            Arena arena = Arena.ofShared())
        {
            final NetTestSupport.Pair blocking = NetTestSupport.Pair.open(runtime.sockets());
            final NetTestSupport.Pair async = NetTestSupport.Pair.open(runtime.sockets());
            try
            {
                final CompletableFuture<Long> blockingRead = NetTestSupport.onVirtualThread(
                    () -> blocking.server().read(arena.allocate(16), Duration.ofSeconds(60)));
                final CompletableFuture<Long> asyncRead = runtime.async().read(async.server().fd(), arena.allocate(16));
                awaitWaiting(runtime, w -> w == 2, "both reads to wait on their sockets");

                // async calls racing with the death: each completes with its pid or ECANCELED
                final AtomicBoolean stop = new AtomicBoolean();
                final List<CompletableFuture<Integer>> racing = new ArrayList<>();
                final Thread submitter = Thread.ofPlatform().start(() ->
                {
                    while (!stop.get() && racing.size() < 200_000)
                    {
                        racing.add(runtime.async().getpid());
                    }
                });
                NetTestSupport.await(() -> racing.size() > 1_000 || !submitter.isAlive(), "calls to race with");
                kill(runtime, death);
                stop.set(true);
                submitter.join(TimeUnit.SECONDS.toMillis(30));

                assertErrno(Errno.ECANCELED, assertInstanceOf(SyscallException.class,
                    assertThrows(ExecutionException.class, () -> blockingRead.get(30, TimeUnit.SECONDS)).getCause()));
                assertErrno(Errno.ECANCELED, assertInstanceOf(SyscallException.class,
                    assertThrows(ExecutionException.class, () -> asyncRead.get(30, TimeUnit.SECONDS)).getCause()));
                int cancelled = 0;
                final int pid = (int)ProcessHandle.current().pid();
                for (final CompletableFuture<Integer> call : racing)
                {
                    try
                    {
                        assertEquals(pid, call.get(30, TimeUnit.SECONDS));
                    }
                    catch (final ExecutionException ex)
                    {
                        assertErrno(Errno.ECANCELED, assertInstanceOf(SyscallException.class, ex.getCause()));
                        cancelled++;
                    }
                }
                System.out.println("DeadNetworkServerTest(" + death + "): " + racing.size() + " racing calls, " +
                    cancelled + " cancelled by the death, the rest answered");
                assertErrno(Errno.ECANCELED, assertInstanceOf(SyscallException.class, assertThrows(
                    ExecutionException.class, () -> runtime.async().getpid().get(30, TimeUnit.SECONDS)).getCause()));
                NetTestSupport.await(() -> runtime.stats().entriesInUse() == 0, "every entry to be given back");
                assertEquals(0, NetTestSupport.waiting(runtime));

                // their server is gone, yet closing the sockets releases their fds (the close runs on the caller)
                for (final NetTestSupport.Pair pair : List.of(blocking, async))
                {
                    final int fd = pair.server().fd();
                    pair.close();
                    assertFalse(isOpen(fd), "fd " + fd + " released by Connection.close() after its server died");
                }
            }
            finally
            {
                blocking.peer().close();
                async.peer().close();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void socketsClosedAfterTheirRuntimeReleaseTheirFds() throws Exception
    {
        final NetTestSupport.Pair pair;
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime())
        {
            pair = NetTestSupport.Pair.open(runtime.sockets());
        }
        final int connection = pair.server().fd();
        final int listener = pair.listener().fd();
        assertTrue(isOpen(connection) && isOpen(listener));
        pair.close(); // try-with-resources in the other order: the runtime went first
        assertFalse(isOpen(connection), "the connection's fd is released");
        assertFalse(isOpen(listener), "the listener's fd is released");
    }

    private static boolean isOpen(final int fd)
    {
        return java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/fd/" + fd),
            java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    private static void kill(final OffloadRuntime runtime, final String death) throws Exception
    {
        if ("closed".equals(death))
        {
            ServerKiller.stop(runtime, "offload-network");
            return;
        }
        final Thread server = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("offload-network")).findFirst().orElseThrow();
        server.interrupt();
        server.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(!server.isAlive(), "an interrupted server thread leaves its duty cycle");
    }
}
