package io.offload.servers.executor;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.Syscall;
import io.offload.servers.libc.FdPairs;
import io.offload.servers.libc.LibC;
import io.offload.servers.libc.SyscallDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reactor alone, on a socket pair: one-shot arming, re-arming, forgetting, the eventfd wake-up, regular files
 * refused, and close.
 */
class ReactorTest
{
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment capture = LibC.allocateCaptureState(arena);
    private final Reactor reactor = new Reactor(arena, capture);
    private final List<int[]> events = new ArrayList<>();
    private final int[] pair = {-1, -1}; // never 0: closing stdin would corrupt the test runner's channel

    @AfterEach
    void close()
    {
        reactor.close();
        reactor.close(); // idempotent
        for (final int fd : pair)
        {
            if (fd >= 0)
            {
                SyscallDispatcher.execute(capture, Syscall.CLOSE.op(), fd, 0, 0, 0, 0, 0);
            }
        }
        arena.close();
    }

    private void socketPair()
    {
        final MemorySegment out = arena.allocate(8, 4);
        assertEquals(0, FdPairs.socketpair(capture, 1, LinuxConstants.SOCK_STREAM | LinuxConstants.SOCK_NONBLOCK |
            LinuxConstants.SOCK_CLOEXEC, out));
        pair[0] = FdPairs.fd(out, 0);
        pair[1] = FdPairs.fd(out, 1);
    }

    private int poll()
    {
        return reactor.poll(0, (fd, mask) -> events.add(new int[]{fd, mask}));
    }

    private void write(final int fd)
    {
        final MemorySegment one = arena.allocate(1);
        assertEquals(1, SyscallDispatcher.execute(capture, Syscall.WRITE.op(), fd, one.address(), 1, 0, 0, 0));
    }

    @Test
    void anArmedFdReportsReadinessOnceUntilArmedAgain()
    {
        socketPair();
        assertEquals(0, reactor.arm(pair[0], LinuxConstants.EPOLLIN));
        assertEquals(0, poll(), "nothing to read yet");
        write(pair[1]);
        assertEquals(1, poll());
        assertEquals(pair[0], events.get(0)[0]);
        assertTrue((events.get(0)[1] & LinuxConstants.EPOLLIN) != 0);
        assertEquals(0, poll(), "one-shot: not again until re-armed");
        reactor.rearmOrForget(pair[0], LinuxConstants.EPOLLIN);
        assertEquals(1, poll(), "still readable, re-armed");
        reactor.rearmOrForget(pair[0], 0);
        assertEquals(0, poll());
    }

    @Test
    void aForgottenFdReportsNothing()
    {
        socketPair();
        reactor.arm(pair[0], LinuxConstants.EPOLLIN);
        reactor.forget(pair[0]);
        write(pair[1]);
        assertEquals(0, poll());
        assertEquals(0, reactor.arm(pair[0], LinuxConstants.EPOLLIN), "registers again after a forget");
        assertEquals(1, poll());
    }

    @Test
    void wakeEndsASleepWithoutAnEvent()
    {
        reactor.wake();
        assertEquals(0, reactor.poll(10_000, (fd, mask) -> events.add(new int[]{fd, mask})),
            "returns at once, no event handed out");
        assertTrue(events.isEmpty());
    }

    @Test
    void aRegularFileCannotBeArmed() throws Exception
    {
        final Path file = Files.createTempFile("offload-reactor", ".txt");
        try
        {
            final MemorySegment path = arena.allocateFrom(file.toString());
            final int fd = (int)SyscallDispatcher.execute(capture, Syscall.OPENAT.op(), LinuxConstants.AT_FDCWD,
                path.address(), LinuxConstants.O_RDONLY, 0, 0, 0);
            assertTrue(fd >= 0);
            pair[0] = fd;
            assertEquals(-Errno.EPERM, reactor.arm(fd, LinuxConstants.EPOLLIN));
        }
        finally
        {
            Files.delete(file);
        }
    }

    @Test
    void aWakeAfterCloseIsIgnored()
    {
        reactor.close();
        reactor.wake();
    }
}
