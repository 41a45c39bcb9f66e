package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.api.IoVector;
import io.offload.api.internal.MsgHdrDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.offload.api.LinuxConstants.AT_FDCWD;
import static io.offload.api.LinuxConstants.MSG_NOSIGNAL;
import static io.offload.api.LinuxConstants.O_CLOEXEC;
import static io.offload.api.LinuxConstants.O_RDONLY;
import static io.offload.api.LinuxConstants.SHUT_WR;
import static io.offload.api.LinuxConstants.SOCK_CLOEXEC;
import static io.offload.api.LinuxConstants.SOCK_STREAM;
import static io.offload.servers.uring.IoUringConstants.IORING_CQE_F_MORE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The network opcodes the later NETWORK executor needs, on real sockets: send, recv, sendmsg, recvmsg and shutdown
 * on a socketpair; connect and (multishot) accept over loopback TCP; splice from a file into a pipe.
 */
class IoUringNetworkTest
{
    @TempDir
    Path dir;

    private Arena arena;
    private IoUring ring;
    private final List<Integer> fds = new ArrayList<>();
    private final UringTests.Cqes cqes = new UringTests.Cqes();

    @BeforeEach
    void open()
    {
        UringTests.assumeIoUring();
        arena = Arena.ofConfined();
        ring = IoUring.open(16);
    }

    @AfterEach
    void closeAll()
    {
        for (final int fd : fds)
        {
            UringTests.close(fd);
        }
        if (ring != null)
        {
            ring.close();
        }
        if (arena != null)
        {
            arena.close();
        }
    }

    private int[] keep(final int... opened)
    {
        for (final int fd : opened)
        {
            fds.add(fd);
        }
        return opened;
    }

