package io.offload.servers.agent;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.Syscall;
import io.offload.servers.executor.ServerExecutor;
import io.offload.servers.executor.SyscallExecutor;
import io.offload.servers.libc.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_WAITING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the syscall executor tells an executor that holds it as its fallback (the io_uring executor): its reactor's
 * epoll fd, readable exactly when a parked call's fd is ready ({@code pollFd}); when it next needs a duty cycle
 * ({@code nextDeadline}); and, before that executor closes an fd, the end of the calls parked on it
 * ({@code fdClosing}: EBADF, and the fd out of epoll).
 */
class FallbackSeamTest
{
    private final HandDriven hand = new HandDriven();
    private final ServerExecutor[] executor = new ServerExecutor[1];
    private final MemorySegment pollfd = hand.arena.allocate(Poll.POLLFD_LENGTH, 4);

    @AfterEach
    void close()
    {
        hand.close();
    }

    private SyscallServer server()
    {
        final ServerExecutor.Factory factory = SyscallExecutor.factory();
        final SyscallServer server = hand.server(context ->
        {
            executor[0] = factory.newExecutor(context);
            return executor[0];
        });
        server.onStart();
        return server;
    }

    private boolean readable(final int fd)
    {
        return Poll.poll(hand.capture, fd, LinuxConstants.EPOLLIN, 0, pollfd) > 0;
    }

    private int read(final SyscallServer server, final int fd, final long deadline)
    {
        final int handle = hand.submit(server, Syscall.READ, deadline, fd, hand.arena.allocate(8).address(), 8);
        server.doWork();
        assertEquals(STATUS_WAITING, hand.status(handle));
        return handle;
    }

    @Test
    void itsPollFdIsReadableWhenAParkedCallsFdIsReady()
    {
        final SyscallServer server = server();
        final int pollFd = executor[0].pollFd();
        assertTrue(pollFd >= 0);
        final int[] pair = hand.socketPair();
        final int read = read(server, pair[0], 0);
        assertTrue(!readable(pollFd), "nothing ready");
        hand.write(pair[1], "x".getBytes());
        assertTrue(readable(pollFd), "the parked call's fd is ready");
        server.doWork();
        assertEquals(1, hand.take(read));
        assertTrue(!readable(pollFd), "the event was taken");
    }

    @Test
    void itsNextDeadlineIsTheEarliestOfItsParkedCalls()
    {
        final SyscallServer server = server();
        assertEquals(0, executor[0].nextDeadline(), "nothing held: none");
        final int[] pair = hand.socketPair();
        final long now = hand.clock.nanoTime();
        read(server, pair[0], 0);
        assertEquals(0, executor[0].nextDeadline(), "a call without a deadline: none");
        read(server, pair[0], now + 9_000);
        read(server, pair[0], now + 5_000);
        assertEquals(now + 5_000, executor[0].nextDeadline());
    }

    @Test
    void fdClosingEndsTheCallsParkedOnThatFdWithEbadfAndDropsItFromEpoll()
    {
        final SyscallServer server = server();
        final int[] one = hand.socketPair();
        final int[] other = hand.socketPair();
        final int first = read(server, one[0], 0);
        final int second = read(server, one[0], 0);
        final int elsewhere = read(server, other[0], 0);
        executor[0].fdClosing(one[0]);
        assertEquals(-Errno.EBADF, hand.take(first));
        assertEquals(-Errno.EBADF, hand.take(second));
        assertEquals(STATUS_WAITING, hand.status(elsewhere), "another fd's call stays");
        hand.write(one[1], "x".getBytes());
        assertTrue(!readable(executor[0].pollFd()), "the closing fd is out of epoll");
        hand.write(other[1], "y".getBytes());
        server.doWork();
        assertEquals(1, hand.take(elsewhere));
    }
}
