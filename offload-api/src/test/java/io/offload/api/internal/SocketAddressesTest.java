package io.offload.api.internal;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SocketAddressesTest
{
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 80, 443, 8080, 32768, 65535})
    void ipv4RoundTripsWithPortInNetworkOrder(final int port) throws Exception
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment sockaddr = SocketAddresses.allocateStorage(arena);
            sockaddr.fill((byte)0x5a);
            final InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("192.168.1.200"), port);
            assertEquals(SocketAddresses.SOCKADDR_IN_SIZE, SocketAddresses.encode(address, sockaddr));
            assertEquals(SocketAddresses.SOCKADDR_IN_SIZE, SocketAddresses.encodedSize(address));

            final byte[] expected = {
                (byte)LinuxConstants.AF_INET, 0, (byte)(port >>> 8), (byte)port, (byte)192, (byte)168, 1, (byte)200,
                0, 0, 0, 0, 0, 0, 0, 0};
            assertArrayEquals(expected, sockaddr.asSlice(0, 16).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(0x5a, sockaddr.get(ValueLayout.JAVA_BYTE, 16), "nothing written past the struct");

            assertEquals(LinuxConstants.AF_INET, SocketAddresses.family(sockaddr));
            assertEquals(address, SocketAddresses.decode(sockaddr, SocketAddresses.SOCKADDR_IN_SIZE));
            assertEquals(address, SocketAddresses.decode(sockaddr.asSlice(0, 16)));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 443, 65535})
    void ipv6RoundTripsWithScopeId(final int port) throws Exception
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment sockaddr = SocketAddresses.allocateStorage(arena);
            final byte[] bytes = InetAddress.getByName("2001:db8::1:2:3").getAddress();
            final InetSocketAddress address = new InetSocketAddress(InetAddress.getByAddress(bytes), port);
            assertEquals(SocketAddresses.SOCKADDR_IN6_SIZE, SocketAddresses.encode(address, sockaddr));

            assertEquals(LinuxConstants.AF_INET6, SocketAddresses.family(sockaddr));
            assertEquals(port, Short.toUnsignedInt(
                sockaddr.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2)));
            assertEquals(0, sockaddr.get(ValueLayout.JAVA_INT_UNALIGNED, SocketAddresses.IN6_FLOWINFO_OFFSET));
            assertArrayEquals(bytes, sockaddr.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(0, sockaddr.get(ValueLayout.JAVA_INT_UNALIGNED, SocketAddresses.IN6_SCOPE_ID_OFFSET));
            assertEquals(address, SocketAddresses.decode(sockaddr, SocketAddresses.SOCKADDR_IN6_SIZE));

            final Inet6Address linkLocal = Inet6Address.getByAddress(
                null, InetAddress.getByName("fe80::1234").getAddress(), 7);
            final InetSocketAddress scoped = new InetSocketAddress(linkLocal, port);
            SocketAddresses.encode(scoped, sockaddr);
            assertEquals(7, sockaddr.get(ValueLayout.JAVA_INT_UNALIGNED, SocketAddresses.IN6_SCOPE_ID_OFFSET));
            final InetSocketAddress decoded = SocketAddresses.decode(sockaddr, SocketAddresses.SOCKADDR_IN6_SIZE);
            assertEquals(7, assertInstanceOf(Inet6Address.class, decoded.getAddress()).getScopeId());
            assertEquals(scoped, decoded);
        }
    }

    @Test
    void wildcardsLoopbacksAndHeapSegments() throws Exception
    {
        final MemorySegment heap = MemorySegment.ofArray(new byte[SocketAddresses.SOCKADDR_STORAGE_SIZE]);
        for (final String host : new String[] {"0.0.0.0", "127.0.0.1", "255.255.255.255", "::", "::1"})
        {
            final InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), 9);
            SocketAddresses.encode(address, heap);
            assertEquals(address, SocketAddresses.decode(heap), host);
        }
    }

    @Test
    void ipv4MappedIpv6DecodesAsIpv4()
    {
        final MemorySegment sockaddr = MemorySegment.ofArray(new byte[SocketAddresses.SOCKADDR_IN6_SIZE]);
        sockaddr.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short)LinuxConstants.AF_INET6);
        sockaddr.set(ValueLayout.JAVA_BYTE, 2, (byte)0x1f);
        sockaddr.set(ValueLayout.JAVA_BYTE, 3, (byte)0x90);
        final byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)0xff, (byte)0xff, 10, 0, 0, 42};
        MemorySegment.copy(mapped, 0, sockaddr, ValueLayout.JAVA_BYTE, 8, 16);
        final InetSocketAddress decoded = SocketAddresses.decode(sockaddr);
        assertInstanceOf(Inet4Address.class, decoded.getAddress());
        assertEquals("10.0.0.42", decoded.getAddress().getHostAddress());
        assertEquals(8080, decoded.getPort());
    }

    @Test
    void unresolvedAddressesAreRefused()
    {
        final MemorySegment sockaddr = MemorySegment.ofArray(new byte[SocketAddresses.SOCKADDR_STORAGE_SIZE]);
        final InetSocketAddress unresolved = InetSocketAddress.createUnresolved("example.invalid", 80);
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> SocketAddresses.encode(unresolved, sockaddr));
        assertTrue(ex.getMessage().contains("resolve it first: InetSocketAddress(InetAddress, port)"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SocketAddresses.encodedSize(unresolved));
        assertThrows(IllegalArgumentException.class, () -> SocketAddresses.encode(null, sockaddr));
    }

    @Test
    void smallSegmentsAreRefused() throws Exception
    {
        final InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 1);
        final InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::9"), 1);
        final IllegalArgumentException tooSmall4 = assertThrows(IllegalArgumentException.class,
            () -> SocketAddresses.encode(v4, MemorySegment.ofArray(new byte[15])));
        assertTrue(tooSmall4.getMessage().contains("needs 16 bytes, the segment has 15"), tooSmall4.getMessage());
        final IllegalArgumentException tooSmall6 = assertThrows(IllegalArgumentException.class,
            () -> SocketAddresses.encode(v6, MemorySegment.ofArray(new byte[16])));
        assertTrue(tooSmall6.getMessage().contains("sockaddr_in6"), tooSmall6.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SocketAddresses.encode(v4, null));

        final MemorySegment storage = MemorySegment.ofArray(new byte[SocketAddresses.SOCKADDR_STORAGE_SIZE]);
        SocketAddresses.encode(v6, storage);
        assertThrows(IllegalArgumentException.class, () -> SocketAddresses.decode(storage.asSlice(0, 20)));
        final IllegalArgumentException shortLength =
            assertThrows(IllegalArgumentException.class, () -> SocketAddresses.decode(storage, 16));
        assertTrue(shortLength.getMessage().contains("too short for a sockaddr_in6"), shortLength.getMessage());
        final IllegalArgumentException truncated =
            assertThrows(IllegalArgumentException.class, () -> SocketAddresses.decode(storage.asSlice(0, 28), 30));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SocketAddresses.family(MemorySegment.ofArray(new byte[1])));
    }

    @Test
    void otherFamiliesAreRefused()
    {
        final MemorySegment sockaddr = MemorySegment.ofArray(new byte[SocketAddresses.SOCKADDR_STORAGE_SIZE]);
        final IllegalArgumentException unspec =
            assertThrows(IllegalArgumentException.class, () -> SocketAddresses.decode(sockaddr));
        assertTrue(unspec.getMessage().contains("AF_UNSPEC"), unspec.getMessage());
        sockaddr.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short)LinuxConstants.AF_UNIX);
        final IllegalArgumentException unix =
            assertThrows(IllegalArgumentException.class, () -> SocketAddresses.decode(sockaddr));
        assertTrue(unix.getMessage().contains("AF_UNIX"), unix.getMessage());
    }

    @Test
    void socketConstantsMatchTheHeaders()
    {
        // <bits/socket.h>, <bits/socket_type.h>, <asm-generic/socket.h>, <netinet/in.h>, <netinet/tcp.h>
        assertEquals(1, LinuxConstants.AF_UNIX);
        assertEquals(2, LinuxConstants.AF_INET);
        assertEquals(10, LinuxConstants.AF_INET6);
        assertEquals(1, LinuxConstants.SOCK_STREAM);
        assertEquals(2, LinuxConstants.SOCK_DGRAM);
        assertEquals(LinuxConstants.O_NONBLOCK, LinuxConstants.SOCK_NONBLOCK);
        assertEquals(LinuxConstants.O_CLOEXEC, LinuxConstants.SOCK_CLOEXEC);
        assertEquals(1, LinuxConstants.SOL_SOCKET);
        assertEquals(2, LinuxConstants.SO_REUSEADDR);
        assertEquals(4, LinuxConstants.SO_ERROR);
        assertEquals(7, LinuxConstants.SO_SNDBUF);
        assertEquals(8, LinuxConstants.SO_RCVBUF);
        assertEquals(9, LinuxConstants.SO_KEEPALIVE);
        assertEquals(13, LinuxConstants.SO_LINGER);
        assertEquals(15, LinuxConstants.SO_REUSEPORT);
        assertEquals(6, LinuxConstants.IPPROTO_TCP);
        assertEquals(1, LinuxConstants.TCP_NODELAY);
        assertEquals(0x02, LinuxConstants.MSG_PEEK);
        assertEquals(0x40, LinuxConstants.MSG_DONTWAIT);
        assertEquals(0x100, LinuxConstants.MSG_WAITALL);
        assertEquals(0x4000, LinuxConstants.MSG_NOSIGNAL);
        assertEquals(0, LinuxConstants.SHUT_RD);
        assertEquals(1, LinuxConstants.SHUT_WR);
        assertEquals(2, LinuxConstants.SHUT_RDWR);
        assertEquals(1, LinuxConstants.EFD_SEMAPHORE);
        assertEquals(115, Errno.EINPROGRESS);
    }
}
