package io.offload.servers.uring;

/**
 * Layout of {@code struct io_uring_getevents_arg}, the argument of {@code io_uring_enter} with
 * {@code IORING_ENTER_EXT_ARG} (Linux 5.11, {@code IORING_FEAT_EXT_ARG}), and of the {@code struct __kernel_timespec}
 * its {@code ts} points at: together they give a wait a timeout without a timeout SQE.
 * <pre>
 *  struct io_uring_getevents_arg (24 bytes)
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  0 sigmask (u64): address of a sigset_t, or 0                 |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |  8 sigmask_sz (u32)         | 12 min_wait_usec (u32; 0 pre-6.12)|
 *  +---------------------------------------------------------------+
 *  | 16 ts (u64): address of a struct __kernel_timespec, or 0      |
 *  |                                                               |
 *  +---------------------------------------------------------------+  24
 *
 *  struct __kernel_timespec (16 bytes, the same on 32- and 64-bit ABIs)
 *  +---------------------------------------------------------------+
 *  |  0 tv_sec (s64)                                               |
 *  +---------------------------------------------------------------+
 *  |  8 tv_nsec (s64)                                              |
 *  +---------------------------------------------------------------+  16
 * </pre>
 * The kernel copies both during the call; a timeout SQE ({@code IORING_OP_TIMEOUT}, {@code IORING_OP_LINK_TIMEOUT})
 * takes the same timespec layout and copies it at submission.
 */
public final class GeteventsArgDescriptor
{
    /** Size of {@code struct io_uring_getevents_arg}: the {@code argsz} io_uring_enter is given. */
    public static final int GETEVENTS_ARG_LENGTH = 24;
    /** {@code sigmask} (u64). */
    public static final int SIGMASK_OFFSET = 0;
    /** {@code sigmask_sz} (u32). */
    public static final int SIGMASK_SZ_OFFSET = 8;
    /** {@code min_wait_usec} (u32). */
    public static final int MIN_WAIT_USEC_OFFSET = 12;
    /** {@code ts} (u64). */
    public static final int TS_OFFSET = 16;

    /** Size of {@code struct __kernel_timespec}. */
    public static final int TIMESPEC_LENGTH = 16;
    /** {@code tv_sec} (s64). */
    public static final int TV_SEC_OFFSET = 0;
    /** {@code tv_nsec} (s64). */
    public static final int TV_NSEC_OFFSET = 8;

    private GeteventsArgDescriptor()
    {
    }
}
