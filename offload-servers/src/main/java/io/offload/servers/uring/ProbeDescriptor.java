package io.offload.servers.uring;

/**
 * Layout of {@code struct io_uring_probe} and its trailing array of {@code struct io_uring_probe_op}, which
 * {@code io_uring_register(fd, IORING_REGISTER_PROBE, probe, nr_ops)} fills: one op record per opcode up to the
 * highest one this kernel knows, with {@code IO_URING_OP_SUPPORTED} in the flags of those it supports.
 * <pre>
 *  struct io_uring_probe (16 bytes, then ops[])
 *   0               1               2                               4
 *  +---------------+---------------+-------------------------------+
 *  | 0 last_op u8  | 1 ops_len u8  | 2 resv u16                    |
 *  +---------------+---------------+-------------------------------+
 *  | 4 resv2[3] (3 x u32)                                         ...
 *  +---------------------------------------------------------------+  16
 *  | 16 ops[0], ops[1], ... (8 bytes each)                        ...
 *
 *  struct io_uring_probe_op (8 bytes)
 *  +---------------+---------------+-------------------------------+
 *  | 0 op u8       | 1 resv u8     | 2 flags u16 (IO_URING_OP_*)   |
 *  +---------------+---------------+-------------------------------+
 *  | 4 resv2 (u32)                                                 |
 *  +---------------------------------------------------------------+  8
 * </pre>
 * The kernel refuses a probe buffer that is not zeroed (EINVAL), and never fills more than 256 op records
 * ({@code nr_ops} is capped at {@code IORING_OP_LAST}).
 */
public final class ProbeDescriptor
{
    /** Size of the {@code struct io_uring_probe} header. */
    public static final int PROBE_HEADER_LENGTH = 16;
    /** Size of one {@code struct io_uring_probe_op}. */
    public static final int PROBE_OP_LENGTH = 8;
    /** Most op records a probe can describe: op and ops_len are u8. */
    public static final int MAX_OPS = 256;
    /** Size of a probe buffer for {@link #MAX_OPS} records. */
    public static final int PROBE_LENGTH = PROBE_HEADER_LENGTH + MAX_OPS * PROBE_OP_LENGTH;

    /** {@code last_op} (u8): the highest opcode this kernel knows. */
    public static final int LAST_OP_OFFSET = 0;
    /** {@code ops_len} (u8): op records filled. */
    public static final int OPS_LEN_OFFSET = 1;
    /** {@code resv} (u16). */
    public static final int RESV_OFFSET = 2;
    /** {@code resv2[3]} (3 x u32). */
    public static final int RESV2_OFFSET = 4;
    /** {@code ops[]}: the first op record. */
    public static final int OPS_OFFSET = 16;

    /** {@code io_uring_probe_op.op} (u8): the opcode. */
    public static final int OP_OP_OFFSET = 0;
    /** {@code io_uring_probe_op.resv} (u8). */
    public static final int OP_RESV_OFFSET = 1;
    /** {@code io_uring_probe_op.flags} (u16): {@code IO_URING_OP_SUPPORTED}. */
    public static final int OP_FLAGS_OFFSET = 2;
    /** {@code io_uring_probe_op.resv2} (u32). */
    public static final int OP_RESV2_OFFSET = 4;

    private ProbeDescriptor()
    {
    }
}
