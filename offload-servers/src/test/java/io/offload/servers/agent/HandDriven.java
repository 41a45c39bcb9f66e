package io.offload.servers.agent;

import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.rings.EntryPool;
import io.offload.rings.MpscHandleRing;
import io.offload.rings.SyscallEntry;
import io.offload.servers.executor.ServerExecutor;
import io.offload.servers.libc.FdPairs;
import io.offload.servers.libc.LibC;
import io.offload.servers.libc.SyscallDispatcher;
import org.agrona.concurrent.CachedNanoClock;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static io.offload.api.LinuxConstants.SOCK_CLOEXEC;
import static io.offload.api.LinuxConstants.SOCK_NONBLOCK;
import static io.offload.api.LinuxConstants.SOCK_STREAM;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_DONE;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_SPINNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Servers driven by hand, as Aeron's DriverConductorTest drives its conductor: no threads, a clock the test moves,
 * and calls published the way a caller publishes them. Everything runs on the test thread; {@link #close()} closes
 * the servers that were started, the fds and the memory.
 */
final class HandDriven implements AutoCloseable
{
    static final int AF_UNIX = 1;
    static final long LIVENESS_NANOS = 30_000_000_000L;

    final ExecutorKind kind;
    final Arena arena = Arena.ofShared();
    final EntryPool pool;
    final EntryTable entries;
    final SyscallEntry entry;
    final CachedNanoClock clock = new CachedNanoClock();
    final List<Throwable> errors = new ArrayList<>();
    final MemorySegment capture = LibC.allocateCaptureState(arena);
    private final List<SyscallServer> servers = new ArrayList<>();
    private final List<Integer> fds = new ArrayList<>();

    HandDriven()
    {
        this(ExecutorKind.SYSCALLS);
    }

    /**
     * @param kind the executor of {@link #started()} servers.
     */
    HandDriven(final ExecutorKind kind)
    {
        this(kind, 256);
    }

    /**
     * @param kind       the executor of {@link #started()} servers.
     * @param maxEntries calls in flight at most (a multiple of 64).
     */
    HandDriven(final ExecutorKind kind, final int maxEntries)
    {
        this.kind = kind;
        this.pool = new EntryPool(64, maxEntries);
        this.entries = new EntryTable(pool);
        this.entry = entries.entry();
        clock.update(1_000_000_000L);
    }

    /**
     * @param factory the executor, or null for the syscall executor.
     * @return a server of class FILE, index {@code servers.size()}, not started.
     */
    SyscallServer server(final ServerExecutor.Factory factory)
    {
        final SyscallServer server = new SyscallServer(SyscallClass.FILE, servers.size(), -1, entries,
            MpscHandleRing.allocate(arena, 64), MpscHandleRing.allocate(arena, 256),
            WaiterWakeup.onThisThread(entries), 16, new ServerCounters(arena), errors::add, clock, factory);
        servers.add(server);
        return server;
    }

    /**
     * @return a started server with this harness's kind of executor.
     */
    SyscallServer started()
    {
        final SyscallServer server = server(kind.factory(null));
        server.onStart();
        return server;
    }

    /**
     * Run {@code server}'s duty cycle until {@code handle} is DONE. The syscall executor finishes a call that does
     * not wait in the cycle that picks it up, so for it this is that one cycle, as before; io_uring may complete in a
     * later cycle (statx and fsync always run in the kernel's workers), so for it the server sleeps in its ring between
     * cycles, within a liveness bound.
     */
    void untilDone(final SyscallServer server, final int handle)
    {
        server.doWork();
        if (kind == ExecutorKind.SYSCALLS)
        {
            return;
        }
        final long giveUp = System.nanoTime() + LIVENESS_NANOS;
        while (status(handle) != STATUS_DONE)
        {
            assertTrue(System.nanoTime() - giveUp < 0, "handle " + handle + " not done within the liveness bound");
            server.sleep();
            server.doWork();
        }
    }

    /**
     * Write a request as a caller would and leave it unpublished (SUBMITTED).
     */
    int request(final Syscall syscall, final long deadline, final long... args)
    {
        final int handle = pool.claim();
        assertTrue(handle >= 0, "pool exhausted");
        final long[] a = new long[6];
        System.arraycopy(args, 0, a, 0, args.length);
        entry.spRequest(handle, syscall.op(), a[0], a[1], a[2], a[3], a[4], a[5], 1L, WAITER_SPINNING);
        entries.deadline(handle, deadline);
        entry.soStatus(handle, STATUS_SUBMITTED);
        return handle;
    }

    /**
     * Write a request and publish it to {@code server}'s ring.
     */
    int submit(final SyscallServer server, final Syscall syscall, final long deadline, final long... args)
    {
        final int handle = request(syscall, deadline, args);
        assertEquals(ServerPort.OFFERED, server.port().offer(handle), "offer");
        return handle;
    }

    /**
     * A caller cancels, as the runtime's callers do ({@link EntryTable#requestCancel}): take it back if no server
     * has it, else set the flag and tell the server it published to.
     */
    void cancel(final int handle, final SyscallServer publishedTo)
    {
        entries.requestCancel(handle, publishedTo.port());
    }

    int status(final int handle)
    {
        return entry.lvStatus(handle);
    }

    long result(final int handle)
    {
        assertEquals(STATUS_DONE, status(handle), "not DONE");
        return entry.lpResult(handle);
    }

    /**
     * A caller reads its result and frees the entry.
     */
    long take(final int handle)
    {
        final long result = result(handle);
        entries.free(handle);
        return result;
    }

    /**
     * @return a connected, non-blocking AF_UNIX stream pair, closed with the harness.
     */
    int[] socketPair()
    {
        final MemorySegment out = arena.allocate(8, 4);
        assertEquals(0, FdPairs.socketpair(capture, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, out));
        final int[] pair = {FdPairs.fd(out, 0), FdPairs.fd(out, 1)};
        fds.add(pair[0]);
        fds.add(pair[1]);
        return pair;
    }

    /**
     * @param flags pipe2 flags.
     * @return a pipe: read end, write end, closed with the harness.
     */
    int[] pipe(final int flags)
    {
        final MemorySegment out = arena.allocate(8, 4);
        assertEquals(0, FdPairs.pipe(capture, flags, out));
        final int[] pair = {FdPairs.fd(out, 0), FdPairs.fd(out, 1)};
        fds.add(pair[0]);
        fds.add(pair[1]);
        return pair;
    }

    long write(final int fd, final byte[] bytes)
    {
        final MemorySegment buf = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(bytes, 0, buf, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
        return SyscallDispatcher.execute(capture, Syscall.WRITE.op(), fd, buf.address(), bytes.length, 0, 0, 0);
    }

    /** Forget an fd of {@link #socketPair} or {@link #pipe} that a call made through a server closed. */
    void closeFdNumberClosedByAServer(final int fd)
    {
        fds.remove((Integer)fd);
    }

    void closeFd(final int fd)
    {
        if (fds.remove((Integer)fd))
        {
            SyscallDispatcher.execute(capture, Syscall.CLOSE.op(), fd, 0, 0, 0, 0, 0);
        }
    }

    /**
     * Run every started server's duty cycle {@code times} times.
     */
    void cycle(final int times)
    {
        for (int i = 0; i < times; i++)
        {
            for (final SyscallServer server : servers)
            {
                if (server.isRunning())
                {
                    server.doWork();
                }
            }
        }
    }

    @Override
    public void close()
    {
        for (final SyscallServer server : servers)
        {
            if (server.isRunning())
            {
                server.expectStop();
                server.onClose();
            }
        }
        for (final int fd : new ArrayList<>(fds))
        {
            closeFd(fd);
        }
        pool.close();
        arena.close();
    }
}
