package io.offload.servers.uring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.offload.servers.uring.IoUringConstants.IORING_ACCEPT_MULTISHOT;
import static io.offload.servers.uring.IoUringConstants.IORING_ASYNC_CANCEL_FD;
import static io.offload.servers.uring.IoUringConstants.IORING_MSG_DATA;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_ACCEPT;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_ASYNC_CANCEL;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_CLOSE;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_CONNECT;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_FADVISE;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_FALLOCATE;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_FSYNC;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_FTRUNCATE;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_LINK_TIMEOUT;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_MKDIRAT;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_MSG_RING;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_NOP;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_OPENAT;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_POLL_ADD;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_POLL_REMOVE;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_READ;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_READV;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_RECV;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_RECVMSG;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_RENAMEAT;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_SEND;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_SENDMSG;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_SHUTDOWN;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_SPLICE;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_STATX;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_TIMEOUT;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_TIMEOUT_REMOVE;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_UNLINKAT;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_WRITE;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_WRITEV;
import static io.offload.servers.uring.IoUringConstants.IORING_POLL_ADD_MULTI;
import static io.offload.servers.uring.SqeDescriptor.ADDR3_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.ADDR_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.BUF_INDEX_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.FD_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.FILE_INDEX_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.FLAGS_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.IOPRIO_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.LEN_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.OFF_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.OPCODE_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.OP_FLAGS_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.PAD2_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.PERSONALITY_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.SPLICE_FD_IN_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.SPLICE_OFF_IN_OFFSET;
import static io.offload.servers.uring.SqeDescriptor.SQE_LENGTH;
import static io.offload.servers.uring.SqeDescriptor.USER_DATA_OFFSET;

/**
 * The one class that writes submission queue entries: a flyweight over one ring's SQE array, positioned by
 * {@link IoUring#nextSqe()} on a zeroed entry. Each {@code prep*} method fills the fields of one opcode the way the
 * kernel reads them (as liburing's {@code io_uring_prep_*} do; the field use is in {@link SqeDescriptor}); the
 * setters add what is common to all ({@link #userData}, {@link #flags}, {@link #ioprio}, ...). Every method returns
 * {@code this}, so one SQE is written in one chain and nothing is allocated:
 * <pre>{@code
 * ring.nextSqe().prepRead(fd, bufferAddress, 4096, offset).userData(handle);
 * }</pre>
 * The stores are plain: the ring publishes them with a release store of the SQ tail when it submits. The flyweight
 * is the ring's, positioned on one SQE at a time; the next {@code nextSqe()} moves it.
 * <p>
 * An SQE taken and never filled is a NOP with {@link IoUring#IGNORED_USER_DATA}, whose CQE the ring swallows; a
 * setter that refuses its argument turns the SQE back into such a NOP before it throws, so a half-written request
 * never reaches the kernel.
 * <p>
 * Addresses are {@code long}s of native memory the caller owns: buffers, iovec arrays and {@code statx} buffers must
 * stay valid until the request's CQE, paths, timespecs and msghdrs at least until submission
 * ({@code IORING_FEAT_SUBMIT_STABLE}). A bad address makes the request fail with {@code -EFAULT}; it cannot crash
 * the JVM, but an address of live memory that is not the caller's would be written, so the executor passes only
 * addresses of segments it has checked.
 */
public final class Sqe
{
    private final MemorySegment sqes;
    private long offset;

    Sqe(final MemorySegment sqes)
    {
        this.sqes = sqes;
    }

    /**
     * Move onto SQE {@code index} and zero it: every prep method relies on the fields it does not write being zero.
     *
     * @param index SQE index, already masked.
     * @return this.
     */
    Sqe position(final int index)
    {
        final long o = (long)index * SQE_LENGTH;
        offset = o;
        final MemorySegment s = sqes;
        // eight long stores, not fill(): fill() on a slice would allocate the slice
        s.set(ValueLayout.JAVA_LONG, o, 0L);
        s.set(ValueLayout.JAVA_LONG, o + 8, 0L);
        s.set(ValueLayout.JAVA_LONG, o + 16, 0L);
        s.set(ValueLayout.JAVA_LONG, o + 24, 0L);
        s.set(ValueLayout.JAVA_LONG, o + 32, 0L);
        s.set(ValueLayout.JAVA_LONG, o + 40, 0L);
        s.set(ValueLayout.JAVA_LONG, o + 48, 0L);
        s.set(ValueLayout.JAVA_LONG, o + PAD2_OFFSET, 0L);
        // a zeroed SQE is a NOP; until a prep and userData say otherwise its CQE is the ring's to swallow
        s.set(ValueLayout.JAVA_LONG, o + USER_DATA_OFFSET, IoUring.IGNORED_USER_DATA);
        return this;
    }

