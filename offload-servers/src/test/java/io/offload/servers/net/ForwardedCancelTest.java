package io.offload.servers.net;

import io.offload.api.Connection;
import io.offload.api.Listener;
import io.offload.api.SyscallClass;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import static io.offload.servers.net.NetTestSupport.anyPort;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 15, item 1: a cancel is lost when the call was forwarded to the server that owns its fd. Two FILE servers
 * (which also serve sockets), idle sockets, and async reads cancelled as soon as they are made, from several
 * threads at once: each read goes to either server by round robin, waits with the fd's owner, and its cancel
 * reaches the server it was published to. Every cancel must return; before the fix one stopped returning within
 * seconds, its entry left WAITING in the owner's wait queue with its cancel flag set.
 */
class ForwardedCancelTest
{
    private static final int THREADS = Integer.getInteger("offload.test.cancelThreads", 4);
    private static final int ROUNDS = Integer.getInteger("offload.test.cancelRounds", 20_000);

    @Test
    void everyCancelOfAForwardedReadReturns() throws Exception
    {
        final List<AutoCloseable> resources = new ArrayList<>();
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 2).build();
            Listener listener = runtime.sockets().listen(anyPort(), THREADS * 2);
            Arena arena = Arena.ofShared())
        {
            final AtomicLong rounds = new AtomicLong();
            final List<CompletableFuture<Void>> loops = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final Connection idle = runtime.sockets().connect(listener.localAddress());
                resources.add(idle);
                resources.add(listener.accept());
                final MemorySegment buf = arena.allocate(64);
                final int fd = idle.fd();
                final CompletableFuture<Void> loop = new CompletableFuture<>();
                final Thread thread = new Thread(() ->
                {
                    for (int i = 0; i < ROUNDS; i++)
                    {
                        runtime.async().read(fd, buf).cancel(true); // returns once settled: hangs if lost
                        rounds.incrementAndGet();
                    }
                    loop.complete(null);
                });
                thread.setDaemon(true);
                thread.start();
                loops.add(loop);
            }
            try
            {
                // liveness only: a few seconds when every cancel arrives
                CompletableFuture.allOf(loops.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
            }
            catch (final TimeoutException ex)
            {
                fail("a cancel never returned: " + rounds.get() + " of " + THREADS * ROUNDS + " rounds done\n" +
                    runtime.stats().toTable());
            }
            NetTestSupport.awaitWaiting(runtime, n -> n == 0, "no read left waiting");
        }
        finally
        {
            for (final AutoCloseable resource : resources)
            {
                resource.close();
            }
        }
    }
}
