package io.offload.servers.agent;

/**
 * Layout of one server's counters, off-heap, written by the server thread alone (release stores, no atomics) and
 * read by {@code stats()} from any thread (acquire loads).
 * <pre>
 *  +-------------------------------------------+  0
 *  |  padding                            128 B |  keeps the block off whatever precedes it
 *  +-------------------------------------------+  128
 *  |  picked up        (long)                  |  +0
 *  |  completed        (long)                  |  +8
 *  |  failed           (long)                  |  +16
 *  |  cancelled        (long)                  |  +24
 *  |  batches          (long)                  |  +32
 *  |  max batch        (long)                  |  +40
 *  |  idle cycles      (long)                  |  +48
 *  |  errors           (long)                  |  +56
 *  |  current cpu      (long)                  |  +64
 *  |  waiting now      (long)                  |  +72
 *  |  padding to 128 B                         |
 *  +-------------------------------------------+  256
 *  |  padding                            128 B |  keeps whatever follows off the block
 *  +-------------------------------------------+  384
 * </pre>
 * The counters share lines with each other on purpose: they have one writer, so sharing costs nothing, and the
 * padding keeps callers' data off them.
 */
public final class ServerCountersDescriptor
{
    /** Bytes of the block. */
    public static final int LENGTH = 384;
    /** Offset of the first counter. */
    public static final int COUNTERS_OFFSET = 128;
    /** Entries taken from the ring. */
    public static final int PICKED_UP = 0;
    /** Calls completed with a result {@code >= 0}. */
    public static final int COMPLETED = 1;
    /** Calls completed with -errno. */
    public static final int FAILED = 2;
    /** Entries found cancelled before they ran. */
    public static final int CANCELLED = 3;
    /** Non-empty drains. */
    public static final int BATCHES = 4;
    /** Largest drain. */
    public static final int MAX_BATCH = 5;
    /** Duty cycles with no work. */
    public static final int IDLE_CYCLES = 6;
    /** Exceptions caught. */
    public static final int ERRORS = 7;
    /** CPU the server last ran on. */
    public static final int CURRENT_CPU = 8;
    /** Calls in the wait queue, sampled. */
    public static final int WAITING_NOW = 9;
    /** Number of counters. */
    public static final int COUNT = 10;

    private ServerCountersDescriptor()
    {
    }

    /**
     * @param counter a counter id.
     * @return its offset in the block.
     */
    public static long offset(final int counter)
    {
        return COUNTERS_OFFSET + ((long)counter << 3);
    }
}
