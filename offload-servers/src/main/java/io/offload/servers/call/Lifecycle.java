package io.offload.servers.call;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a runtime is in its life, as its callers see it: open (calls are taken), closing (no new call is taken; those
 * in flight finish or are cancelled), closed (servers stopped, every call settled). It only ever moves forward.
 */
public final class Lifecycle
{
    /** Calls are taken. */
    public static final int OPEN = 0;
    /** close() has begun: no new call is taken. */
    public static final int CLOSING = 1;
    /** The servers have stopped; whatever was left in flight has been cancelled. */
    public static final int CLOSED = 2;

    private final AtomicInteger state = new AtomicInteger(OPEN);

    /**
     * @return OPEN, CLOSING or CLOSED.
     */
    public int state()
    {
        return state.get();
    }

    /**
     * @return whether calls are taken.
     */
    public boolean isOpen()
    {
        return state.get() == OPEN;
    }

    /**
     * @return whether the servers have stopped.
     */
    public boolean isClosed()
    {
        return state.get() == CLOSED;
    }

    /**
     * Stop taking calls. Once.
     *
     * @return true for the one caller that moved the state from OPEN to CLOSING.
     */
    public boolean beginClose()
    {
        return state.compareAndSet(OPEN, CLOSING);
    }

    /**
     * The servers have stopped: callers that see this settle their own calls. Volatile store: ordered after the
     * servers' last completions (pairs with the callers' check after publishing).
     */
    public void closed()
    {
        state.set(CLOSED);
    }

    /**
     * @throws IllegalStateException if the runtime is closing or closed.
     */
    public void checkOpen()
    {
        if (state.get() != OPEN)
        {
            throw new IllegalStateException("the offload runtime is closed: build a new one to make calls");
        }
    }
}
