package io.offload.api;

/**
 * How a blocking platform-thread caller waits for its call to complete: the user's choice, which the runtime maps
 * to a wait object (the Disruptor's way: one class per strategy). Whatever is chosen, a virtual thread spins only
 * briefly (a bounded number of spins, then optional yields) and then parks, so it never holds its carrier. Every
 * strategy returns only once the call has settled: an interrupt cancels the call and the wait goes on.
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
