package io.offload.servers.agent;

import io.offload.rings.MpscHandleRing;
import io.offload.servers.stats.PhaseHistograms;

/**
 * Padding before the fields callers read on every call.
 */
abstract class ServerPortPadBefore
{
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/**
 * The fields of a server that callers read on every call: the ring, and whether the server is asleep or running.
 */
abstract class ServerPortFields extends ServerPortPadBefore
{
    final MpscHandleRing ring;
    final SyscallServer server;
    final PhaseHistograms phases = new PhaseHistograms();
    volatile boolean sleeping;
    volatile boolean running;

    ServerPortFields(final MpscHandleRing ring, final SyscallServer server)
    {
        this.ring = ring;
        this.server = server;
    }
}

/**
 * A server as its callers see it: its rings and two flags, padded to 128 bytes on both sides (HotSpot lays out a
 * superclass's fields before a subclass's), so the server's own per-cycle writes, which live elsewhere, never
 * share a cache line with what every caller reads.
 */
public class ServerPort extends ServerPortFields
{
    long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

    ServerPort(final MpscHandleRing ring, final SyscallServer server)
    {
        super(ring, server);
    }

    /**
     * @return the server, for the rare operations (wake, cancel) that touch its own state.
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
}
