package io.offload.nio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the tests in a child JVM: the same java, the same class path, native access granted, and
 * the given JVM options (the default-provider property, scheduler settings). Liveness only: a generous timeout.
 */
final class ChildJvm
{
    /** The property that installs the offload provider as the JVM's default. */
    static final String DEFAULT_PROVIDER =
        "-Djava.nio.file.spi.DefaultFileSystemProvider=" + OffloadFileSystemProvider.class.getName();

    private ChildJvm()
    {
    }

    /** What the child did. */
    record Result(int exitCode, String output)
    {
    }

    static Result run(final List<String> jvmOptions, final Class<?> main, final String... args)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Xss1m");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        final byte[] output;
        try
        {
            if (!process.waitFor(120, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "timed out:\n" + new String(process.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8));
            }
        }
        finally
        {
            output = process.isAlive() ? new byte[0] : process.getInputStream().readAllBytes();
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
