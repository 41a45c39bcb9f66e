package io.offload.servers.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The CPUs of a machine as the kernel sees them: which are online, their package (socket), core, SMT siblings,
 * which share a last-level (L3) cache, and which NUMA node each belongs to with the kernel's node distances.
 * Where a server runs relative to its callers decides what a hand-off costs (GenerOS Fig. 7: a server one
 * HyperTransport hop away costs more FLYIN and FLYOUT than one on the caller's own processor), so layouts are
 * checked against this and the NUMA-nearest router picks servers by it.
 * <p>
 * It is read from a sysfs {@code devices/system} directory rather than from the running kernel only, so tests and
 * tools can describe machines they do not run on (the paper's 4-socket Opteron) with a tree of plain files:
 * <pre>
 * cpu/online                                      cpu list, e.g. 0-3,8
 * cpu/present                                     optional; else the cpuN directories and cpu/online
 * cpu/cpuN/topology/physical_package_id           for each online cpu
 * cpu/cpuN/topology/core_id                       for each online cpu
 * cpu/cpuN/cache/indexK/level                     optional; the index whose level is 3 gives ...
 * cpu/cpuN/cache/indexK/shared_cpu_list           ... the cpus sharing its L3; without one, the L3 is the package
 * node/online                                     optional; else the nodeM directories
 * node/nodeM/cpulist                              for each online node
 * node/nodeM/distance                             optional; one distance per online node, in node/online order
 * </pre>
 * Without a {@code node} directory (a kernel built without NUMA) there is one node, 0, holding every CPU, at
 * distance 10 from itself. Without {@code distance} files the kernel's defaults are used: 10 local, 20 remote.
 * <p>
 * Instances are immutable: a CPU brought online or offline later is seen by loading again.
 */
public final class CpuTopology
{
    /**
     * The kernel's distance from a node to itself ({@code LOCAL_DISTANCE}).
     */
    public static final int LOCAL_DISTANCE = 10;

    /**
     * The kernel's default distance between two different nodes when the firmware gives none
     * ({@code REMOTE_DISTANCE}).
     */
    public static final int REMOTE_DISTANCE = 20;

    /**
     * Where the running kernel publishes its topology.
     */
    public static final Path SYSFS_DEVICES_SYSTEM = Path.of("/sys/devices/system");

    private static final int NONE = -1;

    private final String source;
    private final int[] onlineCpus;
    private final int[] presentCpus;
    private final int[] packageByCpu;
    private final int[] coreByCpu;
    private final int[] nodeByCpu;
    private final int[] l3GroupByCpu;
    private final int[] nodeIds;
    private final int[] nodeIndexById;
    private final int[][] cpusByNodeIndex;
    private final int[][] distanceByNodeIndex;

    private CpuTopology(
        final String source,
        final int[] onlineCpus,
        final int[] presentCpus,
        final int[] packageByCpu,
        final int[] coreByCpu,
        final int[] nodeByCpu,
        final int[] l3GroupByCpu,
        final int[] nodeIds,
        final int[][] cpusByNodeIndex,
        final int[][] distanceByNodeIndex)
    {
        this.source = source;
        this.onlineCpus = onlineCpus;
        this.presentCpus = presentCpus;
        this.packageByCpu = packageByCpu;
        this.coreByCpu = coreByCpu;
        this.nodeByCpu = nodeByCpu;
        this.l3GroupByCpu = l3GroupByCpu;
        this.nodeIds = nodeIds;
        this.cpusByNodeIndex = cpusByNodeIndex;
        this.distanceByNodeIndex = distanceByNodeIndex;

        final int maxNode = nodeIds.length == 0 ? 0 : nodeIds[nodeIds.length - 1];
        this.nodeIndexById = new int[maxNode + 1];
        Arrays.fill(nodeIndexById, NONE);
        for (int i = 0; i < nodeIds.length; i++)
        {
            nodeIndexById[nodeIds[i]] = i;
        }
    }

    /**
     * Reads the topology of the machine this JVM runs on.
     *
     * @return the topology under {@code /sys/devices/system}.
     * @throws TopologyException if sysfs is missing (some containers) or malformed.
     */
    public static CpuTopology current()
    {
        return load(SYSFS_DEVICES_SYSTEM);
    }

    /**
     * Reads a topology from a sysfs-like tree, such as a copy of {@code /sys/devices/system} or a test fixture.
     *
     * @param sysDevicesSystem the directory holding {@code cpu/} and, optionally, {@code node/}.
     * @return the topology the tree describes.
     * @throws TopologyException naming the file at fault if a file the loader needs is missing or malformed.
     */
    public static CpuTopology load(final Path sysDevicesSystem)
    {
        final Path cpuDir = sysDevicesSystem.resolve("cpu");
        if (!Files.isDirectory(cpuDir))
        {
            throw new TopologyException(
                cpuDir, "no directory " + cpuDir + ": expected a sysfs devices/system tree such as " +
                SYSFS_DEVICES_SYSTEM + ", with cpu/online and cpu/cpuN/topology/");
        }

        final Path onlineFile = cpuDir.resolve("online");
        final int[] online = readCpuList(onlineFile);
        if (online.length == 0)
        {
            throw new TopologyException(onlineFile, onlineFile + " lists no cpus: expected at least one, e.g. 0-3");
        }

        final int[] present = readPresent(cpuDir, online);
        final int size = present[present.length - 1] + 1;
        final int[] packageByCpu = filled(size);
        final int[] coreByCpu = filled(size);
        final int[] l3ByCpu = filled(size);

        for (final int cpu : online)
        {
            final Path topologyDir = cpuDir.resolve("cpu" + cpu).resolve("topology");
            packageByCpu[cpu] = readInt(topologyDir.resolve("physical_package_id"));
            coreByCpu[cpu] = readInt(topologyDir.resolve("core_id"));
        }

        for (final int cpu : online)
        {
            l3ByCpu[cpu] = readL3Group(cpuDir.resolve("cpu" + cpu).resolve("cache"), cpu, online, packageByCpu);
        }

        final int[] nodeByCpu = filled(size);
        final Path nodeDir = sysDevicesSystem.resolve("node");
        final int[] nodeIds = readNodeIds(nodeDir);
        final int[][] cpusByNode = new int[Math.max(nodeIds.length, 1)][];
        final int[][] distances;
        if (nodeIds.length == 0)
        {
            cpusByNode[0] = online.clone();
            for (final int cpu : online)
            {
                nodeByCpu[cpu] = 0;
            }
            distances = new int[][]{ { LOCAL_DISTANCE } };

            return new CpuTopology(
                sysDevicesSystem.toString(), online, present, packageByCpu, coreByCpu, nodeByCpu, l3ByCpu,
                new int[]{ 0 }, cpusByNode, distances);
        }

        distances = new int[nodeIds.length][];
        final Path[] cpuListFileByCpu = new Path[size];
        for (int i = 0; i < nodeIds.length; i++)
        {
            final Path thisNodeDir = nodeDir.resolve("node" + nodeIds[i]);
            final Path cpuListFile = thisNodeDir.resolve("cpulist");
            final int[] listed = readCpuList(cpuListFile);
            final List<Integer> onlineInNode = new ArrayList<>();
            for (final int cpu : listed)
            {
                if (cpu < size && Arrays.binarySearch(online, cpu) >= 0)
                {
                    if (null != cpuListFileByCpu[cpu])
                    {
                        throw new TopologyException(
                            cpuListFile, "cpu " + cpu + " is in both " + cpuListFileByCpu[cpu] + " and " +
                            cpuListFile + ": expected each online cpu in exactly one node");
                    }
                    cpuListFileByCpu[cpu] = cpuListFile;
                    nodeByCpu[cpu] = nodeIds[i];
                    onlineInNode.add(cpu);
                }
            }
            cpusByNode[i] = onlineInNode.stream().mapToInt(Integer::intValue).toArray();
            distances[i] = readDistances(thisNodeDir.resolve("distance"), i, nodeIds);
        }

        for (final int cpu : online)
        {
            if (NONE == nodeByCpu[cpu])
            {
                throw new TopologyException(
                    nodeDir, "cpu " + cpu + " is online but in no node's cpulist under " + nodeDir +
                    ": expected each online cpu in exactly one nodeM/cpulist");
            }
        }

        return new CpuTopology(
            sysDevicesSystem.toString(), online, present, packageByCpu, coreByCpu, nodeByCpu, l3ByCpu,
            nodeIds, cpusByNode, distances);
    }

    /**
     * @return the online CPUs, sorted ascending; a copy the caller may change.
     */
    public int[] onlineCpus()
    {
        return onlineCpus.clone();
    }

    /**
     * @return the number of online CPUs.
     */
    public int onlineCpuCount()
    {
        return onlineCpus.length;
    }

    /**
     * The CPUs the machine has, online or not. A layout naming a CPU outside these is a typo or a layout for
     * another machine; naming one that is present but offline is a machine in the wrong state.
     *
     * @return the present CPUs, sorted ascending; a copy the caller may change.
     */
    public int[] presentCpus()
    {
        return presentCpus.clone();
    }

    /**
     * @param cpu a CPU id, any int.
     * @return true if the CPU is online, so a thread can be pinned to it.
     */
    public boolean isOnline(final int cpu)
    {
        return cpu >= 0 && cpu < nodeByCpu.length && NONE != nodeByCpu[cpu];
    }

    /**
     * @param cpu a CPU id, any int.
     * @return true if the machine has this CPU, whether online or offline.
     */
    public boolean isPresent(final int cpu)
    {
        return Arrays.binarySearch(presentCpus, cpu) >= 0;
    }

    /**
     * @param cpu an online CPU.
     * @return its physical package (socket) id.
     * @throws IllegalArgumentException if the CPU is not online.
     */
    public int packageOf(final int cpu)
    {
        return packageByCpu[checkOnline(cpu)];
    }

    /**
     * @param cpu an online CPU.
     * @return its core id, unique within its package only (as in sysfs).
     * @throws IllegalArgumentException if the CPU is not online.
     */
    public int coreOf(final int cpu)
    {
        return coreByCpu[checkOnline(cpu)];
    }

    /**
     * @param cpu an online CPU.
     * @return the NUMA node it belongs to.
     * @throws IllegalArgumentException if the CPU is not online.
     */
    public int nodeOf(final int cpu)
    {
        return nodeByCpu[checkOnline(cpu)];
    }

    /**
     * CPUs with the same L3 group share a last-level cache: a hand-off between them stays on chip.
     *
     * @param cpu an online CPU.
     * @return the lowest online CPU sharing its L3 cache (the package's lowest online CPU where sysfs gives no
     * L3), an id that is the same for every CPU of the group.
     * @throws IllegalArgumentException if the CPU is not online.
     */
    public int l3GroupOf(final int cpu)
    {
        return l3GroupByCpu[checkOnline(cpu)];
    }

    /**
     * @param cpuA an online CPU.
     * @param cpuB an online CPU.
     * @return the kernel's distance between their nodes: 10 on the same node, more the further apart.
     * @throws IllegalArgumentException if either CPU is not online.
     */
    public int nodeDistance(final int cpuA, final int cpuB)
    {
        return distanceByNodeIndex[nodeIndexById[nodeOf(cpuA)]][nodeIndexById[nodeOf(cpuB)]];
    }

    /**
     * @param fromNode an online node.
     * @param toNode   an online node.
     * @return the kernel's distance from one node to the other, as in {@code node/nodeM/distance}.
     * @throws IllegalArgumentException if either node is not online.
     */
    public int distanceBetweenNodes(final int fromNode, final int toNode)
    {
        return distanceByNodeIndex[nodeIndex(fromNode)][nodeIndex(toNode)];
    }

    /**
     * @param cpuA an online CPU.
     * @param cpuB an online CPU.
     * @return true if they share an L3 cache.
     * @throws IllegalArgumentException if either CPU is not online.
     */
    public boolean sameL3(final int cpuA, final int cpuB)
    {
        return l3GroupOf(cpuA) == l3GroupOf(cpuB);
    }

    /**
     * @param cpuA an online CPU.
     * @param cpuB an online CPU.
     * @return true if they are in the same physical package (socket).
     * @throws IllegalArgumentException if either CPU is not online.
     */
    public boolean samePackage(final int cpuA, final int cpuB)
    {
        return packageOf(cpuA) == packageOf(cpuB);
    }

    /**
     * @return the online NUMA nodes, sorted ascending; a copy the caller may change.
     */
    public int[] nodes()
    {
        return nodeIds.clone();
    }

    /**
     * @param node an online node.
     * @return its online CPUs, sorted ascending, possibly none (a memory-only node); a copy the caller may change.
     * @throws IllegalArgumentException if the node is not online.
     */
    public int[] cpusOfNode(final int node)
    {
        return cpusByNodeIndex[nodeIndex(node)].clone();
    }

    /**
     * @return the distinct physical package ids of the online CPUs, sorted ascending.
     */
    public int[] packages()
    {
        return distinct(packageByCpu);
    }

    /**
     * @return the distinct L3 group ids (see {@link #l3GroupOf(int)}), sorted ascending.
     */
    public int[] l3Groups()
    {
        return distinct(l3GroupByCpu);
    }

    /**
     * SMT siblings share a core's execution units and L1/L2 caches, so a busy-polling server on one slows an
     * application thread on the other.
     *
     * @param cpu an online CPU.
     * @return the online CPUs on the same package and core, the CPU itself included (as in sysfs's
     * {@code thread_siblings_list}), sorted ascending.
     * @throws IllegalArgumentException if the CPU is not online.
     */
    public int[] siblingsOf(final int cpu)
    {
        final int pkg = packageOf(cpu);
        final int core = coreByCpu[cpu];
        int count = 0;
        final int[] siblings = new int[onlineCpus.length];
        for (final int other : onlineCpus)
        {
            if (packageByCpu[other] == pkg && coreByCpu[other] == core)
            {
                siblings[count++] = other;
            }
        }

        return Arrays.copyOf(siblings, count);
    }

    /**
     * @return the number of physical cores (distinct package and core pairs) with an online CPU.
     */
    public int coreCount()
    {
        final long[] cores = new long[onlineCpus.length];
        for (int i = 0; i < onlineCpus.length; i++)
        {
            final int cpu = onlineCpus[i];
            cores[i] = ((long)packageByCpu[cpu] << 32) | (coreByCpu[cpu] & 0xFFFF_FFFFL);
        }

        return (int)Arrays.stream(cores).distinct().count();
    }

    /**
     * A table for people choosing a layout: one row per online CPU, then the node distance matrix.
     *
     * @return several lines, ending with a newline.
     */
    public String describe()
    {
        final StringBuilder out = new StringBuilder();
        out.append(summary()).append(" from ").append(source).append('\n');
        out.append(String.format("%5s %5s %8s %5s %5s  %s%n", "cpu", "node", "package", "core", "l3", "siblings"));
        for (final int cpu : onlineCpus)
        {
            out.append(String.format(
                "%5d %5d %8d %5d %5d  %s%n",
                cpu, nodeByCpu[cpu], packageByCpu[cpu], coreByCpu[cpu], l3GroupByCpu[cpu],
                CpuList.format(siblingsOf(cpu))));
        }

        out.append("node distances:\n");
        out.append(String.format("%5s", "node"));
        for (final int node : nodeIds)
        {
            out.append(String.format(" %4d", node));
        }
        out.append('\n');
        for (int i = 0; i < nodeIds.length; i++)
        {
            out.append(String.format("%5d", nodeIds[i]));
            for (int j = 0; j < nodeIds.length; j++)
            {
                out.append(String.format(" %4d", distanceByNodeIndex[i][j]));
            }
            out.append("  cpus ").append(CpuList.format(cpusByNodeIndex[i])).append('\n');
        }

        return out.toString();
    }

    /**
     * @return a one-line summary, e.g. {@code CpuTopology{cpus=0-15, packages=4, cores=16, l3=4, nodes=4}}.
     */
    @Override
    public String toString()
    {
        return "CpuTopology{" + summary() + "}";
    }

    private String summary()
    {
        return "cpus=" + CpuList.format(onlineCpus) +
            ", packages=" + packages().length +
            ", cores=" + coreCount() +
            ", l3=" + l3Groups().length +
            ", nodes=" + nodeIds.length;
    }

    private int checkOnline(final int cpu)
    {
        if (!isOnline(cpu))
        {
            final String state = isPresent(cpu) ? "offline" : "not a cpu of this machine";
            throw new IllegalArgumentException(
                "cpu " + cpu + " is " + state + ": expected one of the online cpus " + CpuList.format(onlineCpus));
        }

        return cpu;
    }

    private int nodeIndex(final int node)
    {
        final int index = node >= 0 && node < nodeIndexById.length ? nodeIndexById[node] : NONE;
        if (NONE == index)
        {
            throw new IllegalArgumentException(
                "node " + node + " is not online: expected one of the online nodes " + CpuList.format(nodeIds));
        }

        return index;
    }

    private int[] distinct(final int[] byCpu)
    {
        final int[] values = new int[onlineCpus.length];
        for (int i = 0; i < onlineCpus.length; i++)
        {
            values[i] = byCpu[onlineCpus[i]];
        }

        return Arrays.stream(values).sorted().distinct().toArray();
    }

    private static int[] readPresent(final Path cpuDir, final int[] online)
    {
        final Path presentFile = cpuDir.resolve("present");
        final int[] listed;
        if (Files.exists(presentFile))
        {
            listed = readCpuList(presentFile);
        }
        else
        {
            try (Stream<Path> entries = Files.list(cpuDir))
            {
                listed = entries
                    .map(path -> path.getFileName().toString())
                    .filter(name -> name.matches("cpu[0-9]{1,5}"))
                    .mapToInt(name -> Integer.parseInt(name.substring(3)))
                    .filter(cpu -> cpu <= CpuList.MAX_CPU)
                    .toArray();
            }
            catch (final IOException ex)
            {
                throw new TopologyException(cpuDir, "cannot list " + cpuDir + ": " + ex, ex);
            }
        }

        final int[] all = Arrays.copyOf(listed, listed.length + online.length);
        System.arraycopy(online, 0, all, listed.length, online.length);

        return Arrays.stream(all).sorted().distinct().toArray();
    }

    private static int readL3Group(
        final Path cacheDir, final int cpu, final int[] online, final int[] packageByCpu)
    {
        for (final Path indexDir : cacheIndexDirs(cacheDir))
        {
            final Path levelFile = indexDir.resolve("level");
            if (Files.exists(levelFile) && 3 == readInt(levelFile))
            {
                int group = cpu;
                for (final int sharing : readCpuList(indexDir.resolve("shared_cpu_list")))
                {
                    if (sharing < group && Arrays.binarySearch(online, sharing) >= 0)
                    {
                        group = sharing;
                    }
                }

                return group;
            }
        }

        for (final int other : online)
        {
            if (packageByCpu[other] == packageByCpu[cpu])
            {
                return other;
            }
        }

        return cpu;
    }

    private static List<Path> cacheIndexDirs(final Path cacheDir)
    {
        if (!Files.isDirectory(cacheDir))
        {
            return List.of();
        }

        try (Stream<Path> entries = Files.list(cacheDir))
        {
            return entries
                .filter(path -> path.getFileName().toString().matches("index[0-9]{1,4}"))
                .sorted((a, b) -> Integer.compare(indexNumber(a), indexNumber(b)))
                .toList();
        }
        catch (final IOException ex)
        {
            throw new TopologyException(cacheDir, "cannot list " + cacheDir + ": " + ex, ex);
        }
    }

    private static int indexNumber(final Path indexDir)
    {
        return Integer.parseInt(indexDir.getFileName().toString().substring("index".length()));
    }

    private static int[] readNodeIds(final Path nodeDir)
    {
        if (!Files.isDirectory(nodeDir))
        {
            return new int[0];
        }

        final Path onlineFile = nodeDir.resolve("online");
        if (Files.exists(onlineFile))
        {
            final int[] nodes = readCpuList(onlineFile);
            if (nodes.length == 0)
            {
                throw new TopologyException(
                    onlineFile, onlineFile + " lists no nodes: expected at least one, e.g. 0 or 0-3");
            }

            return nodes;
        }

        try (Stream<Path> entries = Files.list(nodeDir))
        {
            return entries
                .map(path -> path.getFileName().toString())
                .filter(name -> name.matches("node[0-9]{1,5}"))
                .mapToInt(name -> Integer.parseInt(name.substring(4)))
                .sorted()
                .toArray();
        }
        catch (final IOException ex)
        {
            throw new TopologyException(nodeDir, "cannot list " + nodeDir + ": " + ex, ex);
        }
    }

    private static int[] readDistances(final Path distanceFile, final int nodeIndex, final int[] nodeIds)
    {
        final int[] row = new int[nodeIds.length];
        if (!Files.exists(distanceFile))
        {
            Arrays.fill(row, REMOTE_DISTANCE);
            row[nodeIndex] = LOCAL_DISTANCE;

            return row;
        }

        final String text = readString(distanceFile);
        final String[] fields = text.isEmpty() ? new String[0] : text.split("\\s+");
        if (fields.length != nodeIds.length)
        {
            throw new TopologyException(
                distanceFile, distanceFile + " has " + fields.length + " distances ('" + text + "') but there are " +
                nodeIds.length + " online nodes (" + CpuList.format(nodeIds) +
                "): expected one distance per online node, e.g. '10 21'");
        }

        for (int i = 0; i < fields.length; i++)
        {
            row[i] = parseInt(fields[i], distanceFile);
            if (row[i] <= 0)
            {
                throw new TopologyException(
                    distanceFile, distanceFile + " has distance " + row[i] + ": expected positive distances, " +
                    LOCAL_DISTANCE + " to the node itself");
            }
        }

        return row;
    }

    private static int[] readCpuList(final Path file)
    {
        final String text = readString(file);
        try
        {
            return CpuList.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new TopologyException(file, "malformed " + file + ": " + ex.getMessage(), ex);
        }
    }

    private static int readInt(final Path file)
    {
        return parseInt(readString(file), file);
    }

    private static int parseInt(final String text, final Path file)
    {
        try
        {
            return Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new TopologyException(
                file, "malformed " + file + ": '" + text + "' is not a whole number, expected e.g. 0", ex);
        }
    }

    private static String readString(final Path file)
    {
        try
        {
            return Files.readString(file).strip();
        }
        catch (final NoSuchFileException ex)
        {
            throw new TopologyException(
                file, "missing " + file + ": the topology loader needs this file (see CpuTopology's javadoc)", ex);
        }
        catch (final IOException ex)
        {
            throw new TopologyException(file, "cannot read " + file + ": " + ex, ex);
        }
    }

    private static int[] filled(final int size)
    {
        final int[] values = new int[size];
        Arrays.fill(values, NONE);

        return values;
    }
}
