package io.offload.servers.libc;

import io.offload.api.LinuxConstants;
import io.offload.api.internal.NativeBuffers;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.offload.servers.libc.EpollEventDescriptor.DATA_OFFSET;
import static io.offload.servers.libc.EpollEventDescriptor.EVENTS_OFFSET;
import static io.offload.servers.libc.EpollEventDescriptor.EVENT_SIZE;

/**
 * What a server's reactor needs from the kernel: an epoll instance to park would-block fds on, and an eventfd to
 * wake it. These are the server's own calls, not calls it runs for callers, so they are not {@link
 * io.offload.api.Syscall}s and never travel in an entry.
 * <p>
 * Like {@link SyscallDispatcher}, every method returns the result or {@code -errno} and throws nothing for a failed
 * call: the reactor's loop decides what {@code -EINTR} or {@code -EAGAIN} mean, and exceptions would allocate on
 * the path that runs every duty cycle. Exceptions are kept for programming errors: a capture or scratch segment that
 * is on the heap, closed or too small. Nothing here allocates; the caller owns every segment, and the capture segment
 * must belong to the calling thread ({@link LibC#allocateCaptureState}).
 */
public final class Epoll
{
    /** The eventfd flags a reactor wants: never block the server, never leak the fd into a child. */
    public static final int EVENTFD_FLAGS = LinuxConstants.EFD_NONBLOCK | LinuxConstants.EFD_CLOEXEC;
    /** Bytes an eventfd read or write moves: one u64 counter. */
    public static final int EVENTFD_VALUE_SIZE = 8;

    private static final ValueLayout.OfInt EVENTS = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong DATA = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfLong COUNTER = ValueLayout.JAVA_LONG_UNALIGNED;

    private Epoll()
    {
    }

    /**
     * @param capture the calling thread's capture segment.
     * @return a new epoll fd (close-on-exec), or {@code -errno}.
     */
    public static int create(final MemorySegment capture)
    {
        try
        {
            return errnoOr(capture, (int)LibC.EpollCreate1.MH.invokeExact(capture, LinuxConstants.EPOLL_CLOEXEC));
        }
        catch (final Throwable ex)
        {
            throw rethrow("epoll_create1", ex);
        }
    }

    /**
     * Register, change or remove an fd.
     *
     * @param capture the calling thread's capture segment.
     * @param epfd    the epoll fd.
     * @param op      {@link LinuxConstants#EPOLL_CTL_ADD}, {@code _MOD} or {@code _DEL}.
     * @param fd      the fd to watch.
     * @param events  {@code EPOLL*} mask to watch for ({@code EPOLLERR} and {@code EPOLLHUP} are always reported).
     * @param data    the u64 epoll_wait hands back with each event of this fd (an fd, a slot index, a handle).
     * @param scratch native segment of at least {@link EpollEventDescriptor#EVENT_SIZE} bytes, owned by the caller,
     *                to build the {@code struct epoll_event} in; the kernel copies it, so it can be reused at once.
     * @return 0, or {@code -errno} ({@code -EEXIST} on a second ADD, {@code -ENOENT} on MOD or DEL of an fd not
     *         registered, {@code -EBADF}, {@code -EPERM} for a regular file).
     */
    public static int ctl(
        final MemorySegment capture, final int epfd, final int op, final int fd, final int events, final long data,
        final MemorySegment scratch)
    {
        final long address = checked(scratch, EVENT_SIZE, "scratch", "one struct epoll_event");
        scratch.set(EVENTS, EVENTS_OFFSET, events);
        if (DATA_OFFSET != EVENTS_OFFSET + Integer.BYTES)
        {
            scratch.set(EVENTS, EVENTS_OFFSET + Integer.BYTES, 0);
        }
        scratch.set(DATA, DATA_OFFSET, data);
        try
        {
            return errnoOr(capture, (int)LibC.EpollCtl.MH.invokeExact(capture, epfd, op, fd, address));
        }
        catch (final Throwable ex)
        {
            throw rethrow("epoll_ctl", ex);
        }
    }

    /**
     * Wait for events; read each with {@link #eventMask} and {@link #eventData}.
     *
     * @param capture   the calling thread's capture segment.
     * @param epfd      the epoll fd.
     * @param events    native segment the kernel fills: at least {@code maxEvents * EVENT_SIZE} bytes.
     * @param maxEvents most events to return, {@code >= 1}.
     * @param timeoutMs 0 to poll, -1 to wait for ever, else the most milliseconds to wait.
     * @return the number of events filled (0 on timeout), or {@code -errno} ({@code -EINTR} when a signal came).
     */
    public static int wait(
        final MemorySegment capture, final int epfd, final MemorySegment events, final int maxEvents,
        final int timeoutMs)
    {
        if (maxEvents < 1)
        {
            throw new IllegalArgumentException("maxEvents must be >= 1, got " + maxEvents);
        }
        final long address = checked(events, (long)maxEvents * EVENT_SIZE, "events", maxEvents + " epoll_events");
        try
        {
            return errnoOr(capture, (int)LibC.EpollWait.MH.invokeExact(capture, epfd, address, maxEvents, timeoutMs));
        }
        catch (final Throwable ex)
        {
            throw rethrow("epoll_wait", ex);
        }
    }

    /**
     * @param events a segment {@link #wait} filled.
     * @param i      an index below what wait returned.
     * @return the {@code EPOLL*} mask of the i-th event.
     */
    public static int eventMask(final MemorySegment events, final int i)
    {
        return events.get(EVENTS, (long)i * EVENT_SIZE + EVENTS_OFFSET);
    }

