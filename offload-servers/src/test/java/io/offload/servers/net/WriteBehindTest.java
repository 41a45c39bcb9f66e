package io.offload.servers.net;

import io.offload.api.Connection;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.offload.servers.net.NetTestSupport.awaitWaiting;
import static io.offload.servers.net.NetTestSupport.waiting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Write-behind ({@code offload.net.writeBehindBytes}): a small {@link Connection#write} returns once its bytes are
 * copied, and the server sends them. Every byte arrives, in order, even when the caller reuses or frees its buffer
 * at once and closes right after; a send that fails later fails a later call; a send stuck on a peer that reads
 * nothing neither hangs a close nor the runtime's. Runs on both executors (the io_uring execution of the net tests).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WriteBehindTest
{
    private static final Set<String> WRITE_ERRORS = Set.of("EPIPE", "ECONNRESET");

    @Test
    void smallWritesArriveWholeAndInOrderThoughTheBufferIsReusedAtOnce() throws Exception
    {
        final Random random = new Random(NetTestSupport.seed("WriteBehindTest.inOrder"));
        final int writes = 5_000;
        final int[] sizes = new int[writes];
        long total = 0;
        for (int i = 0; i < writes; i++)
        {
            sizes[i] = 1 + random.nextInt(8192);
            total += sizes[i];
        }
        final byte[] expected = NetTestSupport.randomBytes(random, (int)total);
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared())
        {
            final long length = total;
            final CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readFully(pair, length));
            final MemorySegment buf = arena.allocate(8192);
            final CompletableFuture<Long> writer = NetTestSupport.onVirtualThread(() ->
            {
                int at = 0;
                for (final int size : sizes)
                {
                    MemorySegment.copy(expected, at, buf, ValueLayout.JAVA_BYTE, 0, size);
                    assertEquals(size, pair.server().write(buf.asSlice(0, size)));
                    buf.fill((byte)0x5A); // the write returned: the bytes are the runtime's, this buffer ours again
                    at += size;
                }
                return (long)at;
            });
            assertEquals(total, writer.get(60, TimeUnit.SECONDS));
            assertArrayEquals(expected, received.get(60, TimeUnit.SECONDS));
            assertEquals(0, waiting(runtime));
        }
    }

    @Test
    void aHeadAndABodyArriveInOrderWithWriteBehindOnAndOff() throws Exception
    {
        final Random random = new Random(5);
        for (final int writeBehindBytes : new int[]{0, 4096, 65_536})
        {
            try (OffloadRuntime runtime = OffloadRuntime.builder().servers(SyscallClass.NETWORK, -1)
                    .writeBehindBytes(writeBehindBytes).build();
                NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
                Arena arena = Arena.ofShared())
            {
                for (int i = 0; i < 50; i++)
                {
                    final byte[] head = NetTestSupport.randomBytes(random, 1 + random.nextInt(300));
                    final byte[] body = NetTestSupport.randomBytes(random, random.nextInt(20_000));
                    final long written = pair.server().write(NetTestSupport.nativeCopy(arena, head),
                        NetTestSupport.nativeCopy(arena, body));
                    assertEquals(head.length + body.length, written);
                    assertArrayEquals(head, readFully(pair, head.length), "head " + i + " at " + writeBehindBytes);
                    assertArrayEquals(body, readFully(pair, body.length), "body " + i + " at " + writeBehindBytes);
                }
            }
        }
    }

    @Test
    void theCallersArenaMayBeClosedAsSoonAsTheWriteReturns() throws Exception
    {
        final byte[] expected = NetTestSupport.randomBytes(new Random(7), 3000);
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets()))
        {
            for (int i = 0; i < 100; i++)
            {
                try (Arena arena = Arena.ofConfined())
                {
                    assertEquals(expected.length, pair.server().write(NetTestSupport.nativeCopy(arena, expected)));
                }
                assertArrayEquals(expected, readFully(pair, expected.length), "write " + i);
            }
        }
    }

    @Test
    void aCloseRightAfterTheWriteStillDeliversEveryByte() throws Exception
    {
        final byte[] expected = NetTestSupport.randomBytes(new Random(11), 10_000);
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime(); Arena arena = Arena.ofShared())
        {
            final MemorySegment bytes = NetTestSupport.nativeCopy(arena, expected);
            for (int i = 0; i < 200; i++)
            {
                try (NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets()))
                {
                    pair.server().write(bytes);
                    pair.server().close();
                    assertArrayEquals(expected, readFully(pair, expected.length), "connection " + i);
                    assertEquals(-1, pair.peer().getInputStream().read(), "end of stream after the bytes");
                }
            }
            assertEquals(0, waiting(runtime));
        }
    }

    @Test
    void aSendThatFailsAfterItsWriteReturnedFailsALaterWrite() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared())
        {
            pair.peer().setSoLinger(true, 0);
            pair.peer().close(); // RST
            final MemorySegment buf = arena.allocate(100);
            SyscallException failed = null;
            for (int i = 0; i < 1_000 && failed == null; i++)
            {
                try
                {
                    pair.server().write(buf);
                    Thread.sleep(1);
                }
                catch (final SyscallException ex)
                {
                    failed = ex;
                }
            }
            assertTrue(failed != null, "1,000 writes to a reset peer all returned");
            System.out.println("WriteBehindTest: write after RST: " + failed.getMessage());
            assertTrue(WRITE_ERRORS.contains(failed.errnoName()), failed.getMessage());
            final SyscallException again = assertThrows(SyscallException.class, () -> pair.server().write(buf));
            assertTrue(WRITE_ERRORS.contains(again.errnoName()), "a broken socket keeps failing: " + again.getMessage());
            assertEquals(0, waiting(runtime));
        }
    }

    @Test
    void aSendStuckOnAPeerThatReadsNothingHangsNeitherCloseNorTheRuntime() throws Exception
    {
        final OffloadRuntime runtime = NetTestSupport.networkRuntime();
        final NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
        final AtomicLong written = new AtomicLong();
        final CompletableFuture<Long> writer;
        try (Arena arena = Arena.ofShared())
        {
            final MemorySegment chunk = arena.allocate(32 * 1024);
            writer = NetTestSupport.onVirtualThread(() ->
            {
                while (true)
                {
                    written.addAndGet(pair.server().write(chunk)); // the peer reads nothing: buffers fill
                }
            });
            awaitWaiting(runtime, w -> w == 1, "a send to wait for the peer to read");
            pair.server().close(); // lingers up to a second for the send, then shuts it down
            final ExecutionException ended = assertThrows(ExecutionException.class,
                () -> writer.get(30, TimeUnit.SECONDS));
            final SyscallException cause = assertInstanceOf(SyscallException.class, ended.getCause());
            System.out.println("WriteBehindTest: writer after close: " + cause.getMessage() + " (" + written.get() +
                " bytes taken)");
            assertEquals(0, waiting(runtime));
        }
        finally
        {
            pair.peer().close();
            pair.listener().close();
            runtime.close();
        }
    }

    @Test
    void offWhenZeroAndRefusedOutOfRange() throws Exception
    {
        final byte[] expected = NetTestSupport.randomBytes(new Random(3), 4096);
        try (OffloadRuntime runtime = OffloadRuntime.builder().servers(SyscallClass.NETWORK, -1)
                .writeBehindBytes(0).build();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofConfined())
        {
            assertEquals(expected.length, pair.server().write(NetTestSupport.nativeCopy(arena, expected)));
            assertArrayEquals(expected, readFully(pair, expected.length));
        }
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> OffloadRuntime.builder().writeBehindBytes(-1).build());
        assertTrue(refused.getMessage().contains("offload.net.writeBehindBytes"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OffloadRuntime.builder().writeBehindBytes(2 << 20).build());
    }

    private static byte[] readFully(final NetTestSupport.Pair pair, final long length)
    {
        try
        {
            final InputStream in = pair.peer().getInputStream();
            final byte[] bytes = new byte[(int)length];
            new DataInputStream(in).readFully(bytes);
            return bytes;
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
