package io.offload.servers;

import io.offload.api.PhaseRecording;
import io.offload.api.WaitStrategy;
import io.offload.servers.jmx.OffloadMBeans;
import io.offload.servers.uring.ExecutorChoice;
import io.offload.servers.uring.IoUringExecutorOptions;
import io.offload.servers.uring.IoUringSupport;

import java.util.Locale;

/**
 * Every setting's system property and default, in one place (as Aeron's {@code Configuration} is), with the strict
 * readers {@link OffloadContext#conclude()} uses: a property that is set but malformed fails the build with a message
 * naming the property, the value and what is accepted; one that is not set gives the default. Nothing here is read
 * before a runtime is built.
 */
public final class Configuration
{
    /** {@link WaitStrategy} of blocking platform-thread callers: SPIN, SPIN_THEN_PARK or PARK. */
    public static final String WAIT_STRATEGY_PROP = "offload.wait.strategy";
    /** Default {@link #WAIT_STRATEGY_PROP}. */
    public static final WaitStrategy WAIT_STRATEGY_DEFAULT = WaitStrategy.SPIN_THEN_PARK;

    /** Spins before a platform thread parks under SPIN_THEN_PARK. */
    public static final String SPIN_LIMIT_PROP = "offload.wait.spins";
    /** Default {@link #SPIN_LIMIT_PROP}. */
    public static final int SPIN_LIMIT_DEFAULT = 20_000;

    /** Spins before a virtual thread yields or parks, whatever the strategy, at most 100,000. */
    public static final String VIRTUAL_SPIN_LIMIT_PROP = "offload.wait.virtualSpins";
    /** Default {@link #VIRTUAL_SPIN_LIMIT_PROP}. */
    public static final int VIRTUAL_SPIN_LIMIT_DEFAULT = 200;

    /** Times a virtual thread yields its carrier, looking between yields, before it parks; at most 1,000,000. */
    public static final String VIRTUAL_YIELD_LIMIT_PROP = "offload.wait.virtualYields";
    /** Default {@link #VIRTUAL_YIELD_LIMIT_PROP}: park after the spins. */
    public static final int VIRTUAL_YIELD_LIMIT_DEFAULT = 0;

    /** Capacity of each server's ring, a power of two. */
    public static final String RING_CAPACITY_PROP = "offload.ring.capacity";
    /** Default {@link #RING_CAPACITY_PROP}. */
    public static final int RING_CAPACITY_DEFAULT = 1024;

    /** Entries per pool page, a power of two. */
    public static final String ENTRIES_PER_PAGE_PROP = "offload.entries.perPage";
    /** Default {@link #ENTRIES_PER_PAGE_PROP}. */
    public static final int ENTRIES_PER_PAGE_DEFAULT = 1024;

    /** Bound on the pool's entries (calls in flight), a multiple of the entries per page. */
    public static final String MAX_ENTRIES_PROP = "offload.entries.max";
    /** Default {@link #MAX_ENTRIES_PROP}. */
    public static final int MAX_ENTRIES_DEFAULT = 131_072;

    /** {@link BackpressurePolicy} when the pool or a ring is full: WAIT or REJECT. */
    public static final String BACKPRESSURE_PROP = "offload.backpressure";
    /** Default {@link #BACKPRESSURE_PROP}. */
    public static final BackpressurePolicy BACKPRESSURE_DEFAULT = BackpressurePolicy.WAIT;

    /** Most entries a server takes per drain. */
    public static final String BATCH_LIMIT_PROP = "offload.server.batch";
    /** Default {@link #BATCH_LIMIT_PROP}. */
    public static final int BATCH_LIMIT_DEFAULT = 64;

    /** Fail the build if a server cannot be pinned: true or false. */
    public static final String STRICT_PINNING_PROP = "offload.pin.strict";
    /** Default {@link #STRICT_PINNING_PROP}: warn and run unpinned. */
    public static final boolean STRICT_PINNING_DEFAULT = false;

    /** Idle strategy of servers: reactor, busy, yield, backoff, sleep or noop. */
    public static final String IDLE_STRATEGY_PROP = "offload.idle";
    /** Default {@link #IDLE_STRATEGY_PROP}: spin, yield, then sleep in the server's epoll_wait. */
    public static final String IDLE_STRATEGY_DEFAULT = "reactor";

    /** Spins of the reactor idle strategy before it yields. */
    public static final String IDLE_SPINS_PROP = "offload.idle.spins";
    /** Default {@link #IDLE_SPINS_PROP}. */
    public static final int IDLE_SPINS_DEFAULT = 2_000;
    /**
     * Spins and yields of the reactor idle strategy of an unpinned server when neither {@link #IDLE_SPINS_PROP} nor
     * {@link #IDLE_YIELDS_PROP} is set: none. An unpinned server shares its CPUs with the application, and every
     * cycle it spins is taken from the threads whose calls it would serve; it sleeps in its reactor at once and is
     * woken by the next submission.
     */
    public static final int IDLE_CYCLES_UNPINNED_DEFAULT = 0;

