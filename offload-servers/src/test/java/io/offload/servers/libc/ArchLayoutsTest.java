package io.offload.servers.libc;

import io.offload.api.LinuxArch;
import io.offload.api.LinuxConstants;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The layouts offload-servers' libc bindings use, per architecture, from the headers: {@code struct epoll_event}
 * (linux/eventpoll.h: {@code EPOLL_PACKED} under {@code __x86_64__} only), {@code struct pollfd}
 * (asm-generic/poll.h: int, short, short) and glibc's {@code cpu_set_t} (1,024 bits). The epoll layout is checked
 * for both architectures through the selection by {@code os.arch} names, and for this JVM's through the fields.
 */
class ArchLayoutsTest
{
    /** x86-64: epoll_event packed, 12 bytes, data at 4. */
    private static final Map<String, Integer> X86_64 = Map.of(
        "epoll_event.size", 12, "epoll_event.data", 4, "epoll_event.events", 0, "pollfd.size", 8, "cpu_set_t.size", 128);
    /** AArch64: epoll_event naturally aligned, 16 bytes, data at 8. */
    private static final Map<String, Integer> AARCH64 = Map.of(
        "epoll_event.size", 16, "epoll_event.data", 8, "epoll_event.events", 0, "pollfd.size", 8, "cpu_set_t.size", 128);

    private static Map<String, Integer> tableFor(final LinuxArch arch)
    {
        return arch == LinuxArch.X86_64 ? X86_64 : AARCH64;
    }

    @Test
    void thisArchitecturesLayoutsAreTheHeaders()
    {
        final Map<String, Integer> table = tableFor(LinuxConstants.ARCH);
        assertEquals(table.get("epoll_event.size"), EpollEventDescriptor.EVENT_SIZE);
        assertEquals(table.get("epoll_event.data"), EpollEventDescriptor.DATA_OFFSET);
        assertEquals(table.get("epoll_event.events"), EpollEventDescriptor.EVENTS_OFFSET);
        assertEquals(table.get("pollfd.size"), Poll.POLLFD_LENGTH);
        assertEquals(table.get("cpu_set_t.size"), LibC.CPU_SET_BYTES);
        assertEquals(LinuxConstants.ARCH.epollEventPacked(), EpollEventDescriptor.PACKED);
    }

    @Test
    void everyArchitecturesOsArchNamesSelectItsEpollLayout()
    {
        for (final LinuxArch arch : LinuxArch.values())
        {
            final Map<String, Integer> table = tableFor(arch);
            for (final String osArch : arch.osArchNames())
            {
                final boolean packed = EpollEventDescriptor.isPacked(osArch);
                assertEquals(arch.epollEventPacked(), packed, osArch);
                assertEquals(table.get("epoll_event.size"), EpollEventDescriptor.eventSize(packed), osArch);
                assertEquals(table.get("epoll_event.data"), EpollEventDescriptor.dataOffset(packed), osArch);
            }
        }
    }
}
