package io.offload.servers.layout;

import io.offload.api.SyscallClass;
import io.offload.servers.topology.CpuList;
import io.offload.servers.topology.CpuTopology;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

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
 * This class is the value only. The GenerOS paper's layouts are in {@link GenerOsLayouts}; proposing a layout for
 * a machine, and the rules {@link #validate(CpuTopology)} checks a layout against one by, are in
 * {@link LayoutAdvisor}.
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
     * Checks the layout against a machine before any thread is pinned, so that a layout written for another
     * machine fails at start-up with a message rather than with servers silently running unpinned.
     * <p>
     * Errors (thrown, all of them in one message): a CPU the machine does not have; a CPU that is offline.
     * Warnings (returned): a CPU running both servers and application threads; a server CPU whose SMT sibling runs
     * application threads; a CPU taking interrupts that also runs application threads; a CPU running more than one
     * server. The rules are {@link LayoutAdvisor}'s.
     *
     * @param topology the machine the layout is meant for.
     * @return warnings, one sentence each, for things that work but cost performance; empty if none.
     * @throws IllegalArgumentException listing every CPU the layout names that the machine cannot run it on.
     */
    public List<String> validate(final CpuTopology topology)
    {
        return LayoutAdvisor.validate(this, topology);
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

    static String key(final SyscallClass syscallClass)
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
