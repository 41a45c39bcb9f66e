package io.offload.servers.uring;

/**
 * The io_uring constants of the kernel's uapi header {@code include/uapi/linux/io_uring.h}, with the kernel's names
 * and values (the copy read: liburing's {@code src/include/liburing/io_uring.h} of August 2026, which follows the
 * kernel's), and the {@code RWF_*} flags of {@code include/uapi/linux/fs.h}. They are the same on every architecture.
 * A value here says what a kernel that knows the name means by it; whether this kernel knows it is another question:
 * opcodes by {@link Probe}, setup flags by whether {@code io_uring_setup} accepts them ({@link IoUring#setupFlags()}),
 * features by {@link IoUring#features()}. {@code IoUringConstantsTest} checks every value against a table taken
 * from the header, and against the installed {@code /usr/include/linux/io_uring.h} where there is one.
 */
public final class IoUringConstants
{
    // ---------------------------------------------------------------- opcodes (enum io_uring_op)
    /** {@code IORING_OP_NOP}: does nothing; completes with 0 (round trips, wake-ups, tests). */
    public static final int IORING_OP_NOP = 0;
    /** {@code IORING_OP_READV}: readv(2)/preadv2(2): addr = iovec array, len = count, off = offset or -1. */
    public static final int IORING_OP_READV = 1;
    /** {@code IORING_OP_WRITEV}: writev(2)/pwritev2(2). */
    public static final int IORING_OP_WRITEV = 2;
    /** {@code IORING_OP_FSYNC}: fsync(2), or fdatasync(2) with {@link #IORING_FSYNC_DATASYNC}. */
    public static final int IORING_OP_FSYNC = 3;
    /** {@code IORING_OP_READ_FIXED}: read into a registered buffer. */
    public static final int IORING_OP_READ_FIXED = 4;
    /** {@code IORING_OP_WRITE_FIXED}: write from a registered buffer. */
    public static final int IORING_OP_WRITE_FIXED = 5;
    /** {@code IORING_OP_POLL_ADD}: poll an fd for events (one-shot, or multishot with {@link #IORING_POLL_ADD_MULTI}). */
    public static final int IORING_OP_POLL_ADD = 6;
    /** {@code IORING_OP_POLL_REMOVE}: remove (or update) a poll request by its user_data. */
    public static final int IORING_OP_POLL_REMOVE = 7;
    /** {@code IORING_OP_SYNC_FILE_RANGE}: sync_file_range(2). */
    public static final int IORING_OP_SYNC_FILE_RANGE = 8;
    /** {@code IORING_OP_SENDMSG}: sendmsg(2). */
    public static final int IORING_OP_SENDMSG = 9;
    /** {@code IORING_OP_RECVMSG}: recvmsg(2). */
    public static final int IORING_OP_RECVMSG = 10;
    /** {@code IORING_OP_TIMEOUT}: a timeout that completes after a time or after a count of completions. */
    public static final int IORING_OP_TIMEOUT = 11;
    /** {@code IORING_OP_TIMEOUT_REMOVE}: remove (or update) a timeout by its user_data. */
    public static final int IORING_OP_TIMEOUT_REMOVE = 12;
    /** {@code IORING_OP_ACCEPT}: accept4(2) (multishot with {@link #IORING_ACCEPT_MULTISHOT} in ioprio). */
    public static final int IORING_OP_ACCEPT = 13;
    /** {@code IORING_OP_ASYNC_CANCEL}: cancel a request in flight by user_data (or by fd, opcode, any). */
    public static final int IORING_OP_ASYNC_CANCEL = 14;
    /** {@code IORING_OP_LINK_TIMEOUT}: a timeout for the request linked before it ({@link #IOSQE_IO_LINK}). */
    public static final int IORING_OP_LINK_TIMEOUT = 15;
    /** {@code IORING_OP_CONNECT}: connect(2). */
    public static final int IORING_OP_CONNECT = 16;
    /** {@code IORING_OP_FALLOCATE}: fallocate(2). */
    public static final int IORING_OP_FALLOCATE = 17;
    /** {@code IORING_OP_OPENAT}: openat(2). */
    public static final int IORING_OP_OPENAT = 18;
    /** {@code IORING_OP_CLOSE}: close(2). */
    public static final int IORING_OP_CLOSE = 19;
    /** {@code IORING_OP_FILES_UPDATE}: update registered files. */
    public static final int IORING_OP_FILES_UPDATE = 20;
    /** {@code IORING_OP_STATX}: statx(2). */
    public static final int IORING_OP_STATX = 21;
    /** {@code IORING_OP_READ}: read(2)/pread(2): addr = buffer, len = bytes, off = offset or -1. */
    public static final int IORING_OP_READ = 22;
    /** {@code IORING_OP_WRITE}: write(2)/pwrite(2). */
    public static final int IORING_OP_WRITE = 23;
    /** {@code IORING_OP_FADVISE}: posix_fadvise(2). */
    public static final int IORING_OP_FADVISE = 24;
    /** {@code IORING_OP_MADVISE}: madvise(2). */
    public static final int IORING_OP_MADVISE = 25;
    /** {@code IORING_OP_SEND}: send(2). */
    public static final int IORING_OP_SEND = 26;
    /** {@code IORING_OP_RECV}: recv(2). */
    public static final int IORING_OP_RECV = 27;
    /** {@code IORING_OP_OPENAT2}: openat2(2). */
    public static final int IORING_OP_OPENAT2 = 28;
    /** {@code IORING_OP_EPOLL_CTL}: epoll_ctl(2). */
    public static final int IORING_OP_EPOLL_CTL = 29;
    /** {@code IORING_OP_SPLICE}: splice(2). */
    public static final int IORING_OP_SPLICE = 30;
    /** {@code IORING_OP_PROVIDE_BUFFERS}: provide buffers to a buffer group. */
    public static final int IORING_OP_PROVIDE_BUFFERS = 31;
    /** {@code IORING_OP_REMOVE_BUFFERS}: remove buffers from a buffer group. */
    public static final int IORING_OP_REMOVE_BUFFERS = 32;
    /** {@code IORING_OP_TEE}: tee(2). */
    public static final int IORING_OP_TEE = 33;
    /** {@code IORING_OP_SHUTDOWN}: shutdown(2). */
    public static final int IORING_OP_SHUTDOWN = 34;
    /** {@code IORING_OP_RENAMEAT}: renameat2(2). */
    public static final int IORING_OP_RENAMEAT = 35;
    /** {@code IORING_OP_UNLINKAT}: unlinkat(2). */
    public static final int IORING_OP_UNLINKAT = 36;
    /** {@code IORING_OP_MKDIRAT}: mkdirat(2). */
    public static final int IORING_OP_MKDIRAT = 37;
    /** {@code IORING_OP_SYMLINKAT}: symlinkat(2). */
    public static final int IORING_OP_SYMLINKAT = 38;
    /** {@code IORING_OP_LINKAT}: linkat(2). */
    public static final int IORING_OP_LINKAT = 39;
    /** {@code IORING_OP_MSG_RING}: post a CQE (or pass a fixed file) to another ring. */
    public static final int IORING_OP_MSG_RING = 40;
    /** {@code IORING_OP_FSETXATTR}: fsetxattr(2). */
    public static final int IORING_OP_FSETXATTR = 41;
    /** {@code IORING_OP_SETXATTR}: setxattr(2). */
    public static final int IORING_OP_SETXATTR = 42;
    /** {@code IORING_OP_FGETXATTR}: fgetxattr(2). */
    public static final int IORING_OP_FGETXATTR = 43;
    /** {@code IORING_OP_GETXATTR}: getxattr(2). */
    public static final int IORING_OP_GETXATTR = 44;
    /** {@code IORING_OP_SOCKET}: socket(2). */
    public static final int IORING_OP_SOCKET = 45;
    /** {@code IORING_OP_URING_CMD}: a driver-specific command. */
    public static final int IORING_OP_URING_CMD = 46;
    /** {@code IORING_OP_SEND_ZC}: zero-copy send. */
    public static final int IORING_OP_SEND_ZC = 47;
    /** {@code IORING_OP_SENDMSG_ZC}: zero-copy sendmsg. */
    public static final int IORING_OP_SENDMSG_ZC = 48;
    /** {@code IORING_OP_READ_MULTISHOT}: multishot read into provided buffers. */
    public static final int IORING_OP_READ_MULTISHOT = 49;
    /** {@code IORING_OP_WAITID}: waitid(2). */
    public static final int IORING_OP_WAITID = 50;
    /** {@code IORING_OP_FUTEX_WAIT}: futex wait. */
    public static final int IORING_OP_FUTEX_WAIT = 51;
    /** {@code IORING_OP_FUTEX_WAKE}: futex wake. */
    public static final int IORING_OP_FUTEX_WAKE = 52;
    /** {@code IORING_OP_FUTEX_WAITV}: futex_waitv(2). */
    public static final int IORING_OP_FUTEX_WAITV = 53;
    /** {@code IORING_OP_FIXED_FD_INSTALL}: install a fixed file as a normal fd. */
    public static final int IORING_OP_FIXED_FD_INSTALL = 54;
    /** {@code IORING_OP_FTRUNCATE}: ftruncate(2) (Linux 6.9). */
    public static final int IORING_OP_FTRUNCATE = 55;
    /** {@code IORING_OP_BIND}: bind(2). */
    public static final int IORING_OP_BIND = 56;
    /** {@code IORING_OP_LISTEN}: listen(2). */
    public static final int IORING_OP_LISTEN = 57;
    /** {@code IORING_OP_RECV_ZC}: zero-copy receive. */
    public static final int IORING_OP_RECV_ZC = 58;
    /** {@code IORING_OP_EPOLL_WAIT}: epoll_wait(2). */
    public static final int IORING_OP_EPOLL_WAIT = 59;
    /** {@code IORING_OP_READV_FIXED}: readv into registered buffers. */
    public static final int IORING_OP_READV_FIXED = 60;
    /** {@code IORING_OP_WRITEV_FIXED}: writev from registered buffers. */
    public static final int IORING_OP_WRITEV_FIXED = 61;
    /** {@code IORING_OP_PIPE}: pipe2(2). */
    public static final int IORING_OP_PIPE = 62;
    /** {@code IORING_OP_NOP128}: NOP in a 128-byte SQE. */
    public static final int IORING_OP_NOP128 = 63;
    /** {@code IORING_OP_URING_CMD128}: URING_CMD in a 128-byte SQE. */
    public static final int IORING_OP_URING_CMD128 = 64;

