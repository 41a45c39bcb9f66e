package io.offload.examples.workloads;

import io.offload.api.SyscallException;
import io.offload.servers.libc.CpuAffinity;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs copies of a body on fresh platform threads, each placed on given CPUs before it starts, and times them
 * from one start signal to the last one's end. Fresh threads, because a pinned thread stays pinned and the threads
 * it creates inherit its mask: the caller of a workload keeps its own mask whatever the layout.
 */
final class Workers
{
    private Workers()
    {
    }

    /** The work of one thread. */
    @FunctionalInterface
    interface Body<T>
    {
        /**
         * @param index which copy, 0 .. copies - 1.
         * @return what it computed.
         */
        T run(int index);
    }

    /**
     * What the copies computed and how long they took.
     *
     * @param results      one per copy, in order.
     * @param elapsedNanos start signal to the end of the last copy.
     * @param placed       whether every thread got the CPUs it asked for.
     */
    record Outcome<T>(List<T> results, long elapsedNanos, boolean placed)
    {
    }

    /**
     * @param name   thread name prefix.
     * @param copies how many threads.
     * @param cpus   where each may run (one CPU: pinned; several: any of them), or null to leave the inherited mask.
     * @param body   the work.
     * @param <T>    its result.
     * @return the results and the time.
     * @throws IllegalStateException if a copy threw (the first failure, the others suppressed).
     */
    static <T> Outcome<T> run(final String name, final int copies, final BitSet cpus, final Body<T> body)
    {
        final CountDownLatch ready = new CountDownLatch(copies);
        final CountDownLatch go = new CountDownLatch(1);
        final List<T> results = new ArrayList<>(copies);
        final long[] ends = new long[copies];
        final boolean[] placed = new boolean[copies];
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>(copies);
        for (int i = 0; i < copies; i++)
        {
            results.add(null);
        }
        for (int i = 0; i < copies; i++)
        {
            final int index = i;
            threads.add(Thread.ofPlatform().name(name + "-" + i).start(() ->
            {
                placed[index] = place(cpus);
                ready.countDown();
                try
                {
                    go.await();
                    final T result = body.run(index);
                    ends[index] = System.nanoTime();
                    synchronized (results)
                    {
                        results.set(index, result);
                    }
                }
                catch (final Throwable ex)
                {
                    ends[index] = System.nanoTime();
                    if (!failure.compareAndSet(null, ex))
                    {
                        failure.get().addSuppressed(ex);
                    }
                }
            }));
        }
        awaitUninterruptibly(ready);
        final long start = System.nanoTime();
        go.countDown();
        for (final Thread thread : threads)
        {
            joinUninterruptibly(thread);
        }
        final Throwable failed = failure.get();
        if (failed != null)
        {
            if (failed instanceof RuntimeException ex)
            {
                throw ex;
            }
            throw new IllegalStateException(name + " failed: " + failed, failed);
        }
        long end = start;
        boolean allPlaced = true;
        for (int i = 0; i < copies; i++)
        {
            end = Math.max(end, ends[i]);
            allPlaced &= placed[i];
        }
        synchronized (results)
        {
            return new Outcome<>(List.copyOf(results), end - start, allPlaced);
        }
    }

    /**
     * @param cpus where the calling thread may run, or null.
     * @return whether it was placed there (true for null).
     */
    static boolean place(final BitSet cpus)
    {
        if (cpus == null)
        {
            return true;
        }
        try
        {
            if (cpus.cardinality() == 1)
            {
                CpuAffinity.pinCurrentThread(cpus.nextSetBit(0));
            }
            else
            {
                CpuAffinity.setCurrentThreadCpus(cpus);
            }
            return true;
        }
        catch (final SyscallException | RuntimeException ex)
        {
            return false;
        }
    }

    private static void awaitUninterruptibly(final CountDownLatch latch)
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                latch.await();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinUninterruptibly(final Thread thread)
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                thread.join();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