    private MemorySegment ascii(final String text)
    {
        return arena.allocateFrom(ValueLayout.JAVA_BYTE, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String ascii(final MemorySegment buf, final int length)
    {
        return new String(buf.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    @Test
    void sendRecvSendmsgRecvmsgShutdownOnASocketpair()
    {
        final int[] pair = keep(TestSockets.socketpair(arena, SOCK_STREAM | SOCK_CLOEXEC));
        final MemorySegment in = arena.allocate(64);

        // the recv is submitted first and waits; the send completes it
        ring.nextSqe().prepRecv(pair[1], in.address(), 64, 0).userData(1);
        ring.submitAndWait(0, 0, cqes);
        ring.nextSqe().prepSend(pair[0], ascii("ping").address(), 4, MSG_NOSIGNAL).userData(2);
        cqes.await(ring, 2);
        assertEquals(4, cqes.resOf(2));
        assertEquals(4, cqes.resOf(1));
        assertEquals("ping", ascii(in, 4));

        // sendmsg of two buffers, recvmsg into two others
        final IoVector out = IoVector.of(arena, ascii("gather"), ascii("ed"));
        final MemorySegment sendHdr = arena.allocate(MsgHdrDescriptor.LENGTH, 8);
        sendHdr.set(ValueLayout.JAVA_LONG, MsgHdrDescriptor.IOV_OFFSET, out.checkedAddress());
        sendHdr.set(ValueLayout.JAVA_LONG, MsgHdrDescriptor.IOVLEN_OFFSET, out.count());
        final MemorySegment a = arena.allocate(3);
        final MemorySegment b = arena.allocate(16);
        final IoVector scatter = IoVector.of(arena, a, b);
        final MemorySegment recvHdr = arena.allocate(MsgHdrDescriptor.LENGTH, 8);
        recvHdr.set(ValueLayout.JAVA_LONG, MsgHdrDescriptor.IOV_OFFSET, scatter.checkedAddress());
        recvHdr.set(ValueLayout.JAVA_LONG, MsgHdrDescriptor.IOVLEN_OFFSET, scatter.count());
        cqes.clear();
        ring.nextSqe().prepSendmsg(pair[0], sendHdr.address(), MSG_NOSIGNAL).userData(3);
        cqes.await(ring, 1);
        assertEquals(8, cqes.resOf(3));
        ring.nextSqe().prepRecvmsg(pair[1], recvHdr.address(), 0).userData(4);
        cqes.await(ring, 2);
        assertEquals(8, cqes.resOf(4));
        assertEquals("gat", ascii(a, 3));
        assertEquals("hered", ascii(b, 5));

        // shutdown of the writing side: the reader sees end of stream
        cqes.clear();
        ring.nextSqe().prepShutdown(pair[0], SHUT_WR).userData(5);
        ring.nextSqe().prepRecv(pair[1], in.address(), 64, 0).userData(6);
        cqes.await(ring, 2);
        assertEquals(0, cqes.resOf(5));
        assertEquals(0, cqes.resOf(6), "end of stream");
    }

    @Test
    void connectAndMultishotAcceptOverLoopback()
    {
        final int listener = keep(TestSockets.socket(arena, SOCK_STREAM | SOCK_CLOEXEC))[0];
        final MemorySegment address = arena.allocate(16, 8);
        TestSockets.listenOnLoopback(arena, listener, address);

        ring.nextSqe().prepAcceptMultishot(listener, 0L, 0L, SOCK_CLOEXEC).userData(100);
        ring.submitAndWait(0, 0, cqes);
        final int[] clients = new int[2];
        for (int i = 0; i < clients.length; i++)
        {
            clients[i] = keep(TestSockets.socket(arena, SOCK_STREAM | SOCK_CLOEXEC))[0];
            final int client = clients[i];
            ring.nextSqe().prepConnect(client, address.address(), 16).userData(200 + i);
        }
        cqes.await(ring, 4);
        assertEquals(0, cqes.resOf(200));
        assertEquals(0, cqes.resOf(201));
        final List<Integer> accepted = new ArrayList<>();
        for (int i = 0; i < cqes.size(); i++)
        {
            if (cqes.userData.get(i) == 100)
            {
                assertTrue(cqes.res.get(i) >= 0, "accept: " + Errno.name(-cqes.res.get(i)));
                assertTrue((cqes.flags.get(i) & IORING_CQE_F_MORE) != 0, "the multishot accept stays armed");
                accepted.add(cqes.res.get(i));
            }
        }
        assertEquals(2, accepted.size(), "one CQE per connection from one SQE");
        accepted.forEach(this::keep);

        // data across the first connection, and the accept ended by a cancel
        final MemorySegment in = arena.allocate(16);
        cqes.clear();
        // both clients send, so whichever peer accepted.get(0) is has data
        ring.nextSqe().prepSend(clients[0], ascii("tcp").address(), 3, MSG_NOSIGNAL).userData(1);
        ring.nextSqe().prepSend(clients[1], ascii("tcp").address(), 3, MSG_NOSIGNAL).userData(4);
        ring.nextSqe().prepAsyncCancel(100, 0).userData(2);
        cqes.await(ring, 4);
        assertEquals(3, cqes.resOf(1));
        assertEquals(3, cqes.resOf(4));
        assertEquals(0, cqes.resOf(2));
        assertEquals(-Errno.ECANCELED, cqes.resOf(100));
        cqes.clear();
        ring.nextSqe().prepRecv(accepted.get(0), in.address(), 16, 0).userData(3);
        cqes.await(ring, 1);
        assertEquals(3, cqes.resOf(3));
        assertEquals("tcp", ascii(in, 3));
    }

    @Test
    void spliceFromAFileIntoAPipe() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("splice"), "spliced bytes");
        final int[] pipe = keep(UringTests.pipe(arena));
        ring.nextSqe().prepOpenat(AT_FDCWD, UringTests.cString(arena, file.toString()), O_RDONLY | O_CLOEXEC, 0)
            .userData(1);
        final int fd = cqes.await(ring, 1).resOf(1);
        assertTrue(fd >= 0);
        keep(fd);
        cqes.clear();
        ring.nextSqe().prepSplice(fd, 8, pipe[1], -1, 5, 0).userData(2);
        assertEquals(5, cqes.await(ring, 1).resOf(2));
        final MemorySegment out = arena.allocate(16);
        ring.nextSqe().prepRead(pipe[0], out.address(), 16, -1).userData(3);
        assertEquals(5, cqes.await(ring, 2).resOf(3));
        assertEquals("bytes", ascii(out, 5));
    }
}
