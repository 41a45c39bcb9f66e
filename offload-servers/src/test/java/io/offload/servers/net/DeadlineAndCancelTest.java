package io.offload.servers.net;

import io.offload.api.Connection;
import io.offload.api.Errno;
import io.offload.api.Listener;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static io.offload.servers.net.NetTestSupport.assertErrno;
import static io.offload.servers.net.NetTestSupport.awaitWaiting;
import static io.offload.servers.net.NetTestSupport.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Deadlines and cancellation of socket calls that wait in a server's reactor: a timed-out, interrupted, cancelled
 * or closed-under call completes exactly once, leaves the wait queue, and never eats data that arrives later.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeadlineAndCancelTest
{
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    /** (a) A read with a deadline on a silent connection: ETIMEDOUT; data sent later goes to the next read once. */
    @Test
    void readTimesOutAndLeavesLaterDataToTheNextRead() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofConfined())
        {
            final MemorySegment buf = arena.allocate(64);
            final long start = System.nanoTime();
            final SyscallException timedOut =
                assertThrows(SyscallException.class, () -> pair.server().read(buf, Duration.ofMillis(200)));
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("DeadlineAndCancelTest: read(200 ms) on a silent connection gave " +
                timedOut.errnoName() + " after " + tookMs + " ms: " + timedOut.getMessage());
            assertErrno(Errno.ETIMEDOUT, timedOut);
            assertEquals(0, waiting(runtime), "the timed-out read left the wait queue\n" + runtime.stats().toTable());

            pair.peerWrite(HELLO);
            assertEquals(HELLO.length, pair.server().read(buf), "a later read gets the data");
            assertEquals("hello", buf.getString(0, StandardCharsets.US_ASCII).substring(0, 5));
            // exactly once: nothing more to read, neither from the timed-out call nor twice
            assertErrno(Errno.ETIMEDOUT,
                assertThrows(SyscallException.class, () -> pair.server().read(buf, Duration.ofMillis(100))));
            assertEquals(0, waiting(runtime));
        }
    }

    /** (b) accept with a deadline and nobody connecting: ETIMEDOUT; a later accept still works. */
    @Test
    void acceptTimesOut() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            Listener listener = runtime.sockets().listen(NetTestSupport.anyPort(), 16))
        {
            final long start = System.nanoTime();
            final SyscallException timedOut =
                assertThrows(SyscallException.class, () -> listener.accept(Duration.ofMillis(200)));
            System.out.println("DeadlineAndCancelTest: accept(200 ms) gave " + timedOut.errnoName() + " after " +
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
            assertErrno(Errno.ETIMEDOUT, timedOut);
            assertEquals(0, waiting(runtime));
            try (Socket peer = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort());
                Connection accepted = listener.accept(Duration.ofSeconds(10)))
            {
                assertEquals(peer.getLocalPort(), accepted.remoteAddress().getPort());
            }
        }
    }

    /** (c) Interrupting a virtual thread blocked in read: ECANCELED, interrupt flag kept, wait queue empty. */
    @Test
    void interruptCancelsABlockedRead() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared())
        {
            final MemorySegment buf = arena.allocate(64);
            final AtomicReference<Throwable> outcome = new AtomicReference<>();
            final AtomicBoolean flagAfter = new AtomicBoolean();
            final AtomicInteger outcomes = new AtomicInteger();
            final Thread reader = Thread.ofVirtual().start(() ->
            {
                try
                {
                    final long n = pair.server().read(buf);
                    outcome.set(new AssertionError("read returned " + n + " instead of failing"));
                }
                catch (final Throwable ex)
                {
                    outcome.set(ex);
                }
                outcomes.incrementAndGet();
                flagAfter.set(Thread.currentThread().isInterrupted());
            });
            awaitWaiting(runtime, w -> w == 1, "the read to wait");
            reader.interrupt();
            reader.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(reader.isAlive(), "the interrupted read never returned");
            final SyscallException cancelled = assertInstanceOf(SyscallException.class, outcome.get());
            assertErrno(Errno.ECANCELED, cancelled);
            assertTrue(flagAfter.get(), "the interrupt flag is still set after ECANCELED");
            assertEquals(1, outcomes.get());
            assertEquals(0, waiting(runtime), "the cancelled read left the wait queue\n" + runtime.stats().toTable());

            pair.peerWrite(HELLO);
            assertEquals(HELLO.length, pair.server().read(buf, Duration.ofSeconds(10)),
                "the cancelled read did not take data sent afterwards");
        }
    }

    /** (d) CompletableFuture.cancel on an async read of a socket that waits in the reactor. */
    @Test
    void cancellingAnAsyncReadFreesItsWait() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared())
        {
            final MemorySegment asyncBuf = arena.allocate(64).fill((byte)'#');
            final CompletableFuture<Long> read = runtime.async().read(pair.server().fd(), asyncBuf);
            awaitWaiting(runtime, w -> w == 1, "the async read to wait in the reactor");
            assertFalse(read.isDone(), "the async read waits for data");
            assertTrue(read.cancel(true), "cancel of a waiting read");
            assertTrue(read.isCancelled());
            awaitWaiting(runtime, w -> w == 0, "the cancelled async read to leave the wait queue");

            pair.peerWrite(HELLO);
            final MemorySegment buf = arena.allocate(64);
            assertEquals(HELLO.length, pair.server().read(buf, Duration.ofSeconds(10)), "a new read gets the data");
            assertEquals("hello", buf.getString(0, StandardCharsets.US_ASCII).substring(0, 5));
            for (long i = 0; i < asyncBuf.byteSize(); i++)
            {
                assertEquals((byte)'#', asyncBuf.get(ValueLayout.JAVA_BYTE, i), "the cancelled read wrote its buffer");
            }
        }
    }

    /** (e) Closing a connection under a blocked read: the read completes once, with EBADF. */
    @Test
    void closeCompletesABlockedReadWithEbadf() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared())
        {
            final MemorySegment buf = arena.allocate(64);
            final Queue<Object> outcomes = new ConcurrentLinkedQueue<>();
            final Thread reader = Thread.ofVirtual().start(() ->
            {
                try
                {
                    outcomes.add(pair.server().read(buf));
                }
                catch (final Throwable ex)
                {
                    outcomes.add(ex);
                }
            });
            awaitWaiting(runtime, w -> w == 1, "the read to wait");
            pair.server().close();
            reader.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(reader.isAlive(), "the read on a closed connection never returned");
            assertEquals(1, outcomes.size(), "outcomes of the one read: " + outcomes);
            assertErrno(Errno.EBADF, assertInstanceOf(SyscallException.class, outcomes.peek()));
            assertFalse(pair.server().isOpen());
            assertEquals(0, waiting(runtime), runtime.stats().toTable());
        }
    }

    /** (e, listener) Closing a listener under a blocked accept: the accept completes once, with EBADF. */
    @Test
    void closeCompletesABlockedAcceptWithEbadf() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime())
        {
            final Listener listener = runtime.sockets().listen(NetTestSupport.anyPort(), 16);
            final CompletableFuture<Connection> accept = NetTestSupport.onVirtualThread(() -> listener.accept());
            awaitWaiting(runtime, w -> w == 1, "the accept to wait");
            listener.close();
            final ExecutionException failed =
                assertThrows(ExecutionException.class, () -> accept.get(30, TimeUnit.SECONDS));
            assertErrno(Errno.EBADF, assertInstanceOf(SyscallException.class, failed.getCause()));
            assertEquals(0, waiting(runtime));
        }
    }

    /**
     * (e, across servers) A socket read through the plain Syscalls API goes by its own route (READ is a FILE call),
     * so on a runtime with FILE and NETWORK servers it waits on the FILE server, while Connection.close() runs on
     * the NETWORK server. Connection.close() promises: "pending reads and writes on it complete with EBADF".
     */
    @Test
    void closeCompletesAReadWaitingOnAnotherServer() throws Exception
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder()
            .servers(SyscallClass.FILE, -1)
            .servers(SyscallClass.NETWORK, -1)
            .build();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared())
        {
            final MemorySegment buf = arena.allocate(64);
            final CompletableFuture<Long> read = runtime.async().read(pair.server().fd(), buf);
            awaitWaiting(runtime, w -> w == 1, "the read to wait");
            System.out.print("DeadlineAndCancelTest: socket read waiting on\n" + runtime.stats().toTable());
            pair.server().close();
            try
            {
                final long n = read.get(3, TimeUnit.SECONDS);
                fail("a read of a closed connection returned " + n);
            }
            catch (final TimeoutException ex)
            {
                fail("Connection.close() did not complete a read of it that waits on another server (" +
                    runtime.routeOf(io.offload.api.Syscall.READ) + "): still pending 3 s later, waiting() = " +
                    waiting(runtime) + "\n" + runtime.stats().toTable());
            }
            catch (final ExecutionException ex)
            {
                assertErrno(Errno.EBADF, assertInstanceOf(SyscallException.class, ex.getCause()));
            }
            assertEquals(0, waiting(runtime));
        }
    }

    /**
     * (f) Reads with short deadlines racing with a peer that writes at about the moment they expire: every byte
     * written is received exactly once, in order, by some successful read; timed-out reads take nothing.
     */
    @ParameterizedTest(name = "virtual reader: {0}")
    @ValueSource(booleans = {true, false})
    void readTimeoutsRacingWithDataLoseNothing(final boolean virtualReader) throws Exception
    {
        final long seed = NetTestSupport.seed("DeadlineAndCancelTest.readTimeoutsRacingWithDataLoseNothing");
        final int chunks = 600;
        final Random plan = new Random(seed);
        final int[] sizes = new int[chunks];
        final long[] pauses = new long[chunks];
        long total = 0;
        for (int i = 0; i < chunks; i++)
        {
            sizes[i] = 1 + plan.nextInt(48);
            pauses[i] = plan.nextInt(2_500_000); // 0 to 2.5 ms: around the reads' 0.5 to 3 ms deadlines
            total += sizes[i];
        }
        final long expected = total;
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared())
        {
            final MemorySegment buf = arena.allocate(256);
            final Thread writer = Thread.ofPlatform().name("racing-writer").start(() ->
            {
                try
                {
                    int next = 0;
                    for (int i = 0; i < chunks; i++)
                    {
                        LockSupport.parkNanos(pauses[i]);
                        final byte[] chunk = new byte[sizes[i]];
                        for (int j = 0; j < chunk.length; j++)
                        {
                            chunk[j] = (byte)next++;
                        }
                        pair.peerWrite(chunk);
                    }
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            final long[] counts = new long[3]; // received, successful reads, timeouts
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Random deadlines = new Random(seed + 1);
            final Runnable read = () ->
            {
                try
                {
                    final long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (counts[0] < expected && System.nanoTime() - giveUp < 0)
                    {
                        final Duration timeout = Duration.ofNanos(500_000 + deadlines.nextInt(2_500_000));
                        try
                        {
                            final long n = pair.server().read(buf, timeout);
                            if (n == 0)
                            {
                                throw new AssertionError("end of stream after " + counts[0] + " bytes");
                            }
                            for (long j = 0; j < n; j++)
                            {
                                final byte want = (byte)(counts[0] + j);
                                final byte got = buf.get(ValueLayout.JAVA_BYTE, j);
                                if (got != want)
                                {
                                    throw new AssertionError("byte " + (counts[0] + j) + " is " + got + ", expected " +
                                        want + ": data lost or duplicated");
                                }
                            }
                            counts[0] += n;
                            counts[1]++;
                        }
                        catch (final SyscallException ex)
                        {
                            assertErrno(Errno.ETIMEDOUT, ex);
                            counts[2]++;
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            };
            final Thread reader = (virtualReader ? Thread.ofVirtual() : Thread.ofPlatform()).start(read);
            reader.join(TimeUnit.SECONDS.toMillis(90));
            writer.join(TimeUnit.SECONDS.toMillis(30));
            if (failure.get() != null)
            {
                throw new AssertionError(failure.get());
            }
            System.out.printf("DeadlineAndCancelTest: %s reader: %d bytes in %d chunks, %d successful reads, %d " +
                "timed out%n", virtualReader ? "virtual" : "platform", counts[0], chunks, counts[1], counts[2]);
            assertEquals(expected, counts[0], "bytes received == bytes written");
            assertErrno(Errno.ETIMEDOUT,
                assertThrows(SyscallException.class, () -> pair.server().read(buf, Duration.ofMillis(100))));
            assertEquals(0, waiting(runtime));
        }
    }

    /**
     * (f, interrupts) Interrupts racing with data: each read either gets bytes (possibly with the interrupt flag
     * set) or fails with ECANCELED having taken nothing. Every byte arrives exactly once, in order.
     */
    @Test
    void interruptsRacingWithDataLoseNothing() throws Exception
    {
        final long seed = NetTestSupport.seed("DeadlineAndCancelTest.interruptsRacingWithDataLoseNothing");
        final int chunks = 500;
        final Random plan = new Random(seed);
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared())
        {
            final MemorySegment buf = arena.allocate(256);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final long[] counts = new long[4]; // received, reads, cancelled, reads that returned with the flag set
            final int[] sizes = new int[chunks];
            long total = 0;
            for (int i = 0; i < chunks; i++)
            {
                sizes[i] = 1 + plan.nextInt(32);
                total += sizes[i];
            }
            final long expected = total;
            final Thread reader = Thread.ofVirtual().start(() ->
            {
                try
                {
                    final long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (counts[0] < expected && System.nanoTime() - giveUp < 0)
                    {
                        try
                        {
                            final long n = pair.server().read(buf);
                            if (Thread.interrupted())
                            {
                                counts[3]++;
                            }
                            for (long j = 0; j < n; j++)
                            {
                                final byte want = (byte)(counts[0] + j);
                                if (buf.get(ValueLayout.JAVA_BYTE, j) != want)
                                {
                                    throw new AssertionError("byte " + (counts[0] + j) + " wrong: lost or duplicated");
                                }
                            }
                            counts[0] += n;
                            counts[1]++;
                        }
                        catch (final SyscallException ex)
                        {
                            assertErrno(Errno.ECANCELED, ex);
                            assertTrue(Thread.interrupted(), "ECANCELED with the interrupt flag set");
                            counts[2]++;
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            });
            int next = 0;
            for (int i = 0; i < chunks && reader.isAlive(); i++)
            {
                final byte[] chunk = new byte[sizes[i]];
                for (int j = 0; j < chunk.length; j++)
                {
                    chunk[j] = (byte)next++;
                }
                final int order = plan.nextInt(3);
                if (order == 0)
                {
                    reader.interrupt();
                }
                pair.peerWrite(chunk);
                if (order == 1)
                {
                    reader.interrupt();
                }
                LockSupport.parkNanos(plan.nextInt(1_000_000));
            }
            reader.join(TimeUnit.SECONDS.toMillis(90));
            if (failure.get() != null)
            {
                throw new AssertionError(failure.get());
            }
            System.out.printf("DeadlineAndCancelTest: interrupts racing with data: %d bytes, %d reads, %d " +
                "ECANCELED, %d reads returned data with the flag set%n", counts[0], counts[1], counts[2], counts[3]);
            assertEquals(expected, counts[0], "bytes received == bytes written");
            assertEquals(0, waiting(runtime));
        }
    }

    /**
     * (d, racing) CompletableFuture.cancel of an async socket read after the server has already taken the data
     * but before the completion thread has completed the future. Made deterministic by holding the completion
     * thread inside a dependent stage of another call (stages run on the thread that completes the future).
     * cancel() returning true says the call did not happen: the byte must still be there for the next read;
     * otherwise cancel() must return false and the future must yield the byte. Either way nothing is lost.
     */
    @Test
    void asyncCancelAfterTheServerTookTheDataLosesNothing() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            NetTestSupport.Pair other = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared()) // outlives every async read, cancelled or not
        {
            final MemorySegment asyncBuf = arena.allocate(1).fill((byte)'#');
            final CompletableFuture<Long> read = runtime.async().read(pair.server().fd(), asyncBuf);
            final CompletableFuture<Long> holder = runtime.async().read(other.server().fd(), arena.allocate(1));
            awaitWaiting(runtime, w -> w == 2, "both async reads to wait");

            final CountDownLatch entered = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            final AtomicReference<String> completionThread = new AtomicReference<>();
            holder.thenRun(() ->
            {
                completionThread.set(Thread.currentThread().getName());
                entered.countDown();
                try
                {
                    release.await(60, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            other.peerWrite(new byte[]{1});
            assertTrue(entered.await(20, TimeUnit.SECONDS), "the completion thread ran the dependent stage");
            final boolean cancelReturned;
            try
            {
                final long completedBefore = NetTestSupport.networkServer(runtime.stats()).completed();
                pair.peerWrite(new byte[]{'x'});
                // the buffer is a shared arena's: the server reads into a bounce buffer of the runtime's, copied into
                // asyncBuf when the (held) completion thread settles the call; so watch the server complete it
                NetTestSupport.await(() -> NetTestSupport.networkServer(runtime.stats()).completed() > completedBefore,
                    "the server to read the byte for the async read");
                awaitWaiting(runtime, w -> w == 0, "the read to leave the wait queue");
                // cancel() waits for the held completion thread: run it aside, release once it has asked and waits
                final CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
                final Thread canceller = Thread.ofPlatform().start(() -> cancelled.complete(read.cancel(true)));
                NetTestSupport.await(() -> canceller.getState() == Thread.State.TIMED_WAITING || cancelled.isDone(),
                    "cancel() to request the cancel and wait for the call to settle");
                release.countDown();
                cancelReturned = cancelled.get(20, TimeUnit.SECONDS);
            }
            finally
            {
                release.countDown();
            }
            System.out.println("DeadlineAndCancelTest: completion thread '" + completionThread.get() + "' held; " +
                "cancel() of a read whose byte the server had already taken returned " + cancelReturned);
            if (cancelReturned)
            {
                assertTrue(read.isCancelled());
                final MemorySegment buf = arena.allocate(8);
                try
                {
                    final long n = pair.server().read(buf, Duration.ofSeconds(2));
                    assertEquals(1, n);
                    assertEquals((byte)'x', buf.get(ValueLayout.JAVA_BYTE, 0));
                }
                catch (final SyscallException ex)
                {
                    assertErrno(Errno.ETIMEDOUT, ex);
                    fail("cancel() returned true and the future reports cancelled, but the server had already read " +
                        "the byte into the call's buffer: the byte is lost to the application (the next read " +
                        "timed out)");
                }
            }
            else
            {
                assertEquals(1L, read.get(10, TimeUnit.SECONDS), "a cancel that failed leaves the result");
            }
            assertEquals(0, waiting(runtime));
        }
    }
}
