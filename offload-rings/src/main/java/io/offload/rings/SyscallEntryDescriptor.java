package io.offload.rings;

/**
 * Layout of one syscall entry: the fixed-size, off-heap slot in which a caller writes a request and a server
 * writes the completion (FlexSC's syscall page entry, GenerOS's request record).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+  -+
 *  |                          op (int)                             |   |
 *  +---------------------------------------------------------------+   |
 *  |   flags (int): record phases, cancel requested, resume        |   |
 *  +---------------------------------------------------------------+   |
 *  |                     arg0 .. arg5 (6 x long)                  ...  |  request line, 64 bytes:
 *  ...                                                             |   |  written by the caller before
 *  +---------------------------------------------------------------+   |  publication, read by the server
 *  |                      caller id (long)                         |   |  (the server may rewrite args
 *  |                                                               |   |  while it owns a resumable call)
 *  +---------------------------------------------------------------+  -+
 *  |                         status (int)                          |   |
 *  +---------------------------------------------------------------+   |
 *  |                         waiter (int)                          |   |
 *  +---------------------------------------------------------------+   |  completion line, 64 bytes:
 *  |                   result or -errno (long)                     |   |  status handshake, result and
 *  +---------------------------------------------------------------+   |  the five GenerOS phases as six
 *  |  t_enter | t_submitted | t_picked | t_handled | t_seen | t_exit  |  timestamps (long ns each)
 *  +---------------------------------------------------------------+  -+
 * </pre>
 * An entry is 128 bytes and 128-byte aligned inside its page, so each line is a cache line of its own and the
 * adjacent-line prefetcher pairs the two lines of one entry, never lines of two entries. Status moves
 * {@code FREE -> SUBMITTED -> (RUNNING | WAITING) -> DONE -> FREE}; every store of status is a release and
 * every load an acquire, so the request line written before SUBMITTED and the result written before DONE are
 * visible to the side that sees the new status. {@link SyscallEntry} is the one class that reads and writes these
 * fields.
 */
public final class SyscallEntryDescriptor
{
    /** Size of an entry in bytes. */
    public static final int ENTRY_LENGTH = 128;
    /** Alignment of an entry, and of the pages that hold entries. */
    public static final int ENTRY_ALIGNMENT = 128;
    /** log2 of {@link #ENTRY_LENGTH}. */
    public static final int ENTRY_SHIFT = 7;

    /** Op code: {@code io.offload.api.Syscall#op()}. */
    public static final int OP_OFFSET = 0;
    /** Flags: {@link #FLAG_RECORD_PHASES} and later ones. */
    public static final int FLAGS_OFFSET = 4;
    /** First of six long arguments. */
    public static final int ARG0_OFFSET = 8;
    /** Number of long arguments. */
    public static final int ARG_COUNT = 6;
    /** The caller's thread id, for routers and diagnostics. */
    public static final int CALLER_ID_OFFSET = 56;

    /** Start of the completion line. */
    public static final int COMPLETION_LINE_OFFSET = 64;
    /** Status: one of the {@code STATUS_*} values. */
    public static final int STATUS_OFFSET = 64;
    /** How the caller waits: one of the {@code WAITER_*} values. */
    public static final int WAITER_OFFSET = 68;
    /** Result of the call, or -errno. */
    public static final int RESULT_OFFSET = 72;
    /** Caller starts the call (ENTER begins). */
    public static final int T_ENTER_OFFSET = 80;
    /** Caller has published the entry (ENTER ends, FLYIN begins). */
    public static final int T_SUBMITTED_OFFSET = 88;
    /** Server has picked the entry up (FLYIN ends, HANDLE begins). */
    public static final int T_PICKED_OFFSET = 96;
    /** System call has returned on the server (HANDLE ends, FLYOUT begins). */
    public static final int T_HANDLED_OFFSET = 104;
    /** Caller has seen DONE (FLYOUT ends, EXIT begins). */
    public static final int T_SEEN_OFFSET = 112;
    /** Caller returns (EXIT ends). */
    public static final int T_EXIT_OFFSET = 120;

    /** The entry is in the pool's free list or held by a caller that has not yet submitted it. */
    public static final int STATUS_FREE = 0;
    /** Published to a server's ring; the server has not picked it up yet. */
    public static final int STATUS_SUBMITTED = 1;
    /** A server is executing the call. */
    public static final int STATUS_RUNNING = 2;
    /** The call would block: it sits in a server's wait queue. */
    public static final int STATUS_WAITING = 3;
    /** Result (or -errno) is written; the caller owns the entry again. */
    public static final int STATUS_DONE = 4;

    /** The caller spins on status and will not be unparked. */
    public static final int WAITER_SPINNING = 0;
    /** The caller has parked (or is about to): the completer must unpark it. */
    public static final int WAITER_PARKED = 1;
    /** The call belongs to a future: the completer hands it to the completion thread. */
    public static final int WAITER_ASYNC = 2;
    /** The caller spins first and may park later: the completer must check for {@link #WAITER_PARKED}. */
    public static final int WAITER_MAY_PARK = 3;

    /** Record the five phase timestamps for this entry. */
    public static final int FLAG_RECORD_PHASES = 1;
    /** The caller (or its future) asked to cancel: set once, by atomic or, after publication. */
    public static final int FLAG_CANCEL_REQUESTED = 2;
    /** A server forwarded the call to the server that owns its fd: resume from the progress in the result. */
    public static final int FLAG_RESUME = 4;

    private SyscallEntryDescriptor()
    {
    }

    /**
     * @param status a status value.
     * @return its name, for messages.
     */
    public static String statusName(final int status)
    {
        return switch (status)
        {
            case STATUS_FREE -> "FREE";
            case STATUS_SUBMITTED -> "SUBMITTED";
            case STATUS_RUNNING -> "RUNNING";
            case STATUS_WAITING -> "WAITING";
            case STATUS_DONE -> "DONE";
            default -> "UNKNOWN(" + status + ")";
        };
    }
}
