package io.offload.servers.layout;

import io.offload.api.SyscallClass;
import io.offload.servers.topology.CpuList;
import io.offload.servers.topology.CpuTopology;
import io.offload.servers.topology.TopologyFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;

import static io.offload.servers.topology.TopologyFixtures.OPTERON_4S16C;
import static io.offload.servers.topology.TopologyFixtures.TWO_CORE;
import static io.offload.servers.topology.TopologyFixtures.TWO_SOCKET_64C_SMT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoreLayoutTest
{
    private static final CpuTopology OPTERON = TopologyFixtures.load(OPTERON_4S16C);

    @TempDir
    Path tempDir;

    @Test
    void shouldBuildWhatItParses()
    {
        final CoreLayout built = CoreLayout.builder()
            .app("0-6,8-10,12-14")
            .servers(SyscallClass.FILE, 7, 11, 15)
            .irq(7, 11, 15)
            .build();

        assertEquals(CoreLayout.parse("app=0-6,8-10,12-14 file=7,11,15 irq=7,11,15"), built);
        assertEquals("app=0-6,8-10,12-14 file=7,11,15 irq=7,11,15", built.toString());
        assertArrayEquals(new int[]{ 7, 11, 15 }, built.serverCpus(SyscallClass.FILE));
        assertArrayEquals(new int[]{ 7, 11, 15 }, built.irqCpus());
        assertEquals(13, built.appCpus().length);
        assertEquals(3, built.serverCount(SyscallClass.FILE));
        assertEquals(0, built.serverCount(SyscallClass.NETWORK));
        assertEquals(Set.of(SyscallClass.FILE), built.serverClasses());
    }

    @Test
    void shouldWriteCanonicalForm()
    {
        final CoreLayout layout = CoreLayout.parse("IRQ=15,7  network=3 File=15,7 app=2,0-1 other= process=4,4");

        assertEquals("app=0-2 file=7,15 network=3 process=4,4 irq=7,15", layout.toString());
        assertEquals(layout, CoreLayout.parse(layout.toString()));
        assertEquals(layout.hashCode(), CoreLayout.parse(layout.toString()).hashCode());
    }

    @Test
    void shouldRunTwoServersOnACpuListedTwice()
    {
        final CoreLayout layout = CoreLayout.parse("file=7,7-9 network=7");

        assertEquals(4, layout.serverCount(SyscallClass.FILE));
        assertEquals(5, layout.serverCount());
        assertArrayEquals(new int[]{ 7, 7, 8, 9 }, layout.serverCpus(SyscallClass.FILE));
        assertArrayEquals(new int[]{ 7, 8, 9 }, layout.allServerCpus());
        assertEquals("file=7,7-9 network=7", layout.toString());
        assertNotEquals(CoreLayout.parse("file=7-9 network=7"), layout);
    }

    @Test
    void shouldReplaceServersSetTwiceInTheBuilder()
    {
        final CoreLayout layout = CoreLayout.builder()
            .servers(SyscallClass.IPC, 1, 2)
            .servers(SyscallClass.IPC, "3")
            .build();

        assertEquals("ipc=3", layout.toString());
    }

    @Test
    void shouldReturnCopies()
    {
        final CoreLayout layout = GenerOsLayouts.G_8880;

        layout.appCpus()[0] = 99;
        layout.serverCpus(SyscallClass.FILE)[0] = 99;
        layout.irqCpus()[0] = 99;

        assertEquals("app=0-6,8-10,12-14 file=7,11,15 irq=7,11,15", layout.toString());
    }

    /**
     * GenerOS Table 1 as printed, in its own notation ({@code 0~6, 8~10}): name, application, kernel, interrupt.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "g-8000 | 0 ~ 14                | 15             | 15",
        "g-8800 | 0 ~ 10, 12~14         | 11, 15         | 11, 15",
        "g-8880 | 0~6, 8~10, 12~14      | 7, 11, 15      | 7, 11, 15",
        "g-8888 | 0~2, 4~6, 8~10, 12~14 | 3, 7, 11, 15   | 3, 7, 11, 15",
        "g-c000 | 0~13                  | 14, 15         | 14, 15",
        "g-e000 | 0~12                  | 13, 14, 15     | 13, 14, 15",
        "g-f000 | 0~11                  | 12, 13, 14, 15 | 12, 13, 14, 15",
    })
    void shouldMatchGenerOsTable1(final String name, final String app, final String kernel, final String irq)
    {
        final CoreLayout layout = GenerOsLayouts.named(name);

        assertArrayEquals(CpuList.parse(paperList(app)), layout.appCpus(), name + " application cores");
        assertArrayEquals(CpuList.parse(paperList(kernel)), layout.serverCpus(SyscallClass.FILE), name + " kernel");
        assertArrayEquals(CpuList.parse(paperList(irq)), layout.irqCpus(), name + " interrupt cores");
        assertEquals(Set.of(SyscallClass.FILE), layout.serverClasses(), "Table 1 runs file system servers only");
    }

    static List<String> table1()
    {
        return GenerOsLayouts.TABLE_1;
    }

    @ParameterizedTest
    @MethodSource("table1")
    void shouldBeNamedByTheHexMaskOfItsKernelCores(final String name)
    {
        final CoreLayout layout = GenerOsLayouts.named(name);
        final int mask = Integer.parseInt(name.substring("g-".length()), 16);

        assertArrayEquals(bits(mask), layout.serverCpus(SyscallClass.FILE), name);
        assertArrayEquals(bits(mask), layout.irqCpus(), name + ": interrupt cores are the kernel cores");
        final int[] all = IntStream.concat(IntStream.of(layout.appCpus()), IntStream.of(layout.allServerCpus()))
            .sorted().toArray();
        assertArrayEquals(IntStream.range(0, 16).toArray(), all, name + ": every core is application or kernel");
    }

    @ParameterizedTest
    @MethodSource("table1")
    void shouldParseRoundTripAndFitTheOpteron(final String name)
    {
        final CoreLayout layout = GenerOsLayouts.named(name);

        assertEquals(layout, CoreLayout.parse(layout.toString()));
        assertEquals(List.of(), layout.validate(OPTERON), name + " has nothing to warn about on its own machine");
        layout.requireServersFor(EnumSet.of(SyscallClass.FILE));
    }

    @Test
    void shouldSpreadKernelCoresOverProcessorsOrPackThemIntoProcessorThree()
    {
        // "none of the kernel core resides in the same processor" for g-8000 .. g-8888,
        // "all of the kernel cores reside in the same processor" for g-8000, g-c000, g-e000, g-f000.
        for (final String name : List.of("g-8000", "g-8800", "g-8880", "g-8888"))
        {
            final int[] kernel = GenerOsLayouts.named(name).allServerCpus();
            assertEquals(kernel.length, IntStream.of(kernel).map(OPTERON::packageOf).distinct().count(), name);
        }
        for (final String name : List.of("g-8000", "g-c000", "g-e000", "g-f000"))
        {
            final int[] kernel = GenerOsLayouts.named(name).allServerCpus();
            assertArrayEquals(new int[]{ 3 }, IntStream.of(kernel).map(OPTERON::packageOf).distinct().toArray(), name);
        }
    }

    @Test
    void shouldHaveTheHttperfLayoutsOfFigure10()
    {
        final CoreLayout shared = GenerOsLayouts.named("g-8000-8000");
        final CoreLayout dedicated = GenerOsLayouts.named("g-8000-800");

        assertEquals("app=0-14 network=15 irq=15", shared.toString());
        assertEquals("app=0-10,12-14 network=15 irq=11", dedicated.toString());
        assertEquals(List.of(), shared.validate(OPTERON));
        assertEquals(List.of(), dedicated.validate(OPTERON));
    }

    @Test
    void shouldLookUpGenerOsNamesIgnoringCase()
    {
        assertSame(GenerOsLayouts.G_8880, GenerOsLayouts.named("G-8880"));
        assertSame(GenerOsLayouts.G_C000, GenerOsLayouts.named(" g-C000 "));
        assertEquals(
            List.of("g-8000", "g-8800", "g-8880", "g-8888", "g-c000", "g-e000", "g-f000", "g-8000-8000", "g-8000-800"),
            GenerOsLayouts.names());
    }

    @Test
    void shouldRefuseAnUnknownGenerOsName()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> GenerOsLayouts.named("g-1234"));

        assertEquals(
            "unknown GenerOS layout 'g-1234': expected one of g-8000, g-8800, g-8880, g-8888, g-c000, g-e000, " +
            "g-f000, g-8000-8000, g-8000-800",
            ex.getMessage());
    }

    @Test
    void shouldRefuseAnUnknownKey()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> CoreLayout.parse("app=0-3 disk=4"));

        assertEquals(
            "bad layout 'app=0-3 disk=4': unknown key 'disk', expected one of app, file, network, signal, ipc, " +
            "process, other, irq",
            ex.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = { "file7", "=7", "app=0-3 file" })
    void shouldRefuseAPairWithoutKeyAndValue(final String layout)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> CoreLayout.parse(layout));

        assertTrue(ex.getMessage().startsWith("bad layout '" + layout + "': '"), ex.getMessage());
        assertTrue(ex.getMessage().contains("is not key=cpus, expected pairs such as 'app=0-6 file=7 irq=7'"),
            ex.getMessage());
    }

    @Test
    void shouldRefuseAKeyGivenTwice()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> CoreLayout.parse("file=7 app=0-6 FILE=11"));

        assertTrue(ex.getMessage().startsWith("bad layout 'file=7 app=0-6 FILE=11': key 'file' appears twice"),
            ex.getMessage());
    }

    @Test
    void shouldSayWhichCpuListIsBad()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> CoreLayout.parse("app=0-6 file=7-x"));

        assertEquals(
            "bad layout 'app=0-6 file=7-x': file=7-x: bad cpu list '7-x': expected numbers and ranges like 0-3,8",
            ex.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "   ", "irq=" })
    void shouldRefuseALayoutWithoutCpus(final String layout)
    {
        assertThrows(IllegalArgumentException.class, () -> CoreLayout.parse(layout));
    }

    @Test
    void shouldRefuseNegativeCpusInTheBuilder()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> CoreLayout.builder().servers(SyscallClass.FILE, 3, -1));

        assertEquals("cpu -1 is out of range: cpu ids are between 0 and 65535", ex.getMessage());
    }

    @Test
    void shouldRefuseCpusTheMachineDoesNotHave()
    {
        final CpuTopology twoCore = TopologyFixtures.load(TWO_CORE);

        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> GenerOsLayouts.G_8880.validate(twoCore));

        final String message = ex.getMessage();
        assertTrue(message.startsWith("layout 'app=0-6,8-10,12-14 file=7,11,15 irq=7,11,15' does not fit " +
            "CpuTopology{cpus=0-1, packages=1, cores=2, l3=1, nodes=1}: "), message);
        assertTrue(message.contains("cpu 2 (app) is not a cpu of this machine, which has cpus 0-1"), message);
        assertTrue(message.contains("cpu 15 (file server, irq) is not a cpu of this machine, which has cpus 0-1"),
            message);
        assertFalse(message.contains("cpu 0 "), message);
    }

    @Test
    void shouldRefuseOfflineCpus()
    {
        final Path root = TopologyFixtures.copy(OPTERON_4S16C, tempDir);
        TopologyFixtures.write(root.resolve("cpu/online"), "0-10,12-15");
        TopologyFixtures.write(root.resolve("node/node2/cpulist"), "8-10");
        final CpuTopology topology = CpuTopology.load(root);

        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> GenerOsLayouts.G_8880.validate(topology));

        assertTrue(ex.getMessage().endsWith(
            ": cpu 11 (file server, irq) is offline, the online cpus are 0-10,12-15"), ex.getMessage());
    }

    @Test
    void shouldWarnWhenAServerSharesACpuWithTheApplication()
    {
        final List<String> warnings = CoreLayout.parse("app=0-7 file=7 irq=15").validate(OPTERON);

        assertEquals(
            List.of("cpu 7 runs file server and application threads: they take turns on one cpu, which slows both " +
                "(GenerOS keeps kernel and application cores apart)"),
            warnings);
    }

    @Test
    void shouldWarnWhenAServerHasAnApplicationSmtSibling()
    {
        final CpuTopology smt = TopologyFixtures.load(TWO_SOCKET_64C_SMT);

        final List<String> warnings = CoreLayout.parse("app=1-63 network=0,0").validate(smt);

        assertEquals(List.of(), CoreLayout.parse("app=1-31,33-63 network=0,32").validate(smt));
        assertEquals(List.of(
            "cpu 0 runs network servers and its SMT sibling cpu 32 runs application threads: they share one " +
                "core's execution units and L1/L2 caches",
            "cpu 0 runs 2 servers (network x2): each gets part of the cpu, and a spinning server takes time " +
                "from the others"),
            warnings);
    }

    @Test
    void shouldWarnWhenInterruptsLandOnApplicationCpus()
    {
        final List<String> warnings = CoreLayout.parse("app=0-14 file=15 irq=3").validate(OPTERON);

        assertEquals(
            List.of("cpu 3 takes device interrupts and runs application threads: interrupts will disturb the " +
                "application (GenerOS moves them to interrupt cores)"),
            warnings);
    }

    @Test
    void shouldWarnWhenServersOfTwoClassesShareACpu()
    {
        final List<String> warnings = CoreLayout.parse("app=0-14 file=15 network=15").validate(OPTERON);

        assertEquals(
            List.of("cpu 15 runs 2 servers (file, network): each gets part of the cpu, and a spinning " +
                "server takes time from the others"),
            warnings);
    }

    @Test
    void shouldRequireAServerForEveryRoutedClass()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class,
            () -> GenerOsLayouts.G_8880.requireServersFor(EnumSet.of(SyscallClass.FILE, SyscallClass.NETWORK)));

        assertEquals(
            "no server for class network which is routed: add network=<cpus> to the layout or route network " +
            "INLINE (layout 'app=0-6,8-10,12-14 file=7,11,15 irq=7,11,15')",
            ex.getMessage());
    }

    @Test
    void shouldNameEveryRoutedClassWithoutAServer()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class,
            () -> CoreLayout.parse("app=0").requireServersFor(EnumSet.of(SyscallClass.IPC, SyscallClass.SIGNAL)));

        assertTrue(ex.getMessage().startsWith("no server for class signal which is routed"), ex.getMessage());
        assertTrue(ex.getMessage().contains("; no server for class ipc which is routed"), ex.getMessage());
    }

    @Test
    void shouldAcceptRoutedClassesThatHaveServers()
    {
        assertDoesNotThrow(() -> CoreLayout.parse("app=0 file=1 network=1").requireServersFor(
            EnumSet.of(SyscallClass.FILE, SyscallClass.NETWORK)));
        assertDoesNotThrow(() -> GenerOsLayouts.G_8000.requireServersFor(Set.of()));
    }

    @Test
    void shouldFitThisMachineWithOneCpuForTheApplicationAndOneForTheServer()
    {
        final CpuTopology topology = TopologyFixtures.load(TWO_CORE);

        assertEquals(List.of(), CoreLayout.parse("app=0 file=1 irq=1").validate(topology));
    }

    private static String paperList(final String table)
    {
        return table.replace('~', '-').replace(" ", "").toLowerCase(Locale.ROOT);
    }

    private static int[] bits(final int mask)
    {
        return IntStream.range(0, 16).filter(bit -> (mask & (1 << bit)) != 0).toArray();
    }
}
