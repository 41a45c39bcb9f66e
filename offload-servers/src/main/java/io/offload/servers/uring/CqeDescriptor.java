package io.offload.servers.uring;

/**
 * Layout of one completion queue entry, {@code struct io_uring_cqe} (16 bytes; 32 with {@code IORING_SETUP_CQE32},
 * which this package does not use).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  0 user_data (u64): the SQE's user_data                       |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |  8 res (s32): the result, or -errno                           |
 *  +---------------------------------------------------------------+
 *  | 12 flags (u32): IORING_CQE_F_* (MORE: a multishot request     |
 *  |    stays armed; upper 16 bits: provided buffer id)            |
 *  +---------------------------------------------------------------+  16
 * </pre>
 * The CQE array lies in the CQ ring mapping at {@code cq_off.cqes}; the kernel writes CQEs and then publishes them
 * with a release store of the CQ tail, the application reads them and then frees their slots with a release store
 * of the CQ head.
 */
public final class CqeDescriptor
{
    /** Size of one CQE. */
    public static final int CQE_LENGTH = 16;
    /** log2 of {@link #CQE_LENGTH}. */
    public static final int CQE_SHIFT = 4;

    /** {@code user_data} (u64). */
    public static final int USER_DATA_OFFSET = 0;
    /** {@code res} (s32). */
    public static final int RES_OFFSET = 8;
    /** {@code flags} (u32). */
    public static final int FLAGS_OFFSET = 12;

    private CqeDescriptor()
    {
    }
}
