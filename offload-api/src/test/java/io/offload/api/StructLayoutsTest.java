package io.offload.api;

import io.offload.api.internal.MsgHdrDescriptor;
import io.offload.api.internal.SocketAddresses;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.TreeMap;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every offset and size of offload-api's struct descriptors against a table per architecture, written from the
 * declarations in the kernel's uapi headers and glibc's: {@code struct statx} (linux/stat.h: fixed-width fields
 * only), {@code struct msghdr} and {@code struct iovec} (bits/socket.h, bits/types/struct_iovec.h: pointers and
 * size_t, LP64 on both), {@code sockaddr_in}/{@code sockaddr_in6}/{@code sockaddr_storage} (linux/in.h, linux/in6.h,
 * linux/socket.h), {@code struct linux_dirent64} (the kernel's, fixed width) and {@code struct utsname}
 * (linux/utsname.h: six char[65]). None of these differs between x86-64 and AArch64; epoll_event, which does, is
 * checked in offload-servers ({@code ArchLayoutsTest}). The C declarations of msghdr and iovec are also laid out
 * here with this platform's C types ({@link Linker#canonicalLayouts()}) and natural alignment, as the compiler does.
 */
class StructLayoutsTest
{
    /** The layouts both architectures share: every type in them is fixed-width or LP64. */
    private static final Map<String, Long> LP64_LINUX = table(
        "StatxDescriptor.LENGTH", 256, "StatxDescriptor.NLINK_OFFSET", 16, "StatxDescriptor.UID_OFFSET", 20,
        "StatxDescriptor.GID_OFFSET", 24, "StatxDescriptor.MODE_OFFSET", 28, "StatxDescriptor.INO_OFFSET", 32,
        "StatxDescriptor.SIZE_OFFSET", 40, "StatxDescriptor.BLOCKS_OFFSET", 48,
        "StatxDescriptor.MTIME_SEC_OFFSET", 112, "StatxDescriptor.MTIME_NSEC_OFFSET", 120,
        "MsgHdrDescriptor.LENGTH", 56, "MsgHdrDescriptor.NAME_OFFSET", 0, "MsgHdrDescriptor.NAMELEN_OFFSET", 8,
        "MsgHdrDescriptor.IOV_OFFSET", 16, "MsgHdrDescriptor.IOVLEN_OFFSET", 24,
        "MsgHdrDescriptor.CONTROL_OFFSET", 32, "MsgHdrDescriptor.CONTROLLEN_OFFSET", 40,
        "MsgHdrDescriptor.FLAGS_OFFSET", 48,
        "IoVector.IOVEC_LENGTH", 16, "IoVector.MAX_COUNT", 1024, // UIO_MAXIOV, linux/uio.h
        "SocketAddresses.SOCKADDR_STORAGE_SIZE", 128, "SocketAddresses.SOCKADDR_IN_SIZE", 16,
        "SocketAddresses.SOCKADDR_IN6_SIZE", 28, "SocketAddresses.FAMILY_OFFSET", 0,
        "SocketAddresses.PORT_OFFSET", 2, "SocketAddresses.IN_ADDR_OFFSET", 4,
        "SocketAddresses.IN6_FLOWINFO_OFFSET", 4, "SocketAddresses.IN6_ADDR_OFFSET", 8,
        "SocketAddresses.IN6_SCOPE_ID_OFFSET", 24,
        "DirectoryEntries.RECLEN_OFFSET", 16, "DirectoryEntries.TYPE_OFFSET", 18, "DirectoryEntries.NAME_OFFSET", 19,
        "UtsnameDescriptor.FIELD_LENGTH", 65, "UtsnameDescriptor.LENGTH", 390,
        "UtsnameDescriptor.SYSNAME_OFFSET", 0, "UtsnameDescriptor.NODENAME_OFFSET", 65,
        "UtsnameDescriptor.RELEASE_OFFSET", 130, "UtsnameDescriptor.VERSION_OFFSET", 195,
        "UtsnameDescriptor.MACHINE_OFFSET", 260, "UtsnameDescriptor.DOMAINNAME_OFFSET", 325);

    private static final Map<String, Long> X86_64 = LP64_LINUX;
    private static final Map<String, Long> AARCH64 = LP64_LINUX;

    private static final Class<?>[] DESCRIPTORS = {
        StatxDescriptor.class, MsgHdrDescriptor.class, IoVector.class, SocketAddresses.class, DirectoryEntries.class,
        UtsnameDescriptor.class};

    @Test
    void everyDescriptorConstantIsTheHeadersValueForThisArchitecture()
    {
        final Map<String, Long> table = LinuxConstants.ARCH == LinuxArch.X86_64 ? X86_64 : AARCH64;
        final Map<String, String> mismatches = new TreeMap<>();
        for (final Class<?> descriptor : DESCRIPTORS)
        {
            for (final Map.Entry<String, Long> field : LinuxConstantsTest.constants(descriptor).entrySet())
            {
                final String name = descriptor.getSimpleName() + "." + field.getKey();
                final Long expected = table.get(name);
                if (expected == null)
                {
                    mismatches.put(name, "no row: add it to both tables from the struct's declaration");
                }
                else if (!expected.equals(field.getValue()))
                {
                    mismatches.put(name, "header " + expected + ", field " + field.getValue());
                }
            }
        }
        assertEquals(Map.of(), mismatches);
    }

    @Test
    void msghdrAndIovecAsThisPlatformsCompilerLaysThemOut()
    {
        final Map<String, MemoryLayout> c = Linker.nativeLinker().canonicalLayouts();
        final ValueLayout pointer = ValueLayout.ADDRESS;
        final ValueLayout cInt = (ValueLayout)c.get("int");
        final ValueLayout sizeT = (ValueLayout)c.get("size_t");
        // struct msghdr { void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov; size_t msg_iovlen;
        //                 void *msg_control; size_t msg_controllen; int msg_flags; };
        final StructLayout msghdr = naturallyAligned(
            pointer.withName("msg_name"), cInt.withName("msg_namelen"), pointer.withName("msg_iov"),
            sizeT.withName("msg_iovlen"), pointer.withName("msg_control"), sizeT.withName("msg_controllen"),
            cInt.withName("msg_flags"));
        assertEquals(MsgHdrDescriptor.LENGTH, msghdr.byteSize());
        assertEquals(MsgHdrDescriptor.NAMELEN_OFFSET, msghdr.byteOffset(groupElement("msg_namelen")));
        assertEquals(MsgHdrDescriptor.IOV_OFFSET, msghdr.byteOffset(groupElement("msg_iov")));
        assertEquals(MsgHdrDescriptor.IOVLEN_OFFSET, msghdr.byteOffset(groupElement("msg_iovlen")));
        assertEquals(MsgHdrDescriptor.CONTROL_OFFSET, msghdr.byteOffset(groupElement("msg_control")));
        assertEquals(MsgHdrDescriptor.CONTROLLEN_OFFSET, msghdr.byteOffset(groupElement("msg_controllen")));
        assertEquals(MsgHdrDescriptor.FLAGS_OFFSET, msghdr.byteOffset(groupElement("msg_flags")));
        // struct iovec { void *iov_base; size_t iov_len; };
        assertEquals(IoVector.IOVEC_LENGTH, naturallyAligned(pointer, sizeT).byteSize());
    }

    /**
     * @param fields a C struct's fields in order.
     * @return the struct with the padding a C compiler inserts: each field at a multiple of its size (these are
     *         all scalars), the whole padded to its largest field.
     */
    private static StructLayout naturallyAligned(final MemoryLayout... fields)
    {
        final java.util.List<MemoryLayout> laidOut = new java.util.ArrayList<>();
        long offset = 0;
        long maxAlign = 1;
        for (final MemoryLayout field : fields)
        {
            final long align = field.byteAlignment();
            maxAlign = Math.max(maxAlign, align);
            if (offset % align != 0)
            {
                laidOut.add(MemoryLayout.paddingLayout(align - offset % align));
                offset += align - offset % align;
            }
            laidOut.add(field);
            offset += field.byteSize();
        }
        if (offset % maxAlign != 0)
        {
            laidOut.add(MemoryLayout.paddingLayout(maxAlign - offset % maxAlign));
        }
        return MemoryLayout.structLayout(laidOut.toArray(MemoryLayout[]::new));
    }

    private static Map<String, Long> table(final Object... nameValuePairs)
    {
        final Map<String, Long> out = new TreeMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2)
        {
            out.put((String)nameValuePairs[i], ((Number)nameValuePairs[i + 1]).longValue());
        }
        return out;
    }
}
