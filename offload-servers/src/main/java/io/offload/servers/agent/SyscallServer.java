package io.offload.servers.agent;

import io.offload.api.Errno;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.rings.EntryPool;
import io.offload.rings.HandleConsumer;
import io.offload.rings.MpscHandleRing;
import io.offload.rings.SyscallEntryDescriptor;
import io.offload.servers.libc.CpuAffinity;
import io.offload.servers.libc.LibC;
import io.offload.servers.libc.SyscallDispatcher;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;

import static io.offload.rings.SyscallEntryDescriptor.ARG0_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.FLAGS_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.FLAG_RECORD_PHASES;
import static io.offload.rings.SyscallEntryDescriptor.OP_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_RUNNING;
import static io.offload.rings.SyscallEntryDescriptor.STATUS_SUBMITTED;
import static io.offload.rings.SyscallEntryDescriptor.T_HANDLED_OFFSET;
import static io.offload.rings.SyscallEntryDescriptor.T_PICKED_OFFSET;
import static io.offload.servers.agent.ServerCountersDescriptor.BATCHES;
import static io.offload.servers.agent.ServerCountersDescriptor.CANCELLED;
import static io.offload.servers.agent.ServerCountersDescriptor.COMPLETED;
import static io.offload.servers.agent.ServerCountersDescriptor.CURRENT_CPU;
import static io.offload.servers.agent.ServerCountersDescriptor.ERRORS;
import static io.offload.servers.agent.ServerCountersDescriptor.FAILED;
import static io.offload.servers.agent.ServerCountersDescriptor.IDLE_CYCLES;
import static io.offload.servers.agent.ServerCountersDescriptor.MAX_BATCH;
import static io.offload.servers.agent.ServerCountersDescriptor.PICKED_UP;

/**
 * One pinned server: drains its MPSC ring in batches, runs each call through FFM, writes the result into the
 * entry, publishes DONE and wakes the waiter. Runs under an Agrona {@code AgentRunner}; pins itself in
 * {@link #onStart()} because {@code sched_setaffinity(0, ...)} acts on the calling thread.
 */
public final class SyscallServer implements Agent, HandleConsumer
{
    private static final Logger LOG = LoggerFactory.getLogger(SyscallServer.class);
    private static final int CPU_SAMPLE_MASK = 1023;

    private final String roleName;
    private final SyscallClass syscallClass;
    private final int index;
    private final int requestedCpu;
    private final EntryTable entries;
    private final EntryPool pool;
    private final MpscHandleRing ring;
    private final Completer.Port completions;
    private final int batchLimit;
    private final ServerCounters counters;
    private final ErrorHandler errorHandler;
    private final CompletableFuture<Boolean> started = new CompletableFuture<>();

    private Arena arena;
    private MemorySegment capture;
    private long dutyCycles;
    private volatile boolean pinned;
    private volatile boolean running;

    /**
     * @param syscallClass class served.
     * @param index        index within the class.
     * @param requestedCpu CPU to pin to, or -1 for unpinned.
     * @param entries      the runtime's entries.
     * @param ring         this server's submission ring.
     * @param completions  where async entries go once DONE.
     * @param batchLimit   most entries per drain.
     * @param counters     this server's counters.
     * @param errorHandler where exceptions go.
     */
    public SyscallServer(
        final SyscallClass syscallClass,
        final int index,
        final int requestedCpu,
        final EntryTable entries,
        final MpscHandleRing ring,
        final Completer.Port completions,
        final int batchLimit,
        final ServerCounters counters,
        final ErrorHandler errorHandler)
    {
        this.roleName = "offload-" + syscallClass.name().toLowerCase(java.util.Locale.ROOT) + "-" + index;
        this.syscallClass = syscallClass;
        this.index = index;
        this.requestedCpu = requestedCpu;
        this.entries = entries;
        this.pool = entries.pool();
        this.ring = ring;
        this.completions = completions;
        this.batchLimit = batchLimit;
        this.counters = counters;
        this.errorHandler = errorHandler;
    }

