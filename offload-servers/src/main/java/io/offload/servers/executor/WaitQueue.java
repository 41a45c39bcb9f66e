package io.offload.servers.executor;

import io.offload.api.LinuxConstants;
import io.offload.rings.HandleConsumer;

import java.util.Arrays;

/**
 * A server's calls that would block, indexed two ways: by fd (a singly linked list per fd, so a readiness event
 * wakes exactly the calls waiting on that fd in that direction) and in one doubly linked list of all waiters (so
 * deadlines can be scanned). Links are int arrays indexed by entry handle: adding and removing allocate nothing;
 * the per-fd heads grow (by doubling) only when a higher fd than ever before waits. Server thread only.
 */
public final class WaitQueue
{
    private static final int NONE = -1;
    private static final int ERROR_EVENTS = LinuxConstants.EPOLLERR | LinuxConstants.EPOLLHUP;

    private final int[] fdOf;
    private final int[] eventsOf;
    private final int[] nextOnFd;
    private final int[] nextAll;
    private final int[] prevAll;
    private final boolean[] waiting;
    private int[] fdHead;
    private int headAll = NONE;
    private int count;

    /**
     * @param maxEntries the pool's bound.
     */
    public WaitQueue(final int maxEntries)
    {
        fdOf = new int[maxEntries];
        eventsOf = new int[maxEntries];
        nextOnFd = new int[maxEntries];
        nextAll = new int[maxEntries];
        prevAll = new int[maxEntries];
        waiting = new boolean[maxEntries];
        fdHead = new int[1024];
        Arrays.fill(fdHead, NONE);
    }

    /**
     * @param handle an entry that would block.
     * @param fd     the fd it waits on.
     * @param events the epoll events it waits for.
     * @return the union of events now awaited on {@code fd}, to arm the reactor with.
     */
    public int add(final int handle, final int fd, final int events)
    {
        if (fd >= fdHead.length)
        {
            final int oldLength = fdHead.length;
            fdHead = Arrays.copyOf(fdHead, Math.max(fd + 1, oldLength * 2));
            Arrays.fill(fdHead, oldLength, fdHead.length, NONE);
        }
        fdOf[handle] = fd;
        eventsOf[handle] = events;
        waiting[handle] = true;
        nextOnFd[handle] = fdHead[fd];
        fdHead[fd] = handle;
        prevAll[handle] = NONE;
        nextAll[handle] = headAll;
        if (headAll != NONE)
        {
            prevAll[headAll] = handle;
        }
        headAll = handle;
        count++;
        return interest(fd);
    }

    /**
     * Take out the waiters of {@code fd} that {@code readyEvents} satisfies (error and hang-up satisfy all) and
     * hand each to {@code ready}.
     *
     * @param fd          the fd that is ready.
     * @param readyEvents the events the reactor reported.
     * @param ready       receives each woken handle.
     * @return the union of events still awaited on {@code fd}, 0 if none.
     */
    public int wake(final int fd, final int readyEvents, final HandleConsumer ready)
    {
        if (fd < 0 || fd >= fdHead.length)
        {
            return 0;
        }
        final int satisfied = (readyEvents & ERROR_EVENTS) != 0 ? -1 : readyEvents;
        int previous = NONE;
        int handle = fdHead[fd];
        while (handle != NONE)
        {
            final int next = nextOnFd[handle];
            if ((eventsOf[handle] & satisfied) != 0)
            {
                unlinkFromFd(fd, handle, previous);
                unlinkFromAll(handle);
                ready.accept(handle);
            }
            else
            {
                previous = handle;
            }
            handle = next;
        }
        return interest(fd);
    }

    /**
     * Remove one waiter (cancelled or timed out).
     *
     * @param handle a waiting entry.
     * @return the union of events still awaited on its fd.
     */
    public int remove(final int handle)
    {
        final int fd = fdOf[handle];
        int previous = NONE;
        int current = fdHead[fd];
        while (current != NONE && current != handle)
        {
            previous = current;
            current = nextOnFd[current];
        }
        if (current == handle)
        {
            unlinkFromFd(fd, handle, previous);
            unlinkFromAll(handle);
        }
        return interest(fd);
    }

    /**
     * @param handle an entry.
     * @return whether it waits in this queue.
     */
    public boolean contains(final int handle)
    {
        return waiting[handle];
    }

    /**
     * @param handle a waiting entry.
     * @return the fd it waits on.
     */
    public int fdOf(final int handle)
    {
        return fdOf[handle];
    }

    /**
     * @param fd an fd.
     * @return the first waiter on it, or -1.
     */
    public int firstOn(final int fd)
    {
        return fd >= 0 && fd < fdHead.length ? fdHead[fd] : NONE;
    }

    /**
     * @return the first of all waiters, or -1; with {@link #nextOf} walks them all.
     */
    public int first()
    {
        return headAll;
    }

    /**
     * @param handle a waiter.
     * @return the next waiter in the list of all, or -1. Read it before removing {@code handle}.
     */
    public int nextOf(final int handle)
    {
        return nextAll[handle];
    }

    /**
     * @return number of waiters.
     */
    public int size()
    {
        return count;
    }

    private int interest(final int fd)
    {
        int events = 0;
        for (int handle = fdHead[fd]; handle != NONE; handle = nextOnFd[handle])
        {
            events |= eventsOf[handle];
        }
        return events;
    }

    private void unlinkFromFd(final int fd, final int handle, final int previous)
    {
        if (previous == NONE)
        {
            fdHead[fd] = nextOnFd[handle];
        }
        else
        {
            nextOnFd[previous] = nextOnFd[handle];
        }
    }

    private void unlinkFromAll(final int handle)
    {
        waiting[handle] = false;
        final int prev = prevAll[handle];
        final int next = nextAll[handle];
        if (prev == NONE)
        {
            headAll = next;
        }
        else
        {
            nextAll[prev] = next;
        }
        if (next != NONE)
        {
            prevAll[next] = prev;
        }
        count--;
    }
}
