package io.offload.servers.layout;

import io.offload.api.SyscallClass;
import io.offload.servers.topology.CpuList;
import io.offload.servers.topology.CpuTopology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Fits core layouts to machines: proposes one for a machine ({@link #proposeFor(CpuTopology)}), and checks one
 * against a machine ({@link CoreLayout#validate(CpuTopology)} comes here): errors for CPUs the machine cannot run,
 * warnings for what works but costs performance. Apart from {@link CoreLayout}, which is only the value.
 */
public final class LayoutAdvisor
{
    private final CoreLayout layout;
    private final int[] appCpus;
    private final int[][] serverCpusByClass;
    private final int[] irqCpus;

    private LayoutAdvisor(final CoreLayout layout)
    {
        this.layout = layout;
        this.appCpus = layout.appCpus();
        this.serverCpusByClass = new int[SyscallClass.values().length][];
        for (final SyscallClass syscallClass : SyscallClass.values())
        {
            serverCpusByClass[syscallClass.ordinal()] = layout.serverCpus(syscallClass);
        }
        this.irqCpus = layout.irqCpus();
    }

    /**
     * Proposes a layout for a machine, as a starting point to measure from rather than a tuned answer. The rule,
     * GenerOS's best layouts scaled to any machine (g-8880 and g-8888 put one file server on the last core of each
     * processor, each processor being one node and one L3):
     * <ul>
     *     <li>one {@code file} server per L3 cache group (a node or finer: callers then find a server without
     *     leaving their chip, which {@code NumaNearestRouter} relies on), on the group's highest online CPU;</li>
     *     <li>the server CPUs also take device interrupts ({@code irq}), GenerOS's kernel-and-interrupt cores;</li>
     *     <li>the application gets every other CPU, except the server CPUs' SMT siblings, which are left idle: an
     *     application thread there would share a core with a spinning server;</li>
     *     <li>if that leaves the application no CPU (every group is one core), there is one server only, on the
     *     machine's highest CPU; if even that leaves none (a single core), the application gets the server's
     *     siblings after all, and a machine of one CPU gets {@code app=0 file=0 irq=0};
     *     {@link CoreLayout#validate} warns about both.</li>
     * </ul>
     * On the 2-core development machine this gives {@code app=0 file=1 irq=1}; on GenerOS's Opteron, g-8888.
     *
     * @param topology the machine, e.g. {@link CpuTopology#current()}.
     * @return the proposed layout.
     */
    public static CoreLayout proposeFor(final CpuTopology topology)
    {
        final int[] online = topology.onlineCpus();
        final int[] groups = topology.l3Groups();
        final int[] perGroup = new int[groups.length];
        for (int i = 0; i < groups.length; i++)
        {
            int last = -1;
            for (final int cpu : online)
            {
                if (topology.l3GroupOf(cpu) == groups[i])
                {
                    last = cpu;
                }
            }
            perGroup[i] = last;
        }

        int[] servers = perGroup;
        int[] app = appAround(topology, online, servers);
        if (0 == app.length)
        {
            servers = new int[]{ online[online.length - 1] };
            app = appAround(topology, online, servers);
        }
        if (0 == app.length)
        {
            final int server = servers[0];
            app = Arrays.stream(online).filter(cpu -> cpu != server).toArray();
        }
        if (0 == app.length)
        {
            app = servers.clone();
        }

        return CoreLayout.builder().app(app).servers(SyscallClass.FILE, servers).irq(servers).build();
    }

    private static int[] appAround(final CpuTopology topology, final int[] online, final int[] servers)
    {
        final List<Integer> app = new ArrayList<>();
        for (final int cpu : online)
        {
            boolean taken = false;
            for (final int server : servers)
            {
                taken |= Arrays.binarySearch(topology.siblingsOf(server), cpu) >= 0;
            }
            if (!taken)
            {
                app.add(cpu);
            }
        }

        return app.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Checks a layout against a machine before any thread is pinned, so that a layout written for another
     * machine fails at start-up with a message rather than with servers silently running unpinned.
     * <p>
     * Errors (thrown, all of them in one message): a CPU the machine does not have; a CPU that is offline.
     * Warnings (returned): a CPU running both servers and application threads; a server CPU whose SMT sibling runs
     * application threads; a CPU taking interrupts that also runs application threads; a CPU running more than one
     * server.
     *
     * @param layout   the layout.
     * @param topology the machine the layout is meant for.
     * @return warnings, one sentence each, for things that work but cost performance; empty if none.
     * @throws IllegalArgumentException listing every CPU the layout names that the machine cannot run it on.
     */
    static List<String> validate(final CoreLayout layout, final CpuTopology topology)
    {
        return new LayoutAdvisor(layout).check(topology);
    }

    private List<String> check(final CpuTopology topology)
    {
        final List<String> errors = new ArrayList<>();
        final String online = CpuList.format(topology.onlineCpus());
        final String present = CpuList.format(topology.presentCpus());
        final Map<Integer, List<String>> rolesByCpu = rolesByCpu();
        for (final Map.Entry<Integer, List<String>> entry : rolesByCpu.entrySet())
        {
            final int cpu = entry.getKey();
            final String roles = String.join(", ", entry.getValue());
            if (!topology.isPresent(cpu))
            {
                errors.add("cpu " + cpu + " (" + roles + ") is not a cpu of this machine, which has cpus " + present);
            }
            else if (!topology.isOnline(cpu))
            {
                errors.add("cpu " + cpu + " (" + roles + ") is offline, the online cpus are " + online);
            }
        }

        if (!errors.isEmpty())
        {
            throw new IllegalArgumentException(
                "layout '" + layout + "' does not fit " + topology + ": " + String.join("; ", errors));
        }

        final List<String> warnings = new ArrayList<>();
        for (final int cpu : layout.allServerCpus())
        {
            final String servers = serversOn(cpu);
            if (contains(appCpus, cpu))
            {
                warnings.add("cpu " + cpu + " runs " + servers + " and application threads: they take turns on " +
                    "one cpu, which slows both (GenerOS keeps kernel and application cores apart)");
            }

            for (final int sibling : topology.siblingsOf(cpu))
            {
                if (sibling != cpu && contains(appCpus, sibling))
                {
                    warnings.add("cpu " + cpu + " runs " + servers + " and its SMT sibling cpu " + sibling +
                        " runs application threads: they share one core's execution units and L1/L2 caches");
                }
            }

            final int count = serverCountOn(cpu);
            if (count > 1)
            {
                warnings.add("cpu " + cpu + " runs " + count + " servers (" + serverCountsOn(cpu) + "): each gets " +
                    "part of the cpu, and a spinning server takes time from the others");
            }
        }

        for (final int cpu : irqCpus)
        {
            if (contains(appCpus, cpu))
            {
                warnings.add("cpu " + cpu + " takes device interrupts and runs application threads: interrupts " +
                    "will disturb the application (GenerOS moves them to interrupt cores)");
            }
        }

        return warnings;
    }

    private Map<Integer, List<String>> rolesByCpu()
    {
        final Map<Integer, List<String>> roles = new TreeMap<>();
        for (final int cpu : appCpus)
        {
            roles.computeIfAbsent(cpu, ignore -> new ArrayList<>()).add(CoreLayout.APP_KEY);
        }
        for (final SyscallClass syscallClass : SyscallClass.values())
        {
            for (final int cpu : serverCpusByClass[syscallClass.ordinal()])
            {
                final List<String> cpuRoles = roles.computeIfAbsent(cpu, ignore -> new ArrayList<>());
                final String role = CoreLayout.key(syscallClass) + " server";
                if (!cpuRoles.contains(role))
                {
                    cpuRoles.add(role);
                }
            }
        }
        for (final int cpu : irqCpus)
        {
            roles.computeIfAbsent(cpu, ignore -> new ArrayList<>()).add(CoreLayout.IRQ_KEY);
        }

        return roles;
    }

    private String serversOn(final int cpu)
    {
        final StringJoiner classes = new StringJoiner(" and ");
        for (final SyscallClass syscallClass : SyscallClass.values())
        {
            if (contains(serverCpusByClass[syscallClass.ordinal()], cpu))
            {
                classes.add(CoreLayout.key(syscallClass));
            }
        }

        return classes + (serverCountOn(cpu) > 1 ? " servers" : " server");
    }

    private String serverCountsOn(final int cpu)
    {
        final StringJoiner counts = new StringJoiner(", ");
        for (final SyscallClass syscallClass : SyscallClass.values())
        {
            int count = 0;
            for (final int serverCpu : serverCpusByClass[syscallClass.ordinal()])
            {
                count += serverCpu == cpu ? 1 : 0;
            }
            if (count > 0)
            {
                counts.add(CoreLayout.key(syscallClass) + (count > 1 ? " x" + count : ""));
            }
        }

        return counts.toString();
    }

    private int serverCountOn(final int cpu)
    {
        int count = 0;
        for (final int[] cpus : serverCpusByClass)
        {
            for (final int serverCpu : cpus)
            {
                count += serverCpu == cpu ? 1 : 0;
            }
        }

        return count;
    }

    private static boolean contains(final int[] sorted, final int cpu)
    {
        return Arrays.binarySearch(sorted, cpu) >= 0;
    }
}
