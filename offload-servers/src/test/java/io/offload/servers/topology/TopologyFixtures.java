package io.offload.servers.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The sysfs-like trees under {@code src/test/resources/topology}, and copies of them that a test may break.
 */
public final class TopologyFixtures
{
    /**
     * This machine's shape when the fixture was made: 2 cpus, 1 package, 1 node.
     */
    public static final String TWO_CORE = "two-core";

    /**
     * GenerOS's platform: 4 AMD Opteron 8347 quad-core processors, one node and one L3 each, on a square of
     * HyperTransport links (one hop 16, two hops 22).
     */
    public static final String OPTERON_4S16C = "opteron-4s16c";

    /**
     * 2 packages x 16 cores x 2 SMT threads; cpu N and N + 32 are siblings; distance 10/21.
     */
    public static final String TWO_SOCKET_64C_SMT = "two-socket-64c-smt";

    private TopologyFixtures()
    {
    }

    /**
     * @param name a fixture name, e.g. {@link #OPTERON_4S16C}.
     * @return the directory of the fixture tree, to pass to {@link CpuTopology#load(Path)}.
     */
    public static Path fixture(final String name)
    {
        final URL url = TopologyFixtures.class.getResource("/topology/" + name);
        if (null == url)
        {
            throw new IllegalStateException("no fixture /topology/" + name + " on the test class path");
        }

        try
        {
            return Path.of(url.toURI());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @param name a fixture name.
     * @return the topology the fixture describes.
     */
    public static CpuTopology load(final String name)
    {
        return CpuTopology.load(fixture(name));
    }

    /**
     * @param name   a fixture name.
     * @param target an empty directory, typically a JUnit {@code @TempDir}.
     * @return {@code target}, now holding a copy of the fixture a test may change.
     */
    public static Path copy(final String name, final Path target)
    {
        final Path source = fixture(name);
        try (Stream<Path> paths = Files.walk(source))
        {
            final List<Path> all = paths.toList();
            for (final Path path : all)
            {
                final Path to = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path))
                {
                    Files.createDirectories(to);
                }
                else
                {
                    Files.copy(path, to);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }

        return target;
    }

    /**
     * @param file a file to (over)write.
     * @param text its new content; a newline is added, as sysfs files end with one.
     */
    public static void write(final Path file, final String text)
    {
        try
        {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text + "\n");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param path a file or directory to delete, with everything under it.
     */
    public static void delete(final Path path)
    {
        try (Stream<Path> paths = Files.walk(path))
        {
            for (final Path each : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList())
            {
                Files.delete(each);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
