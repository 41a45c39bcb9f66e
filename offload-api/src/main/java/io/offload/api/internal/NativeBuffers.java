package io.offload.api.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The checks every buffer passes before its address may reach the kernel: native, alive, long enough, and
 * writable when the kernel writes into it. A bad argument gets an {@link IllegalArgumentException} (null, heap,
 * read-only target, length negative or past the end), a closed arena an {@link IllegalStateException}, as the
 * JDK's channels do. Each failure says what was wrong and what would be right. None of the checks allocates.
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
     * @throws IllegalArgumentException if null, on the heap, or {@code length} is negative or past the end of
     *                                  {@code buf}.
     * @throws IllegalStateException    if its arena is closed.
     */
    public static long address(final MemorySegment buf, final long length, final String name)
    {
        final long address = address(buf, name);
        checkLength(buf, length, name);
        return address;
    }

    /**
     * The checks of a buffer the kernel writes into (the target of a read): those of {@link #address(MemorySegment,
     * String)}, and not read-only.
     *
     * @param buf  a buffer.
     * @param name its parameter name, for the message.
     * @return the buffer's address.
     * @throws IllegalArgumentException if null, on the heap or read-only.
     * @throws IllegalStateException    if its arena is closed.
     */
    public static long writableAddress(final MemorySegment buf, final String name)
    {
        final long address = address(buf, name);
        checkWritable(buf, name);
        return address;
    }

    /**
     * @param buf    a buffer the kernel writes into.
     * @param length bytes the call may write.
     * @param name   its parameter name, for the message.
     * @return the buffer's address.
     * @throws IllegalArgumentException if null, on the heap, read-only, or {@code length} is negative or past its
     *                                  end.
     * @throws IllegalStateException    if its arena is closed.
     */
    public static long writableAddress(final MemorySegment buf, final long length, final String name)
    {
        final long address = writableAddress(buf, name);
        checkLength(buf, length, name);
        return address;
    }

    /**
     * @param buf  a buffer the kernel would write into.
     * @param name its parameter name, for the message.
     * @throws IllegalArgumentException if it is read-only ({@code asReadOnly()}, or a read-only ByteBuffer's).
     */
    public static void checkWritable(final MemorySegment buf, final String name)
    {
        if (buf.isReadOnly())
        {
            throw new IllegalArgumentException(name + " is read-only, and the kernel would write into it: pass a " +
                "writable segment (not asReadOnly()) or a writable direct ByteBuffer");
        }
    }

    /**
     * @param buf    a buffer.
     * @param length bytes a call may touch.
     * @param name   its parameter name, for the message.
     * @throws IllegalArgumentException if {@code length} is negative or past the end of {@code buf}.
     */
    public static void checkLength(final MemorySegment buf, final long length, final String name)
    {
        if (length < 0 || length > buf.byteSize())
        {
            throw new IllegalArgumentException(
                "length " + length + (length < 0 ? " is negative" : " is past the end of " + name + " (" +
                buf.byteSize() + " bytes)") + ": use 0 <= length <= " + buf.byteSize());
        }
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