    // ---------------------------------------------------------------- io_uring_setup(2) flags (params.flags)

    /** {@code IORING_SETUP_IOPOLL}: busy-poll for I/O completion (O_DIRECT on polled block devices only). */
    public static final int IORING_SETUP_IOPOLL = 1;
    /** {@code IORING_SETUP_SQPOLL}: a kernel thread polls the SQ. */
    public static final int IORING_SETUP_SQPOLL = 1 << 1;
    /** {@code IORING_SETUP_SQ_AFF}: params.sq_thread_cpu is valid. */
    public static final int IORING_SETUP_SQ_AFF = 1 << 2;
    /** {@code IORING_SETUP_CQSIZE}: params.cq_entries sets the CQ size. */
    public static final int IORING_SETUP_CQSIZE = 1 << 3;
    /** {@code IORING_SETUP_CLAMP}: clamp SQ/CQ sizes to the maximum instead of failing. */
    public static final int IORING_SETUP_CLAMP = 1 << 4;
    /** {@code IORING_SETUP_ATTACH_WQ}: share params.wq_fd's io-wq. */
    public static final int IORING_SETUP_ATTACH_WQ = 1 << 5;
    /** {@code IORING_SETUP_R_DISABLED}: start disabled, until IORING_REGISTER_ENABLE_RINGS. */
    public static final int IORING_SETUP_R_DISABLED = 1 << 6;
    /** {@code IORING_SETUP_SUBMIT_ALL}: go on submitting after an SQE that fails at submission (5.18). */
    public static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
    /** {@code IORING_SETUP_COOP_TASKRUN}: run completion task work at the next kernel entry, no IPI (5.19). */
    public static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;
    /** {@code IORING_SETUP_TASKRUN_FLAG}: set {@link #IORING_SQ_TASKRUN} when task work waits (5.19). */
    public static final int IORING_SETUP_TASKRUN_FLAG = 1 << 9;
    /** {@code IORING_SETUP_SQE128}: 128-byte SQEs. */
    public static final int IORING_SETUP_SQE128 = 1 << 10;
    /** {@code IORING_SETUP_CQE32}: 32-byte CQEs. */
    public static final int IORING_SETUP_CQE32 = 1 << 11;
    /** {@code IORING_SETUP_SINGLE_ISSUER}: one task submits (6.0); others get EEXIST. */
    public static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;
    /** {@code IORING_SETUP_DEFER_TASKRUN}: completions are posted only when the issuer enters with GETEVENTS (6.1). */
    public static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;
    /** {@code IORING_SETUP_NO_MMAP}: the application provides the ring memory. */
    public static final int IORING_SETUP_NO_MMAP = 1 << 14;
    /** {@code IORING_SETUP_REGISTERED_FD_ONLY}: return a registered ring index, not an fd. */
    public static final int IORING_SETUP_REGISTERED_FD_ONLY = 1 << 15;
    /** {@code IORING_SETUP_NO_SQARRAY}: no SQ index array; SQEs are taken in ring order. */
    public static final int IORING_SETUP_NO_SQARRAY = 1 << 16;
    /** {@code IORING_SETUP_HYBRID_IOPOLL}: hybrid polling for IOPOLL. */
    public static final int IORING_SETUP_HYBRID_IOPOLL = 1 << 17;
    /** {@code IORING_SETUP_CQE_MIXED}: 16- and 32-byte CQEs in one ring. */
    public static final int IORING_SETUP_CQE_MIXED = 1 << 18;
    /** {@code IORING_SETUP_SQE_MIXED}: 64- and 128-byte SQEs in one ring. */
    public static final int IORING_SETUP_SQE_MIXED = 1 << 19;
    /** {@code IORING_SETUP_SQ_REWIND}: SQEs are always taken from index 0. */
    public static final int IORING_SETUP_SQ_REWIND = 1 << 20;

