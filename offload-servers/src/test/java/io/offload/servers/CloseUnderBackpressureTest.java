package io.offload.servers;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15 item 7: callers waiting for an entry or for ring space (WAIT back-pressure) when the runtime closes end
 * like every call in flight at close: ECANCELED saying the runtime closed, or IllegalStateException "closed";
 * never EAGAIN, which under WAIT no call ever gets.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseUnderBackpressureTest
{
    @Test
    void callersWaitingForRoomWhenTheRuntimeClosesNeverGetEagain() throws Exception
    {
        final OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).ringCapacity(16).maxEntries(64).entriesPerPage(64)
            .backpressure(BackpressurePolicy.WAIT)
            .nowaitReads(false) // /dev/zero answers on the caller otherwise: nobody would wait for room
            .build();
        final int fd = runtime.syscalls().open("/dev/zero", LinuxConstants.O_RDONLY, 0);
        final int callers = 2_000;
        final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        final CountDownLatch started = new CountDownLatch(callers);
        final List<Thread> threads = new ArrayList<>();
        final Arena arena = Arena.ofAuto();
        for (int i = 0; i < callers; i++)
        {
            final int id = i;
            final MemorySegment buf = arena.allocate(4096);
            final Thread.Builder builder = id % 125 == 0 ? Thread.ofPlatform() : Thread.ofVirtual();
            threads.add(builder.start(() ->
            {
                started.countDown();
                while (true)
                {
                    try
                    {
                        if ((id & 3) == 0)
                        {
                            try
                            {
                                runtime.async().pread(fd, buf, 0).get();
                            }
                            catch (final ExecutionException ex)
                            {
                                final Throwable cause = ex.getCause();
                                count(outcomes, "async " + (cause instanceof SyscallException se ? se.errnoName() :
                                    cause.getClass().getSimpleName()) + (cause.getMessage().contains("closed") ?
                                    " (closed)" : ": " + cause.getMessage()));
                                if (cause instanceof IllegalStateException)
                                {
                                    return;
                                }
                            }
                        }
                        else if ((id & 1) == 0)
                        {
                            runtime.raw().getpid();
                            final long n = runtime.raw().pread(fd, buf, 0);
                            if (n < 0)
                            {
                                count(outcomes, "raw -" + Errno.name((int)-n));
                                if (n != -Errno.ECANCELED)
                                {
                                    return;
                                }
                            }
                        }
                        else
                        {
                            runtime.syscalls().pread(fd, buf, 0);
                        }
                    }
                    catch (final InterruptedException ex)
                    {
                        count(outcomes, "interrupted");
                        return;
                    }
                    catch (final SyscallException ex)
                    {
                        count(outcomes, ex.errnoName() + (ex.getMessage().contains("closed") ? " (closed)" : ""));
                    }
                    catch (final IllegalStateException ex)
                    {
                        count(outcomes, "IllegalStateException" + (ex.getMessage().contains("closed") ? " (closed)" :
                            ": " + ex.getMessage()));
                        return;
                    }
                }
            }));
        }
        started.await();
        Thread.sleep(200);
        runtime.close();
        for (final Thread thread : threads)
        {
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(!thread.isAlive(), "a caller hung after close(): " + List.of(thread.getStackTrace()));
        }
        System.out.println("CloseUnderBackpressureTest: outcomes after close " + outcomes);
        for (final String outcome : outcomes.keySet())
        {
            assertTrue(outcome.endsWith("ECANCELED (closed)") || outcome.endsWith("IllegalStateException (closed)") ||
                outcome.equals("raw -ECANCELED"), "an outcome other than ECANCELED or 'closed': " + outcome +
                " in " + outcomes);
        }
        assertEquals(0, runtime.stats().entriesInUse());
    }

    private static void count(final Map<String, AtomicLong> outcomes, final String outcome)
    {
        outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
    }
}
