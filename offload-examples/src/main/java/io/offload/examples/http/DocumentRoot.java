package io.offload.examples.http;

import io.offload.api.SyscallException;
import io.offload.api.Syscalls;

import java.io.File;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Maps request paths to files under the document root and makes sure nothing outside it is ever served. Two
 * checks, because each alone has a hole:
 * <ol>
 *   <li>lexical, before opening: {@code .} and {@code ..} segments are resolved against the root, and a path that
 *       climbs above it is refused; a leading {@code /} (or {@code //etc/passwd}) is relative to the root, never
 *       absolute. This stops {@code ..} and absolute paths, decoded or percent-encoded;</li>
 *   <li>real, after opening: the kernel followed any symbolic links when it opened the file, so the path the fd
 *       really names ({@code /proc/self/fd/N}) must lie under the root's real path. Checking the fd, not the
 *       name, leaves no window between the check and the use in which a link could be swapped.</li>
 * </ol>
 */
final class DocumentRoot
{
    private final Path root;

    /**
     * @param realRoot the root's real path (symlinks resolved).
     */
    DocumentRoot(final Path realRoot)
    {
        this.root = realRoot;
    }

    Path root()
    {
        return root;
    }

    /**
     * @param requestPath a decoded request path (or a relative path from a query parameter).
     * @return the file it names under the root, or null if it climbs out of it.
     */
    Path resolve(final String requestPath)
    {
        Path path = root;
        for (final String segment : requestPath.split("/"))
        {
            if (segment.isEmpty() || segment.equals("."))
            {
                continue;
            }
            if (segment.equals(".."))
            {
                if (path.equals(root))
                {
                    return null;
                }
                path = path.getParent();
                continue;
            }
            try
            {
                path = path.resolve(segment);
            }
            catch (final InvalidPathException ex)
            {
                return null;
            }
        }
        return path;
    }

    /**
     * @param sys    where the connection's calls go: the readlink of {@code /proc/self/fd/N} goes there too, so that
     *               a virtual thread never makes a blocking file call of the JDK's (which would make the scheduler
     *               add a carrier to make up for it).
     * @param fd     an fd just opened from {@code opened}.
     * @param opened the path it was opened from.
     * @return whether the file behind the fd lies under the root.
     */
    boolean contains(final Syscalls sys, final int fd, final Path opened)
    {
        Path real;
        try
        {
            real = Path.of(sys.readlink("/proc/self/fd/" + fd));
        }
        catch (final SyscallException | InvalidPathException noProc)
        {
            try
            {
                real = opened.toRealPath(); // no /proc: the same check, by name
            }
            catch (final IOException gone)
            {
                return false;
            }
        }
        return real.startsWith(root);
    }

    /**
     * @param path a path under the root.
     * @return it as a URL-style path from the root, e.g. {@code /sub/a.txt}.
     */
    String relative(final Path path)
    {
        final String relative = root.relativize(path).toString().replace(File.separatorChar, '/');
        return "/" + relative;
    }
}
