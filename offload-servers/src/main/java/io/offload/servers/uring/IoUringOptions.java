package io.offload.servers.uring;

import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_CLAMP;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_COOP_TASKRUN;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_CQSIZE;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_DEFER_TASKRUN;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_SINGLE_ISSUER;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_SUBMIT_ALL;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_TASKRUN_FLAG;

/**
 * How to set up an {@link IoUring}: sizes, the optional setup flags, and whether the ring can be woken from other
 * threads. A plain mutable builder, read once by {@link IoUring#open(IoUringOptions)}; each setter checks its value.
 * <p>
 * The optional flags ({@link #singleIssuer}, {@link #deferTaskrun}, {@link #coopTaskrun}, {@link #submitAll}) are
 * requests: with {@link #fallback} on (the default), a kernel that refuses them with {@code EINVAL} gets a setup
 * without them, dropped one at a time in the order DEFER_TASKRUN, SINGLE_ISSUER, COOP_TASKRUN, SUBMIT_ALL; the ring
 * says which it got ({@link IoUring#setupFlags()}). {@code IORING_SETUP_TASKRUN_FLAG} comes with COOP_TASKRUN or
 * DEFER_TASKRUN, so the ring can see when completions wait for it to enter.
 */
public final class IoUringOptions
{
    /** Default SQ size: the executor's default depth. */
    public static final int DEFAULT_ENTRIES = 256;

    private int entries = DEFAULT_ENTRIES;
    private int cqEntries;
    private boolean clamp;
    private boolean singleIssuer;
    private boolean deferTaskrun;
    private boolean coopTaskrun;
    private boolean submitAll;
    private boolean wakeable;
    private boolean fallback = true;

    /**
     * @param entries SQ entries, 1 to {@link IoUring#MAX_ENTRIES}; the kernel rounds up to a power of two.
     * @return this.
     */
    public IoUringOptions entries(final int entries)
    {
        if (entries < 1 || entries > IoUring.MAX_ENTRIES)
        {
            throw new IllegalArgumentException(
                "entries " + entries + " is out of range: use 1.." + IoUring.MAX_ENTRIES + " (rounded up to a power of 2)");
        }
        this.entries = entries;
        return this;
    }

    /**
     * @param cqEntries CQ entries ({@code IORING_SETUP_CQSIZE}), at least {@link #entries} after rounding, at most
     *                  {@link IoUring#MAX_CQ_ENTRIES}; 0 for the kernel's default of twice the SQ.
     * @return this.
     */
    public IoUringOptions cqEntries(final int cqEntries)
    {
        if (cqEntries < 0 || cqEntries > IoUring.MAX_CQ_ENTRIES)
        {
            throw new IllegalArgumentException(
                "cqEntries " + cqEntries + " is out of range: use 0 (twice the SQ) or 1.." + IoUring.MAX_CQ_ENTRIES);
        }
        this.cqEntries = cqEntries;
        return this;
    }

    /**
     * @param clamp {@code IORING_SETUP_CLAMP}: clamp sizes to the kernel's maximum instead of failing.
     * @return this.
     */
    public IoUringOptions clamp(final boolean clamp)
    {
        this.clamp = clamp;
        return this;
    }

    /**
     * @param singleIssuer {@code IORING_SETUP_SINGLE_ISSUER} (6.0): only the thread that set the ring up may submit;
     *                     io_uring_enter from another thread fails with EEXIST. Lets the kernel skip locking.
     * @return this.
     */
    public IoUringOptions singleIssuer(final boolean singleIssuer)
    {
        this.singleIssuer = singleIssuer;
        return this;
    }

    /**
     * @param deferTaskrun {@code IORING_SETUP_DEFER_TASKRUN} (6.1, implies SINGLE_ISSUER): completions are posted
     *                     only when the ring's thread enters with GETEVENTS; the ring does so whenever
     *                     {@code IORING_SQ_TASKRUN} says work waits.
     * @return this.
     */
    public IoUringOptions deferTaskrun(final boolean deferTaskrun)
    {
        this.deferTaskrun = deferTaskrun;
        return this;
    }

