package io.offload.rings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@link HandleRingContractTest} for {@link MpscHandleRing}.
 */
class MpscHandleRingTest extends HandleRingContractTest
{
    @Override
    protected HandleRing newRing(final Arena arena, final int capacity)
    {
        return MpscHandleRing.allocate(arena, capacity);
    }

    @Override
    protected HandleRing wrap(final MemorySegment memory, final int capacity)
    {
        return new MpscHandleRing(memory, capacity);
    }
}
