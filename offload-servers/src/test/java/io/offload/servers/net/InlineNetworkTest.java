package io.offload.servers.net;

import io.offload.api.Connection;
import io.offload.api.Errno;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import io.offload.api.Sockets;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import static io.offload.servers.net.NetTestSupport.assertErrno;
import static io.offload.servers.net.NetTestSupport.bytesOf;
import static io.offload.servers.net.NetTestSupport.nativeCopy;
import static io.offload.servers.net.NetTestSupport.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The same sockets with no hand-off: NETWORK inline on a runtime whose only server is FILE, and
 * DirectSyscalls.sockets(). Blocking semantics come from the caller's own thread, deadlines included: a platform
 * thread waits in poll(2), a virtual thread parks on the inline poller (so it frees its carrier).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InlineNetworkTest
{
    private static final int CLIENTS = 4;
    private static final int MESSAGES = 50;
    private static final int MAX_MESSAGE = 8 * 1024;

    /**
     * The sockets under test and, for "inline", the runtime that must not see them.
     */
    private record Setup(Sockets sockets, OffloadRuntime runtime) implements AutoCloseable
    {
        static Setup of(final String how)
        {
            if ("direct".equals(how))
            {
                return new Setup(DirectSyscalls.sockets(), null);
            }
            final OffloadRuntime runtime = OffloadRuntime.builder()
                .servers(SyscallClass.FILE, -1)
                .inline(SyscallClass.NETWORK)
                .build();
            return new Setup(runtime.sockets(), runtime);
        }

        /** Every socket call ran on the caller: inline calls counted, nothing reached the FILE server. */
        void assertNothingOffloaded()
        {
            if (runtime != null)
            {
                final RuntimeStats stats = runtime.stats();
                assertNull(runtime.routeOf(Syscall.RECVFROM), "RECVFROM runs inline");
                assertTrue(stats.inlineCalls() > 0, "inline calls counted\n" + stats.toTable());
                for (final ServerStats s : stats.servers())
                {
                    assertEquals(0, s.pickedUp(), "socket calls reached " + s.name() + "\n" + stats.toTable());
                }
            }
        }

        @Override
        public void close()
        {
            if (runtime != null)
            {
                runtime.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"inline", "direct"})
    void echo(final String how) throws Exception
    {
        final long seed = NetTestSupport.seed("InlineNetworkTest.echo " + how);
        try (Setup setup = Setup.of(how))
        {
            final EchoServer server = new EchoServer(setup.sockets(), 16, Thread.ofPlatform().daemon(true), false,
                true);
            final InetSocketAddress address = server.listener.localAddress();
            final AtomicLong bytes = new AtomicLong();
            final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            final List<Thread> clients = new ArrayList<>();
            final long start = System.nanoTime();
            for (int i = 0; i < CLIENTS; i++)
            {
                final Random random = new Random(seed + i);
                clients.add(Thread.ofPlatform().daemon(true).start(() ->
                {
                    try (Connection c = setup.sockets().connect(address); Arena arena = Arena.ofConfined())
                    {
                        final MemorySegment in = arena.allocate(MAX_MESSAGE);
                        for (int m = 0; m < MESSAGES; m++)
                        {
                            final byte[] message = randomBytes(random, 1 + random.nextInt(MAX_MESSAGE));
                            c.write(nativeCopy(arena, message));
                            assertEquals(message.length, c.readFully(in.asSlice(0, message.length)));
                            assertArrayEquals(message, bytesOf(in, message.length));
                            bytes.addAndGet(message.length);
                        }
                        c.shutdownOutput();
                        assertEquals(0, c.read(in));
                    }
                    catch (final Throwable ex)
                    {
                        failures.add(ex);
                    }
                }));
            }
            for (final Thread client : clients)
            {
                client.join(TimeUnit.SECONDS.toMillis(60));
            }
            System.out.printf("InlineNetworkTest %s: %d clients x %d messages, %,d bytes each way in %d ms%n", how,
                CLIENTS, MESSAGES, bytes.get(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            NetTestSupport.await(() -> server.finished.get() == CLIENTS, "the echo handlers to end");
            server.closeAndJoin(10_000);
            if (!failures.isEmpty())
            {
                throw new AssertionError(failures.size() + " client(s) failed; first: " + failures.peek(),
                    failures.peek());
            }
            assertTrue(server.failures.isEmpty(), () -> "server failures: " + server.failures);
            assertEquals(bytes.get(), server.echoed.get());
            setup.assertNothingOffloaded();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"inline", "direct"})
    void readAndAcceptTimeOut(final String how) throws Exception
    {
        try (Setup setup = Setup.of(how);
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(setup.sockets());
            Arena arena = Arena.ofConfined())
        {
            final MemorySegment buf = arena.allocate(64);
            long start = System.nanoTime();
            final SyscallException read =
                assertThrows(SyscallException.class, () -> pair.server().read(buf, Duration.ofMillis(200)));
            System.out.println("InlineNetworkTest " + how + ": read(200 ms) gave " + read.errnoName() + " after " +
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
            assertErrno(Errno.ETIMEDOUT, read);

            start = System.nanoTime();
            final SyscallException accept =
                assertThrows(SyscallException.class, () -> pair.listener().accept(Duration.ofMillis(200)));
            System.out.println("InlineNetworkTest " + how + ": accept(200 ms) gave " + accept.errnoName() +
                " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
            assertErrno(Errno.ETIMEDOUT, accept);

            pair.peerWrite("later".getBytes(StandardCharsets.US_ASCII));
            assertEquals(5, pair.server().read(buf, Duration.ofSeconds(10)), "data after a timeout, read once");
            assertEquals("later", buf.getString(0, StandardCharsets.US_ASCII).substring(0, 5));
            assertErrno(Errno.ETIMEDOUT,
                assertThrows(SyscallException.class, () -> pair.server().read(buf, Duration.ofMillis(50))));
            setup.assertNothingOffloaded();
        }
    }

    /**
     * Connection.close() promises: "pending reads and writes on it complete with EBADF". A direct (inline) read
     * waits in poll(2) on the caller's thread, which close(2) from another thread would not wake: close shuts
     * the socket down first, and closes the fd only once the calls in progress have left.
     */
    @ParameterizedTest
    @ValueSource(strings = {"inline", "direct"})
    void closeCompletesABlockedRead(final String how) throws Exception
    {
        try (Setup setup = Setup.of(how);
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(setup.sockets());
            Arena arena = Arena.ofShared())
        {
            final MemorySegment buf = arena.allocate(64);
            final CompletableFuture<Long> read = new CompletableFuture<>();
            final Thread reader = Thread.ofPlatform().daemon(true).start(() ->
            {
                try
                {
                    read.complete(pair.server().read(buf));
                }
                catch (final Throwable ex)
                {
                    read.completeExceptionally(ex);
                }
            });
            NetTestSupport.await(() -> !read.isDone() && waitsForItsSocket(reader), "the reader to wait for its socket");
            Thread.sleep(200); // from the Java frame of Poll.poll into the poll(2) system call itself
            pair.server().close();
            try
            {
                final long n = read.get(3, TimeUnit.SECONDS);
                fail("a read of a closed connection returned " + n);
            }
            catch (final TimeoutException ex)
            {
                pair.peer().close(); // wakes the poll(2) so the thread does not outlive the test
                fail("Connection.close() did not complete a blocked " + how + " read: still in poll(2) 3 s later");
            }
            catch (final ExecutionException ex)
            {
                assertErrno(Errno.EBADF, assertInstanceOf(SyscallException.class, ex.getCause()));
            }
        }
    }

    /**
     * Virtual threads that block in an inline (direct) socket read must not pin their carriers (a read waiting in
     * poll(2) inside a native downcall would): with as many blocked readers as carriers, another virtual thread
     * must still run. DESIGN.md promises "virtual threads that never pin or inflate carriers"; Connection promises
     * blocking semantics.
     */
    @ParameterizedTest
    @ValueSource(strings = {"inline", "direct"})
    void virtualThreadsBlockedInAReadDoNotStarveOthers(final String how) throws Exception
    {
        final String configured = System.getProperty("jdk.virtualThreadScheduler.parallelism");
        final int carriers = configured != null ? Integer.parseInt(configured) :
            Runtime.getRuntime().availableProcessors();
        final List<NetTestSupport.Pair> pairs = new ArrayList<>();
        try (Setup setup = Setup.of(how); Arena arena = Arena.ofShared())
        {
            for (int i = 0; i < Math.min(carriers, 64); i++)
            {
                pairs.add(NetTestSupport.Pair.open(setup.sockets()));
            }
            final List<Thread> readers = new ArrayList<>();
            for (final NetTestSupport.Pair pair : pairs)
            {
                final MemorySegment buf = arena.allocate(16);
                readers.add(Thread.ofVirtual().start(() ->
                {
                    try
                    {
                        pair.server().read(buf);
                    }
                    catch (final SyscallException ignored)
                    {
                        // woken at the end either way
                    }
                }));
            }
            NetTestSupport.await(() -> readers.stream().allMatch(InlineNetworkTest::waitsForItsSocket),
                "every reader to wait for its socket");
            final CompletableFuture<Boolean> ran = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> ran.complete(true));
            boolean probeRan;
            try
            {
                probeRan = ran.get(3, TimeUnit.SECONDS);
            }
            catch (final TimeoutException ex)
            {
                probeRan = false;
            }
            finally
            {
                for (final NetTestSupport.Pair pair : pairs)
                {
                    pair.peerWrite(new byte[]{1}); // wake every reader, so the carriers are free again
                }
                for (final Thread reader : readers)
                {
                    reader.join(10_000);
                }
            }
            System.out.println("InlineNetworkTest " + how + ": " + pairs.size() + " virtual threads blocked in a " +
                "read with " + carriers + " carriers; another virtual thread ran meanwhile: " + probeRan);
            assertTrue(probeRan, pairs.size() + " virtual threads blocked in " + how + " socket reads pin all " +
                carriers + " carriers (poll(2) in a native downcall): no other virtual thread ran for 3 s");
        }
        finally
        {
            for (final NetTestSupport.Pair pair : pairs)
            {
                pair.close();
            }
        }
    }

    /**
     * A platform thread waits in poll(2); a virtual thread parks on the inline poller, freeing its carrier.
     */
    private static boolean waitsForItsSocket(final Thread thread)
    {
        for (final StackTraceElement frame : thread.getStackTrace())
        {
            if (frame.getClassName().endsWith(".Poll") && "poll".equals(frame.getMethodName()) ||
                frame.getClassName().endsWith(".InlinePoller") && "await".equals(frame.getMethodName()))
            {
                return true;
            }
        }
        return false;
    }
}