    @Override
    public void onStart()
    {
        arena = Arena.ofConfined();
        capture = LibC.allocateCaptureState(arena);
        if (requestedCpu >= 0)
        {
            try
            {
                CpuAffinity.pinCurrentThread(requestedCpu);
                pinned = true;
            }
            catch (final SyscallException | RuntimeException ex)
            {
                LOG.warn("{}: could not pin to cpu {} ({}); running unpinned", roleName, requestedCpu, ex.getMessage());
            }
        }
        counters.soCounter(CURRENT_CPU, CpuAffinity.currentCpu());
        running = true;
        LOG.debug("{} started on cpu {} (requested {})", roleName, CpuAffinity.currentCpu(), requestedCpu);
        started.complete(pinned);
    }

    @Override
    public int doWork()
    {
        final int taken = ring.drain(this, batchLimit);
        if (taken > 0)
        {
            counters.add(BATCHES, 1);
            counters.max(MAX_BATCH, taken);
        }
        else
        {
            counters.add(IDLE_CYCLES, 1);
        }
        if ((++dutyCycles & CPU_SAMPLE_MASK) == 0)
        {
            counters.soCounter(CURRENT_CPU, CpuAffinity.currentCpu());
        }
        return taken;
    }

    @Override
    public void accept(final int handle)
    {
        final MemorySegment page = pool.page(handle);
        final long offset = pool.offset(handle);
        counters.add(PICKED_UP, 1);
        // CAS, not a store: a caller that gave up, or the shutdown sweep, may have completed the entry already
        if (!SyscallEntryDescriptor.casStatus(page, offset, STATUS_SUBMITTED, STATUS_RUNNING))
        {
            counters.add(CANCELLED, 1);
            return;
        }
        final boolean record = (page.get(ValueLayout.JAVA_INT, offset + FLAGS_OFFSET) & FLAG_RECORD_PHASES) != 0;
        if (record)
        {
            page.set(ValueLayout.JAVA_LONG, offset + T_PICKED_OFFSET, System.nanoTime());
        }
        long result;
        try
        {
            result = SyscallDispatcher.execute(
                capture,
                page.get(ValueLayout.JAVA_INT, offset + OP_OFFSET),
                page.get(ValueLayout.JAVA_LONG, offset + ARG0_OFFSET),
                page.get(ValueLayout.JAVA_LONG, offset + ARG0_OFFSET + 8),
                page.get(ValueLayout.JAVA_LONG, offset + ARG0_OFFSET + 16),
                page.get(ValueLayout.JAVA_LONG, offset + ARG0_OFFSET + 24),
                page.get(ValueLayout.JAVA_LONG, offset + ARG0_OFFSET + 32));
        }
        catch (final Throwable ex)
        {
            counters.add(ERRORS, 1);
            errorHandler.onError(ex);
            result = -Errno.EIO;
        }
        if (record)
        {
            page.set(ValueLayout.JAVA_LONG, offset + T_HANDLED_OFFSET, System.nanoTime());
        }
        counters.add(result < 0 ? FAILED : COMPLETED, 1);
        entries.complete(handle, result, completions);
    }

    @Override
    public void onClose()
    {
        running = false;
        if (arena != null)
        {
            arena.close();
        }
        LOG.debug("{} stopped", roleName);
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    /**
     * @return completes with whether pinning worked once the server thread has started.
     */
    public CompletableFuture<Boolean> started()
    {
        return started;
    }

    /**
     * @return the class served.
     */
    public SyscallClass syscallClass()
    {
        return syscallClass;
    }

    /**
     * @return index within the class.
     */
    public int index()
    {
        return index;
    }

    /**
     * @return the CPU asked for, or -1.
     */
    public int requestedCpu()
    {
        return requestedCpu;
    }

    /**
     * @return whether pinning worked.
     */
    public boolean isPinned()
    {
        return pinned;
    }

    /**
     * @return whether the server thread is in its duty cycle.
     */
    public boolean isRunning()
    {
        return running;
    }

    /**
     * @return the submission ring.
     */
    public MpscHandleRing ring()
    {
        return ring;
    }

    /**
     * @return the counters.
     */
    public ServerCounters counters()
    {
        return counters;
    }
}
