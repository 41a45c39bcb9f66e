package io.offload.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The echo server's per-connection loop on a virtual thread, with what {@link EchoBenchmark} needs around it: the
 * loop's failure kept for the benchmark thread, the virtual-thread carriers started before anything is pinned,
 * and a print of the threads confined to fewer CPUs than the process.
 */
final class EchoLoop
{
    /** The loop's body; returns when the client closes. */
    @FunctionalInterface
    interface Body
    {
        void run() throws Exception;
    }

    private final Thread thread;
    private volatile Throwable failure;

    private EchoLoop(final String name, final Body body)
    {
        this.thread = Thread.ofVirtual().name(name).unstarted(() ->
        {
            try
            {
                body.run();
            }
            catch (final Throwable ex)
            {
                failure = ex;
            }
        });
    }

    /**
     * @param name the virtual thread's name.
     * @param body the loop; it must close its end of the connection when it ends, so a client that waits for an
     *             echo sees end of stream instead of waiting forever.
     * @return the started loop.
     */
    static EchoLoop start(final String name, final Body body)
    {
        final EchoLoop loop = new EchoLoop(name, body);
        loop.thread.start();
        return loop;
    }

    /**
     * @param millis how long to wait.
     * @return whether the loop has ended.
     * @throws InterruptedException if interrupted.
     */
    boolean join(final long millis) throws InterruptedException
    {
        return thread.join(java.time.Duration.ofMillis(millis));
    }

    /**
     * @return empty, or why the loop failed, for an exception message.
     */
    String failureText()
    {
        final Throwable f = failure;
        return f == null ? "" : "; the echo loop failed: " + f;
    }

    /**
     * Throw the loop's failure, if any.
     *
     * @throws Exception the failure.
     */
    void rethrow() throws Exception
    {
        final Throwable f = failure;
        if (f instanceof Exception ex)
        {
            throw ex;
        }
        if (f instanceof Error err)
        {
            throw err;
        }
    }

    /**
     * Make the virtual-thread scheduler start all its carriers now, from this (not yet pinned) thread: as many
     * virtual threads as the scheduler's parallelism, each spinning until all are running at once. A carrier the
     * scheduler starts later is created by whichever thread submits work then (a pinned benchmark thread, or an
     * offload server unparking a virtual thread) and inherits that thread's one-CPU mask. Best effort: a machine
     * too loaded to run them together within a second gets a warning.
     *
     * @throws InterruptedException if interrupted.
     */
    static void startCarriers() throws InterruptedException
    {
        final int parallelism = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
            Runtime.getRuntime().availableProcessors());
        final AtomicInteger running = new AtomicInteger();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        final List<Thread> threads = new ArrayList<>(parallelism);
        for (int i = 0; i < parallelism; i++)
        {
            threads.add(Thread.ofVirtual().name("echo-carrier-warm-" + i).start(() ->
            {
                running.incrementAndGet();
                while (running.get() < parallelism && System.nanoTime() < deadline)
                {
                    Thread.onSpinWait();
                }
            }));
        }
        for (final Thread t : threads)
        {
            t.join();
        }
        if (running.get() < parallelism)
        {
            System.out.println("[offload-bench] WARNING: only " + running.get() + " of " + parallelism +
                " virtual-thread carriers ran at once; a later one may inherit a pinned thread's CPU");
        }
    }

    /**
     * Print every thread of this process whose CPU mask differs from the main thread's: the pinned benchmark
     * thread and server, and any thread that inherited a pin by being started from one.
     */
    static void printConfinedThreads()
    {
        try
        {
            final String all = cpusAllowed(Path.of("/proc/self/status"));
            final StringBuilder line = new StringBuilder();
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task")))
            {
                for (final Path task : (Iterable<Path>)tasks.sorted()::iterator)
                {
                    final String cpus;
                    final String name;
                    try
                    {
                        cpus = cpusAllowed(task.resolve("status"));
                        name = Files.readString(task.resolve("comm")).strip();
                    }
                    catch (final IOException gone)
                    {
                        continue; // the thread ended meanwhile
                    }
                    if (!cpus.equals(all))
                    {
                        line.append(line.isEmpty() ? "" : ", ").append(name).append("=cpu ").append(cpus);
                    }
                }
            }
            System.out.println("[offload-bench] threads confined within cpus " + all + ": " +
                (line.isEmpty() ? "none" : line));
        }
        catch (final IOException | RuntimeException ex)
        {
            System.out.println("[offload-bench] could not list thread CPU masks: " + ex);
        }
    }

    private static String cpusAllowed(final Path status) throws IOException
    {
        for (final String l : Files.readAllLines(status))
        {
            if (l.startsWith("Cpus_allowed_list:"))
            {
                return l.substring("Cpus_allowed_list:".length()).strip();
            }
        }
        return "?";
    }
}
