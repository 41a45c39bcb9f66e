package io.offload.servers.net;

import io.offload.api.Connection;
import io.offload.api.Listener;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.servers.OffloadRuntime;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the socket tests share: loopback addresses, a one-NETWORK-server runtime, polling the servers' wait queues
 * (bounded, never a timed assertion), limits of the machine, seeded random payloads, and an accepted pair of an
 * offload connection (server side) and a plain blocking {@link Socket} (the peer the test drives).
 */
final class NetTestSupport
{
    /**
     * Run one call on a new virtual thread, its result or what it threw in the future returned.
     *
     * @param call the call.
     * @param <T>  its result type.
     * @return the call's outcome.
     */
    static <T> CompletableFuture<T> onVirtualThread(final Callable<T> call)
    {
        final CompletableFuture<T> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() ->
        {
            try
            {
                outcome.complete(call.call());
            }
            catch (final Throwable ex)
            {
                outcome.completeExceptionally(ex);
            }
        });
        return outcome;
    }

    /** 127.0.0.1: the tests use IPv4 loopback only. */
    static final InetAddress LOOPBACK = loopback();

    /** How long a test polls for a state that should come about promptly before it gives up. */
    static final Duration PATIENCE = Duration.ofSeconds(20);

    private NetTestSupport()
    {
    }

    private static InetAddress loopback()
    {
        try
        {
            return InetAddress.getByAddress(new byte[]{127, 0, 0, 1});
        }
        catch (final UnknownHostException ex)
        {
            throw new AssertionError(ex);
        }
    }

    static InetSocketAddress anyPort()
    {
        return new InetSocketAddress(LOOPBACK, 0);
    }

    /**
     * @return a runtime with one unpinned NETWORK server that also serves FILE and PROCESS calls.
     */
    static OffloadRuntime networkRuntime()
    {
        return OffloadRuntime.builder()
            .servers(SyscallClass.NETWORK, -1)
            .route(SyscallClass.FILE, SyscallClass.NETWORK)
            .route(SyscallClass.PROCESS, SyscallClass.NETWORK)
            .build();
    }

    /**
     * @param runtime a runtime.
     * @return calls in the wait queues of all its servers now.
     */
    static long waiting(final OffloadRuntime runtime)
    {
        long sum = 0;
        for (final ServerStats s : runtime.stats().servers())
        {
            sum += s.waiting();
        }
        return sum;
    }

    /**
     * Poll the servers' wait queues until {@code condition} holds for their total, or fail after {@link #PATIENCE}.
     *
     * @return the total that satisfied the condition.
     */
    static long awaitWaiting(final OffloadRuntime runtime, final LongPredicate condition, final String what)
    {
        final long deadline = System.nanoTime() + PATIENCE.toNanos();
        long now;
        while (!condition.test(now = waiting(runtime)))
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("gave up waiting for " + what + ": waiting() is " + now + "\n" + runtime.stats().toTable());
            }
            LockSupport.parkNanos(200_000L);
        }
        return now;
    }

    /**
     * @param condition polled until true, or fail after {@link #PATIENCE}.
     * @param what      what is awaited, for the failure message.
     */
    static void await(final java.util.function.BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("gave up waiting for " + what);
            }
            LockSupport.parkNanos(200_000L);
        }
    }

    /**
     * @return the soft limit on open files of this process, from /proc/self/limits, or -1 if unknown.
     */
    static long openFileLimit()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/limits")))
            {
                if (line.startsWith("Max open files"))
                {
                    final String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
        return -1;
    }

    /**
     * @return file descriptors open in this process now, or -1 if unknown.
     */
    static long openFiles()
    {
        try (var list = Files.list(Path.of("/proc/self/fd")))
        {
            return list.count();
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /**
     * @return net.core.somaxconn (the kernel's cap on a listen backlog), or "unknown".
     */
    static String somaxconn()
    {
        try
        {
            return Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).trim(); // readString stops short on procfs
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
    }

    /**
     * @param test a name to print with the seed.
     * @return the seed: {@code -Doffload.test.seed=N} to replay a run, otherwise a fresh one. Printed.
     */
    static long seed(final String test)
    {
        final long seed = Long.getLong("offload.test.seed", System.nanoTime());
        System.out.println(test + ": seed " + seed + " (replay with -Doffload.test.seed=" + seed + ")");
        return seed;
    }

    static byte[] randomBytes(final Random random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static MemorySegment nativeCopy(final Arena arena, final byte[] bytes)
    {
        final MemorySegment segment = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment.asSlice(0, bytes.length);
    }

    static byte[] bytesOf(final MemorySegment segment, final long length)
    {
        return segment.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * @return the errno of the SyscallException that {@code call} throws.
     */
    static int errnoOf(final org.junit.jupiter.api.function.Executable call)
    {
        return assertThrows(SyscallException.class, call).errno();
    }

    static void assertErrno(final int expected, final SyscallException ex)
    {
        assertEquals(io.offload.api.Errno.name(expected), ex.errnoName(), "errno of " + ex.getMessage());
        assertEquals(expected, ex.errno());
    }

    /**
     * @param stats a snapshot.
     * @return the one server of class NETWORK.
     */
    static ServerStats networkServer(final RuntimeStats stats)
    {
        final List<ServerStats> network = stats.servers().stream()
            .filter(s -> s.syscallClass() == SyscallClass.NETWORK).toList();
        assertEquals(1, network.size(), "NETWORK servers in\n" + stats.toTable());
        return network.get(0);
    }

    /**
     * An accepted connection through the runtime's sockets (the side under test) and its peer, a plain blocking
     * java.net.Socket the test drives from its own thread.
     */
    record Pair(Listener listener, Connection server, Socket peer) implements AutoCloseable
    {
        static Pair open(final io.offload.api.Sockets sockets) throws IOException
        {
            final Listener listener = sockets.listen(anyPort(), 16);
            final Socket peer = new Socket();
            try
            {
                peer.connect(listener.localAddress(), 10_000);
                peer.setSoTimeout(30_000); // a peer read never hangs a test
                peer.setTcpNoDelay(true);
                final Connection server = listener.accept(Duration.ofSeconds(10));
                return new Pair(listener, server, peer);
            }
            catch (final IOException | RuntimeException ex)
            {
                peer.close();
                listener.close();
                throw ex;
            }
        }

        void peerWrite(final byte[] bytes) throws IOException
        {
            peer.getOutputStream().write(bytes);
            peer.getOutputStream().flush();
        }

        @Override
        public void close() throws IOException
        {
            try
            {
                peer.close();
            }
            finally
            {
                try
                {
                    server.close();
                }
                finally
                {
                    listener.close();
                }
            }
        }
    }
}
