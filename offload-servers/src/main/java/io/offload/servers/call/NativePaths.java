package io.offload.servers.call;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Turns the convenient Java forms (String paths, direct ByteBuffers) into the native forms the raw calls take,
 * with the checks and messages of the public API.
 */
final class NativePaths
{
    private NativePaths()
    {
    }

    static MemorySegment path(final Arena arena, final String path, final String name)
    {
        if (path == null)
        {
            throw new IllegalArgumentException(name + " is null: pass a file path");
        }
        if (path.indexOf('\0') >= 0)
        {
            throw new IllegalArgumentException(name + " contains a NUL character, which no Linux path may hold");
        }
        return arena.allocateFrom(path);
    }

    static MemorySegment remaining(final ByteBuffer buf)
    {
        if (buf == null)
        {
            throw new IllegalArgumentException("buf is null: pass a direct ByteBuffer");
        }
        if (!buf.isDirect())
        {
            throw new IllegalArgumentException(
                "buf is a heap ByteBuffer: the kernel needs native memory; use ByteBuffer.allocateDirect(n)");
        }
        return MemorySegment.ofBuffer(buf);
    }
}