    /** Yields of the reactor idle strategy before it sleeps in epoll_wait. */
    public static final String IDLE_YIELDS_PROP = "offload.idle.yields";
    /** Default {@link #IDLE_YIELDS_PROP}. */
    public static final int IDLE_YIELDS_DEFAULT = 50;

    /** Adaptive routing: true or false. */
    public static final String ADAPTIVE_PROP = "offload.adaptive";
    /** Default {@link #ADAPTIVE_PROP}. */
    public static final boolean ADAPTIVE_DEFAULT = false;

    /** Adaptive routing: one call in this many runs the other way, {@code >= 2}. */
    public static final String ADAPTIVE_PROBE_PROP = "offload.adaptive.probe";
    /** Default {@link #ADAPTIVE_PROBE_PROP}. */
    public static final int ADAPTIVE_PROBE_DEFAULT = 32;

    /** Adaptive routing: calls recorded each way before a call's route may change, {@code >= 1}. */
    public static final String ADAPTIVE_MIN_SAMPLES_PROP = "offload.adaptive.minSamples";
    /** Default {@link #ADAPTIVE_MIN_SAMPLES_PROP}. */
    public static final int ADAPTIVE_MIN_SAMPLES_DEFAULT = 200;

    /** Adaptive routing: how often to decide, in milliseconds. */
    public static final String ADAPTIVE_PERIOD_PROP = "offload.adaptive.periodMs";
    /** Default {@link #ADAPTIVE_PERIOD_PROP}. */
    public static final int ADAPTIVE_PERIOD_MS_DEFAULT = 100;

    /** Phase recording: off, all or 1/N. */
    public static final String PHASES_PROP = "offload.phases";
    /** Default {@link #PHASES_PROP}. */
    public static final PhaseRecording PHASES_DEFAULT = PhaseRecording.OFF;

    /** How long close() waits for calls in flight, in milliseconds. */
    public static final String SHUTDOWN_TIMEOUT_PROP = "offload.shutdown.timeoutMs";
    /** Default {@link #SHUTDOWN_TIMEOUT_PROP}. */
    public static final int SHUTDOWN_TIMEOUT_MS_DEFAULT = 5_000;

    /**
     * Where async futures are completed: {@code completion} (the runtime's completion thread) or {@code virtual} (a
     * virtual thread per completion, owned by the runtime).
     */
    public static final String ASYNC_EXECUTOR_PROP = "offload.async.executor";
    /** Default {@link #ASYNC_EXECUTOR_PROP}. */
    public static final String ASYNC_EXECUTOR_DEFAULT = "completion";

    /** A core layout in compact form, e.g. {@code app=0 file=1} (see {@code CoreLayout}); none by default. */
    public static final String LAYOUT_PROP = "offload.layout";

    /** How a server wakes a parked virtual thread (issue 12 item 4): see {@link WakeupPolicy}. */
    public static final String WAKEUP_PROP = "offload.wakeup";
    /** Default {@link #WAKEUP_PROP}: unpinned servers unpark directly, pinned ones through the completion thread. */
    public static final WakeupPolicy WAKEUP_DEFAULT = WakeupPolicy.DIRECT_WHEN_UNPINNED;

    /** JMX MBeans of each runtime: true or false. */
    public static final String JMX_PROP = OffloadMBeans.ENABLED_PROP;
    /** Default {@link #JMX_PROP}. */
    public static final boolean JMX_DEFAULT = true;

    /**
     * Which executor runs each server's calls: {@code AUTO} (io_uring where the kernel allows it here, else system
     * calls), {@code IO_URING} (io_uring, or the build fails) or {@code SYSCALLS}; any case.
     */
    public static final String EXECUTOR_PROP = ExecutorChoice.PROPERTY;
    /** Default {@link #EXECUTOR_PROP}. */
    public static final ExecutorChoice.Kind EXECUTOR_DEFAULT = ExecutorChoice.Kind.AUTO;

    /** io_uring executor: requests in the kernel per server, 1 to {@link IoUringExecutorOptions#MAX_IN_FLIGHT}. */
    public static final String URING_MAX_IN_FLIGHT_PROP = "offload.uring.maxInFlight";
    /** Default {@link #URING_MAX_IN_FLIGHT_PROP}. */
    public static final int URING_MAX_IN_FLIGHT_DEFAULT = IoUringExecutorOptions.DEFAULT_MAX_IN_FLIGHT;

    /** io_uring executor: answer waiting fsync/fdatasync calls of one fd with one sync: true or false. */
    public static final String URING_FSYNC_COALESCING_PROP = "offload.uring.fsyncCoalescing";
    /** Default {@link #URING_FSYNC_COALESCING_PROP}. */
    public static final boolean URING_FSYNC_COALESCING_DEFAULT = false;

    /**
     * Make the io_uring availability check answer "refused" (for tests of the fallback): AUTO then runs on system
     * calls and IO_URING fails the build. true or false.
     */
    public static final String URING_SIMULATE_UNAVAILABLE_PROP = IoUringSupport.SIMULATE_UNAVAILABLE_PROPERTY;
    /** Default {@link #URING_SIMULATE_UNAVAILABLE_PROP}. */
    public static final boolean URING_SIMULATE_UNAVAILABLE_DEFAULT = false;

