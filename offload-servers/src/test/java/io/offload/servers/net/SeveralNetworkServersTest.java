package io.offload.servers.net;

import io.offload.api.Connection;
import io.offload.api.Listener;
import io.offload.api.ServerStats;
import io.offload.api.SyscallClass;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * More than one NETWORK server: connections are spread over the servers, and each connection's calls (its waits,
 * its sends, its close) stay on its owner, fd {@code n} on server {@code n mod servers}. Every byte of every
 * connection still arrives, in order. Runs on both executors (the io_uring execution of the net tests).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SeveralNetworkServersTest
{
    private static final int SERVERS = 3;

    private static OffloadRuntime runtime()
    {
        return OffloadRuntime.builder().servers(SyscallClass.NETWORK, -1, -1, -1).build();
    }

    @Test
    void aConnectionsWaitingReadWaitsOnItsOwnServer() throws Exception
    {
        try (OffloadRuntime runtime = runtime(); Connections all = Connections.open(runtime, 2 * SERVERS);
            Arena arena = Arena.ofShared())
        {
            assertEquals(SERVERS, network(runtime).size(), runtime.stats().toTable());
            final boolean[] ownersSeen = new boolean[SERVERS];
            for (int i = 0; i < all.size(); i++)
            {
                final Connection connection = all.server(i);
                final int owner = Math.floorMod(connection.fd(), SERVERS);
                ownersSeen[owner] = true;
                final MemorySegment buf = arena.allocate(16);
                final CompletableFuture<Long> read = NetTestSupport.onVirtualThread(() -> connection.read(buf));
                NetTestSupport.await(() -> waitingOn(runtime, owner) == 1,
                    "the read of fd " + connection.fd() + " to wait on server " + owner);
                for (int s = 0; s < SERVERS; s++)
                {
                    if (s != owner)
                    {
                        assertEquals(0, waitingOn(runtime, s), "fd " + connection.fd() + " waits on server " + s +
                            ", not its owner " + owner + "\n" + runtime.stats().toTable());
                    }
                }
                all.peer(i).getOutputStream().write(42);
                assertEquals(1L, read.get(30, TimeUnit.SECONDS));
            }
            for (int s = 0; s < SERVERS; s++)
            {
                assertTrue(ownersSeen[s], "no connection's fd fell to server " + s);
            }
        }
    }

    @Test
    void manyConnectionsSpreadOverTheServersKeepEveryByte() throws Exception
    {
        final Random random = new Random(NetTestSupport.seed("SeveralNetworkServersTest.spread"));
        final int connections = 48;
        final int rounds = 50;
        try (OffloadRuntime runtime = runtime())
        {
            try (Connections all = Connections.open(runtime, connections))
            {
                final long[] before = completedBy(runtime);
                final List<CompletableFuture<Long>> echoes = new ArrayList<>();
                final List<CompletableFuture<Void>> peers = new ArrayList<>();
                for (int i = 0; i < connections; i++)
                {
                    final byte[][] messages = new byte[rounds][];
                    for (int r = 0; r < rounds; r++)
                    {
                        messages[r] = NetTestSupport.randomBytes(random, 1 + random.nextInt(3000));
                    }
                    final Connection server = all.server(i);
                    final Socket peer = all.peer(i);
                    echoes.add(NetTestSupport.onVirtualThread(() -> echo(server)));
                    peers.add(CompletableFuture.runAsync(() -> drive(peer, messages)));
                }
                for (final CompletableFuture<Void> peer : peers)
                {
                    peer.get(60, TimeUnit.SECONDS);
                }
                for (int i = 0; i < connections; i++)
                {
                    all.peer(i).shutdownOutput(); // the echo reads end of stream and returns
                }
                for (final CompletableFuture<Long> echo : echoes)
                {
                    assertTrue(echo.get(60, TimeUnit.SECONDS) > 0);
                }
                final long[] after = completedBy(runtime);
                for (int s = 0; s < SERVERS; s++)
                {
                    assertTrue(after[s] - before[s] > rounds, "server " + s + " completed " + (after[s] - before[s]) +
                        " calls of " + connections + " connections\n" + runtime.stats().toTable());
                }
            }
        }
    }

    /**
     * Connections accepted from one listener (so that their fds, alternating with their peers', fall to every
     * server), each with its plain blocking peer.
     */
    private record Connections(Listener listener, List<Connection> servers, List<Socket> peers)
        implements AutoCloseable
    {
        static Connections open(final OffloadRuntime runtime, final int count) throws Exception
        {
            final Connections all = new Connections(runtime.sockets().listen(NetTestSupport.anyPort(), count),
                new ArrayList<>(), new ArrayList<>());
            try
            {
                for (int i = 0; i < count; i++)
                {
                    final Socket peer = new Socket();
                    all.peers.add(peer);
                    peer.connect(all.listener.localAddress(), 10_000);
                    peer.setSoTimeout(30_000);
                    peer.setTcpNoDelay(true);
                    all.servers.add(all.listener.accept(Duration.ofSeconds(10)));
                }
                return all;
            }
            catch (final Exception ex)
            {
                all.close();
                throw ex;
            }
        }

        int size()
        {
            return servers.size();
        }

        Connection server(final int i)
        {
            return servers.get(i);
        }

        Socket peer(final int i)
        {
            return peers.get(i);
        }

        @Override
        public void close() throws Exception
        {
            for (final Socket peer : peers)
            {
                peer.close();
            }
            for (final Connection server : servers)
            {
                server.close();
            }
            listener.close();
        }
    }

    /** Echo until end of stream; returns the bytes echoed. */
    private static long echo(final Connection connection) throws Exception
    {
        long total = 0;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment buf = arena.allocate(4096);
            long n;
            while ((n = connection.read(buf)) > 0)
            {
                connection.write(buf.asSlice(0, n));
                total += n;
            }
        }
        return total;
    }

    private static void drive(final Socket peer, final byte[][] messages)
    {
        try
        {
            final DataInputStream in = new DataInputStream(peer.getInputStream());
            for (final byte[] message : messages)
            {
                peer.getOutputStream().write(message);
                final byte[] back = new byte[message.length];
                in.readFully(back);
                assertArrayEquals(message, back);
            }
        }
        catch (final java.io.IOException ex)
        {
            fail("peer " + peer + ": " + ex);
        }
    }

    private static List<ServerStats> network(final OffloadRuntime runtime)
    {
        return runtime.stats().servers().stream().filter(s -> s.syscallClass() == SyscallClass.NETWORK).toList();
    }

    private static long waitingOn(final OffloadRuntime runtime, final int index)
    {
        return network(runtime).stream().filter(s -> s.index() == index).mapToLong(ServerStats::waiting).sum();
    }

    private static long[] completedBy(final OffloadRuntime runtime)
    {
        final long[] completed = new long[SERVERS];
        for (final ServerStats s : network(runtime))
        {
            completed[s.index()] = s.completed();
        }
        return completed;
    }
}
