package io.offload.servers.call;

import io.offload.api.IoVector;
import io.offload.api.Syscall;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;

/**
 * The caller's half of the buffer-lifetime rule: what address the kernel gets for a caller's segment, so that no
 * call ever hands the kernel memory its owner may free while the call can still touch it (see
 * {@link SegmentLifetime}). A segment confined to the calling thread, or one that cannot be freed while referenced,
 * goes as is (zero copy, kept reachable to the end of the call); one of a shared arena goes through a bounce buffer
 * of the runtime's {@link BouncePool}: copied in before a write is submitted, copied out after a read completes, on
 * the thread that receives the result. If the arena was closed meanwhile, that copy throws IllegalStateException and
 * the data is dropped. Blocking calls only; async calls hold their buffers in their {@link AsyncCall}.
 * <p>
 * Arguments are checked before they come here (native, alive, long enough, writable for a read).
 */
public final class CallMemory
{
    private static final CallMemory UNOWNED = new CallMemory(BouncePool.unowned());

    private final BouncePool pool;

    /**
     * @param pool where bounce buffers come from.
     */
    public CallMemory(final BouncePool pool)
    {
        this.pool = pool;
    }

    /**
     * @return the memory of calls made without a runtime ({@code DirectSyscalls}).
     */
    public static CallMemory unowned()
    {
        return UNOWNED;
    }

    /**
     * @return the pool bounce buffers come from.
     */
    public BouncePool pool()
    {
        return pool;
    }

    /**
     * A blocking call whose kernel side writes {@code length} bytes at the start of {@code buf}, its address in
     * {@code a1} and the length in {@code a2}: read, pread, recvfrom, getdents64.
     *
     * @param gate    where the call goes.
     * @param syscall the call.
     * @param a0      first argument (the fd).
     * @param buf     the target, checked.
     * @param length  bytes the kernel may write.
     * @param a3      fourth argument (offset, flags).
     * @param timeout limit on the call's wait in nanoseconds, or 0.
     * @return the result or -errno.
     * @throws IllegalStateException if the arena of a bounced {@code buf} was closed before the data could be
     *                               copied into it (the data is dropped).
     */
    public long into(final SyscallGate gate, final Syscall syscall, final long a0, final MemorySegment buf,
        final long length, final long a3, final long timeout)
    {
        final int kind = kind(buf, "buf");
        if (kind != SegmentLifetime.SHARED || length == 0)
        {
            long result = gate.readNoWait(syscall, (int)a0, buf.address(), length, a3, timeout);
            if (result == SyscallGate.NOT_SERVED)
            {
                result = gate.call(syscall, a0, buf.address(), length, a3, 0, 0, timeout);
            }
            Reference.reachabilityFence(buf);
            return result;
        }
        final Bounce bounce = pool.lease(length);
        try
        {
            // a shared arena's segment never reaches the kernel, not even on the caller's fast path: another thread
            // may close it during the read
            long result = gate.readNoWait(syscall, (int)a0, bounce.address(), length, a3, timeout);
            if (result == SyscallGate.NOT_SERVED)
            {
                result = gate.call(syscall, a0, bounce.address(), length, a3, 0, 0, timeout);
            }
            if (result > 0)
            {
                MemorySegment.copy(bounce.memory(), 0, buf, 0, result);
            }
            return result;
        }
        finally
        {
            pool.release(bounce);
        }
    }

    /**
     * A blocking call whose kernel side reads {@code length} bytes of {@code buf} from {@code offset}, their
     * address in {@code a1} and the length in {@code a2}: write, pwrite, sendto.
     *
     * @param gate    where the call goes.
     * @param syscall the call.
     * @param a0      first argument (the fd).
     * @param buf     the source, checked.
     * @param offset  where in {@code buf} the bytes start.
     * @param length  bytes the kernel may read.
     * @param a3      fourth argument (offset, flags).
     * @param timeout limit on the call's wait in nanoseconds, or 0.
     * @return the result or -errno.
     */
    public long from(final SyscallGate gate, final Syscall syscall, final long a0, final MemorySegment buf,
        final long offset, final long length, final long a3, final long timeout)
    {
        final int kind = kind(buf, "buf");
        if (kind != SegmentLifetime.SHARED || length == 0)
        {
            final long result = gate.call(syscall, a0, buf.address() + offset, length, a3, 0, 0, timeout);
            Reference.reachabilityFence(buf);
            return result;
        }
        final Bounce bounce = pool.lease(length);
        try
        {
            MemorySegment.copy(buf, offset, bounce.memory(), 0, length);
            return gate.call(syscall, a0, bounce.address(), length, a3, 0, 0, timeout);
        }
        finally
        {
            pool.release(bounce);
        }
    }

