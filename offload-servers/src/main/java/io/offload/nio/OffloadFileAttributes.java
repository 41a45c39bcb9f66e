package io.offload.nio;

import io.offload.api.LinuxConstants;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.spi.FileSystemProvider;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A file's attributes from one {@code statx} call, with the JDK's semantics ({@code sun.nio.fs.UnixFileAttributes}):
 * the same mask and flags (STATX_ALL, AT_STATX_SYNC_AS_STAT), times built as the JDK builds them, the creation
 * time the birth time where the file system reports one and else the last-modified time, and a file key of
 * (device, inode) that prints, hashes and compares as the JDK's.
 * <p>
 * Owner and group are principals of the platform (so that they can be passed to {@code setOwner}); they are
 * looked up through the platform provider, on first use only.
 * <pre>
 *   struct statx: 0 mask u32 | 16 nlink | 20 uid | 24 gid | 28 mode u16 | 32 ino | 40 size
 *                 64 atime {sec i64, nsec u32} | 80 btime | 96 ctime | 112 mtime
 *                 128 rdev_major u32 | 132 rdev_minor | 136 dev_major | 140 dev_minor
 * </pre>
 */
final class OffloadFileAttributes implements PosixFileAttributes
{
    static final int STATX_MASK = LinuxConstants.STATX_ALL;

    private static final int MASK_OFFSET = 0;
    private static final int NLINK_OFFSET = 16;
    private static final int UID_OFFSET = 20;
    private static final int GID_OFFSET = 24;
    private static final int MODE_OFFSET = 28;
    private static final int INO_OFFSET = 32;
    private static final int SIZE_OFFSET = 40;
    private static final int ATIME_OFFSET = 64;
    private static final int BTIME_OFFSET = 80;
    private static final int CTIME_OFFSET = 96;
    private static final int MTIME_OFFSET = 112;
    private static final int RDEV_MAJOR_OFFSET = 128;
    private static final int RDEV_MINOR_OFFSET = 132;
    private static final int DEV_MAJOR_OFFSET = 136;
    private static final int DEV_MINOR_OFFSET = 140;

    private final int mode;
    private final long ino;
    private final long dev;
    private final long rdev;
    private final int nlink;
    private final int uid;
    private final int gid;
    private final long size;
    private final long atimeSec;
    private final long atimeNsec;
    private final long mtimeSec;
    private final long mtimeNsec;
    private final long ctimeSec;
    private final long ctimeNsec;
    private final long btimeSec;
    private final long btimeNsec;
    private final boolean btimeAvailable;

    private final FileSystemProvider platform;
    private final Path platformPath;
    private final boolean followLinks;
    private volatile PosixFileAttributes principals;
    private volatile FileKey key;

    /**
     * @param statx        a buffer statx just filled.
     * @param platform     the platform provider, for owner and group.
     * @param platformPath the file's platform path, or null for an open file's attributes.
     * @param followLinks  whether links were followed.
     */
    OffloadFileAttributes(final MemorySegment statx, final FileSystemProvider platform, final Path platformPath,
        final boolean followLinks)
    {
        final ValueLayout.OfInt i32 = ValueLayout.JAVA_INT_UNALIGNED;
        final ValueLayout.OfLong i64 = ValueLayout.JAVA_LONG_UNALIGNED;
        this.mode = Short.toUnsignedInt(statx.get(ValueLayout.JAVA_SHORT_UNALIGNED, MODE_OFFSET));
        this.ino = statx.get(i64, INO_OFFSET);
        this.dev = makedev(statx.get(i32, DEV_MAJOR_OFFSET), statx.get(i32, DEV_MINOR_OFFSET));
        this.rdev = makedev(statx.get(i32, RDEV_MAJOR_OFFSET), statx.get(i32, RDEV_MINOR_OFFSET));
        this.nlink = statx.get(i32, NLINK_OFFSET);
        this.uid = statx.get(i32, UID_OFFSET);
        this.gid = statx.get(i32, GID_OFFSET);
        this.size = statx.get(i64, SIZE_OFFSET);
        this.atimeSec = statx.get(i64, ATIME_OFFSET);
        this.atimeNsec = Integer.toUnsignedLong(statx.get(i32, ATIME_OFFSET + 8));
        this.btimeSec = statx.get(i64, BTIME_OFFSET);
        this.btimeNsec = Integer.toUnsignedLong(statx.get(i32, BTIME_OFFSET + 8));
        this.ctimeSec = statx.get(i64, CTIME_OFFSET);
        this.ctimeNsec = Integer.toUnsignedLong(statx.get(i32, CTIME_OFFSET + 8));
        this.mtimeSec = statx.get(i64, MTIME_OFFSET);
        this.mtimeNsec = Integer.toUnsignedLong(statx.get(i32, MTIME_OFFSET + 8));
        this.btimeAvailable = (statx.get(i32, MASK_OFFSET) & LinuxConstants.STATX_BTIME) != 0;
        this.platform = platform;
        this.platformPath = platformPath;
        this.followLinks = followLinks;
    }

    /** glibc's makedev, as the JDK turns statx's major:minor into a dev_t. */
    private static long makedev(final int majorBits, final int minorBits)
    {
        final long major = Integer.toUnsignedLong(majorBits);
        final long minor = Integer.toUnsignedLong(minorBits);
        return ((major & 0xfffff000L) << 32) | ((major & 0x00000fffL) << 8) |
            ((minor & 0xffffff00L) << 12) | (minor & 0x000000ffL);
    }

    int mode()
    {
        return mode;
    }

    int uid()
    {
        return uid;
    }

