package io.offload.api.internal;

import io.offload.api.LinuxConstants;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Encodes an {@link InetSocketAddress} into the {@code struct sockaddr} that bind, connect, sendto and friends take,
 * and decodes the one that accept4, recvfrom, getsockname and getpeername fill, so that callers never write byte
 * offsets themselves. Pure memory layout: nothing here calls the kernel.
 * <p>
 * The family is in host byte order; the port, the IPv4 address and the IPv6 flow label are in network byte order
 * (big-endian); the IPv6 scope id is in host byte order. Both structs are the same on every Linux architecture.
 * <pre>
 *  sockaddr_in (16 bytes, &lt;netinet/in.h&gt;)
 *   0               2               4                               8                              16
 *   +---------------+---------------+-------------------------------+-------------------------------+
 *   | family (host) |  port (BE)    |  IPv4 address (BE, 4 bytes)   |  sin_zero (8 bytes, zero)     |
 *   +---------------+---------------+-------------------------------+-------------------------------+
 *
 *  sockaddr_in6 (28 bytes)
 *   0               2               4               8                                24             28
 *   +---------------+---------------+---------------+--------------------------------+--------------+
 *   | family (host) |  port (BE)    | flowinfo (BE) |  IPv6 address (16 bytes)       | scope_id     |
 *   +---------------+---------------+---------------+--------------------------------+--------------+
 *
 *  sockaddr_storage: 128 bytes, room for any family; what a call that fills an address should be given.
 * </pre>
 * An {@link InetSocketAddress} has no flow label, so encode writes 0 and decode drops it. Decoding an IPv4-mapped
 * IPv6 address ({@code ::ffff:a.b.c.d}, what a dual-stack socket reports for an IPv4 peer) gives an
 * {@link Inet4Address}, as {@link InetAddress#getByAddress(byte[])} and the JDK's own channels do.
 */
public final class SocketAddresses
{
    /** Size of {@code struct sockaddr_storage}: room for an address of any family. */
    public static final int SOCKADDR_STORAGE_SIZE = 128;
    /** Size of {@code struct sockaddr_in}. */
    public static final int SOCKADDR_IN_SIZE = 16;
    /** Size of {@code struct sockaddr_in6}. */
    public static final int SOCKADDR_IN6_SIZE = 28;

    /** {@code sa_family}, u16, host byte order. */
    public static final int FAMILY_OFFSET = 0;
    /** {@code sin_port} / {@code sin6_port}, u16, network byte order. */
    public static final int PORT_OFFSET = 2;
    /** {@code sin_addr}, 4 bytes, network byte order. */
    public static final int IN_ADDR_OFFSET = 4;
    /** {@code sin6_flowinfo}, u32, network byte order. */
    public static final int IN6_FLOWINFO_OFFSET = 4;
    /** {@code sin6_addr}, 16 bytes, network byte order. */
    public static final int IN6_ADDR_OFFSET = 8;
    /** {@code sin6_scope_id}, u32, host byte order. */
    public static final int IN6_SCOPE_ID_OFFSET = 24;

    private static final ValueLayout.OfShort FAMILY = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfShort NETWORK_SHORT =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NETWORK_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt HOST_INT = ValueLayout.JAVA_INT_UNALIGNED;

    private SocketAddresses()
    {
    }

    /**
     * @param arena arena that owns the segment.
     * @return a zeroed, 8-byte-aligned {@code sockaddr_storage} ({@value #SOCKADDR_STORAGE_SIZE} bytes), big enough
     *         for any address a call can fill or take.
     */
    public static MemorySegment allocateStorage(final Arena arena)
    {
        return arena.allocate(SOCKADDR_STORAGE_SIZE, 8);
    }

    /**
     * @param address a resolved address.
     * @return the size of its {@code struct sockaddr}: what to pass as the address length.
     * @throws IllegalArgumentException if null or unresolved.
     */
    public static int encodedSize(final InetSocketAddress address)
    {
        return resolved(address) instanceof Inet6Address ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE;
    }

    /**
     * Write {@code address} as a {@code sockaddr_in} (IPv4) or {@code sockaddr_in6} (IPv6) at the start of
     * {@code sockaddr}, padding zeroed.
     *
     * @param address  a resolved address; port 0 asks bind for an ephemeral port.
     * @param sockaddr where to write it; at least {@link #encodedSize} bytes ({@link #SOCKADDR_STORAGE_SIZE} always
     *                 does).
     * @return the bytes written: the {@code socklen_t} to pass with the address.
     * @throws IllegalArgumentException if the address is null or unresolved, or the segment is null or too small.
     */
    public static int encode(final InetSocketAddress address, final MemorySegment sockaddr)
    {
        final InetAddress inet = resolved(address);
        final boolean v6 = inet instanceof Inet6Address;
        final int size = v6 ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE;
        checkSize(sockaddr, size, v6 ? "an IPv6 address (sockaddr_in6)" : "an IPv4 address (sockaddr_in)");

        final MemorySegment target = sockaddr.asSlice(0, size);
        target.fill((byte)0);
        target.set(FAMILY, FAMILY_OFFSET, (short)(v6 ? LinuxConstants.AF_INET6 : LinuxConstants.AF_INET));
        target.set(NETWORK_SHORT, PORT_OFFSET, (short)address.getPort());
        final byte[] bytes = inet.getAddress();
        if (v6)
        {
            MemorySegment.copy(bytes, 0, target, ValueLayout.JAVA_BYTE, IN6_ADDR_OFFSET, bytes.length);
            target.set(HOST_INT, IN6_SCOPE_ID_OFFSET, ((Inet6Address)inet).getScopeId());
        }
        else
        {
            MemorySegment.copy(bytes, 0, target, ValueLayout.JAVA_BYTE, IN_ADDR_OFFSET, bytes.length);
        }
        return size;
    }

    /**
     * @param sockaddr an address the kernel filled, or {@link #encode} wrote.
     * @return its {@code sa_family}, e.g. {@link LinuxConstants#AF_INET}.
     * @throws IllegalArgumentException if the segment is null or shorter than the family field.
     */
    public static int family(final MemorySegment sockaddr)
    {
        checkSize(sockaddr, FAMILY_OFFSET + Short.BYTES, "its sa_family field");
        return Short.toUnsignedInt(sockaddr.get(FAMILY, FAMILY_OFFSET));
    }

    /**
     * Decode an address, trusting the segment's size as its length.
     *
     * @param sockaddr an {@code AF_INET} or {@code AF_INET6} address.
     * @return the address and port.
     * @throws IllegalArgumentException if the family is neither, or the segment is too small for the family.
     */
    public static InetSocketAddress decode(final MemorySegment sockaddr)
    {
        return decode(sockaddr, sockaddr == null ? 0 : sockaddr.byteSize());
    }

    /**
     * Decode an address whose length the kernel reported (the {@code socklen_t} that accept4, recvfrom,
     * getsockname and getpeername write back).
     *
     * @param sockaddr an {@code AF_INET} or {@code AF_INET6} address.
     * @param length   the length the kernel reported; it may exceed the segment if the segment was too small, in
     *                 which case the address was truncated and is refused.
     * @return the address and port.
     * @throws IllegalArgumentException if the family is neither, or the segment or the length is too small for it.
     */
    public static InetSocketAddress decode(final MemorySegment sockaddr, final long length)
    {
        final int family = family(sockaddr);
        final int size;
        if (family == LinuxConstants.AF_INET)
        {
            size = SOCKADDR_IN_SIZE;
        }
        else if (family == LinuxConstants.AF_INET6)
        {
            size = SOCKADDR_IN6_SIZE;
        }
        else
        {
            throw new IllegalArgumentException(
                "sockaddr family " + family + familyName(family) + " is not an internet address: only AF_INET (" +
                LinuxConstants.AF_INET + ") and AF_INET6 (" + LinuxConstants.AF_INET6 + ") decode to an " +
                "InetSocketAddress");
        }
        final String what = family == LinuxConstants.AF_INET ? "sockaddr_in" : "sockaddr_in6";
        checkSize(sockaddr, size, "a " + what);
        if (length < size)
        {
            throw new IllegalArgumentException(
                "sockaddr length " + length + " is too short for a " + what + " (" + size + " bytes): pass the " +
                "length the kernel wrote back");
        }
        if (length > sockaddr.byteSize())
        {
            throw new IllegalArgumentException(
                "sockaddr length " + length + " is past the end of the segment (" + sockaddr.byteSize() +
                " bytes): the kernel truncated the address; pass a segment of SOCKADDR_STORAGE_SIZE (" +
                SOCKADDR_STORAGE_SIZE + ") bytes");
        }

        final int port = Short.toUnsignedInt(sockaddr.get(NETWORK_SHORT, PORT_OFFSET));
        try
        {
            if (family == LinuxConstants.AF_INET)
            {
                final byte[] bytes = new byte[4];
                MemorySegment.copy(sockaddr, ValueLayout.JAVA_BYTE, IN_ADDR_OFFSET, bytes, 0, bytes.length);
                return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
            }
            final byte[] bytes = new byte[16];
            MemorySegment.copy(sockaddr, ValueLayout.JAVA_BYTE, IN6_ADDR_OFFSET, bytes, 0, bytes.length);
            final int scopeId = sockaddr.get(HOST_INT, IN6_SCOPE_ID_OFFSET);
            final InetAddress inet = scopeId == 0 ?
                InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, scopeId);
            return new InetSocketAddress(inet, port);
        }
        catch (final UnknownHostException ex)
        {
            // getByAddress throws only for an array that is neither 4 nor 16 bytes long
            throw new IllegalStateException("could not build an InetAddress from a decoded sockaddr", ex);
        }
    }

    private static InetAddress resolved(final InetSocketAddress address)
    {
        if (address == null)
        {
            throw new IllegalArgumentException("address is null: pass an InetSocketAddress(InetAddress, port)");
        }
        final InetAddress inet = address.getAddress();
        if (address.isUnresolved() || inet == null)
        {
            throw new IllegalArgumentException(
                "address " + address + " is unresolved (a host name, no IP address): resolve it first: " +
                "InetSocketAddress(InetAddress, port)");
        }
        return inet;
    }

    private static void checkSize(final MemorySegment sockaddr, final int size, final String what)
    {
        if (sockaddr == null)
        {
            throw new IllegalArgumentException(
                "sockaddr is null: pass a segment of SOCKADDR_STORAGE_SIZE (" + SOCKADDR_STORAGE_SIZE + ") bytes");
        }
        if (sockaddr.byteSize() < size)
        {
            throw new IllegalArgumentException(
                "sockaddr segment is too small for " + what + ": it needs " + size + " bytes, the segment has " +
                sockaddr.byteSize() + "; allocate SOCKADDR_STORAGE_SIZE (" + SOCKADDR_STORAGE_SIZE + ") bytes");
        }
    }

    private static String familyName(final int family)
    {
        return family == LinuxConstants.AF_UNIX ? " (AF_UNIX)" : family == 0 ? " (AF_UNSPEC: nothing written?)" : "";
    }
}
