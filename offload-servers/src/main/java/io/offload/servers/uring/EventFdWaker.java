package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.servers.libc.Epoll;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The eventfd behind {@link IoUring#wake()}. The ring keeps a poll request armed on it ({@code IORING_OP_POLL_ADD},
 * multishot where the kernel has it), so a write from any thread posts a CQE and ends the ring thread's wait in
 * {@code io_uring_enter}.
 * <p>
 * Why a poll and not a read of the eventfd (Netty's way): a poll names no user memory, so nothing the kernel could
 * write into after the ring is closed; a pending read would own an 8-byte buffer until its CQE. Multishot poll is
 * edge-triggered: each write wakes the waitqueue and posts one CQE, so the counter never needs reading and the ring
 * thread pays no extra system call per wake-up. The one-shot form (kernels before 5.13) must drain the counter before
 * re-arming, or the poll would fire again at once; {@link #drain} does that.
 * <p>
 * {@link #signal} may race with {@link #close}: a writer that got the fd number must not write after the fd was
 * closed and its number reused by another file, so writers enter a small guard (a count of writers inside, or
 * CLOSED) that close waits out. The guard allocates nothing.
 */
final class EventFdWaker implements AutoCloseable
{
    private static final int CLOSED = Integer.MIN_VALUE;
    /** The 8-byte value every wake-up writes; global, so a writer racing close never reads freed memory. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);

    private final int fd;
    private final MemorySegment drainBuffer;
    private final AtomicInteger writers = new AtomicInteger();

    private EventFdWaker(final int fd, final MemorySegment drainBuffer)
    {
        this.fd = fd;
        this.drainBuffer = drainBuffer;
    }

    /**
     * @param capture     capture segment of the calling thread.
     * @param drainBuffer 8 bytes the ring's thread drains the counter into (one-shot mode only).
     * @return a non-blocking, close-on-exec eventfd.
     * @throws IoUringException if eventfd fails (EMFILE, ENFILE, ENOMEM).
     */
    static EventFdWaker open(final MemorySegment capture, final MemorySegment drainBuffer)
    {
        final int fd = UringNative.eventfd(capture, 0, UringNative.EFD_NONBLOCK | UringNative.EFD_CLOEXEC);
        if (fd < 0)
        {
            throw new IoUringException("eventfd", -fd, "the ring's wake-up fd could not be made");
        }
        return new EventFdWaker(fd, drainBuffer);
    }

    /**
     * @return the eventfd.
     */
    int fd()
    {
        return fd;
    }

    /**
     * Add one to the counter: any thread.
     *
     * @return true if a wake-up is now pending, false if the waker is closed.
     */
    boolean signal()
    {
        while (true)
        {
            final int inside = writers.get();
            if (inside < 0)
            {
                return false;
            }
            if (writers.compareAndSet(inside, inside + 1))
            {
                break;
            }
        }
        try
        {
            if (Epoll.eventfdSignal(fd, ONE) == Long.BYTES)
            {
                return true; // every hand-off to a sleeping server comes here: no errno capture, no allocation
            }
            final long written = UringNative.write(UringNative.threadCapture(), fd, ONE.address(), Long.BYTES);
            // EAGAIN: the counter is at its maximum, so a wake-up is pending anyway
            if (written == Long.BYTES || written == -Errno.EAGAIN)
            {
                return true;
            }
            throw new IoUringException("write", (int)-written, "writing the ring's wake-up eventfd " + fd);
        }
        finally
        {
            writers.decrementAndGet();
        }
    }

    /**
     * Reset the counter to zero (one-shot poll mode, ring thread only).
     *
     * @param capture capture segment of the ring's thread.
     */
    void drain(final MemorySegment capture)
    {
        final long read = UringNative.read(capture, fd, drainBuffer.address(), Long.BYTES);
        if (read != Long.BYTES && read != -Errno.EAGAIN)
        {
            throw new IoUringException("read", (int)-read, "draining the ring's wake-up eventfd " + fd);
        }
    }

    /**
     * Wait until no writer is inside, then close the eventfd; later signals return false.
     */
    @Override
    public void close()
    {
        while (true)
        {
            final int inside = writers.get();
            if (inside < 0)
            {
                return;
            }
            if (inside == 0 && writers.compareAndSet(0, CLOSED))
            {
                break;
            }
            Thread.onSpinWait();
        }
        final int result = UringNative.close(UringNative.threadCapture(), fd);
        if (result < 0)
        {
            throw new IoUringException("close", -result, "closing the ring's wake-up eventfd " + fd);
        }
    }
}
