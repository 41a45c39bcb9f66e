package io.offload.examples.layout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One device interrupt line of {@code /proc/interrupts}: its number, the devices whose handlers it runs, how many
 * times it fired (all CPUs together) and the CPUs it may be delivered to ({@code /proc/irq/N/smp_affinity_list}).
 * GenerOS sends device interrupts to its kernel (or dedicated interrupt) cores so that they do not land on
 * application cores; this is what an operator looks at to do the same.
 * <p>
 * Only numbered lines are device interrupts; the named ones ({@code NMI}, {@code LOC}, {@code RES}, ...) are the
 * CPUs' own and have no affinity to set. The text after the per-CPU counts differs between kernels and
 * architectures: {@code IO-APIC   2-edge      timer} (x86 now), {@code IO-APIC-edge      timer} (x86 before 4.x),
 * {@code PCI-MSIX-0000:00:01.0   3-edge      virtio0-stats}, {@code GICv3  27 Level     arch_timer} (arm64). The
 * device names are what follows the trigger type ({@code edge}, {@code level}, {@code fasteoi}, with or without a
 * {@code hwirq-} prefix); several handlers sharing a line are listed {@code name1, name2}. Where no trigger type
 * is recognised, everything after the controller's name is taken as the device names.
 *
 * @param irq      the interrupt number, the {@code N} of {@code /proc/irq/N}.
 * @param total    times it fired, summed over the CPUs.
 * @param devices  the devices whose handlers it runs, e.g. {@code [virtio2-input.0]}; empty if none is
 *                 registered.
 * @param affinity the CPUs it may go to as a cpu list, e.g. {@code 0-1}; {@code "?"} where it could not be read.
 */
public record DeviceInterrupt(int irq, long total, List<String> devices, String affinity)
{
    /**
     * Shown as the affinity when {@code smp_affinity_list} could not be read.
     */
    public static final String UNKNOWN_AFFINITY = "?";

    private static final Pattern TRIGGER =
        Pattern.compile("(?i)(?:.*-)?(edge|level|fasteoi|simple|percpu|percpu-devid|virq|event|ipi)");

    private static final Pattern NUMBER = Pattern.compile("[0-9]+");

    /**
     * Copies the devices.
     */
    public DeviceInterrupt
    {
        devices = List.copyOf(devices);
    }

    /**
     * @return the device names joined as the kernel lists them, or {@code "-"} for none.
     */
    public String deviceNames()
    {
        return devices.isEmpty() ? "-" : String.join(", ", devices);
    }

    /**
     * Whether an operator's name for a device picks this interrupt: the interrupt's number, a device name, or the
     * start of one up to a separator, so {@code eth0} picks {@code eth0-TxRx-0} and {@code eth0-TxRx-1} but not
     * {@code eth01}, and {@code virtio2-input} picks {@code virtio2-input.0}.
     *
     * @param device a device name, a prefix of one, or an interrupt number.
     * @return true if it picks this interrupt.
     */
    public boolean matches(final String device)
    {
        if (NUMBER.matcher(device).matches())
        {
            return device.equals(Integer.toString(irq));
        }

        for (final String name : devices)
        {
            if (name.equals(device) ||
                name.startsWith(device) && !Character.isLetterOrDigit(name.charAt(device.length())))
            {
                return true;
            }
        }

        return false;
    }

    /**
     * @param affinity the CPUs it may go to now.
     * @return this interrupt with that affinity.
     */
    public DeviceInterrupt withAffinity(final String affinity)
    {
        return new DeviceInterrupt(irq, total, devices, affinity);
    }

    /**
     * Reads the device interrupts of a {@code /proc} tree, with their affinities.
     *
     * @param procRoot {@code /proc}, or a directory laid out like it (a test fixture).
     * @return the numbered interrupts, in the file's order.
     * @throws UncheckedIOException if {@code interrupts} cannot be read.
     * @throws IllegalArgumentException if it is not in the kernel's format.
     */
    public static List<DeviceInterrupt> read(final Path procRoot)
    {
        final Path file = procRoot.resolve("interrupts");
        final String text;
        try
        {
            text = Files.readString(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file + ": " + ex, ex);
        }

        final List<DeviceInterrupt> parsed = parse(text, file.toString());
        final List<DeviceInterrupt> read = new ArrayList<>(parsed.size());
        for (final DeviceInterrupt interrupt : parsed)
        {
            read.add(interrupt.withAffinity(readAffinity(affinityFile(procRoot, interrupt.irq()))));
        }

        return read;
    }

