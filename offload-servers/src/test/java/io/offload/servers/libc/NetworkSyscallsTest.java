package io.offload.servers.libc;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.internal.MsgHdrDescriptor;
import io.offload.api.internal.SocketAddresses;
import io.offload.api.Syscall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.offload.api.LinuxConstants.AF_INET;
import static io.offload.api.LinuxConstants.AT_FDCWD;
import static io.offload.api.LinuxConstants.MSG_DONTWAIT;
import static io.offload.api.LinuxConstants.MSG_NOSIGNAL;
import static io.offload.api.LinuxConstants.O_CLOEXEC;
import static io.offload.api.LinuxConstants.O_RDONLY;
import static io.offload.api.LinuxConstants.SOCK_CLOEXEC;
import static io.offload.api.LinuxConstants.SOCK_DGRAM;
import static io.offload.api.LinuxConstants.SOCK_NONBLOCK;
import static io.offload.api.LinuxConstants.SOL_SOCKET;
import static io.offload.api.LinuxConstants.SO_ERROR;
import static io.offload.api.LinuxConstants.SO_REUSEADDR;
import static io.offload.servers.libc.SocketCalls.describe;
import static io.offload.servers.libc.SocketCalls.loopback4;
import static io.offload.servers.libc.SocketCalls.retry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NETWORK calls through {@link SyscallDispatcher}, on the test thread, over loopback: every argument reaches
 * libc in the right place (a swapped pointer or length shows up as -EFAULT, -EINVAL or wrong bytes), and errno comes
 * back as a negative result.
 */
class NetworkSyscallsTest
{
    private final SocketCalls sys = new SocketCalls();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll()
    {
        sys.close();
    }

    @Test
    void networkCallsAreAppendedInTheNetworkClass()
    {
        assertEquals(Syscall.RENAMEAT.op() + 1, Syscall.SOCKET.op(), "new calls go after the last FILE call");
        assertEquals(Syscall.SENDFILE.op() + 1, Syscall.READLINKAT.op(), "calls added later go after SENDFILE");
        // every op keeps its number (it is written into entries): calls added since READLINKAT come after it
        assertEquals(37, Syscall.READLINKAT.op());
        assertTrue(Syscall.count() - 1 >= Syscall.READLINKAT.op());
        for (int op = Syscall.SOCKET.op(); op <= Syscall.SENDFILE.op(); op++)
        {
            assertEquals(io.offload.api.SyscallClass.NETWORK, Syscall.fromOp(op).syscallClass(), Syscall.fromOp(op)
                .name());
        }
        assertEquals("accept4", Syscall.ACCEPT4.cName());
    }