    /**
     * Turn the SQE into a NOP whose CQE the ring swallows: what a setter that refuses its argument leaves behind,
     * so a half-written request (a read without its user_data, a link without its flag) never reaches the kernel.
     */
    private void neutralise()
    {
        final MemorySegment s = sqes;
        final long o = offset;
        s.set(ValueLayout.JAVA_BYTE, o + OPCODE_OFFSET, (byte)IORING_OP_NOP);
        s.set(ValueLayout.JAVA_BYTE, o + FLAGS_OFFSET, (byte)0);
        s.set(ValueLayout.JAVA_SHORT, o + IOPRIO_OFFSET, (short)0);
        s.set(ValueLayout.JAVA_INT, o + FD_OFFSET, -1);
        s.set(ValueLayout.JAVA_LONG, o + OFF_OFFSET, 0L);
        s.set(ValueLayout.JAVA_LONG, o + ADDR_OFFSET, 0L);
        s.set(ValueLayout.JAVA_INT, o + LEN_OFFSET, 0);
        s.set(ValueLayout.JAVA_INT, o + OP_FLAGS_OFFSET, 0);
        s.set(ValueLayout.JAVA_LONG, o + USER_DATA_OFFSET, IoUring.IGNORED_USER_DATA);
    }

    /**
     * @return the SQE's byte offset in the SQE array (tests read the raw fields through it).
     */
    long offset()
    {
        return offset;
    }

    private Sqe rw(final int opcode, final int fd, final long addr, final int len, final long off)
    {
        final MemorySegment s = sqes;
        final long o = offset;
        s.set(ValueLayout.JAVA_BYTE, o + OPCODE_OFFSET, (byte)opcode);
        s.set(ValueLayout.JAVA_INT, o + FD_OFFSET, fd);
        s.set(ValueLayout.JAVA_LONG, o + OFF_OFFSET, off);
        s.set(ValueLayout.JAVA_LONG, o + ADDR_OFFSET, addr);
        s.set(ValueLayout.JAVA_INT, o + LEN_OFFSET, len);
        return this;
    }

    private Sqe opFlags(final int value)
    {
        sqes.set(ValueLayout.JAVA_INT, offset + OP_FLAGS_OFFSET, value);
        return this;
    }

    private int length(final int len, final String name)
    {
        if (len < 0)
        {
            neutralise();
            throw new IllegalArgumentException(name + " is " + len + ": use 0 <= " + name + " <= Integer.MAX_VALUE");
        }
        return len;
    }

    // ---------------------------------------------------------------- common fields

    /**
     * @param userData what the CQE hands back (for the executor: the entry handle). {@link IoUring#WAKE_USER_DATA}
     *                 and {@link IoUring#IGNORED_USER_DATA} are the ring's own and are refused.
     * @return this.
     */
    public Sqe userData(final long userData)
    {
        if (userData == IoUring.WAKE_USER_DATA || userData == IoUring.IGNORED_USER_DATA)
        {
            neutralise();
            throw new IllegalArgumentException(
                "user_data " + userData + " is reserved for the ring's own requests: use any other value " +
                "(the SQE was turned into a NOP the ring swallows)");
        }
        sqes.set(ValueLayout.JAVA_LONG, offset + USER_DATA_OFFSET, userData);
        return this;
    }

    /** Write user_data without the reserved-value check: the ring's own wake-up request. */
    Sqe userDataUnchecked(final long userData)
    {
        sqes.set(ValueLayout.JAVA_LONG, offset + USER_DATA_OFFSET, userData);
        return this;
    }

    /**
     * @param flags {@code IOSQE_*} ({@code IOSQE_IO_LINK}, {@code IOSQE_ASYNC}, ...), replacing what was set.
     * @return this.
     */
    public Sqe flags(final int flags)
    {
        if ((flags & ~0xff) != 0)
        {
            neutralise();
            throw new IllegalArgumentException("SQE flags 0x" + Integer.toHexString(flags) + " do not fit in a u8: use IOSQE_*");
        }
        sqes.set(ValueLayout.JAVA_BYTE, offset + FLAGS_OFFSET, (byte)flags);
        return this;
    }

