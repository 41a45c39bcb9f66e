package io.offload.servers.executor;

/**
 * Where one server's calls run: the seam between a server's duty cycle (which drains its ring, wins each entry by
 * CAS and keeps the stats) and the code that makes the calls, as plain system calls or as io_uring requests. The
 * server calls every method on its own thread, except {@link #wake()}.
 * <p>
 * Memory rule for every executor: a call is completed (DONE) only when the kernel can no longer touch any memory
 * the call named. A timeout or cancel of a call already in the kernel waits for the kernel (for io_uring: the CQE of
 * the op, after {@code IORING_OP_ASYNC_CANCEL}).
 */
public interface ServerExecutor extends AutoCloseable
{
    /**
     * @return {@code "syscalls"} or {@code "io_uring"}: shown in stats and logs.
     */
    String name();

    /**
     * A call the server picked up (status RUNNING, won by CAS), called in cohort order for each drained entry. May
     * finish it at once or hold it; completes it exactly once via {@link Completions}.
     *
     * @param handle the entry.
     */
    void start(int handle);

    /**
     * Progress without blocking: reap, run ready calls, poll fds, expire deadlines.
     *
     * @param nowNanos the server's clock, read once per duty cycle.
     * @return work done (0 if nothing happened).
     */
    int doWork(long nowNanos);

    /**
     * The entry's cancel flag is set: finish it (ECANCELED, or bytes moved) if held here, once the kernel is done
     * with it.
     *
     * @param handle the entry.
     * @return false if not held here (e.g. forwarded).
     */
    boolean cancel(int handle);

    /**
     * Sleep until work, a {@link #wake()} or {@code maxNanos}.
     *
     * @param maxNanos longest sleep.
     */
    void idle(long maxNanos);

    /**
     * End an {@link #idle} early, or make the next one return at once. Any thread.
     */
    void wake();

    /**
     * @return calls held, not yet completed.
     */
    int inFlight();

    /**
     * The server is stopping: complete every held call exactly once. NEVER returns while the kernel may still touch
     * a call's memory.
     */
    void settleAll();

    /**
     * An fd that becomes readable when this executor has work for {@link #doWork} that did not come through
     * {@link #start} (a socket ready in its reactor), so that an executor that holds this one as its fallback can
     * sleep in a wait of its own (io_uring: a multishot {@code POLL_ADD} on this fd) and still wake for it.
     * Server thread; the same fd for the executor's life.
     *
     * @return the fd (e.g. the reactor's epoll fd), or -1 when this executor never has such work.
     */
    default int pollFd()
    {
        return -1;
    }

    /**
     * The earliest deadline among the calls this executor holds, so that an executor holding this one as its
     * fallback does not sleep past it. Server thread.
     *
     * @return a deadline on the server clock's scale, or 0 for none.
     */
    default long nextDeadline()
    {
        return 0L;
    }

    /**
     * Release the executor's fds and memory; after {@link #settleAll()}.
     */
    @Override
    void close();
}
