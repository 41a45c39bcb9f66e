package io.offload.servers;

import io.offload.api.Syscalls;
import io.offload.rings.SyscallEntry;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A tiny application on the module path that {@code requires io.offload.servers} (an automatic module, named by its
 * jar's {@code Automatic-Module-Name}) and makes an offloaded call: compiled with the JDK's compiler and run in a
 * child JVM, from the packaged jars (failsafe runs it at {@code integration-test}, after {@code package}). What it
 * takes besides the library's jars is what an application takes today: {@code --add-modules org.slf4j} (SLF4J 2 is
 * an explicit module, which no automatic module can require), and {@code --enable-native-access=io.offload.servers}.
 */
class ModulePathIT
{
    private static final String APP_MODULE = """
        module offload.moduletest
        {
            requires io.offload.servers;
        }
        """;

    private static final String APP_MAIN = """
        package offload.moduletest;

        import io.offload.api.SyscallClass;
        import io.offload.api.Syscalls;
        import io.offload.servers.OffloadRuntime;

        public final class Main
        {
            public static void main(final String[] args) throws Exception
            {
                final Module servers = OffloadRuntime.class.getModule();
                System.out.println("module " + servers.getName() + " automatic " + servers.getDescriptor().isAutomatic());
                System.out.println("module " + Syscalls.class.getModule().getName());
                System.out.println("app " + Main.class.getModule().getName() + " reads servers " +
                    Main.class.getModule().canRead(servers));
                try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1).build())
                {
                    final int pid = runtime.syscalls().getpid();
                    final long picked = runtime.stats().servers().get(0).pickedUp();
                    System.out.println("offloaded getpid " + pid + " picked up " + picked);
                    if (pid != ProcessHandle.current().pid() || picked < 1)
                    {
                        throw new AssertionError("getpid " + pid + " did not run on the server (" + picked + ")");
                    }
                }
                System.out.println("OK");
            }
        }
        """;

    @TempDir
    Path dir;

    @Test
    void anApplicationOnTheModulePathRequiresIoOffloadServersAndMakesAnOffloadedCall() throws Exception
    {
        final List<Path> libraries = List.of(
            serversJar(),
            jarOf(Syscalls.class, "io.offload.api"),
            jarOf(SyscallEntry.class, "io.offload.rings"),
            jarOf(Agent.class, null),
            jarOf(Logger.class, null),
            jarOf(Histogram.class, null));
        final String modulePath = join(libraries);

        final Path sources = dir.resolve("src");
        final Path main = sources.resolve("offload/moduletest/Main.java");
        Files.createDirectories(main.getParent());
        Files.writeString(sources.resolve("module-info.java"), APP_MODULE);
        Files.writeString(main, APP_MAIN);
        final Path classes = dir.resolve("classes");
        final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler: run the tests on a JDK");
        final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        final int compiled = javac.run(null, diagnostics, diagnostics, "--module-path", modulePath, "-d",
            classes.toString(), sources.resolve("module-info.java").toString(), main.toString());
        assertEquals(0, compiled, "the module did not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));

        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> command = List.of(java,
            "--module-path", classes + File.pathSeparator + modulePath,
            "--add-modules", "org.slf4j",
            "--enable-native-access=io.offload.servers",
            "-m", "offload.moduletest/offload.moduletest.Main");
        final String output = run(command);
        assertTrue(output.contains("module io.offload.servers automatic true"), output);
        assertTrue(output.contains("module io.offload.api"), output);
        assertTrue(output.contains("app offload.moduletest reads servers true"), output);
        assertTrue(output.contains("offloaded getpid "), output);
        assertTrue(output.strip().endsWith("OK"), output);
        // native access granted by module name: no warning about a restricted method in an unnamed module
        assertFalse(output.contains("restricted method"), output);
    }

    /**
     * @return offload-servers' packaged jar: failsafe passes its path; it must exist (run through `verify`).
     */
    private static Path serversJar() throws IOException
    {
        final String property = System.getProperty("offload.servers.jar");
        assertNotNull(property, "offload.servers.jar is not set: run this test through failsafe (./mvnw verify)");
        final Path jar = Path.of(property);
        assertTrue(Files.isRegularFile(jar), jar + " is missing: the jar is built at package, before this test");
        assertEquals("io.offload.servers", automaticModuleName(jar));
        return jar;
    }

    /**
     * @param type             a class of a dependency.
     * @param automaticName    the Automatic-Module-Name its jar must carry, or null not to check.
     * @return the jar it was loaded from.
     */
    private static Path jarOf(final Class<?> type, final String automaticName) throws Exception
    {
        final Path path = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(path))
        {
            fail(type.getName() + " was loaded from " + path + ", not a jar: run this test through ./mvnw verify, " +
                "where the reactor's modules are packaged");
        }
        if (automaticName != null)
        {
            assertEquals(automaticName, automaticModuleName(path), path.toString());
        }
        return path;
    }

    private static String automaticModuleName(final Path jar) throws IOException
    {
        try (JarFile file = new JarFile(jar.toFile()))
        {
            return file.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
        }
    }

    private static String join(final List<Path> paths)
    {
        final List<String> out = new ArrayList<>();
        for (final Path path : paths)
        {
            out.add(path.toString());
        }
        return String.join(File.pathSeparator, out);
    }

    private static String run(final List<String> command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream())
        {
            in.transferTo(out);
        }
        if (!process.waitFor(2, TimeUnit.MINUTES))
        {
            process.destroyForcibly();
            fail("the application did not end: " + out.toString(StandardCharsets.UTF_8));
        }
        final String output = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "the application failed:\n" + output);
        return output;
    }
}
