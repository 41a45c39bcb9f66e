package io.offload.servers;

/**
 * How a server wakes a virtual thread parked on a call it completed. The JDK may start a new carrier (a worker of
 * the virtual-thread scheduler) from the thread that unparks, and a thread started on Linux inherits its creator's
 * CPU mask, so a carrier started from a server pinned to one CPU would stay on that CPU. Every policy keeps the
 * guarantee that no server pinned to a CPU set of its own starts a carrier in a way the policy does not argue
 * against; see {@code io.offload.servers.agent.WaiterWakeup} for the argument.
 */
public enum WakeupPolicy
{
    /** Every parked virtual thread is unparked by the completion thread (unpinned): one more thread hop. */
    COMPLETER,
    /**
     * A server that runs unpinned (on every online CPU, the completion thread's own mask) unparks directly; a
     * pinned server goes through the completion thread. A carrier started from an unpinned server gets exactly
     * the mask it would get from the completion thread. The default.
     */
    DIRECT_WHEN_UNPINNED,
    /**
     * As {@link #DIRECT_WHEN_UNPINNED}, and a pinned server also unparks directly while the virtual-thread
     * scheduler already has every carrier its parallelism asks for (the runtime starts them from the unpinned
     * completion thread), so its unpark wakes an idle carrier instead of starting one. Not airtight: a carrier
     * that retires after 30 s of an idle scheduler between the check and the unpark lets one carrier start from
     * the pinned server. Opt-in.
     */
    DIRECT_WHEN_POOL_FULL
}