    /**
     * @param ioprio the I/O priority, or for accept/recv/send their {@code IORING_ACCEPT_*}/{@code IORING_RECVSEND_*}
     *               flags (the prep methods that need them set them).
     * @return this.
     */
    public Sqe ioprio(final int ioprio)
    {
        sqes.set(ValueLayout.JAVA_SHORT, offset + IOPRIO_OFFSET, (short)ioprio);
        return this;
    }

    /**
     * @param rwFlags {@code RWF_*} for read, write, readv, writev (e.g. {@code RWF_NOWAIT}, {@code RWF_DSYNC}).
     * @return this.
     */
    public Sqe rwFlags(final int rwFlags)
    {
        return opFlags(rwFlags);
    }

    /**
     * @param bufIndex registered buffer index (READ_FIXED, WRITE_FIXED) or buffer group (IOSQE_BUFFER_SELECT).
     * @return this.
     */
    public Sqe bufIndex(final int bufIndex)
    {
        sqes.set(ValueLayout.JAVA_SHORT, offset + BUF_INDEX_OFFSET, (short)bufIndex);
        return this;
    }

    /**
     * @param personality a personality registered with {@code IORING_REGISTER_PERSONALITY}.
     * @return this.
     */
    public Sqe personality(final int personality)
    {
        sqes.set(ValueLayout.JAVA_SHORT, offset + PERSONALITY_OFFSET, (short)personality);
        return this;
    }

    /**
     * @param fileIndex fixed-file slot + 1 for a direct descriptor (openat, accept), or
     *                  {@code IORING_FILE_INDEX_ALLOC}.
     * @return this.
     */
    public Sqe fileIndex(final int fileIndex)
    {
        sqes.set(ValueLayout.JAVA_INT, offset + FILE_INDEX_OFFSET, fileIndex);
        return this;
    }

    // ---------------------------------------------------------------- opcodes

    /**
     * {@code IORING_OP_NOP}: completes with 0.
     *
     * @return this.
     */
    public Sqe prepNop()
    {
        return rw(IORING_OP_NOP, -1, 0L, 0, 0L);
    }

    /**
     * {@code IORING_OP_READ}: {@code pread(fd, buf, len, offset)}, or {@code read(fd, buf, len)} at the file's
     * current position (which it advances) when {@code offset} is -1 ({@code IORING_FEAT_RW_CUR_POS}).
     *
     * @param fd     the fd.
     * @param buf    address of {@code len} writable bytes.
     * @param len    bytes to read.
     * @param offset file offset, or -1 for the current position.
     * @return this; {@link #rwFlags} adds {@code RWF_*}.
     */
    public Sqe prepRead(final int fd, final long buf, final int len, final long offset)
    {
        return rw(IORING_OP_READ, fd, buf, length(len, "len"), offset);
    }

    /**
     * {@code IORING_OP_WRITE}: {@code pwrite}, or {@code write} at the current position when {@code offset} is -1.
     *
     * @param fd     the fd.
     * @param buf    address of {@code len} bytes.
     * @param len    bytes to write.
     * @param offset file offset, or -1 for the current position.
     * @return this.
     */
    public Sqe prepWrite(final int fd, final long buf, final int len, final long offset)
    {
        return rw(IORING_OP_WRITE, fd, buf, length(len, "len"), offset);
    }

    /**
     * {@code IORING_OP_READV}: {@code preadv2(fd, iov, iovcnt, offset, rw_flags)}; -1 = current position.
     *
     * @param fd     the fd.
     * @param iov    address of {@code iovcnt} {@code struct iovec}.
     * @param iovcnt number of iovecs (at most IOV_MAX, 1024).
     * @param offset file offset, or -1.
     * @return this.
     */
    public Sqe prepReadv(final int fd, final long iov, final int iovcnt, final long offset)
    {
        return rw(IORING_OP_READV, fd, iov, length(iovcnt, "iovcnt"), offset);
    }

