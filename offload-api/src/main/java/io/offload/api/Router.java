package io.offload.api;

/**
 * Chooses which server of a class runs a call. Called on the caller's thread for every offloaded call, so it must
 * be fast and must not allocate; it may keep per-caller state (a round-robin cursor) in thread-confined fields.
 */
@FunctionalInterface
public interface Router
{
    /**
     * @param syscall the call being routed.
     * @param group   the servers that may run it.
     * @return an index in {@code [0, group.size())}.
     */
    int route(Syscall syscall, ServerGroup group);
}
