package io.offload.api;

/**
 * GenerOS's five phases of an offloaded system call, plus their sum. Each is measured between two timestamps
 * written into the call's entry.
 */
public enum Phase
{
    /** Caller starts the call until the entry is published on the server's ring. */
    ENTER,
    /** Published until the server picks the entry up. */
    FLYIN,
    /** The server runs the system call (for a call that waited: pick-up to completion, waits included). */
    HANDLE,
    /** The server publishes DONE until the caller sees it. */
    FLYOUT,
    /** The caller sees DONE until it returns. */
    EXIT,
    /** ENTER through EXIT. */
    TOTAL;

    private static final Phase[] VALUES = values();

    /**
     * @param ordinal an ordinal.
     * @return the phase.
     */
    public static Phase fromOrdinal(final int ordinal)
    {
        return VALUES[ordinal];
    }
}
