package io.offload.servers.agent;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.internal.SocketAddresses;
import io.offload.api.Syscall;
import io.offload.servers.libc.FdPairs;
import io.offload.servers.libc.LibC;
import io.offload.servers.libc.SyscallDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_DONE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The socket calls of the socket API (accept4, connect, recvfrom, sendto, shutdown, close) in a hand-driven server,
 * on both executors, with the same answers: on the syscall executor they wait in its epoll reactor; on the io_uring
 * executor they are requests in its ring, which wait in the kernel (io_uring arms its own poll on a socket that has
 * nothing to read, whatever its O_NONBLOCK) and never reach the fallback. A recv with nothing to read, a close of its
 * fd while it waits (EBADF, then the close), its deadline (ETIMEDOUT, on io_uring only after the cancel's CQE), a
 * peer's reset (ECONNRESET), EOF, and a thousand connections echoed at once with every byte checked.
 */
@ParameterizedClass
@EnumSource(ExecutorKind.class)
@Timeout(120)
class SocketCallsOnExecutorsTest
{
    private final HandDriven hand;
    private final List<Integer> fds = new ArrayList<>();
    private final MemorySegment capture = LibC.allocateCaptureState(Arena.ofAuto()); // outlives the harness's arena

    SocketCallsOnExecutorsTest(final ExecutorKind kind)
    {
        hand = new HandDriven(kind, 2048);
    }

    @BeforeEach
    void assumeAvailable()
    {
        hand.kind.assumeAvailable();
    }

    @AfterEach
    void close()
    {
        hand.close(); // stops the servers first: nothing of theirs is in the kernel when the fds close
        closeTestFds();
    }

    /** Cycle {@code server} until {@code handle} is DONE (on io_uring sleeping in its ring between cycles). */
    private void until(final SyscallServer server, final int handle)
    {
        final long giveUp = System.nanoTime() + HandDriven.LIVENESS_NANOS;
        server.doWork();
        while (hand.status(handle) != STATUS_DONE)
        {
            assertTrue(System.nanoTime() - giveUp < 0, "handle " + handle + " not done within the liveness bound");
            if (uring())
            {
                server.sleep();
            }
            else
            {
                Thread.onSpinWait();
            }
            server.doWork();
        }
    }

    private boolean uring()
    {
        return hand.kind == ExecutorKind.IO_URING;
    }

    private int[] socketPair()
    {
        final MemorySegment out = hand.arena.allocate(8, 4);
        assertEquals(0, FdPairs.socketpair(hand.capture, HandDriven.AF_UNIX,
            LinuxConstants.SOCK_STREAM | LinuxConstants.SOCK_NONBLOCK | LinuxConstants.SOCK_CLOEXEC, out));
        final int[] pair = {FdPairs.fd(out, 0), FdPairs.fd(out, 1)};
        fds.add(pair[0]);
        fds.add(pair[1]);
        return pair;
    }

    private long direct(final Syscall call, final long... args)
    {
        final long[] a = Arrays.copyOf(args, 6);
        return SyscallDispatcher.execute(hand.capture, call.op(), a[0], a[1], a[2], a[3], a[4], a[5]);
    }

    private int tcpSocket()
    {
        final int fd = (int)direct(Syscall.SOCKET, LinuxConstants.AF_INET,
            LinuxConstants.SOCK_STREAM | LinuxConstants.SOCK_NONBLOCK | LinuxConstants.SOCK_CLOEXEC, 0);
        assertTrue(fd >= 0, "socket: " + fd);
        fds.add(fd);
        return fd;
    }

    /** @return a listening TCP socket on 127.0.0.1 and its address (sockaddr, length) in native memory. */
    private int listener(final MemorySegment sockaddr, final int[] length) throws Exception
    {
        final int fd = tcpSocket();
        length[0] = SocketAddresses.encode(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), sockaddr);
        assertEquals(0, direct(Syscall.BIND, fd, sockaddr.address(), length[0]));
        assertEquals(0, direct(Syscall.LISTEN, fd, 1024));
        final MemorySegment len = hand.arena.allocate(4, 4);
        len.set(ValueLayout.JAVA_INT, 0, (int)sockaddr.byteSize());
        assertEquals(0, direct(Syscall.GETSOCKNAME, fd, sockaddr.address(), len.address()));
        return fd;
    }

    /** Forget an fd a call of the test closed (its number may be reused). */
    private void closedByTheTest(final int fd)
    {
        fds.remove((Integer)fd);
    }

    /** @return a connected TCP pair through the server: {client, accepted}. */
    private int[] tcpPair(final SyscallServer server) throws Exception
    {
        final MemorySegment sockaddr = SocketAddresses.allocateStorage(hand.arena);
        final int[] length = new int[1];
        final int listen = listener(sockaddr, length);
        final int accept = hand.submit(server, Syscall.ACCEPT4, 0, listen, 0, 0, 0);
        server.doWork();
        assertNotEquals(STATUS_DONE, hand.status(accept), "no peer yet: the accept waits");
        final int client = tcpSocket();
        final int connect = hand.submit(server, Syscall.CONNECT, 0, client, sockaddr.address(), length[0]);
        until(server, connect);
        until(server, accept);
        assertEquals(0, hand.take(connect), "connect");
        final int accepted = (int)hand.take(accept);
        assertTrue(accepted >= 0, "accept: " + accepted);
        fds.add(accepted);
        return new int[] {client, accepted};
    }

    private void assertNothingFellBack(final SyscallServer server)
    {
        if (uring())
        {
            assertEquals(0, server.executorStats().fallbackCalls(), "every socket call went through the ring");
        }
    }

    @Test
    void aRecvWithNothingToReadWaitsAndCompletesWithWhatArrivesAndASendSendsIt()
    {
        final SyscallServer server = hand.started();
        final int[] pair = socketPair();
        final MemorySegment buf = hand.arena.allocate(16);
        final int recv = hand.submit(server, Syscall.RECVFROM, 0, pair[0], buf.address(), 16, 0, 0, 0);
        hand.cycle(3);
        assertNotEquals(STATUS_DONE, hand.status(recv), "nothing to read: it waits");
        if (uring())
        {
            assertEquals(1, server.executorStats().inKernel(), "it waits in the kernel, not in the fallback's reactor");
        }
        assertEquals(5, hand.write(pair[1], "hello".getBytes()));
        until(server, recv);
        assertEquals(5, hand.take(recv));
        assertEquals("hello", new String(buf.asSlice(0, 5).toArray(ValueLayout.JAVA_BYTE)));

        final MemorySegment out = hand.arena.allocateFrom("world");
        final int send = hand.submit(server, Syscall.SENDTO, 0, pair[0], out.address(), 5, 0, 0, 0);
        until(server, send);
        assertEquals(5, hand.take(send));
        final MemorySegment in = hand.arena.allocate(16);
        assertEquals(5, direct(Syscall.READ, pair[1], in.address(), 16));
        assertEquals("world", new String(in.asSlice(0, 5).toArray(ValueLayout.JAVA_BYTE)));

        final int shutdown = hand.submit(server, Syscall.SHUTDOWN, 0, pair[1], LinuxConstants.SHUT_WR);
        until(server, shutdown);
        assertEquals(0, hand.take(shutdown));
        final int eof = hand.submit(server, Syscall.RECVFROM, 0, pair[0], buf.address(), 16, 0, 0, 0);
        until(server, eof);
        assertEquals(0, hand.take(eof), "EOF");
        assertNothingFellBack(server);
        assertTrue(hand.errors.isEmpty(), hand.errors.toString());
    }

    @Test
    void acceptAndConnectOverLoopbackThenAnEchoAndAPeerResetMidTransfer() throws Exception
    {
        final SyscallServer server = hand.started();
        final int[] tcp = tcpPair(server);
        final MemorySegment out = hand.arena.allocateFrom("ping");
        final int send = hand.submit(server, Syscall.SENDTO, 0, tcp[0], out.address(), 4, 0, 0, 0);
        until(server, send);
        assertEquals(4, hand.take(send));
        final MemorySegment buf = hand.arena.allocate(64);
        final int recv = hand.submit(server, Syscall.RECVFROM, 0, tcp[1], buf.address(), 4, 0, 0, 0);
        until(server, recv);
        assertEquals(4, hand.take(recv));

        // a recv waits; the peer resets the connection (SO_LINGER 0, close): it ends with ECONNRESET
        final int waiting = hand.submit(server, Syscall.RECVFROM, 0, tcp[1], buf.address(), 64, 0, 0, 0);
        hand.cycle(3);
        assertNotEquals(STATUS_DONE, hand.status(waiting));
        final MemorySegment linger = hand.arena.allocate(8, 4);
        linger.set(ValueLayout.JAVA_INT, 0, 1);
        linger.set(ValueLayout.JAVA_INT, 4, 0);
        assertEquals(0, direct(Syscall.SETSOCKOPT, tcp[0], LinuxConstants.SOL_SOCKET, LinuxConstants.SO_LINGER,
            linger.address(), 8));
        closedByTheTest(tcp[0]);
        assertEquals(0, direct(Syscall.CLOSE, tcp[0]));
        until(server, waiting);
        assertEquals(-Errno.ECONNRESET, hand.take(waiting));
        assertNothingFellBack(server);
        assertTrue(hand.errors.isEmpty(), hand.errors.toString());
    }

    @Test
    void aCloseOfAnFdWithARecvWaitingEndsTheRecvWithEbadfAndCloses()
    {
        final SyscallServer server = hand.started();
        final int[] pair = socketPair();
        final MemorySegment buf = hand.arena.allocate(16);
        final int recv = hand.submit(server, Syscall.RECVFROM, 0, pair[0], buf.address(), 16, 0, 0, 0);
        hand.cycle(3);
        assertNotEquals(STATUS_DONE, hand.status(recv));
        final int close = hand.submit(server, Syscall.CLOSE, 0, pair[0]);
        closedByTheTest(pair[0]);
        until(server, close);
        until(server, recv);
        assertEquals(0, hand.take(close));
        assertEquals(-Errno.EBADF, hand.take(recv));
        // the number is closed: a direct call on it says so (nothing else opened one since)
        assertEquals(-Errno.EBADF, direct(Syscall.CLOSE, pair[0]));
        if (uring())
        {
            assertEquals(0, server.executorStats().inKernel());
        }
        assertNothingFellBack(server);
        assertTrue(hand.errors.isEmpty(), hand.errors.toString());
    }

    @Test
    void aDeadlineOfARecvWaitingEndsItWithEtimedout()
    {
        final SyscallServer server = hand.started();
        final int[] pair = socketPair();
        final long deadline = hand.clock.nanoTime() + 5_000_000L;
        final int recv = hand.submit(server, Syscall.RECVFROM, deadline, pair[0],
            hand.arena.allocate(16).address(), 16, 0, 0, 0);
        hand.clock.update(deadline - 1);
        hand.cycle(5);
        assertNotEquals(STATUS_DONE, hand.status(recv), "one nanosecond early");
        hand.clock.update(deadline);
        until(server, recv);
        assertEquals(-Errno.ETIMEDOUT, hand.take(recv));
        if (uring())
        {
            // completed on its own CQE, after the ASYNC_CANCEL: nothing of it is left in the kernel
            assertEquals(0, server.executorStats().inKernel());
        }
        // the socket still works
        final MemorySegment buf = hand.arena.allocate(16);
        final int again = hand.submit(server, Syscall.RECVFROM, 0, pair[0], buf.address(), 16, 0, 0, 0);
        assertEquals(2, hand.write(pair[1], "ok".getBytes()));
        until(server, again);
        assertEquals(2, hand.take(again));
        assertNothingFellBack(server);
    }

    @Test
    void aCancelOfARecvWaitingEndsItWithEcanceled()
    {
        final SyscallServer server = hand.started();
        final int[] pair = socketPair();
        final int recv = hand.submit(server, Syscall.RECVFROM, 0, pair[0], hand.arena.allocate(16).address(), 16, 0,
            0, 0);
        hand.cycle(3);
        hand.cancel(recv, server);
        until(server, recv);
        assertEquals(-Errno.ECANCELED, hand.take(recv));
        assertNothingFellBack(server);
    }

    @Test
    void aStoppingServerSettlesItsWaitingSocketCalls() throws Exception
    {
        final SyscallServer server = hand.started();
        final int[] pair = socketPair();
        final int recv = hand.submit(server, Syscall.RECVFROM, 0, pair[0], hand.arena.allocate(16).address(), 16, 0,
            0, 0);
        final MemorySegment sockaddr = SocketAddresses.allocateStorage(hand.arena);
        final int listen = listener(sockaddr, new int[1]);
        final int accept = hand.submit(server, Syscall.ACCEPT4, 0, listen, 0, 0, 0);
        hand.cycle(3);
        server.expectStop();
        server.onClose();
        assertEquals(-Errno.ECANCELED, hand.take(recv));
        assertEquals(-Errno.ECANCELED, hand.take(accept));
        assertTrue(hand.errors.isEmpty(), hand.errors.toString());
    }

    /**
     * A thousand connections (AF_UNIX stream pairs: two thousand fds) each with a recv waiting at once, more than the
     * io_uring executor's in-flight bound (the rest wait for a slot); each peer sends its own random bytes, each recv
     * gets exactly its own, the server sends them back and every peer reads back what it sent.
     */
    @Test
    void aThousandConnectionsEchoWithNoLostByte()
    {
        final int connections = 1000;
        final int size = 512;
        final SyscallServer server = hand.started();
        final Random random = new Random(13);
        final int[][] pairs = new int[connections][];
        final MemorySegment[] bufs = new MemorySegment[connections];
        final byte[][] sent = new byte[connections][size];
        for (int i = 0; i < connections; i++)
        {
            pairs[i] = socketPair();
            bufs[i] = hand.arena.allocate(size);
        }
        final int[] recvs = new int[connections];
        for (int i = 0; i < connections; i++)
        {
            recvs[i] = hand.submit(server, Syscall.RECVFROM, 0, pairs[i][0], bufs[i].address(), size, 0, 0, 0);
            if (i % 8 == 7)
            {
                server.doWork(); // the ring holds 64, a cycle drains 16: the server drains it as callers' calls would be
            }
        }
        hand.cycle(3);
        for (int i = 0; i < connections; i++)
        {
            random.nextBytes(sent[i]);
            assertEquals(size, hand.write(pairs[i][1], sent[i]));
        }
        final int[] sends = new int[connections];
        for (int i = 0; i < connections; i++)
        {
            until(server, recvs[i]);
            long got = hand.take(recvs[i]);
            assertTrue(got > 0, "recv " + i + ": " + got);
            // a stream may split a write: the rest comes with another recv
            while (got < size)
            {
                final int more = hand.submit(server, Syscall.RECVFROM, 0, pairs[i][0], bufs[i].address() + got,
                    size - got, 0, 0, 0);
                until(server, more);
                final long n = hand.take(more);
                assertTrue(n > 0, "recv " + i + " more: " + n);
                got += n;
            }
            assertArrayEquals(sent[i], bufs[i].toArray(ValueLayout.JAVA_BYTE), "connection " + i);
            sends[i] = hand.submit(server, Syscall.SENDTO, 0, pairs[i][0], bufs[i].address(), size, 0, 0, 0);
            if (i % 8 == 7)
            {
                server.doWork();
            }
        }
        final MemorySegment back = hand.arena.allocate(size);
        for (int i = 0; i < connections; i++)
        {
            until(server, sends[i]);
            assertEquals(size, hand.take(sends[i]));
            long got = 0;
            while (got < size)
            {
                final long n = direct(Syscall.READ, pairs[i][1], back.address() + got, size - got);
                assertTrue(n > 0, "read back " + i + ": " + n);
                got += n;
            }
            assertArrayEquals(sent[i], back.toArray(ValueLayout.JAVA_BYTE), "echo " + i);
        }
        assertNothingFellBack(server);
        if (uring())
        {
            assertEquals(0, server.executorStats().inKernel());
        }
        assertTrue(hand.errors.isEmpty(), hand.errors.toString());
    }

    /**
     * Idle connections (a recv each, no data ever) never hold up the calls behind them: more of them than the io_uring
     * executor's in-flight bound of file calls (256), and still a file call and another connection's recv complete.
     */
    @Test
    void idleConnectionsNeverHoldUpFileCallsOrOtherConnections()
    {
        final int idle = 300;
        final SyscallServer server = hand.started();
        final MemorySegment buf = hand.arena.allocate(16);
        final int[] recvs = new int[idle];
        for (int i = 0; i < idle; i++)
        {
            final int[] pair = socketPair();
            recvs[i] = hand.submit(server, Syscall.RECVFROM, 0, pair[0], buf.address(), 16, 0, 0, 0);
            if (i % 8 == 7)
            {
                server.doWork();
            }
        }
        hand.cycle(3);
        final int[] live = socketPair();
        final MemorySegment liveBuf = hand.arena.allocate(16);
        final int recv = hand.submit(server, Syscall.RECVFROM, 0, live[0], liveBuf.address(), 16, 0, 0, 0);
        final int open = hand.submit(server, Syscall.OPENAT, 0, LinuxConstants.AT_FDCWD,
            hand.arena.allocateFrom("/dev/null").address(), LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC, 0);
        until(server, open);
        final long fd = hand.take(open);
        assertTrue(fd >= 0, "open: " + fd);
        fds.add((int)fd);
        assertEquals(3, hand.write(live[1], "hey".getBytes()));
        until(server, recv);
        assertEquals(3, hand.take(recv));
        for (final int r : recvs)
        {
            assertNotEquals(STATUS_DONE, hand.status(r), "no data: still waiting");
        }
        assertNothingFellBack(server);
        server.expectStop();
        server.onClose();
        for (final int r : recvs)
        {
            assertEquals(-Errno.ECANCELED, hand.take(r));
        }
    }

    /** A server that stops leaves no fd of its own open: its ring, its eventfd, its fallback's epoll fd. */
    @Test
    void aStoppedServerLeavesNoFdOpen() throws Exception
    {
        serveAndStop(); // the first round loads what the JVM loads once
        final long before = openFds();
        serveAndStop();
        assertEquals(before, openFds(), "fds open before the server started and after it stopped");
    }

    private void serveAndStop() throws Exception
    {
        final SyscallServer server = hand.started();
        final int[] tcp = tcpPair(server);
        final MemorySegment buf = hand.arena.allocate(16);
        final int recv = hand.submit(server, Syscall.RECVFROM, 0, tcp[1], buf.address(), 16, 0, 0, 0);
        hand.cycle(3);
        server.expectStop();
        server.onClose();
        assertEquals(-Errno.ECANCELED, hand.take(recv));
        for (final int fd : tcp)
        {
            closedByTheTest(fd);
            assertEquals(0, direct(Syscall.CLOSE, fd));
        }
        closeTestFds();
    }

    private void closeTestFds()
    {
        for (final int fd : fds)
        {
            SyscallDispatcher.execute(capture, Syscall.CLOSE.op(), fd, 0, 0, 0, 0, 0);
        }
        fds.clear();
    }

    private static long openFds() throws java.io.IOException
    {
        try (var list = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd")))
        {
            return list.count();
        }
    }
}
