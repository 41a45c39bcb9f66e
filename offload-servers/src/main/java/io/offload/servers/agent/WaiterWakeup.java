package io.offload.servers.agent;

import java.util.concurrent.locks.LockSupport;

/**
 * How the thread that completes a call wakes the call's waiter: a caller parked on the entry, or the future of an
 * async call. The one place where that is decided, so that a cheaper way (issue 12: batched unparks, carriers
 * started from an unpinned thread, ...) can be dropped in without touching the servers or the entry table.
 * <p>
 * {@link #throughCompleter} is the default for servers: a parked virtual thread is unparked by the completion
 * thread, because the JDK may start a new carrier from the thread that unparks, and a carrier started from a
 * pinned server would inherit the server's CPU mask; a platform thread is unparked at once (no carrier); an async
 * entry is finished on the completion thread, so no dependent stage of a future ever runs on a server.
 * {@link #onThisThread} does everything on the calling thread: for callers cancelling their own call and for the
 * closing thread's sweep.
 */
public abstract class WaiterWakeup
{
    /**
     * Wake a caller parked on a DONE entry.
     *
     * @param handle the entry, DONE; its caller may read and free it as soon as it wakes.
     * @param waiter the parked thread.
     */
    public abstract void unpark(int handle, Thread waiter);

    /**
     * Hand a DONE async entry to whoever finishes its future and frees it.
     *
     * @param handle the entry, DONE.
     */
    public abstract void asyncDone(int handle);

    /**
     * @param port the completion thread's port for the completing server.
     * @return the default wake-up of a server: virtual threads and futures through the completion thread.
     */
    public static WaiterWakeup throughCompleter(final Completer.Port port)
    {
        if (port == null)
        {
            throw new IllegalArgumentException("port is null: pass the completer port of the server");
        }
        return new ThroughCompleter(port);
    }

    /**
     * @param entries the entry table whose async entries to finish here.
     * @return a wake-up that unparks and finishes futures on the calling thread.
     */
    public static WaiterWakeup onThisThread(final EntryTable entries)
    {
        if (entries == null)
        {
            throw new IllegalArgumentException("entries is null: pass the entry table of the runtime");
        }
        return new OnThisThread(entries);
    }

    private static final class ThroughCompleter extends WaiterWakeup
    {
        private final Completer.Port port;

        ThroughCompleter(final Completer.Port port)
        {
            this.port = port;
        }

        @Override
        public void unpark(final int handle, final Thread waiter)
        {
            if (waiter.isVirtual())
            {
                port.unpark(handle, waiter); // from an unpinned thread, so no carrier inherits a server's mask
            }
            else
            {
                LockSupport.unpark(waiter);
            }
        }

        @Override
        public void asyncDone(final int handle)
        {
            port.enqueue(handle);
        }
    }

    private static final class OnThisThread extends WaiterWakeup
    {
        private final EntryTable entries;

        OnThisThread(final EntryTable entries)
        {
            this.entries = entries;
        }

        @Override
        public void unpark(final int handle, final Thread waiter)
        {
            LockSupport.unpark(waiter);
        }

        @Override
        public void asyncDone(final int handle)
        {
            entries.finishAsync(handle);
        }
    }
}
