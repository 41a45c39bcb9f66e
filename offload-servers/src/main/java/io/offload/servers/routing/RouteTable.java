package io.offload.servers.routing;

import io.offload.api.Syscall;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which calls run INLINE (on the caller, no hand-off) before any measurement: a starting point that
 * {@code OffloadContext.inline(...)} and the adaptive tuner refine.
 * <ul>
 *   <li>{@link #offloadAll()}, the builder's default: every call goes to the servers you configured, so what you
 *       measure is what you asked for.</li>
 *   <li>{@link #papers()}: the papers' evidence. zCore's Task0 ran getpid/getppid 4.3x slower offloaded, and the
 *       identity calls have nothing to move off the core: GETPID, GETPPID, GETTID and SCHED_GETCPU run inline.
 *       GenerOS (its Fig. 5) found open and close slower through its servers than direct, while 4 KiB reads and
 *       writes gained: OPENAT and CLOSE run inline. Everything else is offloaded.</li>
 * </ul>
 *
 * @param inline the calls that start INLINE.
 */
public record RouteTable(Set<Syscall> inline)
{
    /**
     * @param inline the calls that start INLINE.
     */
    public RouteTable
    {
        inline = Collections.unmodifiableSet(inline.isEmpty() ? EnumSet.noneOf(Syscall.class) : EnumSet.copyOf(inline));
    }

    /**
     * @return a table that offloads everything.
     */
    public static RouteTable offloadAll()
    {
        return new RouteTable(EnumSet.noneOf(Syscall.class));
    }

    /**
     * @return the papers' evidence (see the class comment).
     */
    public static RouteTable papers()
    {
        return new RouteTable(EnumSet.of(
            Syscall.GETPID, Syscall.GETPPID, Syscall.GETTID, Syscall.SCHED_GETCPU, Syscall.OPENAT, Syscall.CLOSE));
    }
}
