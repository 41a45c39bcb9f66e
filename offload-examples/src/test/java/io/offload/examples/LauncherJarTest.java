package io.offload.examples;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runnable jar, as the README runs it: {@code java -jar offload-examples/target/offload-examples.jar ...} in a
 * child JVM, with no class path and no {@code --enable-native-access} flag. Maven runs this in integration-test,
 * after {@code package} has built the jar (see the module's pom).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LauncherJarTest
{
    /** Set by the integration-test execution only: elsewhere (a unit-test run, an IDE) the jar may be stale. */
    private static final String JAR_PROPERTY = "offload.launcher.jar";

    /** What a child JVM did. */
    private record Run(int status, String out, String err)
    {
    }

    private static Run java(final String... args) throws IOException, InterruptedException
    {
        final String jar = System.getProperty(JAR_PROPERTY);
        Assumptions.assumeTrue(jar != null, "runs in integration-test, after `package` has built the jar " +
            "(./mvnw -pl offload-examples -am verify)");
        assertTrue(Files.isRegularFile(Path.of(jar)), jar + " is missing: `package` did not build it");
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
        command.addAll(List.of(args));
        final Path dir = Files.createTempDirectory("launcher-");
        final Path out = dir.resolve("out");
        final Path err = dir.resolve("err");
        final Process child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        assertTrue(child.waitFor(2, TimeUnit.MINUTES), "a bound for a hung child, not a timing check: " + command);
        final Run run = new Run(child.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        Files.delete(dir);
        return run;
    }

    @Test
    void helpListsEveryCommandAndExitsZero() throws Exception
    {
        final Run run = java("--help");
        assertEquals(0, run.status(), run.err());
        for (final Main.Command command : Main.COMMANDS)
        {
            assertTrue(run.out().contains("\n  " + command.name() + " "), command.name() + "\n" + run.out());
        }
    }

    @Test
    void anUnknownCommandPrintsTheUsageAndExitsTwo() throws Exception
    {
        final Run unknown = java("frobnicate");
        assertEquals(Main.USAGE_STATUS, unknown.status());
        assertTrue(unknown.err().startsWith("unknown command 'frobnicate'\nusage: "), unknown.err());
        assertEquals("", unknown.out());

        final Run none = java();
        assertEquals(Main.USAGE_STATUS, none.status());
        assertTrue(none.err().contains("usage: "), none.err());
    }

    @Test
    void everyCommandAnswersItsOwnHelp() throws Exception
    {
        for (final Main.Command command : Main.COMMANDS)
        {
            final Run run = java(command.name(), "--help");
            assertEquals(0, run.status(), command.name() + ": " + run.err());
            assertTrue(run.out().startsWith("usage: " + command.name() + " "), command.name() + "\n" + run.out());
        }
    }

    @Test
    void theTourRunsFromTheJarWithNativeAccessGranted() throws Exception
    {
        final Run run = java("tour", "--samples", "20", "--warmup", "0", "--batch", "1");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("offload tour: nproc "), run.out());
        assertTrue(run.out().contains("runtime stats:"), run.out());
        assertFalse(run.err().contains("restricted method"), "the manifest grants native access\n" + run.err());
    }
}
