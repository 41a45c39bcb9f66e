package io.offload.servers.routing;

import io.offload.api.Router;
import io.offload.api.ServerGroup;
import io.offload.api.Syscall;
import io.offload.servers.libc.CpuAffinity;
import io.offload.servers.topology.CpuTopology;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;

/**
 * Sends each call to the server closest to the CPU the caller runs on now, because where the server sits decides
 * what the hand-off costs: GenerOS (Fig. 7) measures FLYIN and FLYOUT growing with every HyperTransport hop between
 * the application core and its kernel server, and its layouts put a server on each processor so that callers need
 * not cross one.
 * <p>
 * Closeness is ranked, most important first:
 * <ol>
 *     <li>the kernel's node distance between the caller's CPU and the server's ({@code node/nodeM/distance});</li>
 *     <li>sharing the caller's L3 cache (a hand-off stays on chip);</li>
 *     <li>sharing the caller's package (socket);</li>
 *     <li>sharing the caller's core, as an SMT sibling (the entry's cache lines move through a shared L2). A
 *     server on the caller's own CPU counts as on its core; {@code CoreLayout#validate} warns about such
 *     layouts.</li>
 * </ol>
 * Servers that tie on all four share the caller's calls round-robin, with a cursor per caller thread (as
 * {@link RoundRobinRouter}) so callers never contend on a counter. Unpinned servers (CPU -1) and servers on a CPU
 * the topology does not have online rank after every pinned server the topology knows: nothing says where they
 * run. A caller whose CPU the topology does not have online (sched_getcpu failed, or the topology describes
 * another machine) ties every server.
 * <p>
 * The caller's CPU is read on every call (by default {@code sched_getcpu}, which glibc answers from the vDSO or
 * rseq area without entering the kernel), so a thread the scheduler moves follows its CPU. The ranking for each
 * (group, caller CPU) is worked out the first time that pair is seen and kept: that allocates once per pair, never
 * per call. Groups are recognised by identity and kept for the router's life, so a router is meant for the few
 * long-lived groups of its runtimes (a runtime has at most one per class), not for groups made per call. A
 * server's CPU is read when its group is first seen; a runtime's server CPUs do not change.
 */
public final class NumaNearestRouter implements Router
{
    private static final int UNKNOWN_RANK = Integer.MAX_VALUE;

    private final CpuTopology topology;
    private final IntSupplier currentCpu;
    private final int cpuSlots;
    private final ThreadLocal<int[]> cursor = ThreadLocal.withInitial(() -> new int[1]);
    private volatile GroupOrders[] groups = new GroupOrders[0];

    /**
     * A router for the machine this JVM runs on, reading the caller's CPU with {@code sched_getcpu}.
     *
     * @param topology the machine's topology, normally {@link CpuTopology#current()}.
     */
    public NumaNearestRouter(final CpuTopology topology)
    {
        this(topology, CpuAffinity::currentCpu);
    }

    /**
     * A router reading the caller's CPU from a given source, so that tests (and tools that model another machine)
     * can say where the caller is.
     *
     * @param topology   the topology the CPUs refer to.
     * @param currentCpu gives the calling thread's CPU; called once per routed call, on the caller's thread, so it
     *                   must be cheap and must not allocate. A negative or unknown CPU ties every server.
     */
    public NumaNearestRouter(final CpuTopology topology, final IntSupplier currentCpu)
    {
        if (null == topology)
        {
            throw new IllegalArgumentException("topology is null: pass CpuTopology.current() or a loaded fixture");
        }
        if (null == currentCpu)
        {
            throw new IllegalArgumentException(
                "currentCpu is null: pass CpuAffinity::currentCpu or a supplier of the caller's cpu");
        }
        this.topology = topology;
        this.currentCpu = currentCpu;
        final int[] present = topology.presentCpus();
        this.cpuSlots = present[present.length - 1] + 1;
    }

    @Override
    public int route(final Syscall syscall, final ServerGroup group)
    {
        final int[] nearest = cachedNearest(group, currentCpu.getAsInt());
        if (1 == nearest.length)
        {
            return nearest[0];
        }

        final int[] next = cursor.get();
        int index = next[0];
        if (index >= nearest.length)
        {
            index = 0;
        }
        next[0] = index + 1;

        return nearest[index];
    }

