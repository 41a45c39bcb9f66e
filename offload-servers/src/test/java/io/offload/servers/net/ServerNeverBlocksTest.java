package io.offload.servers.net;

import io.offload.api.SyscallException;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static io.offload.servers.net.NetTestSupport.awaitWaiting;
import static io.offload.servers.net.NetTestSupport.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 4: a server never blocks on something that can wait forever. While a server-side read is pending on a
 * silent connection, the NETWORK server thread is sampled ~200 times over ~1 s: it is never caught inside a
 * downcall path (CallHandlers / SyscallDispatcher) in two consecutive samples, i.e. it is not sitting in
 * recvfrom. And it is free: 1,000 getpid calls routed to that same server all complete while the read still waits.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerNeverBlocksTest
{
    private static final String SERVER_THREAD = "offload-network-0";
    private static final int SAMPLES = 200;
    private static final long SAMPLE_INTERVAL_NANOS = 5_000_000L;
    private static final String HANDLERS = "io.offload.servers.executor.CallHandlers";
    private static final String DISPATCHER = "io.offload.servers.libc.SyscallDispatcher";

    @Test
    void networkServerStaysFreeWhileAReadWaits() throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared())
        {
            final Thread server = findThread(SERVER_THREAD);
            assertNotNull(server, "no thread named " + SERVER_THREAD);

            // the stalled peer: connected, silent; the server side reads
            final MemorySegment buf = arena.allocate(64);
            final CompletableFuture<Long> read = new CompletableFuture<>();
            Thread.ofVirtual().name("pending-reader").start(() ->
            {
                try
                {
                    read.complete(pair.server().read(buf));
                }
                catch (final Throwable ex)
                {
                    read.completeExceptionally(ex);
                }
            });
            awaitWaiting(runtime, w -> w >= 1, "the read to wait in the server's wait queue");

            // phase 1: nothing else going on
            final Sampling quiet = sample(server);
            quiet.print("quiet, read pending");
            assertFalse(read.isDone(), "the read must still be pending");
            assertEquals(0, quiet.consecutiveInDowncall,
                "the server was inside CallHandlers/SyscallDispatcher in consecutive samples: blocked in a call?");

            // phase 2: the same server serves 1,000 getpid calls while the read still waits
            final int pid = (int)ProcessHandle.current().pid();
            final AtomicInteger right = new AtomicInteger();
            final long before = runtime.stats().servers().getFirst().completed();
            final CompletableFuture<Long> calls = new CompletableFuture<>();
            Thread.ofVirtual().name("getpid-caller").start(() ->
            {
                final long start = System.nanoTime();
                for (int i = 0; i < 1_000; i++)
                {
                    if (runtime.raw().getpid() == pid) // the raw call: getpid() declares SyscallException
                    {
                        right.incrementAndGet();
                    }
                    if ((i & 3) == 0)
                    {
                        LockSupport.parkNanos(500_000L); // spread them over the sampling window
                    }
                }
                calls.complete(System.nanoTime() - start);
            });
            final Sampling busy = sample(server);
            final long callsNanos = calls.get(60, TimeUnit.SECONDS);
            busy.print("getpid calls meanwhile, read pending");
            System.out.printf("ServerNeverBlocksTest: 1,000 getpid calls through %s took %d ms while the read " +
                "waited%n", SERVER_THREAD, TimeUnit.NANOSECONDS.toMillis(callsNanos));
            assertEquals(1_000, right.get(), "getpid calls answered with this process's pid");
            assertTrue(runtime.stats().servers().getFirst().completed() - before >= 1_000,
                "the NETWORK server ran the getpid calls\n" + runtime.stats().toTable());
            assertFalse(read.isDone(), "the read must still be pending after the getpid calls");
            assertTrue(waiting(runtime) >= 1, "the read is still in the wait queue\n" + runtime.stats().toTable());
            // getpid runs through SyscallDispatcher legitimately now; the socket path (CallHandlers) must not stick
            assertEquals(0, busy.consecutiveInHandlers,
                "the server was inside CallHandlers in consecutive samples: blocked on the socket?");

            // the peer speaks at last: the pending read gets it
            pair.peerWrite("wake".getBytes(StandardCharsets.US_ASCII));
            assertEquals(4L, read.get(30, TimeUnit.SECONDS));
            assertEquals("wake", buf.getString(0, StandardCharsets.US_ASCII).substring(0, 4));
            awaitWaiting(runtime, w -> w == 0, "the wait queue to empty");
        }
        catch (final SyscallException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static Thread findThread(final String name)
    {
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (name.equals(t.getName()))
            {
                return t;
            }
        }
        return null;
    }

    private static Sampling sample(final Thread server)
    {
        final Sampling s = new Sampling();
        boolean previousInDowncall = false;
        boolean previousInHandlers = false;
        final long start = System.nanoTime();
        for (int i = 0; i < SAMPLES; i++)
        {
            final StackTraceElement[] stack = Thread.getAllStackTraces().get(server);
            assertNotNull(stack, SERVER_THREAD + " has gone");
            boolean inHandlers = false;
            boolean inDispatcher = false;
            for (final StackTraceElement frame : stack)
            {
                inHandlers |= HANDLERS.equals(frame.getClassName());
                inDispatcher |= DISPATCHER.equals(frame.getClassName());
            }
            final boolean inDowncall = inHandlers || inDispatcher;
            if (inDowncall && previousInDowncall)
            {
                s.consecutiveInDowncall++;
            }
            if (inHandlers && previousInHandlers)
            {
                s.consecutiveInHandlers++;
            }
            s.inDowncall += inDowncall ? 1 : 0;
            s.inHandlers += inHandlers ? 1 : 0;
            previousInDowncall = inDowncall;
            previousInHandlers = inHandlers;
            s.top.merge(topFrames(stack), 1, Integer::sum);
            s.samples++;
            LockSupport.parkNanos(SAMPLE_INTERVAL_NANOS);
        }
        s.nanos = System.nanoTime() - start;
        return s;
    }

    /**
     * @return where the thread is: "native downcall" if it is in one, then its innermost three frames of the
     *         library, e.g. "native downcall < Epoll.wait < Reactor.poll < SyscallServer.sleep".
     */
    private static String topFrames(final StackTraceElement[] stack)
    {
        if (stack.length == 0)
        {
            return "(no frames)";
        }
        final List<String> frames = new ArrayList<>();
        int firstOwn = stack.length;
        for (int i = 0; i < stack.length; i++)
        {
            if (stack[i].getClassName().startsWith("io.offload."))
            {
                firstOwn = i;
                break;
            }
        }
        boolean downcall = false;
        for (int i = 0; i < firstOwn; i++)
        {
            downcall |= stack[i].getClassName().contains("DowncallStub");
        }
        frames.add(downcall ? "native downcall" : shortName(stack[0]));
        for (int i = firstOwn; i < stack.length && frames.size() < 4; i++)
        {
            if (stack[i].getClassName().startsWith("io.offload."))
            {
                frames.add(shortName(stack[i]));
            }
        }
        return String.join(" < ", frames);
    }

    private static String shortName(final StackTraceElement frame)
    {
        final String cls = frame.getClassName();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + frame.getMethodName();
    }

    private static final class Sampling
    {
        final Map<String, Integer> top = new TreeMap<>();
        int samples;
        int inDowncall;
        int inHandlers;
        int consecutiveInDowncall;
        int consecutiveInHandlers;
        long nanos;

        void print(final String phase)
        {
            System.out.printf("ServerNeverBlocksTest [%s]: %d samples of %s over %d ms; in CallHandlers/" +
                "SyscallDispatcher %d (consecutive %d), in CallHandlers %d (consecutive %d); top frames:%n",
                phase, samples, SERVER_THREAD, TimeUnit.NANOSECONDS.toMillis(nanos), inDowncall,
                consecutiveInDowncall, inHandlers, consecutiveInHandlers);
            top.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .forEach(e -> System.out.printf("  %5d  %s%n", e.getValue(), e.getKey()));
        }
    }
}