    /**
     * {@code IORING_OP_WRITEV}: {@code pwritev2(fd, iov, iovcnt, offset, rw_flags)}; -1 = current position.
     *
     * @param fd     the fd.
     * @param iov    address of {@code iovcnt} {@code struct iovec}.
     * @param iovcnt number of iovecs.
     * @param offset file offset, or -1.
     * @return this.
     */
    public Sqe prepWritev(final int fd, final long iov, final int iovcnt, final long offset)
    {
        return rw(IORING_OP_WRITEV, fd, iov, length(iovcnt, "iovcnt"), offset);
    }

    /**
     * {@code IORING_OP_OPENAT}: {@code openat(dirfd, path, flags, mode)}; the CQE's res is the new fd.
     *
     * @param dirfd directory fd or {@code AT_FDCWD}.
     * @param path  address of a NUL-terminated path.
     * @param flags {@code O_*}.
     * @param mode  mode for O_CREAT.
     * @return this.
     */
    public Sqe prepOpenat(final int dirfd, final long path, final int flags, final int mode)
    {
        rw(IORING_OP_OPENAT, dirfd, path, mode, 0L);
        return opFlags(flags);
    }

    /**
     * {@code IORING_OP_CLOSE}: {@code close(fd)}.
     *
     * @param fd the fd.
     * @return this.
     */
    public Sqe prepClose(final int fd)
    {
        return rw(IORING_OP_CLOSE, fd, 0L, 0, 0L);
    }

    /**
     * {@code IORING_OP_STATX}: {@code statx(dirfd, path, flags, mask, statxbuf)}.
     *
     * @param dirfd    directory fd or {@code AT_FDCWD}.
     * @param path     address of a NUL-terminated path (an empty string with {@code AT_EMPTY_PATH}).
     * @param flags    {@code AT_*}.
     * @param mask     {@code STATX_*} fields wanted.
     * @param statxbuf address of a 256-byte {@code struct statx}.
     * @return this.
     */
    public Sqe prepStatx(final int dirfd, final long path, final int flags, final int mask, final long statxbuf)
    {
        rw(IORING_OP_STATX, dirfd, path, mask, statxbuf);
        return opFlags(flags);
    }

    /**
     * {@code IORING_OP_FSYNC}: {@code fsync(fd)}, or {@code fdatasync(fd)} with {@code IORING_FSYNC_DATASYNC}.
     *
     * @param fd         the fd.
     * @param fsyncFlags 0 or {@code IORING_FSYNC_DATASYNC}.
     * @return this.
     */
    public Sqe prepFsync(final int fd, final int fsyncFlags)
    {
        rw(IORING_OP_FSYNC, fd, 0L, 0, 0L);
        return opFlags(fsyncFlags);
    }

    /**
     * {@code IORING_OP_FALLOCATE}: {@code fallocate(fd, mode, offset, len)}.
     *
     * @param fd     the fd.
     * @param mode   {@code FALLOC_FL_*}, 0 to allocate.
     * @param offset start.
     * @param len    bytes.
     * @return this.
     */
    public Sqe prepFallocate(final int fd, final int mode, final long offset, final long len)
    {
        rw(IORING_OP_FALLOCATE, fd, len, mode, offset);
        return this;
    }

    /**
     * {@code IORING_OP_FTRUNCATE} (Linux 6.9): {@code ftruncate(fd, length)}. Check the {@link Probe} first; an
     * older kernel completes it with {@code -EINVAL}.
     *
     * @param fd     the fd.
     * @param length the new length.
     * @return this.
     */
    public Sqe prepFtruncate(final int fd, final long length)
    {
        return rw(IORING_OP_FTRUNCATE, fd, 0L, 0, length);
    }

    /**
     * {@code IORING_OP_FADVISE}: {@code posix_fadvise(fd, offset, len, advice)}.
     *
     * @param fd     the fd.
     * @param offset start.
     * @param len    bytes (0: to the end).
     * @param advice {@code POSIX_FADV_*}.
     * @return this.
     */
    public Sqe prepFadvise(final int fd, final long offset, final int len, final int advice)
    {
        rw(IORING_OP_FADVISE, fd, 0L, length(len, "len"), offset);
        return opFlags(advice);
    }

    /**
     * {@code IORING_OP_UNLINKAT}: {@code unlinkat(dirfd, path, flags)}.
     *
     * @param dirfd directory fd or {@code AT_FDCWD}.
     * @param path  address of a NUL-terminated path.
     * @param flags 0, or {@code AT_REMOVEDIR}.
     * @return this.
     */
    public Sqe prepUnlinkat(final int dirfd, final long path, final int flags)
    {
        rw(IORING_OP_UNLINKAT, dirfd, path, 0, 0L);
        return opFlags(flags);
    }

