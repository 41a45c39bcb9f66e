package io.offload.servers.agent;

import io.offload.rings.MpscHandleRing;
import io.offload.servers.executor.FdOwners;
import io.offload.servers.stats.PhaseHistograms;

import java.lang.invoke.VarHandle;

/**
 * Padding before the fields callers read on every call.
 */
abstract class ServerPortPadBefore
{
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/**
 * The fields of a server that callers read on every call: the rings, and whether the server is asleep or running.
 */
abstract class ServerPortFields extends ServerPortPadBefore
{
    final MpscHandleRing ring;
    final MpscHandleRing control;
    final SyscallServer server;
    final Runnable waker;
    final PhaseHistograms phases;
    volatile boolean sleeping;
    volatile boolean running;

    ServerPortFields(
        final MpscHandleRing ring, final MpscHandleRing control, final SyscallServer server, final Runnable waker,
        final PhaseHistograms phases)
    {
        this.ring = ring;
        this.control = control;
        this.server = server;
        this.waker = waker;
        this.phases = phases;
    }
}

/**
 * A server as its callers see it: its rings and two flags, padded to 128 bytes on both sides (HotSpot lays out a
 * superclass's fields before a subclass's), so the server's own per-cycle writes, which live elsewhere, never
 * share a cache line with what every caller reads.
 * <p>
 * Both halves of the two handshakes between callers and a server live here, so the jcstress tests exercise the
 * production code:
 * <ul>
 *   <li><b>sleep vs submit</b>: the server stores {@code sleeping} (volatile) and then looks at its rings
 *       ({@link #prepareToSleep}); a caller offers (a CAS on the producer index) and then loads {@code sleeping}
 *       ({@link #offer}, {@link #offerControl}). One of them sees the other: the server does not sleep through a
 *       call, or the caller wakes it. jcstress: {@code SleepVersusSubmitTest}.</li>
 *   <li><b>stop vs publish</b>: a stopping server stores {@code running} false and then fences and drains its
 *       ring until empty ({@link #stopRunning}); a caller offers and then loads {@code running}. Either the
 *       server drains the call or the caller learns it stopped ({@link #STOPPED}) and takes its entry back.
 *       jcstress: {@code PublishVersusServerStopTest}.</li>
 * </ul>
 */
public class ServerPort extends ServerPortFields
{
    /** {@link #offer}: the call is in the ring of a running server. */
    public static final int OFFERED = FdOwners.FORWARDED;
    /** {@link #offer}: the ring is full; nothing was offered. */
    public static final int FULL = FdOwners.FULL;
    /** {@link #offer}: the call is in the ring of a server that has stopped; take it back if still there. */
    public static final int STOPPED = FdOwners.STOPPED;

    long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

    /**
     * A port with no server behind it, for tests of the handshakes.
     *
     * @param ring    the submission ring.
     * @param control the control ring.
     * @param waker   what wakes the server from its sleep.
     * @param phases  phase histograms, or null for none.
     */
    public ServerPort(
        final MpscHandleRing ring, final MpscHandleRing control, final Runnable waker, final PhaseHistograms phases)
    {
        super(ring, control, null, waker, phases);
        if (ring == null || control == null || waker == null)
        {
            throw new IllegalArgumentException("ring, control and waker are required");
        }
    }

    ServerPort(final MpscHandleRing ring, final MpscHandleRing control, final SyscallServer server)
    {
        super(ring, control, server, server::wake, new PhaseHistograms());
    }

    /**
     * @return the server, for the rare operations (wake, cancel) that touch its own state; null for a bare port.
     */
    public final SyscallServer server()
    {
        return server;
    }

    /**
     * @return the submission ring.
     */
    public final MpscHandleRing ring()
    {
        return ring;
    }

    /**
     * @return phase histograms of the calls this server ran while recording was on.
     */
    public final PhaseHistograms phases()
    {
        return phases;
    }

    /**
     * @return whether the server is asleep in epoll_wait (or about to be).
     */
    public final boolean isSleeping()
    {
        return sleeping;
    }

    /**
     * @return whether the server thread is in its duty cycle.
     */
    public final boolean isRunning()
    {
        return running;
    }

    // ---------------------------------------------------------------- caller side

    /**
     * Publish a SUBMITTED entry: offer its handle, wake the server if it sleeps, then say whether it runs.
     *
     * @param handle the entry, SUBMITTED.
     * @return {@link #OFFERED}, {@link #FULL}, or {@link #STOPPED}: then take the entry back if no one else has.
     */
    public final int offer(final int handle)
    {
        if (!ring.offer(handle))
        {
            return FULL;
        }
        // the offer's CAS on the producer index orders it before both loads: pairs with the server's volatile
        // 'sleeping' store before it checks the ring, and its 'running' store and fence before its last drain
        wakeIfSleeping();
        return running ? OFFERED : STOPPED;
    }

    /**
     * Queue a control message (a cancel) and wake the server if it sleeps.
     *
     * @param handle the entry, its cancel flag set.
     * @return false if the control ring was full.
     */
    public final boolean offerControl(final int handle)
    {
        final boolean offered = control.offer(handle);
        wakeIfSleeping(); // after the offer's CAS: pairs with prepareToSleep
        return offered;
    }

    /**
     * Ask the server to cancel an entry it may hold (its cancel flag set), and make sure the cancel reaches the
     * call wherever it is, even if this server has stopped. Any thread.
     *
     * @param handle the entry, its cancel flag set.
     */
    public final void requestCancel(final int handle)
    {
        if (server != null)
        {
            server.requestCancel(handle);
        }
        else
        {
            offerControl(handle);
        }
    }

    /**
     * Wake the server if it announced that it sleeps. Any thread.
     */
    public final void wakeIfSleeping()
    {
        if (sleeping)
        {
            waker.run();
        }
    }

    // ---------------------------------------------------------------- server side

    /**
     * The server announces that it sleeps, then looks at its rings.
     *
     * @return true if both rings are empty: the server may sleep, and a caller that offers from now on wakes it.
     */
    public final boolean prepareToSleep()
    {
        sleeping = true; // volatile store, then loads of the rings' producer indices: pairs with offer()
        return ring.isEmpty() && control.isEmpty();
    }

    /**
     * The server is awake again.
     */
    public final void doneSleeping()
    {
        sleeping = false;
    }

    /**
     * The server thread has started its duty cycle.
     */
    public final void markRunning()
    {
        running = true;
    }

    /**
     * The server stops: callers that offer from now on see {@link #STOPPED}. The caller must then drain the ring
     * until it is empty.
     */
    public final void stopRunning()
    {
        running = false;
        VarHandle.fullFence(); // running=false, then the loads of the ring's producer index: pairs with offer()
    }
}
