package io.offload.servers.agent;

import io.offload.rings.EntryPool;
import io.offload.servers.libc.CpuAffinity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_MAY_PARK;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_PARKED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The servers' wake-up driven by hand, the test thread playing the server: under each policy a parked virtual thread
 * is unparked directly or through the completion thread exactly when the policy says, every call's waiter wakes
 * once with its result, and (in a child JVM with a fresh scheduler) a carrier the wake-up makes the JDK start never
 * has a pinned server's CPU mask.
 */
class WaiterWakeupTest
{
    private static final long LIVENESS_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Arena arena = Arena.ofShared();
    private final EntryPool pool = new EntryPool(64, 1024);
    private final EntryTable entries = new EntryTable(pool);
    private final List<Throwable> errors = new ArrayList<>();

    @AfterEach
    void close()
    {
        pool.close();
        arena.close();
    }

    private int running(final Thread waiter)
    {
        final int handle = pool.claim();
        assertTrue(handle >= 0, "pool exhausted");
        entries.entry().spRequest(handle, 0, 0, 0, 0, 0, 0, 0, 1L, WAITER_MAY_PARK);
        entries.attach(handle, waiter);
        entries.entry().soStatus(handle, STATUS_RUNNING);
        return handle;
    }

    /** A virtual thread that waits for its entry as a caller does, and records the result it saw. */
    private Thread waiter(final int[] handleBox, final AtomicIntegerArray seen, final int index)
    {
        return Thread.ofVirtual().unstarted(() ->
        {
            while (!entries.announcePark(handleBox[0]))
            {
                LockSupport.park();
            }
            seen.getAndAdd(index, (int)entries.entry().lpResult(handleBox[0]));
        });
    }

    private void awaitParked(final int handle)
    {
        final long giveUp = System.nanoTime() + LIVENESS_NANOS;
        while (entries.entry().lvWaiterVolatile(handle) != WAITER_PARKED)
        {
            assertTrue(System.nanoTime() - giveUp < 0, "waiter of " + handle + " never parked");
            Thread.onSpinWait();
        }
    }

    @Test
    void fromAnUnpinnedServerEveryParkedVirtualThreadWakesOnceWithoutTheCompletionThread() throws Exception
    {
        final Completer completer = new Completer(entries, errors::add, WaiterWakeup.Policy.DIRECT_WHEN_UNPINNED);
        final Completer.Port port = completer.newPort(arena);
        final WaiterWakeup wakeup = port.wakeup();
        wakeup.serverStarted(true);
        final int calls = 200;
        final AtomicIntegerArray seen = new AtomicIntegerArray(calls);
        final int[][] handles = new int[calls][1];
        final Thread[] threads = new Thread[calls];
        for (int i = 0; i < calls; i++)
        {
            threads[i] = waiter(handles[i], seen, i);
            handles[i][0] = running(threads[i]);
            threads[i].start();
        }
        for (int i = 0; i < calls; i++)
        {
            awaitParked(handles[i][0]); // so that each completion below has to unpark
            entries.completeAndWake(handles[i][0], 1000 + i, wakeup);
        }
        for (int i = 0; i < calls; i++)
        {
            // the completion thread never runs here: a waiter that wakes was unparked by this "server"
            assertTrue(threads[i].join(java.time.Duration.ofSeconds(60)), "waiter " + i + " never woke");
            assertEquals(1000 + i, seen.get(i), "waiter " + i + " saw its own result once");
        }
        assertEquals(calls, wakeup.directUnparks());
        assertEquals(0, wakeup.completerUnparks());
        assertFalse(completer.hasPending());
        assertTrue(errors.isEmpty(), errors::toString);
    }

    @Test
    void onlyTheServerThatStartedTheWakeupUnparksDirectly() throws Exception
    {
        final Completer completer = new Completer(entries, errors::add, WaiterWakeup.Policy.DIRECT_WHEN_UNPINNED);
        final WaiterWakeup wakeup = completer.newPort(arena).wakeup();
        final Thread server = new Thread(() -> wakeup.serverStarted(true));
        server.start();
        server.join();
        assertCompleterWakes(completer, wakeup, "another thread than the server");
    }

    @Test
    void aPinnedServerGoesThroughTheCompletionThreadUnderDirectWhenUnpinned() throws Exception
    {
        final Completer completer = new Completer(entries, errors::add, WaiterWakeup.Policy.DIRECT_WHEN_UNPINNED);
        final WaiterWakeup wakeup = completer.newPort(arena).wakeup();
        wakeup.serverStarted(false);
        assertCompleterWakes(completer, wakeup, "a pinned server");
    }

