package io.offload.nio;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;
import io.offload.api.Syscall;
import io.offload.servers.OffloadRuntime;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URI;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.spi.FileSystemProvider;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * A {@code java.nio.file} provider whose file operations run on an offload runtime's FILE servers, so that
 * unmodified code ({@code Files}, {@code FileChannel}, {@code DirectoryStream}, and the libraries built on them)
 * is offloaded. Installed two ways:
 * <ul>
 *   <li>as the JVM's default provider: {@code -Djava.nio.file.spi.DefaultFileSystemProvider=
 *       io.offload.nio.OffloadFileSystemProvider}. The JDK hands it the platform provider to wrap; it starts a
 *       runtime from the {@code offload.*} system properties on the first file operation and closes it at exit.
 *       Calls made while that runtime starts, calls from the runtime's own threads, and calls after it closed go
 *       to the platform provider.</li>
 *   <li>explicitly, as {@link OffloadRuntime#fileSystem()}: a file system whose paths route through that
 *       runtime.</li>
 * </ul>
 * What runs on the FILE servers: channels ({@link OffloadFileChannel}: read, write, positional and scatter/gather
 * I/O, size, position, truncate, force, transfers by copy_file_range) and so {@code Files.readAllBytes},
 * {@code write}, {@code newInputStream}, {@code newOutputStream}, {@code lines}; {@code readAttributes} (basic and
 * posix, by statx), directory streams (getdents64), {@code createDirectory}, {@code createFile}, {@code delete},
 * {@code move} (rename), {@code copy} (copy_file_range), {@code checkAccess} and {@code exists} (faccessat),
 * {@code readSymbolicLink}, {@code createSymbolicLink}, {@code isSameFile}. What goes to the platform provider:
 * memory mappings and file locks (through a platform channel on the same open file), watch services, file stores,
 * attribute updates (times, permissions, owner), other attribute views, hard links, {@code toRealPath},
 * asynchronous channels, {@code O_DIRECT} channels, copies with {@code COPY_ATTRIBUTES}, moves across file systems.
 * <p>
 * Semantics and exceptions are the JDK's: the same validations in the same order, NoSuchFileException,
 * FileAlreadyExistsException, AccessDeniedException, DirectoryNotEmptyException, NotDirectoryException,
 * NotLinkException, FileSystemException with the same file names and reasons, each with the failed call's
 * {@link io.offload.api.SyscallException} as its cause.
 */
public final class OffloadFileSystemProvider extends FileSystemProvider
{
    private static final int ALL_READWRITE = 0666;
    private static final int ALL_PERMISSIONS = 0777;
    private static final int AT_FDCWD = LinuxConstants.AT_FDCWD;
    private static final Set<String> BASIC_NAMES = Set.of("size", "creationTime", "lastAccessTime",
        "lastModifiedTime", "fileKey", "isDirectory", "isRegularFile", "isSymbolicLink", "isOther");
    private static final Set<String> POSIX_NAMES = posixNames();

    private final FileSystemProvider platform;
    private final Backend backend;
    private final OffloadFileSystem fileSystem;

    /**
     * The JVM's default provider: called by the JDK with the platform's provider when the system property
     * {@code java.nio.file.spi.DefaultFileSystemProvider} names this class. Does nothing else: the runtime starts on
     * the first file operation.
     *
     * @param platform the platform's default provider.
     */
    public OffloadFileSystemProvider(final FileSystemProvider platform)
    {
        this(platform, Backend.Default.INSTANCE);
    }

    OffloadFileSystemProvider(final FileSystemProvider platform, final Backend backend)
    {
        if (platform == null)
        {
            throw new IllegalArgumentException("platform provider is null: pass the JDK's default provider");
        }
        this.platform = platform;
        this.backend = backend;
        this.fileSystem = new OffloadFileSystem(this, platform.getFileSystem(URI.create("file:///")));
    }

    /**
     * A file system whose operations run on the runtime's FILE servers; what {@link OffloadRuntime#fileSystem()}
     * returns.
     *
     * @param runtime a running runtime.
     * @return a new file system over it; closed when the runtime closes.
     */
    public static FileSystem newFileSystem(final OffloadRuntime runtime)
    {
        if (runtime == null)
        {
            throw new IllegalArgumentException("runtime is null: pass the OffloadRuntime whose servers to use");
        }
        return new OffloadFileSystemProvider(platformProvider(), new Backend.Explicit(runtime)).fileSystem;
    }

    /**
     * @return the runtime behind the JVM's default provider once it has started (its stats show the calls), or
     *         null if the provider is not the default one, has not been used yet, or could not start its runtime.
     */
    public static OffloadRuntime defaultRuntime()
    {
        return FileSystems.getDefault().provider() instanceof OffloadFileSystemProvider ?
            Backend.Default.INSTANCE.runtime() : null;
    }

    /**
     * @return the platform's own provider, even where this one is installed as the default.
     */
    static FileSystemProvider platformProvider()
    {
        final FileSystemProvider provider = FileSystems.getDefault().provider();
        return provider instanceof OffloadFileSystemProvider offload ? offload.platform : provider;
    }

    Backend backend()
    {
        return backend;
    }

    /**
     * @return the platform provider this one wraps.
     */
    FileSystemProvider platform()
    {
        return platform;
    }

    // ---- file systems and URIs -------------------------------------------------------------------------------------

    @Override
    public String getScheme()
    {
        return "file";
    }

    private void checkUri(final URI uri)
    {
        if (!uri.getScheme().equalsIgnoreCase(getScheme()))
        {
            throw new IllegalArgumentException("URI does not match this provider");
        }
        if (uri.getRawAuthority() != null)
        {
            throw new IllegalArgumentException("Authority component present");
        }
        final String path = uri.getPath();
        if (path == null)
        {
            throw new IllegalArgumentException("Path component is undefined");
        }
        if (!path.equals("/"))
        {
            throw new IllegalArgumentException("Path component should be '/'");
        }
        if (uri.getRawQuery() != null)
        {
            throw new IllegalArgumentException("Query component present");
        }
        if (uri.getRawFragment() != null)
        {
            throw new IllegalArgumentException("Fragment component present");
        }
    }

    @Override
    public FileSystem newFileSystem(final URI uri, final Map<String, ?> env)
    {
        checkUri(uri);
        throw new FileSystemAlreadyExistsException();
    }

    @Override
    public FileSystem getFileSystem(final URI uri)
    {
        checkUri(uri);
        return fileSystem;
    }

    @Override
    public Path getPath(final URI uri)
    {
        return fileSystem.wrap(platform.getPath(uri));
    }

    private OffloadPath check(final Path path)
    {
        if (path == null)
        {
            throw new NullPointerException();
        }
        return fileSystem.wrap(path);
    }

    // ---- channels --------------------------------------------------------------------------------------------------

    @Override
    public SeekableByteChannel newByteChannel(final Path path, final Set<? extends OpenOption> options,
        final FileAttribute<?>... attrs) throws IOException
    {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(final Path path, final Set<? extends OpenOption> options,
        final FileAttribute<?>... attrs) throws IOException
    {
        final OffloadPath file = check(path);
        final RawSyscalls sys = backend.pathCalls();
        if (sys == null || !standardOptionsOnly(options))
        {
            return platform.newFileChannel(file.delegate(), options, attrs); // O_DIRECT and unknown options too
        }
        final int mode = toUnixMode(ALL_READWRITE, attrs);
        boolean read = false;
        boolean write = false;
        boolean append = false;
        boolean truncateExisting = false;
        boolean noFollowLinks = false;
        boolean create = false;
        boolean createNew = false;
        boolean deleteOnClose = false;
        boolean sync = false;
        boolean dsync = false;
        for (final OpenOption option : options)
        {
            if (option == LinkOption.NOFOLLOW_LINKS)
            {
                noFollowLinks = true;
                continue;
            }
            switch ((StandardOpenOption)option)
            {
                case READ -> read = true;
                case WRITE -> write = true;
                case APPEND -> append = true;
                case TRUNCATE_EXISTING -> truncateExisting = true;
                case CREATE -> create = true;
                case CREATE_NEW -> createNew = true;
                case DELETE_ON_CLOSE -> deleteOnClose = true;
                case SPARSE ->
                {
                    // ignored, as the JDK does
                }
                case SYNC -> sync = true;
                case DSYNC -> dsync = true;
            }
        }
        if (!read && !write)
        {
            if (append)
            {
                write = true;
            }
            else
            {
                read = true;
            }
        }
        if (read && append)
        {
            throw new IllegalArgumentException("READ + APPEND not allowed");
        }
        if (append && truncateExisting)
        {
            throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
        }
        final String name = file.toString();
        int flags = read && write ? LinuxConstants.O_RDWR : write ? LinuxConstants.O_WRONLY : LinuxConstants.O_RDONLY;
        if (write)
        {
            if (truncateExisting)
            {
                flags |= LinuxConstants.O_TRUNC;
            }
            if (append)
            {
                flags |= LinuxConstants.O_APPEND;
            }
            if (createNew)
            {
                // "." as the last name would give a confusing error: EEXIST, as the JDK says
                if (name.equals(".") || name.endsWith("/.") || name.isEmpty())
                {
                    throw NioErrors.translate(Syscall.OPENAT, Errno.EEXIST, name, null);
                }
                flags |= LinuxConstants.O_CREAT | LinuxConstants.O_EXCL;
            }
            else if (create)
            {
                flags |= LinuxConstants.O_CREAT;
            }
        }
        final boolean followLinks = createNew || !(noFollowLinks || deleteOnClose);
        if (!followLinks)
        {
            flags |= LinuxConstants.O_NOFOLLOW;
        }
        if (dsync)
        {
            flags |= LinuxConstants.O_DSYNC;
        }
        if (sync)
        {
            flags |= LinuxConstants.O_SYNC;
        }
        final int fd;
        final NativeScratch lease = NativeScratch.pathLease();
        try
        {
            long r = openat(sys, lease, name, flags | LinuxConstants.O_CLOEXEC, mode);
            if (r == -Errno.EISDIR && createNew)
            {
                r = -Errno.EEXIST;
            }
            if (r == -Errno.ELOOP && !followLinks)
            {
                throw NioErrors.withCause(new IOException(Errno.message(Errno.ELOOP) + " (NOFOLLOW_LINKS specified)"),
                    Syscall.OPENAT, Errno.ELOOP, name, null);
            }
            if (r < 0)
            {
                throw NioErrors.translate(Syscall.OPENAT, (int)-r, name, null);
            }
            fd = (int)r;
            if (deleteOnClose)
            {
                sys.unlinkat(AT_FDCWD, lease.path0, 0); // best effort, as the JDK; path0 still holds the name
            }
        }
        finally
        {
            lease.release();
        }
        return new OffloadFileChannel(backend, platform, fileSystem.platform(), fd, name, read, write, append);
    }

    private static boolean standardOptionsOnly(final Set<? extends OpenOption> options)
    {
        for (final OpenOption option : options)
        {
            if (option == null)
            {
                throw new NullPointerException();
            }
            if (!(option instanceof StandardOpenOption) && option != LinkOption.NOFOLLOW_LINKS)
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public AsynchronousFileChannel newAsynchronousFileChannel(final Path path, final Set<? extends OpenOption> options,
        final ExecutorService executor, final FileAttribute<?>... attrs) throws IOException
    {
        return platform.newAsynchronousFileChannel(check(path).delegate(), options, executor, attrs);
    }

    /** As the JDK's UnixFileModeAttribute.toUnixMode. */
    @SuppressWarnings("unchecked")
    private static int toUnixMode(final int defaultMode, final FileAttribute<?>... attrs)
    {
        int mode = defaultMode;
        for (final FileAttribute<?> attr : attrs)
        {
            final String name = attr.name();
            if (!name.equals("posix:permissions") && !name.equals("unix:permissions"))
            {
                throw new UnsupportedOperationException("'" + attr.name() + "' not supported as initial attribute");
            }
            mode = OffloadFileAttributes.toMode((Set<PosixFilePermission>)attr.value());
        }
        return mode;
    }

    // ---- directories -----------------------------------------------------------------------------------------------

    @Override
    public DirectoryStream<Path> newDirectoryStream(final Path path, final DirectoryStream.Filter<? super Path> filter)
        throws IOException
    {
        final OffloadPath dir = check(path);
        if (filter == null)
        {
            throw new NullPointerException();
        }
        final RawSyscalls sys = backend.pathCalls();
        if (sys == null)
        {
            return wrapped(platform.newDirectoryStream(dir.delegate(), entry -> filter.accept(fileSystem.wrap(entry))));
        }
        final String name = dir.toString();
        final NativeScratch lease = NativeScratch.pathLease();
        final long fd;
        try
        {
            fd = openat(sys, lease, name, LinuxConstants.O_RDONLY | LinuxConstants.O_DIRECTORY |
                LinuxConstants.O_CLOEXEC, 0);
        }
        finally
        {
            lease.release();
        }
        if (fd == -Errno.ENOTDIR)
        {
            throw NioErrors.withCause(new NotDirectoryException(name), Syscall.OPENAT, Errno.ENOTDIR, name, null);
        }
        if (fd < 0)
        {
            throw NioErrors.translate(Syscall.OPENAT, (int)-fd, name, null);
        }
        return new OffloadDirectoryStream(dir, backend, (int)fd, filter);
    }

    private DirectoryStream<Path> wrapped(final DirectoryStream<Path> stream)
    {
        return new DirectoryStream<>()
        {
            @Override
            public Iterator<Path> iterator()
            {
                final Iterator<Path> entries = stream.iterator();
                return new Iterator<>()
                {
                    @Override
                    public boolean hasNext()
                    {
                        return entries.hasNext();
                    }

                    @Override
                    public Path next()
                    {
                        return fileSystem.wrap(entries.next());
                    }
                };
            }

            @Override
            public void close() throws IOException
            {
                stream.close();
            }
        };
    }

    @Override
    public void createDirectory(final Path path, final FileAttribute<?>... attrs) throws IOException
    {
        final OffloadPath dir = check(path);
        final RawSyscalls sys = backend.pathCalls();
        if (sys == null)
        {
            platform.createDirectory(dir.delegate(), attrs);
            return;
        }
        final int mode = toUnixMode(ALL_PERMISSIONS, attrs);
        final String name = dir.toString();
        final NativeScratch lease = NativeScratch.pathLease();
        try
        {
            final MemorySegment native0 = NativeScratch.put(lease.path0, name);
            final long r = native0 == NativeScratch.TOO_LONG ? -Errno.ENAMETOOLONG : sys.mkdirat(AT_FDCWD, native0, mode);
            if (r == -Errno.EISDIR)
            {
                throw NioErrors.withCause(new FileAlreadyExistsException(name), Syscall.MKDIRAT, Errno.EISDIR, name,
                    null);
            }
            if (r < 0)
            {
                throw NioErrors.translate(Syscall.MKDIRAT, (int)-r, name, null);
            }
        }
        finally
        {
            lease.release();
        }
    }

    // ---- delete, copy, move ----------------------------------------------------------------------------------------

    @Override
    public void delete(final Path path) throws IOException
    {
        implDelete(check(path), true);
    }

    @Override
    public boolean deleteIfExists(final Path path) throws IOException
    {
        return implDelete(check(path), false);
    }

    private boolean implDelete(final OffloadPath file, final boolean failIfNotExists) throws IOException
    {
        final RawSyscalls sys = backend.pathCalls();
        if (sys == null)
        {
            if (failIfNotExists)
            {
                platform.delete(file.delegate());
                return true;
            }
            return platform.deleteIfExists(file.delegate());
        }
        final String name = file.toString();
        final NativeScratch lease = NativeScratch.pathLease();
        try
        {
            long r = statx(sys, lease, lease.path0, name, false);
            final boolean directory = r == 0 && isDirectory(lease);
            Syscall syscall = Syscall.STATX;
            if (r == 0)
            {
                syscall = Syscall.UNLINKAT;
                r = sys.unlinkat(AT_FDCWD, lease.path0, directory ? LinuxConstants.AT_REMOVEDIR : 0);
            }
            if (r == 0)
            {
                return true;
            }
            if (!failIfNotExists && r == -Errno.ENOENT)
            {
                return false;
            }
            if (directory && (r == -Errno.EEXIST || r == -Errno.ENOTEMPTY))
            {
                throw NioErrors.withCause(new DirectoryNotEmptyException(name), syscall, (int)-r, name, null);
            }
            throw NioErrors.translate(syscall, (int)-r, name, null);
        }
        finally
        {
            lease.release();
        }
    }

    private static boolean isDirectory(final NativeScratch lease)
    {
        final int mode = Short.toUnsignedInt(lease.statx.get(ValueLayout.JAVA_SHORT_UNALIGNED, 28));
        return (mode & LinuxConstants.S_IFMT) == LinuxConstants.S_IFDIR;
    }

    @Override
    public void copy(final Path source, final Path target, final CopyOption... options) throws IOException
    {
        final OffloadPath from = check(source);
        final OffloadPath to = check(target);
        boolean replaceExisting = false;
        boolean followLinks = true;
        boolean plain = true;
        for (final CopyOption option : options)
        {
            if (option == StandardCopyOption.REPLACE_EXISTING)
            {
                replaceExisting = true;
            }
            else if (option == LinkOption.NOFOLLOW_LINKS)
            {
                followLinks = false;
            }
            else
            {
                plain = false; // COPY_ATTRIBUTES, INTERRUPTIBLE, unknown or null: the platform does it (or refuses)
            }
        }
        final RawSyscalls sys = backend.pathCalls();
        if (sys == null || !plain)
        {
            platform.copy(from.delegate(), to.delegate(), options);
            return;
        }
        final String sourceName = from.toString();
        final String targetName = to.toString();
        final NativeScratch lease = NativeScratch.pathLease();
        final OffloadFileAttributes sourceAttrs;
        try
        {
            long r = statx(sys, lease, lease.path0, sourceName, followLinks);
            if (r < 0)
            {
                throw NioErrors.translate(Syscall.STATX, r == -Errno.ENOTDIR ? Errno.ENOENT : (int)-r, sourceName,
                    null);
            }
            sourceAttrs = new OffloadFileAttributes(lease.statx, platform, from.delegate(), followLinks);
            if (!sourceAttrs.isSymbolicLink() || followLinks)
            {
                r = sys.faccessat(AT_FDCWD, lease.path0, LinuxConstants.R_OK, 0);
                if (r < 0)
                {
                    throw NioErrors.translate(Syscall.FACCESSAT, (int)-r, sourceName, null);
                }
            }
            replaceTarget(sys, lease, sourceAttrs, targetName, replaceExisting);
            if (sourceAttrs.isDirectory())
            {
                final MemorySegment targetPath = NativeScratch.put(lease.path1, targetName);
                r = targetPath == NativeScratch.TOO_LONG ? -Errno.ENAMETOOLONG :
                    sys.mkdirat(AT_FDCWD, targetPath, sourceAttrs.mode() & 07777);
                throwIfCreateFailed(Syscall.MKDIRAT, r, targetName, replaceExisting);
                return;
            }
            if (sourceAttrs.isSymbolicLink())
            {
                copyLink(sys, lease, sourceName, targetName, replaceExisting);
                return;
            }
        }
        catch (final SameFile same)
        {
            return;
        }
        finally
        {
            lease.release();
        }
        if (sourceAttrs.isDevice())
        {
            platform.copy(from.delegate(), to.delegate(), options); // mknod: the platform's
            return;
        }
        copyFile(sys, sourceName, sourceAttrs, targetName, replaceExisting);
    }

    /**
     * The target of a copy or move: nothing to do if it is the source, FileAlreadyExistsException unless
     * REPLACE_EXISTING, else deleted (DirectoryNotEmptyException for a directory with entries). Uses path1 and
     * overwrites the lease's statx buffer ({@code sourceAttrs} holds its own copy).
     *
     * @throws SameFile if the target is the source itself: the caller does nothing, as the JDK.
     */
    private void replaceTarget(final RawSyscalls sys, final NativeScratch lease,
        final OffloadFileAttributes sourceAttrs, final String targetName, final boolean replaceExisting)
        throws IOException
    {
        final long r = statx(sys, lease, lease.path1, targetName, false);
        if (r < 0)
        {
            return; // no target (or none we can see): the copy reports what goes wrong
        }
        final OffloadFileAttributes targetAttrs = new OffloadFileAttributes(lease.statx, platform, null, false);
        if (sourceAttrs.isSameFile(targetAttrs))
        {
            throw new SameFile();
        }
        if (!replaceExisting)
        {
            throw NioErrors.withCause(new FileAlreadyExistsException(targetName), Syscall.STATX, Errno.EEXIST,
                targetName, null);
        }
        final long d = sys.unlinkat(AT_FDCWD, lease.path1, targetAttrs.isDirectory() ? LinuxConstants.AT_REMOVEDIR : 0);
        if (d < 0)
        {
            if (targetAttrs.isDirectory() && (d == -Errno.EEXIST || d == -Errno.ENOTEMPTY))
            {
                throw NioErrors.withCause(new DirectoryNotEmptyException(targetName), Syscall.UNLINKAT, (int)-d,
                    targetName, null);
            }
            if (d != -Errno.ENOENT)
            {
                throw NioErrors.translate(Syscall.UNLINKAT, (int)-d, targetName, null);
            }
        }
    }

    /** Thrown inside copy and move when source and target are one file: the JDK then does nothing. */
    private static final class SameFile extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        SameFile()
        {
            super(null, null, false, false);
        }
    }

    private static void throwIfCreateFailed(final Syscall syscall, final long r, final String targetName,
        final boolean replaceExisting) throws IOException
    {
        if (r == -Errno.EEXIST && replaceExisting)
        {
            throw NioErrors.withCause(new FileSystemException(targetName), syscall, Errno.EEXIST, targetName, null);
        }
        if (r < 0)
        {
            throw NioErrors.translate(syscall, (int)-r, targetName, null);
        }
    }

    private void copyLink(final RawSyscalls sys, final NativeScratch lease, final String sourceName,
        final String targetName, final boolean replaceExisting) throws IOException
    {
        final byte[] linkTarget = readlink(sys, lease, sourceName);
        final MemorySegment linkPath = NativeScratch.put(lease.path1, targetName);
        final long r;
        if (linkPath == NativeScratch.TOO_LONG)
        {
            r = -Errno.ENAMETOOLONG;
        }
        else
        {
            MemorySegment.copy(linkTarget, 0, lease.path0, ValueLayout.JAVA_BYTE, 0, linkTarget.length);
            lease.path0.set(ValueLayout.JAVA_BYTE, linkTarget.length, (byte)0);
            r = sys.symlinkat(lease.path0, AT_FDCWD, linkPath);
        }
        throwIfCreateFailed(Syscall.SYMLINKAT, r, targetName, replaceExisting);
    }

    /** A regular file: open both, copy_file_range until the end (read and write where it cannot), close both. */
    private void copyFile(final RawSyscalls sys, final String sourceName, final OffloadFileAttributes attrs,
        final String targetName, final boolean replaceExisting) throws IOException
    {
        final NativeScratch lease = NativeScratch.pathLease();
        final long in;
        final long out;
        try
        {
            in = openat(sys, lease, sourceName, LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC, 0);
            if (in < 0)
            {
                throw NioErrors.translate(Syscall.OPENAT, (int)-in, sourceName, null);
            }
            out = openat(sys, lease, targetName, LinuxConstants.O_WRONLY | LinuxConstants.O_CREAT |
                LinuxConstants.O_EXCL | LinuxConstants.O_CLOEXEC, attrs.mode() & 07777);
            if (out < 0)
            {
                sys.close((int)in);
                throwIfCreateFailed(Syscall.OPENAT, out, targetName, replaceExisting);
            }
        }
        finally
        {
            lease.release();
        }
        boolean complete = false;
        try
        {
            if (attrs.size() > 0)
            {
                transfer(sys, (int)in, (int)out, sourceName, targetName);
            }
            complete = true;
        }
        finally
        {
            sys.close((int)out);
            sys.close((int)in);
            if (!complete)
            {
                final NativeScratch again = NativeScratch.pathLease();
                try
                {
                    final MemorySegment target = NativeScratch.put(again.path0, targetName);
                    if (target != NativeScratch.TOO_LONG)
                    {
                        sys.unlinkat(AT_FDCWD, target, 0); // roll back, as the JDK does
                    }
                }
                finally
                {
                    again.release();
                }
            }
        }
    }

    private static void transfer(final RawSyscalls sys, final int in, final int out, final String sourceName,
        final String targetName) throws IOException
    {
        for (;;)
        {
            final long n = sys.copyFileRange(in, MemorySegment.NULL, out, MemorySegment.NULL, 1L << 30, 0);
            if (n == 0)
            {
                return;
            }
            if (n == -Errno.EXDEV || n == -Errno.EINVAL || n == -Errno.ENOSYS || n == -Errno.EOPNOTSUPP)
            {
                break; // not in place here: read and write from where copy_file_range stopped
            }
            if (n < 0)
            {
                throw NioErrors.translate(Syscall.COPY_FILE_RANGE, (int)-n, sourceName, targetName);
            }
        }
        final NativeScratch lease = NativeScratch.dataLease();
        try
        {
            for (;;)
            {
                final long n = sys.read(in, lease.chunk, NativeScratch.CHUNK);
                if (n == 0)
                {
                    return;
                }
                if (n < 0)
                {
                    throw NioErrors.translate(Syscall.READ, (int)-n, sourceName, targetName);
                }
                final long w = sys.write(out, lease.chunk, n);
                if (w < 0)
                {
                    throw NioErrors.translate(Syscall.WRITE, (int)-w, sourceName, targetName);
                }
            }
        }
        finally
        {
            lease.release();
        }
    }

    @Override
    public void move(final Path source, final Path target, final CopyOption... options) throws IOException
    {
        final OffloadPath from = check(source);
        final OffloadPath to = check(target);
        boolean atomicMove = false;
        boolean replaceExisting = false;
        for (final CopyOption option : options)
        {
            if (option == StandardCopyOption.ATOMIC_MOVE)
            {
                atomicMove = true;
            }
            else if (option == StandardCopyOption.REPLACE_EXISTING)
            {
                replaceExisting = true;
            }
            else if (option == null)
            {
                throw new NullPointerException();
            }
            else if (option != LinkOption.NOFOLLOW_LINKS)
            {
                throw new UnsupportedOperationException("Unsupported option: " + option);
            }
        }
        final RawSyscalls sys = backend.pathCalls();
        if (sys == null)
        {
            platform.move(from.delegate(), to.delegate(), options);
            return;
        }
        final String sourceName = from.toString();
        final String targetName = to.toString();
        final NativeScratch lease = NativeScratch.pathLease();
        try
        {
            if (atomicMove)
            {
                final long r = rename(sys, lease, sourceName, targetName);
                if (r == -Errno.EXDEV)
                {
                    throw NioErrors.withCause(new AtomicMoveNotSupportedException(sourceName, targetName,
                        Errno.message(Errno.EXDEV)), Syscall.RENAMEAT, Errno.EXDEV, sourceName, targetName);
                }
                if (r < 0)
                {
                    throw NioErrors.translate(Syscall.RENAMEAT, (int)-r, sourceName, targetName);
                }
                return;
            }
            long r = statx(sys, lease, lease.path0, sourceName, false);
            if (r < 0)
            {
                throw NioErrors.translate(Syscall.STATX, r == -Errno.ENOTDIR ? Errno.ENOENT : (int)-r, sourceName,
                    null);
            }
            final OffloadFileAttributes sourceAttrs =
                new OffloadFileAttributes(lease.statx, platform, from.delegate(), false);
            if (sourceAttrs.isDirectory())
            {
                r = sys.faccessat(AT_FDCWD, lease.path0, LinuxConstants.W_OK, 0);
                if (r < 0)
                {
                    throw NioErrors.translate(Syscall.FACCESSAT, (int)-r, sourceName, null);
                }
            }
            replaceTarget(sys, lease, sourceAttrs, targetName, replaceExisting);
            r = rename(sys, lease, sourceName, targetName);
            if (r == 0)
            {
                return;
            }
            if (r != -Errno.EXDEV && r != -Errno.EISDIR)
            {
                throw NioErrors.translate(Syscall.RENAMEAT, (int)-r, sourceName, targetName);
            }
        }
        catch (final SameFile same)
        {
            return;
        }
        finally
        {
            lease.release();
        }
        platform.move(from.delegate(), to.delegate(), options); // across file systems: copy, then delete
    }

    private static long rename(final RawSyscalls sys, final NativeScratch lease, final String sourceName,
        final String targetName)
    {
        final MemorySegment oldPath = NativeScratch.put(lease.path0, sourceName);
        final MemorySegment newPath = NativeScratch.put(lease.path1, targetName);
        if (oldPath == NativeScratch.TOO_LONG || newPath == NativeScratch.TOO_LONG)
        {
            return -Errno.ENAMETOOLONG;
        }
        return sys.renameat(AT_FDCWD, oldPath, AT_FDCWD, newPath);
    }

    // ---- access, identity, links -----------------------------------------------------------------------------------

    @Override
    public void checkAccess(final Path path, final AccessMode... modes) throws IOException
    {
        final OffloadPath file = check(path);
        final RawSyscalls sys = backend.pathCalls();
        if (sys == null)
        {
            platform.checkAccess(file.delegate(), modes);
            return;
        }
        boolean e = modes.length == 0;
        boolean r = false;
        boolean w = false;
        boolean x = false;
        for (final AccessMode mode : modes)
        {
            switch (mode)
            {
                case READ -> r = true;
                case WRITE -> w = true;
                case EXECUTE -> x = true;
            }
        }
        int mode = 0;
        if (e || r)
        {
            mode |= r ? LinuxConstants.R_OK : LinuxConstants.F_OK;
        }
        if (w)
        {
            mode |= LinuxConstants.W_OK;
        }
        if (x)
        {
            mode |= LinuxConstants.X_OK;
        }
        final long result = access(sys, file.toString(), mode);
        if (result < 0)
        {
            final int errno = result == -Errno.ENOTDIR ? Errno.ENOENT : (int)-result;
            throw NioErrors.translate(Syscall.FACCESSAT, errno, file.toString(), null);
        }
    }

    private static long access(final RawSyscalls sys, final String name, final int mode)
    {
        final NativeScratch lease = NativeScratch.pathLease();
        try
        {
            final MemorySegment path = NativeScratch.put(lease.path0, name);
            return path == NativeScratch.TOO_LONG ? -Errno.ENAMETOOLONG : sys.faccessat(AT_FDCWD, path, mode, 0);
        }
        finally
        {
            lease.release();
        }
    }

    @Override
    public boolean exists(final Path path, final LinkOption... options)
    {
        final OffloadPath file = check(path);
        if (!followLinks(options))
        {
            return super.exists(path, options);
        }
        final RawSyscalls sys = backend.pathCalls();
        if (sys == null)
        {
            return platform.exists(file.delegate(), options);
        }
        return access(sys, file.toString(), LinuxConstants.F_OK) == 0;
    }

    @Override
    public boolean isSameFile(final Path path, final Path path2) throws IOException
    {
        final OffloadPath file1 = check(path);
        if (file1.equals(path2))
        {
            return true;
        }
        if (path2 == null)
        {
            throw new NullPointerException();
        }
        if (!(path2 instanceof OffloadPath) && path2.getFileSystem() != fileSystem.platform())
        {
            return false;
        }
        final OffloadPath file2 = fileSystem.wrap(path2);
        final RawSyscalls sys = backend.pathCalls();
        if (sys == null)
        {
            return platform.isSameFile(file1.delegate(), file2.delegate());
        }
        final OffloadFileAttributes attrs1 = readAttributes(sys, file1, true, false);
        final OffloadFileAttributes attrs2 = readAttributes(sys, file2, true, false);
        return attrs1.isSameFile(attrs2);
    }

    @Override
    public boolean isHidden(final Path path)
    {
        final OffloadPath file = check(path);
        final Path name = file.delegate().getFileName();
        if (name == null)
        {
            return false;
        }
        final String text = name.toString();
        return !text.isEmpty() && text.charAt(0) == '.';
    }

    @Override
    public FileStore getFileStore(final Path path) throws IOException
    {
        return platform.getFileStore(check(path).delegate());
    }

    @Override
    public void createSymbolicLink(final Path link, final Path target, final FileAttribute<?>... attrs)
        throws IOException
    {
        final OffloadPath linkPath = check(link);
        final Path targetPath = fileSystem.unwrap(target);
        if (attrs.length > 0)
        {
            toUnixMode(0, attrs); // may throw NullPointerException or UnsupportedOperationException
            throw new UnsupportedOperationException("Initial file attributes not supported when creating symbolic " +
                "link");
        }
        final RawSyscalls sys = backend.pathCalls();
        if (sys == null)
        {
            platform.createSymbolicLink(linkPath.delegate(), targetPath);
            return;
        }
        final String name = linkPath.toString();
        final NativeScratch lease = NativeScratch.pathLease();
        try
        {
            final String targetText = targetPath.toString();
            final MemorySegment nativeTarget = targetText.isEmpty() ? lease.emptyPath :
                NativeScratch.put(lease.path0, targetText);
            final MemorySegment nativeLink = NativeScratch.put(lease.path1, name);
            final long r = nativeTarget == NativeScratch.TOO_LONG || nativeLink == NativeScratch.TOO_LONG ?
                -Errno.ENAMETOOLONG : sys.symlinkat(nativeTarget, AT_FDCWD, nativeLink);
            if (r < 0)
            {
                throw NioErrors.translate(Syscall.SYMLINKAT, (int)-r, name, null);
            }
        }
        finally
        {
            lease.release();
        }
    }

    @Override
    public void createLink(final Path link, final Path existing) throws IOException
    {
        platform.createLink(check(link).delegate(), fileSystem.unwrap(existing));
    }

    @Override
    public Path readSymbolicLink(final Path link) throws IOException
    {
        final OffloadPath file = check(link);
        final RawSyscalls sys = backend.pathCalls();
        if (sys == null)
        {
            return fileSystem.wrap(platform.readSymbolicLink(file.delegate()));
        }
        final NativeScratch lease = NativeScratch.pathLease();
        try
        {
            return fileSystem.getPath(NativeScratch.decode(readlink(sys, lease, file.toString())));
        }
        finally
        {
            lease.release();
        }
    }

    /** readlink into path1; EINVAL (not a link) is NotLinkException, as the JDK's. */
    private static byte[] readlink(final RawSyscalls sys, final NativeScratch lease, final String name)
        throws IOException
    {
        final MemorySegment path = NativeScratch.put(lease.path0, name);
        final long n = path == NativeScratch.TOO_LONG ? -Errno.ENAMETOOLONG : sys.readlinkat(AT_FDCWD, path, lease.path1);
        if (n == -Errno.EINVAL)
        {
            throw NioErrors.withCause(new NotLinkException(name), Syscall.READLINKAT, Errno.EINVAL, name, null);
        }
        if (n < 0)
        {
            throw NioErrors.translate(Syscall.READLINKAT, (int)-n, name, null);
        }
        if (n >= NativeScratch.PATH_MAX)
        {
            throw NioErrors.translate(Syscall.READLINKAT, Errno.ENAMETOOLONG, name, null);
        }
        return lease.path1.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    // ---- attributes ------------------------------------------------------------------------------------------------

    private static boolean followLinks(final LinkOption... options)
    {
        boolean follow = true;
        for (final LinkOption option : options)
        {
            if (option == LinkOption.NOFOLLOW_LINKS)
            {
                follow = false;
            }
            else if (option == null)
            {
                throw new NullPointerException();
            }
            else
            {
                throw new AssertionError("Should not get here");
            }
        }
        return follow;
    }

    private static long statx(final RawSyscalls sys, final NativeScratch lease, final MemorySegment area,
        final String name, final boolean followLinks)
    {
        final MemorySegment path = NativeScratch.put(area, name);
        if (path == NativeScratch.TOO_LONG)
        {
            return -Errno.ENAMETOOLONG;
        }
        return sys.statx(AT_FDCWD, path, followLinks ? 0 : LinuxConstants.AT_SYMLINK_NOFOLLOW,
            OffloadFileAttributes.STATX_MASK, lease.statx);
    }

    private static long openat(final RawSyscalls sys, final NativeScratch lease, final String name, final int flags,
        final int mode)
    {
        final MemorySegment path = NativeScratch.put(lease.path0, name);
        return path == NativeScratch.TOO_LONG ? -Errno.ENAMETOOLONG : sys.openat(AT_FDCWD, path, flags, mode);
    }

    /**
     * statx of a path; errors as the JDK's: its attribute views report ENOTDIR as ENOENT (NoSuchFileException),
     * isSameFile does not.
     */
    private OffloadFileAttributes readAttributes(final RawSyscalls sys, final OffloadPath file,
        final boolean followLinks, final boolean notDirectoryIsMissing) throws IOException
    {
        final String name = file.toString();
        final NativeScratch lease = NativeScratch.pathLease();
        try
        {
            final long r = statx(sys, lease, lease.path0, name, followLinks);
            if (r < 0)
            {
                final int errno = r == -Errno.ENOTDIR && notDirectoryIsMissing ? Errno.ENOENT : (int)-r;
                throw NioErrors.translate(Syscall.STATX, errno, name, null);
            }
            return new OffloadFileAttributes(lease.statx, platform, file.delegate(), followLinks);
        }
        finally
        {
            lease.release();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(final Path path, final Class<A> type,
        final LinkOption... options) throws IOException
    {
        final OffloadPath file = check(path);
        if (type == null)
        {
            throw new NullPointerException();
        }
        if (type != BasicFileAttributes.class && type != PosixFileAttributes.class)
        {
            return platform.readAttributes(file.delegate(), type, options); // DosFileAttributes and the like
        }
        final boolean follow = followLinks(options);
        final RawSyscalls sys = backend.pathCalls();
        if (sys == null)
        {
            return platform.readAttributes(file.delegate(), type, options);
        }
        final OffloadFileAttributes attrs = readAttributes(sys, file, follow, true);
        return (A)(type == BasicFileAttributes.class ? attrs.asBasic() : attrs);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributesIfExists(final Path path, final Class<A> type,
        final LinkOption... options) throws IOException
    {
        final OffloadPath file = check(path);
        if (type == BasicFileAttributes.class && followLinks(options))
        {
            final RawSyscalls sys = backend.pathCalls();
            if (sys == null)
            {
                return platform.readAttributesIfExists(file.delegate(), type, options);
            }
            final String name = file.toString();
            final NativeScratch lease = NativeScratch.pathLease();
            try
            {
                final long r = statx(sys, lease, lease.path0, name, true);
                if (r == -Errno.ENOENT)
                {
                    return null;
                }
                if (r < 0)
                {
                    throw NioErrors.translate(Syscall.STATX, (int)-r, name, null);
                }
                return (A)new OffloadFileAttributes(lease.statx, platform, file.delegate(), true).asBasic();
            }
            finally
            {
                lease.release();
            }
        }
        try
        {
            return readAttributes(path, type, options);
        }
        catch (final NoSuchFileException ignore)
        {
            return null;
        }
    }

    @Override
    public Map<String, Object> readAttributes(final Path path, final String attributes, final LinkOption... options)
        throws IOException
    {
        final OffloadPath file = check(path);
        final int colon = attributes.indexOf(':');
        final String view = colon < 0 ? "basic" : attributes.substring(0, colon);
        final String names = colon < 0 ? attributes :
            colon + 1 == attributes.length() ? "" : attributes.substring(colon + 1);
        final boolean posix = view.equals("posix");
        if (!posix && !view.equals("basic"))
        {
            return platform.readAttributes(file.delegate(), attributes, options); // unix, owner, dos, user, ...
        }
        final Set<String> allowed = posix ? POSIX_NAMES : BASIC_NAMES;
        final Set<String> wanted = new HashSet<>();
        boolean all = false;
        for (final String name : names.split(","))
        {
            if (name.equals("*"))
            {
                all = true;
            }
            else if (!allowed.contains(name))
            {
                throw new IllegalArgumentException("'" + name + "' not recognized");
            }
            else
            {
                wanted.add(name);
            }
        }
        final PosixFileAttributes attrs = readAttributes(path, PosixFileAttributes.class, options);
        final Map<String, Object> map = new HashMap<>();
        addIf(map, all, wanted, "size", attrs::size);
        addIf(map, all, wanted, "creationTime", attrs::creationTime);
        addIf(map, all, wanted, "lastAccessTime", attrs::lastAccessTime);
        addIf(map, all, wanted, "lastModifiedTime", attrs::lastModifiedTime);
        addIf(map, all, wanted, "fileKey", attrs::fileKey);
        addIf(map, all, wanted, "isDirectory", attrs::isDirectory);
        addIf(map, all, wanted, "isRegularFile", attrs::isRegularFile);
        addIf(map, all, wanted, "isSymbolicLink", attrs::isSymbolicLink);
        addIf(map, all, wanted, "isOther", attrs::isOther);
        if (posix)
        {
            addIf(map, all, wanted, "permissions", attrs::permissions);
            addIf(map, all, wanted, "owner", attrs::owner);
            addIf(map, all, wanted, "group", attrs::group);
        }
        return Collections.unmodifiableMap(map);
    }

    private static void addIf(final Map<String, Object> map, final boolean all, final Set<String> wanted,
        final String name, final java.util.function.Supplier<Object> value)
    {
        if (all || wanted.contains(name))
        {
            map.put(name, value.get());
        }
    }

    private static Set<String> posixNames()
    {
        final Set<String> names = new HashSet<>(BASIC_NAMES);
        names.add("permissions");
        names.add("owner");
        names.add("group");
        return Set.copyOf(names);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(final Path path, final Class<V> type,
        final LinkOption... options)
    {
        final OffloadPath file = check(path);
        if (type == BasicFileAttributeView.class)
        {
            return (V)new BasicView(file, options);
        }
        if (type == PosixFileAttributeView.class)
        {
            return (V)new PosixView(file, options);
        }
        if (type == null)
        {
            throw new NullPointerException();
        }
        return platform.getFileAttributeView(file.delegate(), type, options);
    }

    @Override
    public void setAttribute(final Path path, final String attribute, final Object value,
        final LinkOption... options) throws IOException
    {
        platform.setAttribute(check(path).delegate(), attribute, value, options);
    }

    /** Reads through this provider (statx); updates through the platform's view. */
    private class BasicView implements BasicFileAttributeView
    {
        final OffloadPath file;
        final LinkOption[] options;

        BasicView(final OffloadPath file, final LinkOption[] options)
        {
            this.file = file;
            this.options = options.clone();
            followLinks(this.options); // validates, as the JDK does when the view is made
        }

        @Override
        public String name()
        {
            return "basic";
        }

        @Override
        public BasicFileAttributes readAttributes() throws IOException
        {
            return OffloadFileSystemProvider.this.readAttributes(file, BasicFileAttributes.class, options);
        }

        @Override
        public void setTimes(final FileTime lastModifiedTime, final FileTime lastAccessTime,
            final FileTime createTime) throws IOException
        {
            platform.getFileAttributeView(file.delegate(), BasicFileAttributeView.class, options)
                .setTimes(lastModifiedTime, lastAccessTime, createTime);
        }
    }

    private final class PosixView extends BasicView implements PosixFileAttributeView
    {
        PosixView(final OffloadPath file, final LinkOption[] options)
        {
            super(file, options);
        }

        private PosixFileAttributeView platformView()
        {
            return platform.getFileAttributeView(file.delegate(), PosixFileAttributeView.class, options);
        }

        @Override
        public String name()
        {
            return "posix";
        }

        @Override
        public PosixFileAttributes readAttributes() throws IOException
        {
            return OffloadFileSystemProvider.this.readAttributes(file, PosixFileAttributes.class, options);
        }

        @Override
        public void setPermissions(final Set<PosixFilePermission> perms) throws IOException
        {
            platformView().setPermissions(perms);
        }

        @Override
        public void setGroup(final GroupPrincipal group) throws IOException
        {
            platformView().setGroup(group);
        }

        @Override
        public UserPrincipal getOwner() throws IOException
        {
            return platformView().getOwner();
        }

        @Override
        public void setOwner(final UserPrincipal owner) throws IOException
        {
            platformView().setOwner(owner);
        }
    }
}