    @Test
    void tcpOverLoopback() throws Exception
    {
        // socket, setsockopt, getsockopt, bind, listen, getsockname
        final int listener = sys.tcpSocket();
        final MemorySegment one = sys.arena.allocate(ValueLayout.JAVA_INT);
        one.set(ValueLayout.JAVA_INT, 0, 1);
        assertEquals(0, sys.call(Syscall.SETSOCKOPT, listener, SOL_SOCKET, SO_REUSEADDR, one.address(), 4));
        final MemorySegment value = sys.arena.allocate(ValueLayout.JAVA_INT);
        final MemorySegment valueLength = sys.socklen(4);
        assertEquals(0, sys.call(
            Syscall.GETSOCKOPT, listener, SOL_SOCKET, SO_REUSEADDR, value.address(), valueLength.address()));
        assertNotEquals(0, value.get(ValueLayout.JAVA_INT, 0), "SO_REUSEADDR reads back set");
        assertEquals(4, valueLength.get(ValueLayout.JAVA_INT, 0));

        final MemorySegment sockaddr = SocketAddresses.allocateStorage(sys.arena);
        final int sockaddrLength = SocketAddresses.encode(new InetSocketAddress(loopback4(), 0), sockaddr);
        assertEquals(SocketAddresses.SOCKADDR_IN_SIZE, sockaddrLength);
        assertEquals(0, sys.call(Syscall.BIND, listener, sockaddr.address(), sockaddrLength));
        assertEquals(0, sys.call(Syscall.LISTEN, listener, 16));
        final InetSocketAddress listening = sys.localAddress(listener);
        assertEquals(loopback4(), listening.getAddress());
        assertNotEquals(0, listening.getPort(), "bind to port 0 picks an ephemeral port");

        // accept4 with nobody connecting: a non-blocking listener says would-block
        final int acceptFlags = SOCK_NONBLOCK | SOCK_CLOEXEC;
        assertEquals(-Errno.EAGAIN, sys.call(Syscall.ACCEPT4, listener, 0, 0, acceptFlags));

        // connect, accept4 with the peer's address
        final int client = sys.tcpSocket();
        final int listeningLength = SocketAddresses.encode(listening, sockaddr);
        final long connected = sys.call(Syscall.CONNECT, client, sockaddr.address(), listeningLength);
        assertTrue(connected == 0 || connected == -Errno.EINPROGRESS, () -> "connect: " + describe(connected));
        final MemorySegment peer = SocketAddresses.allocateStorage(sys.arena);
        final MemorySegment peerLength = sys.socklen(SocketAddresses.SOCKADDR_STORAGE_SIZE);
        final int server = sys.fd(retry(
            "accept4", () -> sys.call(Syscall.ACCEPT4, listener, peer.address(), peerLength.address(), acceptFlags),
            0));
        final InetSocketAddress clientLocal = sys.localAddress(client);
        assertEquals(clientLocal, SocketAddresses.decode(peer, peerLength.get(ValueLayout.JAVA_INT, 0)));

        // getpeername on the client, once its connect has finished; SO_ERROR says it went well
        final MemorySegment peerOfClient = SocketAddresses.allocateStorage(sys.arena);
        final MemorySegment peerOfClientLength = sys.socklen(SocketAddresses.SOCKADDR_STORAGE_SIZE);
        assertEquals(0, retry("getpeername", () -> sys.call(
            Syscall.GETPEERNAME, client, peerOfClient.address(), peerOfClientLength.address()), Errno.ENOTCONN));
        assertEquals(listening, SocketAddresses.decode(peerOfClient, peerOfClientLength.get(ValueLayout.JAVA_INT, 0)));
        valueLength.set(ValueLayout.JAVA_INT, 0, 4);
        assertEquals(0, sys.call(Syscall.GETSOCKOPT, client, SOL_SOCKET, SO_ERROR, value.address(),
            valueLength.address()));
        assertEquals(0, value.get(ValueLayout.JAVA_INT, 0), "SO_ERROR after connect");

        // sendto / recvfrom, no addresses on a connected stream
        final byte[] hello = "hello over loopback".getBytes(StandardCharsets.US_ASCII);
        final MemorySegment out = sys.arena.allocateFrom(ValueLayout.JAVA_BYTE, hello);
        assertEquals(hello.length, sys.call(Syscall.SENDTO, client, out.address(), hello.length, MSG_NOSIGNAL, 0, 0));
        final MemorySegment from = SocketAddresses.allocateStorage(sys.arena);
        final MemorySegment fromLength = sys.socklen(SocketAddresses.SOCKADDR_STORAGE_SIZE);
        assertArrayEquals(hello, receive(server, hello.length, from, fromLength));

        // sendmsg / recvmsg with one iovec
        final byte[] message = "a message in one iovec".getBytes(StandardCharsets.US_ASCII);
        final MemorySegment messageOut = sys.arena.allocateFrom(ValueLayout.JAVA_BYTE, message);
        final MemorySegment sendHeader = msghdr(messageOut, message.length);
        assertEquals(message.length, sys.call(Syscall.SENDMSG, server, sendHeader.address(), MSG_NOSIGNAL));
        final MemorySegment messageIn = sys.arena.allocate(256);
        final MemorySegment receiveHeader = msghdr(messageIn, messageIn.byteSize());
        final long received = retry("recvmsg", () -> sys.call(Syscall.RECVMSG, client, receiveHeader.address(), 0), 0);
        assertEquals(message.length, received, () -> "recvmsg: " + describe(received));
        assertArrayEquals(message, messageIn.asSlice(0, received).toArray(ValueLayout.JAVA_BYTE));
        assertEquals(0, receiveHeader.get(ValueLayout.JAVA_INT, MsgHdrDescriptor.FLAGS_OFFSET), "msg_flags");

        // sendfile from a file, with an offset pointer (the file position stays), then with NULL (it moves)
        final byte[] content = new byte[20_000];
        for (int i = 0; i < content.length; i++)
        {
            content[i] = (byte)(i * 31 + 7);
        }
        final Path file = Files.write(dir.resolve("payload.bin"), content);
        final MemorySegment path = sys.arena.allocateFrom(file.toString());
        final int fileFd = sys.fd(sys.call(Syscall.OPENAT, AT_FDCWD, path.address(), O_RDONLY | O_CLOEXEC, 0));
        final MemorySegment offset = sys.arena.allocate(ValueLayout.JAVA_LONG);
        while (offset.get(ValueLayout.JAVA_LONG, 0) < content.length)
        {
            final long remaining = content.length - offset.get(ValueLayout.JAVA_LONG, 0);
            final long sent = retry("sendfile", () -> sys.call(
                Syscall.SENDFILE, client, fileFd, offset.address(), remaining), 0);
            assertTrue(sent > 0, () -> "sendfile: " + describe(sent));
        }
        assertEquals(content.length, offset.get(ValueLayout.JAVA_LONG, 0), "sendfile advanced *offset");
        assertArrayEquals(content, receive(server, content.length, from, fromLength));
        assertEquals(100, sys.call(Syscall.SENDFILE, client, fileFd, 0, 100), "sendfile with a NULL offset");
        assertArrayEquals(Arrays.copyOf(content, 100), receive(server, 100, from, fromLength));
        assertEquals(100, sys.call(Syscall.LSEEK, fileFd, 0, LinuxConstants.SEEK_CUR), "NULL offset moved the file");

        // shutdown(SHUT_WR): the peer reads end of stream
        assertEquals(0, sys.call(Syscall.SHUTDOWN, client, LinuxConstants.SHUT_WR));
        final MemorySegment buf = sys.arena.allocate(16);
        assertEquals(0, retry("recvfrom after shutdown", () -> sys.call(
            Syscall.RECVFROM, server, buf.address(), buf.byteSize(), 0, 0, 0), 0));

        sys.closeNow(fileFd);
        sys.closeNow(server);
        sys.closeNow(client);
        sys.closeNow(listener);
        assertEquals(-Errno.EBADF, sys.call(Syscall.CLOSE, listener), "a closed fd is gone");
    }

