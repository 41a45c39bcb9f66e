package io.offload.nio;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The file system of an {@link OffloadFileSystemProvider}: the platform's file system, its paths wrapped in
 * {@link OffloadPath}s. Everything that is not a system call on a path (syntax, path matchers, stores, principals,
 * the watch service) is the platform's.
 */
final class OffloadFileSystem extends FileSystem
{
    private final OffloadFileSystemProvider provider;
    private final FileSystem platform;

    OffloadFileSystem(final OffloadFileSystemProvider provider, final FileSystem platform)
    {
        this.provider = provider;
        this.platform = platform;
    }

    /**
     * @param path a path.
     * @return whether this file system takes it: one of its own, of another offload file system, or the platform's.
     */
    boolean accepts(final Path path)
    {
        return path instanceof OffloadPath || path.getFileSystem() == platform;
    }

    /**
     * @param path a path taken by this file system.
     * @return the platform's path for it.
     * @throws java.nio.file.ProviderMismatchException if the path is of another provider.
     * @throws NullPointerException                    if the path is null.
     */
    Path unwrap(final Path path)
    {
        if (path instanceof OffloadPath offload)
        {
            return offload.delegate();
        }
        if (path.getFileSystem() == platform)
        {
            return path;
        }
        throw OffloadPath.mismatch(path);
    }

    /**
     * @param path a path taken by this file system.
     * @return it as a path of this file system.
     */
    OffloadPath wrap(final Path path)
    {
        if (path instanceof OffloadPath offload && offload.getFileSystem() == this)
        {
            return offload;
        }
        return new OffloadPath(this, unwrap(path));
    }

    /**
     * @return the platform's file system.
     */
    FileSystem platform()
    {
        return platform;
    }

    @Override
    public OffloadFileSystemProvider provider()
    {
        return provider;
    }

    /**
     * The default file system cannot be closed (as the platform's); a runtime's is closed by closing the runtime.
     */
    @Override
    public void close() throws IOException
    {
        throw new UnsupportedOperationException(provider.backend() instanceof Backend.Default ?
            "the default file system cannot be closed" : "close the OffloadRuntime to close its file system");
    }

    @Override
    public boolean isOpen()
    {
        return provider.backend().isOpen();
    }

    @Override
    public boolean isReadOnly()
    {
        return platform.isReadOnly();
    }

    @Override
    public String getSeparator()
    {
        return platform.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories()
    {
        final List<Path> roots = new ArrayList<>();
        for (final Path root : platform.getRootDirectories())
        {
            roots.add(new OffloadPath(this, root));
        }
        return roots;
    }

    @Override
    public Iterable<FileStore> getFileStores()
    {
        return platform.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews()
    {
        return platform.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(final String first, final String... more)
    {
        return new OffloadPath(this, platform.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(final String syntaxAndPattern)
    {
        final PathMatcher matcher = platform.getPathMatcher(syntaxAndPattern);
        return path -> matcher.matches(unwrap(path));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService()
    {
        return platform.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() throws IOException
    {
        return platform.newWatchService();
    }
}
