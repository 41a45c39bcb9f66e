package io.offload.servers.executor;

/**
 * Where one server's calls run: the seam between a server's duty cycle (an Agrona {@code Agent} that drains its
 * ring, wins each entry by CAS and keeps the stats) and the code that makes the calls. {@link SyscallExecutor}
 * makes them as downcalls, one at a time, parking would-block calls in an epoll reactor; an io_uring executor
 * submits them as SQEs and reaps CQEs. The server calls every method on its own thread, except {@link #wake()};
 * an executor is made on that thread ({@link Factory}), so it may hold thread-confined memory.
 *
 * <h2>The contract</h2>
 * <ul>
 *   <li>{@link #start(int)} hands over an entry the server has won (status RUNNING), in cohort order; the server
 *       has already checked its deadline. The executor completes it exactly once, through
 *       {@link Completions#complete}, at once or after any number of {@link #doWork} calls.</li>
 *   <li><b>Status of a held entry.</b> While the kernel may touch any memory a call names (its buffers, its
 *       path, its iovecs), the entry stays RUNNING: nobody but its executor may complete it. An entry the executor
 *       holds with nothing in the kernel (parked in a wait queue, queued to run again, not yet submitted) is
 *       WAITING, stored with {@link CancelHandshake#parkUnlessCancelled} (which tells the executor to finish it
 *       at once if its cancel flag is already set), its progress in its result field (bytes moved so far, or 0).
 *       The executor leaves WAITING only by a CAS to RUNNING, so a runtime sweeping after a server that did not
 *       stop may complete WAITING entries itself and the executor, if it ever comes back, skips them.</li>
 *   <li><b>Cancellation.</b> A caller sets the entry's cancel flag and sends its handle to the control ring of
 *       the server it published to; the server passes each such handle to {@link #cancel(int)}. An executor
 *       finishes a call it holds (ECANCELED, or the bytes already moved), or, for a call in the kernel, asks the
 *       kernel to cancel it and completes it when the kernel is done. A call that will look at its flag anyway
 *       (queued to run, or picked up later) needs nothing more. A call this executor does not hold may be parked
 *       with another server (forwarded): the executor passes the cancel on to whoever holds it. Either way the
 *       cancel is never lost: every park stores WAITING and then loads the flag (volatile, both), and whoever
 *       receives the cancel loads the status after the flag was set.</li>
 *   <li><b>Buffers.</b> A call is completed only when the kernel can no longer touch any memory it named. A
 *       deadline, a cancel or a closing runtime waits for the kernel (for io_uring: the CQE of the op, after
 *       {@code IORING_OP_ASYNC_CANCEL}); {@link #settleAll()} never returns while the kernel may still touch a
 *       call's memory.</li>
 *   <li>{@link #doWork} and {@link #idle} never block on one call: the server thread must always come back to
 *       drain its ring.</li>
 *   <li><b>Batches.</b> Each duty cycle the server calls {@link #start} for every entry it drained, then
 *       {@link #doWork} once: an executor that submits in batches queues in {@code start} and submits and reaps
 *       in {@code doWork} (for io_uring, one {@code io_uring_enter}). An executor with a bound on calls in
 *       flight keeps the surplus itself, WAITING with progress 0, and starts it as room frees up.</li>
 * </ul>
 */
public interface ServerExecutor extends AutoCloseable
{
    /**
     * Makes a server's executor, on the server thread, when the server starts.
     */
    @FunctionalInterface
    interface Factory
    {
        /**
         * @param context what the executor needs from its server.
         * @return a new executor, owned by the calling (server) thread.
         */
        ServerExecutor newExecutor(ExecutorContext context);
    }

    /**
     * @return "syscalls" or "io_uring": shown in stats and logs.
     */
    String name();

    /**
     * Take a call the server picked up: status RUNNING, won by CAS, deadline not passed. Called in cohort order
     * for each drained entry. May complete it at once or hold it.
     *
     * @param handle the entry.
     */
    void start(int handle);

    /**
     * Make progress without blocking: reap completions, run ready calls, poll fds, expire deadlines.
     *
     * @param nowNanos the server's clock, read once per duty cycle.
     * @return work done (0 if nothing happened).
     */
    int doWork(long nowNanos);

    /**
     * A cancel request for an entry whose cancel flag is set: finish it if held here (ECANCELED, or the bytes
     * already moved), once the kernel is done with it; pass it on if another server holds it.
     *
     * @param handle the entry.
     * @return whether this executor held the call parked (and has finished it or is finishing it).
     */
    boolean cancel(int handle);

    /**
     * Sleep until there is work, a {@link #wake()}, the next deadline of a held call, or {@code maxNanos}; return
     * at once if there is work now. The server calls it only after it has announced that it sleeps and seen its
     * rings empty.
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
     * The server is stopping (its runtime closes or its thread dies): complete every held call exactly once,
     * with what it has done (bytes moved) or ECANCELED. Never returns while the kernel may still touch a call's
     * memory.
     */
    void settleAll();

    /**
     * An fd that becomes readable when this executor has work for {@link #doWork} that did not come through
     * {@link #start} (a socket ready in its reactor), so that an executor holding this one as its fallback can sleep
     * in a wait of its own (io_uring: a multishot {@code POLL_ADD} on this fd in its ring) and still wake for it.
     * Server thread; the same fd for the executor's life.
     *
     * @return the fd (the reactor's epoll fd), or -1 when this executor never has such work.
     */
    default int pollFd()
    {
        return -1;
    }

    /**
     * When this executor next needs {@link #doWork} without an fd event, so that an executor holding this one as
     * its fallback does not sleep past it: the earliest deadline of a held call, or a time already come when calls
     * are queued to run now. Server thread.
     *
     * @return a time on the server clock's scale, or 0 for none.
     */
    default long nextDeadline()
    {
        return 0L;
    }

    /**
     * Another executor of this server (the one holding this one as its fallback) is about to close {@code fd}:
     * finish the calls parked here on it with EBADF, as this executor's own close would, and drop it from any
     * poller, before the fd number can be reused by an unrelated open. Server thread.
     *
     * @param fd the fd being closed.
     */
    default void fdClosing(final int fd)
    {
    }

    /**
     * What the executor has done, for stats: read from any thread, each value recent, not all from one instant.
     *
     * @return its counters; an executor without counters of its own gives its name and zeros.
     */
    default ExecutorStats stats()
    {
        return ExecutorStats.none(name());
    }

    /**
     * Release the executor's fds and memory; after {@link #settleAll()}.
     */
    @Override
    void close();
}
