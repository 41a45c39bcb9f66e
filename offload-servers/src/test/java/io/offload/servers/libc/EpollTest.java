package io.offload.servers.libc;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

import static io.offload.api.LinuxConstants.EFD_CLOEXEC;
import static io.offload.api.LinuxConstants.EFD_NONBLOCK;
import static io.offload.api.LinuxConstants.EPOLLERR;
import static io.offload.api.LinuxConstants.EPOLLET;
import static io.offload.api.LinuxConstants.EPOLLHUP;
import static io.offload.api.LinuxConstants.EPOLLIN;
import static io.offload.api.LinuxConstants.EPOLLONESHOT;
import static io.offload.api.LinuxConstants.EPOLLOUT;
import static io.offload.api.LinuxConstants.EPOLLRDHUP;
import static io.offload.api.LinuxConstants.EPOLL_CTL_ADD;
import static io.offload.api.LinuxConstants.EPOLL_CTL_DEL;
import static io.offload.api.LinuxConstants.EPOLL_CTL_MOD;
import static io.offload.servers.libc.SocketCalls.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reactor's bindings against the kernel: an eventfd wakes an epoll instance with the data it was registered
 * with, a connected socket shows writable, and several events at once come back at the right stride (a wrong
 * {@link EpollEventDescriptor#EVENT_SIZE} garbles every event after the first).
 */
class EpollTest
{
    /** A data value that uses all eight bytes, so a misplaced or truncated data field cannot pass. */
    private static final long EVENTFD_DATA = 0x0123_4567_89ab_cdefL;

    private final SocketCalls sys = new SocketCalls();
    private final MemorySegment scratch = sys.arena.allocate(EpollEventDescriptor.EVENT_SIZE);
    private final MemorySegment scratch8 = sys.arena.allocate(8);
    private final MemorySegment events = sys.arena.allocate(8L * EpollEventDescriptor.EVENT_SIZE, 8);

    @AfterEach
    void closeAll()
    {
        sys.close();
    }

    @Test
    void layoutFollowsTheArchitecture()
    {
        assertTrue(EpollEventDescriptor.isPacked("amd64"));
        assertTrue(EpollEventDescriptor.isPacked("x86_64"));
        assertFalse(EpollEventDescriptor.isPacked("aarch64"));
        assertFalse(EpollEventDescriptor.isPacked("riscv64"));
        assertEquals(12, EpollEventDescriptor.eventSize(true));
        assertEquals(4, EpollEventDescriptor.dataOffset(true));
        assertEquals(16, EpollEventDescriptor.eventSize(false));
        assertEquals(8, EpollEventDescriptor.dataOffset(false));
        final String arch = System.getProperty("os.arch");
        assertEquals("amd64".equals(arch) || "x86_64".equals(arch) ? 12 : 16, EpollEventDescriptor.EVENT_SIZE);
    }

    @Test
    void constantsMatchTheHeaders()
    {
        // <sys/epoll.h>, <linux/eventpoll.h>, <bits/eventfd.h>
        assertEquals(0x001, EPOLLIN);
        assertEquals(0x004, EPOLLOUT);
        assertEquals(0x008, EPOLLERR);
        assertEquals(0x010, EPOLLHUP);
        assertEquals(0x2000, EPOLLRDHUP);
        assertEquals(0x4000_0000, EPOLLONESHOT);
        assertEquals(0x8000_0000, EPOLLET);
        assertEquals(1, EPOLL_CTL_ADD);
        assertEquals(2, EPOLL_CTL_DEL);
        assertEquals(3, EPOLL_CTL_MOD);
        assertEquals(04000, EFD_NONBLOCK);
        assertEquals(02000000, EFD_CLOEXEC);
    }

    @Test
    void eventfdWakesEpollWithItsData()
    {
        final int epfd = sys.fd(Epoll.create(sys.capture));
        final int efd = sys.fd(Epoll.eventfd(sys.capture, 0, Epoll.EVENTFD_FLAGS));
        assertEquals(0, Epoll.ctl(sys.capture, epfd, EPOLL_CTL_ADD, efd, EPOLLIN, EVENTFD_DATA, scratch));
        assertEquals(-Errno.EEXIST, Epoll.ctl(sys.capture, epfd, EPOLL_CTL_ADD, efd, EPOLLIN, 0, scratch));

        assertEquals(0, Epoll.wait(sys.capture, epfd, events, 8, 0), "nothing written yet");

        assertEquals(8, Epoll.eventfdWrite(sys.capture, efd, scratch8));
        assertEquals(1, Epoll.wait(sys.capture, epfd, events, 8, 1_000));
        assertEquals(EPOLLIN, Epoll.eventMask(events, 0) & EPOLLIN);
        assertEquals(EVENTFD_DATA, Epoll.eventData(events, 0));

        assertEquals(8, Epoll.eventfdWrite(sys.capture, efd, scratch8, 41));
        assertEquals(8, Epoll.eventfdRead(sys.capture, efd, scratch8));
        assertEquals(42, scratch8.get(ValueLayout.JAVA_LONG, 0), "read takes the whole counter");
        assertEquals(0, Epoll.wait(sys.capture, epfd, events, 8, 0), "the read reset the counter");
        assertEquals(-Errno.EAGAIN, Epoll.eventfdRead(sys.capture, efd, scratch8), "non-blocking, counter 0");

        assertEquals(0, Epoll.ctl(sys.capture, epfd, EPOLL_CTL_DEL, efd, 0, 0, scratch));
        assertEquals(-Errno.ENOENT, Epoll.ctl(sys.capture, epfd, EPOLL_CTL_MOD, efd, EPOLLIN, 0, scratch));
        assertEquals(8, Epoll.eventfdWrite(sys.capture, efd, scratch8));
        assertEquals(0, Epoll.wait(sys.capture, epfd, events, 8, 0), "unregistered fds report nothing");
    }

    @Test
    void socketsShowWritableAndEventsComeBackAtTheRightStride()
    {
        final int epfd = sys.fd(Epoll.create(sys.capture));
        final int[] pair = sys.connectedPair();
        final int efd = sys.fd(Epoll.eventfd(sys.capture, 1, Epoll.EVENTFD_FLAGS));
        final Map<Long, Integer> expected = new HashMap<>();
        expected.put(1_000L + pair[0], pair[0]);
        expected.put(0x7fff_ffff_0000_0000L + pair[1], pair[1]);
        expected.put(-1L, efd);
        for (final Map.Entry<Long, Integer> registration : expected.entrySet())
        {
            final int mask = registration.getValue() == efd ? EPOLLIN : EPOLLOUT | EPOLLRDHUP;
            assertEquals(0, Epoll.ctl(
                sys.capture, epfd, EPOLL_CTL_ADD, registration.getValue(), mask, registration.getKey(), scratch));
        }

        final int ready = Epoll.wait(sys.capture, epfd, events, 8, 1_000);
        assertEquals(3, ready, () -> "epoll_wait: " + describe(ready));
        final Map<Long, Integer> seen = new HashMap<>();
        for (int i = 0; i < ready; i++)
        {
            final long data = Epoll.eventData(events, i);
            final Integer fd = expected.get(data);
            assertTrue(fd != null, "event " + i + " carries data " + Long.toHexString(data) + ", never registered");
            final int mask = Epoll.eventMask(events, i);
            assertEquals(0, mask & (EPOLLERR | EPOLLHUP | EPOLLRDHUP), "event " + i + " mask " + mask);
            assertTrue((mask & (fd == efd ? EPOLLIN : EPOLLOUT)) != 0, "event " + i + " mask " + mask);
            seen.put(data, fd);
        }
        assertEquals(expected, seen);

        // the peer's shutdown shows as EPOLLRDHUP on the other end
        assertEquals(0, sys.call(Syscall.SHUTDOWN, pair[0], io.offload.api.LinuxConstants.SHUT_WR));
        assertEquals(0, Epoll.ctl(sys.capture, epfd, EPOLL_CTL_DEL, efd, 0, 0, scratch));
        assertEquals(0, Epoll.ctl(sys.capture, epfd, EPOLL_CTL_DEL, pair[0], 0, 0, scratch));
        final long deadline = System.nanoTime() + 5_000_000_000L;
        int mask = 0;
        while ((mask & EPOLLRDHUP) == 0 && System.nanoTime() - deadline < 0)
        {
            final int n = Epoll.wait(sys.capture, epfd, events, 8, 100);
            mask = n == 1 ? Epoll.eventMask(events, 0) : 0;
        }
        assertEquals(EPOLLRDHUP, mask & EPOLLRDHUP, "peer's SHUT_WR seen");
    }

    @Test
    void errnoComesBackNegativeAndBadSegmentsThrow()
    {
        assertEquals(-Errno.EBADF, Epoll.ctl(sys.capture, -1, EPOLL_CTL_ADD, 0, EPOLLIN, 0, scratch));
        assertEquals(-Errno.EBADF, Epoll.wait(sys.capture, -1, events, 1, 0));
        assertEquals(-Errno.EINVAL, Epoll.eventfd(sys.capture, 0, 0x7fff_0000));
        assertEquals(-Errno.EBADF, Epoll.close(sys.capture, -1));

        final int epfd = sys.fd(Epoll.create(sys.capture));
        final IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
            () -> Epoll.ctl(sys.capture, epfd, EPOLL_CTL_ADD, epfd, EPOLLIN, 0, sys.arena.allocate(4)));
        assertTrue(small.getMessage().contains("scratch is too small"), small.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> Epoll.wait(sys.capture, epfd, events, 9, 0), "9 events do not fit in 8");
        assertThrows(IllegalArgumentException.class, () -> Epoll.wait(sys.capture, epfd, events, 0, 0));
        assertThrows(IllegalArgumentException.class,
            () -> Epoll.eventfdRead(sys.capture, epfd, MemorySegment.ofArray(new byte[8])), "heap scratch");
        final Arena closed = Arena.ofConfined();
        final MemorySegment gone = closed.allocate(8);
        closed.close();
        assertThrows(IllegalStateException.class, () -> Epoll.eventfdWrite(sys.capture, epfd, gone));
    }
}
