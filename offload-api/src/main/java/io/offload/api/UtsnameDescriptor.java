package io.offload.api;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The layout of glibc's {@code struct utsname} ({@code <sys/utsname.h>}, the kernel's {@code struct new_utsname}
 * in {@code linux/utsname.h}), which {@code uname(2)} fills: six NUL-terminated character arrays of
 * {@code __NEW_UTS_LEN + 1} = 65 bytes each, no padding, the same on every architecture.
 * <pre>
 *   0          65          130         195         260         325          390
 *   +----------+-----------+-----------+-----------+-----------+------------+
 *   | sysname  | nodename  | release   | version   | machine   | domainname |
 *   +----------+-----------+-----------+-----------+-----------+------------+
 * </pre>
 */
public final class UtsnameDescriptor
{
    /** Bytes of each field, its NUL included. */
    public static final int FIELD_LENGTH = 65;
    /** Size of struct utsname: what a buffer given to uname must hold at least. */
    public static final int LENGTH = 6 * FIELD_LENGTH;
    /** Offset of sysname. */
    public static final int SYSNAME_OFFSET = 0;
    /** Offset of nodename. */
    public static final int NODENAME_OFFSET = FIELD_LENGTH;
    /** Offset of release. */
    public static final int RELEASE_OFFSET = 2 * FIELD_LENGTH;
    /** Offset of version. */
    public static final int VERSION_OFFSET = 3 * FIELD_LENGTH;
    /** Offset of machine. */
    public static final int MACHINE_OFFSET = 4 * FIELD_LENGTH;
    /** Offset of domainname. */
    public static final int DOMAINNAME_OFFSET = 5 * FIELD_LENGTH;

    private UtsnameDescriptor()
    {
    }

    /**
     * @param utsname a buffer of at least {@link #LENGTH} bytes that uname filled.
     * @return its fields.
     * @throws IllegalArgumentException if the buffer is shorter than {@link #LENGTH}.
     */
    public static Uname toUname(final MemorySegment utsname)
    {
        if (utsname == null || utsname.byteSize() < LENGTH)
        {
            throw new IllegalArgumentException("utsname must hold at least " + LENGTH + " bytes (struct utsname), got " +
                (utsname == null ? "null" : utsname.byteSize() + " bytes"));
        }
        return new Uname(field(utsname, SYSNAME_OFFSET), field(utsname, NODENAME_OFFSET),
            field(utsname, RELEASE_OFFSET), field(utsname, VERSION_OFFSET), field(utsname, MACHINE_OFFSET),
            field(utsname, DOMAINNAME_OFFSET));
    }

    private static String field(final MemorySegment utsname, final int offset)
    {
        int length = 0;
        while (length < FIELD_LENGTH - 1 && utsname.get(ValueLayout.JAVA_BYTE, offset + length) != 0)
        {
            length++;
        }
        final byte[] bytes = utsname.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