    @Test
    void udpSendtoAndRecvfromCarryAddresses()
    {
        final int a = sys.fd(sys.call(Syscall.SOCKET, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        final int b = sys.fd(sys.call(Syscall.SOCKET, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        final MemorySegment sockaddr = SocketAddresses.allocateStorage(sys.arena);
        final int length = SocketAddresses.encode(new InetSocketAddress(loopback4(), 0), sockaddr);
        assertEquals(0, sys.call(Syscall.BIND, a, sockaddr.address(), length));
        assertEquals(0, sys.call(Syscall.BIND, b, sockaddr.address(), length));
        final InetSocketAddress addressOfA = sys.localAddress(a);
        final InetSocketAddress addressOfB = sys.localAddress(b);

        final byte[] datagram = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        final MemorySegment out = sys.arena.allocateFrom(ValueLayout.JAVA_BYTE, datagram);
        final MemorySegment to = SocketAddresses.allocateStorage(sys.arena);
        final int toLength = SocketAddresses.encode(addressOfB, to);
        assertEquals(datagram.length, sys.call(Syscall.SENDTO, a, out.address(), datagram.length, 0, to.address(),
            toLength), "sendto with a destination: the sixth argument is its length");

        final MemorySegment in = sys.arena.allocate(64);
        final MemorySegment from = SocketAddresses.allocateStorage(sys.arena);
        final MemorySegment fromLength = sys.socklen(SocketAddresses.SOCKADDR_STORAGE_SIZE);
        final long received = retry("recvfrom", () -> sys.call(
            Syscall.RECVFROM, b, in.address(), in.byteSize(), MSG_DONTWAIT, from.address(), fromLength.address()), 0);
        assertEquals(datagram.length, received, () -> "recvfrom: " + describe(received));
        assertArrayEquals(datagram, in.asSlice(0, received).toArray(ValueLayout.JAVA_BYTE));
        assertEquals(SocketAddresses.SOCKADDR_IN_SIZE, fromLength.get(ValueLayout.JAVA_INT, 0));
        assertEquals(addressOfA, SocketAddresses.decode(from, fromLength.get(ValueLayout.JAVA_INT, 0)));
    }

    @Test
    void errorsComeBackAsNegativeErrno()
    {
        assertEquals(-Errno.EBADF, sys.call(Syscall.LISTEN, -1, 1));
        assertEquals(-Errno.EBADF, sys.call(Syscall.SHUTDOWN, 12_345, LinuxConstants.SHUT_RDWR));
        final long badType = sys.call(Syscall.SOCKET, AF_INET, 0x7f, 0);
        assertEquals(-Errno.EINVAL, badType, () -> "socket with a bad type: " + describe(badType));

        // a socket call on an fd that is not a socket
        final int eventfd = sys.fd(Epoll.eventfd(sys.capture, 0, Epoll.EVENTFD_FLAGS));
        assertEquals(-Errno.ENOTSOCK, sys.call(Syscall.LISTEN, eventfd, 1));

        // a connected-only call on a socket that is not connected
        final int socket = sys.tcpSocket();
        final MemorySegment storage = SocketAddresses.allocateStorage(sys.arena);
        final MemorySegment length = sys.socklen(SocketAddresses.SOCKADDR_STORAGE_SIZE);
        assertEquals(-Errno.ENOTCONN, sys.call(Syscall.GETPEERNAME, socket, storage.address(), length.address()));
        final MemorySegment buf = sys.arena.allocate(8);
        assertEquals(-Errno.EPIPE, sys.call(Syscall.SENDTO, socket, buf.address(), 8, MSG_NOSIGNAL, 0, 0),
            "send on an unconnected stream, without SIGPIPE");
    }

    /**
     * @return bytes read from {@code fd} until {@code length} came, via recvfrom with address arguments (which a
     *         stream socket leaves empty).
     */
    private byte[] receive(final int fd, final int length, final MemorySegment from, final MemorySegment fromLength)
    {
        final MemorySegment in = sys.arena.allocate(length);
        long got = 0;
        while (got < length)
        {
            final long at = got;
            fromLength.set(ValueLayout.JAVA_INT, 0, SocketAddresses.SOCKADDR_STORAGE_SIZE);
            final long n = retry("recvfrom", () -> sys.call(
                Syscall.RECVFROM, fd, in.address() + at, length - at, 0, from.address(), fromLength.address()), 0);
            assertTrue(n > 0, () -> "recvfrom: " + describe(n) + " after " + at + " of " + length + " bytes");
            got += n;
        }
        return in.toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * @return a msghdr with no name, no control data and one iovec over the first {@code length} bytes of buf.
     */
    private MemorySegment msghdr(final MemorySegment buf, final long length)
    {
        final MemorySegment iov = sys.arena.allocate(16, 8);
        iov.set(ValueLayout.JAVA_LONG, 0, buf.address());
        iov.set(ValueLayout.JAVA_LONG, 8, length);
        final MemorySegment header = sys.arena.allocate(MsgHdrDescriptor.LENGTH, 8);
        header.set(ValueLayout.JAVA_LONG, MsgHdrDescriptor.NAME_OFFSET, 0);
        header.set(ValueLayout.JAVA_INT, MsgHdrDescriptor.NAMELEN_OFFSET, 0);
        header.set(ValueLayout.JAVA_LONG, MsgHdrDescriptor.IOV_OFFSET, iov.address());
        header.set(ValueLayout.JAVA_LONG, MsgHdrDescriptor.IOVLEN_OFFSET, 1);
        header.set(ValueLayout.JAVA_LONG, MsgHdrDescriptor.CONTROL_OFFSET, 0);
        header.set(ValueLayout.JAVA_LONG, MsgHdrDescriptor.CONTROLLEN_OFFSET, 0);
        header.set(ValueLayout.JAVA_INT, MsgHdrDescriptor.FLAGS_OFFSET, 0);
        return header;
    }
}
