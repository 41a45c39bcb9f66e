package io.offload.servers.uring;

/**
 * Receives completions from {@link IoUring#reap}: one call per CQE, on the ring's thread, in CQ order (which is the
 * order the kernel completed the requests in, not the order they were submitted in). Implementations should
 * allocate nothing: the reaper calls this on the hot path. The CQE's slot is given back to the kernel after the
 * batch, so the values must be copied out (they are: three primitives), never re-read.
 */
@FunctionalInterface
public interface CqeHandler
{
    /**
     * @param userData the request's {@code user_data} (for the executor: the entry handle).
     * @param res      the result, or {@code -errno}.
     * @param flags    {@code IORING_CQE_F_*}; {@code IORING_CQE_F_MORE} says a multishot request stays armed.
     */
    void onCqe(long userData, int res, int flags);
}
