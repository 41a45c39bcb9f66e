package io.offload.api;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Offsets of the fields of Linux's {@code struct statx} (include/uapi/linux/stat.h) that {@link FileStat} carries.
 * The struct is the same on every architecture, which is why the library uses statx and not stat.
 * <pre>
 *   0 mask u32 | 4 blksize u32 | 8 attributes u64 | 16 nlink u32 | 20 uid u32 | 24 gid u32 | 28 mode u16
 *  32 ino u64  | 40 size u64   | 48 blocks u64    | 56 attributes_mask u64
 *  64 atime {sec i64, nsec u32, pad} | 80 btime | 96 ctime | 112 mtime | ... | 256 end
 * </pre>
 */
public final class StatxDescriptor
{
    /** Size of struct statx. */
    public static final int LENGTH = 256;
    /** stx_nlink. */
    public static final int NLINK_OFFSET = 16;
    /** stx_uid. */
    public static final int UID_OFFSET = 20;
    /** stx_gid. */
    public static final int GID_OFFSET = 24;
    /** stx_mode (u16). */
    public static final int MODE_OFFSET = 28;
    /** stx_ino. */
    public static final int INO_OFFSET = 32;
    /** stx_size. */
    public static final int SIZE_OFFSET = 40;
    /** stx_blocks. */
    public static final int BLOCKS_OFFSET = 48;
    /** stx_mtime.tv_sec. */
    public static final int MTIME_SEC_OFFSET = 112;
    /** stx_mtime.tv_nsec. */
    public static final int MTIME_NSEC_OFFSET = 120;

    private StatxDescriptor()
    {
    }

    /**
     * @param statx a buffer the kernel filled.
     * @return its fields.
     */
    public static FileStat toFileStat(final MemorySegment statx)
    {
        final ValueLayout.OfInt intLayout = ValueLayout.JAVA_INT_UNALIGNED;
        final ValueLayout.OfLong longLayout = ValueLayout.JAVA_LONG_UNALIGNED;
        final long mtime = statx.get(longLayout, MTIME_SEC_OFFSET) * 1_000_000_000L +
            Integer.toUnsignedLong(statx.get(intLayout, MTIME_NSEC_OFFSET));
        return new FileStat(
            Short.toUnsignedInt(statx.get(ValueLayout.JAVA_SHORT_UNALIGNED, MODE_OFFSET)),
            statx.get(longLayout, SIZE_OFFSET),
            statx.get(longLayout, BLOCKS_OFFSET),
            statx.get(longLayout, INO_OFFSET),
            statx.get(intLayout, NLINK_OFFSET),
            statx.get(intLayout, UID_OFFSET),
            statx.get(intLayout, GID_OFFSET),
            mtime);
    }
}