    // ---------------------------------------------------------------- io_uring_enter(2) flags

    /** {@code IORING_ENTER_GETEVENTS}: wait for min_complete CQEs (and flush overflow, run task work). */
    public static final int IORING_ENTER_GETEVENTS = 1;
    /** {@code IORING_ENTER_SQ_WAKEUP}: wake the SQPOLL thread. */
    public static final int IORING_ENTER_SQ_WAKEUP = 1 << 1;
    /** {@code IORING_ENTER_SQ_WAIT}: wait for SQ space (SQPOLL). */
    public static final int IORING_ENTER_SQ_WAIT = 1 << 2;
    /** {@code IORING_ENTER_EXT_ARG}: arg is a {@code struct io_uring_getevents_arg} (5.11). */
    public static final int IORING_ENTER_EXT_ARG = 1 << 3;
    /** {@code IORING_ENTER_REGISTERED_RING}: fd is a registered ring index. */
    public static final int IORING_ENTER_REGISTERED_RING = 1 << 4;
    /** {@code IORING_ENTER_ABS_TIMER}: the EXT_ARG timeout is absolute. */
    public static final int IORING_ENTER_ABS_TIMER = 1 << 5;
    /** {@code IORING_ENTER_EXT_ARG_REG}: arg is an offset into a registered wait region. */
    public static final int IORING_ENTER_EXT_ARG_REG = 1 << 6;
    /** {@code IORING_ENTER_NO_IOWAIT}: do not account the wait as iowait. */
    public static final int IORING_ENTER_NO_IOWAIT = 1 << 7;

    // ---------------------------------------------------------------- params.features

