package io.offload.examples.layout;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layout command over fixture {@code /proc} and {@code /sys} trees: nothing here reads or writes the machine's
 * own interrupt settings, except one read-only run at the end.
 */
class LayoutCommandTest
{
    /**
     * A 2-cpu guest's /proc/interrupts (this development machine's), with lines in the formats of older x86
     * kernels, arm64, shared lines, multi-queue NICs and an interrupt without a handler added.
     */
    private static final String INTERRUPTS = """
                   CPU0       CPU1
         0:         33          0   IO-APIC-edge      timer
         9:          0          0   IO-APIC   9-fasteoi   acpi
        11:          5          6   IO-APIC  11-fasteoi   uhci_hcd:usb1, ehci_hcd:usb2
        12:          0          0   GICv3  27 Level     arch_timer
        24:          1          0  IO-APIC   5-edge      ACPI:Ged
        28:          0          0 PCI-MSIX-0000:00:01.0   0-edge      virtio0-config
        31:          0       1690 PCI-MSIX-0000:00:01.0   3-edge      virtio0-stats
        38:          0       3662 PCI-MSIX-0000:00:03.0   1-edge      virtio2-input.0
        39:       3619          0 PCI-MSIX-0000:00:03.0   2-edge      virtio2-output.0
        43:          1          0 PCI-MSIX-0000:00:04.0   3-edge      virtio3-event
        50:        100        200   PCI-MSI 524288-edge      eth0-TxRx-0
        51:        300        400   PCI-MSI 524289-edge      eth0-TxRx-1
        52:          7          0   PCI-MSI 524290-edge      eth01
        60:          0          0   PCI-MSI 524291-edge
       NMI:          0          0   Non-maskable interrupts
       LOC:     550351     548682   Local timer interrupts
       ERR:          0
       MIS:          0
        """;

    @TempDir
    Path tempDir;

    private Path proc;
    private Path sys;
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    @BeforeEach
    void writeFixtures() throws IOException
    {
        proc = tempDir.resolve("proc");
        Files.createDirectories(proc);
        Files.writeString(proc.resolve("interrupts"), INTERRUPTS);
        for (final DeviceInterrupt interrupt : DeviceInterrupt.parse(INTERRUPTS, "fixture"))
        {
            write(DeviceInterrupt.affinityFile(proc, interrupt.irq()), "0-1");
        }

        // A 2-cpu machine: one package, two cores, no node or cache directories (one node, L3 = package).
        sys = tempDir.resolve("sys");
        final Path cpu = sys.resolve("devices/system/cpu");
        write(cpu.resolve("online"), "0-1");
        for (int i = 0; i < 2; i++)
        {
            write(cpu.resolve("cpu" + i + "/topology/physical_package_id"), "0");
            write(cpu.resolve("cpu" + i + "/topology/core_id"), Integer.toString(i));
        }
    }

    @Test
    void shouldParseDeviceInterruptsOfEveryFormat()
    {
        final List<DeviceInterrupt> interrupts = DeviceInterrupt.parse(INTERRUPTS, "fixture");

        assertEquals(14, interrupts.size(), interrupts.toString());
        assertInterrupt(interrupts.get(0), 0, 33, "timer");
        assertInterrupt(interrupts.get(1), 9, 0, "acpi");
        assertEquals(List.of("uhci_hcd:usb1", "ehci_hcd:usb2"), interrupts.get(2).devices());
        assertEquals(11, interrupts.get(2).total());
        assertInterrupt(interrupts.get(3), 12, 0, "arch_timer");
        assertInterrupt(interrupts.get(4), 24, 1, "ACPI:Ged");
        assertInterrupt(interrupts.get(7), 38, 3662, "virtio2-input.0");
        assertInterrupt(interrupts.get(9), 43, 1, "virtio3-event");
        assertInterrupt(interrupts.get(11), 51, 700, "eth0-TxRx-1");
        assertEquals(List.of(), interrupts.get(13).devices());
        assertEquals("-", interrupts.get(13).deviceNames());
        assertEquals(DeviceInterrupt.UNKNOWN_AFFINITY, interrupts.get(0).affinity());
    }

