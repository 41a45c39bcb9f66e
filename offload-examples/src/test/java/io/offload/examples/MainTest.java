package io.offload.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher's dispatch, in this JVM; {@code LauncherJarTest} runs the built jar in child JVMs.
 */
class MainTest
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Main.Command find(final String... args)
    {
        return Main.find(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    @Test
    void findsEveryCommandByName()
    {
        final List<String> names = Main.COMMANDS.stream().map(Main.Command::name).toList();
        assertEquals(List.of("http", "tour", "workloads", "top", "layout", "phases", "top-demo"), names);
        for (final String name : names)
        {
            assertEquals(name, find(name, "--help").name());
        }
        assertEquals("", out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheCommandsOnStandardOutput()
    {
        assertNull(find("--help"));
        final String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("usage: java -jar offload-examples.jar COMMAND"), text);
        for (final Main.Command command : Main.COMMANDS)
        {
            assertTrue(text.contains("\n  " + command.name() + " "), command.name() + " listed\n" + text);
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownOrMissingCommandIsAMistake()
    {
        assertNull(find("frobnicate", "--help"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("unknown command 'frobnicate'\nusage: "),
            err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertNull(find());
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("say which program to run\nusage: "),
            err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