    /** {@code IORING_FEAT_SINGLE_MMAP}: SQ and CQ rings share one mapping (5.4). */
    public static final int IORING_FEAT_SINGLE_MMAP = 1;
    /** {@code IORING_FEAT_NODROP}: CQEs that do not fit are kept in an overflow list, not dropped (5.5). */
    public static final int IORING_FEAT_NODROP = 1 << 1;
    /** {@code IORING_FEAT_SUBMIT_STABLE}: data an SQE points at need only be stable until submission (5.5). */
    public static final int IORING_FEAT_SUBMIT_STABLE = 1 << 2;
    /** {@code IORING_FEAT_RW_CUR_POS}: offset -1 means the file's current position (5.6). */
    public static final int IORING_FEAT_RW_CUR_POS = 1 << 3;
    /** {@code IORING_FEAT_CUR_PERSONALITY}: requests run with the submitter's credentials (5.6). */
    public static final int IORING_FEAT_CUR_PERSONALITY = 1 << 4;
    /** {@code IORING_FEAT_FAST_POLL}: internal poll instead of a worker thread for pollable fds (5.7). */
    public static final int IORING_FEAT_FAST_POLL = 1 << 5;
    /** {@code IORING_FEAT_POLL_32BITS}: 32-bit poll masks (5.9). */
    public static final int IORING_FEAT_POLL_32BITS = 1 << 6;
    /** {@code IORING_FEAT_SQPOLL_NONFIXED}: SQPOLL works with non-fixed files (5.11). */
    public static final int IORING_FEAT_SQPOLL_NONFIXED = 1 << 7;
    /** {@code IORING_FEAT_EXT_ARG}: io_uring_enter takes IORING_ENTER_EXT_ARG, i.e. a wait timeout (5.11). */
    public static final int IORING_FEAT_EXT_ARG = 1 << 8;
    /** {@code IORING_FEAT_NATIVE_WORKERS}: io-wq workers are threads of the process (5.12). */
    public static final int IORING_FEAT_NATIVE_WORKERS = 1 << 9;
    /** {@code IORING_FEAT_RSRC_TAGS}: registered resources can be tagged (5.13). */
    public static final int IORING_FEAT_RSRC_TAGS = 1 << 10;
    /** {@code IORING_FEAT_CQE_SKIP}: {@link #IOSQE_CQE_SKIP_SUCCESS} is supported (5.17). */
    public static final int IORING_FEAT_CQE_SKIP = 1 << 11;
    /** {@code IORING_FEAT_LINKED_FILE}: files of linked requests are resolved at execution (5.17). */
    public static final int IORING_FEAT_LINKED_FILE = 1 << 12;
    /** {@code IORING_FEAT_REG_REG_RING}: a registered ring fd can be used with io_uring_register (6.3). */
    public static final int IORING_FEAT_REG_REG_RING = 1 << 13;
    /** {@code IORING_FEAT_RECVSEND_BUNDLE}: bundled send/recv (6.10). */
    public static final int IORING_FEAT_RECVSEND_BUNDLE = 1 << 14;
    /** {@code IORING_FEAT_MIN_TIMEOUT}: getevents_arg.min_wait_usec (6.12). */
    public static final int IORING_FEAT_MIN_TIMEOUT = 1 << 15;
    /** {@code IORING_FEAT_RW_ATTR}: read/write attributes (6.14). */
    public static final int IORING_FEAT_RW_ATTR = 1 << 16;
    /** {@code IORING_FEAT_NO_IOWAIT}: {@link #IORING_ENTER_NO_IOWAIT} (6.15). */
    public static final int IORING_FEAT_NO_IOWAIT = 1 << 17;

    // ---------------------------------------------------------------- sqe.flags

    /** {@code IOSQE_FIXED_FILE}: fd is an index into the registered files. */
    public static final int IOSQE_FIXED_FILE = 1;
    /** {@code IOSQE_IO_DRAIN}: start only after every request before it has completed. */
    public static final int IOSQE_IO_DRAIN = 1 << 1;
    /** {@code IOSQE_IO_LINK}: the next SQE starts only after this one succeeds. */
    public static final int IOSQE_IO_LINK = 1 << 2;
    /** {@code IOSQE_IO_HARDLINK}: like IO_LINK, but the chain goes on when this one fails. */
    public static final int IOSQE_IO_HARDLINK = 1 << 3;
    /** {@code IOSQE_ASYNC}: always run in an io-wq worker, never inline. */
    public static final int IOSQE_ASYNC = 1 << 4;
    /** {@code IOSQE_BUFFER_SELECT}: pick a buffer from group sqe.buf_group. */
    public static final int IOSQE_BUFFER_SELECT = 1 << 5;
    /** {@code IOSQE_CQE_SKIP_SUCCESS}: post no CQE if the request succeeds. */
    public static final int IOSQE_CQE_SKIP_SUCCESS = 1 << 6;

    // ---------------------------------------------------------------- cqe.flags

    /** {@code IORING_CQE_F_BUFFER}: the upper 16 bits are a provided buffer's id. */
    public static final int IORING_CQE_F_BUFFER = 1;
    /** {@code IORING_CQE_F_MORE}: the request stays armed and will post more CQEs (multishot). */
    public static final int IORING_CQE_F_MORE = 1 << 1;
    /** {@code IORING_CQE_F_SOCK_NONEMPTY}: more data to read after this recv. */
    public static final int IORING_CQE_F_SOCK_NONEMPTY = 1 << 2;
    /** {@code IORING_CQE_F_NOTIF}: a zero-copy notification. */
    public static final int IORING_CQE_F_NOTIF = 1 << 3;
    /** {@code IORING_CQE_F_BUF_MORE}: the provided buffer will be used for more completions. */
    public static final int IORING_CQE_F_BUF_MORE = 1 << 4;
    /** {@code IORING_CQE_F_SKIP}: padding in a mixed-size CQ; ignore it. */
    public static final int IORING_CQE_F_SKIP = 1 << 5;
    /** {@code IORING_CQE_F_32}: a 32-byte CQE in a mixed-size CQ. */
    public static final int IORING_CQE_F_32 = 1 << 15;
    /** {@code IORING_CQE_BUFFER_SHIFT}: shift of the buffer id in cqe.flags. */
    public static final int IORING_CQE_BUFFER_SHIFT = 16;

    // ---------------------------------------------------------------- sq_ring.flags and cq_ring.flags

