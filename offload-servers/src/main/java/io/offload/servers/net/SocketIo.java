package io.offload.servers.net;

import io.offload.api.internal.SocketAddresses;
import io.offload.api.Syscall;
import io.offload.api.SyscallException;
import io.offload.servers.call.SyscallGate;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/**
 * What the listener and the connection share: errno to exception, address look-ups, quiet close.
 */
final class SocketIo
{
    private SocketIo()
    {
    }

    /**
     * One rule for every failed socket call: SyscallException naming the fd, what the call was on, and why where the
     * gate knows (refused by back-pressure, runtime closed). Allocates nothing on success.
     */
    static long check(final SyscallGate gate, final Syscall syscall, final long result, final int fd,
        final String what) throws SyscallException
    {
        if (result >= 0)
        {
            return result;
        }
        throw failure(gate, syscall, result, fd, what);
    }

    static SyscallException failure(final SyscallGate gate, final Syscall syscall, final long result, final int fd,
        final String what)
    {
        final int errno = (int)-result;
        final StringBuilder detail = new StringBuilder();
        if (fd >= 0)
        {
            detail.append("fd=").append(fd);
        }
        if (what != null)
        {
            detail.append(detail.length() > 0 ? ", " : "").append(what);
        }
        final String why = gate.explain(syscall, errno);
        if (why != null)
        {
            detail.append("; ").append(why);
        }
        return new SyscallException(syscall, errno, detail.length() == 0 ? null : detail.toString());
    }

    static InetSocketAddress localAddress(final SyscallGate gate, final int fd) throws SyscallException
    {
        return address(gate, Syscall.GETSOCKNAME, fd);
    }

    static InetSocketAddress remoteAddress(final SyscallGate gate, final int fd) throws SyscallException
    {
        return address(gate, Syscall.GETPEERNAME, fd);
    }

    private static InetSocketAddress address(final SyscallGate gate, final Syscall syscall, final int fd)
        throws SyscallException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment sockaddr = SocketAddresses.allocateStorage(arena);
            final MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
            length.set(ValueLayout.JAVA_INT, 0, (int)sockaddr.byteSize());
            check(gate, syscall, gate.call(syscall, fd, sockaddr.address(), length.address(), 0, 0, 0, 0), fd, null);
            return SocketAddresses.decode(sockaddr, length.get(ValueLayout.JAVA_INT, 0));
        }
    }

    /**
     * Shut the socket down to wake its waiters, wait (bounded) for the calls in progress to leave, then close.
     */
    static void closeAfterInProgress(final SyscallGate gate, final int fd,
        final java.util.concurrent.atomic.AtomicInteger inProgress) throws SyscallException
    {
        if (inProgress.get() > 0)
        {
            gate.call(Syscall.SHUTDOWN, fd, io.offload.api.LinuxConstants.SHUT_RDWR, 0, 0, 0, 0, 0);
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (inProgress.get() > 0 && System.nanoTime() < deadline)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000L);
            }
        }
        check(gate, Syscall.CLOSE, gate.closeSocket(fd), fd, null);
    }

    static void closeQuietly(final SyscallGate gate, final int fd)
    {
        try
        {
            gate.closeSocket(fd);
        }
        catch (final RuntimeException ignored)
        {
            // closing after a failure: the first failure is the one to report
        }
    }
}
