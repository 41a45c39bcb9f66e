package io.offload.servers.agent;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.Syscall;
import io.offload.servers.executor.FdOwners;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_DONE;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_WAITING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The syscall executor inside a server, driven by hand with real fds and a hand clock: a call that waits in the
 * reactor and completes when its fd is ready, a deadline that expires exactly when the clock passes it, a cancel
 * of a parked call, settling on close, and a close failing the waiters on its fd. Blocking fds (a pipe, a FIFO)
 * wait in the reactor instead of blocking the server (issue 15, item 4). Each scenario runs on both executors: the
 * io_uring executor sends these calls (sockets, pipes, FIFOs: fds that can wait for a peer) to its syscall
 * executor fallback, and runs the opens, closes and preads in its ring.
 */
@ParameterizedClass
@EnumSource(ExecutorKind.class)
class SyscallExecutorTest
{
    private final HandDriven hand;

    SyscallExecutorTest(final ExecutorKind kind)
    {
        hand = new HandDriven(kind);
    }

    @BeforeEach
    void assumeAvailable()
    {
        hand.kind.assumeAvailable();
    }

    @AfterEach
    void close()
    {
        hand.close();
    }

    private MemorySegment buffer(final int size)
    {
        return hand.arena.allocate(size);
    }

    @Test
    void aCallWithNothingToReadWaitsInTheReactorAndCompletesWhenDataArrives()
    {
        final SyscallServer server = hand.started();
        final int[] pair = hand.socketPair();
        final MemorySegment buf = buffer(16);
        final int read = hand.submit(server, Syscall.READ, 0, pair[0], buf.address(), 16);
        server.doWork();
        assertEquals(STATUS_WAITING, hand.status(read));
        final int getpid = hand.submit(server, Syscall.GETPID, 0);
        server.doWork();
        assertEquals(ProcessHandle.current().pid(), hand.take(getpid), "the server goes on while a call waits");
        assertEquals(1, server.counters().lvCounter(ServerCountersDescriptor.WAITING_NOW));
        assertEquals(5, hand.write(pair[1], "hello".getBytes()));
        server.doWork();
        assertEquals(5, hand.take(read));
        assertEquals(0, server.counters().lvCounter(ServerCountersDescriptor.WAITING_NOW));
    }

    @Test
    void aDeadlineExpiresExactlyWhenTheHandClockPassesIt()
    {
        final SyscallServer server = hand.started();
        final int[] pair = hand.socketPair();
        final MemorySegment buf = buffer(16);
        final long deadline = hand.clock.nanoTime() + 5_000_000L;
        final int read = hand.submit(server, Syscall.READ, deadline, pair[0], buf.address(), 16);
        server.doWork();
        assertEquals(STATUS_WAITING, hand.status(read));
        hand.clock.update(deadline - 1);
        hand.cycle(20);
        assertEquals(STATUS_WAITING, hand.status(read), "one nanosecond early");
        hand.clock.update(deadline);
        server.doWork();
        assertEquals(-Errno.ETIMEDOUT, hand.take(read));
    }

    @Test
    void aCancelTakesAParkedCallOutOfTheReactor()
    {
        final SyscallServer server = hand.started();
        final int[] pair = hand.socketPair();
        final MemorySegment buf = buffer(16);
        final int read = hand.submit(server, Syscall.READ, 0, pair[0], buf.address(), 16);
        server.doWork();
        hand.cancel(read, server);
        assertEquals(STATUS_WAITING, hand.status(read), "the server has not seen the cancel yet");
        server.doWork();
        assertEquals(-Errno.ECANCELED, hand.take(read));
        hand.write(pair[1], "late".getBytes());
        hand.cycle(3);
        assertEquals(0, server.counters().lvCounter(ServerCountersDescriptor.WAITING_NOW));
    }

    @Test
    void aCloseFailsTheWaitersOnItsFdWithEBADF()
    {
        final SyscallServer server = hand.started();
        final int[] pair = hand.socketPair();
        final MemorySegment buf = buffer(16);
        final int read = hand.submit(server, Syscall.READ, 0, pair[0], buf.address(), 16);
        server.doWork();
        final int close = hand.submit(server, Syscall.CLOSE, 0, pair[0]);
        hand.untilDone(server, close);
        assertEquals(-Errno.EBADF, hand.take(read));
        assertEquals(0, hand.take(close));
    }

    @Test
    void parkedCallsSettleOnCloseWithTheBytesTheyMoved()
    {
        final SyscallServer server = hand.started();
        final int[] pair = hand.socketPair();
        final int size = 8 << 20; // far more than a socket buffer: the write-all parks with progress
        final MemorySegment big = buffer(size);
        final MemorySegment buf = buffer(16);
        final int write = hand.submit(server, Syscall.WRITE, 0, pair[0], big.address(), size);
        final int read = hand.submit(server, Syscall.READ, 0, pair[1], buf.address(), 0);
        final int reader = hand.submit(server, Syscall.RECVFROM, 0, pair[0], buf.address(), 16, 0, 0, 0);
        hand.cycle(5);
        assertEquals(STATUS_DONE, hand.status(read), "a zero-length read is done at once");
        hand.take(read);
        assertTrue(hand.status(write) == STATUS_WAITING, "write-all parked or queued");
        // a recv waits in the reactor (WAITING) on the syscall executor, in the kernel (RUNNING) on io_uring
        assertEquals(hand.kind == ExecutorKind.IO_URING ? STATUS_RUNNING : STATUS_WAITING, hand.status(reader));
        server.expectStop();
        server.onClose();
        final long moved = hand.take(write);
        assertTrue(moved > 0 && moved < size, "the bytes it moved, not ECANCELED: " + moved);
        assertEquals(-Errno.ECANCELED, hand.take(reader));
    }