    /**
     * @param procRoot {@code /proc}, or a directory laid out like it.
     * @param irq      an interrupt number.
     * @return where its affinity is read and written as a cpu list.
     */
    public static Path affinityFile(final Path procRoot, final int irq)
    {
        return procRoot.resolve("irq").resolve(Integer.toString(irq)).resolve("smp_affinity_list");
    }

    /**
     * Parses the text of {@code /proc/interrupts}.
     *
     * @param text   the file's content: a header naming the CPUs ({@code CPU0 CPU1 ...}), then a line per
     *               interrupt.
     * @param source where the text came from, for error messages.
     * @return the numbered interrupts, in the text's order, each with affinity {@link #UNKNOWN_AFFINITY}.
     * @throws IllegalArgumentException naming the line at fault if the text is not in the kernel's format.
     */
    public static List<DeviceInterrupt> parse(final String text, final String source)
    {
        final String[] lines = text.split("\n");
        final String[] header = lines.length == 0 ? new String[0] : lines[0].strip().split("\\s+");
        if (header.length == 0 || !header[0].startsWith("CPU"))
        {
            throw new IllegalArgumentException(
                source + ": line 1 is '" + (lines.length == 0 ? "" : lines[0].strip()) +
                "', expected the header of /proc/interrupts naming the cpus: CPU0 CPU1 ...");
        }
        final int cpuColumns = header.length;

        final List<DeviceInterrupt> interrupts = new ArrayList<>();
        for (int lineNumber = 2; lineNumber <= lines.length; lineNumber++)
        {
            final String line = lines[lineNumber - 1].strip();
            if (line.isEmpty())
            {
                continue;
            }

            final String[] tokens = line.split("\\s+");
            final String label = tokens[0];
            if (!label.endsWith(":"))
            {
                throw new IllegalArgumentException(
                    source + ": line " + lineNumber + " is '" + line + "', expected 'N:' or a name and ':' first, " +
                    "then one count per cpu");
            }
            final String number = label.substring(0, label.length() - 1);
            if (!NUMBER.matcher(number).matches())
            {
                continue;
            }

            long total = 0;
            int next = 1;
            while (next < tokens.length && next <= cpuColumns && NUMBER.matcher(tokens[next]).matches())
            {
                total += Long.parseLong(tokens[next]);
                next++;
            }
            if (next - 1 != cpuColumns)
            {
                throw new IllegalArgumentException(
                    source + ": line " + lineNumber + " is '" + line + "', expected " + cpuColumns + " counts (one " +
                    "per cpu of the header) after '" + label + "', found " + (next - 1));
            }

            interrupts.add(new DeviceInterrupt(
                Integer.parseInt(number), total, devices(Arrays.copyOfRange(tokens, next, tokens.length)),
                UNKNOWN_AFFINITY));
        }

        return interrupts;
    }

    private static List<String> devices(final String[] description)
    {
        int first = Math.min(1, description.length);
        for (int i = 0; i < description.length; i++)
        {
            if (TRIGGER.matcher(description[i]).matches())
            {
                first = i + 1;
                break;
            }
        }

        final String names = String.join(" ", Arrays.copyOfRange(description, first, description.length)).strip();
        if (names.isEmpty())
        {
            return List.of();
        }

        final List<String> devices = new ArrayList<>();
        for (final String name : names.split(",\\s*"))
        {
            if (!name.isBlank())
            {
                devices.add(name.strip());
            }
        }

        return devices;
    }

    private static String readAffinity(final Path file)
    {
        try
        {
            return Files.readString(file).strip();
        }
        catch (final IOException ex)
        {
            return UNKNOWN_AFFINITY; // the interrupt went away since /proc/interrupts was read, or no permission
        }
    }
}