    /** {@code IORING_SQ_NEED_WAKEUP}: the SQPOLL thread sleeps; enter with SQ_WAKEUP. */
    public static final int IORING_SQ_NEED_WAKEUP = 1;
    /** {@code IORING_SQ_CQ_OVERFLOW}: CQEs wait in the kernel's overflow list; enter with GETEVENTS to flush. */
    public static final int IORING_SQ_CQ_OVERFLOW = 1 << 1;
    /** {@code IORING_SQ_TASKRUN}: task work waits; enter with GETEVENTS to run it. */
    public static final int IORING_SQ_TASKRUN = 1 << 2;
    /** {@code IORING_CQ_EVENTFD_DISABLED}: no eventfd notifications. */
    public static final int IORING_CQ_EVENTFD_DISABLED = 1;

    // ---------------------------------------------------------------- per-opcode flags

    /** {@code IORING_FSYNC_DATASYNC} (sqe.fsync_flags): fdatasync instead of fsync. */
    public static final int IORING_FSYNC_DATASYNC = 1;

    /** {@code IORING_TIMEOUT_ABS} (sqe.timeout_flags): the timespec is absolute. */
    public static final int IORING_TIMEOUT_ABS = 1;
    /** {@code IORING_TIMEOUT_UPDATE}: TIMEOUT_REMOVE updates instead of removing. */
    public static final int IORING_TIMEOUT_UPDATE = 1 << 1;
    /** {@code IORING_TIMEOUT_BOOTTIME}: CLOCK_BOOTTIME. */
    public static final int IORING_TIMEOUT_BOOTTIME = 1 << 2;
    /** {@code IORING_TIMEOUT_REALTIME}: CLOCK_REALTIME. */
    public static final int IORING_TIMEOUT_REALTIME = 1 << 3;
    /** {@code IORING_LINK_TIMEOUT_UPDATE}: update a linked timeout. */
    public static final int IORING_LINK_TIMEOUT_UPDATE = 1 << 4;
    /** {@code IORING_TIMEOUT_ETIME_SUCCESS}: an expiry is a success, so links go on. */
    public static final int IORING_TIMEOUT_ETIME_SUCCESS = 1 << 5;
    /** {@code IORING_TIMEOUT_MULTISHOT}: a repeating timeout. */
    public static final int IORING_TIMEOUT_MULTISHOT = 1 << 6;
    /** {@code IORING_TIMEOUT_IMMEDIATE_ARG}: sqe.addr holds nanoseconds, not a timespec pointer. */
    public static final int IORING_TIMEOUT_IMMEDIATE_ARG = 1 << 7;

    /** {@code IORING_POLL_ADD_MULTI} (sqe.len of POLL_ADD): multishot poll. */
    public static final int IORING_POLL_ADD_MULTI = 1;
    /** {@code IORING_POLL_UPDATE_EVENTS}: POLL_REMOVE updates the events. */
    public static final int IORING_POLL_UPDATE_EVENTS = 1 << 1;
    /** {@code IORING_POLL_UPDATE_USER_DATA}: POLL_REMOVE updates the user_data. */
    public static final int IORING_POLL_UPDATE_USER_DATA = 1 << 2;
    /** {@code IORING_POLL_ADD_LEVEL}: level-triggered (the default is edge-triggered). */
    public static final int IORING_POLL_ADD_LEVEL = 1 << 3;

    /** {@code IORING_ASYNC_CANCEL_ALL} (sqe.cancel_flags): cancel every match, not the first (5.19). */
    public static final int IORING_ASYNC_CANCEL_ALL = 1;
    /** {@code IORING_ASYNC_CANCEL_FD}: match by sqe.fd instead of user_data (5.19). */
    public static final int IORING_ASYNC_CANCEL_FD = 1 << 1;
    /** {@code IORING_ASYNC_CANCEL_ANY}: match any request (5.19). */
    public static final int IORING_ASYNC_CANCEL_ANY = 1 << 2;
    /** {@code IORING_ASYNC_CANCEL_FD_FIXED}: sqe.fd is a fixed file. */
    public static final int IORING_ASYNC_CANCEL_FD_FIXED = 1 << 3;
    /** {@code IORING_ASYNC_CANCEL_USERDATA}: match on user_data (the default). */
    public static final int IORING_ASYNC_CANCEL_USERDATA = 1 << 4;
    /** {@code IORING_ASYNC_CANCEL_OP}: match on opcode. */
    public static final int IORING_ASYNC_CANCEL_OP = 1 << 5;

    /** {@code IORING_RECVSEND_POLL_FIRST} (sqe.ioprio of send/recv): arm poll before trying. */
    public static final int IORING_RECVSEND_POLL_FIRST = 1;
    /** {@code IORING_RECV_MULTISHOT}: multishot recv. */
    public static final int IORING_RECV_MULTISHOT = 1 << 1;
    /** {@code IORING_RECVSEND_FIXED_BUF}: registered buffer in sqe.buf_index. */
    public static final int IORING_RECVSEND_FIXED_BUF = 1 << 2;
    /** {@code IORING_SEND_ZC_REPORT_USAGE}: report whether zero copy happened. */
    public static final int IORING_SEND_ZC_REPORT_USAGE = 1 << 3;
    /** {@code IORING_RECVSEND_BUNDLE}: bundle provided buffers. */
    public static final int IORING_RECVSEND_BUNDLE = 1 << 4;
    /** {@code IORING_SEND_VECTORIZED}: send takes an iovec. */
    public static final int IORING_SEND_VECTORIZED = 1 << 5;

    /** {@code IORING_ACCEPT_MULTISHOT} (sqe.ioprio of ACCEPT): one CQE per accepted connection (5.19). */
    public static final int IORING_ACCEPT_MULTISHOT = 1;
    /** {@code IORING_ACCEPT_DONTWAIT}: do not wait for a connection. */
    public static final int IORING_ACCEPT_DONTWAIT = 1 << 1;
    /** {@code IORING_ACCEPT_POLL_FIRST}: arm poll before trying. */
    public static final int IORING_ACCEPT_POLL_FIRST = 1 << 2;

