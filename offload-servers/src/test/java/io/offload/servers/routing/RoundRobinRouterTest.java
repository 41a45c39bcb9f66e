package io.offload.servers.routing;

import io.offload.api.Syscall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Round-robin per caller: a long-lived caller walks the servers in turn, and short-lived callers (one virtual
 * thread per request, one call each) still spread evenly, since each caller starts at a place of its own.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RoundRobinRouterTest
{
    private final RoundRobinRouter router = new RoundRobinRouter();

    @Test
    void oneCallerWalksTheServersInTurn()
    {
        final FakeServerGroup group = FakeServerGroup.onCpus(1, 2, 3);
        final int first = router.route(Syscall.PREAD, group);
        for (int i = 1; i < 30; i++)
        {
            assertEquals((first + i) % 3, router.route(Syscall.PREAD, group), "call " + i);
        }
    }

    @Test
    void shortLivedVirtualThreadsSpreadEvenly() throws Exception
    {
        final FakeServerGroup group = FakeServerGroup.onCpus(1, 2, 3, 4);
        final int threads = 10_000;
        final AtomicIntegerArray counts = new AtomicIntegerArray(group.size());
        final List<Thread> all = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++)
        {
            all.add(Thread.ofVirtual().start(() -> counts.incrementAndGet(router.route(Syscall.PREAD, group))));
        }
        for (final Thread thread : all)
        {
            thread.join();
        }
        for (int server = 0; server < group.size(); server++)
        {
            final int share = counts.get(server);
            assertTrue(share >= threads * 20 / 100 && share <= threads * 30 / 100,
                "server " + server + " got " + share + " of " + threads + " one-call threads, expected 25% +- 5%: " +
                counts);
        }
    }

    @Test
    void shouldNotAllocatePerCall()
    {
        final FakeServerGroup group = FakeServerGroup.onCpus(1, 2, 3, 4);
        for (int i = 0; i < 20_000; i++)
        {
            router.route(Syscall.PREAD, group);
        }
        final long before = ThreadAllocation.bytesSoFar();
        long sum = 0;
        for (int i = 0; i < 200_000; i++)
        {
            sum += router.route(Syscall.PREAD, group);
        }
        final long allocated = ThreadAllocation.bytesSoFar() - before;
        assertEquals(300_000, sum, "each of the four servers a quarter of the calls");
        assertTrue(allocated < 4_096, "200,000 routed calls allocated " + allocated + " bytes");
    }
}
