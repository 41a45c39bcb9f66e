package io.offload.servers;

import io.offload.api.CallStats;
import io.offload.api.LinuxConstants;
import io.offload.api.Phase;
import io.offload.api.PhaseRecording;
import io.offload.api.RuntimeStats;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.servers.call.AdaptiveTuner;
import io.offload.servers.routing.InlineRule;
import io.offload.servers.routing.RouteTable;
import io.offload.servers.stats.PhaseRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Route tables and adaptive routing: cheap calls go INLINE, heavy ones stay offloaded, with hysteresis.
 */
class AdaptiveRoutingTest
{
    @Test
    void ruleHasHysteresis()
    {
        final InlineRule rule = new InlineRule(0.25);
        assertTrue(rule.inline(false, 100, 500), "far below the hand-off: inline");
        assertFalse(rule.inline(false, 2_000, 500), "far above: offloaded");
        assertFalse(rule.inline(false, 450, 500), "just below the line: stays offloaded");
        assertTrue(rule.inline(true, 550, 500), "just above the line: stays inline");
        assertFalse(rule.inline(true, 700, 500), "clearly above: back to offloaded");
        assertThrows(IllegalArgumentException.class, () -> new InlineRule(1.5));
    }

    @Test
    void aCallWhoseCostChangesIsDecidedAgainWithinOneWindow()
    {
        final int op = Syscall.PREAD.op();
        final boolean[] offloadable = new boolean[Syscall.count()];
        offloadable[op] = true;
        final PhaseRecorder recorder = new PhaseRecorder(PhaseRecording.ALL);
        try (AdaptiveTuner tuner = new AdaptiveTuner(recorder, InlineRule.DEFAULT, 8, 200, 1, TimeUnit.HOURS,
            offloadable, new boolean[Syscall.count()]))
        {
            // a cheap phase (a page-cache hit: 300 ns inline against a 900 ns hand-off), 10,000 calls of it
            record(recorder, op, 10_000, 300, 1_000, 100);
            tuner.tune();
            assertTrue(tuner.isInline(Syscall.PREAD), "cheap: INLINE");

            // then the cache goes cold: 20 us inline. 300 calls move the decision, not another 10,000
            record(recorder, op, 300, 20_000, 21_000, 20_100);
            tuner.tune();
            assertFalse(tuner.isInline(Syscall.PREAD), "expensive now: offloaded again");

            // too few calls since that decision: no new one, whatever they say
            record(recorder, op, 50, 300, 1_000, 100);
            tuner.tune();
            assertFalse(tuner.isInline(Syscall.PREAD), "50 calls are not a window of 200");
        }
    }

    private static void record(final PhaseRecorder recorder, final int op, final int calls, final long direct,
        final long total, final long handle)
    {
        for (int i = 0; i < calls; i++)
        {
            recorder.recordDirect(op, direct);
            recorder.offloaded(op).recordPhase(Phase.TOTAL, total);
            recorder.offloaded(op).recordPhase(Phase.HANDLE, handle);
        }
    }

    @Test
    void papersRouteTableRunsIdentityCallsAndOpenCloseInline() throws Exception
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .routeTable(RouteTable.papers()).offload(Syscall.SCHED_GETCPU).build())
        {
            assertNull(runtime.routeOf(Syscall.GETPID));
            assertNull(runtime.routeOf(Syscall.OPENAT));
            assertNull(runtime.routeOf(Syscall.CLOSE));
            assertEquals(SyscallClass.FILE, runtime.routeOf(Syscall.PREAD));
            assertEquals(SyscallClass.FILE, runtime.routeOf(Syscall.SCHED_GETCPU), "offload() overrides the table");
            assertEquals(DirectSyscalls.syscalls().gettid(), runtime.syscalls().gettid(), "gettid ran on the caller");
            final int fd = runtime.syscalls().open("/dev/null", LinuxConstants.O_RDONLY, 0);
            runtime.syscalls().close(fd);
            assertEquals(2, runtime.stats().inlineCalls() - 1, "open and close ran inline (plus gettid)");
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void getpidGoesInlineWhilePreadFollowsTheRule() throws Exception
    {
        final Path file = Files.createTempFile("offload-adaptive", ".bin");
        Files.write(file, new byte[1 << 20]);
        try (OffloadRuntime runtime = OffloadRuntime.builder().servers(SyscallClass.FILE, 1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).idleStrategy("busy")
            .adaptive(true, InlineRule.DEFAULT, 8, 200, Duration.ofMillis(50)).build();
            Arena arena = Arena.ofConfined())
        {
            final int fd = runtime.syscalls().open(file.toString(), LinuxConstants.O_RDONLY, 0);
            final MemorySegment buf = arena.allocate(4096);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long offset = 0;
            while (runtime.routeOf(Syscall.GETPID) != null && System.nanoTime() < deadline)
            {
                for (int i = 0; i < 1_000; i++)
                {
                    runtime.raw().getpid();
                    runtime.raw().pread(fd, buf, offset);
                    offset = (offset + 4096) & ((1 << 20) - 1);
                }
            }
            final RuntimeStats stats = runtime.stats();
            final CallStats getpid = find(stats, Syscall.GETPID);
            final CallStats pread = find(stats, Syscall.PREAD);
            System.out.printf("getpid: direct p50 %d ns, hand-off p50 %d ns -> %s%n", getpid.direct().p50(),
                handoff(getpid), runtime.routeOf(Syscall.GETPID) == null ? "INLINE" : "offloaded");
            System.out.printf("pread 4K: direct p50 %d ns, hand-off p50 %d ns -> %s%n", pread.direct().p50(),
                handoff(pread), runtime.routeOf(Syscall.PREAD) == null ? "INLINE" : "offloaded");
            assertNull(runtime.routeOf(Syscall.GETPID), "getpid costs less than its hand-off: INLINE");
            // pread's route must be what the rule says for the figures measured on this machine
            final boolean preadInline = runtime.routeOf(Syscall.PREAD) == null;
            final double direct = pread.direct().p50();
            final double hand = handoff(pread);
            if (direct > hand * 1.25)
            {
                assertFalse(preadInline, "pread costs more than its hand-off: stays offloaded");
            }
            else if (direct < hand * 0.75)
            {
                assertTrue(preadInline, "pread costs less than its hand-off here: INLINE");
            }
            assertNotEquals(0, pread.phase(Phase.TOTAL).count(), "probes keep measuring the offloaded side");
            runtime.syscalls().close(fd);
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }

    private static long handoff(final CallStats c)
    {
        return c.phase(Phase.TOTAL).p50() - c.phase(Phase.HANDLE).p50();
    }

    private static CallStats find(final RuntimeStats stats, final Syscall syscall)
    {
        return stats.calls().stream().filter(c -> c.syscall() == syscall).findFirst().orElseThrow();
    }
}
