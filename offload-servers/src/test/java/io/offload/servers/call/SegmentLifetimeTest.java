package io.offload.servers.call;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One classification per kind of memory a caller may hand us, on this JDK: who may free it, and so whether its
 * address may go to the kernel for a call that outlives the check.
 */
class SegmentLifetimeTest
{
    @Test
    void aConfinedArenaOfTheCaller()
    {
        try (Arena arena = Arena.ofConfined())
        {
            assertEquals(SegmentLifetime.CALLER_CONFINED, SegmentLifetime.of(arena.allocate(8)));
            assertEquals(SegmentLifetime.CALLER_CONFINED, SegmentLifetime.of(arena.allocate(64).asSlice(8, 8)));
        }
    }

    @Test
    void aConfinedArenaOfAnotherThread() throws Exception
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment segment = arena.allocate(8);
            final CompletableFuture<Integer> kind = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> kind.complete(SegmentLifetime.of(segment)));
            assertEquals(SegmentLifetime.OTHER_THREAD, kind.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aSharedArena()
    {
        try (Arena arena = Arena.ofShared())
        {
            assertEquals(SegmentLifetime.SHARED, SegmentLifetime.of(arena.allocate(8)));
            assertEquals(SegmentLifetime.SHARED, SegmentLifetime.of(MemorySegment.ofBuffer(
                arena.allocate(8).asByteBuffer())), "a direct buffer over a shared arena's memory is the arena's");
        }
    }

    @Test
    void anAutomaticArena()
    {
        assertEquals(SegmentLifetime.UNFREEABLE, SegmentLifetime.of(Arena.ofAuto().allocate(8)));
    }

    @Test
    void theGlobalArenaAndRawAddresses()
    {
        assertEquals(SegmentLifetime.UNFREEABLE, SegmentLifetime.of(Arena.global().allocate(8)));
        assertEquals(SegmentLifetime.UNFREEABLE, SegmentLifetime.of(MemorySegment.NULL));
    }

    @Test
    void aDirectByteBuffer()
    {
        assertEquals(SegmentLifetime.UNFREEABLE, SegmentLifetime.of(MemorySegment.ofBuffer(
            ByteBuffer.allocateDirect(8))));
        assertEquals(SegmentLifetime.UNFREEABLE, SegmentLifetime.of(MemorySegment.ofBuffer(
            ByteBuffer.allocateDirect(8).asReadOnlyBuffer())));
    }

    @Test
    void anArenaOfTheCallersOwnOverASharedOne()
    {
        try (Arena shared = Arena.ofShared())
        {
            final Arena custom = new Arena()
            {
                @Override
                public MemorySegment allocate(final long byteSize, final long byteAlignment)
                {
                    return shared.allocate(byteSize, byteAlignment);
                }

                @Override
                public MemorySegment.Scope scope()
                {
                    return shared.scope();
                }

                @Override
                public void close()
                {
                    shared.close();
                }
            };
            assertEquals(SegmentLifetime.SHARED, SegmentLifetime.of(custom.allocate(8)));
        }
    }

    @Test
    void anyScopeNotKnownIsTreatedAsShared()
    {
        assertEquals(SegmentLifetime.SHARED, SegmentLifetime.kindOfScope("jdk.internal.foreign.SomeFutureSession"));
        assertEquals(SegmentLifetime.CALLER_CONFINED, SegmentLifetime.kindOfScope("jdk.internal.foreign.ConfinedSession"));
    }
}
