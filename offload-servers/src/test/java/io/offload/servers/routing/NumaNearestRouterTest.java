package io.offload.servers.routing;

import io.offload.api.ServerGroup;
import io.offload.api.ServerStats;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.servers.OffloadRuntime;
import io.offload.servers.topology.CpuList;
import io.offload.servers.topology.CpuTopology;
import io.offload.servers.topology.TopologyFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.offload.servers.topology.TopologyFixtures.OPTERON_4S16C;
import static io.offload.servers.topology.TopologyFixtures.TWO_SOCKET_64C_SMT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NUMA-nearest router against the fixture machines. Expected servers are worked out from each fixture's own
 * distance matrix and cache tree, so the tests say what the rule is rather than restate a table.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class NumaNearestRouterTest
{
    @TempDir
    Path tempDir;

    /**
     * The CPU the fake caller is on; a field rather than a captured local, so the supplier does not allocate.
     */
    private int callerCpu;

    private NumaNearestRouter routerFor(final CpuTopology topology)
    {
        return new NumaNearestRouter(topology, () -> callerCpu);
    }

    private int route(final NumaNearestRouter router, final ServerGroup group, final int cpu)
    {
        callerCpu = cpu;
        return router.route(Syscall.PREAD, group);
    }

    @Test
    void shouldRouteEveryOpteronCallerToTheServerOnItsOwnProcessor()
    {
        // g-8888: a file server on the last core of each processor, cpus 3, 7, 11 and 15.
        final CpuTopology topology = TopologyFixtures.load(OPTERON_4S16C);
        final int[] serverCpus = { 3, 7, 11, 15 };
        final FakeServerGroup group = FakeServerGroup.onCpus(serverCpus);
        final NumaNearestRouter router = routerFor(topology);

        for (final int caller : topology.onlineCpus())
        {
            final int expected = uniqueNearestByDistance(topology, caller, serverCpus);
            assertEquals(topology.packageOf(caller), topology.packageOf(serverCpus[expected]),
                "the fixture puts the nearest server of cpu " + caller + " on its own processor");
            for (int call = 0; call < 3; call++)
            {
                assertEquals(expected, route(router, group, caller), "caller on cpu " + caller + ", call " + call);
            }
        }
    }

    @Test
    void shouldRouteToTheServerOneHopAwayRatherThanTwo()
    {
        // Servers on processors 1 and 3 only (cpus 7 and 15); processor 0 has none.
        final CpuTopology topology = TopologyFixtures.load(OPTERON_4S16C);
        final int[] serverCpus = { 7, 15 };
        final FakeServerGroup group = FakeServerGroup.onCpus(serverCpus);
        final NumaNearestRouter router = routerFor(topology);

        final int toProcessor1 = topology.distanceBetweenNodes(topology.nodeOf(0), topology.nodeOf(7));
        final int toProcessor3 = topology.distanceBetweenNodes(topology.nodeOf(0), topology.nodeOf(15));
        assertTrue(toProcessor1 < toProcessor3,
            "fixture: processor 0 reaches processor 1 (" + toProcessor1 + ") in fewer hops than processor 3 (" +
            toProcessor3 + ")");

        for (final int caller : topology.cpusOfNode(topology.nodeOf(0)))
        {
            assertEquals(0, route(router, group, caller), "caller on cpu " + caller + " of processor 0");
        }
        for (final int caller : topology.onlineCpus())
        {
            assertEquals(uniqueNearestByDistance(topology, caller, serverCpus), route(router, group, caller),
                "caller on cpu " + caller);
        }
    }

    @Test
    void shouldAlternateBetweenServersAtTheSameDistance()
    {
        // g-c000: two file servers, both on processor 3.
        final CpuTopology topology = TopologyFixtures.load(OPTERON_4S16C);
        final FakeServerGroup group = FakeServerGroup.onCpus(14, 15);
        final NumaNearestRouter router = routerFor(topology);

        for (final int caller : new int[]{ 0, 5, 12 })
        {
            assertArrayEquals(new int[]{ 0, 1 }, router.nearest(group, caller), "caller on cpu " + caller);
            final int first = route(router, group, caller);
            for (int call = 1; call < 6; call++)
            {
                assertEquals((first + call) % 2, route(router, group, caller), "call " + call + " from " + caller);
            }
        }
    }

    @Test
    void shouldPreferTheSmtSiblingThenTheSameL3ThenTheSameNode()
    {
        final CpuTopology topology = TopologyFixtures.load(TWO_SOCKET_64C_SMT);
        // server 0 on cpu 40, the SMT sibling of cpu 8; server 1 on cpu 9, same L3 as 8, another core;
        // server 2 on cpu 24, the other package and node.
        final FakeServerGroup group = FakeServerGroup.onCpus(40, 9, 24);
        final NumaNearestRouter router = routerFor(topology);
        assertArrayEquals(new int[]{ 8, 40 }, topology.siblingsOf(8), "fixture");
        assertTrue(topology.sameL3(8, 9), "fixture");

        assertEquals(0, route(router, group, 8), "cpu 8 goes to its sibling");
        assertEquals(1, route(router, group, 41), "cpu 41 goes to its sibling, cpu 9");
        assertArrayEquals(new int[]{ 0, 1 }, router.nearest(group, 0), "cpu 0: both on its node and L3, neither " +
            "on its core");
        assertArrayEquals(new int[]{ 2 }, router.nearest(group, 16), "cpu 16: the one on its node");
        assertArrayEquals(new int[]{ 2 }, router.nearest(group, 63), "cpu 63: the one on its node");
    }

    @Test
    void shouldPreferTheSameL3WithinANode()
    {
        // A copy of the SMT machine whose packages each have two L3 caches of 8 cores (as AMD's CCDs).
        final Path root = TopologyFixtures.copy(TWO_SOCKET_64C_SMT, tempDir);
        for (int cpu = 0; cpu < 64; cpu++)
        {
            final int core = cpu % 32;
            final int first = core / 8 * 8;
            TopologyFixtures.write(root.resolve("cpu/cpu" + cpu + "/cache/index3/shared_cpu_list"),
                first + "-" + (first + 7) + "," + (first + 32) + "-" + (first + 39));
        }
        final CpuTopology topology = CpuTopology.load(root);
        assertEquals("0,8,16,24", CpuList.format(topology.l3Groups()), "fixture copy");

        final FakeServerGroup group = FakeServerGroup.onCpus(7, 15, 23, 31);
        final NumaNearestRouter router = routerFor(topology);

        for (final int caller : topology.onlineCpus())
        {
            final int expected = (caller % 32) / 8;
            assertTrue(topology.sameL3(caller, group.cpu(expected)), "fixture copy");
            assertEquals(expected, route(router, group, caller), "caller on cpu " + caller);
        }
    }

    @Test
    void shouldRankUnpinnedServersLast()
    {
        final CpuTopology topology = TopologyFixtures.load(OPTERON_4S16C);
        final NumaNearestRouter router = routerFor(topology);

        final FakeServerGroup mixed = FakeServerGroup.onCpus(-1, 15, -1);
        for (final int caller : topology.onlineCpus())
        {
            assertEquals(1, route(router, mixed, caller), "the pinned server, however far, from cpu " + caller);
        }

        final FakeServerGroup unpinned = FakeServerGroup.onCpus(-1, -1);
        assertArrayEquals(new int[]{ 0, 1 }, router.nearest(unpinned, 0));
        final int first = route(router, unpinned, 0);
        assertEquals(1 - first, route(router, unpinned, 0), "unpinned servers alternate");
    }

    @Test
    void shouldRankAServerOnACpuTheTopologyLacksWithTheUnpinned()
    {
        final NumaNearestRouter router = routerFor(TopologyFixtures.load(OPTERON_4S16C));
        final FakeServerGroup group = FakeServerGroup.onCpus(99, 12);

        assertArrayEquals(new int[]{ 1 }, router.nearest(group, 0));
    }

    @Test
    void shouldTieEveryServerForACallerOnAnUnknownCpu()
    {
        final NumaNearestRouter router = routerFor(TopologyFixtures.load(OPTERON_4S16C));
        final FakeServerGroup group = FakeServerGroup.onCpus(3, 7, 11);

        assertArrayEquals(new int[]{ 0, 1, 2 }, router.nearest(group, -1), "sched_getcpu failed");
        assertArrayEquals(new int[]{ 0, 1, 2 }, router.nearest(group, 4000), "beyond the topology");
        final int first = route(router, group, -1);
        assertEquals((first + 1) % 3, route(router, group, -1));
        assertEquals((first + 2) % 3, route(router, group, 4000));
    }

    @Test
    void shouldCacheTheNearestServersPerGroupAndCpu()
    {
        final NumaNearestRouter router = routerFor(TopologyFixtures.load(OPTERON_4S16C));
        final FakeServerGroup group = FakeServerGroup.onCpus(3, 7, 11, 15);
        final FakeServerGroup other = FakeServerGroup.onCpus(15, 3);

        assertArrayEquals(new int[]{ 1 }, router.nearest(group, 5));
        router.nearest(group, 5)[0] = 3;
        assertArrayEquals(new int[]{ 1 }, router.nearest(group, 5), "a copy is returned");
        assertArrayEquals(new int[]{ 0 }, router.nearest(other, 13), "groups are told apart");
        assertArrayEquals(new int[]{ 1 }, router.nearest(other, 1));
    }

    @Test
    void shouldReadEachServersCpuOnce()
    {
        final NumaNearestRouter router = routerFor(TopologyFixtures.load(OPTERON_4S16C));
        final FakeServerGroup servers = FakeServerGroup.onCpus(3, 7, 11, 15);
        final int[] reads = new int[1];
        final ServerGroup counting = new ServerGroup()
        {
            @Override
            public SyscallClass syscallClass()
            {
                return servers.syscallClass();
            }

            @Override
            public int size()
            {
                return servers.size();
            }

            @Override
            public int cpu(final int index)
            {
                reads[0]++;
                return servers.cpu(index);
            }

            @Override
            public int queueDepth(final int index)
            {
                return 0;
            }
        };

        for (int call = 0; call < 100; call++)
        {
            assertEquals((call % 16) / 4, route(router, counting, call % 16));
        }
        assertEquals(4, reads[0], "each server's cpu is read when the group is first seen, then cached");
    }

    @Test
    void shouldNotAllocatePerCall()
    {
        final CpuTopology topology = TopologyFixtures.load(OPTERON_4S16C);
        final NumaNearestRouter router = routerFor(topology);
        final FakeServerGroup group = FakeServerGroup.onCpus(14, 15, 3);
        for (int i = 0; i < 20_000; i++)
        {
            route(router, group, i & 15);
        }

        final long before = ThreadAllocation.bytesSoFar();
        int sum = 0;
        for (int i = 0; i < 200_000; i++)
        {
            sum += route(router, group, i & 15);
        }
        final long allocated = ThreadAllocation.bytesSoFar() - before;

        assertTrue(sum > 0);
        assertTrue(allocated < 4_096, "200,000 routed calls allocated " + allocated + " bytes");
    }

    @Test
    void shouldRefuseNulls()
    {
        final CpuTopology topology = TopologyFixtures.load(OPTERON_4S16C);

        final IllegalArgumentException noTopology =
            assertThrows(IllegalArgumentException.class, () -> new NumaNearestRouter(null));
        assertTrue(noTopology.getMessage().startsWith("topology is null"), noTopology.getMessage());
        final IllegalArgumentException noCpu =
            assertThrows(IllegalArgumentException.class, () -> new NumaNearestRouter(topology, null));
        assertTrue(noCpu.getMessage().startsWith("currentCpu is null"), noCpu.getMessage());
    }

    @Test
    void shouldRouteARuntimesCallsToItsPinnedServer() throws Exception
    {
        // On this machine: one FILE server pinned on cpu 1, one unpinned; the pinned one always ranks first.
        final CpuTopology topology = CpuTopology.current();
        final int serverCpu = topology.onlineCpus()[topology.onlineCpuCount() - 1];
        try (OffloadRuntime runtime = OffloadRuntime.builder()
            .servers(SyscallClass.FILE, serverCpu, -1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE)
            .router(new NumaNearestRouter(topology))
            .build())
        {
            for (int i = 0; i < 100; i++)
            {
                runtime.syscalls().getpid();
            }

            final ServerStats pinned = runtime.stats().servers().get(0);
            final ServerStats unpinned = runtime.stats().servers().get(1);
            assertEquals(serverCpu, pinned.requestedCpu());
            assertTrue(pinned.pickedUp() >= 100, "pinned server picked up " + pinned.pickedUp());
            assertEquals(0, unpinned.pickedUp(), "the unpinned server ranks last");
        }
    }

    private static int uniqueNearestByDistance(final CpuTopology topology, final int caller, final int[] serverCpus)
    {
        int best = -1;
        int bestDistance = Integer.MAX_VALUE;
        boolean tie = false;
        for (int i = 0; i < serverCpus.length; i++)
        {
            final int distance = topology.nodeDistance(caller, serverCpus[i]);
            if (distance < bestDistance)
            {
                best = i;
                bestDistance = distance;
                tie = false;
            }
            else if (distance == bestDistance)
            {
                tie = true;
            }
        }
        assertTrue(!tie, "fixture: one server is nearest to cpu " + caller + " by distance alone");

        return best;
    }
}