    @Test
    void shouldMatchDevicesByNamePrefixUpToASeparatorOrByNumber()
    {
        final List<DeviceInterrupt> interrupts = DeviceInterrupt.parse(INTERRUPTS, "fixture");

        assertEquals(List.of(50, 51), matching(interrupts, "eth0"));
        assertEquals(List.of(52), matching(interrupts, "eth01"));
        assertEquals(List.of(38), matching(interrupts, "virtio2-input"));
        assertEquals(List.of(38, 39), matching(interrupts, "virtio2"));
        assertEquals(List.of(11), matching(interrupts, "ehci_hcd"));
        assertEquals(List.of(31), matching(interrupts, "31"));
        assertEquals(List.of(), matching(interrupts, "virtio"));
    }

    @Test
    void shouldRefuseTextThatIsNotProcInterrupts()
    {
        final IllegalArgumentException noHeader = assertThrows(
            IllegalArgumentException.class, () -> DeviceInterrupt.parse(" 0: 1 2 timer\n", "x"));
        assertTrue(noHeader.getMessage().startsWith("x: line 1 is '0: 1 2 timer', expected the header"),
            noHeader.getMessage());

        final IllegalArgumentException fewCounts = assertThrows(
            IllegalArgumentException.class, () -> DeviceInterrupt.parse("CPU0 CPU1\n 5: 1 IO-APIC 5-edge x\n", "x"));
        assertEquals("x: line 2 is '5: 1 IO-APIC 5-edge x', expected 2 counts (one per cpu of the header) after " +
            "'5:', found 1", fewCounts.getMessage());
    }

    @Test
    void shouldPrintTopologyProposalAndInterrupts()
    {
        final int status = command(0).run();
        final String out = out();

        assertEquals(LayoutCommand.OK, status, errText());
        assertTrue(out.startsWith("topology: cpus=0-1, packages=1, cores=2, l3=1, nodes=1 from "), out);
        assertTrue(out.contains("proposed layout: app=0 file=1 irq=1\n"), out);
        assertFalse(out.contains("warning:"), out);
        assertTrue(out.contains("  irq        total  affinity   device\n"), out);
        assertTrue(out.contains("   11           11  0-1        uhci_hcd:usb1, ehci_hcd:usb2\n"), out);
        assertTrue(out.contains("   38         3662  0-1        virtio2-input.0\n"), out);
        assertTrue(out.contains("   60            0  0-1        -\n"), out);
        assertFalse(out.contains("NMI"), "only device interrupts\n" + out);
        assertTrue(out.contains("--apply-irq DEVICE=1 (a dry run; add --yes to write, as root)"), out);
    }

    @Test
    void shouldOnlySayWhatItWouldWriteWithoutYes() throws IOException
    {
        final int status = command(0).run("", "--apply-irq", "eth0=1", "--apply-irq", "virtio2-input=0");
        final String out = out();

        assertEquals(LayoutCommand.OK, status, errText());
        assertTrue(out.contains("would write '1' to " + affinity(50) + " (irq 50, eth0-TxRx-0, now 0-1)\n"), out);
        assertTrue(out.contains("would write '1' to " + affinity(51) + " (irq 51, eth0-TxRx-1, now 0-1)\n"), out);
        assertTrue(out.contains("would write '0' to " + affinity(38) + " (irq 38, virtio2-input.0, now 0-1)\n"), out);
        assertTrue(out.endsWith("dry run: nothing written; add --yes to write (as root)\n"), out);
        assertEquals("0-1\n", Files.readString(affinity(50)), "untouched");
        assertEquals("0-1\n", Files.readString(affinity(38)), "untouched");
    }

    @Test
    void shouldWriteTheAffinityWithYesAsRoot() throws IOException
    {
        final int status = command(0).run("--apply-irq", "eth0=1", "--yes");

        assertEquals(LayoutCommand.OK, status, errText());
        assertEquals("1\n", Files.readString(affinity(50)));
        assertEquals("1\n", Files.readString(affinity(51)));
        assertEquals("0-1\n", Files.readString(affinity(52)), "eth01 is another device");
        assertTrue(out().contains("wrote '1' to " + affinity(51) + " (irq 51, eth0-TxRx-1, now 0-1)\n"), out());
    }

