package io.offload.servers.layout;

import io.offload.servers.topology.CpuTopology;
import io.offload.servers.topology.TopologyFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.offload.servers.topology.TopologyFixtures.OPTERON_4S16C;
import static io.offload.servers.topology.TopologyFixtures.TWO_CORE;
import static io.offload.servers.topology.TopologyFixtures.TWO_SOCKET_64C_SMT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoreLayoutProposalTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldProposeAppOnCpu0AndAServerOnCpu1ForTwoCores()
    {
        final CoreLayout layout = LayoutAdvisor.proposeFor(TopologyFixtures.load(TWO_CORE));

        assertEquals("app=0 file=1 irq=1", layout.toString());
        assertTrue(layout.validate(TopologyFixtures.load(TWO_CORE)).isEmpty());
    }

    @Test
    void shouldProposeGenerOsG8888ForTheOpteron()
    {
        final CpuTopology topology = TopologyFixtures.load(OPTERON_4S16C);
        final CoreLayout layout = LayoutAdvisor.proposeFor(topology);

        assertEquals(GenerOsLayouts.G_8888, layout);
        assertTrue(layout.validate(topology).isEmpty(), layout.validate(topology).toString());
    }

    @Test
    void shouldLeaveTheServersSmtSiblingsIdle()
    {
        final CpuTopology topology = TopologyFixtures.load(TWO_SOCKET_64C_SMT);
        final CoreLayout layout = LayoutAdvisor.proposeFor(topology);

        // L3 groups 0-15,32-47 and 16-31,48-63: servers on 47 and 63, their siblings 15 and 31 idle.
        assertEquals("app=0-14,16-30,32-46,48-62 file=47,63 irq=47,63", layout.toString());
        assertTrue(layout.validate(topology).isEmpty(), layout.validate(topology).toString());
    }

    @Test
    void shouldFallBackToOneServerWhenEveryGroupIsOneCore()
    {
        final Path root = TopologyFixtures.copy(TWO_CORE, tempDir);
        TopologyFixtures.write(root.resolve("cpu/cpu0/cache/index3/shared_cpu_list"), "0");
        TopologyFixtures.write(root.resolve("cpu/cpu1/cache/index3/shared_cpu_list"), "1");
        final CpuTopology topology = CpuTopology.load(root);
        assertEquals(2, topology.l3Groups().length, "fixture copy");

        assertEquals("app=0 file=1 irq=1", LayoutAdvisor.proposeFor(topology).toString());
    }

    @Test
    void shouldShareTheOnlyCoreWithItsSibling()
    {
        final Path root = TopologyFixtures.copy(TWO_CORE, tempDir);
        TopologyFixtures.write(root.resolve("cpu/cpu1/topology/core_id"), "0");

        assertEquals("app=0 file=1 irq=1", LayoutAdvisor.proposeFor(CpuTopology.load(root)).toString());
    }

    @Test
    void shouldPutEverythingOnTheOnlyCpu()
    {
        final Path root = TopologyFixtures.copy(TWO_CORE, tempDir);
        TopologyFixtures.write(root.resolve("cpu/online"), "0");
        TopologyFixtures.write(root.resolve("node/node0/cpulist"), "0");

        assertEquals("app=0 file=0 irq=0", LayoutAdvisor.proposeFor(CpuTopology.load(root)).toString());
    }
}
