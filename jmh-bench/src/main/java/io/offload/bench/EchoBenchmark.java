package io.offload.bench;

import io.offload.api.Connection;
import io.offload.api.Listener;
import io.offload.api.Sockets;
import io.offload.api.SyscallClass;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Round-trip latency of a 64-byte message over loopback TCP: one client connection, an echo server at the other
 * end. One op is: write 64 bytes (a sequence number in the first eight), read 64 bytes fully, check that the
 * sequence number came back. TCP_NODELAY is set on both ends. Three variants, each in a fork of its own:
 * <ul>
 *     <li>{@code offloaded}: client and echo server both use {@code runtime.sockets()} of one
 *     {@link OffloadRuntime} with one NETWORK server (the runtime's defaults otherwise: the caller spins, then
 *     parks; the server spins, yields, then sleeps in its reactor's {@code epoll_wait}). Every call of both ends
 *     is handed to that server; a read with nothing to read waits in the server's epoll reactor and the caller
 *     sees a blocking read. Per op: four calls through the server (client send, client receive, echo receive,
 *     echo send), two virtual-thread wake-ups of the echo loop (receive done, send done), and the server's
 *     epoll round for each would-block receive.</li>
 *     <li>{@code direct}: client and echo server use {@link DirectSyscalls#sockets()}: the same FFM calls on the
 *     calling thread, a would-block call waiting in {@code poll(2)} on that thread (on a virtual thread the
 *     carrier is held in {@code poll}, as a blocking native call holds it).</li>
 *     <li>{@code channel}: the JDK's {@link SocketChannel} in blocking mode at both ends; the echo loop's blocking
 *     read parks its virtual thread on the JDK's poller.</li>
 * </ul>
 * In every variant the client is the JMH benchmark thread (a platform thread) and the echo server's per-connection
 * loop runs on a virtual thread; the connection is made and accepted in the trial's setup.
 * <p>
 * CPUs (2-core machine): the benchmark thread is pinned on CPU 0; in {@code offloaded} the NETWORK server is
 * pinned on CPU 1. The virtual-thread carriers are not pinned: all of them (the scheduler's parallelism) are
 * started before any thread here is pinned, so they may run on both CPUs. Started later, a carrier would inherit
 * the one-CPU mask of the thread that made the scheduler start it (the pinned benchmark thread, or the server
 * unparking the echo loop), and a scheduler first used from a pinned thread would get a parallelism of 1
 * ({@code availableProcessors()} follows the calling thread's mask). In {@code direct} and {@code channel} no
 * runtime exists. Teardown prints every thread whose CPU mask differs from the process's, to show the layout held:
 * a carrier listed there was started by a pinned thread.
 * <p>
 * What to expect: the cost is set by how many threads must be woken per op and whether a CPU is free for each.
 * {@code direct} wakes two threads blocked in {@code poll(2)} (the echo carrier, then the client): two loopback
 * sends and two wake-ups, some tens of microseconds on the 2-core machine. {@code channel} adds the JDK poller's
 * hand-off on the echo side (poller wakes, unparks the echo virtual thread), so expect it at or above
 * {@code direct}. {@code offloaded} makes four calls through the server per op and wakes the echo virtual
 * thread twice (receive done, send done), and on two cores three threads want a CPU at once: the client (spinning
 * on CPU 0 up to the runtime's spin limit), the server (CPU 1, spinning, yielding, then sleeping in its reactor)
 * and the echo loop's carrier, which must take a CPU from one of them. Expect it well above {@code direct} here:
 * the figure is what the hand-off costs for small request/response traffic when no core is spare, not the
 * hand-off's floor (see {@link NullSyscallBenchmark} and {@link PingPongBenchmark} for that). On a machine that is
 * loaded besides, every extra wake-up can wait for a scheduler slice, and {@code offloaded} suffers most: take
 * its figures with {@code -bm sample} and read the percentiles. The runtime reads its settings from system
 * properties, so {@code -jvmArgsAppend "-Doffload.wait.strategy=PARK -Doffload.idle=sleep"} (say) runs the same
 * benchmark with a client and a server that do not spin.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchSupport.NATIVE_ACCESS)
public class EchoBenchmark
{
    /** Bytes in each message, each way. */
    static final int MESSAGE_BYTES = 64;
    /** How long teardown waits for the echo loop to see end of stream and exit. */
    static final long JOIN_MILLIS = 5_000;

    /** A connection pair over a {@link Sockets}: the client end here, the server end in the echo loop. */
    abstract static class SocketsPair
    {
        Arena arena;
        MemorySegment out;
        MemorySegment in;
        MemorySegment echoBuf;
        Listener listener;
        Connection client;
        Connection server;
        EchoLoop echo;
        long seq;

        /** The benchmark thread must still be on its CPU. */
        @Setup(Level.Iteration)
        public void check()
        {
            BenchSupport.checkOn(BenchSupport.CALLER_CPU);
        }

        void open(final Sockets sockets, final String name) throws Exception
        {
            arena = Arena.ofShared();
            out = arena.allocate(MESSAGE_BYTES, 64);
            in = arena.allocate(MESSAGE_BYTES, 64);
            echoBuf = arena.allocate(MESSAGE_BYTES, 64);
            out.fill((byte)0x5a);
            listener = sockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            client = sockets.connect(listener.localAddress());
            server = listener.accept();
            client.setNoDelay(true);
            server.setNoDelay(true);
            final Connection s = server;
            final MemorySegment buf = echoBuf;
            echo = EchoLoop.start(name, () ->
            {
                try (s)
                {
                    while (true)
                    {
                        final long n = s.read(buf);
                        if (n == 0)
                        {
                            return; // the client closed
                        }
                        s.write(n == buf.byteSize() ? buf : buf.asSlice(0, n));
                    }
                }
            });
        }

        long roundTrip() throws Exception
        {
            final long ping = ++seq;
            out.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, ping);
            client.write(out);
            final long n = client.readFully(in);
            final long pong = in.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            if (n != MESSAGE_BYTES || pong != ping)
            {
                throw new IllegalStateException("echo returned " + n + " bytes, sequence " + pong + ", expected " +
                    MESSAGE_BYTES + " bytes, sequence " + ping + echo.failureText());
            }
            return pong;
        }

        void close() throws Exception
        {
            Exception failure = null;
            try
            {
                if (client != null)
                {
                    client.close(); // the echo loop reads end of stream, closes its end and exits
                }
            }
            catch (final Exception ex)
            {
                failure = ex;
            }
            boolean echoDone = echo == null || echo.join(JOIN_MILLIS);
            if (!echoDone)
            {
                System.out.println("[offload-bench] WARNING: echo loop still running after " + JOIN_MILLIS +
                    " ms; closing its connection");
                quietly(server);
                echoDone = echo.join(JOIN_MILLIS);
            }
            try
            {
                if (listener != null)
                {
                    listener.close();
                }
            }
            catch (final Exception ex)
            {
                failure = add(failure, ex);
            }
            if (echoDone && arena != null)
            {
                arena.close(); // only once nothing reads into echoBuf any more
            }
            if (failure != null)
            {
                throw failure;
            }
            if (echo != null)
            {
                echo.rethrow();
            }
        }
    }

    /** Both ends offloaded to one NETWORK server on CPU 1; the benchmark thread on CPU 0. */
    @State(Scope.Thread)
    public static class Offloaded extends SocketsPair
    {
        OffloadRuntime runtime;

        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            EchoLoop.startCarriers(); // before anything here is pinned: carriers inherit their creator's mask
            runtime = OffloadRuntime.builder()
                .servers(SyscallClass.NETWORK, BenchSupport.SERVER_CPU)
                .build();
            open(runtime.sockets(), "echo-offloaded");
            BenchSupport.pin(BenchSupport.CALLER_CPU, "benchmark thread");
            roundTrip();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception
        {
            EchoLoop.printConfinedThreads();
            try
            {
                close();
            }
            finally
            {
                if (runtime != null)
                {
                    BenchSupport.printServers(runtime);
                    runtime.close();
                }
            }
        }
    }

    /** Both ends direct ({@link DirectSyscalls#sockets()}); the benchmark thread on CPU 0, no runtime. */
    @State(Scope.Thread)
    public static class Direct extends SocketsPair
    {
        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            EchoLoop.startCarriers();
            open(DirectSyscalls.sockets(), "echo-direct");
            BenchSupport.pin(BenchSupport.CALLER_CPU, "benchmark thread");
            roundTrip();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception
        {
            EchoLoop.printConfinedThreads();
            close();
        }
    }

    /** Both ends JDK {@link SocketChannel}s in blocking mode; the benchmark thread on CPU 0. */
    @State(Scope.Thread)
    public static class Channel
    {
        ServerSocketChannel listener;
        SocketChannel client;
        SocketChannel server;
        ByteBuffer out;
        ByteBuffer in;
        EchoLoop echo;
        long seq;

        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            EchoLoop.startCarriers();
            out = ByteBuffer.allocateDirect(MESSAGE_BYTES).order(ByteOrder.nativeOrder());
            in = ByteBuffer.allocateDirect(MESSAGE_BYTES).order(ByteOrder.nativeOrder());
            while (out.hasRemaining())
            {
                out.put((byte)0x5a);
            }
            listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            client = SocketChannel.open(listener.getLocalAddress());
            server = listener.accept();
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            server.setOption(StandardSocketOptions.TCP_NODELAY, true);
            final SocketChannel s = server;
            echo = EchoLoop.start("echo-channel", () ->
            {
                final ByteBuffer buf = ByteBuffer.allocateDirect(MESSAGE_BYTES);
                try (s)
                {
                    while (true)
                    {
                        buf.clear();
                        if (s.read(buf) < 0)
                        {
                            return; // the client closed
                        }
                        buf.flip();
                        while (buf.hasRemaining())
                        {
                            s.write(buf);
                        }
                    }
                }
            });
            BenchSupport.pin(BenchSupport.CALLER_CPU, "benchmark thread");
            roundTrip();
        }

        @Setup(Level.Iteration)
        public void check()
        {
            BenchSupport.checkOn(BenchSupport.CALLER_CPU);
        }

        long roundTrip() throws IOException
        {
            final long ping = ++seq;
            out.clear();
            out.putLong(0, ping);
            while (out.hasRemaining())
            {
                client.write(out);
            }
            in.clear();
            while (in.hasRemaining())
            {
                if (client.read(in) < 0)
                {
                    throw new IllegalStateException("echo closed after " + in.position() + " bytes" +
                        echo.failureText());
                }
            }
            final long pong = in.getLong(0);
            if (pong != ping)
            {
                throw new IllegalStateException("echo returned sequence " + pong + ", expected " + ping);
            }
            return pong;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception
        {
            EchoLoop.printConfinedThreads();
            Exception failure = null;
            try
            {
                client.close();
            }
            catch (final Exception ex)
            {
                failure = ex;
            }
            if (!echo.join(JOIN_MILLIS))
            {
                System.out.println("[offload-bench] WARNING: echo loop still running after " + JOIN_MILLIS +
                    " ms; closing its channel");
                quietly(server);
                echo.join(JOIN_MILLIS);
            }
            try
            {
                listener.close();
            }
            catch (final Exception ex)
            {
                failure = add(failure, ex);
            }
            if (failure != null)
            {
                throw failure;
            }
            echo.rethrow();
        }
    }

    /**
     * @param s the offloaded pair.
     * @return the sequence number echoed.
     * @throws Exception if a call fails or the echo is wrong.
     */
    @Benchmark
    public long offloaded(final Offloaded s) throws Exception
    {
        return s.roundTrip();
    }

    /**
     * @param s the direct pair.
     * @return the sequence number echoed.
     * @throws Exception if a call fails or the echo is wrong.
     */
    @Benchmark
    public long direct(final Direct s) throws Exception
    {
        return s.roundTrip();
    }

    /**
     * @param s the channel pair.
     * @return the sequence number echoed.
     * @throws IOException if a call fails.
     */
    @Benchmark
    public long channel(final Channel s) throws IOException
    {
        return s.roundTrip();
    }

    static void quietly(final AutoCloseable closeable)
    {
        try
        {
            if (closeable != null)
            {
                closeable.close();
            }
        }
        catch (final Exception ignored)
        {
            // forcing a stuck echo loop out: the first failure is the one to report
        }
    }

    static Exception add(final Exception failure, final Exception ex)
    {
        if (failure == null)
        {
            return ex;
        }
        failure.addSuppressed(ex);
        return failure;
    }
}