    /** {@code IORING_MSG_DATA} (sqe.addr of MSG_RING): post sqe.len as res and sqe.off as user_data. */
    public static final int IORING_MSG_DATA = 0;
    /** {@code IORING_MSG_SEND_FD}: pass a fixed file to the other ring. */
    public static final int IORING_MSG_SEND_FD = 1;
    /** {@code IORING_MSG_RING_CQE_SKIP} (sqe.msg_ring_flags): post no CQE to the target (SEND_FD only). */
    public static final int IORING_MSG_RING_CQE_SKIP = 1;
    /** {@code IORING_MSG_RING_FLAGS_PASS}: pass sqe.file_index as the target CQE's flags. */
    public static final int IORING_MSG_RING_FLAGS_PASS = 1 << 1;

    /** {@code IORING_NOP_INJECT_RESULT} (sqe.nop_flags): the NOP completes with sqe.len as res (6.8). */
    public static final int IORING_NOP_INJECT_RESULT = 1;

    /** {@code IORING_FILE_INDEX_ALLOC} (sqe.file_index): let the kernel pick a fixed-file slot. */
    public static final int IORING_FILE_INDEX_ALLOC = ~0;
    /** {@code SPLICE_F_FD_IN_FIXED} (sqe.splice_flags): splice_fd_in is a fixed file. */
    public static final int SPLICE_F_FD_IN_FIXED = 1 << 31;

    /** {@code IO_URING_OP_SUPPORTED} (io_uring_probe_op.flags): the opcode is supported. */
    public static final int IO_URING_OP_SUPPORTED = 1;

    // ---------------------------------------------------------------- mmap offsets

    /** {@code IORING_OFF_SQ_RING}: mmap offset of the SQ ring (and of the CQ ring with SINGLE_MMAP). */
    public static final long IORING_OFF_SQ_RING = 0L;
    /** {@code IORING_OFF_CQ_RING}: mmap offset of the CQ ring. */
    public static final long IORING_OFF_CQ_RING = 0x8000000L;
    /** {@code IORING_OFF_SQES}: mmap offset of the SQE array. */
    public static final long IORING_OFF_SQES = 0x10000000L;

    // ---------------------------------------------------------------- io_uring_register(2) opcodes

    /** {@code IORING_REGISTER_BUFFERS}: register fixed buffers. */
    public static final int IORING_REGISTER_BUFFERS = 0;
    /** {@code IORING_UNREGISTER_BUFFERS}: unregister buffers. */
    public static final int IORING_UNREGISTER_BUFFERS = 1;
    /** {@code IORING_REGISTER_FILES}: register fixed files. */
    public static final int IORING_REGISTER_FILES = 2;
    /** {@code IORING_UNREGISTER_FILES}: unregister files. */
    public static final int IORING_UNREGISTER_FILES = 3;
    /** {@code IORING_REGISTER_EVENTFD}: signal an eventfd on each CQE. */
    public static final int IORING_REGISTER_EVENTFD = 4;
    /** {@code IORING_UNREGISTER_EVENTFD}: unregister eventfd. */
    public static final int IORING_UNREGISTER_EVENTFD = 5;
    /** {@code IORING_REGISTER_FILES_UPDATE}: register files update. */
    public static final int IORING_REGISTER_FILES_UPDATE = 6;
    /** {@code IORING_REGISTER_EVENTFD_ASYNC}: register eventfd async. */
    public static final int IORING_REGISTER_EVENTFD_ASYNC = 7;
    /** {@code IORING_REGISTER_PROBE}: fill a struct io_uring_probe with the supported opcodes. */
    public static final int IORING_REGISTER_PROBE = 8;
    /** {@code IORING_REGISTER_PERSONALITY}: register personality. */
    public static final int IORING_REGISTER_PERSONALITY = 9;
    /** {@code IORING_UNREGISTER_PERSONALITY}: unregister personality. */
    public static final int IORING_UNREGISTER_PERSONALITY = 10;
    /** {@code IORING_REGISTER_RESTRICTIONS}: restrict what the ring may do. */
    public static final int IORING_REGISTER_RESTRICTIONS = 11;
    /** {@code IORING_REGISTER_ENABLE_RINGS}: enable a ring set up with R_DISABLED. */
    public static final int IORING_REGISTER_ENABLE_RINGS = 12;
    /** {@code IORING_REGISTER_FILES2}: register files2. */
    public static final int IORING_REGISTER_FILES2 = 13;
    /** {@code IORING_REGISTER_FILES_UPDATE2}: register files update2. */
    public static final int IORING_REGISTER_FILES_UPDATE2 = 14;
    /** {@code IORING_REGISTER_BUFFERS2}: register buffers2. */
    public static final int IORING_REGISTER_BUFFERS2 = 15;
    /** {@code IORING_REGISTER_BUFFERS_UPDATE}: register buffers update. */
    public static final int IORING_REGISTER_BUFFERS_UPDATE = 16;
    /** {@code IORING_REGISTER_IOWQ_AFF}: set the io-wq workers' CPU affinity. */
    public static final int IORING_REGISTER_IOWQ_AFF = 17;
    /** {@code IORING_UNREGISTER_IOWQ_AFF}: unregister iowq aff. */
    public static final int IORING_UNREGISTER_IOWQ_AFF = 18;
    /** {@code IORING_REGISTER_IOWQ_MAX_WORKERS}: get/set the most io-wq workers. */
    public static final int IORING_REGISTER_IOWQ_MAX_WORKERS = 19;
    /** {@code IORING_REGISTER_RING_FDS}: register the ring fd itself. */
    public static final int IORING_REGISTER_RING_FDS = 20;
    /** {@code IORING_UNREGISTER_RING_FDS}: unregister ring fds. */
    public static final int IORING_UNREGISTER_RING_FDS = 21;
    /** {@code IORING_REGISTER_PBUF_RING}: register a provided-buffer ring. */
    public static final int IORING_REGISTER_PBUF_RING = 22;
    /** {@code IORING_UNREGISTER_PBUF_RING}: unregister pbuf ring. */
    public static final int IORING_UNREGISTER_PBUF_RING = 23;
    /** {@code IORING_REGISTER_SYNC_CANCEL}: cancel synchronously. */
    public static final int IORING_REGISTER_SYNC_CANCEL = 24;
    /** {@code IORING_REGISTER_FILE_ALLOC_RANGE}: register file alloc range. */
    public static final int IORING_REGISTER_FILE_ALLOC_RANGE = 25;
    /** {@code IORING_REGISTER_PBUF_STATUS}: register pbuf status. */
    public static final int IORING_REGISTER_PBUF_STATUS = 26;
    /** {@code IORING_REGISTER_NAPI}: register napi. */
    public static final int IORING_REGISTER_NAPI = 27;
    /** {@code IORING_UNREGISTER_NAPI}: unregister napi. */
    public static final int IORING_UNREGISTER_NAPI = 28;
    /** {@code IORING_REGISTER_CLOCK}: register clock. */
    public static final int IORING_REGISTER_CLOCK = 29;
    /** {@code IORING_REGISTER_CLONE_BUFFERS}: register clone buffers. */
    public static final int IORING_REGISTER_CLONE_BUFFERS = 30;
    /** {@code IORING_REGISTER_SEND_MSG_RING}: post a MSG_RING CQE without a ring of one's own (6.13). */
    public static final int IORING_REGISTER_SEND_MSG_RING = 31;
    /** {@code IORING_REGISTER_ZCRX_IFQ}: register zcrx ifq. */
    public static final int IORING_REGISTER_ZCRX_IFQ = 32;
    /** {@code IORING_REGISTER_RESIZE_RINGS}: resize the rings. */
    public static final int IORING_REGISTER_RESIZE_RINGS = 33;
    /** {@code IORING_REGISTER_MEM_REGION}: register mem region. */
    public static final int IORING_REGISTER_MEM_REGION = 34;
    /** {@code IORING_REGISTER_QUERY}: register query. */
    public static final int IORING_REGISTER_QUERY = 35;
    /** {@code IORING_REGISTER_ZCRX_CTRL}: register zcrx ctrl. */
    public static final int IORING_REGISTER_ZCRX_CTRL = 36;
    /** {@code IORING_REGISTER_BPF_FILTER}: register bpf filter. */
    public static final int IORING_REGISTER_BPF_FILTER = 37;
    /** {@code IORING_REGISTER_USE_REGISTERED_RING}: or-ed into the opcode: the fd is a registered ring index. */
    public static final int IORING_REGISTER_USE_REGISTERED_RING = 1 << 31;

