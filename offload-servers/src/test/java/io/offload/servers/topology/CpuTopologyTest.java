package io.offload.servers.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.offload.servers.topology.TopologyFixtures.OPTERON_4S16C;
import static io.offload.servers.topology.TopologyFixtures.TWO_CORE;
import static io.offload.servers.topology.TopologyFixtures.TWO_SOCKET_64C_SMT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuTopologyTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldLoadTwoCoreMachine()
    {
        final CpuTopology topology = TopologyFixtures.load(TWO_CORE);

        assertArrayEquals(new int[]{ 0, 1 }, topology.onlineCpus());
        assertArrayEquals(new int[]{ 0 }, topology.packages());
        assertArrayEquals(new int[]{ 0 }, topology.nodes());
        assertArrayEquals(new int[]{ 0, 1 }, topology.cpusOfNode(0));
        assertEquals(0, topology.coreOf(0));
        assertEquals(1, topology.coreOf(1));
        assertEquals(2, topology.coreCount());
        assertTrue(topology.sameL3(0, 1));
        assertTrue(topology.samePackage(0, 1));
        assertEquals(0, topology.l3GroupOf(1));
        assertArrayEquals(new int[]{ 1 }, topology.siblingsOf(1));
        assertEquals(10, topology.nodeDistance(0, 1));
        assertEquals("CpuTopology{cpus=0-1, packages=1, cores=2, l3=1, nodes=1}", topology.toString());
    }

    @Test
    void shouldLoadGenerOsOpteronWithOneNodeAndL3PerProcessor()
    {
        final CpuTopology topology = TopologyFixtures.load(OPTERON_4S16C);

        assertEquals(16, topology.onlineCpuCount());
        assertArrayEquals(new int[]{ 0, 1, 2, 3 }, topology.packages());
        assertArrayEquals(new int[]{ 0, 1, 2, 3 }, topology.nodes());
        assertArrayEquals(new int[]{ 0, 4, 8, 12 }, topology.l3Groups());
        assertEquals(16, topology.coreCount());
        for (int cpu = 0; cpu < 16; cpu++)
        {
            final int processor = cpu / 4;
            assertEquals(processor, topology.packageOf(cpu), "package of cpu " + cpu);
            assertEquals(processor, topology.nodeOf(cpu), "node of cpu " + cpu);
            assertEquals(cpu % 4, topology.coreOf(cpu), "core of cpu " + cpu);
            assertEquals(processor * 4, topology.l3GroupOf(cpu), "l3 of cpu " + cpu);
            assertArrayEquals(new int[]{ cpu }, topology.siblingsOf(cpu), "no SMT on an Opteron 8347");
        }
        assertArrayEquals(new int[]{ 8, 9, 10, 11 }, topology.cpusOfNode(2));
        assertTrue(topology.sameL3(4, 7));
        assertFalse(topology.sameL3(3, 4));
        assertFalse(topology.samePackage(3, 4));
        assertEquals("CpuTopology{cpus=0-15, packages=4, cores=16, l3=4, nodes=4}", topology.toString());
    }

    @Test
    void shouldGiveOpteronDistancesOfTheHyperTransportSquare()
    {
        final CpuTopology topology = TopologyFixtures.load(OPTERON_4S16C);

        // GenerOS: processor0 reaches processor1 (and processor2) in one hop, processor3 in two.
        assertEquals(10, topology.nodeDistance(0, 3));
        assertEquals(16, topology.nodeDistance(0, 4));
        assertEquals(16, topology.nodeDistance(0, 8));
        assertEquals(22, topology.nodeDistance(0, 12));
        assertEquals(22, topology.nodeDistance(4, 8));
        assertEquals(16, topology.nodeDistance(4, 12));
        assertEquals(16, topology.nodeDistance(8, 12));
        for (final int a : topology.nodes())
        {
            int oneHop = 0;
            int twoHops = 0;
            for (final int b : topology.nodes())
            {
                final int distance = topology.distanceBetweenNodes(a, b);
                assertEquals(distance, topology.distanceBetweenNodes(b, a), "symmetric");
                oneHop += distance == 16 ? 1 : 0;
                twoHops += distance == 22 ? 1 : 0;
            }
            assertEquals(2, oneHop, "node " + a + " has two neighbours");
            assertEquals(1, twoHops, "node " + a + " has one node opposite");
        }
    }

    @Test
    void shouldLoadTwoSocketSmtMachine()
    {
        final CpuTopology topology = TopologyFixtures.load(TWO_SOCKET_64C_SMT);

        assertEquals(64, topology.onlineCpuCount());
        assertEquals(32, topology.coreCount());
        assertArrayEquals(new int[]{ 0, 1 }, topology.packages());
        assertArrayEquals(new int[]{ 0, 1 }, topology.nodes());
        assertArrayEquals(new int[]{ 0, 16 }, topology.l3Groups());
        assertArrayEquals(new int[]{ 8, 40 }, topology.siblingsOf(8));
        assertArrayEquals(new int[]{ 8, 40 }, topology.siblingsOf(40));
        assertArrayEquals(new int[]{ 31, 63 }, topology.siblingsOf(63));
        assertEquals(0, topology.packageOf(40));
        assertEquals(1, topology.packageOf(48));
        assertEquals(0, topology.nodeOf(47));
        assertEquals(1, topology.nodeOf(16));
        assertEquals(0, topology.l3GroupOf(47));
        assertEquals(16, topology.l3GroupOf(63));
        assertTrue(topology.sameL3(1, 33));
        assertFalse(topology.sameL3(15, 16));
        assertEquals(10, topology.nodeDistance(0, 47));
        assertEquals(21, topology.nodeDistance(0, 16));
        assertEquals(21, topology.nodeDistance(63, 32));
        assertEquals("0-15,32-47", CpuList.format(topology.cpusOfNode(0)));
        assertEquals("16-31,48-63", CpuList.format(topology.cpusOfNode(1)));
    }

    @Test
    void shouldLoadThisMachine()
    {
        final CpuTopology topology = CpuTopology.current();

        final int[] online = topology.onlineCpus();
        assertTrue(online.length >= 1, topology.toString());
        for (final int cpu : online)
        {
            final int node = topology.nodeOf(cpu);
            assertTrue(Arrays.binarySearch(topology.nodes(), node) >= 0, "node " + node + " of cpu " + cpu);
            assertTrue(Arrays.binarySearch(topology.cpusOfNode(node), cpu) >= 0, "cpu " + cpu + " in its node");
            assertTrue(Arrays.binarySearch(topology.siblingsOf(cpu), cpu) >= 0, "cpu " + cpu + " is its own sibling");
            assertEquals(CpuTopology.LOCAL_DISTANCE, topology.nodeDistance(cpu, cpu));
        }
        assertTrue(topology.describe().lines().count() > online.length, topology.describe());
    }

    @Test
    void shouldDescribeOneRowPerCpuAndTheDistances()
    {
        final String description = TopologyFixtures.load(TWO_SOCKET_64C_SMT).describe();

        assertTrue(description.startsWith("cpus=0-63, packages=2, cores=32, l3=2, nodes=2 from "), description);
        assertTrue(description.contains("  cpu  node  package  core    l3  siblings"), description);
        assertTrue(description.contains("   40     0        0     8     0  8,40\n"), description);
        assertTrue(description.contains("node distances:\n node    0    1\n"), description);
        assertTrue(description.contains("    1   21   10  cpus 16-31,48-63\n"), description);
    }

    @Test
    void shouldAssumeOneNodeWithoutNodeDirectory()
    {
        final Path root = TopologyFixtures.copy(OPTERON_4S16C, tempDir);
        TopologyFixtures.delete(root.resolve("node"));

        final CpuTopology topology = CpuTopology.load(root);

        assertArrayEquals(new int[]{ 0 }, topology.nodes());
        assertEquals(16, topology.cpusOfNode(0).length);
        assertEquals(10, topology.nodeDistance(0, 15));
        assertArrayEquals(new int[]{ 0, 1, 2, 3 }, topology.packages());
    }

    @Test
    void shouldUseDefaultDistancesWithoutDistanceFiles() throws Exception
    {
        final Path root = TopologyFixtures.copy(OPTERON_4S16C, tempDir);
        for (int node = 0; node < 4; node++)
        {
            Files.delete(root.resolve("node/node" + node + "/distance"));
        }

        final CpuTopology topology = CpuTopology.load(root);

        assertEquals(CpuTopology.LOCAL_DISTANCE, topology.nodeDistance(0, 1));
        assertEquals(CpuTopology.REMOTE_DISTANCE, topology.nodeDistance(0, 15));
    }

    @Test
    void shouldUsePackageAsL3WithoutCacheInformation()
    {
        final Path root = TopologyFixtures.copy(OPTERON_4S16C, tempDir);
        for (int cpu = 0; cpu < 16; cpu++)
        {
            TopologyFixtures.delete(root.resolve("cpu/cpu" + cpu + "/cache"));
        }

        final CpuTopology topology = CpuTopology.load(root);

        assertEquals(4, topology.l3GroupOf(6));
        assertTrue(topology.sameL3(12, 15));
        assertFalse(topology.sameL3(11, 12));
    }

    @Test
    void shouldPickTheLevelThreeCacheWhateverItsIndex()
    {
        final Path root = TopologyFixtures.copy(TWO_CORE, tempDir);
        TopologyFixtures.write(root.resolve("cpu/cpu1/cache/index3/level"), "2");
        TopologyFixtures.write(root.resolve("cpu/cpu1/cache/index3/shared_cpu_list"), "1");
        TopologyFixtures.write(root.resolve("cpu/cpu1/cache/index2/level"), "3");
        TopologyFixtures.write(root.resolve("cpu/cpu1/cache/index2/shared_cpu_list"), "0-1");

        assertEquals(0, CpuTopology.load(root).l3GroupOf(1));
    }

    @Test
    void shouldMapDistancesBySparseNodeIds()
    {
        final Path root = TopologyFixtures.copy(TWO_SOCKET_64C_SMT, tempDir);
        TopologyFixtures.write(root.resolve("node/online"), "0,2");
        TopologyFixtures.write(root.resolve("node/node2/cpulist"), "16-31,48-63");
        TopologyFixtures.write(root.resolve("node/node2/distance"), "21 10");
        TopologyFixtures.delete(root.resolve("node/node1"));

        final CpuTopology topology = CpuTopology.load(root);

        assertArrayEquals(new int[]{ 0, 2 }, topology.nodes());
        assertEquals(2, topology.nodeOf(16));
        assertEquals(21, topology.distanceBetweenNodes(0, 2));
        assertEquals(10, topology.distanceBetweenNodes(2, 2));
        assertEquals(21, topology.nodeDistance(63, 0));
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> topology.cpusOfNode(1));
        assertEquals("node 1 is not online: expected one of the online nodes 0,2", ex.getMessage());
    }

    @Test
    void shouldKnowOfflineCpusFromPresent()
    {
        final Path root = TopologyFixtures.copy(OPTERON_4S16C, tempDir);
        TopologyFixtures.write(root.resolve("cpu/online"), "0-14");
        TopologyFixtures.write(root.resolve("node/node3/cpulist"), "12-14");
        TopologyFixtures.delete(root.resolve("cpu/cpu15/topology"));

        final CpuTopology topology = CpuTopology.load(root);

        assertFalse(topology.isOnline(15));
        assertTrue(topology.isPresent(15));
        assertFalse(topology.isPresent(16));
        assertArrayEquals(new int[]{ 12, 13, 14 }, topology.cpusOfNode(3));
        final IllegalArgumentException offline =
            assertThrows(IllegalArgumentException.class, () -> topology.packageOf(15));
        assertEquals("cpu 15 is offline: expected one of the online cpus 0-14", offline.getMessage());
        final IllegalArgumentException unknown =
            assertThrows(IllegalArgumentException.class, () -> topology.nodeOf(99));
        assertEquals(
            "cpu 99 is not a cpu of this machine: expected one of the online cpus 0-14", unknown.getMessage());
    }

    @Test
    void shouldFindPresentCpusFromDirectoriesWithoutPresentFile() throws Exception
    {
        final Path root = TopologyFixtures.copy(TWO_CORE, tempDir);
        Files.delete(root.resolve("cpu/present"));
        Files.createDirectories(root.resolve("cpu/cpu2"));
        TopologyFixtures.write(root.resolve("cpu/online"), "0-1");

        final CpuTopology topology = CpuTopology.load(root);

        assertArrayEquals(new int[]{ 0, 1, 2 }, topology.presentCpus());
        assertFalse(topology.isOnline(2));
    }

    @Test
    void shouldNameTheMissingOnlineFile() throws Exception
    {
        final Path root = TopologyFixtures.copy(TWO_CORE, tempDir);
        Files.delete(root.resolve("cpu/online"));

        final TopologyException ex = assertThrows(TopologyException.class, () -> CpuTopology.load(root));

        assertEquals(root.resolve("cpu/online"), ex.file());
        assertTrue(ex.getMessage().startsWith("missing " + root.resolve("cpu/online")), ex.getMessage());
    }

    @Test
    void shouldRefuseADirectoryWithoutCpu()
    {
        final TopologyException ex = assertThrows(TopologyException.class, () -> CpuTopology.load(tempDir));

        assertEquals(tempDir.resolve("cpu"), ex.file());
        assertTrue(ex.getMessage().contains("expected a sysfs devices/system tree"), ex.getMessage());
    }

    @Test
    void shouldNameAMalformedCpuList()
    {
        final Path root = TopologyFixtures.copy(TWO_CORE, tempDir);
        TopologyFixtures.write(root.resolve("cpu/online"), "0-x");

        final TopologyException ex = assertThrows(TopologyException.class, () -> CpuTopology.load(root));

        assertEquals(
            "malformed " + root.resolve("cpu/online") + ": bad cpu list '0-x': expected numbers and ranges like 0-3,8",
            ex.getMessage());
    }

    @Test
    void shouldNameAMalformedNumber()
    {
        final Path root = TopologyFixtures.copy(TWO_CORE, tempDir);
        final Path coreId = root.resolve("cpu/cpu1/topology/core_id");
        TopologyFixtures.write(coreId, "one");

        final TopologyException ex = assertThrows(TopologyException.class, () -> CpuTopology.load(root));

        assertEquals(coreId, ex.file());
        assertEquals("malformed " + coreId + ": 'one' is not a whole number, expected e.g. 0", ex.getMessage());
    }

    @Test
    void shouldNameAMissingTopologyFile() throws Exception
    {
        final Path root = TopologyFixtures.copy(OPTERON_4S16C, tempDir);
        final Path packageId = root.resolve("cpu/cpu9/topology/physical_package_id");
        Files.delete(packageId);

        final TopologyException ex = assertThrows(TopologyException.class, () -> CpuTopology.load(root));

        assertEquals(packageId, ex.file());
        assertTrue(ex.getMessage().startsWith("missing " + packageId), ex.getMessage());
    }

    @Test
    void shouldRefuseADistanceRowOfTheWrongLength()
    {
        final Path root = TopologyFixtures.copy(OPTERON_4S16C, tempDir);
        final Path distance = root.resolve("node/node2/distance");
        TopologyFixtures.write(distance, "16 22 10");

        final TopologyException ex = assertThrows(TopologyException.class, () -> CpuTopology.load(root));

        assertEquals(distance, ex.file());
        assertEquals(
            distance + " has 3 distances ('16 22 10') but there are 4 online nodes (0-3): " +
            "expected one distance per online node, e.g. '10 21'",
            ex.getMessage());
    }

    @Test
    void shouldRefuseAnOnlineCpuInNoNode()
    {
        final Path root = TopologyFixtures.copy(OPTERON_4S16C, tempDir);
        TopologyFixtures.write(root.resolve("node/node1/cpulist"), "4-6");

        final TopologyException ex = assertThrows(TopologyException.class, () -> CpuTopology.load(root));

        assertTrue(ex.getMessage().startsWith("cpu 7 is online but in no node's cpulist"), ex.getMessage());
    }

    @Test
    void shouldRefuseACpuInTwoNodes()
    {
        final Path root = TopologyFixtures.copy(OPTERON_4S16C, tempDir);
        TopologyFixtures.write(root.resolve("node/node1/cpulist"), "3-7");

        final TopologyException ex = assertThrows(TopologyException.class, () -> CpuTopology.load(root));

        assertEquals(
            "cpu 3 is in both " + root.resolve("node/node0/cpulist") + " and " + root.resolve("node/node1/cpulist") +
            ": expected each online cpu in exactly one node",
            ex.getMessage());
    }

    @Test
    void shouldReturnCopies()
    {
        final CpuTopology topology = TopologyFixtures.load(TWO_CORE);

        topology.onlineCpus()[0] = 99;
        topology.cpusOfNode(0)[0] = 99;
        topology.nodes()[0] = 99;

        assertArrayEquals(new int[]{ 0, 1 }, topology.onlineCpus());
        assertArrayEquals(new int[]{ 0, 1 }, topology.cpusOfNode(0));
        assertArrayEquals(new int[]{ 0 }, topology.nodes());
    }
}
