package io.offload.examples.layout;

import io.offload.servers.layout.CoreLayout;
import io.offload.servers.layout.LayoutAdvisor;
import io.offload.servers.topology.CpuList;
import io.offload.servers.topology.CpuTopology;
import io.offload.servers.topology.TopologyException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code layout}: shows what a layout is chosen from on this machine and proposes one. It prints the CPU topology
 * (packages, cores, SMT siblings, L3 groups, NUMA nodes and their distances), a proposed layout
 * ({@link LayoutAdvisor#proposeFor(CpuTopology)}: one file server on the highest CPU of each L3 group, interrupts on
 * the server CPUs, the application on the rest, the servers' SMT siblings idle) with the warnings
 * {@link CoreLayout#validate(CpuTopology)} gives for it, and the device interrupts with where each may go now.
 * <p>
 * With {@code --apply-irq DEVICE=CPUS} it moves device interrupts, as GenerOS moves them to its kernel or interrupt
 * cores: for each interrupt whose device matches ({@link DeviceInterrupt#matches(String)}: {@code eth0} matches
 * every {@code eth0-TxRx-N} queue) it writes CPUS to {@code /proc/irq/N/smp_affinity_list}. That changes the whole
 * machine, so it is a dry run unless {@code --yes} is given: it prints what it would write and writes nothing.
 * With {@code --yes} it writes only as root; otherwise, or when the kernel refuses (a container's {@code /proc/irq}
 * is read-only; managed interrupts such as per-queue NVMe and virtio ones refuse with EIO), it prints what it
 * would have written and exits with status 1. The interrupt balancer ({@code irqbalance}), if it runs, may move
 * them back.
 * <p>
 * Run it with {@code java -jar offload-examples/target/offload-examples.jar layout --apply-irq virtio2-input=1}.
 * {@code --proc} and {@code --sys} read another machine's files (a copy, or a test's fixture).
 */
public final class LayoutCommand
{
    /** Exit status: done, or a dry run printed. */
    public static final int OK = 0;
    /** Exit status: {@code --yes} was given but the affinity could not be written. */
    public static final int NOT_WRITTEN = 1;
    /** Exit status: bad arguments, no matching device, or unreadable input. */
    public static final int USAGE = 2;

    private static final String USAGE_TEXT = """
        usage: layout [--apply-irq DEVICE=CPUS]... [--yes] [--proc DIR] [--sys DIR]
          --apply-irq DEVICE=CPUS  send the interrupts of DEVICE (a name from the table, the start of one up to
                                   a '-' or '.', e.g. eth0 for eth0-TxRx-0..N, or an irq number) to CPUS (a cpu
                                   list, e.g. 1 or 7,11,15); a dry run unless --yes
          --yes                    really write /proc/irq/N/smp_affinity_list (needs root)
          --proc DIR               read interrupts from DIR instead of /proc
          --sys DIR                read the topology from DIR/devices/system instead of /sys/devices/system
        exit status: 0 done or dry run, 1 --yes but not written, 2 bad arguments or input
        """;

    private final Path procRoot;
    private final Path sysRoot;
    private final int uid;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param procRoot where {@code interrupts} and {@code irq/N/} are, normally {@code /proc}.
     * @param sysRoot  where {@code devices/system} is, normally {@code /sys}.
     * @param uid      the user this runs as: 0 may write interrupt affinities; -1 for unknown (a write is tried).
     * @param out      where the report goes.
     * @param err      where errors go.
     */
    public LayoutCommand(final Path procRoot, final Path sysRoot, final int uid, final PrintStream out,
        final PrintStream err)
    {
        this.procRoot = procRoot;
        this.sysRoot = sysRoot;
        this.uid = uid;
        this.out = out;
        this.err = err;
    }

    /**
     * @param args see the usage ({@code --help}).
     */
    public static void main(final String[] args)
    {
        final int status = new LayoutCommand(Path.of("/proc"), Path.of("/sys"), currentUid(), System.out,
            System.err).run(args);
        System.out.flush();
        System.exit(status);
    }

    /**
     * Runs the command; {@code --proc} and {@code --sys} override the roots given to the constructor.
     *
     * @param args the command line; empty strings are ignored (a build tool may pass one).
     * @return the exit status: {@link #OK}, {@link #NOT_WRITTEN} or {@link #USAGE}.
     */
    public int run(final String... args)
    {
        final Map<String, String> applies = new LinkedHashMap<>();
        boolean yes = false;
        Path proc = procRoot;
        Path sys = sysRoot;
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            switch (arg)
            {
                case "" ->
                {
                }
                case "--yes" -> yes = true;
                case "--help", "-h" ->
                {
                    out.print(USAGE_TEXT);
                    return OK;
                }
                case "--apply-irq", "--proc", "--sys" ->
                {
                    if (i + 1 >= args.length)
                    {
                        return usage(arg + " needs a value");
                    }
                    final String value = args[++i];
                    if ("--proc".equals(arg))
                    {
                        proc = Path.of(value);
                    }
                    else if ("--sys".equals(arg))
                    {
                        sys = Path.of(value);
                    }
                    else
                    {
                        final int equals = value.indexOf('=');
                        if (equals <= 0)
                        {
                            return usage("--apply-irq " + value + ": expected DEVICE=CPUS, e.g. eth0=1");
                        }
                        applies.put(value.substring(0, equals), value.substring(equals + 1));
                    }
                }
                default ->
                {
                    return usage("unknown argument '" + arg + "'");
                }
            }
        }

        final CpuTopology topology = printTopology(sys);
        final List<DeviceInterrupt> interrupts;
        try
        {
            interrupts = DeviceInterrupt.read(proc);
        }
        catch (final UncheckedIOException | IllegalArgumentException ex)
        {
            err.println("layout: " + ex.getMessage());
            return USAGE;
        }
        printInterrupts(proc, interrupts, topology);

        if (applies.isEmpty())
        {
            return OK;
        }

        return apply(proc, topology, interrupts, applies, yes);
    }

    private CpuTopology printTopology(final Path sys)
    {
        final Path devicesSystem = sys.resolve("devices").resolve("system");
        final CpuTopology topology;
        try
        {
            topology = CpuTopology.load(devicesSystem);
        }
        catch (final TopologyException ex)
        {
            out.println("topology: cannot be read, so no layout is proposed: " + ex.getMessage());
            out.println();
            return null;
        }

        out.println("topology: " + topology.describe());
        final CoreLayout proposal = LayoutAdvisor.proposeFor(topology);
        out.println("proposed layout: " + proposal);
        out.println("  rule: a file server on the highest cpu of each L3 group, which also takes device interrupts;");
        out.println("  the application on every other cpu but the servers' SMT siblings " +
            "(GenerOS g-8888 on its Opteron)");
        for (final String warning : proposal.validate(topology))
        {
            out.println("  warning: " + warning);
        }
        out.println();

        return topology;
    }

    private void printInterrupts(final Path proc, final List<DeviceInterrupt> interrupts, final CpuTopology topology)
    {
        out.println("device interrupts (" + proc.resolve("interrupts") + "):");
        out.println(String.format("%5s %12s  %-10s %s", "irq", "total", "affinity", "device"));
        for (final DeviceInterrupt interrupt : interrupts)
        {
            out.println(String.format("%5d %12d  %-10s %s", interrupt.irq(), interrupt.total(), interrupt.affinity(),
                interrupt.deviceNames()));
        }
        if (null != topology)
        {
            final String irqCpus = CpuList.format(LayoutAdvisor.proposeFor(topology).irqCpus());
            out.println("to send a device's interrupts to the proposed irq cpus: --apply-irq DEVICE=" + irqCpus +
                " (a dry run; add --yes to write, as root)");
        }
        out.println();
    }

    private int apply(final Path proc, final CpuTopology topology, final List<DeviceInterrupt> interrupts,
        final Map<String, String> applies, final boolean yes)
    {
        final List<Path> files = new ArrayList<>();
        final List<String> values = new ArrayList<>();
        final List<DeviceInterrupt> targets = new ArrayList<>();
        for (final Map.Entry<String, String> apply : applies.entrySet())
        {
            final String device = apply.getKey();
            final int[] cpus;
            try
            {
                cpus = CpuList.parse(apply.getValue());
            }
            catch (final IllegalArgumentException ex)
            {
                return usage("--apply-irq " + device + "=" + apply.getValue() + ": " + ex.getMessage());
            }
            if (0 == cpus.length)
            {
                return usage("--apply-irq " + device + "=: no cpus, expected a cpu list such as 1 or 7,11,15");
            }
            if (null != topology)
            {
                for (final int cpu : cpus)
                {
                    if (!topology.isOnline(cpu))
                    {
                        return usage("--apply-irq " + device + "=" + apply.getValue() + ": cpu " + cpu +
                            " is not online, the online cpus are " + CpuList.format(topology.onlineCpus()));
                    }
                }
            }

            boolean matched = false;
            for (final DeviceInterrupt interrupt : interrupts)
            {
                if (interrupt.matches(device))
                {
                    matched = true;
                    files.add(DeviceInterrupt.affinityFile(proc, interrupt.irq()));
                    values.add(CpuList.format(cpus));
                    targets.add(interrupt);
                }
            }
            if (!matched)
            {
                return usage("--apply-irq " + device + "=" + apply.getValue() + ": no device interrupt matches '" +
                    device + "'; the devices are: " + deviceList(interrupts));
            }
        }

        if (!yes || uid > 0)
        {
            for (int i = 0; i < files.size(); i++)
            {
                out.println("would write '" + values.get(i) + "' to " + files.get(i) + " (" +
                    describe(targets.get(i)) + ")");
            }
            if (!yes)
            {
                out.println("dry run: nothing written; add --yes to write (as root)");
                return OK;
            }

            err.println("layout: nothing written: changing interrupt affinity needs root, and this runs as uid " +
                uid + "; run it again as root to write what is listed above");
            return NOT_WRITTEN;
        }

        int failed = 0;
        for (int i = 0; i < files.size(); i++)
        {
            try
            {
                Files.writeString(files.get(i), values.get(i) + "\n", StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                out.println("wrote '" + values.get(i) + "' to " + files.get(i) + " (" + describe(targets.get(i)) + ")");
            }
            catch (final IOException | SecurityException ex)
            {
                failed++;
                err.println("layout: could not write '" + values.get(i) + "' to " + files.get(i) + " (" +
                    describe(targets.get(i)) + "): " + ex + "; a container's /proc/irq is read-only, and the " +
                    "kernel refuses managed interrupts (per-queue NVMe and virtio ones) with EIO");
            }
        }
        if (failed > 0)
        {
            err.println("layout: " + failed + " of " + files.size() + " interrupt affinities not written");
            return NOT_WRITTEN;
        }

        return OK;
    }

    private int usage(final String message)
    {
        err.println("layout: " + message);
        err.print(USAGE_TEXT);
        return USAGE;
    }

    private static String describe(final DeviceInterrupt interrupt)
    {
        return "irq " + interrupt.irq() + ", " + interrupt.deviceNames() + ", now " + interrupt.affinity();
    }

    private static String deviceList(final List<DeviceInterrupt> interrupts)
    {
        final List<String> names = new ArrayList<>();
        for (final DeviceInterrupt interrupt : interrupts)
        {
            names.addAll(interrupt.devices());
        }

        return names.isEmpty() ? "(none)" : String.join(", ", names.stream().distinct().toList());
    }

    private static int currentUid()
    {
        try
        {
            return (Integer)Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }
}
