package io.offload.examples.top;

import io.offload.examples.JsonReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The phase export writes every call's five phases and its direct figures, and the plot script draws them: the
 * script lives outside the Maven modules, so this test is what keeps the two formats in step.
 */
class PhaseExportTest
{
    private static final List<String> LABELS = List.of("getpid", "open", "close", "stat", "pread 4K");

    @Test
    void writesPhasesAndDirectFiguresForEveryCallAndThePlotDrawsThem(@TempDir final Path dir) throws Exception
    {
        final Path json = dir.resolve("phases.json");
        final PrintStream stdout = System.out;
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try
        {
            // a thread of its own: the export pins its caller thread, which must not be the test runner's
            final Thread t = Thread.ofPlatform().start(() ->
            {
                try
                {
                    PhaseExport.main(new String[]{"--calls", "300", "--warmup", "100", "-o", json.toString()});
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            });
            t.join();
        }
        finally
        {
            System.setOut(stdout);
        }
        if (failure.get() != null)
        {
            throw new AssertionError("PhaseExport failed", failure.get());
        }
        final String text = Files.readString(json);
        stdout.print(text);
        final List<?> syscalls = (List<?>)((Map<?, ?>)JsonReader.parse(text)).get("syscalls");
        assertEquals(LABELS, syscalls.stream().map(row -> ((Map<?, ?>)row).get("label")).toList(),
            "a row for each call, in order\n" + text);
        for (final String phase : List.of("ENTER", "FLYIN", "HANDLE", "FLYOUT", "EXIT", "TOTAL"))
        {
            final Matcher m = Pattern.compile("\"" + phase + "\": \\{\"count\": (\\d+), \"p50\": (\\d+), \"mean\": " +
                "([0-9.]+), \"p99\": (\\d+)}").matcher(text);
            int rows = 0;
            while (m.find())
            {
                rows++;
                assertEquals(300, Long.parseLong(m.group(1)), phase + ": every recorded call, none of the warm-up");
                assertTrue(Long.parseLong(m.group(2)) <= Long.parseLong(m.group(4)), phase + ": p50 <= p99");
            }
            assertEquals(LABELS.size(), rows, phase + " for every call\n" + text);
        }
        final Matcher direct = Pattern.compile("\"direct\": \\{\"count\": 300, \"p50\": (\\d+)").matcher(text);
        int directs = 0;
        while (direct.find())
        {
            directs++;
            assertTrue(Long.parseLong(direct.group(1)) > 0, "a direct call takes some time");
        }
        assertEquals(LABELS.size(), directs, text);
        assertTrue(text.contains("\"machine\": {\"cpu\": "), text);

        final Path script = Path.of("..", "jmh-bench", "plots", "PhasePlot.java").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isRegularFile(script), "the plot script is not at " + script + ": run the " +
            "tests from the offload-examples module directory (Maven does)");
        final Path svg = dir.resolve("phases.svg");
        final Process plot = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            script.toString(), json.toString(), "-o", svg.toString(), "--no-png")
            .redirectErrorStream(true).redirectOutput(dir.resolve("plot.log").toFile()).start();
        assertTrue(plot.waitFor(5, TimeUnit.MINUTES), "the plot script finished"); // a bound for a hung process
        assertEquals(0, plot.exitValue(), Files.readString(dir.resolve("plot.log")));
        final String drawing = Files.readString(svg);
        assertTrue(drawing.startsWith("<?xml") && drawing.contains("<svg") && drawing.endsWith("</svg>\n"));
        for (final String text2 : List.of("getpid", "pread 4K", "FLYIN", "FLYOUT", "direct", "CPUs"))
        {
            assertTrue(drawing.contains(text2), "the drawing shows " + text2);
        }
    }
}
