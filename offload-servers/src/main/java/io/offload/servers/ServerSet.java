package io.offload.servers;

import io.offload.api.ServerStats;
import io.offload.api.SyscallClass;
import io.offload.rings.HandleRingDescriptor;
import io.offload.rings.MpscHandleRing;
import io.offload.servers.agent.Completer;
import io.offload.servers.agent.EntryTable;
import io.offload.servers.agent.ServerCounters;
import io.offload.servers.agent.ServerCountersDescriptor;
import io.offload.servers.agent.ServerIdleStrategy;
import io.offload.servers.agent.ServerPort;
import io.offload.servers.agent.ServerShutdown;
import io.offload.servers.agent.SyscallServer;
import io.offload.servers.call.ServerGroupImpl;
import io.offload.servers.uring.ExecutorChoice;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The runtime's servers: made from the concluded context (one per configured CPU and class, with their rings and
 * completion ports), grouped by class for routing, started on threads of their own with their idle strategy, and
 * stopped together. What the runtime reads of them for its stats comes from here too.
 */
final class ServerSet
{
    private final OffloadContext config;
    private final ErrorHandler errorHandler;
    private final ExecutorChoice.Selection executor;
    private final List<SyscallServer> servers = new ArrayList<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final Map<SyscallClass, ServerGroupImpl> groups = new EnumMap<>(SyscallClass.class);

    /**
     * @param config       the concluded settings.
     * @param entries      the runtime's entries.
     * @param completer    the completion thread's agent, which gets one port per server.
     * @param arena        memory of the rings.
     * @param errorHandler where the servers' exceptions go.
     * @param executor     the executor chosen once for the runtime: every server makes its own from the factory.
     */
    ServerSet(final OffloadContext config, final EntryTable entries, final Completer completer, final Arena arena,
        final ErrorHandler errorHandler, final ExecutorChoice.Selection executor)
    {
        this.config = config;
        this.errorHandler = errorHandler;
        this.executor = executor;
        for (final Map.Entry<SyscallClass, int[]> e : config.serverCpus().entrySet())
        {
            final int[] cpus = e.getValue();
            final ServerPort[] ports = new ServerPort[cpus.length];
            for (int i = 0; i < cpus.length; i++)
            {
                final SyscallServer server = new SyscallServer(e.getKey(), i, cpus[i], entries,
                    MpscHandleRing.allocate(arena, config.ringCapacity()),
                    MpscHandleRing.allocate(arena, HandleRingDescriptor.nextPowerOfTwo(config.maxEntries())),
                    completer.newPort(arena), config.batchLimit(),
                    new ServerCounters(Arena.ofAuto()), errorHandler, // counters outlive close()
                    executor.factory());
                servers.add(server);
                ports[i] = server.port();
            }
            groups.put(e.getKey(), new ServerGroupImpl(e.getKey(), ports, cpus));
        }
    }

    /** @return the servers of each class that has some. */
    Map<SyscallClass, ServerGroupImpl> groups()
    {
        return Collections.unmodifiableMap(groups);
    }

    /** @return every server, in class then index order. */
    List<SyscallServer> servers()
    {
        return Collections.unmodifiableList(servers);
    }

    /** @return the agent runners of the started servers (tests stop them behind the runtime's back). */
    List<AgentRunner> runners()
    {
        return Collections.unmodifiableList(runners);
    }

    /**
     * @param owners the servers that own fds (the socket servers): waits and closes on an fd meet at its owner.
     */
    void fdOwners(final ServerGroupImpl owners)
    {
        final ServerPort[] ports = owners.ports();
        for (final SyscallServer server : servers)
        {
            server.fdOwners(ports);
        }
    }

    /**
     * Start each server on a daemon thread of its own; each started one is pushed on {@code startedSoFar} so that a
     * failed start stops it again.
     */
    void start(final Deque<AutoCloseable> startedSoFar)
    {
        for (final SyscallServer server : servers)
        {
            final AgentRunner runner = new AgentRunner(idleStrategyFor(server), errorHandler, (AtomicCounter)null,
                server);
            runners.add(runner);
            AgentRunner.startOnThread(runner, r -> OffloadRuntime.newThread(r, server.roleName()));
            startedSoFar.push(() ->
            {
                server.expectStop();
                runner.close();
            });
        }
    }

    /**
     * Wait until every server has started and pinned itself (or not).
     *
     * @throws IllegalStateException if one did not start, or could not be pinned under strict pinning.
     */
    void awaitPinned()
    {
        for (final SyscallServer server : servers)
        {
            final boolean pinned;
            try
            {
                pinned = server.started().get(10, TimeUnit.SECONDS);
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(server.roleName() + " did not start: " + ex, ex);
            }
            if (!pinned && server.requestedCpu() >= 0 && config.strictPinning())
            {
                throw new IllegalStateException(server.roleName() + " could not be pinned to cpu " +
                    server.requestedCpu() + " and strict pinning is on (" + Configuration.STRICT_PINNING_PROP + ")");
            }
        }
    }

