package io.offload.examples.workloads;

import io.offload.api.RawSyscalls;
import io.offload.api.SyscallClass;
import io.offload.api.WaitStrategy;
import io.offload.examples.JsonReader;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadsTest
{
    /** A task row: id, what, syscalls, direct ms, offloaded ms, ratio, thesis ramfs, thesis disk, table, check. */
    private static final Pattern TASK_ROW = Pattern.compile(
        "^(task[0-5])\\s+.+?\\s+([\\d,]+)\\s+(\\d+\\.\\d)\\s+(\\d+\\.\\d)\\s+(\\d+\\.\\d\\d)\\s+(\\d\\.\\d\\d)\\s+" +
        "(\\d\\.\\d\\d)\\s+(5\\.[2-7])\\s+(ok|MISMATCH): .*$", Pattern.MULTILINE);

    /**
     * One runtime for the tests that call the tasks directly: an unpinned server and callers that park, so they
     * pass on a machine of any size and load (the layout is the main program's business, tested through it).
     */
    private static OffloadRuntime runtime;

    @BeforeAll
    static void startRuntime()
    {
        runtime = OffloadRuntime.builder().servers(SyscallClass.FILE, -1).route(SyscallClass.PROCESS, SyscallClass.FILE)
            .idleStrategy("yield").waitStrategy(WaitStrategy.SPIN_THEN_PARK).spinLimit(200).build();
    }

    @AfterAll
    static void stopRuntime()
    {
        runtime.close();
    }

    @Test
    void mainRunsEveryTaskAndTheMixAndWritesJson(@TempDir final Path dir) throws Exception
    {
        final Path json = dir.resolve("workloads.json");
        final Path tmp = Files.createDirectory(dir.resolve("tmp"));
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = System.out;
        final String tmpdir = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", tmp.toString()); // where the run makes its files: checked empty below
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try
        {
            Workloads.main(new String[]{"", "--scale", "0.0005", "--files", "40", "--repeats", "1", "--threads",
                "3", "--json", json.toString(), ""});
        }
        finally
        {
            System.setOut(out);
            System.setProperty("java.io.tmpdir", tmpdir);
        }
        final String text = bytes.toString(StandardCharsets.UTF_8);
        out.print(text);

        assertTrue(text.contains("offload workloads: nproc "), text);
        assertTrue(text.contains("Java " + Runtime.version()), text);
        assertTrue(text.contains("callers wait "), "the wait strategy is printed\n" + text);
        assertTrue(text.contains("server idles "), "the idle strategy is printed\n" + text);
        final Matcher m = TASK_ROW.matcher(text);
        int rows = 0;
        while (m.find())
        {
            assertEquals("task" + rows, m.group(1), "rows in order");
            assertEquals("ok", m.group(9), m.group());
            final double direct = Double.parseDouble(m.group(3));
            final double offloaded = Double.parseDouble(m.group(4));
            assertTrue(direct >= 0 && offloaded >= 0, m.group());
            rows++;
        }
        assertEquals(6, rows, "six tasks in the table\n" + text);
        final boolean twoCpus = Workloads.Plan.current().twoCpus();
        for (final String layout : List.of("direct (no server)", "FILE server on cpu ", "FILE server sharing cpu ",
            "direct, callers on all cpus"))
        {
            assertEquals(twoCpus || layout.startsWith("direct (") , text.contains(layout), layout + "\n" + text);
        }

        final Map<?, ?> root = (Map<?, ?>)JsonReader.parse(Files.readString(json));
        final Map<?, ?> machine = (Map<?, ?>)root.get("machine");
        assertTrue(((Double)machine.get("nproc")) >= 1, machine.toString());
        assertEquals(Runtime.version().toString(), machine.get("java"));
        final Map<?, ?> zcore = (Map<?, ?>)root.get("zcore");
        final Map<?, ?> layout = (Map<?, ?>)zcore.get("layout");
        assertTrue(layout.containsKey("waitStrategy") && layout.containsKey("idleStrategy"), layout.toString());
        final List<?> taskRows = (List<?>)zcore.get("rows");
        assertEquals(6, taskRows.size());
        final double[] thesisRamfs = {4.33, 1.00, 1.01, 3.85, 1.00, 1.02};
        for (int i = 0; i < taskRows.size(); i++)
        {
            final Map<?, ?> row = (Map<?, ?>)taskRows.get(i);
            assertEquals("task" + i, row.get("task"));
            assertEquals(Boolean.TRUE, row.get("verified"), row.toString());
            assertTrue((Double)row.get("directMs") > 0 && (Double)row.get("offloadedMs") > 0, row.toString());
            assertEquals((Double)row.get("offloadedMs") / (Double)row.get("directMs"), (Double)row.get("ratio"),
                0.01 * (Double)row.get("ratio") + 1e-3, row.toString());
            final Map<?, ?> thesis = (Map<?, ?>)row.get("thesis");
            assertEquals(thesisRamfs[i], (Double)thesis.get("ramfsRatio"), 0.005, thesis.toString());
            assertTrue(row.get("result") instanceof Map<?, ?>, row.toString());
        }
        assertEquals(zcore.get("offloadedCalls"), zcore.get("serverCompleted"),
            "every offloaded call ran on the server");
        final Map<?, ?> mix = (Map<?, ?>)root.get("mix");
        assertEquals("platform", mix.get("callerThreads"));
        final List<?> mixRows = (List<?>)mix.get("rows");
        assertEquals(twoCpus ? 4 : 2, mixRows.size(), mixRows.toString());
        for (final Object o : mixRows)
        {
            final Map<?, ?> row = (Map<?, ?>)o;
            assertEquals(3.0 * 16, (Double)row.get("ops"), row.toString());
            assertEquals(3.0, (Double)row.get("fsyncs"), "one fsync per thread at 16 ops: " + row);
            assertTrue((Double)row.get("opsPerSecond") > 0, row.toString());
        }
        assertTrue((Double)mix.get("rewrittenBlocks") > 0, mix.toString());
        try (Stream<Path> left = Files.list(tmp))
        {
            assertEquals(List.of(), left.toList(), "the generated files are deleted");
        }
    }

    @Test
    void task0ReturnsThisProcessIdsBothWays()
    {
        final long pid = ProcessHandle.current().pid();
        final long ppid = DirectSyscalls.raw().getppid();
        ProcessHandle.current().parent().ifPresent(parent -> assertEquals(parent.pid(), ppid));
        final ZcoreTask.Sizes sizes = new ZcoreTask.Sizes(1_000, 1, 1);
        final Tally direct = ZcoreTask.TASK0.runCopy(DirectSyscalls.raw(), sizes, null, pid, ppid);
        final Tally offloaded = ZcoreTask.TASK0.runCopy(runtime.raw(), sizes, null, pid, ppid);
        assertEquals(new Tally.Pids(2_000, 1_000, pid, ppid), direct);
        assertEquals(direct, offloaded);
        assertEquals(ZcoreTask.TASK0.expected(sizes, null, pid, ppid), direct);
        assertEquals(new Tally.Pids(4_000, 2_000, pid, ppid), ZcoreTask.TASK3.expected(sizes, null, pid, ppid));
        assertThrows(IllegalStateException.class,
            () -> ZcoreTask.TASK0.runCopy(runtime.raw(), sizes, null, pid + 1, ppid), "a wrong pid is caught");
    }

    @Test
    void task1StatsEveryEntryBothWays(@TempDir final Path dir) throws IOException
    {
        try (SourceTree tree = SourceTree.create(dir, 70, 7))
        {
            long sizes = 0;
            for (final Path file : tree.files())
            {
                sizes += Files.size(file);
            }
            assertEquals(tree.totalBytes(), sizes);
            final ZcoreTask.Sizes three = new ZcoreTask.Sizes(1, 3, 1);
            for (final RawSyscalls sys : List.of(DirectSyscalls.raw(), runtime.raw()))
            {
                final Tally.Stats stats = (Tally.Stats)ZcoreTask.TASK1.runCopy(sys, three, tree, 0, 0);
                assertEquals(3 * 72, stats.entries(), "every file and . and .., three rounds");
                assertEquals(3 * 70, stats.regularFiles());
                assertEquals(3 * sizes, stats.bytes());
                assertTrue(stats.syscalls() >= 3 * (72 + 3), "openat, >= 2 getdents64, 72 statx, close per round");
                assertTrue(stats.matches(ZcoreTask.TASK1.expected(three, tree, 0, 0)));
            }
            final Tally two = Workers.run("t4", 2, null,
                i -> ZcoreTask.TASK4.runCopy(runtime.raw(), three, tree, 0, 0)).results().stream()
                .reduce(Tally::plus).orElseThrow();
            assertTrue(two.matches(ZcoreTask.TASK4.expected(three, tree, 0, 0)), two.toString());
        }
    }

    @Test
    void task2CountsWordsLikePlainJavaBothWays(@TempDir final Path dir) throws IOException
    {
        try (SourceTree tree = SourceTree.create(dir, 50, 11))
        {
            long lines = 0;
            long words = 0;
            long bytes = 0;
            for (final Path file : tree.files())
            {
                final byte[] content = Files.readAllBytes(file);
                final String text = new String(content, StandardCharsets.US_ASCII);
                bytes += content.length;
                lines += text.chars().filter(c -> c == '\n').count();
                words += Stream.of(text.split("[ \\t\\n\\x0B\\f\\r]+")).filter(w -> !w.isEmpty()).count();
            }
            final ZcoreTask.Sizes sizes = new ZcoreTask.Sizes(1, 1, 2);
            final Tally.Words direct = (Tally.Words)ZcoreTask.TASK2.runCopy(DirectSyscalls.raw(), sizes, tree, 0, 0);
            final Tally.Words offloaded = (Tally.Words)ZcoreTask.TASK2.runCopy(runtime.raw(), sizes, tree, 0, 0);
            assertEquals(direct, offloaded);
            assertEquals(new Tally.Words(direct.syscalls(), 100, 2 * lines, 2 * words, 2 * bytes), direct,
                "two passes over 50 files");
            assertTrue(words > 1_000, "the files hold text: " + words);
            long reads = 0;
            for (final Path file : tree.files())
            {
                reads += Files.size(file) / ZcoreTask.WC_READ_SIZE + 1 + 2; // full reads, the short or empty one, open, close
                reads += Files.size(file) % ZcoreTask.WC_READ_SIZE == 0 ? 0 : 1;
            }
            assertEquals(2 * reads, direct.syscalls(), "1 KiB reads, like busybox wc through musl's stdio");
            assertTrue(direct.matches(tree.expectedWords().times(2)));

            final Tally both = Workers.run("t5", 2, null,
                i -> ZcoreTask.TASK5.runCopy(runtime.raw(), new ZcoreTask.Sizes(1, 1, 1), tree, 0, 0)).results()
                .stream().reduce(Tally::plus).orElseThrow();
            assertEquals(new Tally.Words(direct.syscalls(), 100, 2 * lines, 2 * words, 2 * bytes), both,
                "two concurrent copies of one pass");
        }
    }

    @Test
    void wordCounterCountsAcrossReadBoundaries()
    {
        final WordCounter counter = new WordCounter();
        counter.startFile();
        counter.accept("  one tw".getBytes(StandardCharsets.US_ASCII));
        counter.accept("o\tthree\n\nfour".getBytes(StandardCharsets.US_ASCII));
        counter.endFile();
        counter.startFile();
        counter.accept("five\n".getBytes(StandardCharsets.US_ASCII));
        counter.endFile();
        assertEquals(new Tally.Words(0, 2, 3, 5, 26), counter.result(0));
    }

    @Test
    void sourceTreeIsDeterministicBoundedAndDeleted(@TempDir final Path dir) throws IOException
    {
        final Path first;
        final long bytes;
        try (SourceTree a = SourceTree.create(dir, 300, SourceTree.DEFAULT_SEED);
            SourceTree b = SourceTree.create(dir, 300, SourceTree.DEFAULT_SEED))
        {
            first = a.dir();
            bytes = a.totalBytes();
            assertEquals(a.totalBytes(), b.totalBytes());
            assertEquals(a.expectedWords(), b.expectedWords());
            final Set<String> names = new HashSet<>();
            for (final Path file : a.files())
            {
                final long size = Files.size(file);
                assertTrue(size >= SourceTree.MIN_SIZE && size <= SourceTree.MAX_SIZE, file + ": " + size);
                assertTrue(names.add(file.getFileName().toString()), "unique names");
            }
        }
        assertFalse(Files.exists(first), "closing deletes the tree");
        final double mean = bytes / 300.0;
        assertTrue(mean > 20_000 && mean < 45_000, "about the thesis' 44,000 reads of 1 KiB per 1,200 files: " + mean);
    }

    @Test
    void mixDoesTheSameCallsDirectAndOffloadedAndLeavesEveryBlockWhole(@TempDir final Path dir) throws IOException
    {
        final FileMix.Config config = new FileMix.Config(3, 20, 4, 64 * 1024, 4096, 4, 8, 42);
        try (FileMix.DataSet data = FileMix.DataSet.create(dir, config))
        {
            final FileMix.Result direct = FileMix.run(DirectSyscalls.raw(), data, config, null);
            final FileMix.Result offloaded = FileMix.run(runtime.raw(), data, config, null);
            assertEquals(direct.counts(), offloaded.counts());
            assertEquals(60, direct.ops());
            assertEquals(60 * 4, direct.preads());
            assertEquals(60, direct.pwrites());
            assertEquals(3 * 2, direct.fsyncs(), "every 8th of 20 ops per thread");
            assertEquals(config.totalSyscalls(), direct.syscalls());
            assertEquals(60L * 4 * 4096, direct.bytesRead());
            assertTrue(direct.opsPerSecond() > 0 && offloaded.opsPerSecond() > 0);
            final long rewritten = data.verify(config.threads(), config.opsPerThread());
            assertTrue(rewritten > 0 && rewritten <= 4 * 16, "rewritten blocks: " + rewritten);
        }
    }

    @Test
    void parsesOptions()
    {
        final WorkloadsOptions defaults = WorkloadsOptions.parse();
        assertEquals(1.0, defaults.scale());
        assertEquals(List.of(ZcoreTask.values()), defaults.tasks());
        assertTrue(defaults.mix());
        assertEquals(3, defaults.repeats());
        assertEquals(SourceTree.THESIS_FILES, defaults.files());
        assertEquals(new ZcoreTask.Sizes(10_000_000, 100, 1), defaults.sizes());
        assertEquals(2_000, defaults.mixConfig().opsPerThread());

        final WorkloadsOptions some = WorkloadsOptions.parse(" ", "--scale=0.001", "--tasks", "task3,0,mix",
            "--json", "w.json", "--threads=2");
        assertEquals(List.of(ZcoreTask.TASK0, ZcoreTask.TASK3), some.tasks());
        assertTrue(some.mix());
        assertEquals(Path.of("w.json"), some.json());
        assertEquals(new ZcoreTask.Sizes(10_000, 1, 1), some.sizes());
        assertEquals(FileMix.Config.FSYNC_EVERY, some.mixConfig().opsPerThread(), "at least one fsync period");
        assertFalse(WorkloadsOptions.parse("--tasks", "zcore").mix());
        assertEquals(List.of(), WorkloadsOptions.parse("--tasks", "mix").tasks());

        assertThrows(IllegalArgumentException.class, () -> WorkloadsOptions.parse("--scale"));
        assertThrows(IllegalArgumentException.class, () -> WorkloadsOptions.parse("--scale", "0"));
        assertThrows(IllegalArgumentException.class, () -> WorkloadsOptions.parse("--scale", "lots"));
        assertThrows(IllegalArgumentException.class, () -> WorkloadsOptions.parse("--tasks", "task6"));
        assertThrows(IllegalArgumentException.class, () -> WorkloadsOptions.parse("--tasks", ","));
        assertThrows(IllegalArgumentException.class, () -> WorkloadsOptions.parse("--frobnicate"));
        assertThrows(io.offload.examples.CommandLine.HelpRequested.class, () -> WorkloadsOptions.parse("--help"));
    }

    @Test
    void thesisFiguresAreTheTablesOwn()
    {
        assertEquals(4.33, ZcoreTask.TASK0.thesisRamfsRatio(), 0.005);
        assertEquals(4.33, ZcoreTask.TASK0.thesisDiskRatio(), 0.005);
        assertEquals(1.00, ZcoreTask.TASK1.thesisRamfsRatio(), 0.005);
        assertEquals(0.99, ZcoreTask.TASK1.thesisDiskRatio(), 0.005);
        assertEquals(1.01, ZcoreTask.TASK2.thesisRamfsRatio(), 0.005);
        assertEquals(0.98, ZcoreTask.TASK2.thesisDiskRatio(), 0.005);
        assertEquals(3.85, ZcoreTask.TASK3.thesisRamfsRatio(), 0.005);
        assertEquals(3.83, ZcoreTask.TASK3.thesisDiskRatio(), 0.005);
        assertEquals(1.00, ZcoreTask.TASK4.thesisRamfsRatio(), 0.005);
        assertEquals(1.02, ZcoreTask.TASK4.thesisDiskRatio(), 0.005);
        assertEquals(1.02, ZcoreTask.TASK5.thesisRamfsRatio(), 0.005);
        assertEquals(1.01, ZcoreTask.TASK5.thesisDiskRatio(), 0.005);
    }
}
