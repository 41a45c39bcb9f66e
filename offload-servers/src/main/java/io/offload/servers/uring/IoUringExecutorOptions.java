package io.offload.servers.uring;

import io.offload.api.Syscall;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * How an {@link IoUringExecutor} runs: its in-flight bound, its ring's size and setup flags, fsync coalescing, how
 * long {@link IoUringExecutor#settleAll()} waits for the kernel, and calls to leave to the fallback. A plain mutable
 * builder, copied by the executor's constructor; each setter checks its value.
 */
public final class IoUringExecutorOptions
{
    /** Default bound on requests in the kernel (the N). */
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;
    /** Largest in-flight bound: its ring needs {@code 2 * N + 3} SQ entries, at most {@link IoUring#MAX_ENTRIES}. */
    public static final int MAX_IN_FLIGHT = (IoUring.MAX_ENTRIES - 3) / 2;
    /** Default for how long {@link IoUringExecutor#settleAll()} waits for the kernel's last CQEs. */
    public static final long DEFAULT_SETTLE_TIMEOUT_NANOS = 10_000_000_000L;

    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private int ringEntries;
    private boolean singleIssuer = true;
    private boolean deferTaskrun = true;
    private boolean coopTaskrun;
    private boolean submitAll = true;
    private boolean fsyncCoalescing;
    private boolean peerFdsInReactor = true;
    private long settleTimeoutNanos = DEFAULT_SETTLE_TIMEOUT_NANOS;
    private final EnumSet<Syscall> fallbackFor = EnumSet.noneOf(Syscall.class);

    /**
     * A copy.
     *
     * @return options with the same values.
     */
    IoUringExecutorOptions copy()
    {
        final IoUringExecutorOptions copy = new IoUringExecutorOptions();
        copy.maxInFlight = maxInFlight;
        copy.ringEntries = ringEntries;
        copy.singleIssuer = singleIssuer;
        copy.deferTaskrun = deferTaskrun;
        copy.coopTaskrun = coopTaskrun;
        copy.submitAll = submitAll;
        copy.fsyncCoalescing = fsyncCoalescing;
        copy.peerFdsInReactor = peerFdsInReactor;
        copy.settleTimeoutNanos = settleTimeoutNanos;
        copy.fallbackFor.addAll(fallbackFor);
        return copy;
    }

    /**
     * @param maxInFlight requests in the kernel at most, 1 to {@link #MAX_IN_FLIGHT} (default 256); more calls wait
     *                    in the executor's FIFO.
     * @return this.
     */
    public IoUringExecutorOptions maxInFlight(final int maxInFlight)
    {
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT)
        {
            throw new IllegalArgumentException(
                "maxInFlight " + maxInFlight + " is out of range: use 1.." + MAX_IN_FLIGHT + " (default " +
                DEFAULT_MAX_IN_FLIGHT + ")");
        }
        this.maxInFlight = maxInFlight;
        return this;
    }

    /**
     * @param ringEntries SQ entries of the executor's ring, 0 (the default) for the smallest that always fits:
     *                    {@code 2 * maxInFlight + 3} (a request and a cancel per slot, the fallback's poll, a
     *                    cancel-all, the ring's wake-up poll), rounded up to a power of two; the CQ is twice the SQ. A value set here must be
     *                    at least that (checked when the executor is made).
     * @return this.
     */
    public IoUringExecutorOptions ringEntries(final int ringEntries)
    {
        if (ringEntries < 0 || ringEntries > IoUring.MAX_ENTRIES)
        {
            throw new IllegalArgumentException(
                "ringEntries " + ringEntries + " is out of range: use 0 (derived from maxInFlight) or up to " +
                IoUring.MAX_ENTRIES);
        }
        this.ringEntries = ringEntries;
        return this;
    }

    /**
     * @param singleIssuer ask for {@code IORING_SETUP_SINGLE_ISSUER} (default true; dropped if the kernel refuses).
     * @return this.
     */
    public IoUringExecutorOptions singleIssuer(final boolean singleIssuer)
    {
        this.singleIssuer = singleIssuer;
        return this;
    }

    /**
     * @param deferTaskrun ask for {@code IORING_SETUP_DEFER_TASKRUN} (default true; dropped if the kernel refuses):
     *                     completion work runs only when the server thread enters, never interrupting it.
     * @return this.
     */
    public IoUringExecutorOptions deferTaskrun(final boolean deferTaskrun)
    {
        this.deferTaskrun = deferTaskrun;
        return this;
    }

    /**
     * @param coopTaskrun ask for {@code IORING_SETUP_COOP_TASKRUN} (default false; DEFER_TASKRUN does more).
     * @return this.
     */
    public IoUringExecutorOptions coopTaskrun(final boolean coopTaskrun)
    {
        this.coopTaskrun = coopTaskrun;
        return this;
    }

    /**
     * @param submitAll ask for {@code IORING_SETUP_SUBMIT_ALL} (default true): an SQE that fails at submission does
     *                  not hold back the ones behind it.
     * @return this.
     */
    public IoUringExecutorOptions submitAll(final boolean submitAll)
    {
        this.submitAll = submitAll;
        return this;
    }

    /**
     * @param fsyncCoalescing answer several waiting fsync/fdatasync calls of one fd with one sync issued after all
     *                        of them arrived (default false; the argument is on {@link IoUringExecutor}).
     * @return this.
     */
    public IoUringExecutorOptions fsyncCoalescing(final boolean fsyncCoalescing)
    {
        this.fsyncCoalescing = fsyncCoalescing;
        return this;
    }

    /**
     * @param peerFdsInReactor send read, write, readv and writev of an fd that can wait for a peer (a pipe, FIFO,
     *                         socket, tty: {@code statx} says, once per fd) to the fallback, whose reactor waits for
     *                         it as the syscall executor's does (default true). False leaves them to io_uring, which
     *                         waits for the peer in the kernel, each holding an in-flight slot until it ends.
     * @return this.
     */
    public IoUringExecutorOptions peerFdsInReactor(final boolean peerFdsInReactor)
    {
        this.peerFdsInReactor = peerFdsInReactor;
        return this;
    }

    /**
     * @return whether peer fds' reads and writes go to the fallback's reactor.
     */
    public boolean peerFdsInReactor()
    {
        return peerFdsInReactor;
    }

    /**
     * @param settleTimeoutNanos how long {@link IoUringExecutor#settleAll()} waits for the CQEs of cancelled requests
     *                           before it gives up on them, loudly, leaving them uncompleted (default 10 s); positive.
     * @return this.
     */
    public IoUringExecutorOptions settleTimeoutNanos(final long settleTimeoutNanos)
    {
        if (settleTimeoutNanos <= 0)
        {
            throw new IllegalArgumentException(
                "settleTimeoutNanos " + settleTimeoutNanos + " must be positive (default " +
                DEFAULT_SETTLE_TIMEOUT_NANOS + ")");
        }
        this.settleTimeoutNanos = settleTimeoutNanos;
        return this;
    }

    /**
     * @param calls calls to run on the fallback executor even where io_uring could make them.
     * @return this.
     */
    public IoUringExecutorOptions fallbackFor(final Syscall... calls)
    {
        if (calls == null)
        {
            throw new IllegalArgumentException("calls is null: pass the Syscalls to leave to the fallback");
        }
        for (final Syscall call : calls)
        {
            if (call == null)
            {
                throw new IllegalArgumentException("a null Syscall among " + java.util.Arrays.toString(calls));
            }
            fallbackFor.add(call);
        }
        return this;
    }

    /**
     * @return the in-flight bound.
     */
    public int maxInFlight()
    {
        return maxInFlight;
    }

    /**
     * @return the SQ entries to ask for: {@link #ringEntries(int)} if set, else the smallest that fits.
     * @throws IllegalArgumentException if a set value is too small for {@link #maxInFlight()}.
     */
    public int ringEntries()
    {
        final int needed = 2 * maxInFlight + 3;
        if (ringEntries == 0)
        {
            return Integer.highestOneBit(needed - 1) << 1;
        }
        if (ringEntries < needed)
        {
            throw new IllegalArgumentException("ringEntries " + ringEntries + " is too small for maxInFlight " +
                maxInFlight + ": use at least " + needed + " (a request and a cancel per slot, 3 more), or 0");
        }
        return ringEntries;
    }

    /**
     * @return whether syncs are coalesced.
     */
    public boolean fsyncCoalescing()
    {
        return fsyncCoalescing;
    }

    /**
     * @return how long settleAll waits.
     */
    public long settleTimeoutNanos()
    {
        return settleTimeoutNanos;
    }

    /**
     * @return calls left to the fallback.
     */
    public Set<Syscall> fallbackFor()
    {
        return Collections.unmodifiableSet(EnumSet.copyOf(fallbackFor));
    }

    /**
     * @return the ring's options: sizes from {@link #ringEntries()}, the optional flags asked for (dropped one at a
     *         time if the kernel refuses), wake-ups on.
     */
    IoUringOptions ringOptions()
    {
        return new IoUringOptions()
            .entries(ringEntries())
            .singleIssuer(singleIssuer)
            .deferTaskrun(deferTaskrun)
            .coopTaskrun(coopTaskrun)
            .submitAll(submitAll)
            .wakeable(true)
            .fallback(true);
    }

    @Override
    public String toString()
    {
        return "IoUringExecutorOptions{maxInFlight=" + maxInFlight + ", ringEntries=" + ringEntries +
            ", singleIssuer=" + singleIssuer + ", deferTaskrun=" + deferTaskrun + ", coopTaskrun=" + coopTaskrun +
            ", submitAll=" + submitAll + ", fsyncCoalescing=" + fsyncCoalescing + ", peerFdsInReactor=" + peerFdsInReactor + ", settleTimeoutNanos=" +
            settleTimeoutNanos + ", fallbackFor=" + fallbackFor + "}";
    }
}
