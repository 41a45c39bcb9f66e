package io.offload.servers.agent;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.StatxDescriptor;
import io.offload.api.Syscall;
import io.offload.servers.executor.ExecutorContext;
import io.offload.servers.executor.ExecutorStats;
import io.offload.servers.executor.ServerExecutor;
import io.offload.servers.uring.ExecutorChoice;
import io.offload.servers.uring.IoUringExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_DONE;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_WAITING;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real duty cycle on io_uring, driven by hand as {@link SyscallServerTest} drives it (no thread, a hand clock):
 * servers made with the io_uring executor's factory ({@link ExecutorChoice#select}), file calls submitted and
 * completed through the ring, a socket read parked in the syscall fallback's reactor and woken while the server
 * sleeps in its ring, a cancel and a deadline of a call in the kernel, settling with calls in the kernel (each
 * completed only after its CQE), and forwarding to an fd's owner. The call that stays in the kernel is an open of a
 * FIFO nobody writes to: the kernel's io_uring worker blocks in it, as it would on a hung network file system.
 */
@Timeout(60)
class IoUringServerTest
{
    private static final long A_MINUTE = 60_000_000_000L;

    private final HandDriven hand = new HandDriven(ExecutorKind.IO_URING);
    private final List<IoUringExecutor> executors = new ArrayList<>();
    private final List<long[]> completions = new ArrayList<>();
    @TempDir
    Path dir;

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

    /**
     * @return a started server whose executor comes from the wiring's factory; its executor and every completion
     *         it reports (handle, result, requests in the kernel at that moment) are kept for the test.
     */
    private SyscallServer server()
    {
        final ServerExecutor.Factory factory = ExecutorChoice.select(ExecutorChoice.Kind.IO_URING, 64, false).factory();
        final IoUringExecutor[] made = new IoUringExecutor[1];
        final SyscallServer server = hand.server(context ->
        {
            final ExecutorContext watched = new ExecutorContext(context.name(), context.entry(), context.deadlines(),
                context.maxEntries(), (handle, result) ->
                {
                    completions.add(new long[] {handle, result, made[0].inKernel()});
                    context.completions().complete(handle, result);
                }, context.clock(), context.errorHandler(), context.fdOwners());
            made[0] = (IoUringExecutor)factory.newExecutor(watched);
            return made[0];
        });
        server.onStart();
        executors.add(made[0]);
        return server;
    }

    private long path(final Path path)
    {
        return hand.arena.allocateFrom(path.toString()).address();
    }

    private Path fifo() throws Exception
    {
        final Path fifo = dir.resolve("fifo-" + System.nanoTime());
        final Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        return fifo;
    }

    /** An open that stays in the kernel: of a FIFO, for reading, blocking, and no writer will come. */
    private int hungOpen(final SyscallServer server, final long deadline) throws Exception
    {
        final int open = hand.submit(server, Syscall.OPENAT, deadline, LinuxConstants.AT_FDCWD, path(fifo()),
            LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC, 0);
        server.doWork();
        assertEquals(STATUS_RUNNING, hand.status(open), "in the kernel: RUNNING");
        return open;
    }

    private void cycleUntilDone(final SyscallServer server, final int handle)
    {
        hand.untilDone(server, handle);
        assertEquals(STATUS_DONE, hand.status(handle));
    }

    @Test
    void fileCallsArePickedUpSubmittedAndCompletedThroughTheRing() throws Exception
    {
        final SyscallServer server = server();
        assertEquals(IoUringExecutor.NAME, server.executorName());
        final Path file = Files.write(dir.resolve("data"), new byte[8192]);
        final int open = hand.submit(server, Syscall.OPENAT, 0, LinuxConstants.AT_FDCWD, path(file),
            LinuxConstants.O_RDWR | LinuxConstants.O_CLOEXEC, 0);
        cycleUntilDone(server, open);
        final int fd = (int)hand.take(open);
        assertTrue(fd >= 0, "open: " + fd);

        final MemorySegment out = hand.arena.allocate(4096);
        for (int i = 0; i < 4096; i++)
        {
            out.set(ValueLayout.JAVA_BYTE, i, (byte)i);
        }
        final int write = hand.submit(server, Syscall.PWRITE, 0, fd, out.address(), 4096, 4096);
        cycleUntilDone(server, write);
        assertEquals(4096, hand.take(write));

        final ExecutorStats before = server.executorStats();
        final int reads = 8;
        final MemorySegment[] in = new MemorySegment[reads];
        final int[] handles = new int[reads];
        for (int i = 0; i < reads; i++)
        {
            in[i] = hand.arena.allocate(512);
            handles[i] = hand.submit(server, Syscall.PREAD, 0, fd, in[i].address(), 512, 4096 + 512L * i);
        }
        for (int i = 0; i < reads; i++)
        {
            cycleUntilDone(server, handles[i]);
            assertEquals(512, hand.take(handles[i]));
            assertArrayEquals(out.asSlice(512L * i, 512).toArray(ValueLayout.JAVA_BYTE),
                in[i].toArray(ValueLayout.JAVA_BYTE), "read " + i);
        }
        final ExecutorStats after = server.executorStats();
        assertEquals(reads, after.submitted() - before.submitted(), "one request per read");
        assertTrue(after.enters() - before.enters() < reads, "one enter per batch, not per read: " +
            (after.enters() - before.enters()) + " enters for " + reads + " reads");

        final MemorySegment statx = hand.arena.allocate(StatxDescriptor.LENGTH + 8, 8);
        final int stat = hand.submit(server, Syscall.STATX, 0, LinuxConstants.AT_FDCWD, path(file), 0,
            LinuxConstants.STATX_BASIC_STATS, statx.address());
        final int sync = hand.submit(server, Syscall.FDATASYNC, 0, fd);
        cycleUntilDone(server, stat);
        cycleUntilDone(server, sync);
        assertEquals(0, hand.take(stat));
        assertEquals(8192, statx.get(ValueLayout.JAVA_LONG, StatxDescriptor.SIZE_OFFSET));
        assertEquals(0, hand.take(sync));
        final int close = hand.submit(server, Syscall.CLOSE, 0, fd);
        cycleUntilDone(server, close);
        assertEquals(0, hand.take(close));

        final ExecutorStats stats = server.executorStats();
        assertEquals(IoUringExecutor.NAME, stats.name());
        assertEquals(0, stats.fallbackCalls(), "every call went through the ring");
        assertEquals(13, stats.submitted());
        assertEquals(13, stats.completed());
        assertEquals(0, stats.inKernel());
        assertTrue(hand.errors.isEmpty(), hand.errors.toString());
    }

