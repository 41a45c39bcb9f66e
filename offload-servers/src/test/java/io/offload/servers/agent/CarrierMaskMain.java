package io.offload.servers.agent;

import io.offload.rings.EntryPool;
import io.offload.servers.libc.CpuAffinity;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_MAY_PARK;
import static io.offload.rings.SyscallEntryDescriptor.WAITER_PARKED;

/**
 * Run by {@link WaiterWakeupTest} in a JVM of its own, on a scheduler of parallelism 4: one carrier exists and is
 * kept busy by a spinning virtual thread while a "server" platform thread pinned to one CPU completes the call a
 * second virtual thread is parked on. With no idle carrier and fewer carriers than the parallelism, the JDK starts
 * one for whoever unparks. {@code guarded}: the server's wake-up is DIRECT_WHEN_POOL_FULL with the truth (pinned,
 * pool short), so the unpark goes to the completion thread, driven here by the unpinned main thread.
 * {@code control}: the server claims to be unpinned and unparks directly. The woken thread reads its carrier's
 * mask ({@code sched_getaffinity} of the calling OS thread, which in a virtual thread is its carrier).
 */
public final class CarrierMaskMain
{
    private CarrierMaskMain()
    {
    }

    /**
     * @param args {@code guarded} or {@code control}.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final boolean control = "control".equals(args[0]);
        CpuAffinity.unpinCurrentThread(); // not whatever mask the parent's thread had
        final BitSet all = CpuAffinity.allowedCpus();
        final int serverCpu = all.nextSetBit(0);
        try (Arena arena = Arena.ofShared(); EntryPool pool = new EntryPool(16, 64))
        {
            final EntryTable entries = new EntryTable(pool);
            final Completer completer = new Completer(entries, Throwable::printStackTrace,
                WaiterWakeup.Policy.DIRECT_WHEN_POOL_FULL);
            final WaiterWakeup wakeup = completer.newPort(arena).wakeup();

            final AtomicReference<BitSet> carrierMask = new AtomicReference<>();
            final int[] handle = new int[1];
            final Thread waiter = Thread.ofVirtual().unstarted(() ->
            {
                while (!entries.announcePark(handle[0]))
                {
                    LockSupport.park();
                }
                carrierMask.set(CpuAffinity.allowedCpus());
            });
            handle[0] = pool.claim();
            entries.entry().spRequest(handle[0], 0, 0, 0, 0, 0, 0, 0, 1L, WAITER_MAY_PARK);
            entries.attach(handle[0], waiter);
            entries.entry().soStatus(handle[0], STATUS_RUNNING);
            waiter.start(); // the first carrier, started from this unpinned thread
            final long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (entries.entry().lvWaiterVolatile(handle[0]) != WAITER_PARKED)
            {
                check(giveUp, "waiter never parked");
                Thread.onSpinWait();
            }
            // every carrier busy: spinners that never park, one more while a carrier is idle
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicInteger spinning = new AtomicInteger();
            final List<Thread> spinners = new ArrayList<>();
            while (spinning.get() < CarrierPool.poolSize() || spinners.isEmpty())
            {
                final int want = spinners.size() + 1;
                spinners.add(Thread.ofVirtual().start(() ->
                {
                    spinning.incrementAndGet();
                    while (!stop.get())
                    {
                        Thread.onSpinWait();
                    }
                }));
                while (spinning.get() < want)
                {
                    check(giveUp, "spinner never ran");
                    Thread.onSpinWait();
                }
            }
            System.out.println("POOL " + CarrierPool.poolSize() + " OF " + CarrierPool.parallelism());
            if (CarrierPool.isFull())
            {
                stop.set(true);
                System.out.println("SKIP the pool filled before the server ran");
                return;
            }

            final Thread server = new Thread(() ->
            {
                try
                {
                    CpuAffinity.pinCurrentThread(serverCpu);
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
                wakeup.serverStarted(control); // control lies: "unpinned", so it unparks directly
                entries.completeAndWake(handle[0], 1, wakeup);
            }, "pinned-server");
            server.start();
            server.join();
            System.out.println(wakeup.directUnparks() == 1 ? "VIA DIRECT" : "VIA COMPLETER");
            while (waiter.isAlive())
            {
                check(giveUp, "waiter never woke");
                completer.drainAll(); // the completion thread's work, on this unpinned thread
                waiter.join(1);
            }
            stop.set(true);
            for (final Thread spinner : spinners)
            {
                spinner.join();
            }
            final BitSet mask = carrierMask.get();
            System.out.println("MASK " + mask + " ALLOWED " + all + " SERVER CPU " + serverCpu);
            final BitSet pinned = new BitSet();
            pinned.set(serverCpu);
            System.out.println(mask.equals(pinned) ? "CARRIER PINNED" : mask.equals(all) ? "CARRIER UNPINNED" :
                "CARRIER OTHER");
        }
    }

    private static void check(final long giveUp, final String what)
    {
        if (System.nanoTime() - giveUp > 0)
        {
            System.out.println("TIMEOUT " + what);
            System.exit(3);
        }
    }
}
