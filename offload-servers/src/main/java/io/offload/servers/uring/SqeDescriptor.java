package io.offload.servers.uring;

/**
 * Layout of one submission queue entry, {@code struct io_uring_sqe} (64 bytes; 128 with
 * {@code IORING_SETUP_SQE128}, which this package does not use). Most fields are unions whose meaning depends on the
 * opcode; {@link Sqe} is the one class that writes them, one {@code prep*} method per opcode.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |  0 opcode u8  |  1 flags u8   |  2 ioprio u16                 |   flags: IOSQE_*; ioprio also carries
 *  +---------------+---------------+-------------------------------+   accept/recv/send flags
 *  |  4 fd (s32)                                                   |
 *  +---------------------------------------------------------------+
 *  |  8 off | addr2 | {cmd_op u32, pad u32}  (u64)                 |   file offset (-1: current position);
 *  |                                                               |   statx buffer; rename's new path
 *  +---------------------------------------------------------------+
 *  | 16 addr | splice_off_in | {level u32, optname u32}  (u64)     |   buffer, iovecs, path, timespec,
 *  |                                                               |   cancel target's user_data
 *  +---------------------------------------------------------------+
 *  | 24 len (u32)                                                  |   bytes, iovec count, mode, how
 *  +---------------------------------------------------------------+
 *  | 28 op flags (u32): rw_flags | fsync_flags | poll32_events |   |
 *  |    msg_flags | timeout_flags | accept_flags | cancel_flags |  |
 *  |    open_flags | statx_flags | splice_flags | rename_flags |   |
 *  |    unlink_flags | msg_ring_flags | ...                       |
 *  +---------------------------------------------------------------+
 *  | 32 user_data (u64): handed back in the CQE                    |
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  | 40 buf_index | buf_group u16  | 42 personality u16            |
 *  +-------------------------------+-------------------------------+
 *  | 44 splice_fd_in (s32) | file_index | optlen | {addr_len u16}  |
 *  +---------------------------------------------------------------+
 *  | 48 addr3 | attr_ptr | optval (u64)                            |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  | 56 __pad2[0] | attr_type_mask (u64)                           |
 *  |                                                               |
 *  +---------------------------------------------------------------+  64
 * </pre>
 * The SQE array is the third mapping (mmap offset {@code IORING_OFF_SQES}); the SQ ring's index array maps ring
 * slots to SQE indexes (identity here, written once at setup, as liburing does). Every field is naturally aligned.
 */
public final class SqeDescriptor
{
    /** Size of one SQE. */
    public static final int SQE_LENGTH = 64;
    /** log2 of {@link #SQE_LENGTH}. */
    public static final int SQE_SHIFT = 6;

    /** {@code opcode} (u8): {@code IORING_OP_*}. */
    public static final int OPCODE_OFFSET = 0;
    /** {@code flags} (u8): {@code IOSQE_*}. */
    public static final int FLAGS_OFFSET = 1;
    /** {@code ioprio} (u16): I/O priority; for accept/recv/send the {@code IORING_ACCEPT_*}/{@code IORING_RECVSEND_*} flags. */
    public static final int IOPRIO_OFFSET = 2;
    /** {@code fd} (s32). */
    public static final int FD_OFFSET = 4;
    /** {@code off} (u64): file offset. */
    public static final int OFF_OFFSET = 8;
    /** {@code addr2} (u64): the same bytes as {@code off}. */
    public static final int ADDR2_OFFSET = 8;
    /** {@code addr} (u64): buffer, iovec array, path or argument address. */
    public static final int ADDR_OFFSET = 16;
    /** {@code splice_off_in} (u64): the same bytes as {@code addr}. */
    public static final int SPLICE_OFF_IN_OFFSET = 16;
    /** {@code len} (u32): length, count or mode. */
    public static final int LEN_OFFSET = 24;
    /** The per-opcode flags union (u32). */
    public static final int OP_FLAGS_OFFSET = 28;
    /** {@code rw_flags} ({@code RWF_*}). */
    public static final int RW_FLAGS_OFFSET = OP_FLAGS_OFFSET;
    /** {@code fsync_flags} ({@code IORING_FSYNC_*}). */
    public static final int FSYNC_FLAGS_OFFSET = OP_FLAGS_OFFSET;
    /** {@code poll32_events} (poll mask; word-swapped on big-endian, which this package does not run on). */
    public static final int POLL32_EVENTS_OFFSET = OP_FLAGS_OFFSET;
    /** {@code msg_flags} ({@code MSG_*}). */
    public static final int MSG_FLAGS_OFFSET = OP_FLAGS_OFFSET;
    /** {@code timeout_flags} ({@code IORING_TIMEOUT_*}). */
    public static final int TIMEOUT_FLAGS_OFFSET = OP_FLAGS_OFFSET;
    /** {@code accept_flags} ({@code SOCK_*} of accept4). */
    public static final int ACCEPT_FLAGS_OFFSET = OP_FLAGS_OFFSET;
    /** {@code cancel_flags} ({@code IORING_ASYNC_CANCEL_*}). */
    public static final int CANCEL_FLAGS_OFFSET = OP_FLAGS_OFFSET;
    /** {@code open_flags} ({@code O_*}). */
    public static final int OPEN_FLAGS_OFFSET = OP_FLAGS_OFFSET;
    /** {@code statx_flags} ({@code AT_*}). */
    public static final int STATX_FLAGS_OFFSET = OP_FLAGS_OFFSET;
    /** {@code splice_flags} ({@code SPLICE_F_*}). */
    public static final int SPLICE_FLAGS_OFFSET = OP_FLAGS_OFFSET;
    /** {@code rename_flags} ({@code RENAME_*}). */
    public static final int RENAME_FLAGS_OFFSET = OP_FLAGS_OFFSET;
    /** {@code unlink_flags} ({@code AT_REMOVEDIR}). */
    public static final int UNLINK_FLAGS_OFFSET = OP_FLAGS_OFFSET;
    /** {@code msg_ring_flags} ({@code IORING_MSG_RING_*}). */
    public static final int MSG_RING_FLAGS_OFFSET = OP_FLAGS_OFFSET;
    /** {@code nop_flags} ({@code IORING_NOP_*}). */
    public static final int NOP_FLAGS_OFFSET = OP_FLAGS_OFFSET;
    /** {@code user_data} (u64): copied into the request's CQE(s). */
    public static final int USER_DATA_OFFSET = 32;
    /** {@code buf_index} (u16): registered buffer index. */
    public static final int BUF_INDEX_OFFSET = 40;
    /** {@code buf_group} (u16): the same bytes as {@code buf_index}, for IOSQE_BUFFER_SELECT. */
    public static final int BUF_GROUP_OFFSET = 40;
    /** {@code personality} (u16). */
    public static final int PERSONALITY_OFFSET = 42;
    /** {@code splice_fd_in} (s32). */
    public static final int SPLICE_FD_IN_OFFSET = 44;
    /** {@code file_index} (u32): fixed-file slot + 1 for direct descriptors; the same bytes as splice_fd_in. */
    public static final int FILE_INDEX_OFFSET = 44;
    /** {@code addr3} (u64). */
    public static final int ADDR3_OFFSET = 48;
    /** {@code __pad2[0]} (u64): zero. */
    public static final int PAD2_OFFSET = 56;

    private SqeDescriptor()
    {
    }
}
