package io.offload.servers.uring;

import io.offload.api.Errno;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static io.offload.servers.uring.CqeDescriptor.CQE_SHIFT;
import static io.offload.servers.uring.CqeDescriptor.FLAGS_OFFSET;
import static io.offload.servers.uring.CqeDescriptor.RES_OFFSET;
import static io.offload.servers.uring.CqeDescriptor.USER_DATA_OFFSET;
import static io.offload.servers.uring.GeteventsArgDescriptor.GETEVENTS_ARG_LENGTH;
import static io.offload.servers.uring.GeteventsArgDescriptor.SIGMASK_SZ_OFFSET;
import static io.offload.servers.uring.GeteventsArgDescriptor.TIMESPEC_LENGTH;
import static io.offload.servers.uring.GeteventsArgDescriptor.TS_OFFSET;
import static io.offload.servers.uring.GeteventsArgDescriptor.TV_NSEC_OFFSET;
import static io.offload.servers.uring.GeteventsArgDescriptor.TV_SEC_OFFSET;
import static io.offload.servers.uring.IoUringConstants.IORING_CQE_F_MORE;
import static io.offload.servers.uring.IoUringConstants.IORING_ENTER_EXT_ARG;
import static io.offload.servers.uring.IoUringConstants.IORING_ENTER_GETEVENTS;
import static io.offload.servers.uring.IoUringConstants.IORING_FEAT_EXT_ARG;
import static io.offload.servers.uring.IoUringConstants.IORING_FEAT_SINGLE_MMAP;
import static io.offload.servers.uring.IoUringConstants.IORING_OFF_CQ_RING;
import static io.offload.servers.uring.IoUringConstants.IORING_OFF_SQES;
import static io.offload.servers.uring.IoUringConstants.IORING_OFF_SQ_RING;
import static io.offload.servers.uring.IoUringConstants.IORING_REGISTER_PROBE;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_COOP_TASKRUN;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_DEFER_TASKRUN;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_SINGLE_ISSUER;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_SUBMIT_ALL;
import static io.offload.servers.uring.IoUringConstants.IORING_SQ_CQ_OVERFLOW;
import static io.offload.servers.uring.IoUringConstants.IORING_SQ_TASKRUN;
import static io.offload.servers.uring.IoUringParamsDescriptor.CQ_ENTRIES_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.CQ_OFF_CQES_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.CQ_OFF_HEAD_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.CQ_OFF_OVERFLOW_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.CQ_OFF_RING_ENTRIES_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.CQ_OFF_RING_MASK_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.CQ_OFF_TAIL_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.FEATURES_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.PARAMS_ALIGNMENT;
import static io.offload.servers.uring.IoUringParamsDescriptor.PARAMS_LENGTH;
import static io.offload.servers.uring.IoUringParamsDescriptor.SQ_ENTRIES_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.SQ_OFF_ARRAY_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.SQ_OFF_DROPPED_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.SQ_OFF_FLAGS_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.SQ_OFF_HEAD_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.SQ_OFF_RING_ENTRIES_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.SQ_OFF_RING_MASK_OFFSET;
import static io.offload.servers.uring.IoUringParamsDescriptor.SQ_OFF_TAIL_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.SQE_SHIFT;

/**
 * One io_uring instance in pure FFM: {@code io_uring_setup}, the mapped SQ ring, CQ ring and SQE array, and
 * {@code io_uring_enter} to submit and wait. Built for one thread's duty cycle:
 * <pre>{@code
 * ring.nextSqe().prepRead(fd, buf, len, off).userData(handle);   // any number, up to sqSpaceLeft()
 * ring.submitAndWait(0, 0, handler);                             // one io_uring_enter: submit the batch
 * ring.reap(handler);                                            // each CQE -> handler(userData, res, flags)
 * ring.submitAndWait(1, idleNanos, handler);                     // idle: sleep until a CQE, wake() or timeout
 * }</pre>
 * CQEs arrive in completion order, not submission order; {@code user_data} says whose each one is. Two user_data
 * values are the ring's own ({@link #WAKE_USER_DATA}, {@link #IGNORED_USER_DATA}; both negative): an executor that
 * uses entry handles (non-negative ints) never meets them.
 *
 * <h2>Threads</h2>
 * Everything but {@link #wake()} and {@link #close()} belongs to one thread at a time (the class is not thread-safe,
 * and with {@code IORING_SETUP_SINGLE_ISSUER} the kernel insists that the thread that set the ring up is the one
 * that submits). {@link #wake()} may be called from any thread; {@link #close()} from any thread once the ring's
 * thread no longer uses the ring (a use after close throws {@link IllegalStateException}, it does not crash: the
 * mappings are segments of a shared arena that close invalidates before it unmaps them).
 *
 * <h2>Shared indexes and their ordering</h2>
 * The kernel and this class share four u32 indexes; each access is named by its ordering (as in the project's
 * rings): {@code lv} an acquire load, {@code so} a release store, {@code lp} a plain load.
 * <ul>
 * <li>SQ tail: ours. {@link #soSqTail} publishes the SQEs written before it; pairs with the kernel's
 *     {@code smp_load_acquire(&rings->sq.tail)} in {@code io_sqring_entries}.</li>
 * <li>SQ head: the kernel's. {@link #lvSqHead} pairs with its {@code smp_store_release(&rings->sq.head)} in
 *     {@code io_commit_sqring}: once seen, the kernel is done reading those SQEs and the slots may be rewritten.</li>
 * <li>CQ tail: the kernel's. {@link #lvCqTail} pairs with its {@code smp_store_release(&rings->cq.tail)} in
 *     {@code io_commit_cqring}: the CQEs before the tail are fully written.</li>
 * <li>CQ head: ours. {@link #soCqHead} frees the slots we read; pairs with the kernel's read of
 *     {@code rings->cq.head} when it looks for room, so our loads of the CQEs happen before it overwrites them.</li>
 * </ul>
 * The SQ flags ({@code IORING_SQ_CQ_OVERFLOW}, {@code IORING_SQ_TASKRUN}) are set by the kernel with atomic ors and
 * read with {@link #lvSqFlags}.
 *
 * <h2>Completions are never lost</h2>
 * The CQ can fill when completions are not reaped. With {@code IORING_FEAT_NODROP} (5.5) the kernel keeps further
 * CQEs in an overflow list and sets {@code IORING_SQ_CQ_OVERFLOW}; {@link #reap} then enters with GETEVENTS to
 * flush them into the room it made, and goes on. {@code io_uring_enter} failing with EBUSY or EAGAIN (an older
 * kernel refusing to submit while CQEs wait, or no memory for a request) makes {@link #submitAndWait} reap and try
 * again; the SQEs stay in the SQ until the kernel takes them. EINTR (a signal during the wait) is retried with what is
 * left of the timeout. Should the kernel ever drop a CQE (EBADR: it could not allocate an overflow entry) the ring
 * throws, since a request would then never complete.
 *
 * <h2>Memory</h2>
 * The kernel may write into buffers named by requests until their CQEs arrive. {@link #close()} does not wait for
 * that: whoever submitted requests must cancel them ({@code IORING_OP_ASYNC_CANCEL}) and reap their CQEs before
 * freeing their memory or closing the ring. The ring's own requests (the wake-up poll) name no memory.
 */
