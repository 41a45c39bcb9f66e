package io.offload.servers.call;

import io.offload.api.Router;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where each call goes, decided once when the runtime is built and never changed: per op, the servers that run it
 * or INLINE (null), and whether it is bound to its fd's server; the servers that own sockets (where a socket's
 * waiters, wake-ups and close meet); the router that picks a server within a class; and the adaptive tuner, if
 * any, that may run an offloadable call inline for a while. Immutable; read by every call without a lock.
 */
public final class Routing
{
    private final ServerGroupImpl[] routes;
    private final boolean[] fdBound;
    private final ServerGroupImpl fdOwners;
    private final ServerGroupImpl socketOwners;
    private final Map<SyscallClass, ServerGroupImpl> groups;
    private final Router router;
    private final AdaptiveTuner tuner;

    /**
     * @param groups  the servers of each class that has some.
     * @param byOp    per op, the group its class is served by (after class routes); never null.
     * @param inline  per op, whether it starts INLINE.
     * @param router  picks a server within a group.
     * @param tuner   the adaptive tuner, or null: with one, every call keeps its group and the tuner decides per
     *                call; without, an INLINE call has no group.
     */
    public Routing(final Map<SyscallClass, ServerGroupImpl> groups, final ServerGroupImpl[] byOp,
        final boolean[] inline, final Router router, final AdaptiveTuner tuner)
    {
        if (byOp.length != Syscall.count() || inline.length != Syscall.count())
        {
            throw new IllegalArgumentException("one route per op: " + Syscall.count() + " expected");
        }
        this.routes = new ServerGroupImpl[Syscall.count()];
        this.fdBound = new boolean[Syscall.count()];
        for (final Syscall syscall : Syscall.values())
        {
            final int op = syscall.op();
            routes[op] = inline[op] && tuner == null ? null : byOp[op];
            // one socket, one server: its waiters, its wake-ups and its close meet in one reactor
            fdBound[op] = syscall != Syscall.SOCKET && (syscall.syscallClass() == SyscallClass.NETWORK ||
                byOp[op] != null && byOp[op].syscallClass() == SyscallClass.NETWORK);
        }
        // one fd, one reactor: calls that wait on an fd, their cancels and its close meet at the fd's owner; the
        // servers of sockets, or, with sockets INLINE, those of reads (a FIFO or tty read waits there)
        this.socketOwners = routes[Syscall.SOCKET.op()];
        this.fdOwners = socketOwners != null ? socketOwners : routes[Syscall.READ.op()];
        this.groups = Collections.unmodifiableMap(new EnumMap<>(groups));
        this.router = router;
        this.tuner = tuner;
    }

    /**
     * @param op a call's op.
     * @return the servers it goes to, or null to run it inline.
     */
    public ServerGroupImpl route(final int op)
    {
        return routes[op];
    }

    /**
     * @param op a call's op.
     * @return whether it goes to the server chosen by its fd (a0) rather than by the router.
     */
    public boolean isFdBound(final int op)
    {
        return fdBound[op];
    }

    /**
     * @return the servers that own fds (by fd modulo, {@code FdOwners.ownerIndex}): where a call waiting on an fd
     *         waits, and so where an fd's close goes. The servers of sockets; with sockets INLINE, those of reads
     *         (a FIFO or tty read waits there); null if neither has servers.
     */
    public ServerGroupImpl fdOwners()
    {
        return fdOwners;
    }

    /**
     * @return the servers that own sockets (by fd modulo), or null if socket calls run inline: then a socket's
     *         calls, and its close by the socket API, run on the caller too.
     */
    public ServerGroupImpl socketOwners()
    {
        return socketOwners;
    }

    /**
     * @return the servers of each class that has some.
     */
    public Map<SyscallClass, ServerGroupImpl> groups()
    {
        return groups;
    }

    /**
     * @return the router.
     */
    public Router router()
    {
        return router;
    }

    /**
     * @return the adaptive tuner, or null.
     */
    public AdaptiveTuner tuner()
    {
        return tuner;
    }

    /**
     * @param syscall a call.
     * @return the class whose servers run it now, or null if it runs inline.
     */
    public SyscallClass routeOf(final Syscall syscall)
    {
        final ServerGroupImpl group = routes[syscall.op()];
        return group == null || tuner != null && tuner.isInline(syscall) ? null : group.syscallClass();
    }
}