    /**
     * @param events a segment {@link #wait} filled.
     * @param i      an index below what wait returned.
     * @return the data the i-th event's fd was registered with.
     */
    public static long eventData(final MemorySegment events, final int i)
    {
        return events.get(DATA, (long)i * EVENT_SIZE + DATA_OFFSET);
    }

    /**
     * @param capture the calling thread's capture segment.
     * @param initval the counter's starting value.
     * @param flags   {@code EFD_*} flags; a reactor wants {@link #EVENTFD_FLAGS}.
     * @return a new eventfd, or {@code -errno}.
     */
    public static int eventfd(final MemorySegment capture, final int initval, final int flags)
    {
        try
        {
            return errnoOr(capture, (int)LibC.Eventfd.MH.invokeExact(capture, initval, flags));
        }
        catch (final Throwable ex)
        {
            throw rethrow("eventfd", ex);
        }
    }

    /**
     * Add 1 to an eventfd's counter: wake whoever waits on it.
     *
     * @param capture  the calling thread's capture segment.
     * @param fd       an eventfd.
     * @param scratch8 native segment of at least 8 bytes to stage the value in; the caller's, reusable at once.
     * @return 8, or {@code -errno} ({@code -EAGAIN} if the counter would overflow, on a non-blocking eventfd).
     */
    public static long eventfdWrite(final MemorySegment capture, final int fd, final MemorySegment scratch8)
    {
        return eventfdWrite(capture, fd, scratch8, 1);
    }

    /**
     * Add {@code value} to an eventfd's counter.
     *
     * @param capture  the calling thread's capture segment.
     * @param fd       an eventfd.
     * @param scratch8 native segment of at least 8 bytes to stage the value in.
     * @param value    what to add, taken as unsigned; -1 ({@code 0xffffffffffffffff}) is refused by the kernel.
     * @return 8, or {@code -errno}.
     */
    public static long eventfdWrite(
        final MemorySegment capture, final int fd, final MemorySegment scratch8, final long value)
    {
        final long address = checked(scratch8, EVENTFD_VALUE_SIZE, "scratch8", "the eventfd counter");
        scratch8.set(COUNTER, 0, value);
        try
        {
            return errnoOr(capture, (long)LibC.Write.MH.invokeExact(capture, fd, address, (long)EVENTFD_VALUE_SIZE));
        }
        catch (final Throwable ex)
        {
            throw rethrow("write (eventfd)", ex);
        }
    }

    /**
     * Add the 8-byte value staged in {@code value8} to an eventfd's counter, without capturing errno (see
     * {@link LibC.WriteWithoutErrno}): for wake-ups, which need no errno.
     *
     * @param fd     an eventfd.
     * @param value8 native segment holding the value, 8 bytes, checked once by the caller when it was made.
     * @return 8, or -1 if the write failed (EAGAIN: the counter is at its maximum, so a wake-up is pending anyway).
     */
    public static long eventfdSignal(final int fd, final MemorySegment value8)
    {
        try
        {
            return (long)LibC.WriteWithoutErrno.MH.invokeExact(fd, value8.address(), (long)EVENTFD_VALUE_SIZE);
        }
        catch (final Throwable ex)
        {
            throw rethrow("write (eventfd)", ex);
        }
    }

    /**
     * Take the eventfd's counter and reset it to 0 (or take 1, with {@link LinuxConstants#EFD_SEMAPHORE}). The
     * counter is left in {@code scratch8} at offset 0, as a native-order u64.
     *
     * @param capture  the calling thread's capture segment.
     * @param fd       an eventfd.
     * @param scratch8 native segment of at least 8 bytes the counter is read into.
     * @return 8, or {@code -errno} ({@code -EAGAIN} when the counter is 0, on a non-blocking eventfd).
     */
    public static long eventfdRead(final MemorySegment capture, final int fd, final MemorySegment scratch8)
    {
        final long address = checked(scratch8, EVENTFD_VALUE_SIZE, "scratch8", "the eventfd counter");
        try
        {
            return errnoOr(capture, (long)LibC.Read.MH.invokeExact(capture, fd, address, (long)EVENTFD_VALUE_SIZE));
        }
        catch (final Throwable ex)
        {
            throw rethrow("read (eventfd)", ex);
        }
    }

    /**
     * @param capture the calling thread's capture segment.
     * @param fd      an epoll fd, an eventfd, or any fd.
     * @return 0, or {@code -errno}.
     */
    public static int close(final MemorySegment capture, final int fd)
    {
        try
        {
            return errnoOr(capture, (int)LibC.Close.MH.invokeExact(capture, fd));
        }
        catch (final Throwable ex)
        {
            throw rethrow("close", ex);
        }
    }

    private static int errnoOr(final MemorySegment capture, final int result)
    {
        return result == -1 ? -LibC.errno(capture) : result;
    }

    private static long errnoOr(final MemorySegment capture, final long result)
    {
        return result == -1 ? -LibC.errno(capture) : result;
    }

    private static long checked(final MemorySegment segment, final long size, final String name, final String what)
    {
        final long address = NativeBuffers.address(segment, name);
        if (segment.byteSize() < size)
        {
            throw new IllegalArgumentException(
                name + " is too small for " + what + ": it needs " + size + " bytes, the segment has " +
                segment.byteSize());
        }
        return address;
    }

    private static RuntimeException rethrow(final String call, final Throwable ex)
    {
        if (ex instanceof RuntimeException runtime)
        {
            return runtime;
        }
        if (ex instanceof Error error)
        {
            throw error;
        }
        return new IllegalStateException("downcall to " + call + " failed", ex);
    }
}
