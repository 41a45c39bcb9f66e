package io.offload.servers.libc;

import io.offload.api.LinuxConstants;

import java.util.Locale;

/**
 * The layout of {@code struct epoll_event}, which is not the same on every architecture: the kernel and glibc
 * declare it {@code __attribute__((packed))} on x86_64 only ({@code <bits/epoll.h>}, {@code <linux/eventpoll.h>}:
 * {@code EPOLL_PACKED} under {@code __x86_64__}), to keep the 32-bit and 64-bit x86 ABIs the same. Everywhere else
 * (AArch64, RISC-V, POWER, s390x) the u64 is naturally aligned, so the struct is 16 bytes. Reading the data at the
 * wrong offset gives garbage silently, so the offset is decided once, here, from {@code os.arch}.
 * <pre>
 *  x86_64 (packed, 12 bytes; in an array the data of every odd event is only 4-byte aligned)
 *   0               4                               12
 *   +---------------+-------------------------------+
 *   | events (u32)  | data (u64, unaligned)         |
 *   +---------------+-------------------------------+
 *
 *  aarch64 and the others (16 bytes)
 *   0               4               8                               16
 *   +---------------+---------------+-------------------------------+
 *   | events (u32)  | pad           | data (u64)                    |
 *   +---------------+---------------+-------------------------------+
 * </pre>
 * {@link Epoll} reads and writes the data with unaligned accesses, which are correct under both layouts.
 */
public final class EpollEventDescriptor
{
    /**
     * Whether this JVM's architecture packs the struct (x86_64): from the architecture {@link LinuxConstants#ARCH}
     * selected, so an architecture the library does not know is refused here too.
     */
    public static final boolean PACKED = LinuxConstants.ARCH.epollEventPacked();
    /** Offset of {@code events}, the u32 event mask. */
    public static final int EVENTS_OFFSET = 0;
    /** Offset of {@code data}, the u64 the registration carried. */
    public static final int DATA_OFFSET = dataOffset(PACKED);
    /** Size of one {@code struct epoll_event}: the stride of the array epoll_wait fills. */
    public static final int EVENT_SIZE = eventSize(PACKED);

    private EpollEventDescriptor()
    {
    }

    /**
     * @param osArch a value of the {@code os.arch} system property.
     * @return whether {@code struct epoll_event} is packed on that architecture.
     */
    static boolean isPacked(final String osArch)
    {
        final String arch = osArch.toLowerCase(Locale.ROOT);
        return "amd64".equals(arch) || "x86_64".equals(arch);
    }

    /**
     * @param packed whether the struct is packed.
     * @return the offset of {@code data}.
     */
    static int dataOffset(final boolean packed)
    {
        return packed ? 4 : 8;
    }

    /**
     * @param packed whether the struct is packed.
     * @return the size of the struct.
     */
    static int eventSize(final boolean packed)
    {
        return packed ? 12 : 16;
    }
}
