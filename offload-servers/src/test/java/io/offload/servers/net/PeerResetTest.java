package io.offload.servers.net;

import io.offload.api.Errno;
import io.offload.api.SyscallException;
import io.offload.api.Sockets;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.offload.servers.net.NetTestSupport.LOOPBACK;
import static io.offload.servers.net.NetTestSupport.assertErrno;
import static io.offload.servers.net.NetTestSupport.awaitWaiting;
import static io.offload.servers.net.NetTestSupport.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A peer that resets the connection (SO_LINGER 0, then close: RST): a pending read fails with ECONNRESET (Linux
 * reports the reset; end of stream, 0, is accepted as the other answer a kernel may give), writes fail with EPIPE
 * or ECONNRESET as a SyscallException, never a hang, never SIGPIPE. A closed port refuses with ECONNREFUSED.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PeerResetTest
{
    private static final Set<String> WRITE_ERRORS = Set.of("EPIPE", "ECONNRESET");

    @Test
    void pendingReadSeesTheReset() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared())
        {
            final MemorySegment buf = arena.allocate(64);
            final CompletableFuture<Long> read = NetTestSupport.onVirtualThread(() -> pair.server().read(buf));
            awaitWaiting(runtime, w -> w == 1, "the read to wait");
            reset(pair);
            try
            {
                final long n = read.get(30, TimeUnit.SECONDS);
                System.out.println("PeerResetTest: pending read after RST returned " + n);
                assertEquals(0, n, "a read after a reset either fails with ECONNRESET or sees end of stream");
            }
            catch (final ExecutionException ex)
            {
                final SyscallException failed = assertInstanceOf(SyscallException.class, ex.getCause());
                System.out.println("PeerResetTest: pending read after RST: " + failed.getMessage());
                assertErrno(Errno.ECONNRESET, failed);
            }
            assertEquals(0, waiting(runtime));
        }
    }

    @Test
    void writeToAResetConnectionFails() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofConfined())
        {
            reset(pair);
            final MemorySegment buf = arena.allocate(64 * 1024);
            final SyscallException first = writeUntilItFails(() -> pair.server().write(buf));
            System.out.println("PeerResetTest: Connection.write after RST: " + first.getMessage());
            assertTrue(WRITE_ERRORS.contains(first.errnoName()), first.getMessage());
            final SyscallException again = assertThrows(SyscallException.class, () -> pair.server().write(buf));
            System.out.println("PeerResetTest: Connection.write again: " + again.getMessage());
            assertTrue(WRITE_ERRORS.contains(again.errnoName()), again.getMessage());
            // plain write(2) through the Syscalls API has no MSG_NOSIGNAL: SIGPIPE must not take the JVM down
            final SyscallException plain =
                assertThrows(SyscallException.class, () -> runtime.syscalls().write(pair.server().fd(), buf));
            System.out.println("PeerResetTest: Syscalls.write(fd) after RST: " + plain.getMessage());
            assertErrno(Errno.EPIPE, plain);
            assertEquals(0, waiting(runtime));
        }
    }

    @Test
    void writeToAClosedPeerFailsWithoutSigpipe() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofConfined())
        {
            pair.peer().close(); // FIN; the peer's kernel answers our next data with RST
            final MemorySegment buf = arena.allocate(64 * 1024);
            final SyscallException failed = writeUntilItFails(() -> pair.server().write(buf));
            System.out.println("PeerResetTest: Connection.write to a closed peer: " + failed.getMessage());
            assertTrue(WRITE_ERRORS.contains(failed.errnoName()), failed.getMessage());
        }
    }

    /**
     * A write that waits (the peer reads nothing, so both socket buffers fill) when the peer resets: the write
     * must end with EPIPE or ECONNRESET. Connection.write promises "bytes written: all of them" and "throws if the
     * write fails": a short count would tell the caller it succeeded.
     */
    @Test
    void blockedWriteEndsWithAnErrorWhenThePeerResets() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared())
        {
            final MemorySegment big = arena.allocate(64L * 1024 * 1024);
            final CompletableFuture<Long> write = NetTestSupport.onVirtualThread(() -> pair.server().write(big));
            awaitWaiting(runtime, w -> w == 1, "the write to wait for the peer to read");
            reset(pair);
            try
            {
                final long n = write.get(30, TimeUnit.SECONDS);
                fail("a write of " + big.byteSize() + " bytes to a peer that reset returned " + n + " as if it had " +
                    "succeeded; Connection.write promises all bytes or a SyscallException (EPIPE, ECONNRESET)");
            }
            catch (final ExecutionException ex)
            {
                final SyscallException failed = assertInstanceOf(SyscallException.class, ex.getCause());
                System.out.println("PeerResetTest: blocked write after RST: " + failed.getMessage());
                assertTrue(WRITE_ERRORS.contains(failed.errnoName()), failed.getMessage());
            }
            assertEquals(0, waiting(runtime));
        }
    }

    @Test
    void connectToAClosedPortIsRefused() throws Exception
    {
        final int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK))
        {
            port = probe.getLocalPort(); // closed again below: nothing listens there
        }
        final InetSocketAddress closed = new InetSocketAddress(LOOPBACK, port);
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime())
        {
            refused("runtime", runtime.sockets(), closed);
            assertEquals(0, waiting(runtime));
        }
        refused("direct", DirectSyscalls.sockets(), closed);
    }

    private static void refused(final String how, final Sockets sockets, final InetSocketAddress closed)
    {
        final SyscallException failed = assertThrows(SyscallException.class, () -> sockets.connect(closed));
        System.out.println("PeerResetTest: " + how + " connect to " + closed + ": " + failed.getMessage());
        assertErrno(Errno.ECONNREFUSED, failed);
        final SyscallException timed =
            assertThrows(SyscallException.class, () -> sockets.connect(closed, Duration.ofSeconds(10)));
        assertErrno(Errno.ECONNREFUSED, timed);
    }

    /**
     * Abortive close of the peer: SO_LINGER on with 0 seconds makes close() send RST.
     */
    private static void reset(final NetTestSupport.Pair pair) throws Exception
    {
        pair.peer().setSoLinger(true, 0);
        pair.peer().close();
    }

    @FunctionalInterface
    private interface Write
    {
        long write() throws SyscallException;
    }

    /**
     * Write until the kernel reports the reset; a few writes may still be taken before it does.
     */
    private static SyscallException writeUntilItFails(final Write write)
    {
        for (int i = 0; i < 1_000; i++)
        {
            try
            {
                write.write();
            }
            catch (final SyscallException ex)
            {
                return ex;
            }
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                throw new AssertionError(ex);
            }
        }
        throw new AssertionError("1,000 writes to a reset connection all succeeded");
    }
}
