package io.offload.api;

/**
 * The x86_64 Linux values that the calls this library makes take or return: {@code open} flags, {@code *at} flags,
 * {@code lseek} whence values, {@code statx} masks, {@code st_mode} file type bits and {@code getdents64}
 * {@code d_type} values.
 * <p>
 * Each value is the one in the kernel and glibc headers ({@code <asm-generic/fcntl.h>},
 * {@code <bits/fcntl-linux.h>}, {@code <linux/stat.h>}, {@code <dirent.h>}). Octal literals are written as octal,
 * as they are in the headers, so that they can be compared side by side.
 */
public final class LinuxConstants
{
    // ---- open(2) / openat(2) flags -------------------------------------------------------------------------------

    /** Open for reading only. */
    public static final int O_RDONLY = 0;
    /** Open for writing only. */
    public static final int O_WRONLY = 01;
    /** Open for reading and writing. */
    public static final int O_RDWR = 02;
    /** Mask of the access mode bits ({@link #O_RDONLY}, {@link #O_WRONLY}, {@link #O_RDWR}). */
    public static final int O_ACCMODE = 03;
    /** Create the file if it does not exist. */
    public static final int O_CREAT = 0100;
    /** With {@link #O_CREAT}: fail with {@code EEXIST} if the file exists. */
    public static final int O_EXCL = 0200;
    /** Do not make a terminal the controlling terminal. */
    public static final int O_NOCTTY = 0400;
    /** Truncate a regular file to length 0. */
    public static final int O_TRUNC = 01000;
    /** Every write goes to the end of the file. */
    public static final int O_APPEND = 02000;
    /** Non-blocking mode. */
    public static final int O_NONBLOCK = 04000;
    /** Writes complete as for synchronized I/O data integrity. */
    public static final int O_DSYNC = 010000;
    /** Direct I/O, bypassing the page cache; buffers, offsets and lengths must be aligned. */
    public static final int O_DIRECT = 040000;
    /**
     * Allow files whose size does not fit in 32 bits. This is the kernel's value; glibc defines {@code O_LARGEFILE}
     * as 0 on x86_64 because the kernel sets it itself for 64-bit processes, so passing it is harmless and optional.
     */
    public static final int O_LARGEFILE = 0100000;
    /** Fail with {@code ENOTDIR} unless the path is a directory. */
    public static final int O_DIRECTORY = 0200000;
    /** Fail with {@code ELOOP} if the last path component is a symbolic link. */
    public static final int O_NOFOLLOW = 0400000;
    /** Do not update the file's last access time. */
    public static final int O_NOATIME = 01000000;
    /** Close the descriptor on {@code execve}. */
    public static final int O_CLOEXEC = 02000000;
    /** Writes complete as for synchronized I/O file integrity ({@code __O_SYNC | O_DSYNC}). */
    public static final int O_SYNC = 04010000;
    /** Obtain a descriptor that only names a location in the file system. */
    public static final int O_PATH = 010000000;
    /** Create an unnamed temporary file in the given directory ({@code __O_TMPFILE | O_DIRECTORY}). */
    public static final int O_TMPFILE = 020200000;

    // ---- *at(2) arguments ------------------------------------------------------------------------------------------

    /** The {@code dirfd} that makes a {@code *at} call resolve a relative path against the working directory. */
    public static final int AT_FDCWD = -100;
    /** {@code fstatat}/{@code statx}: do not follow a symbolic link in the last component. */
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** {@code unlinkat}: remove a directory, as {@code rmdir} does. */
    public static final int AT_REMOVEDIR = 0x200;
    /** {@code fstatat}/{@code statx}: an empty path means the file {@code dirfd} refers to. */
    public static final int AT_EMPTY_PATH = 0x1000;

    // ---- lseek(2) whence -------------------------------------------------------------------------------------------

    /** The offset is absolute. */
    public static final int SEEK_SET = 0;
    /** The offset is relative to the current position. */
    public static final int SEEK_CUR = 1;
    /** The offset is relative to the end of the file. */
    public static final int SEEK_END = 2;
    /** Seek to the next byte of data at or after the offset. */
    public static final int SEEK_DATA = 3;
    /** Seek to the next hole at or after the offset. */
    public static final int SEEK_HOLE = 4;

    // ---- statx(2) mask ---------------------------------------------------------------------------------------------

    /**
     * Everything in a plain {@code struct stat}: type, mode, nlink, uid, gid, atime, mtime, ctime, ino, size, blocks.
     */
    public static final int STATX_BASIC_STATS = 0x7ff;
    /**
     * {@link #STATX_BASIC_STATS} plus {@code STATX_BTIME}; the kernel headers deprecate the name but keep the value.
     */
    public static final int STATX_ALL = 0xfff;

    // ---- st_mode / stx_mode file type bits -------------------------------------------------------------------------

    /** Mask of the file type bits in a mode. */
    public static final int S_IFMT = 0170000;
    /** Socket. */
    public static final int S_IFSOCK = 0140000;
    /** Symbolic link. */
    public static final int S_IFLNK = 0120000;
    /** Regular file. */
    public static final int S_IFREG = 0100000;
    /** Block device. */
    public static final int S_IFBLK = 060000;
    /** Directory. */
    public static final int S_IFDIR = 040000;
    /** Character device. */
    public static final int S_IFCHR = 020000;
    /** FIFO. */
    public static final int S_IFIFO = 010000;

    // ---- getdents64(2) d_type --------------------------------------------------------------------------------------

    /** The file system did not report the type; ask {@code statx}. */
    public static final int DT_UNKNOWN = 0;
    /** FIFO. */
    public static final int DT_FIFO = 1;
    /** Character device. */
    public static final int DT_CHR = 2;
    /** Directory. */
    public static final int DT_DIR = 4;
    /** Block device. */
    public static final int DT_BLK = 6;
    /** Regular file. */
    public static final int DT_REG = 8;
    /** Symbolic link. */
    public static final int DT_LNK = 10;
    /** Socket. */
    public static final int DT_SOCK = 12;

    private LinuxConstants()
    {
    }
}
