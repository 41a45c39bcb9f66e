package io.offload.servers.net;

import io.offload.api.Connection;
import io.offload.api.SyscallClass;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.offload.servers.net.NetTestSupport.awaitWaiting;
import static io.offload.servers.net.NetTestSupport.bytesOf;
import static io.offload.servers.net.NetTestSupport.nativeCopy;
import static io.offload.servers.net.NetTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * 1,000 concurrent connections to an echo server on ONE unpinned NETWORK server: an accept loop on a virtual
 * thread, a virtual thread per connection (read, write back). Every client sends several messages of seeded random
 * sizes and checks every byte that comes back; the byte counts on both sides must match exactly. Clients are
 * virtual threads using the same runtime's sockets, or plain blocking java.nio SocketChannels on virtual threads.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoTest
{
    private static final int CLIENTS = 1_000;
    private static final int MESSAGES = 5;
    private static final int MAX_MESSAGE = 24 * 1024; // < any loopback socket buffer pair: write-then-read cannot jam
    private static final int BACKLOG = 2_048;

    @BeforeAll
    static void enoughFileDescriptors()
    {
        final long limit = NetTestSupport.openFileLimit();
        final long open = NetTestSupport.openFiles();
        System.out.println("EchoTest: ulimit -n " + limit + ", fds open now " + open + ", net.core.somaxconn " +
            NetTestSupport.somaxconn() + ", listen backlog asked " + BACKLOG + ", cpus " +
            Runtime.getRuntime().availableProcessors());
        assumeTrue(limit < 0 || limit - Math.max(0, open) >= 2L * CLIENTS + 200,
            "EchoTest needs " + (2 * CLIENTS + 200) + " free file descriptors for " + CLIENTS +
            " loopback connections (both ends in this process); the soft limit (ulimit -n) is " + limit + " with " +
            open + " open: raise it to run this test");
    }

    @Test
    void thousandOffloadClients() throws Exception
    {
        run("offload clients", true);
    }

    @Test
    void thousandNioClients() throws Exception
    {
        run("java.nio clients", false);
    }

    private static void run(final String name, final boolean offloadClients) throws Exception
    {
        final long seed = NetTestSupport.seed("EchoTest " + name);
        final long expected = expectedBytes(seed);
        try (OffloadRuntime runtime = OffloadRuntime.builder()
            .servers(SyscallClass.NETWORK, -1)
            .route(SyscallClass.FILE, SyscallClass.NETWORK)
            .build())
        {
            final EchoServer server = new EchoServer(runtime.sockets(), BACKLOG, Thread.ofVirtual(), false, false);
            final InetSocketAddress address = server.listener.localAddress();
            final AtomicLong sent = new AtomicLong();
            final AtomicLong received = new AtomicLong();
            final Queue<Throwable> clientFailures = new ConcurrentLinkedQueue<>();
            final List<Thread> clients = new ArrayList<>(CLIENTS);
            final long start = System.nanoTime();
            for (int i = 0; i < CLIENTS; i++)
            {
                final int id = i;
                clients.add(Thread.ofVirtual().name("client-" + i).start(() ->
                {
                    try
                    {
                        if (offloadClients)
                        {
                            offloadClient(runtime, address, new Random(seed + id), sent, received);
                        }
                        else
                        {
                            nioClient(address, new Random(seed + id), sent, received);
                        }
                    }
                    catch (final Throwable ex)
                    {
                        clientFailures.add(ex);
                    }
                }));
            }
            for (final Thread client : clients)
            {
                client.join();
            }
            final long clientsDone = System.nanoTime();
            // every handler ends at its client's end of stream
            NetTestSupport.await(() -> server.finished.get() == server.accepted.get(), "echo handlers to finish");
            server.closeAndJoin(10_000);
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(clientsDone - start);
            System.out.printf("EchoTest %s: %d connections x %d messages, %,d bytes each way in %d ms " +
                "(%.1f MB/s each way)%n", name, CLIENTS, MESSAGES, expected, elapsedMs,
                expected / 1e6 / Math.max(1, elapsedMs) * 1000);
            System.out.print(runtime.stats().toTable());
            if (!clientFailures.isEmpty())
            {
                final Throwable first = clientFailures.peek();
                throw new AssertionError(clientFailures.size() + " client(s) failed (net.core.somaxconn " +
                    NetTestSupport.somaxconn() + ", ulimit -n " + NetTestSupport.openFileLimit() + "); first: " +
                    first, first);
            }
            assertTrue(server.failures.isEmpty(), () -> "server failures: " + server.failures);
            assertEquals(CLIENTS, server.accepted.get(), "connections accepted");
            assertEquals(expected, sent.get(), "bytes sent by the clients");
            assertEquals(expected, server.echoed.get(), "bytes echoed by the server");
            assertEquals(expected, received.get(), "bytes received back by the clients");
            awaitWaiting(runtime, w -> w == 0, "the wait queue to empty once every socket is closed");
        }
    }

    private static long expectedBytes(final long seed)
    {
        long total = 0;
        for (int i = 0; i < CLIENTS; i++)
        {
            final Random random = new Random(seed + i);
            for (int m = 0; m < MESSAGES; m++)
            {
                final int size = messageSize(random);
                total += size;
                random.nextBytes(new byte[size]);
            }
        }
        return total;
    }

    private static int messageSize(final Random random)
    {
        return 1 + random.nextInt(MAX_MESSAGE);
    }

    private static void offloadClient(final OffloadRuntime runtime, final InetSocketAddress address,
        final Random random, final AtomicLong sent, final AtomicLong received) throws Exception
    {
        try (Connection c = runtime.sockets().connect(address); Arena arena = Arena.ofConfined())
        {
            final MemorySegment in = arena.allocate(MAX_MESSAGE);
            for (int m = 0; m < MESSAGES; m++)
            {
                final int size = messageSize(random);
                final byte[] message = randomBytes(random, size);
                assertEquals(size, c.write(nativeCopy(arena, message)), "bytes written");
                sent.addAndGet(size);
                final long n = c.readFully(in.asSlice(0, size));
                assertEquals(size, n, "bytes echoed for a message of " + size);
                assertArrayEquals(message, bytesOf(in, size), "echoed bytes");
                received.addAndGet(n);
            }
            c.shutdownOutput();
            assertEquals(0, c.read(in), "end of stream once the server has echoed everything and closed");
        }
    }

    private static void nioClient(final InetSocketAddress address, final Random random, final AtomicLong sent,
        final AtomicLong received) throws IOException
    {
        try (SocketChannel c = SocketChannel.open(address))
        {
            final ByteBuffer in = ByteBuffer.allocate(MAX_MESSAGE);
            for (int m = 0; m < MESSAGES; m++)
            {
                final int size = messageSize(random);
                final byte[] message = randomBytes(random, size);
                final ByteBuffer out = ByteBuffer.wrap(message);
                while (out.hasRemaining())
                {
                    c.write(out);
                }
                sent.addAndGet(size);
                in.clear().limit(size);
                while (in.hasRemaining())
                {
                    if (c.read(in) < 0)
                    {
                        throw new IOException("end of stream after " + in.position() + " of " + size + " bytes");
                    }
                }
                final byte[] echoed = new byte[size];
                in.flip().get(echoed);
                assertArrayEquals(message, echoed, "echoed bytes");
                received.addAndGet(size);
            }
            c.shutdownOutput();
            assertEquals(-1, c.read(in.clear()), "end of stream once the server has echoed everything and closed");
        }
    }
}