public final class IoUring implements AutoCloseable
{
    private static final VarHandle WAKE_PENDING;

    static
    {
        try
        {
            WAKE_PENDING = MethodHandles.lookup().findVarHandle(IoUring.class, "wakePending",
                boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** The kernel's largest SQ ({@code IORING_MAX_ENTRIES}). */
    public static final int MAX_ENTRIES = 32768;
    /** The kernel's largest CQ ({@code IORING_MAX_CQ_ENTRIES}). */
    public static final int MAX_CQ_ENTRIES = 2 * MAX_ENTRIES;
    /** The user_data of the ring's own wake-up poll; {@link Sqe#userData} refuses it and {@link #reap} hides it. */
    public static final long WAKE_USER_DATA = -1L;
    /** The user_data of an SQE taken but not filled, or neutralised by a refused argument: a NOP {@link #reap}
     * swallows. {@link Sqe#userData} refuses it. */
    public static final long IGNORED_USER_DATA = -2L;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final int[] FALLBACK_ORDER =
        {IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_SINGLE_ISSUER, IORING_SETUP_COOP_TASKRUN, IORING_SETUP_SUBMIT_ALL};
    private static final int FLUSH_FLAGS = IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** {@code POLLIN}: the eventfd's counter is non-zero. */
    private static final int POLLIN = 0x001;
    private static final int SCRATCH_LENGTH = GETEVENTS_ARG_LENGTH + TIMESPEC_LENGTH + Long.BYTES;

    private final UringArch arch;
    private final Arena arena;
    private final MemorySegment capture;
    private final MemorySegment scratch;
    private final long extArgAddress;
    private final int ringFd;
    private final int setupFlags;
    private final int features;
    private final int requestedFlags;

    private final long sqRingAddress;
    private final long sqRingLength;
    private final long cqRingAddress;
    private final long cqRingLength;
    private final long sqesAddress;
    private final long sqesLength;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final long sqHeadOffset;
    private final long sqTailOffset;
    private final long sqFlagsOffset;
    private final long sqDroppedOffset;
    private final long cqHeadOffset;
    private final long cqTailOffset;
    private final long cqOverflowOffset;
    private final long cqesOffset;
    private final int sqEntries;
    private final int sqMask;
    private final int cqEntries;
    private final int cqMask;
    private final int sqReserved;
    private final Sqe sqe;
    private final EventFdWaker waker;

    private int sqeTail;
    private int cqHead;
    private boolean wakeArmed;
    /**
     * A wake-up was written and its CQE not yet reaped: set by the waker that writes (CAS false to true), cleared by
     * the ring's thread when it reaps the poll's CQE, wherever it reaps it (a wait or a plain reap). A waker that finds
     * it set writes nothing, because a CQE is on its way or already in the CQ and ends the next wait. Cleared only on
     * the reap, never before or after a wait: a flag cleared after a wait could stay set once its CQE had been reaped
     * outside a wait, and every later waker would then skip its write while the thread slept (the lost wake-up of
     * the first version, seen as a 100 ms p99: the server's longest sleep).
     */
    private volatile boolean wakePending;
    private boolean wakeMultishot = true;
    private boolean closed;

    private long enters;
    private volatile long interruptedEnters;
    private long busyEnters;
    private long overflowFlushes;
    private long wakeups;
    private long ignoredCompletions;

    /**
     * A call of io_uring_setup with given flags, so that the fallback can be tested without a kernel that refuses.
     */
    @FunctionalInterface
    interface SetupCall
    {
        /**
         * @param flags the setup flags to try.
         * @return the ring fd, or {@code -errno}.
         */
        int setup(int flags);
    }

    private IoUring(final IoUringOptions options)
    {
        this.arch = UringArch.current();
        this.arena = Arena.ofShared();
        int fd = -1;
        long sqAddress = 0;
        long sqLength = 0;
        long cqAddress = 0;
        long cqLength = 0;
        long sqeArrayAddress = 0;
        long sqeArrayLength = 0;
        EventFdWaker eventFd = null;
        try
        {
            this.capture = UringNative.allocateCapture(arena);
            this.scratch = arena.allocate(SCRATCH_LENGTH, Long.BYTES);
            this.extArgAddress = scratch.address();
            // the getevents_arg's ts points at the timespec right behind it; sigmask stays 0 (no mask change)
            scratch.set(ValueLayout.JAVA_INT, SIGMASK_SZ_OFFSET, 8);
            scratch.set(ValueLayout.JAVA_LONG, TS_OFFSET, extArgAddress + GETEVENTS_ARG_LENGTH);

            final MemorySegment params = arena.allocate(PARAMS_LENGTH, PARAMS_ALIGNMENT);
            final int entries = options.entries();
            final int cqWanted = options.cqEntries();
            final int[] outcome = setupWithFallback(
                options.requiredFlags(), options.optionalFlags(), options.fallback(),
                flags -> trySetup(params, entries, cqWanted, flags));
            if (outcome[0] < 0)
            {
                throw new IoUringException("io_uring_setup", -outcome[0], setupAdvice(-outcome[0], options));
            }
            fd = outcome[0];
            this.ringFd = fd;
            this.setupFlags = outcome[1];
            this.requestedFlags = options.requiredFlags() | options.optionalFlags();
            this.features = params.get(ValueLayout.JAVA_INT, FEATURES_OFFSET);

            final int sqCount = params.get(ValueLayout.JAVA_INT, SQ_ENTRIES_OFFSET);
            final int cqCount = params.get(ValueLayout.JAVA_INT, CQ_ENTRIES_OFFSET);
            final int sqArray = params.get(ValueLayout.JAVA_INT, SQ_OFF_ARRAY_OFFSET);
            final int cqes = params.get(ValueLayout.JAVA_INT, CQ_OFF_CQES_OFFSET);
            sqLength = sqArray + (long)sqCount * Integer.BYTES;
            cqLength = cqes + ((long)cqCount << CQE_SHIFT);
            final boolean singleMmap = (features & IORING_FEAT_SINGLE_MMAP) != 0;
            if (singleMmap)
            {
                sqLength = Math.max(sqLength, cqLength);
                cqLength = sqLength;
            }
            sqAddress = map(fd, sqLength, IORING_OFF_SQ_RING, "SQ ring");
            cqAddress = singleMmap ? sqAddress : map(fd, cqLength, IORING_OFF_CQ_RING, "CQ ring");
            sqeArrayLength = (long)sqCount << SQE_SHIFT;
            sqeArrayAddress = map(fd, sqeArrayLength, IORING_OFF_SQES, "SQE array");

            this.sqRingAddress = sqAddress;
            this.sqRingLength = sqLength;
            this.cqRingAddress = cqAddress;
            this.cqRingLength = singleMmap ? 0 : cqLength;
            this.sqesAddress = sqeArrayAddress;
            this.sqesLength = sqeArrayLength;
            // segments of the shared arena: close() invalidates them before it unmaps, so a late access throws
            this.sqRing = MemorySegment.ofAddress(sqAddress).reinterpret(sqLength, arena, null);
            this.cqRing = singleMmap ? sqRing : MemorySegment.ofAddress(cqAddress).reinterpret(cqLength, arena, null);
            final MemorySegment sqes = MemorySegment.ofAddress(sqeArrayAddress).reinterpret(sqeArrayLength, arena, null);

            this.sqHeadOffset = Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT, SQ_OFF_HEAD_OFFSET));
            this.sqTailOffset = Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT, SQ_OFF_TAIL_OFFSET));
            this.sqFlagsOffset = Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT, SQ_OFF_FLAGS_OFFSET));
            this.sqDroppedOffset = Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT, SQ_OFF_DROPPED_OFFSET));
            this.cqHeadOffset = Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT, CQ_OFF_HEAD_OFFSET));
            this.cqTailOffset = Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT, CQ_OFF_TAIL_OFFSET));
            this.cqOverflowOffset = Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT, CQ_OFF_OVERFLOW_OFFSET));
            this.cqesOffset = Integer.toUnsignedLong(cqes);
            // the ring's own copies of size and mask, as liburing reads them (they equal the params' values)
            this.sqEntries = sqRing.get(ValueLayout.JAVA_INT,
                params.get(ValueLayout.JAVA_INT, SQ_OFF_RING_ENTRIES_OFFSET));
            this.sqMask = sqRing.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, SQ_OFF_RING_MASK_OFFSET));
            this.cqEntries = cqRing.get(ValueLayout.JAVA_INT,
                params.get(ValueLayout.JAVA_INT, CQ_OFF_RING_ENTRIES_OFFSET));
            this.cqMask = cqRing.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, CQ_OFF_RING_MASK_OFFSET));

            // the SQ index array maps ring slot i to SQE i, once: we fill SQEs in ring order
            final long array = Integer.toUnsignedLong(sqArray);
            for (int i = 0; i < sqEntries; i++)
            {
                sqRing.set(ValueLayout.JAVA_INT, array + (long)i * Integer.BYTES, i);
            }
            this.sqeTail = lpInt(sqRing, sqTailOffset);
            this.cqHead = lpInt(cqRing, cqHeadOffset);
            this.sqe = new Sqe(sqes);

            if (options.wakeable())
            {
                eventFd = EventFdWaker.open(capture, scratch.asSlice(GETEVENTS_ARG_LENGTH + TIMESPEC_LENGTH, Long.BYTES));
            }
            this.waker = eventFd;
            this.sqReserved = eventFd == null ? 0 : 1;
            if (sqEntries <= sqReserved)
            {
                throw new IllegalArgumentException(
                    "a wakeable ring needs at least 2 SQ entries (one is held by the wake-up poll); got " + sqEntries);
            }
        }
        catch (final RuntimeException | Error ex)
        {
            final MemorySegment closeCapture = UringNative.threadCapture();
            if (eventFd != null)
            {
                suppress(ex, eventFd);
            }
            arena.close();
            if (sqeArrayAddress != 0)
            {
                UringNative.munmap(closeCapture, sqeArrayAddress, sqeArrayLength);
            }
            if (cqAddress != 0 && cqAddress != sqAddress)
            {
                UringNative.munmap(closeCapture, cqAddress, cqLength);
            }
            if (sqAddress != 0)
            {
                UringNative.munmap(closeCapture, sqAddress, sqLength);
            }
            if (fd >= 0)
            {
                UringNative.close(closeCapture, fd);
            }
            throw ex;
        }
    }

    /**
     * Set up a ring.
     *
     * @param options sizes and flags.
     * @return the ring.
     * @throws IoUringException              if the kernel refuses (ENOSYS: no io_uring; EPERM: forbidden by
     *                                       {@code kernel.io_uring_disabled} or seccomp; EINVAL: flags or sizes;
     *                                       ENOMEM/EMFILE: resources).
     * @throws UnsupportedOperationException on an architecture other than x86-64 and AArch64.
     */
    public static IoUring open(final IoUringOptions options)
    {
        if (options == null)
        {
            throw new IllegalArgumentException("options is null: pass new IoUringOptions()");
        }
        return new IoUring(options);
    }

    /**
     * Set up a ring with default flags.
     *
     * @param entries SQ entries, 1 to {@link #MAX_ENTRIES}.
     * @return the ring.
     */
    public static IoUring open(final int entries)
    {
        return open(new IoUringOptions().entries(entries));
    }

    private int trySetup(final MemorySegment params, final int entries, final int cqWanted, final int flags)
    {
        // the kernel requires the reserved fields zero, and writes the struct back: start clean each try
        params.fill((byte)0);
        params.set(ValueLayout.JAVA_INT, IoUringParamsDescriptor.FLAGS_OFFSET, flags);
        params.set(ValueLayout.JAVA_INT, CQ_ENTRIES_OFFSET, cqWanted);
        return UringNative.ioUringSetup(capture, arch, entries, params.address());
    }

    /**
     * Try {@code required | optional}; while the kernel says EINVAL and fallback is on, drop the next optional flag
     * in {@link #FALLBACK_ORDER} and try again.
     *
     * @param required flags that must be had.
     * @param optional flags to have if the kernel takes them.
     * @param fallback whether to drop optional flags on EINVAL.
     * @param call     one io_uring_setup.
     * @return {fd or -errno, the flags of the last try}.
     */
    static int[] setupWithFallback(final int required, final int optional, final boolean fallback, final SetupCall call)
    {
        int flags = required | optional;
        while (true)
        {
            final int result = call.setup(flags);
            if (result >= 0 || result != -Errno.EINVAL || !fallback)
            {
                return new int[] {result, flags};
            }
            int drop = 0;
            for (final int candidate : FALLBACK_ORDER)
            {
                if ((flags & optional & candidate) != 0)
                {
                    drop = candidate;
                    break;
                }
            }
            if (drop == 0)
            {
                return new int[] {result, flags};
            }
            flags = required | IoUringOptions.withTaskrunFlag(flags & optional & ~drop);
        }
    }

    private static String setupAdvice(final int errno, final IoUringOptions options)
    {
        return switch (errno)
        {
            case Errno.ENOSYS -> "this kernel has no io_uring (older than 5.1, or built without CONFIG_IO_URING)";
            case Errno.EPERM -> "io_uring is forbidden here: kernel.io_uring_disabled is set, or a seccomp filter " +
                "(Docker's default profile) blocks it; use the syscall executor";
            case Errno.EINVAL -> "the kernel refused " + options + " (flags or sizes it does not know)";
            case Errno.ENOMEM -> "no memory for the rings (before 5.12 they count against RLIMIT_MEMLOCK)";
            case Errno.EMFILE, Errno.ENFILE -> "no fd left for the ring";
            default -> String.valueOf(options);
        };
    }

    private long map(final int fd, final long length, final long offset, final String what)
    {
        final long address = UringNative.mmap(
            capture, length, UringNative.PROT_READ | UringNative.PROT_WRITE,
            UringNative.MAP_SHARED | UringNative.MAP_POPULATE, fd, offset);
        if (address < 0 && address > -4096)
        {
            throw new IoUringException("mmap", (int)-address, "mapping the " + what + " (" + length + " bytes)");
        }
        return address;
    }

    private static void suppress(final Throwable primary, final AutoCloseable resource)
    {
        try
        {
            resource.close();
        }
        catch (final Exception ex)
        {
            primary.addSuppressed(ex);
        }
    }

    // ---------------------------------------------------------------- ordered accesses to the shared indexes

    private static int lpInt(final MemorySegment ring, final long offset)
    {
        return ring.get(ValueLayout.JAVA_INT, offset);
    }

    /** Acquire load of the kernel's SQ head; pairs with its release store in io_commit_sqring. */
    private int lvSqHead()
    {
        return (int)INT.getAcquire(sqRing, sqHeadOffset);
    }

    /** Release store of our SQ tail, publishing the SQEs written before; pairs with the kernel's acquire load. */
    private void soSqTail(final int tail)
    {
        INT.setRelease(sqRing, sqTailOffset, tail);
    }

    /** Acquire load of the SQ flags the kernel sets with atomic ors (CQ_OVERFLOW, TASKRUN, NEED_WAKEUP). */
    private int lvSqFlags()
    {
        return (int)INT.getAcquire(sqRing, sqFlagsOffset);
    }

    /** Acquire load of the kernel's CQ tail; pairs with its release store in io_commit_cqring. */
    private int lvCqTail()
    {
        return (int)INT.getAcquire(cqRing, cqTailOffset);
    }

    /** Release store of our CQ head after the CQEs before it were read; pairs with the kernel's read of cq.head. */
    private void soCqHead(final int head)
    {
        INT.setRelease(cqRing, cqHeadOffset, head);
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("io_uring " + ringFd + " is closed: open a new ring");
        }
    }

    // ---------------------------------------------------------------- submission

    /**
     * Take the next free SQE, zeroed, and position the ring's {@link Sqe} flyweight on it. It is handed to the kernel
     * by the next {@link #submitAndWait}.
     *
     * @return the flyweight, or null when the SQ is full (submit, then try again).
     */
    public Sqe nextSqe()
    {
        checkOpen();
        final int tail = sqeTail;
        if (tail - lvSqHead() >= sqEntries - sqReserved)
        {
            return null;
        }
        sqeTail = tail + 1;
        return sqe.position(tail & sqMask);
    }

    /**
     * @return SQEs that {@link #nextSqe()} can still hand out before a submit.
     */
    public int sqSpaceLeft()
    {
        checkOpen();
        return sqEntries - sqReserved - (sqeTail - lvSqHead());
    }

    /**
     * @return SQEs taken but not yet consumed by the kernel.
     */
    public int sqPending()
    {
        checkOpen();
        return sqeTail - lvSqHead();
    }

    private void armWake()
    {
        final int tail = sqeTail;
        if (tail - lvSqHead() >= sqEntries)
        {
            return;
        }
        sqeTail = tail + 1;
        final Sqe poll = sqe.position(tail & sqMask);
        if (wakeMultishot)
        {
            poll.prepPollMultishot(waker.fd(), POLLIN);
        }
        else
        {
            poll.prepPollAdd(waker.fd(), POLLIN);
        }
        poll.userDataUnchecked(WAKE_USER_DATA);
        wakeArmed = true;
    }

    /**
     * One {@code io_uring_enter}: hand the kernel every SQE taken since the last call and, if
     * {@code minComplete > 0}, wait until at least that many CQEs are ready to reap (counting those already there),
     * a {@link #wake()}, or the timeout. Does nothing, no system call, when there is nothing to submit, nothing to
     * wait for and nothing for the kernel to flush.
     * <p>
     * EINTR is retried with what is left of the timeout, and so is a wait that a signal cut short after the kernel
     * took SQEs (the call then returns their count instead of EINTR). EBUSY or EAGAIN (the kernel will not take
     * more while completions wait, or has no memory for a request) reaps into {@code handler} and tries again; if
     * nothing could be reaped the SQEs stay queued for the next call. A {@link #wake()} posts one CQE, so it ends
     * waits for {@code minComplete == 1}: idle waits use 1.
     *
     * @param minComplete  CQEs to wait for, 0 to {@link #cqEntries()}; 0 submits only.
     * @param timeoutNanos longest wait: negative waits without limit, 0 does not wait, positive needs
     *                     {@code IORING_FEAT_EXT_ARG} (5.11).
     * @param handler      receives CQEs if the CQ must be emptied to go on (EBUSY/EAGAIN).
     * @return SQEs the kernel consumed.
     * @throws IoUringException if io_uring_enter fails otherwise (EBADR: the kernel dropped completions).
     */
    public int submitAndWait(final int minComplete, final long timeoutNanos, final CqeHandler handler)
    {
        checkOpen();
        if (minComplete < 0 || minComplete > cqEntries)
        {
            throw new IllegalArgumentException(
                "minComplete " + minComplete + " is out of range: use 0.." + cqEntries + " (the CQ size)");
        }
        if (handler == null)
        {
            throw new IllegalArgumentException("handler is null: pass the CqeHandler that takes completions");
        }
        if (timeoutNanos > 0 && (features & IORING_FEAT_EXT_ARG) == 0)
        {
            throw new UnsupportedOperationException(
                "a wait with a timeout needs IORING_FEAT_EXT_ARG (Linux 5.11); this kernel's io_uring lacks it");
        }
        if (waker != null && !wakeArmed)
        {
            armWake();
        }
        final long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0L;
        int submitted = 0;
        while (true)
        {
            final int tail = sqeTail;
            final int pending = tail - lvSqHead();
            if (pending > 0)
            {
                soSqTail(tail);
            }
            int flags = (lvSqFlags() & FLUSH_FLAGS) != 0 ? IORING_ENTER_GETEVENTS : 0;
            int wait = 0;
            long arg = 0L;
            long argSize = 0L;
            if (minComplete > 0 && timeoutNanos != 0 && cqReady() < minComplete)
            {
                if (timeoutNanos < 0)
                {
                    wait = minComplete;
                    flags |= IORING_ENTER_GETEVENTS;
                }
                else
                {
                    final long remaining = deadline - System.nanoTime();
                    if (remaining > 0)
                    {
                        wait = minComplete;
                        flags |= IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG;
                        scratch.set(ValueLayout.JAVA_LONG, GETEVENTS_ARG_LENGTH + TV_SEC_OFFSET, remaining / NANOS_PER_SECOND);
                        scratch.set(ValueLayout.JAVA_LONG, GETEVENTS_ARG_LENGTH + TV_NSEC_OFFSET, remaining % NANOS_PER_SECOND);
                        arg = extArgAddress;
                        argSize = GETEVENTS_ARG_LENGTH;
                    }
                }
            }
            if (pending <= 0 && flags == 0)
            {
                return submitted;
            }
            final int result = UringNative.ioUringEnter(capture, arch, ringFd, Math.max(pending, 0), wait, flags, arg, argSize);
            enters++;
            if (result >= 0)
            {
                submitted += result;
                // the kernel skips the wait when it could not take every SQE: go again for the rest
                if (result > 0 && result < pending)
                {
                    continue;
                }
                // a wait cut short after SQEs were taken returns their count, not EINTR or ETIME (io_uring_enter
                // reports the submission first): wait again for what is missing, with what is left of the timeout
                if (wait > 0 && result > 0 && cqReady() < minComplete)
                {
                    continue;
                }
                return submitted;
            }
            switch (-result)
            {
                case Errno.EINTR ->
                {
                    interruptedEnters++;
                }
                case Errno.ETIME ->
                {
                    return submitted;
                }
                case Errno.EBUSY, Errno.EAGAIN ->
                {
                    busyEnters++;
                    // make room and try again; if nothing could be reaped, the SQEs wait for the next call
                    if (reap(handler) == 0)
                    {
                        return submitted;
                    }
                }
                case Errno.EBADR -> throw droppedCompletions();
                case Errno.EEXIST -> throw new IoUringException("io_uring_enter", Errno.EEXIST,
                    "ring " + ringFd + " was set up with SINGLE_ISSUER by another thread; only that thread may submit " +
                    "(set the ring up on the thread that runs it)");
                default -> throw new IoUringException("io_uring_enter", -result,
                    "ring " + ringFd + ", " + pending + " SQEs pending, waiting for " + wait);
            }
        }
    }

    private IoUringException droppedCompletions()
    {
        return new IoUringException("io_uring_enter", Errno.EBADR,
            "the kernel dropped " + cqOverflow() + " completions it had no memory to keep; their requests will " +
            "never complete");
    }

    // ---------------------------------------------------------------- completion

    /**
     * @return CQEs ready to reap.
     */
    public int cqReady()
    {
        checkOpen();
        return lvCqTail() - cqHead;
    }

    /**
     * Hand every ready CQE to {@code handler}, in CQ order, and give their slots back to the kernel with one store of
     * the CQ head per batch. If the kernel holds overflowed CQEs, or completion work waits for this thread
     * ({@code IORING_SQ_CQ_OVERFLOW}, {@code IORING_SQ_TASKRUN}), enter with GETEVENTS to flush it into the CQ and
     * reap again. The ring's own CQEs (wake-ups, ignored NOPs) are consumed here, not handed on.
     * <p>
     * If the handler throws, the CQEs handed so far (the throwing one included) are given back, the rest stay for
     * the next call, and the exception propagates.
     *
     * @param handler receives each CQE.
     * @return CQEs handed to the handler.
     */
    public int reap(final CqeHandler handler)
    {
        checkOpen();
        if (handler == null)
        {
            throw new IllegalArgumentException("handler is null: pass the CqeHandler that takes completions");
        }
        int handed = 0;
        while (true)
        {
            final int tail = lvCqTail();
            int head = cqHead;
            if (head != tail)
            {
                final MemorySegment cq = cqRing;
                try
                {
                    while (head != tail)
                    {
                        final long cqe = cqesOffset + ((long)(head & cqMask) << CQE_SHIFT);
                        final long userData = cq.get(ValueLayout.JAVA_LONG, cqe + USER_DATA_OFFSET);
                        final int res = cq.get(ValueLayout.JAVA_INT, cqe + RES_OFFSET);
                        final int flags = cq.get(ValueLayout.JAVA_INT, cqe + FLAGS_OFFSET);
                        head++;
                        if (userData == WAKE_USER_DATA)
                        {
                            onWake(res, flags);
                        }
                        else if (userData == IGNORED_USER_DATA)
                        {
                            ignoredCompletions++;
                        }
                        else
                        {
                            handed++;
                            handler.onCqe(userData, res, flags);
                        }
                    }
                }
                finally
                {
                    cqHead = head;
                    soCqHead(head);
                }
            }
            if ((lvSqFlags() & FLUSH_FLAGS) == 0 || !flush())
            {
                return handed;
            }
        }
    }

    /**
     * Enter with GETEVENTS and nothing to submit or wait for: the kernel moves overflowed CQEs into the room made
     * and runs completion work that waits for this thread.
     *
     * @return whether CQEs are now ready.
     */
    private boolean flush()
    {
        while (true)
        {
            final int result = UringNative.ioUringEnter(capture, arch, ringFd, 0, 0, IORING_ENTER_GETEVENTS, 0L, 0L);
            enters++;
            if (result >= 0 || result == -Errno.EBUSY || result == -Errno.EAGAIN)
            {
                overflowFlushes++;
                return lvCqTail() != cqHead;
            }
            if (result == -Errno.EINTR)
            {
                interruptedEnters++;
                continue;
            }
            if (result == -Errno.EBADR)
            {
                throw droppedCompletions();
            }
            throw new IoUringException("io_uring_enter", -result, "flushing completions of ring " + ringFd);
        }
    }

    private void onWake(final int res, final int flags)
    {
        wakeups++;
        // pairs with wake()'s CAS: a waker from here on writes again, and its CQE ends the next wait
        WAKE_PENDING.setVolatile(this, false);
        if ((flags & IORING_CQE_F_MORE) == 0)
        {
            // the poll ended: a one-shot fired, a multishot was stopped (or refused by a kernel before 5.13)
            wakeArmed = false;
            if (res == -Errno.EINVAL && wakeMultishot)
            {
                wakeMultishot = false;
            }
            if (!wakeMultishot)
            {
                waker.drain(capture);
            }
        }
    }

    // ---------------------------------------------------------------- wake-up

    /**
     * End a wait of the ring's thread in {@link #submitAndWait} (now, or the next one if it is not waiting): writes
     * the ring's eventfd, on which the ring keeps a poll armed. Any thread; allocates nothing; one {@code write(2)}.
     * Callers that wake often should do so only when the ring's thread may be asleep (a flag it sets before it waits
     * and checks after), as the project's other idle strategies do.
     *
     * @return true if a wake-up is pending, false if the ring is closed.
     * @throws IllegalStateException if the ring was opened without {@link IoUringOptions#wakeable}.
     */
    public boolean wake()
    {
        final EventFdWaker w = waker;
        if (w == null)
        {
            throw new IllegalStateException(
                "io_uring " + ringFd + " was opened without wake-ups: use new IoUringOptions().wakeable(true)");
        }
        if (!WAKE_PENDING.compareAndSet(this, false, true))
        {
            return true; // a written wake-up's CQE is not reaped yet: it ends the ring thread's next wait
        }
        return w.signal();
    }

    /**
     * Force the one-shot wake-up poll (drain the eventfd, re-arm), which kernels before 5.13 get by fallback.
     */
    void forceOneShotWake()
    {
        wakeMultishot = false;
    }

    // ---------------------------------------------------------------- probe and register

    /**
     * @return which opcodes this kernel supports ({@code IORING_REGISTER_PROBE}, Linux 5.6).
     * @throws IoUringException if the kernel has no probe (EINVAL before 5.6).
     */
    public Probe probe()
    {
        checkOpen();
        try (Arena probeArena = Arena.ofConfined())
        {
            final MemorySegment buffer = probeArena.allocate(ProbeDescriptor.PROBE_LENGTH, Long.BYTES);
            final int result = UringNative.ioUringRegister(
                capture, arch, ringFd, IORING_REGISTER_PROBE, buffer.address(), ProbeDescriptor.MAX_OPS);
            if (result < 0)
            {
                throw new IoUringException("io_uring_register", -result, "IORING_REGISTER_PROBE (needs Linux 5.6)");
            }
            return Probe.parse(buffer);
        }
    }

    /**
     * {@code io_uring_register(fd, opcode, arg, nrArgs)}, for what this class does not wrap.
     *
     * @param opcode an {@code IORING_REGISTER_*} value.
     * @param arg    the opcode's argument, native memory, or null for none.
     * @param nrArgs the opcode's count argument.
     * @return the kernel's non-negative result.
     * @throws IoUringException with the kernel's errno.
     */
    public int register(final int opcode, final MemorySegment arg, final int nrArgs)
    {
        checkOpen();
        if (arg != null && !arg.isNative())
        {
            throw new IllegalArgumentException("arg is a heap segment: the kernel needs native memory");
        }
        final int result = UringNative.ioUringRegister(capture, arch, ringFd, opcode, arg == null ? 0L : arg.address(), nrArgs);
        if (result < 0)
        {
            throw new IoUringException("io_uring_register", -result, "opcode " + opcode);
        }
        return result;
    }

    // ---------------------------------------------------------------- state

    /**
     * @return the ring's fd (the target of another ring's {@code IORING_OP_MSG_RING}).
     */
    public int fd()
    {
        return ringFd;
    }

    /**
     * @return SQ entries (a power of two).
     */
    public int sqEntries()
    {
        return sqEntries;
    }

    /**
     * @return CQ entries (a power of two).
     */
    public int cqEntries()
    {
        return cqEntries;
    }

    /**
     * @return the {@code IORING_SETUP_*} flags the kernel accepted.
     */
    public int setupFlags()
    {
        return setupFlags;
    }

    /**
     * @return the flags asked for; those missing from {@link #setupFlags()} were dropped on EINVAL.
     */
    public int requestedFlags()
    {
        return requestedFlags;
    }

    /**
     * @return the kernel's {@code IORING_FEAT_*}.
     */
    public int features()
    {
        return features;
    }

    /**
     * @param feature an {@code IORING_FEAT_*} bit.
     * @return whether the kernel has it.
     */
    public boolean hasFeature(final int feature)
    {
        return (features & feature) == feature;
    }

    /**
     * @return whether the CQ has overflowed and CQEs wait in the kernel ({@code IORING_SQ_CQ_OVERFLOW}).
     */
    public boolean cqOverflowPending()
    {
        checkOpen();
        return (lvSqFlags() & IORING_SQ_CQ_OVERFLOW) != 0;
    }

    /**
     * @return CQEs the kernel dropped ({@code cq.overflow}); stays 0 with {@code IORING_FEAT_NODROP} unless the kernel
     *         ran out of memory.
     */
    public int cqOverflow()
    {
        return (int)INT.getAcquire(cqRing, cqOverflowOffset);
    }

    /**
     * @return invalid SQEs the kernel skipped ({@code sq.dropped}).
     */
    public int sqDropped()
    {
        return (int)INT.getAcquire(sqRing, sqDroppedOffset);
    }

    /**
     * @return io_uring_enter calls made (ring thread).
     */
    public long enters()
    {
        return enters;
    }

    /**
     * @return io_uring_enter calls that a signal interrupted (EINTR) and that were retried; any thread.
     */
    public long interruptedEnters()
    {
        return interruptedEnters;
    }

    /**
     * @return io_uring_enter calls refused with EBUSY or EAGAIN (ring thread).
     */
    public long busyEnters()
    {
        return busyEnters;
    }

    /**
     * @return enters made to flush overflowed CQEs or pending completion work (ring thread).
     */
    public long overflowFlushes()
    {
        return overflowFlushes;
    }

    /**
     * @return wake-up CQEs seen (ring thread).
     */
    public long wakeups()
    {
        return wakeups;
    }

    /**
     * @return CQEs of SQEs taken but never filled, or neutralised by a refused argument, that reap swallowed.
     */
    public long ignoredCompletions()
    {
        return ignoredCompletions;
    }

    /**
     * @return the addresses and lengths of the three mappings (the CQ ring's length is 0 when it shares the SQ
     *         ring's): {sqRing, sqRingLength, cqRing, cqRingLength, sqes, sqesLength}; for the leak tests.
     */
    long[] mappings()
    {
        return new long[] {sqRingAddress, sqRingLength, cqRingAddress, cqRingLength, sqesAddress, sqesLength};
    }

    /**
     * @return the wake-up eventfd, or -1; for the leak tests.
     */
    int wakeFd()
    {
        return waker == null ? -1 : waker.fd();
    }

    /**
     * Unmap the rings and close the ring's fd (and the wake-up eventfd); later calls throw
     * {@link IllegalStateException}, later {@link #wake()}s return false. Every step is tried; failures are thrown
     * together, the first with the others suppressed. Requests still in flight are cancelled by the kernel when
     * the fd closes, asynchronously: see the class comment on memory.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        if (waker != null)
        {
            failure = step(failure, () -> waker.close());
        }
        failure = step(failure, arena::close);
        final MemorySegment closeCapture = UringNative.threadCapture();
        failure = step(failure, () -> unmap(closeCapture, sqesAddress, sqesLength, "SQE array"));
        if (cqRingLength != 0)
        {
            failure = step(failure, () -> unmap(closeCapture, cqRingAddress, cqRingLength, "CQ ring"));
        }
        failure = step(failure, () -> unmap(closeCapture, sqRingAddress, sqRingLength, "SQ ring"));
        failure = step(failure, () ->
        {
            final int result = UringNative.close(closeCapture, ringFd);
            if (result < 0)
            {
                throw new IoUringException("close", -result, "closing io_uring fd " + ringFd);
            }
        });
        if (failure != null)
        {
            throw failure;
        }
    }

    private static void unmap(final MemorySegment capture, final long address, final long length, final String what)
    {
        final int result = UringNative.munmap(capture, address, length);
        if (result < 0)
        {
            throw new IoUringException("munmap", -result, "unmapping the " + what);
        }
    }

    private static RuntimeException step(final RuntimeException failure, final Runnable action)
    {
        try
        {
            action.run();
            return failure;
        }
        catch (final RuntimeException ex)
        {
            if (failure == null)
            {
                return ex;
            }
            failure.addSuppressed(ex);
            return failure;
        }
    }

    @Override
    public String toString()
    {
        return "IoUring{fd=" + ringFd + ", sq=" + sqEntries + ", cq=" + cqEntries + ", setupFlags=0x" +
            Integer.toHexString(setupFlags) + ", features=0x" + Integer.toHexString(features) +
            (closed ? ", closed" : "") + "}";
    }
}