    @Test
    void theCompleterPolicyNeverUnparksDirectly() throws Exception
    {
        final Completer completer = new Completer(entries, errors::add);
        final WaiterWakeup wakeup = completer.newPort(arena).wakeup();
        wakeup.serverStarted(true);
        assertCompleterWakes(completer, wakeup, "COMPLETER");
    }

    @Test
    void aPinnedServerUnparksDirectlyOnlyWhileThePoolIsFull() throws Exception
    {
        final boolean[] full = {false};
        final Completer completer = new Completer(entries, errors::add, WaiterWakeup.Policy.DIRECT_WHEN_POOL_FULL);
        final WaiterWakeup wakeup = WaiterWakeup.throughCompleter(completer.newPort(arena),
            WaiterWakeup.Policy.DIRECT_WHEN_POOL_FULL, () -> full[0]);
        wakeup.serverStarted(false);
        assertCompleterWakes(completer, wakeup, "a pinned server, pool short");

        full[0] = true;
        final AtomicIntegerArray seen = new AtomicIntegerArray(1);
        final int[] handle = new int[1];
        final Thread thread = waiter(handle, seen, 0);
        handle[0] = running(thread);
        thread.start();
        awaitParked(handle[0]);
        entries.completeAndWake(handle[0], 9, wakeup);
        assertTrue(thread.join(java.time.Duration.ofSeconds(60)), "a pinned server, pool full: woken directly");
        assertEquals(9, seen.get(0));
        assertEquals(1, wakeup.directUnparks());
    }

    /** One parked virtual thread completed on this thread must wait for the completion thread, and wake by it. */
    private void assertCompleterWakes(final Completer completer, final WaiterWakeup wakeup, final String who)
        throws Exception
    {
        final long before = wakeup.completerUnparks();
        final AtomicIntegerArray seen = new AtomicIntegerArray(1);
        final int[] handle = new int[1];
        final Thread thread = waiter(handle, seen, 0);
        handle[0] = running(thread);
        thread.start();
        awaitParked(handle[0]);
        entries.completeAndWake(handle[0], 5, wakeup);
        assertEquals(before + 1, wakeup.completerUnparks(), who + ": handed to the completion thread");
        assertEquals(0, wakeup.directUnparks(), who + ": not unparked directly");
        assertTrue(completer.hasPending(), who + ": the unpark waits in the completer's ring");
        // not "the waiter is still parked": a park may return for no reason (LockSupport's contract), and this
        // waiter then sees DONE and leaves; that nothing here unparked it is what the two counts above say
        completer.drainAll();
        assertTrue(thread.join(java.time.Duration.ofSeconds(60)), who + ": woken by the completion thread");
        assertEquals(5, seen.get(0));
    }

    @Test
    void prestartedCarriersFillThePool()
    {
        assumeTrue(CarrierPool.parallelism() > 0, "jdk.management's scheduler bean is not available");
        CarrierPool.prestart();
        final long giveUp = System.nanoTime() + LIVENESS_NANOS;
        while (!CarrierPool.isFull())
        {
            assertTrue(System.nanoTime() - giveUp < 0, "pool never full: " + CarrierPool.poolSize() + " of " +
                CarrierPool.parallelism());
            Thread.onSpinWait();
        }
        assertTrue(CarrierPool.poolSize() >= CarrierPool.parallelism());
    }

    /**
     * In a fresh JVM whose scheduler has one busy carrier of four: a pinned server's DIRECT_WHEN_POOL_FULL
     * wake-up goes through the completion thread, and the carrier the JDK then starts has the process's mask; the
     * control (the same server told it is unpinned, so it unparks directly) shows that a direct unpark there
     * would have started a carrier pinned to the server's CPU, so the check can see the hazard.
     */
    @Test
    void aCarrierStartedByAWakeupNeverHasAPinnedServersMask() throws Exception
    {
        assumeTrue(CpuAffinity.allowedCpus().cardinality() >= 2, "needs two CPUs to tell pinned from unpinned");
        final String guarded = child("guarded");
        assumeTrue(!guarded.contains("SKIP"), guarded);
        assertTrue(guarded.contains("VIA COMPLETER"), guarded);
        assertTrue(guarded.contains("CARRIER UNPINNED"), guarded);
        final String control = child("control");
        assumeTrue(!control.contains("SKIP"), control);
        assertTrue(control.contains("VIA DIRECT"), control);
        assertTrue(control.contains("CARRIER PINNED"), control);
    }

    private static String child(final String mode) throws IOException, InterruptedException
    {
        final List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED", "-Djdk.virtualThreadScheduler.parallelism=4",
            "-Djdk.virtualThreadScheduler.maxPoolSize=8", "-cp", System.getProperty("java.class.path"),
            CarrierMaskMain.class.getName(), mode);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return "timed out";
        }
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), out);
        return out;
    }
}
