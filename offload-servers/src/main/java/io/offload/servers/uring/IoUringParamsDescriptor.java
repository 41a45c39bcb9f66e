package io.offload.servers.uring;

/**
 * Layout of {@code struct io_uring_params} (120 bytes): what {@code io_uring_setup(2)} takes (entries, flags) and
 * fills in (sizes, features, and where each field of the two rings lies in their mappings:
 * {@code struct io_sqring_offsets} and {@code struct io_cqring_offsets}).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  0 sq_entries (u32, in: wanted; out: rounded to a power of 2) |
 *  +---------------------------------------------------------------+
 *  |  4 cq_entries (u32, in with IORING_SETUP_CQSIZE; out)         |
 *  +---------------------------------------------------------------+
 *  |  8 flags (u32, IORING_SETUP_*)                                |
 *  +---------------------------------------------------------------+
 *  | 12 sq_thread_cpu (u32)      | 16 sq_thread_idle (u32, ms)     |
 *  +---------------------------------------------------------------+
 *  | 20 features (u32, out: IORING_FEAT_*)                         |
 *  +---------------------------------------------------------------+
 *  | 24 wq_fd (u32)              | 28 resv[3] (12 bytes, zero)    ...
 *  +---------------------------------------------------------------+
 *  | 40 sq_off: struct io_sqring_offsets (40 bytes)                |
 *  |    +0 head  +4 tail  +8 ring_mask  +12 ring_entries           |
 *  |    +16 flags  +20 dropped  +24 array  +28 resv1               |
 *  |    +32 user_addr (u64)                                        |
 *  +---------------------------------------------------------------+
 *  | 80 cq_off: struct io_cqring_offsets (40 bytes)                |
 *  |    +0 head  +4 tail  +8 ring_mask  +12 ring_entries           |
 *  |    +16 overflow  +20 cqes  +24 flags  +28 resv1               |
 *  |    +32 user_addr (u64)                                        |
 *  +---------------------------------------------------------------+  120
 * </pre>
 * The {@code sq_off.*} and {@code cq_off.*} values are byte offsets into the SQ ring mapping (mmap offset
 * {@code IORING_OFF_SQ_RING}) and the CQ ring mapping ({@code IORING_OFF_CQ_RING}; the same mapping with
 * {@code IORING_FEAT_SINGLE_MMAP}). The kernel insists on zeroed reserved fields, so the struct is zeroed before
 * each setup. The layout is the same on every architecture (u32 and u64 fields only, naturally aligned).
 */
public final class IoUringParamsDescriptor
{
    /** Size of {@code struct io_uring_params}. */
    public static final int PARAMS_LENGTH = 120;
    /** Alignment: the u64 user_addr fields. */
    public static final int PARAMS_ALIGNMENT = 8;

    /** {@code sq_entries} (u32). */
    public static final int SQ_ENTRIES_OFFSET = 0;
    /** {@code cq_entries} (u32). */
    public static final int CQ_ENTRIES_OFFSET = 4;
    /** {@code flags} (u32): {@code IORING_SETUP_*}. */
    public static final int FLAGS_OFFSET = 8;
    /** {@code sq_thread_cpu} (u32): with SQPOLL and SQ_AFF. */
    public static final int SQ_THREAD_CPU_OFFSET = 12;
    /** {@code sq_thread_idle} (u32): SQPOLL thread idle time, ms. */
    public static final int SQ_THREAD_IDLE_OFFSET = 16;
    /** {@code features} (u32): {@code IORING_FEAT_*}, filled by the kernel. */
    public static final int FEATURES_OFFSET = 20;
    /** {@code wq_fd} (u32): with ATTACH_WQ. */
    public static final int WQ_FD_OFFSET = 24;
    /** {@code resv[3]} (3 x u32): must be zero. */
    public static final int RESV_OFFSET = 28;

    /** {@code sq_off}: the {@code struct io_sqring_offsets}. */
    public static final int SQ_OFF_OFFSET = 40;
    /** {@code sq_off.head} (u32): where the kernel's SQ head lies in the SQ ring. */
    public static final int SQ_OFF_HEAD_OFFSET = SQ_OFF_OFFSET;
    /** {@code sq_off.tail} (u32): the SQ tail, ours. */
    public static final int SQ_OFF_TAIL_OFFSET = SQ_OFF_OFFSET + 4;
    /** {@code sq_off.ring_mask} (u32). */
    public static final int SQ_OFF_RING_MASK_OFFSET = SQ_OFF_OFFSET + 8;
    /** {@code sq_off.ring_entries} (u32). */
    public static final int SQ_OFF_RING_ENTRIES_OFFSET = SQ_OFF_OFFSET + 12;
    /** {@code sq_off.flags} (u32): the SQ ring flags, {@code IORING_SQ_*}. */
    public static final int SQ_OFF_FLAGS_OFFSET = SQ_OFF_OFFSET + 16;
    /** {@code sq_off.dropped} (u32): invalid SQEs the kernel skipped. */
    public static final int SQ_OFF_DROPPED_OFFSET = SQ_OFF_OFFSET + 20;
    /** {@code sq_off.array} (u32): the SQ index array (ring slot to SQE index). */
    public static final int SQ_OFF_ARRAY_OFFSET = SQ_OFF_OFFSET + 24;
    /** {@code sq_off.resv1} (u32). */
    public static final int SQ_OFF_RESV1_OFFSET = SQ_OFF_OFFSET + 28;
    /** {@code sq_off.user_addr} (u64): with NO_MMAP. */
    public static final int SQ_OFF_USER_ADDR_OFFSET = SQ_OFF_OFFSET + 32;

    /** {@code cq_off}: the {@code struct io_cqring_offsets}. */
    public static final int CQ_OFF_OFFSET = 80;
    /** {@code cq_off.head} (u32): the CQ head, ours. */
    public static final int CQ_OFF_HEAD_OFFSET = CQ_OFF_OFFSET;
    /** {@code cq_off.tail} (u32): the kernel's CQ tail. */
    public static final int CQ_OFF_TAIL_OFFSET = CQ_OFF_OFFSET + 4;
    /** {@code cq_off.ring_mask} (u32). */
    public static final int CQ_OFF_RING_MASK_OFFSET = CQ_OFF_OFFSET + 8;
    /** {@code cq_off.ring_entries} (u32). */
    public static final int CQ_OFF_RING_ENTRIES_OFFSET = CQ_OFF_OFFSET + 12;
    /** {@code cq_off.overflow} (u32): CQEs the kernel dropped. */
    public static final int CQ_OFF_OVERFLOW_OFFSET = CQ_OFF_OFFSET + 16;
    /** {@code cq_off.cqes} (u32): the CQE array. */
    public static final int CQ_OFF_CQES_OFFSET = CQ_OFF_OFFSET + 20;
    /** {@code cq_off.flags} (u32): the CQ ring flags, {@code IORING_CQ_*}. */
    public static final int CQ_OFF_FLAGS_OFFSET = CQ_OFF_OFFSET + 24;
    /** {@code cq_off.resv1} (u32). */
    public static final int CQ_OFF_RESV1_OFFSET = CQ_OFF_OFFSET + 28;
    /** {@code cq_off.user_addr} (u64): with NO_MMAP. */
    public static final int CQ_OFF_USER_ADDR_OFFSET = CQ_OFF_OFFSET + 32;

    /** Size of {@code struct io_sqring_offsets} and of {@code struct io_cqring_offsets}. */
    public static final int RING_OFFSETS_LENGTH = 40;

    private IoUringParamsDescriptor()
    {
    }
}
