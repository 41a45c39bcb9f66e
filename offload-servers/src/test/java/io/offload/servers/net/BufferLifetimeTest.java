package io.offload.servers.net;

import io.offload.api.Connection;
import io.offload.api.Errno;
import io.offload.api.SyscallClass;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.offload.servers.net.NetTestSupport.awaitWaiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 15 item 5, the caller's half of the buffer-lifetime rule: whatever the caller closes while its call waits,
 * the kernel never touches memory its owner was allowed to free. Each test closes the arena of a call's buffer while
 * the call waits on a socket, takes the freed memory back in another arena (same size, same thread, so malloc hands
 * out the same chunk), lets the data come, and checks that not one byte of it landed there (or, for a write, that
 * the peer never receives what the other arena holds).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BufferLifetimeTest
{
    private static final int SIZE = 512;
    private static final byte DATA = 'x';

    /** An async read refuses a confined segment; were it taken, closing the arena would free memory in use. */
    @Test
    void asyncReadIntoAConfinedArena() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena other = Arena.ofConfined())
        {
            final Arena confined = Arena.ofConfined();
            final MemorySegment buf = confined.allocate(SIZE);
            final CompletableFuture<Long> read;
            try
            {
                read = runtime.async().read(pair.server().fd(), buf);
            }
            catch (final IllegalArgumentException refused)
            {
                confined.close();
                assertTrue(refused.getMessage().contains("confined"), refused.getMessage());
                return;
            }
            awaitWaiting(runtime, w -> w == 1, "the async read to wait");
            final long address = buf.address();
            confined.close();
            final MemorySegment reused = reuse(other, address);
            pair.peerWrite(data());
            settle(read);
            assertUntouched(reused, "an async read whose confined arena was closed");
        }
    }

    /**
     * An async read into a shared arena that another thread closes while the read waits: the data goes to memory
     * the runtime owns and is dropped (the future fails with IllegalStateException); none reaches the reused memory.
     */
    @Test
    void asyncReadIntoASharedArenaClosedWhileItWaits() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena other = Arena.ofConfined())
        {
            final Arena shared = Arena.ofShared();
            final MemorySegment buf = shared.allocate(SIZE);
            final CompletableFuture<Long> read = runtime.async().read(pair.server().fd(), buf);
            awaitWaiting(runtime, w -> w == 1, "the async read to wait");
            final long address = buf.address();
            shared.close();
            final MemorySegment reused = reuse(other, address);
            pair.peerWrite(data());
            final Throwable outcome = settle(read);
            assertUntouched(reused, "an async read whose shared arena was closed");
            assertInstanceOf(IllegalStateException.class, outcome, "the data is dropped: " + outcome);
        }
    }

    /**
     * A blocking read (offloaded, and inline on the caller) into a shared arena that another thread closes while the
     * read waits for data.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"offloaded", "inline", "direct"})
    void blockingReadIntoASharedArenaClosedByAnotherThread(final String how) throws Exception
    {
        final OffloadRuntime runtime = switch (how)
        {
            case "offloaded" -> NetTestSupport.networkRuntime();
            case "inline" -> OffloadRuntime.builder().servers(SyscallClass.FILE, -1).inline(SyscallClass.NETWORK)
                .build();
            default -> null;
        };
        try (NetTestSupport.Pair pair = NetTestSupport.Pair.open(
            runtime != null ? runtime.sockets() : DirectSyscalls.sockets());
            Arena other = Arena.ofConfined())
        {
            final Arena shared = Arena.ofShared();
            final MemorySegment buf = shared.allocate(SIZE);
            final AtomicReference<Object> outcome = new AtomicReference<>();
            final Connection connection = pair.server();
            final Thread reader = Thread.ofVirtual().start(() ->
            {
                try
                {
                    outcome.set(connection.read(buf));
                }
                catch (final Throwable ex)
                {
                    outcome.set(ex);
                }
            });
            if (runtime != null && "offloaded".equals(how))
            {
                awaitWaiting(runtime, w -> w == 1, "the read to wait");
            }
            else
            {
                NetTestSupport.await(() -> reader.getState() == Thread.State.WAITING ||
                    reader.getState() == Thread.State.TIMED_WAITING, "the reader to wait for data");
            }
            final long address = buf.address();
            shared.close();
            final MemorySegment reused = reuse(other, address);
            pair.peerWrite(data());
            reader.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(reader.isAlive(), "the read returned once data came");
            assertUntouched(reused, how + " blocking read whose shared arena was closed by another thread");
            assertInstanceOf(IllegalStateException.class, outcome.get(), "the data is dropped: " + outcome.get());
        }
        finally
        {
            if (runtime != null)
            {
                runtime.close();
            }
        }
    }

    /**
     * A write that waits (the peer reads nothing, the socket buffers are full) from a shared arena closed meanwhile:
     * the peer receives what the buffer held when the write was made, never what the reused memory holds.
     */
    @Test
    void writeFromASharedArenaClosedWhileItWaitsSendsNoFreedMemory() throws Exception
    {
        final int size = 64 * 1024;
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena other = Arena.ofConfined();
            Arena filler = Arena.ofConfined())
        {
            final MemorySegment fill = filler.allocate(size).fill((byte)'F');
            long filled = 0;
            long n;
            final io.offload.api.RawSyscalls timed = DirectSyscalls.raw().withTimeout(java.time.Duration.ofMillis(100));
            while ((n = timed.write(pair.server().fd(), fill)) > 0)
            {
                filled += n; // until both sockets' buffers are full and a write times out
            }
            assertEquals(-Errno.ETIMEDOUT, n);
            final Arena shared = Arena.ofShared();
            final MemorySegment src = shared.allocate(size).fill((byte)'A');
            final Connection connection = pair.server();
            final CompletableFuture<Long> write = NetTestSupport.onVirtualThread(() -> connection.write(src));
            awaitWaiting(runtime, w -> w == 1, "the write to wait for room");
            final long address = src.address();
            shared.close();
            final MemorySegment secret = reuse(other, address, size);
            secret.fill((byte)'S');
            final long[] received = new long[256];
            final InputStream in = pair.peer().getInputStream();
            pair.peer().setSoTimeout(2_000);
            final byte[] chunk = new byte[64 * 1024];
            long total = 0;
            while (total < filled + size)
            {
                final int r;
                try
                {
                    r = in.read(chunk);
                }
                catch (final SocketTimeoutException ex)
                {
                    break; // the write sent less than all of it (or failed): what came is checked below
                }
                if (r < 0)
                {
                    break;
                }
                for (int i = 0; i < r; i++)
                {
                    received[chunk[i] & 0xff]++;
                }
                total += r;
            }
            settle(write);
            assertEquals(0, received['S'], "bytes of the other arena's memory sent to the peer: " + received['S'] +
                " (of " + total + " received)");
            assertEquals(filled, received['F']);
            assertEquals(total, received['F'] + received['A'], "only what the buffers held was sent");
        }
    }

    private static byte[] data()
    {
        final byte[] bytes = new byte[SIZE];
        Arrays.fill(bytes, DATA);
        return bytes;
    }

    private static MemorySegment reuse(final Arena arena, final long address)
    {
        return reuse(arena, address, SIZE);
    }

    /**
     * Allocate until malloc hands out the freed chunk at {@code address} again (it does at once on glibc: same size,
     * same thread), and fill it with a marker.
     */
    private static MemorySegment reuse(final Arena arena, final long address, final int size)
    {
        final List<MemorySegment> misses = new ArrayList<>();
        for (int i = 0; i < 64; i++)
        {
            final MemorySegment segment = arena.allocate(size);
            if (segment.address() == address)
            {
                return segment.fill((byte)'-');
            }
            misses.add(segment);
        }
        System.out.println("BufferLifetimeTest: the freed chunk was not handed out again; checking a fresh segment");
        return misses.getFirst().fill((byte)'-');
    }

    private static Throwable settle(final CompletableFuture<?> call) throws Exception
    {
        try
        {
            call.get(30, TimeUnit.SECONDS);
            return null;
        }
        catch (final ExecutionException ex)
        {
            return ex.getCause();
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            fail("the call never settled");
            return null;
        }
    }

    private static void assertUntouched(final MemorySegment reused, final String what)
    {
        long landed = 0;
        for (long i = 0; i < reused.byteSize(); i++)
        {
            if (reused.get(ValueLayout.JAVA_BYTE, i) == DATA)
            {
                landed++;
            }
        }
        assertEquals(0, landed, what + ": bytes of the data landed in another arena's memory at the same address");
    }
}
