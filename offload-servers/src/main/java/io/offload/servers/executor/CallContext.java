package io.offload.servers.executor;

import io.offload.api.StatxDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One attempt of a resumable call: its op and arguments, the progress it has made so far, and where it would
 * wait. A server loads it from the entry before an attempt and stores {@link #progress} back into the entry's
 * result field when the call has to wait or yield, so a call's state lives in its entry, not on a stack (the
 * Java analogue of GenerOS's setjmp/longjmp "slim schedule"). A direct caller keeps one per thread. Plain
 * fields, one owner thread: reused for every attempt, never allocated per call.
 */
public final class CallContext
{
    /** Bytes of {@link #scratch}. */
    public static final int SCRATCH_LENGTH = 64;
    /** Offset in {@link #scratch} of the one-element iovec of a read or write that must not wait. */
    static final int IOVEC_OFFSET = 16;
    /** Offset in {@link #scratch} of the struct pollfd of such a call. */
    static final int POLLFD_OFFSET = 32;

    /** Op code. */
    public int op;
    /** Arguments in libc order. */
    public long a0;
    /** Second argument. */
    public long a1;
    /** Third argument. */
    public long a2;
    /** Fourth argument. */
    public long a3;
    /** Fifth argument. */
    public long a4;
    /** Sixth argument. */
    public long a5;
    /** Bytes moved so far, or a phase for calls with phases (connect). */
    public long progress;
    /** The fd the call waits on after {@link CallHandlers#WOULD_BLOCK}. */
    public int waitFd;
    /** The epoll events it waits for. */
    public int waitEvents;
    /** errno capture segment of the owning thread. */
    public final MemorySegment capture;
    /** Per-thread native scratch for out-parameters (sendfile's offset, getsockopt's value and length). */
    public final MemorySegment scratch;
    /** statx buffer and empty path for the file-type check of a call that must not wait; null for a caller. */
    final MemorySegment statx;
    /** The struct pollfd of a call that must not wait, inside {@link #scratch}. */
    final MemorySegment pollfd;
    /**
     * A server's context: reads and writes never wait on an fd that can wait forever (pipes, FIFOs, ttys, sockets
     * left blocking), whoever opened it; they wait in the server's reactor instead. A caller's context (false)
     * makes plain calls, as a direct call would.
     */
    public final boolean neverBlock;

    /**
     * A caller's context: plain calls.
     *
     * @param arena   arena that owns the scratch memory, confined to or used only by the owning thread.
     * @param capture errno capture segment of the owning thread.
     */
    public CallContext(final Arena arena, final MemorySegment capture)
    {
        this(arena, capture, false);
    }

    /**
     * @param arena      arena that owns the scratch memory, confined to or used only by the owning thread.
     * @param capture    errno capture segment of the owning thread.
     * @param neverBlock true for a server: see {@link #neverBlock}.
     */
    public CallContext(final Arena arena, final MemorySegment capture, final boolean neverBlock)
    {
        this.capture = capture;
        this.scratch = arena.allocate(SCRATCH_LENGTH, 8);
        this.neverBlock = neverBlock;
        this.statx = neverBlock ? arena.allocate(StatxDescriptor.LENGTH + 8, 8) : null;
        this.pollfd = scratch.asSlice(POLLFD_OFFSET, 8);
    }

    /**
     * Load a new call.
     *
     * @param op       op code.
     * @param a0       first argument.
     * @param a1       second argument.
     * @param a2       third argument.
     * @param a3       fourth argument.
     * @param a4       fifth argument.
     * @param a5       sixth argument.
     * @param progress progress so far (0 for a new call).
     */
    public void load(
        final int op, final long a0, final long a1, final long a2, final long a3, final long a4, final long a5,
        final long progress)
    {
        this.op = op;
        this.a0 = a0;
        this.a1 = a1;
        this.a2 = a2;
        this.a3 = a3;
        this.a4 = a4;
        this.a5 = a5;
        this.progress = progress;
        this.waitFd = -1;
        this.waitEvents = 0;
    }

    /**
     * Record where to wait and say so.
     *
     * @param fd     file descriptor.
     * @param events epoll events.
     * @return {@link CallHandlers#WOULD_BLOCK}.
     */
    long blockOn(final int fd, final int events)
    {
        this.waitFd = fd;
        this.waitEvents = events;
        return CallHandlers.WOULD_BLOCK;
    }
}
