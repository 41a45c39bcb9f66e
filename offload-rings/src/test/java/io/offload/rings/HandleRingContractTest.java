package io.offload.rings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The single-threaded contract every {@link HandleRing} keeps. Concrete subclasses ({@link SpscHandleRingTest},
 * {@link MpscHandleRingTest}) supply the ring.
 */
abstract class HandleRingContractTest
{
    private Arena arena;

    /**
     * @param arena    arena that owns the ring's memory.
     * @param capacity a capacity (possibly an invalid one).
     * @return a fresh ring.
     */
    protected abstract HandleRing newRing(Arena arena, int capacity);

    /**
     * @param memory   memory to build the ring in (possibly unsuitable).
     * @param capacity a capacity.
     * @return a ring over {@code memory}.
     */
    protected abstract HandleRing wrap(MemorySegment memory, int capacity);

    @BeforeEach
    void openArena()
    {
        arena = Arena.ofConfined();
    }

    @AfterEach
    void closeArena()
    {
        arena.close();
    }

    // ------------------------------------------------------------------ empty, full, order

    @ParameterizedTest
    @ValueSource(ints = {2, 8, 1024})
    void emptyRingHasNothingToTake(final int capacity)
    {
        final HandleRing ring = newRing(arena, capacity);
        final List<Integer> seen = new ArrayList<>();

        assertEquals(capacity, ring.capacity());
        assertEquals(0, ring.size());
        assertTrue(ring.isEmpty());
        assertEquals(-1, ring.poll());
        assertEquals(0, ring.drain(seen::add, 1));
        assertEquals(0, ring.drain(seen::add, Integer.MAX_VALUE));
        assertTrue(seen.isEmpty(), "consumer must not be called on an empty ring");
        assertEquals(-1, ring.poll(), "poll on an empty ring must stay -1");
        assertEquals(0, ring.size());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 16, 1024})
    void fillToCapacityThenOfferFails(final int capacity)
    {
        final HandleRing ring = newRing(arena, capacity);
        for (int i = 0; i < capacity; i++)
        {
            assertTrue(ring.offer(i), "offer " + i + " of " + capacity + " must succeed");
            assertEquals(i + 1, ring.size());
        }
        assertFalse(ring.offer(capacity), "offer into a full ring must fail");
        assertFalse(ring.offer(capacity + 1), "offer into a full ring must keep failing");
        assertEquals(capacity, ring.size());
        assertFalse(ring.isEmpty());

        assertEquals(0, ring.poll());
        assertTrue(ring.offer(capacity), "one slot was freed");
        assertFalse(ring.offer(capacity + 1), "full again");

        for (int i = 1; i <= capacity; i++)
        {
            assertEquals(i, ring.poll());
        }
        assertEquals(-1, ring.poll());
        assertTrue(ring.isEmpty());
    }

    @Test
    void failedOfferLeavesNothingBehind()
    {
        final HandleRing ring = newRing(arena, 4);
        for (int i = 0; i < 4; i++)
        {
            assertTrue(ring.offer(i));
        }
        for (int i = 0; i < 100; i++)
        {
            assertFalse(ring.offer(1000 + i));
        }
        final List<Integer> seen = new ArrayList<>();
        assertEquals(4, ring.drain(seen::add, 100));
        assertEquals(List.of(0, 1, 2, 3), seen);
        assertEquals(-1, ring.poll());
        assertTrue(ring.offer(7));
        assertEquals(7, ring.poll());
    }

    @Test
    void handlesComeOutInPublicationOrder()
    {
        final HandleRing ring = newRing(arena, 64);
        final int[] handles = {5, 0, 42, 7, 7, 1_000_000, 3, 99, 0, 12};
        for (final int handle : handles)
        {
            assertTrue(ring.offer(handle));
        }
        final List<Integer> seen = new ArrayList<>();
        assertEquals(4, ring.drain(seen::add, 4));
        while (true)
        {
            final int handle = ring.poll();
            if (handle == -1)
            {
                break;
            }
            seen.add(handle);
        }
        final List<Integer> expected = new ArrayList<>();
        for (final int handle : handles)
        {
            expected.add(handle);
        }
        assertEquals(expected, seen);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 8, 64})
    void wrapsAroundManyTimes(final int capacity)
    {
        final HandleRing ring = newRing(arena, capacity);
        final int total = 10 * capacity + capacity / 2 + 1;
        final List<Integer> seen = new ArrayList<>();
        int next = 0;
        int expected = 0;
        int round = 0;
        while (expected < total)
        {
            // batch sizes cycle through 1..capacity so each batch starts at a different slot
            final int batch = 1 + (round * 7) % capacity;
            for (int i = 0; i < batch && next < total; i++)
            {
                assertTrue(ring.offer(next), "offer " + next + " with " + ring.size() + " in the ring");
                next++;
            }
            assertEquals(next - expected, ring.size());
            if ((round & 1) == 0)
            {
                seen.clear();
                final int taken = ring.drain(seen::add, capacity);
                assertEquals(next - expected, taken);
                for (final int handle : seen)
                {
                    assertEquals(expected, handle, "round " + round);
                    expected++;
                }
            }
            else
            {
                while (expected < next)
                {
                    assertEquals(expected, ring.poll(), "round " + round);
                    expected++;
                }
                assertEquals(-1, ring.poll());
            }
            assertTrue(ring.isEmpty());
            round++;
        }
        assertEquals(total, expected);
        assertTrue(round > 10, "too few rounds to have wrapped: " + round);
    }

    @Test
    void wrapsAroundWithPartialFillsAndDrains()
    {
        final int capacity = 8;
        final HandleRing ring = newRing(arena, capacity);
        final List<Integer> seen = new ArrayList<>();
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 200; round++)
        {
            // keep the ring partly full across rounds so batches straddle the end of the slot array
            while (ring.size() < capacity && ring.offer(next))
            {
                next++;
            }
            assertEquals(capacity, next - expected, "ring should be full");
            assertFalse(ring.offer(next));
            final int limit = 1 + round % capacity;
            seen.clear();
            assertEquals(limit, ring.drain(seen::add, limit));
            for (final int handle : seen)
            {
                assertEquals(expected++, handle);
            }
            assertEquals(capacity - limit, ring.size());
        }
        assertTrue(next > 10 * capacity);
    }

    // ------------------------------------------------------------------ drain

    @Test
    void drainRespectsLimit()
    {
        final HandleRing ring = newRing(arena, 16);
        for (int i = 0; i < 10; i++)
        {
            assertTrue(ring.offer(i));
        }
        final List<Integer> seen = new ArrayList<>();
        assertEquals(3, ring.drain(seen::add, 3));
        assertEquals(List.of(0, 1, 2), seen);
        assertEquals(7, ring.size());

        assertEquals(1, ring.drain(seen::add, 1));
        assertEquals(List.of(0, 1, 2, 3), seen);
        assertEquals(6, ring.size());

        assertEquals(1, ring.drain(seen::add, 1));
        assertEquals(5, ring.size());

        assertEquals(5, ring.drain(seen::add, 100), "drain takes only what is there");
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen);
        assertEquals(0, ring.drain(seen::add, 100));
        assertTrue(ring.isEmpty());
    }

    @Test
    void drainLimitOfExactlyAvailableTakesAll()
    {
        final HandleRing ring = newRing(arena, 8);
        for (int i = 0; i < 8; i++)
        {
            assertTrue(ring.offer(i));
        }
        final List<Integer> seen = new ArrayList<>();
        assertEquals(8, ring.drain(seen::add, 8));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), seen);
        assertTrue(ring.isEmpty());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void drainRejectsNonPositiveLimit(final int limit)
    {
        final HandleRing ring = newRing(arena, 8);
        assertTrue(ring.offer(1));
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> ring.drain(handle -> { }, limit));
        assertTrue(ex.getMessage().contains("limit") && ex.getMessage().contains(Integer.toString(limit)),
            ex.getMessage());
        assertEquals(1, ring.size(), "a rejected drain takes nothing");
        assertEquals(1, ring.poll());
    }

    @Test
    void slotIsFreeAgainWhenConsumerRuns()
    {
        final int capacity = 4;
        final HandleRing ring = newRing(arena, capacity);
        for (int i = 0; i < capacity; i++)
        {
            assertTrue(ring.offer(i));
        }
        final List<Integer> seen = new ArrayList<>();
        final int taken = ring.drain(
            handle ->
            {
                seen.add(handle);
                if (handle < capacity)
                {
                    assertTrue(ring.offer(handle + capacity), "slot of " + handle + " must be free in accept");
                }
            },
            capacity);
        assertEquals(capacity, taken);
        assertEquals(List.of(0, 1, 2, 3), seen);
        assertEquals(capacity, ring.size());
        for (int i = capacity; i < 2 * capacity; i++)
        {
            assertEquals(i, ring.poll());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 1024})
    void consumerThatThrowsLosesNothing(final int capacity)
    {
        final HandleRing ring = newRing(arena, capacity);
        for (int i = 0; i < 4; i++)
        {
            assertTrue(ring.offer(i));
        }
        final List<Integer> seen = new ArrayList<>();
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> ring.drain(
            handle ->
            {
                seen.add(handle);
                if (handle == 1)
                {
                    throw new IllegalStateException("consumer fails on " + handle);
                }
            },
            100));
        assertEquals("consumer fails on 1", ex.getMessage());
        assertEquals(List.of(0, 1), seen, "the handle it threw on counts as taken");
        assertEquals(2, ring.size(), "the rest of the batch is still counted");
        assertFalse(ring.isEmpty());
        assertTrue(ring.offer(4));
        assertEquals(2, ring.poll(), "the rest of the batch comes out first, in order");
        seen.clear();
        assertEquals(1, ring.drain(seen::add, 1));
        assertEquals(List.of(3), seen);
        assertEquals(1, ring.drain(seen::add, 100));
        assertEquals(List.of(3, 4), seen);
        assertTrue(ring.isEmpty());
        assertEquals(-1, ring.poll());
    }

    // ------------------------------------------------------------------ handles

    @ParameterizedTest
    @ValueSource(ints = {-1, -2, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void invalidHandleRejected(final int handle)
    {
        final HandleRing ring = newRing(arena, 8);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ring.offer(handle));
        assertTrue(ex.getMessage().contains(Integer.toString(handle)), ex.getMessage());
        assertEquals(0, ring.size(), "a rejected handle must not be published");
        assertEquals(-1, ring.poll());
        assertTrue(ring.offer(3), "the ring still works after a rejected offer");
        assertEquals(3, ring.poll());
    }

    @Test
    void zeroAndLargeHandlesRoundTrip()
    {
        final HandleRing ring = newRing(arena, 8);
        final int[] handles = {0, 1, Integer.MAX_VALUE - 1, 1 << 30, (1 << 24) - 1, Integer.MAX_VALUE - 2, 0};
        for (final int handle : handles)
        {
            assertTrue(ring.offer(handle));
        }
        assertEquals(handles[0], ring.poll());
        assertEquals(handles[1], ring.poll());
        final List<Integer> seen = new ArrayList<>();
        assertEquals(handles.length - 2, ring.drain(seen::add, 100));
        for (int i = 2; i < handles.length; i++)
        {
            assertEquals(handles[i], seen.get(i - 2));
        }
        // the same via poll only
        for (final int handle : handles)
        {
            assertTrue(ring.offer(handle));
        }
        for (final int handle : handles)
        {
            assertEquals(handle, ring.poll());
        }
        assertEquals(-1, ring.poll());
    }

    // ------------------------------------------------------------------ size

    @Test
    void sizeTracksMixedOperations()
    {
        final HandleRing ring = newRing(arena, 8);
        assertEquals(0, ring.size());
        ring.offer(1);
        ring.offer(2);
        ring.offer(3);
        assertEquals(3, ring.size());
        ring.poll();
        assertEquals(2, ring.size());
        ring.drain(handle -> { }, 1);
        assertEquals(1, ring.size());
        for (int i = 0; i < 7; i++)
        {
            assertTrue(ring.offer(10 + i));
        }
        assertEquals(8, ring.size());
        assertFalse(ring.offer(99));
        assertEquals(8, ring.size(), "a failed offer must not change size");
        assertEquals(5, ring.drain(handle -> { }, 5));
        assertEquals(3, ring.size());
        ring.poll();
        ring.poll();
        ring.poll();
        assertEquals(0, ring.size());
        assertTrue(ring.isEmpty());
        assertEquals(-1, ring.poll());
        assertEquals(0, ring.size(), "a poll on empty must not change size");
    }

    // ------------------------------------------------------------------ construction

    @ParameterizedTest
    @ValueSource(ints = {3, 5, 6, 7, 12, 100, 1000, 1025})
    void nonPowerOfTwoCapacityRejectedWithSuggestion(final int capacity)
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> newRing(arena, capacity));
        final int suggestion = Integer.highestOneBit(capacity) << 1;
        assertTrue(ex.getMessage().contains("power of two"), ex.getMessage());
        assertTrue(ex.getMessage().contains(Integer.toString(capacity)), ex.getMessage());
        assertTrue(ex.getMessage().contains("try " + suggestion), ex.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 0, -1, -4, Integer.MIN_VALUE})
    void tooSmallCapacityRejectedWithSuggestion(final int capacity)
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> newRing(arena, capacity));
        assertTrue(ex.getMessage().contains("power of two"), ex.getMessage());
        assertTrue(ex.getMessage().contains("try " + HandleRingDescriptor.MIN_CAPACITY), ex.getMessage());
    }

    @Test
    void tooLargeCapacityRejected()
    {
        final int capacity = HandleRingDescriptor.MAX_CAPACITY << 1;
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> newRing(arena, capacity));
        assertTrue(ex.getMessage().contains("power of two"), ex.getMessage());
        assertTrue(ex.getMessage().contains(Integer.toString(HandleRingDescriptor.MAX_CAPACITY)), ex.getMessage());
    }

    @Test
    void heapSegmentRejected()
    {
        final int capacity = 8;
        final MemorySegment heap = MemorySegment.ofArray(
            new long[(int)(HandleRingDescriptor.requiredBytes(capacity) / Long.BYTES) + 16]);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> wrap(heap, capacity));
        assertTrue(ex.getMessage().contains("native"), ex.getMessage());
        assertTrue(ex.getMessage().contains("heap"), ex.getMessage());
    }

    @Test
    void tooSmallMemoryRejected()
    {
        final int capacity = 16;
        final long required = HandleRingDescriptor.requiredBytes(capacity);
        final MemorySegment memory = arena.allocate(required - 1, HandleRingDescriptor.ALIGNMENT);
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> wrap(memory, capacity));
        assertTrue(ex.getMessage().contains("needs " + required), ex.getMessage());
        assertTrue(ex.getMessage().contains("got " + (required - 1)), ex.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 8, 64})
    void misalignedMemoryRejected(final int misalignment)
    {
        final int capacity = 16;
        final long required = HandleRingDescriptor.requiredBytes(capacity);
        final MemorySegment memory = arena.allocate(required + HandleRingDescriptor.ALIGNMENT,
            HandleRingDescriptor.ALIGNMENT).asSlice(misalignment);
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> wrap(memory, capacity));
        assertTrue(ex.getMessage().contains("aligned"), ex.getMessage());
        assertTrue(ex.getMessage().contains(Long.toHexString(memory.address())), ex.getMessage());
    }

    @Test
    void requiredBytesCoversSlotsAndTrailer()
    {
        // 4-byte slots (lap bit | handle + 1), rounded up to 128 bytes, then the trailer
        assertEquals(128 + HandleRingDescriptor.TRAILER_LENGTH, HandleRingDescriptor.requiredBytes(2));
        assertEquals(128 + HandleRingDescriptor.TRAILER_LENGTH, HandleRingDescriptor.requiredBytes(32));
        assertEquals(256 + HandleRingDescriptor.TRAILER_LENGTH, HandleRingDescriptor.requiredBytes(64));
        assertEquals(4096 + HandleRingDescriptor.TRAILER_LENGTH, HandleRingDescriptor.requiredBytes(1024));
        assertThrows(IllegalArgumentException.class, () -> HandleRingDescriptor.requiredBytes(3));
    }

    @Test
    void alignedSliceOfLargerDirtyMemoryWorksAndStartsEmpty()
    {
        final int capacity = 8;
        final long required = HandleRingDescriptor.requiredBytes(capacity);
        final MemorySegment block = arena.allocate(required + 3L * HandleRingDescriptor.ALIGNMENT,
            HandleRingDescriptor.ALIGNMENT);
        block.fill((byte)0x5A); // garbage in every slot and index: the constructor must clear it
        final MemorySegment memory = block.asSlice(HandleRingDescriptor.ALIGNMENT);
        final HandleRing ring = wrap(memory, capacity);
        assertEquals(0, ring.size());
        assertEquals(-1, ring.poll());
        for (int i = 0; i < capacity; i++)
        {
            assertTrue(ring.offer(i));
        }
        assertFalse(ring.offer(capacity));
        for (int i = 0; i < capacity; i++)
        {
            assertEquals(i, ring.poll());
        }
        assertEquals(0x5A5A5A5A, block.get(ValueLayout.JAVA_INT, 0),
            "memory before the slice must be untouched");
        assertEquals(0x5A5A5A5A, block.get(ValueLayout.JAVA_INT, block.byteSize() - 4),
            "memory after the ring must be untouched");
    }

    @Test
    void exactlyRequiredBytesAccepted()
    {
        final int capacity = 2;
        final MemorySegment memory = arena.allocate(
            HandleRingDescriptor.requiredBytes(capacity), HandleRingDescriptor.ALIGNMENT);
        final HandleRing ring = wrap(memory, capacity);
        assertTrue(ring.offer(0));
        assertTrue(ring.offer(1));
        assertFalse(ring.offer(2));
        assertEquals(0, ring.poll());
        assertEquals(1, ring.poll());
        assertEquals(-1, ring.poll());
    }
}