    /**
     * {@code IORING_OP_MKDIRAT}: {@code mkdirat(dirfd, path, mode)}.
     *
     * @param dirfd directory fd or {@code AT_FDCWD}.
     * @param path  address of a NUL-terminated path.
     * @param mode  permissions.
     * @return this.
     */
    public Sqe prepMkdirat(final int dirfd, final long path, final int mode)
    {
        return rw(IORING_OP_MKDIRAT, dirfd, path, mode, 0L);
    }

    /**
     * {@code IORING_OP_RENAMEAT}: {@code renameat2(olddirfd, oldpath, newdirfd, newpath, flags)}.
     *
     * @param olddirfd directory fd of the old path, or {@code AT_FDCWD}.
     * @param oldpath  address of the NUL-terminated old path.
     * @param newdirfd directory fd of the new path, or {@code AT_FDCWD}.
     * @param newpath  address of the NUL-terminated new path.
     * @param flags    {@code RENAME_*}, or 0.
     * @return this.
     */
    public Sqe prepRenameat(final int olddirfd, final long oldpath, final int newdirfd, final long newpath, final int flags)
    {
        rw(IORING_OP_RENAMEAT, olddirfd, oldpath, newdirfd, newpath);
        return opFlags(flags);
    }

    /**
     * {@code IORING_OP_ASYNC_CANCEL} by user_data: res 0 when the target was found and cancelled (its own CQE then
     * says {@code -ECANCELED}), {@code -ENOENT} when no such request is in flight, {@code -EALREADY} when it is
     * running and cannot be stopped (its CQE follows when it ends). Either way the target's own CQE is the one that
     * says the kernel is done with its memory.
     *
     * @param targetUserData the user_data of the request to cancel.
     * @param cancelFlags    0, or {@code IORING_ASYNC_CANCEL_ALL} (every request with that user_data).
     * @return this.
     */
    public Sqe prepAsyncCancel(final long targetUserData, final int cancelFlags)
    {
        rw(IORING_OP_ASYNC_CANCEL, -1, targetUserData, 0, 0L);
        return opFlags(cancelFlags);
    }

    /**
     * {@code IORING_OP_ASYNC_CANCEL} by fd (Linux 5.19): cancel the first (or with {@code IORING_ASYNC_CANCEL_ALL},
     * every) request on {@code fd}; res is the number cancelled with ALL.
     *
     * @param fd          the fd whose requests to cancel.
     * @param cancelFlags extra {@code IORING_ASYNC_CANCEL_*} ({@code _FD} is added).
     * @return this.
     */
    public Sqe prepAsyncCancelFd(final int fd, final int cancelFlags)
    {
        rw(IORING_OP_ASYNC_CANCEL, fd, 0L, 0, 0L);
        return opFlags(cancelFlags | IORING_ASYNC_CANCEL_FD);
    }

    /**
     * {@code IORING_OP_TIMEOUT}: completes with {@code -ETIME} after the time, or with 0 after {@code count} other
     * completions.
     *
     * @param timespec     address of a {@code struct __kernel_timespec} (copied at submission).
     * @param count        completions to wait for, or 0 for a pure timer.
     * @param timeoutFlags {@code IORING_TIMEOUT_*}.
     * @return this.
     */
    public Sqe prepTimeout(final long timespec, final int count, final int timeoutFlags)
    {
        rw(IORING_OP_TIMEOUT, -1, timespec, 1, length(count, "count"));
        return opFlags(timeoutFlags);
    }

    /**
     * {@code IORING_OP_TIMEOUT_REMOVE}: remove a pending timeout by its user_data.
     *
     * @param targetUserData the timeout's user_data.
     * @param timeoutFlags   0 (or {@code IORING_TIMEOUT_UPDATE} with a timespec in off, not offered here).
     * @return this.
     */
    public Sqe prepTimeoutRemove(final long targetUserData, final int timeoutFlags)
    {
        rw(IORING_OP_TIMEOUT_REMOVE, -1, targetUserData, 0, 0L);
        return opFlags(timeoutFlags);
    }

