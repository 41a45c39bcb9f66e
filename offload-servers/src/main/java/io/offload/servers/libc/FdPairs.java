package io.offload.servers.libc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * socketpair(2) and pipe2(2): two connected fds, for wake-up channels and for tests that need an fd with nothing
 * to read.
 */
public final class FdPairs
{
    private FdPairs()
    {
    }

    /**
     * @param capture errno capture segment of the calling thread.
     * @param domain  AF_UNIX.
     * @param type    SOCK_STREAM or SOCK_DGRAM, with SOCK_NONBLOCK / SOCK_CLOEXEC as wanted.
     * @param out     at least 8 bytes of native memory: receives the two fds.
     * @return 0, or -errno.
     */
    public static int socketpair(final MemorySegment capture, final int domain, final int type, final MemorySegment out)
    {
        checkOut(out);
        try
        {
            final int result = (int)LibC.Socketpair.MH.invokeExact(capture, domain, type, 0, out.address());
            return result < 0 ? -LibC.errno(capture) : 0;
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("socketpair downcall failed", ex);
        }
    }

    /**
     * @param capture errno capture segment of the calling thread.
     * @param flags   O_NONBLOCK / O_CLOEXEC, or 0.
     * @param out     at least 8 bytes of native memory: receives the read end, then the write end.
     * @return 0, or -errno.
     */
    public static int pipe(final MemorySegment capture, final int flags, final MemorySegment out)
    {
        checkOut(out);
        try
        {
            final int result = (int)LibC.Pipe2.MH.invokeExact(capture, out.address(), flags);
            return result < 0 ? -LibC.errno(capture) : 0;
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("pipe2 downcall failed", ex);
        }
    }

    /**
     * @param out a segment filled by {@link #socketpair} or {@link #pipe}.
     * @param i   0 or 1.
     * @return that fd.
     */
    public static int fd(final MemorySegment out, final int i)
    {
        return out.get(ValueLayout.JAVA_INT, 4L * i);
    }

    private static void checkOut(final MemorySegment out)
    {
        if (out == null || !out.isNative() || out.byteSize() < 8)
        {
            throw new IllegalArgumentException("out must be native memory of at least 8 bytes, was " + out);
        }
    }
}
