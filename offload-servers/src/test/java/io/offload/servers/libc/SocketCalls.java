package io.offload.servers.libc;

import io.offload.api.Errno;
import io.offload.api.internal.SocketAddresses;
import io.offload.api.Syscall;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import static io.offload.api.LinuxConstants.AF_INET;
import static io.offload.api.LinuxConstants.SOCK_CLOEXEC;
import static io.offload.api.LinuxConstants.SOCK_NONBLOCK;
import static io.offload.api.LinuxConstants.SOCK_STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Socket plumbing for the libc tests: runs calls through {@link SyscallDispatcher} on the test thread with one
 * capture segment, remembers every fd it opened so that a test can close them all, and retries the calls that a
 * non-blocking socket answers with {@code -EAGAIN} while loopback catches up.
 */
final class SocketCalls implements AutoCloseable
{
    /** How long a would-block call is retried before the test fails. */
    private static final long RETRY_NANOS = 5_000_000_000L;

    final Arena arena = Arena.ofConfined();
    final MemorySegment capture = LibC.allocateCaptureState(arena);
    private final List<Integer> fds = new ArrayList<>();

    static InetAddress loopback4()
    {
        try
        {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        }
        catch (final UnknownHostException ex)
        {
            throw new AssertionError(ex);
        }
    }

    long call(final Syscall syscall, final long... args)
    {
        final long[] a = new long[6];
        System.arraycopy(args, 0, a, 0, args.length);
        return SyscallDispatcher.execute(capture, syscall.op(), a[0], a[1], a[2], a[3], a[4], a[5]);
    }

    /**
     * @param what what the call is, for the failure message.
     * @param call the call.
     * @param also another errno that means "not yet" (e.g. ENOTCONN while connect finishes), or 0.
     * @return the first result that is neither -EAGAIN nor {@code -also}.
     */
    static long retry(final String what, final LongSupplier call, final int also)
    {
        final long deadline = System.nanoTime() + RETRY_NANOS;
        while (true)
        {
            final long result = call.getAsLong();
            if (result != -Errno.EAGAIN && (also == 0 || result != -also))
            {
                return result;
            }
            if (System.nanoTime() - deadline > 0)
            {
                fail(what + " still answers " + Errno.name((int)-result) + " after 5 s");
            }
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
        }
    }

    /**
     * @param result a call's result that is a new fd.
     * @return the fd, remembered for {@link #close()}.
     */
    int fd(final long result)
    {
        assertTrue(result >= 0, () -> "expected an fd, got " + describe(result));
        fds.add((int)result);
        return (int)result;
    }

    /**
     * @param fd an fd to close now, and forget.
     */
    void closeNow(final int fd)
    {
        assertEquals(0, call(Syscall.CLOSE, fd), "close(" + fd + ")");
        fds.remove(Integer.valueOf(fd));
    }

    int tcpSocket()
    {
        return fd(call(Syscall.SOCKET, AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    }

    MemorySegment socklen(final long value)
    {
        final MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
        length.set(ValueLayout.JAVA_INT, 0, (int)value);
        return length;
    }

    InetSocketAddress localAddress(final int fd)
    {
        final MemorySegment storage = SocketAddresses.allocateStorage(arena);
        final MemorySegment length = socklen(SocketAddresses.SOCKADDR_STORAGE_SIZE);
        assertEquals(0, call(Syscall.GETSOCKNAME, fd, storage.address(), length.address()), "getsockname");
        return SocketAddresses.decode(storage, length.get(ValueLayout.JAVA_INT, 0));
    }

    /**
     * @return a listening socket on 127.0.0.1 and an ephemeral port.
     */
    int listener()
    {
        final int listener = tcpSocket();
        final MemorySegment sockaddr = SocketAddresses.allocateStorage(arena);
        final int length = SocketAddresses.encode(new InetSocketAddress(loopback4(), 0), sockaddr);
        assertEquals(0, call(Syscall.BIND, listener, sockaddr.address(), length), "bind");
        assertEquals(0, call(Syscall.LISTEN, listener, 16), "listen");
        return listener;
    }

    /**
     * @return a connected pair of non-blocking TCP sockets over loopback: {client, accepted}.
     */
    int[] connectedPair()
    {
        final int listener = listener();
        final MemorySegment sockaddr = SocketAddresses.allocateStorage(arena);
        final int length = SocketAddresses.encode(localAddress(listener), sockaddr);
        final int client = tcpSocket();
        final long connected = call(Syscall.CONNECT, client, sockaddr.address(), length);
        assertTrue(connected == 0 || connected == -Errno.EINPROGRESS, () -> "connect: " + describe(connected));
        final int accepted = fd(retry(
            "accept4", () -> call(Syscall.ACCEPT4, listener, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC), 0));
        closeNow(listener);
        return new int[] {client, accepted};
    }

    static String describe(final long result)
    {
        return result < 0 ? "-" + Errno.name((int)-result) : Long.toString(result);
    }

    @Override
    public void close()
    {
        try
        {
            for (final int fd : fds)
            {
                call(Syscall.CLOSE, fd);
            }
            fds.clear();
        }
        finally
        {
            arena.close();
        }
    }
}