    // ---------------------------------------------------------------- RWF_* (sqe.rw_flags; include/uapi/linux/fs.h)

    /** {@code RWF_HIPRI}: high-priority request, poll if possible. */
    public static final int RWF_HIPRI = 0x01;
    /** {@code RWF_DSYNC}: per-I/O O_DSYNC. */
    public static final int RWF_DSYNC = 0x02;
    /** {@code RWF_SYNC}: per-I/O O_SYNC. */
    public static final int RWF_SYNC = 0x04;
    /** {@code RWF_NOWAIT}: fail with EAGAIN instead of blocking (e.g. data not in the page cache). */
    public static final int RWF_NOWAIT = 0x08;
    /** {@code RWF_APPEND}: per-I/O O_APPEND. */
    public static final int RWF_APPEND = 0x10;

    private IoUringConstants()
    {
    }

    /** Names of the setup flags, bit by bit (bit i is {@code 1 << i}). */
    private static final String[] SETUP_FLAG_NAMES =
    {
        "IOPOLL",
        "SQPOLL",
        "SQ_AFF",
        "CQSIZE",
        "CLAMP",
        "ATTACH_WQ",
        "R_DISABLED",
        "SUBMIT_ALL",
        "COOP_TASKRUN",
        "TASKRUN_FLAG",
        "SQE128",
        "CQE32",
        "SINGLE_ISSUER",
        "DEFER_TASKRUN",
        "NO_MMAP",
        "REGISTERED_FD_ONLY",
        "NO_SQARRAY",
        "HYBRID_IOPOLL",
        "CQE_MIXED",
        "SQE_MIXED",
        "SQ_REWIND"
    };

    /** Names of the features, bit by bit. */
    private static final String[] FEATURE_NAMES =
    {
        "SINGLE_MMAP",
        "NODROP",
        "SUBMIT_STABLE",
        "RW_CUR_POS",
        "CUR_PERSONALITY",
        "FAST_POLL",
        "POLL_32BITS",
        "SQPOLL_NONFIXED",
        "EXT_ARG",
        "NATIVE_WORKERS",
        "RSRC_TAGS",
        "CQE_SKIP",
        "LINKED_FILE",
        "REG_REG_RING",
        "RECVSEND_BUNDLE",
        "MIN_TIMEOUT",
        "RW_ATTR",
        "NO_IOWAIT"
    };

    /**
     * @param flags {@code IORING_SETUP_*} bits.
     * @return their names without the prefix, space-separated ({@code bit<n>} for unknown bits), or "none".
     */
    public static String setupFlagNames(final int flags)
    {
        return bitNames(flags, SETUP_FLAG_NAMES);
    }