    /**
     * @param coopTaskrun {@code IORING_SETUP_COOP_TASKRUN} (5.19): no inter-processor interrupt to run completion
     *                    work; it runs when the ring's thread next enters the kernel.
     * @return this.
     */
    public IoUringOptions coopTaskrun(final boolean coopTaskrun)
    {
        this.coopTaskrun = coopTaskrun;
        return this;
    }

    /**
     * @param submitAll {@code IORING_SETUP_SUBMIT_ALL} (5.18): an SQE that fails at submission does not stop the
     *                  batch behind it.
     * @return this.
     */
    public IoUringOptions submitAll(final boolean submitAll)
    {
        this.submitAll = submitAll;
        return this;
    }

    /**
     * @param wakeable give the ring an eventfd so that {@link IoUring#wake()} from any thread ends a wait in
     *                 {@link IoUring#submitAndWait}; it costs one SQ entry, held by the armed poll.
     * @return this.
     */
    public IoUringOptions wakeable(final boolean wakeable)
    {
        this.wakeable = wakeable;
        return this;
    }

    /**
     * @param fallback on EINVAL, set up again without the optional flags, one at a time (default true); false:
     *                 fail with the kernel's error.
     * @return this.
     */
    public IoUringOptions fallback(final boolean fallback)
    {
        this.fallback = fallback;
        return this;
    }

    /**
     * @return SQ entries asked for.
     */
    public int entries()
    {
        return entries;
    }

    /**
     * @return CQ entries asked for, 0 for the default.
     */
    public int cqEntries()
    {
        return cqEntries;
    }

    /**
     * @return whether {@link IoUring#wake()} is wanted.
     */
    public boolean wakeable()
    {
        return wakeable;
    }

    /**
     * @return whether optional flags may be dropped on EINVAL.
     */
    public boolean fallback()
    {
        return fallback;
    }

    /**
     * @return the setup flags that are not negotiable (CQSIZE, CLAMP).
     */
    int requiredFlags()
    {
        return (cqEntries != 0 ? IORING_SETUP_CQSIZE : 0) | (clamp ? IORING_SETUP_CLAMP : 0);
    }

    /**
     * @return the optional setup flags asked for, TASKRUN_FLAG included where it belongs.
     */
    int optionalFlags()
    {
        int flags = 0;
        if (deferTaskrun)
        {
            flags |= IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER;
        }
        if (singleIssuer)
        {
            flags |= IORING_SETUP_SINGLE_ISSUER;
        }
        if (coopTaskrun)
        {
            flags |= IORING_SETUP_COOP_TASKRUN;
        }
        if (submitAll)
        {
            flags |= IORING_SETUP_SUBMIT_ALL;
        }
        return withTaskrunFlag(flags);
    }

    /**
     * @param flags setup flags.
     * @return them with TASKRUN_FLAG if and only if COOP_TASKRUN or DEFER_TASKRUN is among them (the kernel refuses
     *         TASKRUN_FLAG alone).
     */
    static int withTaskrunFlag(final int flags)
    {
        return (flags & (IORING_SETUP_COOP_TASKRUN | IORING_SETUP_DEFER_TASKRUN)) != 0 ?
            flags | IORING_SETUP_TASKRUN_FLAG : flags & ~IORING_SETUP_TASKRUN_FLAG;
    }

    @Override
    public String toString()
    {
        return "IoUringOptions{entries=" + entries + ", cqEntries=" + cqEntries + ", clamp=" + clamp +
            ", singleIssuer=" + singleIssuer + ", deferTaskrun=" + deferTaskrun + ", coopTaskrun=" + coopTaskrun +
            ", submitAll=" + submitAll + ", wakeable=" + wakeable + ", fallback=" + fallback + "}";
    }
}
