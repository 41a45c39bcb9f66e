package io.offload.servers.libc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * poll(2) on one fd, for a caller that runs a call inline and must wait for its socket the way a blocking socket
 * would. {@code struct pollfd} is {@code {int fd; short events; short revents}}, 8 bytes; POLLIN and POLLOUT have
 * the same values as EPOLLIN and EPOLLOUT.
 */
public final class Poll
{
    /** Bytes of one struct pollfd. */
    public static final int POLLFD_LENGTH = 8;

    private Poll()
    {
    }

    /**
     * @param capture   the calling thread's errno capture segment.
     * @param fd        the fd.
     * @param events    POLLIN / POLLOUT.
     * @param timeoutMs -1 to wait for ever, else milliseconds.
     * @param scratch   at least {@link #POLLFD_LENGTH} bytes of the calling thread's native memory.
     * @return events ready (0 on timeout), or -errno.
     */
    public static int poll(
        final MemorySegment capture, final int fd, final int events, final int timeoutMs, final MemorySegment scratch)
    {
        if (!scratch.isNative() || scratch.byteSize() < POLLFD_LENGTH)
        {
            throw new IllegalArgumentException("scratch must be native memory of at least " + POLLFD_LENGTH + " bytes");
        }
        scratch.set(ValueLayout.JAVA_INT, 0, fd);
        scratch.set(ValueLayout.JAVA_SHORT, 4, (short)events);
        scratch.set(ValueLayout.JAVA_SHORT, 6, (short)0);
        try
        {
            final int result = (int)LibC.PollHolder.MH.invokeExact(capture, scratch.address(), 1L, timeoutMs);
            return result < 0 ? -LibC.errno(capture) : result;
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("poll downcall failed", ex);
        }
    }
}