    /**
     * readv or writev: through the caller's iovec array if it and every buffer may go to the kernel as they are,
     * else through one bounce buffer that holds a one-entry iovec array and all the bytes (gathered in before a
     * writev, scattered out after a readv).
     *
     * @param gate    where the call goes.
     * @param syscall READV or WRITEV.
     * @param fd      the fd.
     * @param vectors the buffers, checked.
     * @param timeout limit on the call's wait in nanoseconds, or 0.
     * @return the result or -errno.
     */
    public long vector(final SyscallGate gate, final Syscall syscall, final int fd, final IoVector vectors,
        final long timeout)
    {
        final long iov = vectors.checkedAddress();
        final int count = vectors.count();
        boolean direct = kind(vectors.iovecs(), "the IoVector's iovec array") != SegmentLifetime.SHARED;
        for (int i = 0; i < count; i++)
        {
            final int kind = SegmentLifetime.of(vectors.buffer(i));
            if (kind == SegmentLifetime.OTHER_THREAD)
            {
                throw SegmentLifetime.otherThread("buffer " + i + " of the IoVector");
            }
            direct &= kind != SegmentLifetime.SHARED;
        }
        if (direct)
        {
            final long result = gate.call(syscall, fd, iov, count, 0, 0, 0, timeout);
            Reference.reachabilityFence(vectors);
            return result;
        }
        final boolean read = syscall == Syscall.READV;
        final long total = vectors.totalBytes();
        final Bounce bounce = pool.lease(IoVector.IOVEC_LENGTH + total);
        try
        {
            final MemorySegment memory = bounce.memory();
            memory.set(ValueLayout.JAVA_LONG, 0, bounce.address() + IoVector.IOVEC_LENGTH);
            memory.set(ValueLayout.JAVA_LONG, 8, total);
            if (!read)
            {
                long at = IoVector.IOVEC_LENGTH;
                for (int i = 0; i < count; i++)
                {
                    final MemorySegment buffer = vectors.buffer(i);
                    MemorySegment.copy(buffer, 0, memory, at, buffer.byteSize());
                    at += buffer.byteSize();
                }
            }
            final long result = gate.call(syscall, fd, bounce.address(), 1, 0, 0, 0, timeout);
            if (read && result > 0)
            {
                long left = result;
                long at = IoVector.IOVEC_LENGTH;
                for (int i = 0; i < count && left > 0; i++)
                {
                    final MemorySegment buffer = vectors.buffer(i);
                    final long n = Math.min(left, buffer.byteSize());
                    MemorySegment.copy(memory, at, buffer, 0, n);
                    at += n;
                    left -= n;
                }
            }
            return result;
        }
        finally
        {
            pool.release(bounce);
        }
    }

    /**
     * @param segment a checked segment.
     * @param name    the parameter's name, for a message.
     * @return whether the kernel must get a bounce buffer in its place.
     * @throws WrongThreadException if it is confined to another thread.
     */
    public boolean needsBounce(final MemorySegment segment, final String name)
    {
        return kind(segment, name) == SegmentLifetime.SHARED;
    }

    /**
     * For the calls with more than one buffer (paths, stat buffers): a bounce buffer for {@code segment} if it
     * needs one, with its first {@code copyIn} bytes copied in.
     *
     * @param segment a checked segment.
     * @param length  bytes the kernel may touch.
     * @param copyIn  bytes to copy in now (what the kernel reads), 0 for a pure target.
     * @param name    the parameter's name, for a message.
     * @return a bounce buffer, or null if the segment's own address may go to the kernel.
     */
    public Bounce bounceFor(final MemorySegment segment, final long length, final long copyIn, final String name)
    {
        if (kind(segment, name) != SegmentLifetime.SHARED)
        {
            return null;
        }
        final Bounce bounce = pool.lease(length);
        if (copyIn > 0)
        {
            MemorySegment.copy(segment, 0, bounce.memory(), 0, copyIn);
        }
        return bounce;
    }

    /**
     * @param segment a segment.
     * @param bounce  its bounce buffer from {@link #bounceFor}, or null.
     * @return the address the kernel gets.
     */
    public static long address(final MemorySegment segment, final Bounce bounce)
    {
        return bounce != null ? bounce.address() : segment.address();
    }

    /**
     * Copy what the kernel wrote into a bounce buffer out to the caller's segment.
     *
     * @param bounce  a bounce buffer, or null (nothing to copy).
     * @param segment the caller's segment.
     * @param bytes   how many bytes, from the start.
     */
    public static void copyOut(final Bounce bounce, final MemorySegment segment, final long bytes)
    {
        if (bounce != null && bytes > 0)
        {
            MemorySegment.copy(bounce.memory(), 0, segment, 0, bytes);
        }
    }

    /**
     * @param bounce a bounce buffer from {@link #bounceFor}, or null.
     */
    public void release(final Bounce bounce)
    {
        pool.release(bounce);
    }

    private static int kind(final MemorySegment segment, final String name)
    {
        final int kind = SegmentLifetime.of(segment);
        if (kind == SegmentLifetime.OTHER_THREAD)
        {
            throw SegmentLifetime.otherThread(name);
        }
        return kind;
    }
}
