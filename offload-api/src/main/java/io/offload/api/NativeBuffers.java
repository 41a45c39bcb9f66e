package io.offload.api;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The checks every buffer passes before its address may reach the kernel: native, alive, long enough. Each
 * failure says what was wrong and what would be right. None of the checks allocates.
 */
public final class NativeBuffers
{
    private NativeBuffers()
    {
    }

    /**
     * @param buf  a buffer.
     * @param name its parameter name, for the message.
     * @return the buffer's address.
     * @throws IllegalArgumentException if null or on the heap.
     * @throws IllegalStateException    if its arena is closed.
     */
    public static long address(final MemorySegment buf, final String name)
    {
        if (buf == null)
        {
            throw new IllegalArgumentException(name + " is null: pass a native MemorySegment");
        }
        if (!buf.isNative())
        {
            throw new IllegalArgumentException(
                name + " is a heap segment: the kernel needs native memory; allocate it from an Arena " +
                "(arena.allocate(n)) or wrap a direct ByteBuffer (MemorySegment.ofBuffer)");
        }
        if (!buf.scope().isAlive())
        {
            throw new IllegalStateException(name + "'s arena is closed: the memory is gone; use a live segment");
        }
        return buf.address();
    }

    /**
     * @param buf    a buffer.
     * @param length bytes the call may touch.
     * @param name   its parameter name, for the message.
     * @return the buffer's address.
     * @throws IndexOutOfBoundsException if {@code length} is negative or past the end of {@code buf}.
     */
    public static long address(final MemorySegment buf, final long length, final String name)
    {
        final long address = address(buf, name);
        if (length < 0 || length > buf.byteSize())
        {
            throw new IndexOutOfBoundsException(
                "length " + length + " is past the end of " + name + " (" + buf.byteSize() +
                " bytes): use 0 <= length <= " + buf.byteSize());
        }
        return address;
    }

    /**
     * @param path a native path.
     * @param name its parameter name, for the message.
     * @return its address.
     * @throws IllegalArgumentException if no NUL byte ends it within its bounds.
     */
    public static long cString(final MemorySegment path, final String name)
    {
        final long address = address(path, name);
        final long size = path.byteSize();
        for (long i = 0; i < size; i++)
        {
            if (path.get(ValueLayout.JAVA_BYTE, i) == 0)
            {
                return address;
            }
        }
        throw new IllegalArgumentException(
            name + " has no terminating NUL within its " + size + " bytes: build it with arena.allocateFrom(String)");
    }

    /**
     * @param offset a file offset.
     * @param name   its parameter name.
     * @return the offset.
     * @throws IllegalArgumentException if negative.
     */
    public static long fileOffset(final long offset, final String name)
    {
        if (offset < 0)
        {
            throw new IllegalArgumentException(name + " must be >= 0, got " + offset);
        }
        return offset;
    }
}
