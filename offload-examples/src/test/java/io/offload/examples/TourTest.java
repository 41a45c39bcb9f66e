package io.offload.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TourTest
{
    private static final List<String> CALLS = List.of("getpid", "open+close", "stat", "pread 4K");

    /** A table line: call, direct ns, offloaded ns, ratio, caller cpu, server cpu, sched_getcpu on the server. */
    private static final Pattern ROW = Pattern.compile(
        "^(getpid|open\\+close|stat|pread 4K)\\s+(\\d+\\.\\d)\\s+(\\d+\\.\\d)\\s+(\\d+\\.\\d\\d)\\s+(-?\\d+)\\s+(-?\\d+)" +
        "\\s+(-?\\d+)\\s*$", Pattern.MULTILINE);

    @Test
    void mainPrintsTheTableAndWritesJson(@TempDir final Path dir) throws Exception
    {
        final Path json = dir.resolve("tour.json");
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try
        {
            onFreshThread(() ->
            {
                Tour.main(new String[]{"", "--samples", "200", "--warmup", "200", "--json", json.toString(), ""});
                return null;
            });
        }
        finally
        {
            System.setOut(out);
        }
        final String text = bytes.toString(StandardCharsets.UTF_8);
        out.print(text);

        assertTrue(text.contains("offload tour: nproc "), text);
        assertTrue(text.contains("Java " + Runtime.version()), text);
        assertTrue(text.contains("runtime stats:"), text);
        assertTrue(text.contains("offload-file-0"), "the stats table names the server\n" + text);

        final Matcher m = ROW.matcher(text);
        int rows = 0;
        while (m.find())
        {
            assertEquals(CALLS.get(rows), m.group(1), "rows in order");
            final double direct = Double.parseDouble(m.group(2));
            final double offloaded = Double.parseDouble(m.group(3));
            final double ratio = Double.parseDouble(m.group(4));
            assertTrue(direct > 0 && offloaded > 0, m.group());
            assertEquals(offloaded / direct, ratio, 0.01 + ratio * 0.01, m.group());
            for (int g = 5; g <= 7; g++)
            {
                assertTrue(Integer.parseInt(m.group(g)) >= 0, "cpu column " + g + " filled: " + m.group());
            }
            rows++;
        }
        assertEquals(4, rows, "four calls in the table\n" + text);

        final String written = Files.readString(json);
        for (final String call : CALLS)
        {
            assertTrue(written.contains("{\"call\": \"" + call + "\""), written);
        }
        assertTrue(written.contains("\"samples\": 200,"), written);
        assertTrue(written.contains("\"ratio\": "), written);
        assertTrue(written.trim().startsWith("{") && written.trim().endsWith("}"), written);
    }

    @Test
    void runReturnsPositiveFiguresAndFilledCpus() throws Exception
    {
        final TourReport report = onFreshThread(() -> Tour.run(new TourOptions(200, 100, 8, null), null));
        assertEquals(CALLS, report.rows().stream().map(TourReport.Row::call).toList());
        for (final TourReport.Row row : report.rows())
        {
            assertTrue(row.directNs() > 0, row.toString());
            assertTrue(row.offloadedNs() > 0, row.toString());
            assertTrue(row.ratio() > 0 && Double.isFinite(row.ratio()), row.toString());
            assertTrue(row.callerCpu() >= 0, row.toString());
            assertTrue(row.serverCpu() >= 0, row.toString());
            assertTrue(row.serverCallCpu() >= 0, row.toString());
            if (report.serverPinned())
            {
                assertEquals(report.serverCpu(), row.serverCallCpu(), "an offloaded sched_getcpu runs on the server");
                assertEquals(report.serverCpu(), row.serverCpu(), row.toString());
            }
            if (report.callerPinned())
            {
                assertEquals(report.callerCpu(), row.callerCpu(), row.toString());
            }
        }
        assertTrue(report.nproc() >= 1);
        assertFalse(report.table().isBlank());
        assertTrue(report.statsTable().contains("offload-file-0"), report.statsTable());
        final boolean asPlanned = report.nproc() >= 2 && report.serverPinned() && report.callerPinned();
        assertEquals(asPlanned, report.notes().isEmpty(),
            "a note exactly when the layout could not be had: " + report.notes());
    }

    @Test
    void parsesOptions()
    {
        final TourOptions defaults = TourOptions.parse();
        assertEquals(TourOptions.DEFAULT_SAMPLES, defaults.samples());
        assertEquals(TourOptions.DEFAULT_BATCH, defaults.batch());
        assertEquals(null, defaults.json());

        final TourOptions options = TourOptions.parse("", "--samples=5_000", "--json", "out.json", " ");
        assertEquals(5_000, options.samples());
        assertEquals(1_250, options.warmup());
        assertEquals(Path.of("out.json"), options.json());

        assertThrows(IllegalArgumentException.class, () -> TourOptions.parse("--samples"));
        assertThrows(IllegalArgumentException.class, () -> TourOptions.parse("--samples", "0"));
        assertThrows(IllegalArgumentException.class, () -> TourOptions.parse("--samples", "many"));
        assertThrows(IllegalArgumentException.class, () -> TourOptions.parse("--frobnicate"));
    }

    @Test
    void jsonEscapesStrings()
    {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", JsonWriter.quote("a\"b\\c\nd\u0001"));
    }

    /**
     * The tour pins the thread that runs it, and a pinned thread stays pinned (and its children inherit the mask):
     * give each run a thread of its own so that neither this test's thread nor the next test sees one CPU.
     */
    private static <T> T onFreshThread(final Callable<T> body) throws Exception
    {
        final FutureTask<T> task = new FutureTask<>(body);
        final Thread thread = Thread.ofPlatform().name("tour-caller").start(task);
        thread.join();
        try
        {
            return task.get();
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof Exception cause)
            {
                throw cause;
            }
            throw new AssertionError(ex.getCause());
        }
    }
}