    /**
     * The servers a caller on a CPU is routed among: those that rank first for it, all tied.
     *
     * @param group     the servers of a class.
     * @param callerCpu the caller's CPU; negative or not online in the topology for "unknown".
     * @return the indices of the nearest servers, ascending; a copy the caller may change.
     */
    public int[] nearest(final ServerGroup group, final int callerCpu)
    {
        return cachedNearest(group, callerCpu).clone();
    }

    /**
     * @return the topology distances are taken from.
     */
    public CpuTopology topology()
    {
        return topology;
    }

    @Override
    public String toString()
    {
        return "numa-nearest";
    }

    private int[] cachedNearest(final ServerGroup group, final int callerCpu)
    {
        final GroupOrders orders = ordersOf(group);
        final int slot = callerCpu >= 0 && callerCpu < cpuSlots ? callerCpu : cpuSlots;
        final int[] cached = orders.nearestByCpu.getAcquire(slot);
        if (null != cached)
        {
            return cached;
        }

        final int[] computed = computeNearest(orders.serverCpus, slot == cpuSlots ? -1 : callerCpu);
        final int[] raced = orders.nearestByCpu.compareAndExchangeRelease(slot, null, computed);

        return null == raced ? computed : raced;
    }

    private GroupOrders ordersOf(final ServerGroup group)
    {
        final GroupOrders[] known = groups;
        for (final GroupOrders orders : known)
        {
            if (orders.group == group)
            {
                return orders;
            }
        }

        return addGroup(group);
    }

    private synchronized GroupOrders addGroup(final ServerGroup group)
    {
        final GroupOrders[] known = groups;
        for (final GroupOrders orders : known)
        {
            if (orders.group == group)
            {
                return orders;
            }
        }

        final int size = group.size();
        if (size < 1)
        {
            throw new IllegalArgumentException(
                "server group of " + group.syscallClass() + " has " + size + " servers: expected at least one");
        }
        final int[] serverCpus = new int[size];
        for (int i = 0; i < size; i++)
        {
            serverCpus[i] = group.cpu(i);
        }

        final GroupOrders orders = new GroupOrders(group, serverCpus, new AtomicReferenceArray<>(cpuSlots + 1));
        final GroupOrders[] grown = Arrays.copyOf(known, known.length + 1);
        grown[known.length] = orders;
        groups = grown;

        return orders;
    }

    private int[] computeNearest(final int[] serverCpus, final int callerCpu)
    {
        final boolean callerKnown = topology.isOnline(callerCpu);
        final long[] ranks = new long[serverCpus.length];
        long best = Long.MAX_VALUE;
        for (int i = 0; i < serverCpus.length; i++)
        {
            ranks[i] = callerKnown ? rank(callerCpu, serverCpus[i]) : 0;
            best = Math.min(best, ranks[i]);
        }

        int count = 0;
        final int[] nearest = new int[serverCpus.length];
        for (int i = 0; i < serverCpus.length; i++)
        {
            if (ranks[i] == best)
            {
                nearest[count++] = i;
            }
        }

        return Arrays.copyOf(nearest, count);
    }

    /**
     * A server's rank for a caller, lower is nearer: node distance in the high bits, then one bit each for "not
     * the caller's L3", "not its package", "not its core".
     */
    private long rank(final int callerCpu, final int serverCpu)
    {
        if (!topology.isOnline(serverCpu))
        {
            return (long)UNKNOWN_RANK << 3;
        }

        final long distance = topology.nodeDistance(callerCpu, serverCpu);
        final long otherL3 = topology.sameL3(callerCpu, serverCpu) ? 0 : 1;
        final long otherPackage = topology.samePackage(callerCpu, serverCpu) ? 0 : 1;
        final long otherCore = otherPackage == 0 && topology.coreOf(callerCpu) == topology.coreOf(serverCpu) ? 0 : 1;

        return distance << 3 | otherL3 << 2 | otherPackage << 1 | otherCore;
    }

    /**
     * One group's servers' CPUs, and for each caller CPU (plus one slot for "unknown") its nearest servers, made
     * the first time that CPU calls.
     */
    private record GroupOrders(ServerGroup group, int[] serverCpus, AtomicReferenceArray<int[]> nearestByCpu)
    {
    }
}
