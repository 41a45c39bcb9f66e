package io.offload.servers.net;

import io.offload.api.Connection;
import io.offload.api.LinuxConstants;
import io.offload.api.Listener;
import io.offload.api.internal.SocketAddresses;
import io.offload.api.Sockets;
import io.offload.api.Syscall;
import io.offload.api.SyscallException;
import io.offload.servers.call.CallMemory;
import io.offload.servers.call.SyscallGate;
import io.offload.servers.call.Timeouts;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * {@link Sockets} over a gate: the runtime's NETWORK gate, or the direct gate for the INLINE comparison.
 */
public final class GateSockets implements Sockets
{
    private final SyscallGate gate;
    private final CallMemory memory;
    private final int writeBehindBytes;

    /**
     * Sockets whose writes all wait for their send.
     *
     * @param gate   where the calls go; every call on one socket must reach one server.
     * @param memory what address the kernel gets for a caller's buffer.
     */
    public GateSockets(final SyscallGate gate, final CallMemory memory)
    {
        this(gate, memory, 0);
    }

    /**
     * @param gate             where the calls go; every call on one socket must reach one server.
     * @param memory           what address the kernel gets for a caller's buffer.
     * @param writeBehindBytes the largest write that returns once its bytes are copied (see
     *                         {@link io.offload.servers.call.WriteBehind}), 0 for none; only through an
     *                         {@link io.offload.servers.call.OffloadGate}.
     */
    public GateSockets(final SyscallGate gate, final CallMemory memory, final int writeBehindBytes)
    {
        this.gate = gate;
        this.memory = memory;
        this.writeBehindBytes = writeBehindBytes;
    }

    @Override
    public Listener listen(final InetSocketAddress address, final int backlog) throws SyscallException
    {
        if (backlog < 1)
        {
            throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
        }
        final int fd = open(address);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment one = arena.allocate(ValueLayout.JAVA_INT);
            one.set(ValueLayout.JAVA_INT, 0, 1);
            check(Syscall.SETSOCKOPT, gate.call(Syscall.SETSOCKOPT, fd, LinuxConstants.SOL_SOCKET,
                LinuxConstants.SO_REUSEADDR, one.address(), 4, 0, 0), fd, "SO_REUSEADDR"); // confined: passed as is
            final MemorySegment sockaddr = SocketAddresses.allocateStorage(arena);
            final int length = SocketAddresses.encode(address, sockaddr);
            final long bound = gate.call(Syscall.BIND, fd, sockaddr.address(), length, 0, 0, 0, 0);
            if (bound < 0)
            {
                throw SocketIo.failure(gate, Syscall.BIND, bound, fd, address.toString());
            }
            check(Syscall.LISTEN, gate.call(Syscall.LISTEN, fd, backlog, 0, 0, 0, 0, 0), fd, null);
            return new GateListener(gate, memory, writeBehindBytes, fd, SocketIo.localAddress(gate, fd));
        }
        catch (final SyscallException | RuntimeException ex)
        {
            SocketIo.closeQuietly(gate, fd);
            throw ex;
        }
    }

    @Override
    public Connection connect(final InetSocketAddress address) throws SyscallException
    {
        return connect(address, 0);
    }

    @Override
    public Connection connect(final InetSocketAddress address, final Duration timeout) throws SyscallException
    {
        return connect(address, Timeouts.toNanos(timeout));
    }

    private Connection connect(final InetSocketAddress address, final long timeoutNanos) throws SyscallException
    {
        final int fd = open(address);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment sockaddr = SocketAddresses.allocateStorage(arena);
            final int length = SocketAddresses.encode(address, sockaddr);
            final long connected = gate.call(Syscall.CONNECT, fd, sockaddr.address(), length, 0, 0, 0, timeoutNanos);
            if (connected < 0)
            {
                throw SocketIo.failure(gate, Syscall.CONNECT, connected, fd, address.toString());
            }
            return new GateConnection(gate, memory, writeBehindBytes, fd);
        }
        catch (final SyscallException | RuntimeException ex)
        {
            SocketIo.closeQuietly(gate, fd);
            throw ex;
        }
    }

    private int open(final InetSocketAddress address) throws SyscallException
    {
        if (address == null || address.isUnresolved())
        {
            throw new IllegalArgumentException(
                "address must be resolved (new InetSocketAddress(InetAddress, port)), got " + address);
        }
        final int family = address.getAddress() instanceof Inet6Address ?
            LinuxConstants.AF_INET6 : LinuxConstants.AF_INET;
        final long fd = gate.call(Syscall.SOCKET, family, LinuxConstants.SOCK_STREAM, 0, 0, 0, 0, 0);
        check(Syscall.SOCKET, fd, -1, null);
        return (int)fd;
    }

    private long check(final Syscall syscall, final long result, final int fd, final String what)
        throws SyscallException
    {
        return SocketIo.check(gate, syscall, result, fd, what);
    }
}
