package io.offload.servers.layout;

import io.offload.api.SyscallClass;
import io.offload.servers.topology.CpuList;
import io.offload.servers.topology.CpuTopology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Which CPUs do what: the application CPUs, for each syscall class the CPUs of its servers, and the CPUs that take
 * device interrupts. This is GenerOS's split of cores into application, kernel and interrupt cores; it is kept as
 * one value, apart from the runtime, so a layout can be written down, compared, swept by a tuner and checked
 * against a machine before any thread is started.
 * <p>
 * A layout has a compact form, one {@code key=cpulist} per role separated by spaces, with Linux cpu-list syntax:
 * <pre>
 * app=0-6,8-10,12-14 file=7,11,15 irq=7,11,15
 * </pre>
 * The keys are {@code app}, the lower-case names of {@link SyscallClass} ({@code file}, {@code network},
 * {@code signal}, {@code ipc}, {@code process}, {@code other}) and {@code irq}. Each CPU listed for a class is one
 * server of that class, so {@code file=7,7} is two file servers sharing CPU 7; the application and interrupt lists
 * are sets. An empty {@code app} list means application threads are not restricted. {@link #toString()} gives the
 * canonical form (keys in that order, servers sorted, runs as ranges) and {@link #parse(String)} reads it back to an
 * equal layout.
 * <p>
 * The seven layouts of GenerOS's Table 1 and the two of its Fig. 10 are here as constants and by name through
 * {@link #genOS(String)}. GenerOS names a layout by the hexadecimal mask of its kernel cores (and, in Fig. 10, of its
 * interrupt cores): in {@code g-8880}, {@code 0x8880} has bits 7, 11 and 15 set.
 */
public final class CoreLayout
{
    /**
     * Key of the application CPUs in the compact form.
     */
    public static final String APP_KEY = "app";

    /**
     * Key of the interrupt CPUs in the compact form.
     */
    public static final String IRQ_KEY = "irq";

    private static final int CLASS_COUNT = SyscallClass.values().length;

    private static final int[] NO_CPUS = new int[0];

    private static final String EXAMPLE = "'app=0-6 file=7 irq=7'";

    /**
     * GenerOS Table 1, {@code g-8000}: one file-system server on core 15 of processor 3, which also takes the disk
     * interrupts; cores 0-14 run the application.
     */
    public static final CoreLayout G_8000 = parse("app=0-14 file=15 irq=15");

    /**
     * GenerOS Table 1, {@code g-8800}: file servers on the last core of processors 2 and 3.
     */
    public static final CoreLayout G_8800 = parse("app=0-10,12-14 file=11,15 irq=11,15");

    /**
     * GenerOS Table 1, {@code g-8880}: file servers on the last core of processors 1, 2 and 3, the best TPC-H
     * result in the paper (Power@1G 611 against Linux's 511).
     */
    public static final CoreLayout G_8880 = parse("app=0-6,8-10,12-14 file=7,11,15 irq=7,11,15");

    /**
     * GenerOS Table 1, {@code g-8888}: a file server on the last core of every processor, the worst TPC-H result
     * (450): the fourth server costs an application core and brings too little.
     */
    public static final CoreLayout G_8888 = parse("app=0-2,4-6,8-10,12-14 file=3,7,11,15 irq=3,7,11,15");

    /**
     * GenerOS Table 1, {@code g-c000}: two file servers, both on processor 3.
     */
    public static final CoreLayout G_C000 = parse("app=0-13 file=14,15 irq=14,15");

    /**
     * GenerOS Table 1, {@code g-e000}: three file servers, all on processor 3.
     */
    public static final CoreLayout G_E000 = parse("app=0-12 file=13,14,15 irq=13,14,15");

    /**
     * GenerOS Table 1, {@code g-f000}: four file servers filling processor 3, far from most application cores.
     */
    public static final CoreLayout G_F000 = parse("app=0-11 file=12,13,14,15 irq=12,13,14,15");

    /**
     * GenerOS Fig. 10 (httperf on Apache), {@code g-8000-8000}: core 15 is the kernel core and the interrupt core,
     * all other cores run the application. The paper does not say which kernel server runs on core 15; a network
     * server is assumed here, the web server's syscalls and the network adapter's interrupts being what the
     * experiment is about.
     */
    public static final CoreLayout G_8000_8000 = parse("app=0-14 network=15 irq=15");

    /**
     * GenerOS Fig. 10 (httperf on Apache), {@code g-8000-800}: core 15 is the kernel core and core 11 a dedicated
     * interrupt core for the network adapter, the better of the two (326 replies against 312 at 1000 requests per
     * second). As for {@link #G_8000_8000}, the server class is assumed to be network.
     */
    public static final CoreLayout G_8000_800 = parse("app=0-10,12-14 network=15 irq=11");

    /**
     * The names of GenerOS's Table 1, in the table's order.
     */
    public static final List<String> GENEROS_TABLE_1 =
        List.of("g-8000", "g-8800", "g-8880", "g-8888", "g-c000", "g-e000", "g-f000");

    private static final Map<String, CoreLayout> GENEROS_BY_NAME = genOSLayouts();

    private final int[] appCpus;
    private final int[][] serverCpusByClass;
    private final int[] irqCpus;

    private CoreLayout(final int[] appCpus, final int[][] serverCpusByClass, final int[] irqCpus)
    {
        this.appCpus = appCpus;
        this.serverCpusByClass = serverCpusByClass;
        this.irqCpus = irqCpus;
    }

    /**
     * @return a builder for a layout written in code rather than parsed.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Reads a layout from its compact form, as given on a command line or in a configuration file.
     *
     * @param layout pairs {@code key=cpulist} separated by white space, e.g.
     *               {@code "app=0-6,8-10,12-14 file=7,11,15 irq=7,11,15"}; keys are case-insensitive, each at most
     *               once, and an empty list ({@code irq=}) is the same as leaving the key out.
     * @return the layout.
     * @throws IllegalArgumentException naming the part that is wrong if the text is not a layout.
     */
    public static CoreLayout parse(final String layout)
    {
        if (null == layout)
        {
            throw new IllegalArgumentException("layout is null: expected key=cpus pairs such as " + EXAMPLE);
        }

        final String text = layout.strip();
        if (text.isEmpty())
        {
            throw new IllegalArgumentException(
                "empty layout: expected key=cpus pairs separated by spaces, such as " + EXAMPLE);
        }

        final Builder builder = builder();
        final boolean[] seen = new boolean[CLASS_COUNT + 2];
        for (final String pair : text.split("\\s+"))
        {
            final int equals = pair.indexOf('=');
            if (equals <= 0)
            {
                throw new IllegalArgumentException(
                    "bad layout '" + text + "': '" + pair + "' is not key=cpus, expected pairs such as " + EXAMPLE);
            }

            final String key = pair.substring(0, equals).toLowerCase(Locale.ROOT);
            final String value = pair.substring(equals + 1);
            final int slot = keySlot(key, text);
            if (seen[slot])
            {
                throw new IllegalArgumentException(
                    "bad layout '" + text + "': key '" + key + "' appears twice, expected each key at most once " +
                    "(list all its cpus in one entry, e.g. file=7,11,15)");
            }
            seen[slot] = true;

            try
            {
                if (slot == CLASS_COUNT)
                {
                    builder.app(value);
                }
                else if (slot == CLASS_COUNT + 1)
                {
                    builder.irq(value);
                }
                else
                {
                    builder.servers(SyscallClass.fromOrdinal(slot), value);
                }
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(
                    "bad layout '" + text + "': " + key + "=" + value + ": " + ex.getMessage(), ex);
            }
        }

        try
        {
            return builder.build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("bad layout '" + text + "': " + ex.getMessage(), ex);
        }
    }

    /**
     * Looks up a layout of the GenerOS paper by the name it has there.
     *
     * @param name a name from Table 1 ({@code g-8000}, {@code g-8800}, {@code g-8880}, {@code g-8888},
     *             {@code g-c000}, {@code g-e000}, {@code g-f000}) or Fig. 10 ({@code g-8000-8000},
     *             {@code g-8000-800}); case-insensitive.
     * @return the layout, for the paper's 16-core machine (see the constants for what each one is).
     * @throws IllegalArgumentException if the paper has no layout of that name.
     */
    public static CoreLayout genOS(final String name)
    {
        final CoreLayout layout = null == name ? null : GENEROS_BY_NAME.get(name.strip().toLowerCase(Locale.ROOT));
        if (null == layout)
        {
            throw new IllegalArgumentException(
                "unknown GenerOS layout '" + name + "': expected one of " + String.join(", ", genOSNames()));
        }

        return layout;
    }

    /**
     * @return every name {@link #genOS(String)} knows: Table 1's in its order, then Fig. 10's.
     */
    public static List<String> genOSNames()
    {
        return List.copyOf(GENEROS_BY_NAME.keySet());
    }

    /**
     * @return the CPUs for application threads, sorted ascending, each once; empty if they are not restricted.
     */
    public int[] appCpus()
    {
        return appCpus.clone();
    }

    /**
     * @param syscallClass a class of system calls.
     * @return one CPU per server of that class, sorted ascending, a CPU repeated once per extra server on it;
     * empty if the layout has no server for the class.
     */
    public int[] serverCpus(final SyscallClass syscallClass)
    {
        return serverCpusByClass[syscallClass.ordinal()].clone();
    }

    /**
     * @param syscallClass a class of system calls.
     * @return how many servers of that class the layout asks for.
     */
    public int serverCount(final SyscallClass syscallClass)
    {
        return serverCpusByClass[syscallClass.ordinal()].length;
    }

    /**
     * @return how many servers of all classes the layout asks for.
     */
    public int serverCount()
    {
        int count = 0;
        for (final int[] cpus : serverCpusByClass)
        {
            count += cpus.length;
        }

        return count;
    }

    /**
     * @param syscallClass a class of system calls.
     * @return true if the layout has at least one server for the class.
     */
    public boolean hasServers(final SyscallClass syscallClass)
    {
        return serverCpusByClass[syscallClass.ordinal()].length > 0;
    }

    /**
     * @return the classes that have at least one server; an unmodifiable set.
     */
    public Set<SyscallClass> serverClasses()
    {
        final Set<SyscallClass> classes = EnumSet.noneOf(SyscallClass.class);
        for (final SyscallClass syscallClass : SyscallClass.values())
        {
            if (hasServers(syscallClass))
            {
                classes.add(syscallClass);
            }
        }

        return Collections.unmodifiableSet(classes);
    }

    /**
     * @return every CPU that runs at least one server of any class (GenerOS's kernel cores), sorted, each once.
     */
    public int[] allServerCpus()
    {
        return Arrays.stream(serverCpusByClass).flatMapToInt(Arrays::stream).sorted().distinct().toArray();
    }

    /**
     * @return the CPUs that should take device interrupts, sorted ascending, each once; empty to leave interrupt
     * affinity as it is.
     */
    public int[] irqCpus()
    {
        return irqCpus.clone();
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
     *     siblings after all, and a machine of one CPU gets {@code app=0 file=0 irq=0}; {@link #validate} warns
     *     about both.</li>
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

        return builder().app(app).servers(SyscallClass.FILE, servers).irq(servers).build();
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
     * Checks the layout against a machine before any thread is pinned, so that a layout written for another
     * machine fails at start-up with a message rather than with servers silently running unpinned.
     * <p>
     * Errors (thrown, all of them in one message): a CPU the machine does not have; a CPU that is offline.
     * Warnings (returned): a CPU running both servers and application threads; a server CPU whose SMT sibling runs
     * application threads; a CPU taking interrupts that also runs application threads; a CPU running more than one
     * server.
     *
     * @param topology the machine the layout is meant for.
     * @return warnings, one sentence each, for things that work but cost performance; empty if none.
     * @throws IllegalArgumentException listing every CPU the layout names that the machine cannot run it on.
     */
    public List<String> validate(final CpuTopology topology)
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
                "layout '" + this + "' does not fit " + topology + ": " + String.join("; ", errors));
        }

        final List<String> warnings = new ArrayList<>();
        for (final int cpu : allServerCpus())
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

    /**
     * Checks that every class the route table sends to servers has one here, so that a call of a routed class
     * cannot find nowhere to go at run time.
     *
     * @param routed the classes the route table sends to servers rather than running inline.
     * @throws IllegalArgumentException naming each routed class without a server.
     */
    public void requireServersFor(final Set<SyscallClass> routed)
    {
        final StringJoiner missing = new StringJoiner("; ");
        for (final SyscallClass syscallClass : SyscallClass.values())
        {
            if (routed.contains(syscallClass) && !hasServers(syscallClass))
            {
                final String key = key(syscallClass);
                missing.add("no server for class " + key + " which is routed: add " + key + "=<cpus> to the " +
                    "layout or route " + key + " INLINE");
            }
        }

        if (missing.length() > 0)
        {
            throw new IllegalArgumentException(missing + " (layout '" + this + "')");
        }
    }

    /**
     * @return the canonical compact form, e.g. {@code app=0-6,8-10,12-14 file=7,11,15 irq=7,11,15}, which
     * {@link #parse(String)} reads back to an equal layout.
     */
    @Override
    public String toString()
    {
        final StringJoiner out = new StringJoiner(" ");
        if (appCpus.length > 0)
        {
            out.add(APP_KEY + "=" + CpuList.format(appCpus));
        }
        for (final SyscallClass syscallClass : SyscallClass.values())
        {
            final int[] cpus = serverCpusByClass[syscallClass.ordinal()];
            if (cpus.length > 0)
            {
                out.add(key(syscallClass) + "=" + CpuList.formatListed(cpus));
            }
        }
        if (irqCpus.length > 0)
        {
            out.add(IRQ_KEY + "=" + CpuList.format(irqCpus));
        }

        return out.toString();
    }

    @Override
    public boolean equals(final Object other)
    {
        if (this == other)
        {
            return true;
        }

        return other instanceof CoreLayout that &&
            Arrays.equals(appCpus, that.appCpus) &&
            Arrays.deepEquals(serverCpusByClass, that.serverCpusByClass) &&
            Arrays.equals(irqCpus, that.irqCpus);
    }

    @Override
    public int hashCode()
    {
        return 31 * (31 * Arrays.hashCode(appCpus) + Arrays.deepHashCode(serverCpusByClass)) +
            Arrays.hashCode(irqCpus);
    }

    private Map<Integer, List<String>> rolesByCpu()
    {
        final Map<Integer, List<String>> roles = new TreeMap<>();
        for (final int cpu : appCpus)
        {
            roles.computeIfAbsent(cpu, ignore -> new ArrayList<>()).add(APP_KEY);
        }
        for (final SyscallClass syscallClass : SyscallClass.values())
        {
            for (final int cpu : serverCpusByClass[syscallClass.ordinal()])
            {
                final List<String> cpuRoles = roles.computeIfAbsent(cpu, ignore -> new ArrayList<>());
                final String role = key(syscallClass) + " server";
                if (!cpuRoles.contains(role))
                {
                    cpuRoles.add(role);
                }
            }
        }
        for (final int cpu : irqCpus)
        {
            roles.computeIfAbsent(cpu, ignore -> new ArrayList<>()).add(IRQ_KEY);
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
                classes.add(key(syscallClass));
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
                counts.add(key(syscallClass) + (count > 1 ? " x" + count : ""));
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

    private static String key(final SyscallClass syscallClass)
    {
        return syscallClass.name().toLowerCase(Locale.ROOT);
    }

    private static int keySlot(final String key, final String layout)
    {
        if (APP_KEY.equals(key))
        {
            return CLASS_COUNT;
        }
        if (IRQ_KEY.equals(key))
        {
            return CLASS_COUNT + 1;
        }
        for (final SyscallClass syscallClass : SyscallClass.values())
        {
            if (key(syscallClass).equals(key))
            {
                return syscallClass.ordinal();
            }
        }

        final StringJoiner keys = new StringJoiner(", ");
        keys.add(APP_KEY);
        for (final SyscallClass syscallClass : SyscallClass.values())
        {
            keys.add(key(syscallClass));
        }
        keys.add(IRQ_KEY);

        throw new IllegalArgumentException(
            "bad layout '" + layout + "': unknown key '" + key + "', expected one of " + keys);
    }

    private static Map<String, CoreLayout> genOSLayouts()
    {
        final Map<String, CoreLayout> layouts = new LinkedHashMap<>();
        layouts.put("g-8000", G_8000);
        layouts.put("g-8800", G_8800);
        layouts.put("g-8880", G_8880);
        layouts.put("g-8888", G_8888);
        layouts.put("g-c000", G_C000);
        layouts.put("g-e000", G_E000);
        layouts.put("g-f000", G_F000);
        layouts.put("g-8000-8000", G_8000_8000);
        layouts.put("g-8000-800", G_8000_800);

        return Collections.unmodifiableMap(layouts);
    }

    private static int[] checkedSet(final int[] cpus)
    {
        for (final int cpu : cpus)
        {
            CpuList.checkCpu(cpu);
        }

        return Arrays.stream(cpus).sorted().distinct().toArray();
    }

    private static int[] checkedServers(final int[] cpus)
    {
        for (final int cpu : cpus)
        {
            CpuList.checkCpu(cpu);
        }
        final int[] sorted = cpus.clone();
        Arrays.sort(sorted);

        return sorted;
    }

    /**
     * Builds a layout in code. Each setter replaces what an earlier call set for the same role, so a builder can
     * start from defaults and be adjusted.
     */
    public static final class Builder
    {
        private int[] appCpus = NO_CPUS;
        private final int[][] serverCpusByClass = new int[CLASS_COUNT][];
        private int[] irqCpus = NO_CPUS;

        private Builder()
        {
            Arrays.fill(serverCpusByClass, NO_CPUS);
        }

        /**
         * @param cpuList the application CPUs as a cpu list, e.g. {@code "0-6,8-10,12-14"}.
         * @return this builder.
         * @throws IllegalArgumentException if the cpu list is malformed.
         */
        public Builder app(final String cpuList)
        {
            return app(CpuList.parse(cpuList));
        }

        /**
         * @param cpus the application CPUs; repeats are ignored.
         * @return this builder.
         * @throws IllegalArgumentException if a CPU id is negative.
         */
        public Builder app(final int... cpus)
        {
            appCpus = checkedSet(cpus);
            return this;
        }

        /**
         * @param syscallClass the class the servers handle.
         * @param cpuList      one CPU per server, e.g. {@code "7,11,15"}; a CPU named twice runs two servers.
         * @return this builder.
         * @throws IllegalArgumentException if the cpu list is malformed.
         */
        public Builder servers(final SyscallClass syscallClass, final String cpuList)
        {
            return servers(syscallClass, CpuList.parseListed(cpuList));
        }

        /**
         * @param syscallClass the class the servers handle.
         * @param cpus         one CPU per server; a CPU given twice runs two servers; none removes the class.
         * @return this builder.
         * @throws IllegalArgumentException if a CPU id is negative.
         */
        public Builder servers(final SyscallClass syscallClass, final int... cpus)
        {
            if (null == syscallClass)
            {
                throw new IllegalArgumentException("syscall class is null: expected one of " +
                    Arrays.toString(SyscallClass.values()));
            }
            serverCpusByClass[syscallClass.ordinal()] = checkedServers(cpus);
            return this;
        }

        /**
         * @param cpuList the CPUs that should take device interrupts as a cpu list, e.g. {@code "7,11,15"}.
         * @return this builder.
         * @throws IllegalArgumentException if the cpu list is malformed.
         */
        public Builder irq(final String cpuList)
        {
            return irq(CpuList.parse(cpuList));
        }

        /**
         * @param cpus the CPUs that should take device interrupts; repeats are ignored.
         * @return this builder.
         * @throws IllegalArgumentException if a CPU id is negative.
         */
        public Builder irq(final int... cpus)
        {
            irqCpus = checkedSet(cpus);
            return this;
        }

        /**
         * @return the layout.
         * @throws IllegalArgumentException if it names no CPU at all, which is almost always a mistake in the
         *                                  caller's configuration rather than a wish for no servers.
         */
        public CoreLayout build()
        {
            final int[][] servers = new int[CLASS_COUNT][];
            boolean any = appCpus.length > 0 || irqCpus.length > 0;
            for (int i = 0; i < CLASS_COUNT; i++)
            {
                servers[i] = serverCpusByClass[i].clone();
                any |= servers[i].length > 0;
            }

            if (!any)
            {
                throw new IllegalArgumentException(
                    "layout names no cpus: expected at least one of app, a server class or irq, such as " + EXAMPLE);
            }

            return new CoreLayout(appCpus.clone(), servers, irqCpus.clone());
        }
    }
}
