package io.offload.servers.call;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.servers.agent.ServerPort;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Write-behind for one socket: a small write returns once its bytes are copied into runtime memory, and the
 * socket's server sends them, the way the kernel's own send buffer lets a write return before the bytes leave. It
 * saves the caller a park and a wake-up per write; a request/response connection then parks once per request, in
 * its read.
 * <p>
 * One send at most is in flight per socket, so bytes leave in the order they were written: a write, a sendfile, a
 * shutdown or a close first waits until the one before has been sent ({@link #awaitSent}). That wait is rare (the
 * send normally finishes long before the peer's next request arrives), so it polls with a growing park rather than
 * have the server unpark it: a pinned server must not unpark a virtual thread itself (the JDK may start a carrier
 * from that thread).
 * <p>
 * Errors: a send that fails after its write returned (the peer reset, the socket shut down) is kept, and the next
 * write, sendfile or shutdown of the socket, or its close, fails with it ({@link #takeFailure}), as a later call on
 * a kernel socket reports what happened to earlier bytes. A send that stopped short (the peer went away mid-way)
 * reports EPIPE with the count in the message. After a failure the socket writes no more behind: each later write
 * waits for its send and gets the kernel's own error.
 * <p>
 * Memory: the bytes live in a bounce buffer of the runtime's pool from the write until the send's completion, which
 * runs on the server (bookkeeping only, {@link #completesOnServer()}) after the kernel is done with them; the
 * caller's buffer is free to reuse as soon as the write returns. The send counts as a call in progress of its
 * connection, so a close that cannot wait for it any longer (its linger is over) shuts the socket down, which ends
 * the send, and the fd is closed only after its completion.
 * <p>
 * Threads: a connection's writes come from one thread at a time; {@link #offer} is guarded by a CAS anyway, and a
 * write that finds another in flight it did not wait for goes the blocking way.
 */
public final class WriteBehind implements DetachedCall
{
    private static final VarHandle STATE;
    private static final int IDLE = 0;
    private static final int IN_FLIGHT = 1;
    private static final long FIRST_PARK_NANOS = 20_000L;
    private static final long LAST_PARK_NANOS = 1_000_000L;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(WriteBehind.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final OffloadGate gate;
    private final BouncePool pool;
    private final int fd;
    private final AtomicInteger inProgress;

    /** IN_FLIGHT from a taken write until its completion has let go of the bytes; read by waiters. */
    private volatile int state;
    /** The bytes of the send in flight: set before publication, cleared by the completion. */
    private Bounce bounce;
    private long length;
    /** -errno of a send that failed after its write returned, until reported; 0 if none. */
    private volatile int failedErrno;
    private volatile String failedDetail;
    /** Set by the first failed send: the socket is broken, and later writes wait for their sends, as before. */
    private volatile boolean broken;
    // for phase recording, set on the submitting thread before publication, read when the entry is detached
    private int handle = -1;
    private ServerPort server;
    private boolean record;

    /**
     * @param gate       the gate the socket's calls go through.
     * @param pool       where the bytes are kept while the send is in flight.
     * @param fd         the socket.
     * @param inProgress the connection's count of calls in progress, which a send in flight is part of.
     */
    public WriteBehind(final OffloadGate gate, final BouncePool pool, final int fd, final AtomicInteger inProgress)
    {
        this.gate = gate;
        this.pool = pool;
        this.fd = fd;
        this.inProgress = inProgress;
    }

    /**
     * Take a write: copy its bytes (all of {@code buf}, then all of {@code then}) and hand them to the socket's
     * server as one send. Call {@link #awaitSent} and {@link #takeFailure} first, so that the bytes go after those
     * of the write before.
     *
     * @param buf  the bytes' segment, checked (native, alive; any arena: it is copied here).
     * @param then the bytes that follow in the same send, checked, or null for none.
     * @return true if the write is taken; false if the caller must make it as a blocking send (a send still in
     *         flight from another thread, an earlier send failed, the socket's calls run inline, the runtime is
     *         closing).
     */
    public boolean offer(final MemorySegment buf, final MemorySegment then)
    {
        if (broken || !STATE.compareAndSet(this, IDLE, IN_FLIGHT))
        {
            return false;
        }
        final long first = buf.byteSize();
        final long length = then == null ? first : first + then.byteSize();
        final Bounce leased = pool.lease(length);
        MemorySegment.copy(buf, 0, leased.memory(), 0, first);
        if (then != null)
        {
            MemorySegment.copy(then, 0, leased.memory(), first, then.byteSize());
        }
        bounce = leased;
        this.length = length;
        inProgress.incrementAndGet();
        boolean submitted = false;
        try
        {
            // the ring's publication orders the plain writes above before the server's completion reads them
            submitted = gate.submitDetached(this, fd, leased.address(), length, 0, 0, 0);
        }
        catch (final RuntimeException ex)
        {
            // the runtime closed: nothing went out; the blocking send reports it
        }
        finally
        {
            if (!submitted)
            {
                letGo();
            }
        }
        return submitted;
    }

    /**
     * Wait until no send is in flight, polling with a growing park (20 µs to 1 ms).
     *
     * @param timeoutNanos the longest to wait, or {@code Long.MAX_VALUE}.
     * @return whether none is in flight now.
     */
    public boolean awaitSent(final long timeoutNanos)
    {
        if (state == IDLE)
        {
            return true;
        }
        final long start = System.nanoTime();
        long park = FIRST_PARK_NANOS;
        for (int spins = 0; state != IDLE; spins++)
        {
            if (System.nanoTime() - start >= timeoutNanos)
            {
                return false;
            }
            if (spins < 4)
            {
                Thread.yield(); // the server may need this CPU to send it
            }
            else
            {
                LockSupport.parkNanos(park);
                park = Math.min(LAST_PARK_NANOS, park << 1);
            }
        }
        return true;
    }

    /**
     * The failure of an earlier send, reported once.
     *
     * @return its errno, or 0 if none failed since the last report.
     */
    public int takeFailure()
    {
        final int errno = failedErrno;
        if (errno != 0)
        {
            failedErrno = 0;
        }
        return errno;
    }

    /**
     * @return what the last failure reported by {@link #takeFailure} was about, for its message.
     */
    public String failureDetail()
    {
        return failedDetail;
    }

    @Override
    public Syscall syscall()
    {
        return Syscall.SENDTO;
    }

    @Override
    public boolean completesOnServer()
    {
        return true;
    }

    @Override
    public void submitted(final int handle, final ServerPort server, final boolean record)
    {
        this.handle = handle;
        this.server = server;
        this.record = record;
    }

    @Override
    public void detached()
    {
        if (record && handle >= 0)
        {
            gate.recordPhases(Syscall.SENDTO, server, handle);
        }
        handle = -1;
    }

    @Override
    public void failed(final RuntimeException failure)
    {
        onResult(-Errno.ECANCELED);
    }

    @Override
    public void onResult(final long result)
    {
        final long expected = length;
        if (result < 0)
        {
            fail((int)-result, "an earlier write of " + expected + " bytes, taken before it was sent, failed");
        }
        else if (result < expected)
        {
            fail(Errno.EPIPE, "an earlier write of " + expected + " bytes, taken before it was sent, stopped after " +
                result + " bytes");
        }
        letGo();
    }

    private void fail(final int errno, final String detail)
    {
        failedDetail = detail;
        broken = true;
        failedErrno = errno; // volatile: publishes the detail
    }

    private void letGo()
    {
        final Bounce sent = bounce;
        bounce = null;
        pool.release(sent);
        inProgress.decrementAndGet();
        state = IDLE; // volatile, last: a waiter that sees IDLE sees the failure and the released count
    }
}