    @Test
    void shouldWriteNothingAndFailWithoutRoot() throws IOException
    {
        final Path file = affinity(38);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));

        final int status = command(1000).run("--apply-irq", "virtio2-input=1", "--yes");

        assertEquals(LayoutCommand.NOT_WRITTEN, status);
        assertTrue(out().contains("would write '1' to " + file + " (irq 38, virtio2-input.0, now 0-1)\n"), out());
        assertEquals("layout: nothing written: changing interrupt affinity needs root, and this runs as uid 1000; " +
            "run it again as root to write what is listed above\n", errText());
        assertEquals("0-1\n", Files.readString(file));
    }

    @Test
    void shouldFailClearlyWhenTheKernelRefusesTheWrite() throws IOException
    {
        // A read-only file does not stop root (these tests may run as root), a directory does.
        final Path file = affinity(38);
        Files.delete(file);
        Files.createDirectory(file);

        final int status = command(0).run("--apply-irq", "virtio2-input=1", "--yes");

        assertEquals(LayoutCommand.NOT_WRITTEN, status);
        final String err = errText();
        assertTrue(err.startsWith("layout: could not write '1' to " + file + " (irq 38, virtio2-input.0, now ?): "),
            err);
        assertTrue(err.contains("a container's /proc/irq is read-only"), err);
        assertTrue(err.endsWith("layout: 1 of 1 interrupt affinities not written\n"), err);
    }

    @Test
    void shouldRefuseAnUnknownDeviceOrCpu()
    {
        assertEquals(LayoutCommand.USAGE, command(0).run("--apply-irq", "nvme0=1"));
        assertTrue(errText().startsWith("layout: --apply-irq nvme0=1: no device interrupt matches 'nvme0'; the " +
            "devices are: timer, acpi, uhci_hcd:usb1, "), errText());

        errBytes.reset();
        assertEquals(LayoutCommand.USAGE, command(0).run("--apply-irq", "eth0=5"));
        assertTrue(errText().startsWith("layout: --apply-irq eth0=5: cpu 5 is not online, the online cpus are 0-1\n"),
            errText());

        errBytes.reset();
        assertEquals(LayoutCommand.USAGE, command(0).run("--apply-irq", "eth0"));
        assertTrue(errText().startsWith("layout: --apply-irq eth0: expected DEVICE=CPUS, e.g. eth0=1\n"), errText());

        errBytes.reset();
        assertEquals(LayoutCommand.USAGE, command(0).run("--apply-irq", "eth0=1-"));
        assertTrue(errText().startsWith("layout: --apply-irq eth0=1-: bad cpu list '1-'"), errText());

        errBytes.reset();
        assertEquals(LayoutCommand.USAGE, command(0).run("--frobnicate"));
        assertTrue(errText().startsWith("layout: unknown argument '--frobnicate'\nusage: layout "), errText());
    }

    @Test
    void shouldListInterruptsWithoutATopology() throws IOException
    {
        final int status = command(0).run("--sys", tempDir.resolve("nothing").toString());

        assertEquals(LayoutCommand.OK, status, errText());
        assertTrue(out().startsWith("topology: cannot be read, so no layout is proposed: no directory "), out());
        assertTrue(out().contains("   38         3662  0-1        virtio2-input.0\n"), out());
    }

    @Test
    void shouldReadThisMachineWithoutWriting()
    {
        final LayoutCommand command = new LayoutCommand(Path.of("/proc"), Path.of("/sys"), 1000,
            new PrintStream(outBytes, true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8));

        final int status = command.run();

        System.out.print(out());
        assertEquals(LayoutCommand.OK, status, errText());
        assertTrue(out().contains("proposed layout: app="), out());
        assertTrue(out().contains("device interrupts (/proc/interrupts):"), out());
    }

    private LayoutCommand command(final int uid)
    {
        return new LayoutCommand(proc, sys, uid, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private String out()
    {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String errText()
    {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private Path affinity(final int irq)
    {
        return DeviceInterrupt.affinityFile(proc, irq);
    }

    private static List<Integer> matching(final List<DeviceInterrupt> interrupts, final String device)
    {
        return interrupts.stream().filter(i -> i.matches(device)).map(DeviceInterrupt::irq).toList();
    }

    private static void assertInterrupt(final DeviceInterrupt interrupt, final int irq, final long total,
        final String device)
    {
        assertEquals(irq, interrupt.irq(), interrupt.toString());
        assertEquals(total, interrupt.total(), interrupt.toString());
        assertEquals(List.of(device), interrupt.devices(), interrupt.toString());
    }

    private static void write(final Path file, final String text) throws IOException
    {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text + "\n");
    }
}
