package io.offload.servers.agent;

import io.offload.api.Errno;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;

import static io.offload.servers.agent.ServerCountersDescriptor.BATCHES;
import static io.offload.servers.agent.ServerCountersDescriptor.COMPLETED;
import static io.offload.servers.agent.ServerCountersDescriptor.FAILED;
import static io.offload.servers.agent.ServerCountersDescriptor.MAX_BATCH;
import static io.offload.servers.agent.ServerCountersDescriptor.WAITING_NOW;

/**
 * What a server counts beyond its {@link ServerCounters}: failures by errno and drains by size, and the
 * counters it updates per drain and per call. One writer, the server thread (ordered stores, no atomics);
 * readers on any thread.
 */
final class ServerTallies
{
    private final ServerCounters counters;
    private final AtomicLongArray failuresByErrno = new AtomicLongArray(Errno.MAX_ERRNO + 1);
    private final AtomicLongArray batchSizes = new AtomicLongArray(SyscallServer.BATCH_BUCKETS);
    private int lastInFlight;

    ServerTallies(final ServerCounters counters)
    {
        this.counters = counters;
    }

    /**
     * @param taken entries in one drain, at least 1.
     */
    void batch(final int taken)
    {
        counters.add(BATCHES, 1);
        counters.max(MAX_BATCH, taken);
        final int bucket = Math.min(SyscallServer.BATCH_BUCKETS - 1, 31 - Integer.numberOfLeadingZeros(taken));
        batchSizes.lazySet(bucket, batchSizes.get(bucket) + 1); // single writer
    }

    /**
     * @param result a finished call's result or -errno.
     */
    void result(final long result)
    {
        if (result < 0)
        {
            counters.add(FAILED, 1);
            final int errno = (int)Math.min(Errno.MAX_ERRNO, -result);
            failuresByErrno.lazySet(errno, failuresByErrno.get(errno) + 1); // single writer
        }
        else
        {
            counters.add(COMPLETED, 1);
        }
    }

    /**
     * @param held calls the executor holds now; written to the counters only when it changes.
     */
    void inFlight(final int held)
    {
        if (held != lastInFlight)
        {
            lastInFlight = held;
            counters.soCounter(WAITING_NOW, held);
        }
    }

    Map<String, Long> failuresByErrno()
    {
        final Map<String, Long> out = new TreeMap<>();
        for (int errno = 1; errno < failuresByErrno.length(); errno++)
        {
            final long count = failuresByErrno.get(errno);
            if (count > 0)
            {
                out.put(Errno.name(errno), count);
            }
        }
        return out;
    }

    List<Long> batchSizes()
    {
        final List<Long> out = new ArrayList<>(SyscallServer.BATCH_BUCKETS);
        for (int i = 0; i < SyscallServer.BATCH_BUCKETS; i++)
        {
            out.add(batchSizes.get(i));
        }
        return out;
    }
}