    @Test
    void aSocketReadWaitsInTheFallbacksReactorAndItsDataWakesTheServerSleepingInItsRing() throws Exception
    {
        final SyscallServer server = server();
        final IoUringExecutor executor = executors.get(0);
        final int[] pair = hand.socketPair();
        final MemorySegment buf = hand.arena.allocate(16);
        final int read = hand.submit(server, Syscall.READ, 0, pair[0], buf.address(), 16);
        server.doWork();
        assertEquals(STATUS_WAITING, hand.status(read), "parked in the fallback's reactor");
        assertEquals(1, server.executorStats().fallbackCalls());
        assertEquals(0, executor.inKernel(), "nothing of it in the kernel");
        assertEquals(1, server.counters().lvCounter(ServerCountersDescriptor.WAITING_NOW));

        final Thread writer = new Thread(() ->
        {
            while (!server.isSleeping())
            {
                Thread.onSpinWait();
            }
            hand.write(pair[1], "ring".getBytes());
        }, "writer");
        writer.start();
        // a sleep of a minute in the ring: only the poll of the fallback's epoll fd can end it (the test's timeout
        // is the liveness bound); the writer writes once the server has said it sleeps
        assertTrue(server.port().prepareToSleep());
        executor.idle(A_MINUTE);
        server.port().doneSleeping();
        writer.join();
        assertTrue(executor.fallbackWakeups() >= 1, "the fallback's epoll fd was ready in the ring");
        cycleUntilDone(server, read);
        assertEquals(4, hand.take(read));
        assertEquals("ring", new String(buf.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE)));
    }

    @Test
    void aCancelOfACallInTheKernelEndsItOnItsOwnCqe() throws Exception
    {
        final SyscallServer server = server();
        final IoUringExecutor executor = executors.get(0);
        final int open = hungOpen(server, 0);
        assertEquals(1, executor.inKernel());
        hand.cancel(open, server);
        assertEquals(STATUS_RUNNING, hand.status(open), "the cancel is a message: nothing completes it yet");
        cycleUntilDone(server, open);
        assertEquals(-Errno.ECANCELED, hand.take(open));
        assertEquals(1, executor.cancelsSent());
        assertEquals(0, executor.inKernel());
        assertEquals(0, completions.get(0)[2], "completed after its CQE left the kernel");
    }

    @Test
    void aDeadlinePassedInTheKernelEndsItWithEtimedoutOnItsOwnCqe() throws Exception
    {
        final SyscallServer server = server();
        final IoUringExecutor executor = executors.get(0);
        final long deadline = hand.clock.nanoTime() + 5_000_000L;
        final int open = hungOpen(server, deadline);
        hand.clock.update(deadline - 1);
        hand.cycle(10);
        assertEquals(STATUS_RUNNING, hand.status(open), "one nanosecond early");
        assertEquals(0, executor.cancelsSent());
        hand.clock.update(deadline);
        cycleUntilDone(server, open);
        assertEquals(-Errno.ETIMEDOUT, hand.take(open));
        assertEquals(1, executor.expired());
        assertEquals(0, executor.inKernel());
    }

    @Test
    void aStoppingServerSettlesItsCallsInTheKernelEachAfterItsCqe() throws Exception
    {
        final SyscallServer server = server();
        final IoUringExecutor executor = executors.get(0);
        final int hung = 3;
        final int[] opens = new int[hung];
        for (int i = 0; i < hung; i++)
        {
            opens[i] = hungOpen(server, 0);
        }
        final int[] pair = hand.socketPair();
        final int read = hand.submit(server, Syscall.READ, 0, pair[0], hand.arena.allocate(8).address(), 8);
        server.doWork();
        assertEquals(hung, executor.inKernel());
        assertEquals(STATUS_WAITING, hand.status(read));
        final int queued = hand.submit(server, Syscall.GETPID, 0);
        assertEquals(STATUS_SUBMITTED, hand.status(queued));
        server.expectStop();
        server.onClose();
        for (final int open : opens)
        {
            assertEquals(-Errno.ECANCELED, hand.take(open));
        }
        assertEquals(-Errno.ECANCELED, hand.take(read));
        assertEquals(-Errno.ECANCELED, hand.take(queued));
        assertEquals(0, executor.unsettled());
        int inKernelCompleted = 0;
        for (final long[] c : completions)
        {
            for (final int open : opens)
            {
                if (c[0] == open)
                {
                    inKernelCompleted++;
                    assertTrue(c[2] <= hung - inKernelCompleted, "open " + open + " completed with " + c[2] +
                        " requests still in the kernel: before its own CQE");
                }
            }
        }
        assertEquals(hung, inKernelCompleted);
        assertTrue(hand.errors.isEmpty(), hand.errors.toString());
    }

    @Test
    void aWaitOnAnFdAnotherServerOwnsIsForwardedThere()
    {
        final SyscallServer a = server();
        final SyscallServer b = server();
        final ServerPort[] owners = {a.port(), b.port()};
        a.fdOwners(owners);
        b.fdOwners(owners);
        final int[] pair = hand.socketPair();
        final int fd = pair[0] % 2 == 1 ? pair[0] : pair[1]; // owned by b
        final int peer = fd == pair[0] ? pair[1] : pair[0];
        final MemorySegment buf = hand.arena.allocate(16);
        final int read = hand.submit(a, Syscall.READ, 0, fd, buf.address(), 16);
        a.doWork();
        assertEquals(STATUS_SUBMITTED, hand.status(read), "in b's ring, from a's fallback");
        b.doWork();
        assertEquals(STATUS_WAITING, hand.status(read), "parked in b's fallback's reactor");
        assertEquals(1, b.counters().lvCounter(ServerCountersDescriptor.WAITING_NOW));
        hand.write(peer, "hi".getBytes());
        cycleUntilDone(b, read);
        assertEquals(2, hand.take(read));
        assertEquals(1, a.executorStats().fallbackCalls());
        assertEquals(1, b.executorStats().fallbackCalls(), "a forwarded call waits on a peer: the reactor's");
    }

    @Test
    void aDeadlineOfARecvInTheKernelEndsItWithEtimedoutOnlyOnItsOwnCqeAfterTheCancel()
    {
        final SyscallServer server = server();
        final IoUringExecutor executor = executors.get(0);
        final int[] pair = hand.socketPair();
        final long deadline = hand.clock.nanoTime() + 5_000_000L;
        final int recv = hand.submit(server, Syscall.RECVFROM, deadline, pair[0], hand.arena.allocate(16).address(),
            16, 0, 0, 0);
        server.doWork();
        assertEquals(STATUS_RUNNING, hand.status(recv), "in the kernel");
        assertEquals(1, executor.inKernel());
        assertEquals(0, server.executorStats().fallbackCalls(), "not in the fallback's reactor");
        hand.clock.update(deadline);
        server.doWork();
        assertEquals(1, executor.cancelsSent(), "past its deadline: an ASYNC_CANCEL");
        cycleUntilDone(server, recv);
        assertEquals(-Errno.ETIMEDOUT, hand.take(recv));
        assertEquals(1, completions.size());
        assertEquals(0, completions.get(0)[2], "completed after its own CQE left the kernel");
    }

    @Test
    void aCloseOfASocketWithARecvAndAnAcceptInTheKernelEndsThemWithEbadfBeforeTheCloseIsIssued()
    {
        final SyscallServer server = server();
        final IoUringExecutor executor = executors.get(0);
        final int[] pair = hand.socketPair();
        final int recv = hand.submit(server, Syscall.RECVFROM, 0, pair[0], hand.arena.allocate(16).address(), 16, 0,
            0, 0);
        final int second = hand.submit(server, Syscall.RECVFROM, 0, pair[0], hand.arena.allocate(16).address(), 16,
            0, 0, 0);
        server.doWork();
        assertEquals(2, executor.inKernel());
        final int close = hand.submit(server, Syscall.CLOSE, 0, pair[0]);
        cycleUntilDone(server, close);
        assertEquals(0, hand.take(close));
        assertEquals(-Errno.EBADF, hand.take(recv));
        assertEquals(-Errno.EBADF, hand.take(second));
        assertEquals(2, executor.cancelsSent());
        assertEquals(3, completions.size());
        assertEquals(close, completions.get(2)[0], "the close completes last: it was issued after the recvs' CQEs");
        hand.closeFdNumberClosedByAServer(pair[0]);
        assertTrue(hand.errors.isEmpty(), hand.errors.toString());
    }
}
