package io.offload.servers.routing;

import io.offload.api.Syscall;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeastLoadedRouterTest
{
    private final LeastLoadedRouter router = new LeastLoadedRouter();

    @Test
    void shouldPickTheShortestQueue()
    {
        final FakeServerGroup group = FakeServerGroup.onCpus(1, 2, 3).depths(3, 1, 2);

        for (int call = 0; call < 4; call++)
        {
            assertEquals(1, router.route(Syscall.PREAD, group), "call " + call);
        }

        group.depths(0, 4, 4);
        assertEquals(0, router.route(Syscall.PREAD, group));
        group.depths(9, 9, 8);
        assertEquals(2, router.route(Syscall.PREAD, group));
    }

    @Test
    void shouldTakeTurnsAmongEqualQueues()
    {
        final FakeServerGroup empty = FakeServerGroup.onCpus(1, 2, 3);
        final int first = router.route(Syscall.PREAD, empty);
        for (int call = 1; call < 7; call++)
        {
            assertEquals((first + call) % 3, router.route(Syscall.PREAD, empty), "all empty, call " + call);
        }

        final FakeServerGroup twoShortest = FakeServerGroup.onCpus(1, 2, 3).depths(5, 2, 2);
        final int firstShort = router.route(Syscall.PREAD, twoShortest);
        assertTrue(firstShort == 1 || firstShort == 2, "one of the two shortest, got " + firstShort);
        for (int call = 1; call < 6; call++)
        {
            final int expected = call % 2 == 0 ? firstShort : 3 - firstShort;
            assertEquals(expected, router.route(Syscall.PREAD, twoShortest), "two tied, call " + call);
        }
    }

    @Test
    void shouldRouteAGroupOfOneToItsServer()
    {
        final FakeServerGroup one = FakeServerGroup.onCpus(-1).depths(100);

        assertEquals(0, router.route(Syscall.PREAD, one));
        assertEquals(0, router.route(Syscall.PREAD, one));
    }

    @Test
    void shouldNotAllocatePerCall()
    {
        final FakeServerGroup group = FakeServerGroup.onCpus(1, 2, 3, 4).depths(2, 1, 1, 3);
        for (int i = 0; i < 20_000; i++)
        {
            router.route(Syscall.PREAD, group);
        }

        final long before = ThreadAllocation.bytesSoFar();
        int sum = 0;
        for (int i = 0; i < 200_000; i++)
        {
            sum += router.route(Syscall.PREAD, group);
        }
        final long allocated = ThreadAllocation.bytesSoFar() - before;

        assertEquals(300_000, sum, "servers 1 and 2 alternate");
        assertTrue(allocated < 4_096, "200,000 routed calls allocated " + allocated + " bytes");
    }
}