    /**
     * @param features {@code IORING_FEAT_*} bits.
     * @return their names without the prefix, space-separated ({@code bit<n>} for unknown bits), or "none".
     */
    public static String featureNames(final int features)
    {
        return bitNames(features, FEATURE_NAMES);
    }

    private static String bitNames(final int bits, final String[] names)
    {
        final StringBuilder out = new StringBuilder();
        for (int bit = 0; bit < Integer.SIZE; bit++)
        {
            if ((bits & (1 << bit)) != 0)
            {
                if (!out.isEmpty())
                {
                    out.append(' ');
                }
                out.append(bit < names.length ? names[bit] : "bit" + bit);
            }
        }
        return out.isEmpty() ? "none" : out.toString();
    }

    /**
     * @param opcode an {@code IORING_OP_*} value.
     * @return its name without the {@code IORING_OP_} prefix, or {@code OP_<n>} for one this class does not name.
     */
    public static String opcodeName(final int opcode)
    {
        return switch (opcode)
        {
            case IORING_OP_NOP -> "NOP";
            case IORING_OP_READV -> "READV";
            case IORING_OP_WRITEV -> "WRITEV";
            case IORING_OP_FSYNC -> "FSYNC";
            case IORING_OP_READ_FIXED -> "READ_FIXED";
            case IORING_OP_WRITE_FIXED -> "WRITE_FIXED";
            case IORING_OP_POLL_ADD -> "POLL_ADD";
            case IORING_OP_POLL_REMOVE -> "POLL_REMOVE";
            case IORING_OP_SYNC_FILE_RANGE -> "SYNC_FILE_RANGE";
            case IORING_OP_SENDMSG -> "SENDMSG";
            case IORING_OP_RECVMSG -> "RECVMSG";
            case IORING_OP_TIMEOUT -> "TIMEOUT";
            case IORING_OP_TIMEOUT_REMOVE -> "TIMEOUT_REMOVE";
            case IORING_OP_ACCEPT -> "ACCEPT";
            case IORING_OP_ASYNC_CANCEL -> "ASYNC_CANCEL";
            case IORING_OP_LINK_TIMEOUT -> "LINK_TIMEOUT";
            case IORING_OP_CONNECT -> "CONNECT";
            case IORING_OP_FALLOCATE -> "FALLOCATE";
            case IORING_OP_OPENAT -> "OPENAT";
            case IORING_OP_CLOSE -> "CLOSE";
            case IORING_OP_FILES_UPDATE -> "FILES_UPDATE";
            case IORING_OP_STATX -> "STATX";
            case IORING_OP_READ -> "READ";
            case IORING_OP_WRITE -> "WRITE";
            case IORING_OP_FADVISE -> "FADVISE";
            case IORING_OP_MADVISE -> "MADVISE";
            case IORING_OP_SEND -> "SEND";
            case IORING_OP_RECV -> "RECV";
            case IORING_OP_OPENAT2 -> "OPENAT2";
            case IORING_OP_EPOLL_CTL -> "EPOLL_CTL";
            case IORING_OP_SPLICE -> "SPLICE";
            case IORING_OP_PROVIDE_BUFFERS -> "PROVIDE_BUFFERS";
            case IORING_OP_REMOVE_BUFFERS -> "REMOVE_BUFFERS";
            case IORING_OP_TEE -> "TEE";
            case IORING_OP_SHUTDOWN -> "SHUTDOWN";
            case IORING_OP_RENAMEAT -> "RENAMEAT";
            case IORING_OP_UNLINKAT -> "UNLINKAT";
            case IORING_OP_MKDIRAT -> "MKDIRAT";
            case IORING_OP_SYMLINKAT -> "SYMLINKAT";
            case IORING_OP_LINKAT -> "LINKAT";
            case IORING_OP_MSG_RING -> "MSG_RING";
            case IORING_OP_FSETXATTR -> "FSETXATTR";
            case IORING_OP_SETXATTR -> "SETXATTR";
            case IORING_OP_FGETXATTR -> "FGETXATTR";
            case IORING_OP_GETXATTR -> "GETXATTR";
            case IORING_OP_SOCKET -> "SOCKET";
            case IORING_OP_URING_CMD -> "URING_CMD";
            case IORING_OP_SEND_ZC -> "SEND_ZC";
            case IORING_OP_SENDMSG_ZC -> "SENDMSG_ZC";
            case IORING_OP_READ_MULTISHOT -> "READ_MULTISHOT";
            case IORING_OP_WAITID -> "WAITID";
            case IORING_OP_FUTEX_WAIT -> "FUTEX_WAIT";
            case IORING_OP_FUTEX_WAKE -> "FUTEX_WAKE";
            case IORING_OP_FUTEX_WAITV -> "FUTEX_WAITV";
            case IORING_OP_FIXED_FD_INSTALL -> "FIXED_FD_INSTALL";
            case IORING_OP_FTRUNCATE -> "FTRUNCATE";
            case IORING_OP_BIND -> "BIND";
            case IORING_OP_LISTEN -> "LISTEN";
            case IORING_OP_RECV_ZC -> "RECV_ZC";
            case IORING_OP_EPOLL_WAIT -> "EPOLL_WAIT";
            case IORING_OP_READV_FIXED -> "READV_FIXED";
            case IORING_OP_WRITEV_FIXED -> "WRITEV_FIXED";
            case IORING_OP_PIPE -> "PIPE";
            case IORING_OP_NOP128 -> "NOP128";
            case IORING_OP_URING_CMD128 -> "URING_CMD128";
            default -> "OP_" + opcode;
        };
    }
}