    int gid()
    {
        return gid;
    }

    long rdev()
    {
        return rdev;
    }

    boolean isSameFile(final OffloadFileAttributes other)
    {
        return ino == other.ino && dev == other.dev;
    }

    boolean isDevice()
    {
        final int type = mode & LinuxConstants.S_IFMT;
        return type == LinuxConstants.S_IFCHR || type == LinuxConstants.S_IFBLK || type == LinuxConstants.S_IFIFO;
    }

    private static FileTime toFileTime(final long sec, final long nsec)
    {
        if (nsec == 0)
        {
            return FileTime.from(sec, TimeUnit.SECONDS);
        }
        try
        {
            return FileTime.from(Math.addExact(nsec, Math.multiplyExact(sec, 1_000_000_000L)), TimeUnit.NANOSECONDS);
        }
        catch (final ArithmeticException overflow)
        {
            return FileTime.from(sec * 1_000_000L + nsec / 1_000L, TimeUnit.MICROSECONDS);
        }
    }

    @Override
    public FileTime lastModifiedTime()
    {
        return toFileTime(mtimeSec, mtimeNsec);
    }

    @Override
    public FileTime lastAccessTime()
    {
        return toFileTime(atimeSec, atimeNsec);
    }

    @Override
    public FileTime creationTime()
    {
        return btimeAvailable ? toFileTime(btimeSec, btimeNsec) : lastModifiedTime();
    }

    @Override
    public boolean isRegularFile()
    {
        return (mode & LinuxConstants.S_IFMT) == LinuxConstants.S_IFREG;
    }

    @Override
    public boolean isDirectory()
    {
        return (mode & LinuxConstants.S_IFMT) == LinuxConstants.S_IFDIR;
    }

    @Override
    public boolean isSymbolicLink()
    {
        return (mode & LinuxConstants.S_IFMT) == LinuxConstants.S_IFLNK;
    }

    @Override
    public boolean isOther()
    {
        final int type = mode & LinuxConstants.S_IFMT;
        return type != LinuxConstants.S_IFREG && type != LinuxConstants.S_IFDIR && type != LinuxConstants.S_IFLNK;
    }

    @Override
    public long size()
    {
        return size;
    }

    @Override
    public Object fileKey()
    {
        FileKey k = key;
        if (k == null)
        {
            k = new FileKey(dev, ino);
            key = k;
        }
        return k;
    }

    @Override
    public UserPrincipal owner()
    {
        return principals().owner();
    }

    @Override
    public GroupPrincipal group()
    {
        return principals().group();
    }

    private PosixFileAttributes principals()
    {
        PosixFileAttributes p = principals;
        if (p == null)
        {
            if (platformPath == null)
            {
                throw new UnsupportedOperationException("owner and group of an open file: read them by path");
            }
            try
            {
                p = followLinks ? platform.readAttributes(platformPath, PosixFileAttributes.class) :
                    platform.readAttributes(platformPath, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("owner and group of " + platformPath + " could not be read", ex);
            }
            principals = p;
        }
        return p;
    }

    @Override
    public Set<PosixFilePermission> permissions()
    {
        final EnumSet<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        final PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
        for (int i = 0; i < all.length; i++)
        {
            if ((mode & (0400 >> i)) != 0)
            {
                perms.add(all[i]);
            }
        }
        return perms;
    }

    /**
     * @param permissions POSIX permissions.
     * @return their mode bits.
     */
    static int toMode(final Set<PosixFilePermission> permissions)
    {
        int bits = 0;
        for (final PosixFilePermission permission : permissions)
        {
            if (permission == null)
            {
                throw new NullPointerException();
            }
            bits |= 0400 >> permission.ordinal();
        }
        return bits;
    }

    /**
     * @return these attributes as {@link BasicFileAttributes} only, as the JDK hands out for the basic view (so the
     *         owner and the permissions are not reachable by a cast).
     */
    BasicFileAttributes asBasic()
    {
        final OffloadFileAttributes attrs = this;
        return new BasicFileAttributes()
        {
            @Override
            public FileTime lastModifiedTime()
            {
                return attrs.lastModifiedTime();
            }

            @Override
            public FileTime lastAccessTime()
            {
                return attrs.lastAccessTime();
            }

            @Override
            public FileTime creationTime()
            {
                return attrs.creationTime();
            }

            @Override
            public boolean isRegularFile()
            {
                return attrs.isRegularFile();
            }

            @Override
            public boolean isDirectory()
            {
                return attrs.isDirectory();
            }

            @Override
            public boolean isSymbolicLink()
            {
                return attrs.isSymbolicLink();
            }

            @Override
            public boolean isOther()
            {
                return attrs.isOther();
            }

            @Override
            public long size()
            {
                return attrs.size();
            }

            @Override
            public Object fileKey()
            {
                return attrs.fileKey();
            }
        };
    }

    /**
     * The file's identity, as the JDK's {@code UnixFileKey}: equal for the same device and inode, printed
     * {@code (dev=<hex>,ino=<decimal>)}.
     */
    static final class FileKey
    {
        private final long dev;
        private final long ino;

        FileKey(final long dev, final long ino)
        {
            this.dev = dev;
            this.ino = ino;
        }

        @Override
        public int hashCode()
        {
            return Long.hashCode(dev) + Long.hashCode(ino);
        }

        @Override
        public boolean equals(final Object obj)
        {
            return obj == this || obj instanceof FileKey other && other.dev == dev && other.ino == ino;
        }

        @Override
        public String toString()
        {
            return "(dev=" + Long.toHexString(dev) + ",ino=" + ino + ")";
        }
    }
}
