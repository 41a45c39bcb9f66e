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
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A tiny application on the module path that {@code requires io.offload.servers} (an explicit module: the jar's
 * {@code module-info.class}) and makes an offloaded call: compiled with the JDK's compiler and run in a child JVM,
 * from the packaged jars (failsafe runs it at {@code integration-test}, after {@code package}). What it takes besides
 * the jars is {@code --enable-native-access=io.offload.servers}. A second application that imports a package the
 * module does not export must not compile: the exports are the API.
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
                System.out.println("module " + Syscalls.class.getModule().getName() + " automatic " +
                    Syscalls.class.getModule().getDescriptor().isAutomatic());
                System.out.println("exports call " + servers.isExported("io.offload.servers.call") +
                    " internal " + Syscalls.class.getModule().isExported("io.offload.api.internal"));
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

    /** Reaches for a package the module does not export: must not compile. */
    private static final String INTRUDER_MAIN = """
        package offload.moduletest;

        import io.offload.servers.agent.SyscallServer;

        public final class Intruder
        {
            public static void main(final String[] args)
            {
                System.out.println(SyscallServer.class);
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
            "--enable-native-access=io.offload.servers",
            "-m", "offload.moduletest/offload.moduletest.Main");
        final String output = run(command);
        assertTrue(output.contains("module io.offload.servers automatic false"), output);
        assertTrue(output.contains("module io.offload.api automatic false"), output);
        assertTrue(output.contains("exports call false internal false"), output);
        assertTrue(output.contains("app offload.moduletest reads servers true"), output);
        assertTrue(output.contains("offloaded getpid "), output);
        assertTrue(output.strip().endsWith("OK"), output);
        // native access granted by module name: no warning about a restricted method in an unnamed module
        assertFalse(output.contains("restricted method"), output);
    }

    @Test
    void aPackageTheModuleDoesNotExportIsNotVisible() throws Exception
    {
        final String modulePath = join(List.of(serversJar(), jarOf(Syscalls.class, "io.offload.api"),
            jarOf(SyscallEntry.class, "io.offload.rings"), jarOf(Agent.class, null), jarOf(Logger.class, null),
            jarOf(Histogram.class, null)));
        final Path sources = dir.resolve("intruder");
        final Path main = sources.resolve("offload/moduletest/Intruder.java");
        Files.createDirectories(main.getParent());
        Files.writeString(sources.resolve("module-info.java"), APP_MODULE);
        Files.writeString(main, INTRUDER_MAIN);
        final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        final int compiled = ToolProvider.getSystemJavaCompiler().run(null, diagnostics, diagnostics,
            "--module-path", modulePath, "-d", dir.resolve("intruder-classes").toString(),
            sources.resolve("module-info.java").toString(), main.toString());
        final String messages = diagnostics.toString(StandardCharsets.UTF_8);
        assertNotEquals(0, compiled, "io.offload.servers.agent should not be visible outside the module:\n" + messages);
        assertTrue(messages.contains("package io.offload.servers.agent is not visible"), messages);
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
        assertEquals("io.offload.servers", moduleName(jar));
        return jar;
    }

    /**
     * @param type       a class of a dependency.
     * @param moduleName the name of the explicit module its jar must hold, or null not to check.
     * @return the jar it was loaded from.
     */
    private static Path jarOf(final Class<?> type, final String moduleName) throws Exception
    {
        final Path path = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(path))
        {
            fail(type.getName() + " was loaded from " + path + ", not a jar: run this test through ./mvnw verify, " +
                "where the reactor's modules are packaged");
        }
        if (moduleName != null)
        {
            assertEquals(moduleName, moduleName(path), path.toString());
        }
        return path;
    }

    /**
     * @return the name of the explicit module the jar holds (its module-info.class; an automatic module fails).
     */
    private static String moduleName(final Path jar)
    {
        final ModuleDescriptor descriptor = ModuleFinder.of(jar).findAll().iterator().next().descriptor();
        assertFalse(descriptor.isAutomatic(), jar + " holds no module-info.class");
        return descriptor.name();
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
