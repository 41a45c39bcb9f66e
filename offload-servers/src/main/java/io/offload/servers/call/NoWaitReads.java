package io.offload.servers.call;

import io.offload.api.StatxDescriptor;
import io.offload.servers.libc.LibC;
import io.offload.servers.libc.NoWaitIo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The caller's fast path for file reads: {@code preadv2(fd, iov, 1, offset, RWF_NOWAIT)} on the calling thread. The
 * kernel answers from the page cache at once, or EAGAIN when the read would go to the disk (or wait for a peer), or
 * EOPNOTSUPP where the fd does not take RWF_NOWAIT (a FIFO opened by path, a tty); anything but bytes sends the call
 * to its server, which answers it as it always did (so a bad fd or ESPIPE gets the server's error, not this one's).
 * <p>
 * The read never waits, so it is synchronous on the caller, which holds its buffer for the whole call: the
 * buffer-lifetime rule is kept by {@link CallMemory}, which passes a confined or unfreeable segment's own address
 * and a shared arena's segment as a bounce buffer copied out afterwards, as for an offloaded call.
 * <p>
 * A short answer (part of the range cached) is what a pipe or socket with that much data returns; a regular file
 * or block device would give the rest to a plain read, so one statx says which, and the rest of a file's read goes
 * to the server (the same rule as the server's own RWF_NOWAIT attempt in {@code CallHandlers}).
 * <p>
 * Per-thread native memory (the iovec; errno capture and a statx buffer for the file-type check) is made once per thread, in an automatic
 * arena: the steady state allocates nothing.
 */
final class NoWaitReads
{
    /** What {@link #read} returns when the kernel did not answer with bytes: the call goes to its server. */
    static final long MISS = Long.MIN_VALUE;

    private static final int IOVEC_OFFSET = 0;
    private static final int STATX_OFFSET = 16;
    private static final ThreadLocal<NoWaitReads> PER_THREAD = ThreadLocal.withInitial(NoWaitReads::new);

    private final MemorySegment capture;
    private final MemorySegment memory;
    private final MemorySegment statx;

    private NoWaitReads()
    {
        final Arena arena = Arena.ofAuto();
        capture = LibC.allocateCaptureState(arena);
        memory = arena.allocate(STATX_OFFSET + StatxDescriptor.LENGTH + 8, 8);
        statx = memory.asSlice(STATX_OFFSET);
    }

    /**
     * @param fd      the fd.
     * @param address where the bytes go (an address the kernel may write: checked and kept alive by the caller).
     * @param length  bytes wanted, {@code > 0}.
     * @param offset  file offset, or -1 for the fd's position (read).
     * @return bytes read (0 at end of file; fewer than asked: see {@link #isShortFileRead}), or {@link #MISS}.
     */
    static long read(final int fd, final long address, final long length, final long offset)
    {
        return PER_THREAD.get().preadv2(fd, address, length, offset);
    }

    /**
     * @param fd a fd a nowait read just answered short.
     * @return whether it is a regular file or block device (the rest of the range is the disk's, a plain read would
     *         have waited for it), not a pipe or socket that had no more.
     */
    static boolean isShortFileRead(final int fd)
    {
        final NoWaitReads self = PER_THREAD.get();
        final int type = NoWaitIo.fileType(self.capture, fd, self.statx);
        return type >= 0 && NoWaitIo.endsOnItsOwn(type);
    }

    private long preadv2(final int fd, final long address, final long length, final long offset)
    {
        memory.set(ValueLayout.JAVA_LONG, IOVEC_OFFSET, address);
        memory.set(ValueLayout.JAVA_LONG, IOVEC_OFFSET + 8, length);
        // no errno: any failure (EAGAIN, EOPNOTSUPP, a bad fd, even EINTR) sends the call to its server, which
        // answers it as it always did; and a downcall that captures errno would allocate here
        final long result = NoWaitIo.preadv2NoErrno(fd, memory.address() + IOVEC_OFFSET, 1, offset,
            NoWaitIo.RWF_NOWAIT);
        return result < 0 ? MISS : result;
    }
}
