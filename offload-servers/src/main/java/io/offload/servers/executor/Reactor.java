package io.offload.servers.executor;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.servers.libc.Epoll;
import io.offload.servers.libc.EpollEventDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * A server's reactor: one epoll instance for the fds its waiting calls need, plus an eventfd that other threads
 * write to wake the server from epoll_wait. Fds are armed one-shot with the union of events their waiters want,
 * and re-armed after each wake while waiters remain, so a fd with no waiter produces no events. Server thread
 * only, except {@link #wake()}.
 */
public final class Reactor implements AutoCloseable
{
    /** Receives one readiness event. */
    @FunctionalInterface
    public interface EventHandler
    {
        /**
         * @param fd     the ready fd.
         * @param events the epoll events reported.
         */
        void onEvent(int fd, int events);
    }

    private static final int MAX_EVENTS = 256;
    private static final long WAKE_DATA = -1L;

    private final MemorySegment capture;
    private final MemorySegment events;
    private final MemorySegment ctlScratch;
    private final MemorySegment readScratch;
    private final MemorySegment wakeValue;
    private final StampedLock wakeLock = new StampedLock();
    private final int epollFd;
    private final int eventFd;
    private boolean[] registered = new boolean[1024];
    private boolean closed;

    /**
     * @param arena   the server thread's arena.
     * @param capture the server thread's errno capture segment.
     */
    public Reactor(final Arena arena, final MemorySegment capture)
    {
        this.capture = capture;
        this.events = arena.allocate((long)MAX_EVENTS * EpollEventDescriptor.EVENT_SIZE, 8);
        this.ctlScratch = arena.allocate(EpollEventDescriptor.EVENT_SIZE, 8);
        this.readScratch = arena.allocate(8, 8);
        // used by waking threads, which may outlive a confined arena: GC-managed memory
        final Arena shared = Arena.ofAuto();
        this.wakeValue = shared.allocate(8, 8);
        wakeValue.set(ValueLayout.JAVA_LONG, 0, 1L);
        final long epoll = Epoll.create(capture);
        if (epoll < 0)
        {
            throw new IllegalStateException("epoll_create1 failed: " + Errno.name((int)-epoll));
        }
        this.epollFd = (int)epoll;
        final long efd = Epoll.eventfd(capture, 0, LinuxConstants.EFD_NONBLOCK | LinuxConstants.EFD_CLOEXEC);
        if (efd < 0)
        {
            Epoll.close(capture, epollFd);
            throw new IllegalStateException("eventfd failed: " + Errno.name((int)-efd));
        }
        this.eventFd = (int)efd;
        final long added = Epoll.ctl(capture, epollFd, LinuxConstants.EPOLL_CTL_ADD, eventFd, LinuxConstants.EPOLLIN,
            WAKE_DATA, ctlScratch);
        if (added < 0)
        {
            close();
            throw new IllegalStateException("epoll_ctl(eventfd) failed: " + Errno.name((int)-added));
        }
    }

    /**
     * @return the epoll fd: readable while an armed fd is ready or a {@link #wake()} is unread, so another poller
     *         (an io_uring executor holding this reactor's executor as its fallback) can wait for it.
     */
    public int epollFd()
    {
        return epollFd;
    }

    /**
     * Arm {@code fd} one-shot for {@code interest}.
     *
     * @param fd       the fd.
     * @param interest epoll events wanted.
     * @return 0, or -errno if the fd cannot be polled (EPERM for a regular file, EBADF for a closed fd).
     */
    public long arm(final int fd, final int interest)
    {
        final int mask = interest | LinuxConstants.EPOLLONESHOT;
        if (fd >= registered.length)
        {
            registered = Arrays.copyOf(registered, Math.max(fd + 1, registered.length * 2));
        }
        long result;
        if (registered[fd])
        {
            result = Epoll.ctl(capture, epollFd, LinuxConstants.EPOLL_CTL_MOD, fd, mask, fd, ctlScratch);
            if (result == -Errno.ENOENT) // the fd was closed and its number reused since we registered it
            {
                result = Epoll.ctl(capture, epollFd, LinuxConstants.EPOLL_CTL_ADD, fd, mask, fd, ctlScratch);
            }
        }
        else
        {
            result = Epoll.ctl(capture, epollFd, LinuxConstants.EPOLL_CTL_ADD, fd, mask, fd, ctlScratch);
            if (result == -Errno.EEXIST)
            {
                result = Epoll.ctl(capture, epollFd, LinuxConstants.EPOLL_CTL_MOD, fd, mask, fd, ctlScratch);
            }
        }
        registered[fd] = result == 0;
        return result;
    }

    /**
     * After a waiter left: re-arm for the rest, or leave the (one-shot) registration to lapse.
     *
     * @param fd        the fd.
     * @param remaining events still wanted, 0 if none.
     */
    public void rearmOrForget(final int fd, final int remaining)
    {
        if (remaining != 0)
        {
            arm(fd, remaining);
        }
    }

    /**
     * Drop {@code fd} from epoll: before the fd is closed, so a reused number starts clean.
     *
     * @param fd the fd.
     */
    public void forget(final int fd)
    {
        if (fd >= 0 && fd < registered.length && registered[fd])
        {
            Epoll.ctl(capture, epollFd, LinuxConstants.EPOLL_CTL_DEL, fd, 0, 0, ctlScratch);
            registered[fd] = false;
        }
    }

    /**
     * Wait up to {@code timeoutMs} for readiness and hand each event to {@code handler}; a wake-up by
     * {@link #wake()} just returns.
     *
     * @param timeoutMs 0 to poll, or the longest sleep in milliseconds.
     * @param handler   receives each ready fd.
     * @return events handled, wake-ups not counted.
     */
    public int poll(final int timeoutMs, final EventHandler handler)
    {
        final long count = Epoll.wait(capture, epollFd, events, MAX_EVENTS, timeoutMs);
        if (count <= 0)
        {
            if (count < 0 && count != -Errno.EINTR)
            {
                throw new IllegalStateException("epoll_wait failed: " + Errno.name((int)-count));
            }
            return 0;
        }
        int handled = 0;
        for (int i = 0; i < count; i++)
        {
            final long data = Epoll.eventData(events, i);
            if (data == WAKE_DATA)
            {
                Epoll.eventfdRead(capture, eventFd, readScratch);
            }
            else
            {
                final int fd = (int)data;
                handler.onEvent(fd, Epoll.eventMask(events, i));
                handled++;
            }
        }
        return handled;
    }

    /**
     * Wake the server from epoll_wait. Any thread. Holds a read lock so the eventfd cannot be closed (and its
     * number reused by an unrelated file) between the check and the write. Concurrent wakers share the value
     * segment on purpose: each writes the same 1, and none reads errno back.
     */
    public void wake()
    {
        final long stamp = wakeLock.readLock();
        try
        {
            if (!closed)
            {
                Epoll.eventfdSignal(eventFd, wakeValue); // no errno: nothing reads it, and capturing it allocates
            }
        }
        finally
        {
            wakeLock.unlockRead(stamp);
        }
    }

    @Override
    public void close()
    {
        final long stamp = wakeLock.writeLock();
        try
        {
            if (!closed)
            {
                closed = true;
                Epoll.close(capture, eventFd);
                Epoll.close(capture, epollFd);
            }
        }
        finally
        {
            wakeLock.unlockWrite(stamp);
        }
    }
}
