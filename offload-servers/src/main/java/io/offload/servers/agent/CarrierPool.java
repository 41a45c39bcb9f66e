package io.offload.servers.agent;

import jdk.management.VirtualThreadSchedulerMXBean;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * The virtual-thread scheduler's carriers as {@link WaiterWakeup} needs them: whether every carrier its
 * parallelism asks for exists ({@link #isFull()}), and a way to start them from the calling thread
 * ({@link #prestart}). Read through {@code jdk.management}'s {@link VirtualThreadSchedulerMXBean}, whose
 * {@code getPoolSize()} and {@code getParallelism()} are the default scheduler's {@code ForkJoinPool} counts (one
 * volatile read each); where that module or bean is missing the pool is never reported full, so callers take the
 * safe path.
 */
public final class CarrierPool
{
    private static final long PRESTART_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private CarrierPool()
    {
    }

    /**
     * @return whether the default scheduler has at least as many carriers as its parallelism, so that a task
     *         submitted now wakes an idle carrier or queues for a busy one rather than starting a carrier (see
     *         {@link WaiterWakeup} for the JDK code that makes this so, and its one exception).
     */
    public static boolean isFull()
    {
        final VirtualThreadSchedulerMXBean bean = Bean.BEAN;
        return bean != null && bean.getPoolSize() >= bean.getParallelism();
    }

    /**
     * @return carriers that exist now, or -1 if the scheduler cannot be observed.
     */
    public static int poolSize()
    {
        final VirtualThreadSchedulerMXBean bean = Bean.BEAN;
        return bean == null ? -1 : bean.getPoolSize();
    }

    /**
     * @return the scheduler's parallelism, or -1 if it cannot be observed.
     */
    public static int parallelism()
    {
        final VirtualThreadSchedulerMXBean bean = Bean.BEAN;
        return bean == null ? -1 : bean.getParallelism();
    }

    /**
     * Start the scheduler's missing carriers from the calling thread, which must be unpinned (they inherit its CPU
     * mask): one virtual thread per carrier of the parallelism, each busy (never parking, so it holds its carrier)
     * until the pool is full or a patience runs out, so that each submission finds no idle carrier and the pool
     * starts one. Returns without waiting for them; {@link #isFull()} says when it worked.
     *
     * @return virtual threads started, 0 if the pool was full already or cannot be observed.
     */
    public static int prestart()
    {
        final VirtualThreadSchedulerMXBean bean = Bean.BEAN;
        if (bean == null || isFull())
        {
            return 0;
        }
        final int parallelism = bean.getParallelism();
        final long giveUp = System.nanoTime() + PRESTART_PATIENCE_NANOS;
        final Runnable holdCarrier = () ->
        {
            while (!isFull() && System.nanoTime() - giveUp < 0)
            {
                Thread.onSpinWait();
            }
        };
        for (int i = 0; i < parallelism; i++)
        {
            Thread.ofVirtual().name("offload-carrier-start-" + i).start(holdCarrier);
        }
        return parallelism;
    }

    /** Loaded on first use, so runtimes that never ask pay nothing for the management bean. */
    private static final class Bean
    {
        static final VirtualThreadSchedulerMXBean BEAN = load();

        private static VirtualThreadSchedulerMXBean load()
        {
            try
            {
                return ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);
            }
            catch (final RuntimeException | LinkageError ex)
            {
                return null; // no jdk.management: never "full", so every pinned server keeps the completer
            }
        }
    }
}
