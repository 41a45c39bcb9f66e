package io.offload.servers.uring;

import io.offload.api.StatxDescriptor;
import io.offload.servers.libc.LibC;
import io.offload.servers.libc.NoWaitIo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Whether an fd's reads and writes can wait for a peer (a pipe, FIFO, socket, tty, eventfd: they belong in the
 * fallback's reactor, as on the syscall executor) or end on their own (a regular file, block device or directory:
 * io_uring's business), asked once per fd number with {@code statx(fd, "", AT_EMPTY_PATH, STATX_TYPE)} and kept
 * until this executor sees the number closed ({@link #forget}: a close it runs, an openat it completes).
 * <p>
 * What it costs to be wrong: an fd closed by another path (an INLINE close, another server) whose number is reused
 * keeps the old answer. A peer fd taken for a file waits in the kernel instead of the reactor (holding an in-flight
 * slot; cancels, deadlines and closes still end it); a file taken for a peer fd runs on the fallback, as on the
 * syscall executor. Neither loses or corrupts a call. Server thread only; owns a confined arena for the statx buffer.
 */
final class FdKinds implements AutoCloseable
{
    private static final byte UNKNOWN = 0;
    private static final byte ENDS_ON_ITS_OWN = 1;
    private static final byte MAY_WAIT = 2;
    private static final int INITIAL = 1024;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment capture;
    private final MemorySegment statx;
    private byte[] kinds = new byte[INITIAL];

    FdKinds()
    {
        try
        {
            capture = LibC.allocateCaptureState(arena);
            statx = arena.allocate(StatxDescriptor.LENGTH + 8, 8);
        }
        catch (final RuntimeException | Error ex)
        {
            arena.close();
            throw ex;
        }
    }

    /**
     * @param fd an fd.
     * @return whether a read or write of it can wait for a peer; false when the statx fails (a bad fd, for which
     *         io_uring gives the system call's own EBADF).
     */
    boolean mayWaitForPeer(final int fd)
    {
        if (fd < 0)
        {
            return false;
        }
        if (fd >= kinds.length)
        {
            kinds = Arrays.copyOf(kinds, Math.max(fd + 1, kinds.length * 2)); // cold: a larger fd than seen so far
        }
        final byte known = kinds[fd];
        if (known != UNKNOWN)
        {
            return known == MAY_WAIT;
        }
        final int type = NoWaitIo.fileType(capture, fd, statx);
        if (type < 0)
        {
            return false; // not kept: the number may be opened next
        }
        final boolean mayWait = !NoWaitIo.endsOnItsOwn(type);
        kinds[fd] = mayWait ? MAY_WAIT : ENDS_ON_ITS_OWN;
        return mayWait;
    }

    /**
     * The number may name another file from now on.
     *
     * @param fd an fd closed, or just opened.
     */
    void forget(final int fd)
    {
        if (fd >= 0 && fd < kinds.length)
        {
            kinds[fd] = UNKNOWN;
        }
    }

    @Override
    public void close()
    {
        arena.close();
    }
}
