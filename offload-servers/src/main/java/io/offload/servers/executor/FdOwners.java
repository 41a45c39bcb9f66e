package io.offload.servers.executor;

/**
 * Which server's reactor a call that must wait on an fd waits in: one fd, one reactor, so that an fd's waiters,
 * their cancels and its close always meet in one place. Implemented by the servers' wiring; a
 * {@link SyscallExecutor} forwards a would-block call to the owner of its fd instead of parking it itself.
 */
public interface FdOwners
{
    /** {@link #forward}: the owner has the call in its ring. */
    int FORWARDED = 0;
    /** {@link #forward}: the owner's ring is full; the call was not offered. */
    int FULL = 1;
    /** {@link #forward}: the call is in the ring of an owner that has stopped; take it back if still there. */
    int STOPPED = 2;

    /** Every fd is owned by the executor asking: nothing is forwarded. */
    FdOwners LOCAL = new FdOwners()
    {
        @Override
        public boolean isLocal(final int fd)
        {
            return true;
        }

        @Override
        public int forward(final int fd, final int handle)
        {
            throw new IllegalStateException("every fd is local: nothing to forward");
        }

        @Override
        public void cancel(final int fd, final int handle)
        {
        }
    };

    /**
     * The one rule that gives an fd its owner among a group of servers: fd {@code n} belongs to server
     * {@code n mod size}. The callers send a socket's calls and every close there, and the servers forward waits
     * and cancels there, by this same rule, so they always agree on where an fd's waiters are.
     *
     * @param fd   an fd.
     * @param size servers in the owner group, at least 1.
     * @return the index of its owner in the group.
     */
    static int ownerIndex(final int fd, final int size)
    {
        return Math.floorMod(fd, size);
    }

    /**
     * @param fd an fd.
     * @return whether calls waiting on {@code fd} wait with the executor asking.
     */
    boolean isLocal(int fd);

    /**
     * Offer a call, already SUBMITTED with its progress in its result field, to the owner of {@code fd}, and wake
     * the owner if it sleeps.
     *
     * @param fd     the fd the call waits on.
     * @param handle the entry.
     * @return {@link #FORWARDED}, {@link #FULL} or {@link #STOPPED}.
     */
    int forward(int fd, int handle);

    /**
     * Pass a cancel request on to the owner of {@code fd}, which may hold the call parked.
     *
     * @param fd     the fd the call waits on.
     * @param handle the entry, its cancel flag set.
     */
    void cancel(int fd, int handle);
}
