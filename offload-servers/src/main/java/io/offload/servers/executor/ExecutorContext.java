package io.offload.servers.executor;

import io.offload.rings.SyscallEntry;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.NanoClock;

/**
 * What an executor gets from its server: the entries, where finished calls go, the clock, where errors go, and
 * which server's reactor a call that must wait on an fd waits in.
 *
 * @param name         the server's role name, for logs.
 * @param entry        the flyweight over the runtime's entries.
 * @param deadlines    each entry's deadline ({@link System#nanoTime()} scale, 0 for none).
 * @param maxEntries   the pool's bound: no executor ever holds more calls.
 * @param completions  where finished calls go.
 * @param clock        the server's clock: deadlines are compared against it (a hand-driven clock in tests).
 * @param errorHandler where an unexpected exception of a call goes; the call then completes with EIO.
 * @param fdOwners     the server's fd owners ({@link FdOwners#LOCAL} when every fd waits here).
 */
public record ExecutorContext(
    String name,
    SyscallEntry entry,
    Deadlines deadlines,
    int maxEntries,
    Completions completions,
    NanoClock clock,
    ErrorHandler errorHandler,
    FdOwners fdOwners)
{
    /**
     * Each entry's deadline, kept on the heap side of the entry by the runtime.
     */
    @FunctionalInterface
    public interface Deadlines
    {
        /**
         * @param handle the entry.
         * @return its deadline on the clock's scale, or 0 for none.
         */
        long deadline(int handle);
    }

    /**
     * @throws IllegalArgumentException if a part is missing or {@code maxEntries} is not positive.
     */
    public ExecutorContext
    {
        if (name == null || entry == null || deadlines == null || completions == null || clock == null ||
            errorHandler == null || fdOwners == null)
        {
            throw new IllegalArgumentException("every part of an executor context is required: name " + name +
                ", entry " + entry + ", deadlines " + deadlines + ", completions " + completions + ", clock " +
                clock + ", errorHandler " + errorHandler + ", fdOwners " + fdOwners + " (FdOwners.LOCAL for none)");
        }
        if (maxEntries <= 0)
        {
            throw new IllegalArgumentException("maxEntries must be positive (the pool's bound), was " + maxEntries);
        }
    }

    /**
     * A context whose every fd waits with the executor it is given to ({@link FdOwners#LOCAL}).
     *
     * @param name         the server's role name.
     * @param entry        the flyweight over the runtime's entries.
     * @param deadlines    each entry's deadline.
     * @param maxEntries   the pool's bound.
     * @param completions  where finished calls go.
     * @param clock        the server's clock.
     * @param errorHandler where an unexpected exception of a call goes.
     */
    public ExecutorContext(
        final String name,
        final SyscallEntry entry,
        final Deadlines deadlines,
        final int maxEntries,
        final Completions completions,
        final NanoClock clock,
        final ErrorHandler errorHandler)
    {
        this(name, entry, deadlines, maxEntries, completions, clock, errorHandler, FdOwners.LOCAL);
    }
}
