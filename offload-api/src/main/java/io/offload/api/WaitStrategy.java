package io.offload.api;

/**
 * How a blocking caller waits for its call to complete. Whatever is chosen, a virtual thread spins only briefly
 * (a bounded number of spins) and then parks, so it never holds its carrier.
 */
public enum WaitStrategy
{
    /** Platform threads spin until done: lowest latency, burns the caller's core. */
    SPIN,
    /** Spin for a bounded number of iterations, then park until the server unparks the caller. */
    SPIN_THEN_PARK,
    /** Park at once; the server unparks the caller. */
    PARK
}
