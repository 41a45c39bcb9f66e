package io.offload.servers.executor;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.servers.libc.Epoll;
import io.offload.servers.libc.EpollEventDescriptor;
import io.offload.servers.libc.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Where a virtual thread that runs a socket call inline waits for its fd: it arms the fd one-shot in this
 * poller's epoll and parks, freeing its carrier, and the poller thread unparks it when the fd is ready (the JDK's
 * own poller does the same for its sockets). A platform thread waits in poll(2) instead, with no hand-off. One
 * reader and one writer may wait on an fd at a time; a woken or spuriously unparked caller simply retries its
 * call, which is non-blocking.
 */
public final class InlinePoller
{
    private static final int MAX_EVENTS = 64;
    private static volatile InlinePoller instance;

    private final ConcurrentHashMap<Integer, Waiters> byFd = new ConcurrentHashMap<>();
    private final int epollFd;

    private static final class Waiters
    {
        Thread reader;
        Thread writer;
    }

    private InlinePoller()
    {
        final Arena arena = Arena.ofAuto();
        final MemorySegment capture = LibC.allocateCaptureState(arena);
        final int epoll = Epoll.create(capture);
        if (epoll < 0)
        {
            throw new IllegalStateException("epoll_create1 failed: " + Errno.name(-epoll));
        }
        this.epollFd = epoll;
        final Thread thread = new Thread(() -> run(arena, capture), "offload-inline-poller");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @return the process's poller, started on first use.
     */
    public static InlinePoller get()
    {
        InlinePoller poller = instance;
        if (poller == null)
        {
            synchronized (InlinePoller.class)
            {
                poller = instance;
                if (poller == null)
                {
                    poller = new InlinePoller();
                    instance = poller;
                }
            }
        }
        return poller;
    }

    /**
     * Park the calling (virtual) thread until {@code c.waitFd} may be ready for {@code c.waitEvents}, or until the
     * deadline. Returns early on any unpark; the caller retries its call either way.
     *
     * @param c             the call, with the caller's capture and scratch memory.
     * @param deadlineNanos {@link System#nanoTime()} to give up at, or 0 for none.
     * @return 0, or -errno if the fd cannot be polled.
     */
    public int await(final CallContext c, final long deadlineNanos)
    {
        final Thread self = Thread.currentThread();
        final int fd = c.waitFd;
        final boolean read = (c.waitEvents & LinuxConstants.EPOLLIN) != 0;
        final Waiters w = byFd.computeIfAbsent(fd, k -> new Waiters());
        synchronized (w)
        {
            if (read)
            {
                w.reader = self;
            }
            else
            {
                w.writer = self;
            }
            final int armed = arm(c, fd, w);
            if (armed < 0)
            {
                clear(w, self);
                return armed;
            }
        }
        if (deadlineNanos == 0)
        {
            LockSupport.park(this);
        }
        else
        {
            LockSupport.parkNanos(this, deadlineNanos - System.nanoTime());
        }
        synchronized (w)
        {
            clear(w, self);
        }
        return 0;
    }

    private int arm(final CallContext c, final int fd, final Waiters w)
    {
        final int mask = (w.reader != null ? LinuxConstants.EPOLLIN : 0) |
            (w.writer != null ? LinuxConstants.EPOLLOUT : 0) | LinuxConstants.EPOLLONESHOT;
        int result = Epoll.ctl(c.capture, epollFd, LinuxConstants.EPOLL_CTL_MOD, fd, mask, fd, c.scratch);
        if (result == -Errno.ENOENT)
        {
            result = Epoll.ctl(c.capture, epollFd, LinuxConstants.EPOLL_CTL_ADD, fd, mask, fd, c.scratch);
        }
        return result;
    }

    private static void clear(final Waiters w, final Thread self)
    {
        if (w.reader == self)
        {
            w.reader = null;
        }
        if (w.writer == self)
        {
            w.writer = null;
        }
    }

    private void run(final Arena arena, final MemorySegment capture)
    {
        final MemorySegment events = arena.allocate((long)MAX_EVENTS * EpollEventDescriptor.EVENT_SIZE, 8);
        final int errorEvents = LinuxConstants.EPOLLERR | LinuxConstants.EPOLLHUP;
        while (true)
        {
            final int count = Epoll.wait(capture, epollFd, events, MAX_EVENTS, -1);
            for (int i = 0; i < count; i++)
            {
                final int fd = (int)Epoll.eventData(events, i);
                final int mask = Epoll.eventMask(events, i);
                final Waiters w = byFd.get(fd);
                if (w == null)
                {
                    continue;
                }
                synchronized (w)
                {
                    if (w.reader != null && (mask & (LinuxConstants.EPOLLIN | errorEvents)) != 0)
                    {
                        LockSupport.unpark(w.reader);
                    }
                    if (w.writer != null && (mask & (LinuxConstants.EPOLLOUT | errorEvents)) != 0)
                    {
                        LockSupport.unpark(w.writer);
                    }
                }
            }
        }
    }
}
