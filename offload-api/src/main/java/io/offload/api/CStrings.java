package io.offload.api;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Java strings as the native, NUL-terminated paths the raw calls take, with the checks of the public API.
 */
final class CStrings
{
    private CStrings()
    {
    }

    static MemorySegment of(final Arena arena, final String text, final String name)
    {
        if (text == null)
        {
            throw new IllegalArgumentException(name + " is null: pass a file path");
        }
        if (text.indexOf('\0') >= 0)
        {
            throw new IllegalArgumentException(name + " contains a NUL character, which no Linux path may hold");
        }
        return arena.allocateFrom(text);
    }
}
