package io.offload.servers.layout;

import io.offload.servers.libc.CpuAffinity;
import io.offload.servers.topology.CpuList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.BitSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps application threads on a layout's application CPUs, off the CPUs its servers spin on. GenerOS gets its
 * gain from application and kernel work never sharing a core: a server's CPU that also runs application threads
 * loses the warm caches and the immediate pick-up the hand-off pays for. The kernel will not keep the two apart on
 * its own, so every application thread must be confined.
 * <p>
 * {@code sched_setaffinity(0, ...)} acts only on the thread that makes it, so each thread confines itself:
 * <ul>
 *     <li>{@link #threadFactory(String)} makes platform threads that set their CPUs first thing, before their task
 *     (a pool's worker, say) runs; and {@link #pinCurrentThread()} does the same for a thread the application
 *     already has, such as {@code main}.</li>
 *     <li>{@link #newVirtualThreadPerTaskExecutor(String)} runs each task on a virtual thread that sets the CPUs of
 *     the carrier it starts on. A virtual thread has no CPUs of its own; from inside one, a native call runs on the
 *     carrier's OS thread, so the call confines the carrier, and with it every virtual thread that runs on that
 *     carrier afterwards.</li>
 * </ul>
 * Carriers, and the choice made for them: Java gives no public way to name the carrier a virtual thread runs on,
 * so the executor cannot know which carriers are already confined. It sets the carrier's CPUs at the start of
 * every task: one {@code sched_setaffinity} per task, always correct whatever else changed the carrier's CPUs.
 * {@code AppThreadsTest} prints what it costs (about what starting a virtual thread costs: an empty task may cost
 * twice as much, a task that does real work hardly notices; the figures are in {@code jmh-bench/README.md},
 * "Application threads: AppThreads"). The alternative, remembering confined carriers by
 * their kernel thread id ({@code gettid}, itself a system call of a fifth of that cost), was not taken: thread ids
 * are reused, and a carrier confined by another {@code AppThreads} with other CPUs would be taken for one of ours.
 * Limits that come with the JDK's one carrier pool:
 * <ul>
 *     <li>the pool is shared by every virtual thread of the JVM, so confined carriers confine other code's virtual
 *     threads too; that is the intent of a layout (every application thread on application CPUs), and the reason
 *     to give all virtual threads of a process the same {@code AppThreads};</li>
 *     <li>a task that parks may resume on a carrier that has not yet started one of these tasks and is not yet
 *     confined; carriers get confined as they start tasks, so this ends once each has started one;</li>
 *     <li>a carrier stays confined after the executor is closed; the pool's new carriers inherit the CPUs of the
 *     thread that starts them, usually a confined carrier.</li>
 * </ul>
 * The kernel intersects the CPUs with the process's cpuset. A thread that cannot be confined (the kernel refuses,
 * e.g. all the CPUs are outside the cpuset) still runs its task, unconfined: the failure is logged once and counted
 * ({@link #pinFailures()}), the way a runtime without strict pinning treats its servers.
 */
public final class AppThreads
{
    private static final Logger LOG = LoggerFactory.getLogger(AppThreads.class);

    /**
     * The most CPUs a thread's affinity mask holds here ({@code CPU_SETSIZE}).
     */
    private static final int MAX_CPUS = 1024;

    private final int[] cpus;
    private final BitSet cpuSet;
    private final AtomicLong pinFailures = new AtomicLong();

    private AppThreads(final int[] cpus)
    {
        this.cpus = cpus;
        this.cpuSet = new BitSet();
        for (final int cpu : cpus)
        {
            cpuSet.set(cpu);
        }
    }

    /**
     * @param layout a layout with application CPUs ({@code app=...}).
     * @return threads confined to the layout's application CPUs.
     * @throws IllegalArgumentException if the layout does not restrict application threads.
     */
    public static AppThreads of(final CoreLayout layout)
    {
        if (null == layout)
        {
            throw new IllegalArgumentException("layout is null: expected a layout with app cpus, e.g. 'app=0 file=1'");
        }
        final int[] app = layout.appCpus();
        if (0 == app.length)
        {
            throw new IllegalArgumentException(
                "layout '" + layout + "' names no application cpus, so there is nothing to confine threads to: " +
                "add app=<cpus>, e.g. 'app=0 file=1'");
        }

        return onCpus(app);
    }

    /**
     * @param cpus the CPUs application threads may run on, at least one, each below 1024; repeats are ignored.
     * @return threads confined to those CPUs.
     * @throws IllegalArgumentException if no CPU is given or one is out of range.
     */
    public static AppThreads onCpus(final int... cpus)
    {
        if (null == cpus || 0 == cpus.length)
        {
            throw new IllegalArgumentException("no cpus: expected at least one application cpu, e.g. onCpus(0)");
        }
        for (final int cpu : cpus)
        {
            CpuList.checkCpu(cpu);
            if (cpu >= MAX_CPUS)
            {
                throw new IllegalArgumentException(
                    "cpu " + cpu + " is above what a thread's affinity mask holds here: expected cpus below " +
                    MAX_CPUS);
            }
        }

        return new AppThreads(CpuList.parse(CpuList.format(cpus)));
    }

    /**
     * @return the application CPUs, sorted ascending; a copy the caller may change.
     */
    public int[] cpus()
    {
        return cpus.clone();
    }

    /**
     * Confines the calling thread to the application CPUs: for a thread this class did not make, such as
     * {@code main} before it starts its own threads (which inherit its CPUs).
     *
     * @return true if the thread is confined, false if the kernel refused (logged once, counted).
     */
    public boolean pinCurrentThread()
    {
        try
        {
            CpuAffinity.setCurrentThreadCpus(cpuSet);
            return true;
        }
        catch (final Exception ex)
        {
            if (0 == pinFailures.getAndIncrement())
            {
                LOG.warn("could not confine {} to application cpus {}: {}; it runs unconfined (further failures " +
                    "are counted, not logged)", Thread.currentThread(), CpuList.format(cpus), ex.toString());
            }
            return false;
        }
    }

    /**
     * @param namePrefix the threads' names are this followed by a number from 0, e.g. {@code app-0}.
     * @return a factory of platform threads that confine themselves to the application CPUs before their task
     * runs; give it to a thread pool so that its workers stay off the servers' CPUs.
     */
    public ThreadFactory threadFactory(final String namePrefix)
    {
        final ThreadFactory threads = Thread.ofPlatform().name(checkedPrefix(namePrefix), 0).factory();

        return task -> threads.newThread(() ->
        {
            pinCurrentThread();
            task.run();
        });
    }

    /**
     * @param namePrefix the virtual threads' names are this followed by a number from 0.
     * @return an executor that starts a virtual thread per task, each confining its carrier to the application
     * CPUs before the task runs (see the class comment for what that means for the JVM's carriers).
     */
    public ExecutorService newVirtualThreadPerTaskExecutor(final String namePrefix)
    {
        final ThreadFactory threads = Thread.ofVirtual().name(checkedPrefix(namePrefix), 0).factory();

        return Executors.newThreadPerTaskExecutor(task -> threads.newThread(() ->
        {
            pinCurrentThread();
            task.run();
        }));
    }

    /**
     * @return how many times a thread or carrier could not be confined.
     */
    public long pinFailures()
    {
        return pinFailures.get();
    }

    @Override
    public String toString()
    {
        return "AppThreads{cpus=" + CpuList.format(cpus) + "}";
    }

    private static String checkedPrefix(final String namePrefix)
    {
        if (null == namePrefix || namePrefix.isBlank())
        {
            throw new IllegalArgumentException("thread name prefix is blank: expected e.g. \"app-\"");
        }

        return namePrefix;
    }
}
