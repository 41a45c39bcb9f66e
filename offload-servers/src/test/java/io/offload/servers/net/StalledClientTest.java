package io.offload.servers.net;

import io.offload.api.Connection;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.offload.servers.net.NetTestSupport.awaitWaiting;
import static io.offload.servers.net.NetTestSupport.bytesOf;
import static io.offload.servers.net.NetTestSupport.nativeCopy;
import static io.offload.servers.net.NetTestSupport.waiting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One stalled client (connected, sent half of a framed message, then nothing) does not hold up the others: their
 * echoes all complete while the stalled connection's server-side read is still pending in the NETWORK server's
 * wait queue. Timings of the others with and without the stalled one are printed, never asserted.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StalledClientTest
{
    private static final int CLIENTS = 100;
    private static final int MESSAGES = 20;
    private static final int MAX_PAYLOAD = 4 * 1024;
    private static final int STALLED_FRAME = 1_000;

    @Test
    void othersCompleteWhileOneClientStalls() throws Exception
    {
        final long seed = NetTestSupport.seed("StalledClientTest");
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime())
        {
            final EchoServer server = new EchoServer(runtime.sockets(), 256, Thread.ofVirtual(), true, false);
            final InetSocketAddress address = server.listener.localAddress();

            final long warmUp = runClients(runtime, address, seed);
            final long without = runClients(runtime, address, seed + 1);
            awaitWaiting(runtime, w -> w == 1, "only the accept loop to wait");

            // the stalled client: a frame header for 1,000 bytes, then 500 of them, then nothing
            final byte[] frame = new byte[4 + STALLED_FRAME];
            ByteBuffer.wrap(frame).order(ByteOrder.BIG_ENDIAN).putInt(STALLED_FRAME);
            for (int i = 4; i < frame.length; i++)
            {
                frame[i] = (byte)(i * 31 + seed);
            }
            final int half = 4 + STALLED_FRAME / 2;
            try (Socket stalled = new Socket())
            {
                stalled.connect(address, 10_000);
                stalled.setSoTimeout(30_000);
                final OutputStream out = stalled.getOutputStream();
                out.write(frame, 0, half);
                out.flush();
                // accept loop + the stalled connection's readFully, which has taken 500 bytes and waits for more
                awaitWaiting(runtime, w -> w == 2, "the stalled connection's server-side read to wait");
                final int finishedBefore = server.finished.get();

                final long with = runClients(runtime, address, seed + 2);

                final long waitingNow = waiting(runtime);
                assertTrue(waitingNow >= 1, "the stalled read must still be pending when the others are done, " +
                    "waiting() = " + waitingNow);
                NetTestSupport.await(() -> server.finished.get() == finishedBefore + CLIENTS,
                    "the other clients' handlers to end");
                assertEquals(server.accepted.get() - 1, server.finished.get(),
                    "every handler but the stalled one has ended");
                assertEquals(2, waiting(runtime), "accept loop + stalled read still waiting\n" +
                    runtime.stats().toTable());
                assertEquals(0, stalled.getInputStream().available(), "nothing echoed to the stalled client yet");

                System.out.printf("StalledClientTest: %d clients x %d framed messages: warm-up %d ms, " +
                    "without a stalled client %d ms, with one %d ms%n", CLIENTS, MESSAGES,
                    TimeUnit.NANOSECONDS.toMillis(warmUp), TimeUnit.NANOSECONDS.toMillis(without),
                    TimeUnit.NANOSECONDS.toMillis(with));
                System.out.print(runtime.stats().toTable());

                // the stalled client finishes its frame: the pending readFully kept its 500 bytes
                out.write(frame, half, frame.length - half);
                out.flush();
                final byte[] echo = new byte[frame.length];
                new DataInputStream(stalled.getInputStream()).readFully(echo);
                assertArrayEquals(frame, echo, "the stalled frame, echoed whole once it was complete");
            }
            server.closeAndJoin(10_000);
            assertTrue(server.failures.isEmpty(), () -> "server failures: " + server.failures);
            assertEquals(server.accepted.get(), server.finished.get(), "every handler ended");
            awaitWaiting(runtime, w -> w == 0, "the wait queue to empty");
        }
    }

    /**
     * @return nanoseconds from the first client's start to the last one's end.
     */
    private static long runClients(final OffloadRuntime runtime, final InetSocketAddress address, final long seed)
        throws InterruptedException
    {
        final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final AtomicInteger done = new AtomicInteger();
        final List<Thread> clients = new ArrayList<>();
        final long start = System.nanoTime();
        for (int i = 0; i < CLIENTS; i++)
        {
            final Random random = new Random(seed * 1_000 + i);
            clients.add(Thread.ofVirtual().start(() ->
            {
                try (Connection c = runtime.sockets().connect(address); Arena arena = Arena.ofConfined())
                {
                    final MemorySegment in = arena.allocate(4 + MAX_PAYLOAD);
                    for (int m = 0; m < MESSAGES; m++)
                    {
                        final int length = 1 + random.nextInt(MAX_PAYLOAD);
                        final byte[] frame = new byte[4 + length];
                        random.nextBytes(frame);
                        ByteBuffer.wrap(frame).order(ByteOrder.BIG_ENDIAN).putInt(length);
                        c.write(nativeCopy(arena, frame));
                        assertEquals(frame.length, c.readFully(in.asSlice(0, frame.length)));
                        assertArrayEquals(frame, bytesOf(in, frame.length));
                    }
                    done.incrementAndGet();
                }
                catch (final Throwable ex)
                {
                    failures.add(ex);
                }
            }));
        }
        for (final Thread client : clients)
        {
            client.join();
        }
        final long elapsed = System.nanoTime() - start;
        if (!failures.isEmpty())
        {
            throw new AssertionError(failures.size() + " client(s) failed; first: " + failures.peek(),
                failures.peek());
        }
        assertEquals(CLIENTS, done.get(), "clients that completed");
        return elapsed;
    }
}