    /**
     * {@code IORING_OP_LINK_TIMEOUT}: a deadline for the SQE before it, which must carry {@code IOSQE_IO_LINK}. If
     * it fires first, the linked request completes with {@code -ECANCELED} (or what it had done) and this one with
     * {@code -ETIME}; if the request completes first, this one completes with {@code -ECANCELED}.
     *
     * @param timespec     address of a {@code struct __kernel_timespec} (copied at submission).
     * @param timeoutFlags {@code IORING_TIMEOUT_*}.
     * @return this.
     */
    public Sqe prepLinkTimeout(final long timespec, final int timeoutFlags)
    {
        rw(IORING_OP_LINK_TIMEOUT, -1, timespec, 1, 0L);
        return opFlags(timeoutFlags);
    }

    /**
     * {@code IORING_OP_POLL_ADD}, one-shot: completes with the ready mask once {@code fd} has one of the events.
     *
     * @param fd     the fd.
     * @param events {@code POLLIN}, {@code POLLOUT}, ... (the epoll values).
     * @return this.
     */
    public Sqe prepPollAdd(final int fd, final int events)
    {
        rw(IORING_OP_POLL_ADD, fd, 0L, 0, 0L);
        return opFlags(events);
    }

    /**
     * {@code IORING_OP_POLL_ADD} multishot (Linux 5.13): one CQE (flag {@code IORING_CQE_F_MORE}) per wake-up of
     * {@code fd}, edge-triggered, until removed or until a CQE without {@code MORE} ends it.
     *
     * @param fd     the fd.
     * @param events poll events.
     * @return this.
     */
    public Sqe prepPollMultishot(final int fd, final int events)
    {
        rw(IORING_OP_POLL_ADD, fd, 0L, IORING_POLL_ADD_MULTI, 0L);
        return opFlags(events);
    }

    /**
     * {@code IORING_OP_POLL_REMOVE}: remove a poll request by its user_data.
     *
     * @param targetUserData the poll request's user_data.
     * @return this.
     */
    public Sqe prepPollRemove(final long targetUserData)
    {
        return rw(IORING_OP_POLL_REMOVE, -1, targetUserData, 0, 0L);
    }

    /**
     * {@code IORING_OP_ACCEPT}: {@code accept4(fd, addr, addrlen, flags)}; res is the new socket.
     *
     * @param fd      listening socket.
     * @param addr    address of a sockaddr buffer, or 0.
     * @param addrlen address of a socklen_t holding its size, or 0.
     * @param flags   {@code SOCK_NONBLOCK}, {@code SOCK_CLOEXEC}.
     * @return this.
     */
    public Sqe prepAccept(final int fd, final long addr, final long addrlen, final int flags)
    {
        rw(IORING_OP_ACCEPT, fd, addr, 0, addrlen);
        return opFlags(flags);
    }

    /**
     * {@code IORING_OP_ACCEPT} multishot (Linux 5.19): one CQE per connection while {@code IORING_CQE_F_MORE}.
     *
     * @param fd      listening socket.
     * @param addr    address of a sockaddr buffer, or 0 (with multishot every accept writes it: usually 0).
     * @param addrlen address of a socklen_t, or 0.
     * @param flags   {@code SOCK_NONBLOCK}, {@code SOCK_CLOEXEC}.
     * @return this.
     */
    public Sqe prepAcceptMultishot(final int fd, final long addr, final long addrlen, final int flags)
    {
        prepAccept(fd, addr, addrlen, flags);
        return ioprio(IORING_ACCEPT_MULTISHOT);
    }

    /**
     * {@code IORING_OP_CONNECT}: {@code connect(fd, addr, addrlen)}.
     *
     * @param fd      socket.
     * @param addr    address of the sockaddr (copied at submission).
     * @param addrlen its length in bytes.
     * @return this.
     */
    public Sqe prepConnect(final int fd, final long addr, final int addrlen)
    {
        return rw(IORING_OP_CONNECT, fd, addr, 0, length(addrlen, "addrlen"));
    }

    /**
     * {@code IORING_OP_RECV}: {@code recv(fd, buf, len, msgFlags)}.
     *
     * @param fd       socket.
     * @param buf      address of {@code len} writable bytes.
     * @param len      bytes.
     * @param msgFlags {@code MSG_*}.
     * @return this.
     */
    public Sqe prepRecv(final int fd, final long buf, final int len, final int msgFlags)
    {
        rw(IORING_OP_RECV, fd, buf, length(len, "len"), 0L);
        return opFlags(msgFlags);
    }

