package io.offload.nio;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;

/**
 * A path of an {@link OffloadFileSystem}: the platform's path, wrapped, so that every path derived from it
 * ({@code resolve}, {@code getParent}, {@code toAbsolutePath}, ...) is wrapped again and
 * {@code path.getFileSystem().provider()} stays the offload provider. Syntax, normalisation, comparison and
 * URIs are the platform's own. Paths of the platform's provider are accepted wherever a path is taken (a
 * WatchService's event context is one), as are paths of another offload file system.
 */
final class OffloadPath implements Path
{
    private final OffloadFileSystem fileSystem;
    private final Path delegate;

    OffloadPath(final OffloadFileSystem fileSystem, final Path delegate)
    {
        this.fileSystem = fileSystem;
        this.delegate = delegate;
    }

    /**
     * @return the platform's path.
     */
    Path delegate()
    {
        return delegate;
    }

    private OffloadPath wrap(final Path path)
    {
        return path == null ? null : new OffloadPath(fileSystem, path);
    }

    private Path unwrap(final Path other)
    {
        return fileSystem.unwrap(other);
    }

    @Override
    public OffloadFileSystem getFileSystem()
    {
        return fileSystem;
    }

    @Override
    public boolean isAbsolute()
    {
        return delegate.isAbsolute();
    }

    @Override
    public Path getRoot()
    {
        return wrap(delegate.getRoot());
    }

    @Override
    public Path getFileName()
    {
        return wrap(delegate.getFileName());
    }

    @Override
    public Path getParent()
    {
        return wrap(delegate.getParent());
    }

    @Override
    public int getNameCount()
    {
        return delegate.getNameCount();
    }

    @Override
    public Path getName(final int index)
    {
        return wrap(delegate.getName(index));
    }

    @Override
    public Path subpath(final int beginIndex, final int endIndex)
    {
        return wrap(delegate.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(final Path other)
    {
        return fileSystem.accepts(Objects.requireNonNull(other)) && delegate.startsWith(unwrap(other));
    }

    @Override
    public boolean startsWith(final String other)
    {
        return delegate.startsWith(other);
    }

    @Override
    public boolean endsWith(final Path other)
    {
        return fileSystem.accepts(Objects.requireNonNull(other)) && delegate.endsWith(unwrap(other));
    }

    @Override
    public boolean endsWith(final String other)
    {
        return delegate.endsWith(other);
    }

    @Override
    public Path normalize()
    {
        return wrap(delegate.normalize());
    }

    @Override
    public Path resolve(final Path other)
    {
        return wrap(delegate.resolve(unwrap(other)));
    }

    @Override
    public Path resolve(final String other)
    {
        return wrap(delegate.resolve(other));
    }

    @Override
    public Path resolve(final Path first, final Path... more)
    {
        Path result = resolve(first);
        for (final Path path : more)
        {
            result = result.resolve(path);
        }
        return result;
    }

    @Override
    public Path resolve(final String first, final String... more)
    {
        return wrap(delegate.resolve(first, more));
    }

    @Override
    public Path resolveSibling(final Path other)
    {
        return wrap(delegate.resolveSibling(unwrap(other)));
    }

    @Override
    public Path resolveSibling(final String other)
    {
        return wrap(delegate.resolveSibling(other));
    }

    @Override
    public Path relativize(final Path other)
    {
        return wrap(delegate.relativize(unwrap(other)));
    }

    @Override
    public URI toUri()
    {
        return delegate.toUri();
    }

    @Override
    public Path toAbsolutePath()
    {
        return wrap(delegate.toAbsolutePath());
    }

    /**
     * Resolved by the platform provider (realpath is a walk of lstat calls there, not one system call).
     */
    @Override
    public Path toRealPath(final LinkOption... options) throws IOException
    {
        return wrap(delegate.toRealPath(options));
    }

    /**
     * A {@link File} of the same name: these are paths of the machine's one file system whichever provider serves
     * them, so this works for the offload file system of a runtime as for the default one.
     */
    @Override
    public File toFile()
    {
        return new File(toString());
    }

    /**
     * Registered with the platform's watch service ({@link OffloadFileSystem#newWatchService()}); event contexts
     * are the platform's paths, which {@link #resolve(Path)} accepts.
     */
    @Override
    public WatchKey register(final WatchService watcher, final WatchEvent.Kind<?>[] events,
        final WatchEvent.Modifier... modifiers) throws IOException
    {
        return delegate.register(watcher, events, modifiers);
    }

    @Override
    public int compareTo(final Path other)
    {
        if (!(other instanceof OffloadPath path))
        {
            throw new ClassCastException("not a path of the offload provider: " + other.getClass().getName());
        }
        return delegate.compareTo(path.delegate);
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof OffloadPath path && path.fileSystem == fileSystem && path.delegate.equals(delegate);
    }

    @Override
    public int hashCode()
    {
        return delegate.hashCode();
    }

    @Override
    public String toString()
    {
        return delegate.toString();
    }

    static ProviderMismatchException mismatch(final Path path)
    {
        return new ProviderMismatchException("not a path of the offload provider or of the platform's: " +
            path.getClass().getName());
    }
}
