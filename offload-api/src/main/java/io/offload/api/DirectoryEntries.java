package io.offload.api;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Walks the {@code struct linux_dirent64} records that getdents64 leaves in a buffer.
 * <pre>
 *   0 d_ino u64 | 8 d_off i64 | 16 d_reclen u16 | 18 d_type u8 | 19 d_name[] NUL-terminated, padded to reclen
 * </pre>
 */
public final class DirectoryEntries
{
    /** Offset of d_reclen. */
    public static final int RECLEN_OFFSET = 16;
    /** Offset of d_type. */
    public static final int TYPE_OFFSET = 18;
    /** Offset of d_name. */
    public static final int NAME_OFFSET = 19;

    /** Receives one record. */
    @FunctionalInterface
    public interface Visitor
    {
        /**
         * @param name the entry's name ("." and ".." included).
         * @param type a {@code DT_*} value.
         */
        void entry(String name, int type);
    }

    private DirectoryEntries()
    {
    }

    /**
     * @param buf     the buffer getdents64 filled.
     * @param length  bytes it reported.
     * @param visitor receives each record in order.
     * @return records visited.
     */
    public static int forEach(final MemorySegment buf, final long length, final Visitor visitor)
    {
        int records = 0;
        long offset = 0;
        while (offset < length)
        {
            final int reclen = Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset + RECLEN_OFFSET));
            if (reclen == 0 || offset + reclen > length)
            {
                throw new IllegalArgumentException("corrupt dirent64 record at offset " + offset + ", reclen " + reclen);
            }
            final int type = Byte.toUnsignedInt(buf.get(ValueLayout.JAVA_BYTE, offset + TYPE_OFFSET));
            visitor.entry(buf.getString(offset + NAME_OFFSET, StandardCharsets.UTF_8), type);
            offset += reclen;
            records++;
        }
        return records;
    }
}