    @Test
    void aBlockingPipeWaitsInTheReactorNotInRead()
    {
        final SyscallServer server = hand.started();
        final int[] pipe = hand.pipe(0); // blocking, as anyone may open one
        final MemorySegment buf = buffer(16);
        final int read = hand.submit(server, Syscall.READ, 0, pipe[0], buf.address(), 16);
        server.doWork(); // would sit in read(2) for ever before
        assertEquals(STATUS_WAITING, hand.status(read));
        final int pread = hand.submit(server, Syscall.PREAD, 0, pipe[0], buf.address(), 16, 0);
        hand.untilDone(server, pread);
        assertEquals(-Errno.ESPIPE, hand.take(pread));
        hand.write(pipe[1], "abc".getBytes());
        server.doWork();
        assertEquals(3, hand.take(read));
    }

    @Test
    void aBlockingFifoOpenedByPathWaitsInTheReactor() throws Exception
    {
        final Path dir = Files.createTempDirectory("offload-fifo");
        final Path fifo = dir.resolve("fifo");
        final Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        try
        {
            final SyscallServer server = hand.started();
            final MemorySegment path = hand.arena.allocateFrom(fifo.toString());
            final int open = hand.submit(server, Syscall.OPENAT, 0, LinuxConstants.AT_FDCWD, path.address(),
                LinuxConstants.O_RDWR | LinuxConstants.O_CLOEXEC, 0);
            hand.untilDone(server, open);
            final int fd = (int)hand.take(open);
            assertTrue(fd >= 0, "open: " + fd);
            final MemorySegment buf = buffer(4096);
            final int read = hand.submit(server, Syscall.READ, 0, fd, buf.address(), 4096);
            server.doWork(); // a FIFO does not take RWF_NOWAIT: statx, then poll(2) says not ready
            assertEquals(STATUS_WAITING, hand.status(read));
            final int big = 256 * 1024; // more than the FIFO holds: a blocking write would wait for a reader
            final MemorySegment data = buffer(big);
            final int write = hand.submit(server, Syscall.WRITE, 0, fd, data.address(), big);
            hand.cycle(5);
            assertEquals(STATUS_DONE, hand.status(read), "the write's first bytes reached the reader");
            assertTrue(hand.take(read) > 0);
            assertEquals(STATUS_WAITING, hand.status(write), "the rest waits for room, in the reactor");
            final int close = hand.submit(server, Syscall.CLOSE, 0, fd);
            hand.untilDone(server, close);
            assertEquals(0, hand.take(close));
            assertEquals(-Errno.EBADF, hand.take(write), "a close fails the waiters on its fd");
        }
        finally
        {
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aWaitOnAnFdAnotherServerOwnsIsForwardedThere()
    {
        final SyscallServer a = hand.started();
        final SyscallServer b = hand.started();
        final ServerPort[] owners = {a.port(), b.port()};
        a.fdOwners(owners);
        b.fdOwners(owners);
        final int[] pair = hand.socketPair();
        final int fd = pair[0] % 2 == 1 ? pair[0] : pair[1]; // owned by b
        final int peer = fd == pair[0] ? pair[1] : pair[0];
        final MemorySegment buf = buffer(16);
        final int read = hand.submit(a, Syscall.READ, 0, fd, buf.address(), 16);
        a.doWork();
        assertEquals(STATUS_SUBMITTED, hand.status(read), "in b's ring, progress and all");
        b.doWork();
        assertEquals(STATUS_WAITING, hand.status(read));
        assertEquals(1, b.counters().lvCounter(ServerCountersDescriptor.WAITING_NOW));
        hand.write(peer, "hi".getBytes());
        b.doWork();
        assertEquals(2, hand.take(read));
    }

    @Test
    void aFullOwnerRingKeepsTheCallQueuedHereUntilThereIsRoom()
    {
        final int[] pair = hand.socketPair();
        final MemorySegment buf = buffer(16);
        final int[] offers = {0};
        final SyscallServer b = hand.started();
        final SyscallServer a = hand.server(hand.kind.factory(new FdOwners()
        {
            @Override
            public boolean isLocal(final int fd)
            {
                return false;
            }

            @Override
            public int forward(final int fd, final int handle)
            {
                return offers[0]++ == 0 ? FULL : b.port().offer(handle);
            }

            @Override
            public void cancel(final int fd, final int handle)
            {
                b.port().offerControl(handle);
            }
        }));
        a.onStart();
        final int read = hand.submit(a, Syscall.READ, 0, pair[0], buf.address(), 16);
        a.doWork(); // refused by the full ring, queued at a, and forwarded again by the same cycle's run queue
        assertEquals(2, offers[0]);
        assertEquals(STATUS_SUBMITTED, hand.status(read), "in b's ring now");
        b.doWork();
        hand.write(pair[1], "x".getBytes());
        b.doWork();
        assertEquals(1, hand.take(read));
    }
}
