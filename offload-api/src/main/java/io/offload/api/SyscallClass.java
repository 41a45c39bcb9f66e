package io.offload.api;

/**
 * The six kinds of system call that GenerOS gives each its own kernel servers. A runtime runs zero or more
 * servers per class; a syscall goes to a server of its class, or of the class its class is routed to, or runs
 * inline on the caller.
 */
public enum SyscallClass
{
    FILE,
    NETWORK,
    SIGNAL,
    IPC,
    PROCESS,
    OTHER;

    private static final SyscallClass[] VALUES = values();

    /**
     * @param ordinal an ordinal in {@code [0, values().length)}.
     * @return the class with that ordinal, without the copy that {@link #values()} makes.
     */
    public static SyscallClass fromOrdinal(final int ordinal)
    {
        return VALUES[ordinal];
    }
}
