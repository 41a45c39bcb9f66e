package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.api.internal.SocketAddresses;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static io.offload.api.LinuxConstants.AF_INET;
import static io.offload.api.LinuxConstants.AF_UNIX;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The socket calls the network tests need to set up what io_uring then works on (the listening socket, a
 * socketpair), bound here for the tests only: the io_uring layer itself makes these calls as SQEs.
 */
final class TestSockets
{
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
        .byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKETPAIR =
        bind("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle LISTEN = bind("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle GETSOCKNAME =
        bind("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));

    private TestSockets()
    {
    }

    private static MethodHandle bind(final String name, final FunctionDescriptor descriptor)
    {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, ERRNO);
    }

    private static int check(final String call, final MemorySegment capture, final int result)
    {
        assertTrue(result >= 0, call + ": " + Errno.name(capture.get(ValueLayout.JAVA_INT, ERRNO_OFFSET)));
        return result;
    }

    /**
     * @param arena arena for scratch memory.
     * @param type  SOCK_STREAM | flags.
     * @return a connected AF_UNIX pair.
     */
    static int[] socketpair(final Arena arena, final int type)
    {
        final MemorySegment capture = arena.allocate(Linker.Option.captureStateLayout());
        final MemorySegment fds = arena.allocate(JAVA_INT, 2);
        try
        {
            check("socketpair", capture,
                (int)SOCKETPAIR.invokeExact(capture, AF_UNIX, type, 0, fds.address()));
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
        return new int[] {fds.get(JAVA_INT, 0), fds.get(JAVA_INT, 4)};
    }

    /**
     * @param arena    arena for scratch memory.
     * @param type     SOCK_STREAM | flags.
     * @return a new AF_INET socket.
     */
    static int socket(final Arena arena, final int type)
    {
        final MemorySegment capture = arena.allocate(Linker.Option.captureStateLayout());
        try
        {
            return check("socket", capture, (int)SOCKET.invokeExact(capture, AF_INET, type, 0));
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    /**
     * Bind to 127.0.0.1 on a free port and listen.
     *
     * @param arena    arena for scratch memory.
     * @param fd       an AF_INET stream socket.
     * @param sockaddr a 16-byte segment: filled with the address bound, port included.
     */
    static void listenOnLoopback(final Arena arena, final int fd, final MemorySegment sockaddr)
    {
        final MemorySegment capture = arena.allocate(Linker.Option.captureStateLayout());
        SocketAddresses.encode(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), sockaddr);
        final MemorySegment length = arena.allocateFrom(JAVA_INT, (int)sockaddr.byteSize());
        try
        {
            check("bind", capture, (int)BIND.invokeExact(capture, fd, sockaddr.address(), (int)sockaddr.byteSize()));
            check("listen", capture, (int)LISTEN.invokeExact(capture, fd, 16));
            check("getsockname", capture, (int)GETSOCKNAME.invokeExact(capture, fd, sockaddr.address(), length.address()));
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }
}