    /**
     * FILE {@code read}/{@code pread} first try {@code preadv2(RWF_NOWAIT)} on the caller: data in the page cache
     * is returned at once, without the hand-off; anything else goes to the servers. true or false.
     */
    public static final String NOWAIT_READS_PROP = "offload.file.nowaitReads";
    /** Default {@link #NOWAIT_READS_PROP}. */
    public static final boolean NOWAIT_READS_DEFAULT = true;

    /**
     * Socket writes of up to this many bytes return once their bytes are copied into runtime memory; the socket's
     * server sends them, and a failure surfaces on the socket's next write, sendfile, shutdown or close (as the
     * kernel's send buffer does). 0 turns write-behind off: every write waits for its send. Bytes, 0 to
     * {@value #WRITE_BEHIND_MAX_BYTES}.
     */
    public static final String WRITE_BEHIND_BYTES_PROP = "offload.net.writeBehindBytes";
    /** Default {@link #WRITE_BEHIND_BYTES_PROP}: an HTTP response's headers and a small body. */
    public static final int WRITE_BEHIND_BYTES_DEFAULT = 65_536;
    /** The largest {@link #WRITE_BEHIND_BYTES_PROP}: a bounce buffer of the pool's largest pooled class. */
    public static final int WRITE_BEHIND_MAX_BYTES = 1 << 20;

    private Configuration()
    {
    }

    /**
     * @param property a property name.
     * @return its value, trimmed, or null if it is not set or blank.
     */
    static String text(final String property)
    {
        final String value = System.getProperty(property);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * @param property     a property name.
     * @param defaultValue its default.
     * @return the property's value as an int (underscores allowed, as in {@code 131_072}), or the default.
     * @throws IllegalArgumentException if it is set but not an int.
     */
    static int intValue(final String property, final int defaultValue)
    {
        final String value = text(property);
        if (value == null)
        {
            return defaultValue;
        }
        try
        {
            return Integer.parseInt(value.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw malformed(property, value, "a whole number between " + Integer.MIN_VALUE + " and " +
                Integer.MAX_VALUE + " (e.g. " + defaultValue + ")");
        }
    }

    /**
     * @param property     a property name.
     * @param defaultValue its default.
     * @return the property's value, or the default.
     * @throws IllegalArgumentException if it is set but neither {@code true} nor {@code false}.
     */
    static boolean booleanValue(final String property, final boolean defaultValue)
    {
        final String value = text(property);
        if (value == null)
        {
            return defaultValue;
        }
        return switch (value.toLowerCase(Locale.ROOT))
        {
            case "true" -> true;
            case "false" -> false;
            default -> throw malformed(property, value, "true or false");
        };
    }

    /**
     * @param property     a property name.
     * @param type         the enum.
     * @param defaultValue its default.
     * @param <E>          the enum.
     * @return the constant the property names (any case), or the default.
     * @throws IllegalArgumentException if it is set but names no constant.
     */
    static <E extends Enum<E>> E enumValue(final String property, final Class<E> type, final E defaultValue)
    {
        final String value = text(property);
        if (value == null)
        {
            return defaultValue;
        }
        try
        {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw malformed(property, value, "one of " + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    /**
     * @return the phase recording of {@link #PHASES_PROP}, or the default.
     */
    static PhaseRecording phases()
    {
        final String value = text(PHASES_PROP);
        if (value == null)
        {
            return PHASES_DEFAULT;
        }
        try
        {
            return PhaseRecording.parse(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw malformed(PHASES_PROP, value, "off, all or 1/N with N >= 2 (e.g. 1/64)");
        }
    }

    /**
     * @return the executor kind of {@link #EXECUTOR_PROP}, or the default.
     * @throws IllegalArgumentException if it is set but is none of AUTO, IO_URING, SYSCALLS.
     */
    static ExecutorChoice.Kind executorKind()
    {
        final String value = text(EXECUTOR_PROP);
        if (value == null)
        {
            return EXECUTOR_DEFAULT;
        }
        try
        {
            return ExecutorChoice.Kind.parse(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw malformed(EXECUTOR_PROP, value, "one of AUTO, IO_URING, SYSCALLS (any case)");
        }
    }

    /**
     * @return whether {@link #ASYNC_EXECUTOR_PROP} asks for virtual threads.
     */
    static boolean asyncOnVirtualThreads()
    {
        final String value = text(ASYNC_EXECUTOR_PROP);
        if (value == null)
        {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT))
        {
            case "completion" -> false;
            case "virtual" -> true;
            default -> throw new IllegalArgumentException("unknown " + ASYNC_EXECUTOR_PROP + " '" + value +
                "': use completion (the runtime's completion thread) or virtual (a virtual thread each)");
        };
    }

    /**
     * @param property the property.
     * @param value    what it holds.
     * @param accepted what would be accepted.
     * @return the exception that fails the build.
     */
    static IllegalArgumentException malformed(final String property, final String value, final String accepted)
    {
        return new IllegalArgumentException("-D" + property + "=" + value + " is not valid: use " + accepted);
    }
}