    /**
     * {@code IORING_OP_SEND}: {@code send(fd, buf, len, msgFlags)}.
     *
     * @param fd       socket.
     * @param buf      address of {@code len} bytes.
     * @param len      bytes.
     * @param msgFlags {@code MSG_*} ({@code MSG_NOSIGNAL} to get EPIPE instead of SIGPIPE).
     * @return this.
     */
    public Sqe prepSend(final int fd, final long buf, final int len, final int msgFlags)
    {
        rw(IORING_OP_SEND, fd, buf, length(len, "len"), 0L);
        return opFlags(msgFlags);
    }

    /**
     * {@code IORING_OP_SENDMSG}: {@code sendmsg(fd, msg, msgFlags)}.
     *
     * @param fd       socket.
     * @param msghdr   address of a {@code struct msghdr} (and everything it points at, until the CQE).
     * @param msgFlags {@code MSG_*}.
     * @return this.
     */
    public Sqe prepSendmsg(final int fd, final long msghdr, final int msgFlags)
    {
        rw(IORING_OP_SENDMSG, fd, msghdr, 1, 0L);
        return opFlags(msgFlags);
    }

    /**
     * {@code IORING_OP_RECVMSG}: {@code recvmsg(fd, msg, msgFlags)}.
     *
     * @param fd       socket.
     * @param msghdr   address of a {@code struct msghdr} (and everything it points at, until the CQE).
     * @param msgFlags {@code MSG_*}.
     * @return this.
     */
    public Sqe prepRecvmsg(final int fd, final long msghdr, final int msgFlags)
    {
        rw(IORING_OP_RECVMSG, fd, msghdr, 1, 0L);
        return opFlags(msgFlags);
    }

    /**
     * {@code IORING_OP_SHUTDOWN}: {@code shutdown(fd, how)}.
     *
     * @param fd  socket.
     * @param how {@code SHUT_RD}, {@code SHUT_WR}, {@code SHUT_RDWR}.
     * @return this.
     */
    public Sqe prepShutdown(final int fd, final int how)
    {
        return rw(IORING_OP_SHUTDOWN, fd, 0L, how, 0L);
    }

    /**
     * {@code IORING_OP_SPLICE}: {@code splice(fdIn, offIn, fdOut, offOut, nbytes, flags)}; one of the fds must be a
     * pipe, whose offset must be -1.
     *
     * @param fdIn        source.
     * @param offIn       source offset, or -1 (pipes; current position).
     * @param fdOut       destination.
     * @param offOut      destination offset, or -1.
     * @param nbytes      bytes.
     * @param spliceFlags {@code SPLICE_F_*}.
     * @return this.
     */
    public Sqe prepSplice(
        final int fdIn, final long offIn, final int fdOut, final long offOut, final int nbytes, final int spliceFlags)
    {
        rw(IORING_OP_SPLICE, fdOut, 0L, length(nbytes, "nbytes"), offOut);
        sqes.set(ValueLayout.JAVA_LONG, offset + SPLICE_OFF_IN_OFFSET, offIn);
        sqes.set(ValueLayout.JAVA_INT, offset + SPLICE_FD_IN_OFFSET, fdIn);
        return opFlags(spliceFlags);
    }

    /**
     * {@code IORING_OP_MSG_RING} with {@code IORING_MSG_DATA} (Linux 5.18): post a CQE with {@code res} and
     * {@code userData} to the ring {@code targetRingFd}. This SQE's own CQE says whether it was posted (0) or not.
     *
     * @param targetRingFd the other ring's fd.
     * @param res          the res of the CQE posted there.
     * @param userData     the user_data of the CQE posted there.
     * @param flags        {@code IORING_MSG_RING_*}.
     * @return this.
     */
    public Sqe prepMsgRing(final int targetRingFd, final int res, final long userData, final int flags)
    {
        rw(IORING_OP_MSG_RING, targetRingFd, IORING_MSG_DATA, res, userData);
        return opFlags(flags);
    }

    /**
     * @param addr3 the {@code addr3} field (MSG_RING SEND_FD, attributes).
     * @return this.
     */
    public Sqe addr3(final long addr3)
    {
        sqes.set(ValueLayout.JAVA_LONG, offset + ADDR3_OFFSET, addr3);
        return this;
    }
}
