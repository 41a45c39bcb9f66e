package io.offload.servers;

/**
 * What a caller does when no entry is free (the pool is at its bound) or its server's ring is full.
 */
public enum BackpressurePolicy
{
    /** Wait (spin, yield, then park briefly, in rising steps) until there is room. */
    WAIT,
    /** Give up at once: the raw API returns -EAGAIN, the blocking API throws EAGAIN, a future fails with it. */
    REJECT
}
