package io.offload.api;

/**
 * The fields of {@code struct statx} a server application usually needs.
 *
 * @param mode       file type and permission bits ({@code S_IFMT} and friends in {@link LinuxConstants}).
 * @param size       size in bytes.
 * @param blocks     512-byte blocks allocated.
 * @param inode      inode number.
 * @param links      hard link count.
 * @param uid        owner.
 * @param gid        group.
 * @param mtimeNanos last modification, nanoseconds since the epoch.
 */
public record FileStat(int mode, long size, long blocks, long inode, int links, int uid, int gid, long mtimeNanos)
{
    /**
     * @return true if a regular file.
     */
    public boolean isRegularFile()
    {
        return (mode & LinuxConstants.S_IFMT) == LinuxConstants.S_IFREG;
    }

    /**
     * @return true if a directory.
     */
    public boolean isDirectory()
    {
        return (mode & LinuxConstants.S_IFMT) == LinuxConstants.S_IFDIR;
    }
}
