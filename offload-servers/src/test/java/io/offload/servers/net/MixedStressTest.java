package io.offload.servers.net;

import io.offload.api.Connection;
import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.api.WaitStrategy;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 15 item 9 and its "done when": two servers, many virtual threads and a few platform ones mixing blocking and
 * async calls with deadlines, cancels and interrupts, for a few seconds ({@code -Doffload.stress.seconds}, default
 * 6). Nothing may hang (every
 * caller returns, every future settles), nothing may be lost or duplicated (each
 * socket's bytes arrive exactly once and in order, each file read returns the file's bytes), and nothing may stay
 * in flight (no entry left in use, no call left waiting) once the callers are done.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MixedStressTest
{
    private static final int FILE_SIZE = 64 * 1024;
    private static final int PAIRS = 4;
    private static final int FILE_WORKERS = 48;
    private static final long SECONDS = Long.getLong("offload.stress.seconds", 6);

    /**
     * Deadlines (blocking socket reads and raw file reads with short timeouts), blocking and async calls mixed, on two
     * servers from virtual and platform threads: the calls no caller takes back.
     */
    @Test
    void deadlinesAndMixedCallsLoseNothingAndHangNothing() throws Exception
    {
        run(false, false);
    }

    /**
     * The same with cancels (async file calls) and interrupts (of every caller, blocking socket reads included):
     * a cancel or interrupt that comes before a server picks the call up takes it back (CAS SUBMITTED to RUNNING),
     * and its entry goes back to the pool while its handle is still in the server's ring (item 9: the server's batch
     * sort read each op twice, and broke when the entry was reused between the reads).
     */
    @Test
    void withCancelsAndInterrupts() throws Exception
    {
        run(true, false);
    }

    /**
     * The same with async socket reads cancelled while they wait: with two servers such a read may wait on the
     * other server (forwarded to the fd's owner), where a cancel used to be dropped (item 1).
     */
    @Test
    void withAsyncSocketReadsCancelledWhileTheyWait() throws Exception
    {
        run(true, true);
    }

    private static void run(final boolean cancels, final boolean asyncSocketReads) throws Exception
    {
        final long seed = NetTestSupport.seed("MixedStressTest");
        final Path file = Files.createTempFile("offload-stress", ".bin");
        final byte[] content = new byte[FILE_SIZE];
        new Random(seed).nextBytes(content);
        Files.write(file, content);
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong calls = new AtomicLong();
        final AtomicLong timedOut = new AtomicLong();
        final AtomicLong cancelled = new AtomicLong();
        try (OffloadRuntime runtime = OffloadRuntime.builder()
            .unpinnedServers(SyscallClass.FILE, 2)
            .route(SyscallClass.PROCESS, SyscallClass.FILE)
            .waitStrategy(WaitStrategy.PARK)
            .asyncOnVirtualThreads()
            .maxEntries(1024).ringCapacity(64)
            .build())
        {
            final int fd = runtime.syscalls().open(file.toString(), LinuxConstants.O_RDONLY, 0);
            final List<NetTestSupport.Pair> pairs = new ArrayList<>();
            for (int p = 0; p < PAIRS; p++)
            {
                pairs.add(NetTestSupport.Pair.open(runtime.sockets()));
            }
            final List<Thread> callers = new ArrayList<>();
            final List<Thread> writers = new ArrayList<>();
            final long[] written = new long[PAIRS];
            final long[] received = new long[PAIRS];
            for (int p = 0; p < PAIRS; p++)
            {
                final int pair = p;
                final Random random = new Random(seed + 100 + p);
                writers.add(Thread.ofPlatform().name("stress-peer-" + p).start(() ->
                    peer(pairs.get(pair), random, stop, written, pair, failures)));
                callers.add(Thread.ofVirtual().name("stress-socket-" + p).start(() ->
                    reader(runtime, pairs.get(pair).server(), new Random(seed + 200 + pair), stop, received, pair,
                        cancels, asyncSocketReads, calls, timedOut, cancelled, failures)));
            }
            for (int w = 0; w < FILE_WORKERS; w++)
            {
                final Random random = new Random(seed + 300 + w);
                final Thread.Builder builder = w % 16 == 0 ? Thread.ofPlatform() : Thread.ofVirtual();
                callers.add(builder.name("stress-file-" + w).start(() ->
                    fileWorker(runtime, fd, content, random, stop, cancels, calls, timedOut, cancelled, failures)));
            }
            final Random interrupts = new Random(seed + 1);
            final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            while (System.nanoTime() - end < 0 && failures.isEmpty())
            {
                if (cancels)
                {
                    callers.get(interrupts.nextInt(callers.size())).interrupt();
                }
                LockSupport.parkNanos(200_000L + interrupts.nextInt(800_000));
            }
            stop.set(true);
            for (final Thread writer : writers)
            {
                writer.join(TimeUnit.SECONDS.toMillis(30));
            }
            // a plain read made just before the peers stopped waits for data that will not come: interrupt it
            final long drain = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int p = 0; p < PAIRS && cancels && System.nanoTime() - drain < 0; p++)
            {
                final Thread reader = callers.get(p);
                while (reader.isAlive() && System.nanoTime() - drain < 0)
                {
                    reader.interrupt();
                    reader.join(20);
                }
            }
            for (final Thread caller : callers)
            {
                caller.join(TimeUnit.SECONDS.toMillis(60));
                if (caller.isAlive())
                {
                    fail(caller.getName() + " hung: " + List.of(caller.getStackTrace()) + "\n" +
                        runtime.stats().toTable());
                }
            }
            if (!failures.isEmpty())
            {
                final AssertionError error = new AssertionError(failures.size() + " failure(s), the first: " +
                    failures.peek(), failures.peek());
                failures.stream().skip(1).limit(5).forEach(error::addSuppressed);
                throw error;
            }
            for (int p = 0; p < PAIRS; p++)
            {
                assertEquals(written[p], received[p], "pair " + p + ": bytes received == bytes written");
            }
            NetTestSupport.await(() -> runtime.stats().entriesInUse() == 0,
                "every entry back in the pool\n" + runtime.stats().toTable());
            assertEquals(0, NetTestSupport.waiting(runtime), runtime.stats().toTable());
            System.out.printf("MixedStressTest: %d calls in %d s (%d timed out, %d cancelled or interrupted), " +
                "cancels and interrupts %s, async socket reads %s, bytes per pair %s%n", calls.get(), SECONDS,
                timedOut.get(), cancelled.get(), cancels ? "on" : "off", asyncSocketReads ? "on" : "off",
                java.util.Arrays.toString(written));
            runtime.syscalls().close(fd);
            for (final NetTestSupport.Pair pair : pairs)
            {
                pair.close();
            }
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    /** Writes numbered bytes in random chunks at random moments until told to stop. */
    private static void peer(final NetTestSupport.Pair pair, final Random random, final AtomicBoolean stop,
        final long[] written, final int index, final ConcurrentLinkedQueue<Throwable> failures)
    {
        try
        {
            long next = 0;
            while (!stop.get())
            {
                final byte[] chunk = new byte[1 + random.nextInt(64)];
                for (int i = 0; i < chunk.length; i++)
                {
                    chunk[i] = (byte)next++;
                }
                pair.peerWrite(chunk);
                LockSupport.parkNanos(random.nextInt(2_000_000));
            }
            written[index] = next;
        }
        catch (final Throwable ex)
        {
            failures.add(ex);
        }
    }

    /**
     * The one reader of a connection: reads with deadlines, plain reads that interrupts cancel, and (if asked) async
     * reads it cancels; checks each byte is the next of the stream; once the peer stops, reads what is left.
     */
    private static void reader(final OffloadRuntime runtime, final Connection connection, final Random random,
        final AtomicBoolean stop, final long[] received, final int index, final boolean interrupted,
        final boolean asyncReads,
        final AtomicLong calls, final AtomicLong timedOut, final AtomicLong cancelled,
        final ConcurrentLinkedQueue<Throwable> failures)
    {
        try (Arena arena = Arena.ofShared())
        {
            final MemorySegment buf = arena.allocate(256);
            long got = 0;
            long idleSince = 0;
            while (true)
            {
                long n = 0;
                final int action = random.nextInt(asyncReads ? 3 : 2);
                try
                {
                    calls.incrementAndGet();
                    if (action == 0)
                    {
                        n = connection.read(buf, Duration.ofNanos(200_000 + random.nextInt(3_000_000)));
                    }
                    else if (action == 1 && !stop.get() && interrupted)
                    {
                        n = connection.read(buf); // plain: ends with data, or ECANCELED when interrupted
                    }
                    else if (action == 1)
                    {
                        n = connection.read(buf, Duration.ofMillis(5));
                    }
                    else
                    {
                        final CompletableFuture<Long> read = runtime.async().read(connection.fd(), buf);
                        LockSupport.parkNanos(random.nextInt(1_000_000));
                        if (read.cancel(true))
                        {
                            cancelled.incrementAndGet();
                        }
                        else
                        {
                            n = settle(read);
                        }
                    }
                }
                catch (final SyscallException ex)
                {
                    if (ex.errno() == Errno.ETIMEDOUT)
                    {
                        timedOut.incrementAndGet();
                    }
                    else if (ex.errno() == Errno.ECANCELED)
                    {
                        cancelled.incrementAndGet();
                    }
                    else
                    {
                        throw ex;
                    }
                }
                Thread.interrupted(); // an interrupt meant for the call it made, whatever the outcome
                for (long j = 0; j < n; j++)
                {
                    if (buf.get(ValueLayout.JAVA_BYTE, j) != (byte)(got + j))
                    {
                        throw new AssertionError("pair " + index + ": byte " + (got + j) + " wrong: lost or " +
                            "duplicated");
                    }
                }
                got += n;
                if (stop.get())
                {
                    // the peer has stopped: read until its last byte, or give up after a quiet second
                    if (n > 0)
                    {
                        idleSince = 0;
                    }
                    else if (idleSince == 0)
                    {
                        idleSince = System.nanoTime();
                    }
                    else if (System.nanoTime() - idleSince > TimeUnit.SECONDS.toNanos(1))
                    {
                        break;
                    }
                }
            }
            received[index] = got;
        }
        catch (final Throwable ex)
        {
            failures.add(ex);
        }
    }

    /** Blocking, raw-with-deadline and async calls on a file and getpid; async ones sometimes cancelled. */
    private static void fileWorker(final OffloadRuntime runtime, final int fd, final byte[] content,
        final Random random, final AtomicBoolean stop, final boolean cancels, final AtomicLong calls,
        final AtomicLong timedOut,
        final AtomicLong cancelled, final ConcurrentLinkedQueue<Throwable> failures)
    {
        final int pid = (int)ProcessHandle.current().pid();
        try (Arena arena = Arena.ofShared())
        {
            final MemorySegment shared = arena.allocate(64);
            final MemorySegment auto = Arena.ofAuto().allocate(64);
            while (!stop.get())
            {
                final int offset = random.nextInt(FILE_SIZE - 64);
                final MemorySegment buf = random.nextBoolean() ? shared : auto;
                calls.incrementAndGet();
                try
                {
                    switch (random.nextInt(5))
                    {
                        case 0 -> expectFile(runtime.syscalls().pread(fd, buf, offset), buf, content, offset);
                        case 1 ->
                        {
                            final long n = runtime.raw().withTimeout(Duration.ofNanos(100_000 + random.nextInt(
                                1_000_000))).pread(fd, buf, offset);
                            if (n == -Errno.ETIMEDOUT || n == -Errno.ECANCELED)
                            {
                                timedOut.incrementAndGet();
                            }
                            else
                            {
                                expectFile(n, buf, content, offset);
                            }
                        }
                        case 2 ->
                        {
                            final CompletableFuture<Long> read = runtime.async().pread(fd, buf, offset);
                            if (cancels && random.nextBoolean() && read.cancel(true))
                            {
                                cancelled.incrementAndGet();
                            }
                            else
                            {
                                expectFile(settle(read), buf, content, offset);
                            }
                        }
                        case 3 ->
                        {
                            if (runtime.syscalls().getpid() != pid)
                            {
                                throw new AssertionError("getpid gave another call's result");
                            }
                        }
                        default ->
                        {
                            final CompletableFuture<Integer> getpid = runtime.async().getpid();
                            if (!(cancels && random.nextBoolean() && getpid.cancel(true)) && settle(getpid) != pid)
                            {
                                throw new AssertionError("async getpid gave another call's result");
                            }
                        }
                    }
                }
                catch (final SyscallException ex)
                {
                    if (ex.errno() != Errno.ECANCELED)
                    {
                        throw ex;
                    }
                    cancelled.incrementAndGet();
                }
                Thread.interrupted();
            }
        }
        catch (final Throwable ex)
        {
            failures.add(ex);
        }
    }

    private static void expectFile(final long n, final MemorySegment buf, final byte[] content, final int offset)
    {
        if (n != buf.byteSize())
        {
            throw new AssertionError("pread of " + buf.byteSize() + " bytes at " + offset + " returned " + n);
        }
        for (int i = 0; i < n; i++)
        {
            if (buf.get(ValueLayout.JAVA_BYTE, i) != content[offset + i])
            {
                throw new AssertionError("pread at " + offset + ": byte " + i + " is not the file's");
            }
        }
    }

    /**
     * Wait for a future's outcome whatever interrupts come meanwhile (they are meant for the calls).
     */
    private static <T> T settle(final CompletableFuture<T> future) throws Exception
    {
        final long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            try
            {
                return future.get(1, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                continue;
            }
            catch (final TimeoutException ex)
            {
                if (System.nanoTime() - giveUp > 0)
                {
                    throw new AssertionError("a future never settled: " + future, ex);
                }
            }
            catch (final ExecutionException ex)
            {
                if (ex.getCause() instanceof SyscallException se)
                {
                    throw se;
                }
                throw ex;
            }
        }
    }
}