    /** @return whether every running server's ring is empty. */
    boolean ringsEmpty()
    {
        for (final SyscallServer server : servers)
        {
            if (!server.ring().isEmpty() && server.isRunning())
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Stop every server (each settles what it holds) and join its thread, each within the deadline or at least a
     * second ({@link ServerShutdown}); a server still inside a system call then is left running and named.
     *
     * @param deadlineNanos {@link System#nanoTime()} to give up at.
     * @param stuck         receives the role names of the servers that did not stop.
     * @param failure       the close's failure so far, or null.
     * @return it, with this step's failures added.
     */
    RuntimeException stop(final long deadlineNanos, final List<String> stuck, final RuntimeException failure)
    {
        final List<RuntimeException> failures = new ArrayList<>();
        stuck.addAll(ServerShutdown.stop(runners, deadlineNanos, failures));
        RuntimeException result = failure;
        for (final RuntimeException ex : failures)
        {
            if (result == null)
            {
                result = ex;
            }
            else
            {
                result.addSuppressed(ex);
            }
        }
        return result;
    }

    /** Forget each server's phase histograms. */
    void resetPhases()
    {
        for (final SyscallServer server : servers)
        {
            server.port().phases().reset();
        }
    }

    /**
     * @param closed whether the runtime has closed (its rings are gone).
     * @return a snapshot of each server.
     */
    List<ServerStats> stats(final boolean closed)
    {
        final List<ServerStats> list = new ArrayList<>(servers.size());
        for (final SyscallServer s : servers)
        {
            final ServerCounters c = s.counters();
            list.add(new ServerStats(
                s.roleName(), s.syscallClass(), s.index(), s.requestedCpu(), s.isPinned(),
                (int)c.lvCounter(ServerCountersDescriptor.CURRENT_CPU),
                c.lvCounter(ServerCountersDescriptor.PICKED_UP),
                c.lvCounter(ServerCountersDescriptor.COMPLETED),
                c.lvCounter(ServerCountersDescriptor.FAILED),
                c.lvCounter(ServerCountersDescriptor.CANCELLED),
                c.lvCounter(ServerCountersDescriptor.BATCHES),
                c.lvCounter(ServerCountersDescriptor.MAX_BATCH),
                c.lvCounter(ServerCountersDescriptor.IDLE_CYCLES),
                c.lvCounter(ServerCountersDescriptor.ERRORS),
                c.lvCounter(ServerCountersDescriptor.WAITING_NOW),
                closed ? 0 : s.ring().size(),
                s.isRunning(),
                s.failuresByErrno(),
                s.batchSizes(),
                s.port().phases().snapshot(),
                executorName(s),
                executorReason(s)));
        }
        return list;
    }

    /** @return the executor chosen for the runtime, and why. */
    ExecutorChoice.Selection executor()
    {
        return executor;
    }

    /**
     * @return the executor a server runs ("io_uring", "syscalls"): its own once started (an AUTO server whose ring
     *         the kernel refused runs on system calls), the runtime's choice before.
     */
    private String executorName(final SyscallServer server)
    {
        final String name = server.executorName();
        return name != null ? name : executor.executorName();
    }

    private String executorReason(final SyscallServer server)
    {
        final String name = server.executorName();
        return name == null || name.equals(executor.executorName()) ? executor.reason() :
            executor.reason() + "; but the kernel refused this server's ring, so it runs on " + name;
    }

    /** @return e.g. {@code [offload-file-0@1, offload-network-0@any]}. */
    String describe()
    {
        final StringBuilder out = new StringBuilder("[");
        for (final SyscallServer server : servers)
        {
            out.append(out.length() > 1 ? ", " : "").append(server.roleName()).append('@')
                .append(server.requestedCpu() < 0 ? "any" : Integer.toString(server.requestedCpu()));
        }
        return out.append(']').toString();
    }

    private org.agrona.concurrent.IdleStrategy idleStrategyFor(final SyscallServer server)
    {
        if (config.idleStrategy() != null)
        {
            return new AgronaIdle(config.idleStrategy().get());
        }
        return switch (config.idleStrategyName())
        {
            case "busy" -> new BusySpinIdleStrategy();
            case "yield" -> new YieldingIdleStrategy();
            case "backoff" -> new BackoffIdleStrategy(100, 10, 1_000, 100_000);
            case "sleep" -> new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(50));
            case "noop" -> new NoOpIdleStrategy();
            default -> new ServerIdleStrategy(server, config.idleSpins(server.requestedCpu() >= 0),
                config.idleYields(server.requestedCpu() >= 0)); // "reactor"
        };
    }

    /**
     * Our {@link IdleStrategy} as the Agrona agent runner wants it.
     */
    private static final class AgronaIdle implements org.agrona.concurrent.IdleStrategy
    {
        private final IdleStrategy idle;

        AgronaIdle(final IdleStrategy idle)
        {
            if (idle == null)
            {
                throw new IllegalArgumentException("the idleStrategy supplier returned null: return a new strategy");
            }
            this.idle = idle;
        }

        @Override
        public void idle(final int workCount)
        {
            idle.idle(workCount);
        }

        @Override
        public void idle()
        {
            idle.idle(0);
        }

        @Override
        public void reset()
        {
            idle.reset();
        }
    }
}
