package io.offload.nio;

import io.offload.servers.OffloadRuntime;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime behind the JVM's default provider ({@code -Djava.nio.file.spi.DefaultFileSystemProvider=
 * io.offload.nio.OffloadFileSystemProvider}): built from the {@code offload.*} system properties on the first
 * file operation, closed by a shutdown hook at exit.
 * <pre>
 *   NEW --first use, CAS--> STARTING --built--> STARTED --exit--> STOPPED
 *                               \--failed-----------------------> STOPPED
 * </pre>
 * Only the thread that wins the CAS builds it; until it is STARTED, every call (the builder's own reads of
 * /sys and of its settings included, and any other thread's) goes to the platform provider, so nothing waits for
 * the start and nothing loops into it. A start that fails is reported once on stderr and the provider stays on
 * the platform.
 */
final class DefaultRuntime
{
    private static final int NEW = 0;
    private static final int STARTING = 1;
    private static final int STARTED = 2;
    private static final int STOPPED = 3;

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
        OffloadRuntime runtime = null;
        try
        {
            runtime = OffloadRuntime.builder().build();
            final Thread hook = new Thread(DefaultRuntime::stop, "offload-nio-shutdown");
            Runtime.getRuntime().addShutdownHook(hook); // IllegalStateException if the JVM is already exiting
            final Started now = new Started(runtime, new RoutedCalls(runtime, true, true),
                new RoutedCalls(runtime, true, false));
            started = now;
            STATE.set(STARTED); // volatile: publishes 'started'
            return now;
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
            if (ex instanceof Error error && !(ex instanceof LinkageError))
            {
                throw error;
            }
            return null;
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
