package io.offload.rings;

/**
 * Layout of an entry pool's control block and of its pages.
 * <pre>
 *  control block (off-heap, 384 bytes):
 *  +------------------------------------------------+  0
 *  |  padding                                 128 B |
 *  +------------------------------------------------+  128
 *  |  free-list head (long) + padding         128 B |   high 32 bits: version (ABA guard),
 *  +------------------------------------------------+  256                    low 32 bits: handle + 1, 0 = empty
 *  |  padding                                 128 B |
 *  +------------------------------------------------+  384
 *
 *  page (off-heap, entriesPerPage x 128 bytes, 4096-byte aligned):
 *  +-----------+-----------+-----------+-- ... --+
 *  |  entry 0  |  entry 1  |  entry 2  |         |   each laid out by SyscallEntryDescriptor
 *  +-----------+-----------+-----------+-- ... --+
 *
 *  handle = page number &lt;&lt; pageShift | entry number in page
 * </pre>
 * The free-list links live on the heap, one int per entry, because both lines of a free entry are in use as
 * its last completion is read.
 */
public final class EntryPoolDescriptor
{
    /** Offset of the free-list head in the control block. */
    public static final int HEAD_OFFSET = 128;
    /** Length of the control block. */
    public static final int CONTROL_LENGTH = 384;
    /** Alignment of pages. */
    public static final int PAGE_ALIGNMENT = 4096;
    /** Largest number of entries a pool may be bounded to. */
    public static final int MAX_ENTRIES = 1 << 24;

    private EntryPoolDescriptor()
    {
    }

    static long pack(final int version, final int handlePlusOne)
    {
        return ((long)version << 32) | (handlePlusOne & 0xFFFF_FFFFL);
    }

    static int version(final long head)
    {
        return (int)(head >>> 32);
    }

    static int handlePlusOne(final long head)
    {
        return (int)head;
    }
}
