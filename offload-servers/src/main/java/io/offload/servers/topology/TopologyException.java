package io.offload.servers.topology;

import java.nio.file.Path;

/**
 * Thrown when a sysfs tree cannot be read as a CPU topology. It names the file at fault so that whoever wrote a
 * fixture, or runs in a container with a trimmed {@code /sys}, can see what to fix without reading the loader.
 */
public class TopologyException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * The file (or directory) that was missing or malformed.
     */
    private final transient Path file;

    /**
     * @param file    the file or directory that was missing or malformed.
     * @param message what was wrong with it and what was expected.
     */
    public TopologyException(final Path file, final String message)
    {
        super(message);
        this.file = file;
    }

    /**
     * @param file    the file or directory that was missing or malformed.
     * @param message what was wrong with it and what was expected.
     * @param cause   the underlying failure, e.g. an I/O error.
     */
    public TopologyException(final Path file, final String message, final Throwable cause)
    {
        super(message, cause);
        this.file = file;
    }

    /**
     * @return the file or directory that was missing or malformed, for tools that want to point at it.
     */
    public Path file()
    {
        return file;
    }
}
