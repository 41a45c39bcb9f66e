package io.offload.api;

import io.offload.api.internal.NativeBuffers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A native {@code struct iovec} array for readv and writev, reusable across calls. Each buffer is checked when it
 * is set, and again (alive) before each call, since the iovec holds only its address.
 * <pre>
 *  iovec[i] at 16 * i:  +----------------+----------------+
 *                       | base (address) |  length (long) |
 *                       +----------------+----------------+
 * </pre>
 */
public final class IoVector
{
    /** Bytes per iovec. */
    public static final int IOVEC_LENGTH = 16;
    /** The kernel's IOV_MAX. */
    public static final int MAX_COUNT = 1024;

    private final MemorySegment iov;
    private final MemorySegment[] buffers;
    private int count;

    /**
     * @param arena    arena that owns the iovec array.
     * @param capacity most buffers, {@code 1..1024}.
     */
    public IoVector(final Arena arena, final int capacity)
    {
        if (capacity < 1 || capacity > MAX_COUNT)
        {
            throw new IllegalArgumentException("IoVector capacity must be in [1, " + MAX_COUNT + "], got " + capacity);
        }
        this.iov = arena.allocate((long)capacity * IOVEC_LENGTH, 8);
        this.buffers = new MemorySegment[capacity];
    }

    /**
     * @param arena   arena that owns the iovec array.
     * @param buffers the buffers, in order.
     * @return a vector holding them.
     */
    public static IoVector of(final Arena arena, final MemorySegment... buffers)
    {
        final IoVector vector = new IoVector(arena, Math.max(1, buffers.length));
        for (final MemorySegment buffer : buffers)
        {
            vector.add(buffer);
        }
        return vector;
    }

    /**
     * @param buffer a native buffer to append.
     * @return this.
     */
    public IoVector add(final MemorySegment buffer)
    {
        if (count == buffers.length)
        {
            throw new IllegalStateException("IoVector is full (" + buffers.length + " buffers): clear() it first");
        }
        final long address = NativeBuffers.address(buffer, "buffer " + count);
        iov.set(ValueLayout.JAVA_LONG, (long)count * IOVEC_LENGTH, address);
        iov.set(ValueLayout.JAVA_LONG, (long)count * IOVEC_LENGTH + 8, buffer.byteSize());
        buffers[count++] = buffer;
        return this;
    }

    /**
     * Forget all buffers.
     *
     * @return this.
     */
    public IoVector clear()
    {
        java.util.Arrays.fill(buffers, 0, count, null);
        count = 0;
        return this;
    }

    /**
     * @return buffers set.
     */
    public int count()
    {
        return count;
    }

    /**
     * @return the sum of the buffers' sizes.
     */
    public long totalBytes()
    {
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            total += buffers[i].byteSize();
        }
        return total;
    }

    /**
     * @param index a buffer's index, {@code 0 <= index < count()}.
     * @return that buffer.
     */
    public MemorySegment buffer(final int index)
    {
        if (index < 0 || index >= count)
        {
            throw new IllegalArgumentException("buffer index " + index + " is out of range: use 0 <= index < " + count);
        }
        return buffers[index];
    }

    /**
     * @return the native iovec array itself (its first {@code 16 * count()} bytes are in use).
     */
    public MemorySegment iovecs()
    {
        return iov;
    }

    /**
     * Check the buffers can be read into (readv): none is read-only.
     *
     * @throws IllegalArgumentException naming the first read-only buffer.
     */
    public void checkWritable()
    {
        for (int i = 0; i < count; i++)
        {
            if (buffers[i].isReadOnly())
            {
                throw new IllegalArgumentException("buffer " + i + " of the IoVector is read-only, and readv would " +
                    "write into it: add a writable segment (not asReadOnly())");
            }
        }
    }

    /**
     * Check the buffers are still alive and return the iovec array's address.
     *
     * @return the address of the first iovec.
     */
    public long checkedAddress()
    {
        if (count == 0)
        {
            throw new IllegalArgumentException("IoVector is empty: add() at least one buffer");
        }
        for (int i = 0; i < count; i++)
        {
            if (!buffers[i].scope().isAlive())
            {
                throw new IllegalStateException("buffer " + i + " of the IoVector has a closed arena");
            }
        }
        return NativeBuffers.address(iov, "iovec array");
    }
}
