package io.offload.nio;

import io.offload.servers.OffloadRuntime;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime behind the JVM's default provider ({@code -Djava.nio.file.spi.DefaultFileSystemProvider=
 * io.offload.nio.OffloadFileSystemProvider}): built from the {@code offload.*} system properties on the first
 * file operation, closed by a shutdown hook at exit.
 * <pre>
 *   NEW --first use, CAS--> STARTING --built--> STARTED --exit--> STOPPED
 *                               \--failed-----------------------> STOPPED
 * </pre>
 * The thread that wins the CAS has the runtime built on a thread of its own ({@code offload-nio-start}, whose own
 * file calls, like the servers', go to the platform) and waits for it at most {@link #FIRST_CALLER_WAIT_MS}: a first
 * caller that holds a lock the start needs (a logging back-end's, say) is never deadlocked, only sent to the
 * platform. Until the runtime is STARTED every other call goes to the platform provider at once, so nothing loops
 * into the start and nothing else waits for it. A start that fails is reported once on stderr and the provider
 * stays on the platform.
 */
final class DefaultRuntime
{
    private static final int NEW = 0;
    private static final int STARTING = 1;
    private static final int STARTED = 2;
    private static final int STOPPED = 3;

    /** How long the first caller waits for the start before its call goes to the platform. */
    static final long FIRST_CALLER_WAIT_MS = 5_000;

    private static final AtomicInteger STATE = new AtomicInteger(NEW);
    private static volatile Started started;

    private DefaultRuntime()
    {
    }

    /** The started runtime with its routed calls. */
    record Started(OffloadRuntime runtime, RoutedCalls pathCalls, RoutedCalls fdCalls)
    {
    }

    /**
     * @return the started runtime, starting it on the first call; null while it starts, if it failed, or once it
     *         has stopped.
     */
    static Started current()
    {
        final int state = STATE.get();
        if (state == STARTED)
        {
            return started;
        }
        return state == NEW ? start() : null;
    }

    /**
     * @return the started runtime, or null; never starts it.
     */
    static Started peek()
    {
        return STATE.get() == STARTED ? started : null;
    }

    private static Started start()
    {
        if (!STATE.compareAndSet(NEW, STARTING))
        {
            return peek();
        }
        final CountDownLatch done = new CountDownLatch(1);
        final Thread starter = new Thread(() ->
        {
            try
            {
                build();
            }
            finally
            {
                done.countDown();
            }
        }, "offload-nio-start");
        starter.setDaemon(true);
        starter.start();
        try
        {
            done.await(FIRST_CALLER_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt(); // this call goes to the platform; the start goes on
        }
        return peek();
    }

    private static void build()
    {
        OffloadRuntime runtime = null;
        try
        {
            runtime = OffloadRuntime.builder().build();
            final Thread hook = new Thread(DefaultRuntime::stop, "offload-nio-shutdown");
            Runtime.getRuntime().addShutdownHook(hook); // IllegalStateException if the JVM is already exiting
            final Started now = new Started(runtime, new RoutedCalls(runtime, true, true),
                new RoutedCalls(runtime, true, false));
            started = now;
            if (!STATE.compareAndSet(STARTING, STARTED)) // volatile: publishes 'started'
            {
                runtime.close(); // the JVM began to exit while the runtime started
            }
        }
        catch (final Throwable ex)
        {
            STATE.set(STOPPED);
            if (runtime != null)
            {
                try
                {
                    runtime.close();
                }
                catch (final RuntimeException closeFailure)
                {
                    ex.addSuppressed(closeFailure);
                }
            }
            if (!(ex instanceof IllegalStateException) || !String.valueOf(ex.getMessage()).contains("Shutdown"))
            {
                System.err.println("offload: the default file system provider could not start its runtime and " +
                    "stays on the platform provider: " + ex);
            }
        }
    }

    /**
     * The shutdown hook: new calls go to the platform from now on, calls in flight finish or are run again on
     * their callers (RoutedCalls), then the runtime closes.
     */
    static void stop()
    {
        final int state = STATE.getAndSet(STOPPED);
        final Started last = started;
        if (state == STARTED && last != null)
        {
            last.runtime().close();
        }
    }
}
