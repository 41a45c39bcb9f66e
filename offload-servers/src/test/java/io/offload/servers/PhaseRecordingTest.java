package io.offload.servers;

import io.offload.api.CallStats;
import io.offload.api.Errno;
import io.offload.api.Phase;
import io.offload.api.PhaseRecording;
import io.offload.api.PhaseStats;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GenerOS's five phases: recorded per call when asked, summing to the total, sampled at about the asked rate,
 * failures counted by errno.
 */
class PhaseRecordingTest
{
    private static CallStats find(final RuntimeStats stats, final Syscall syscall)
    {
        return stats.calls().stream().filter(c -> c.syscall() == syscall).findFirst().orElse(null);
    }

    @Test
    void offRecordsNothingAndAllRecordsEveryCall()
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).build())
        {
            for (int i = 0; i < 1000; i++)
            {
                runtime.raw().getpid();
            }
            assertNull(find(runtime.stats(), Syscall.GETPID), "recording is off by default");

            runtime.phaseRecording(PhaseRecording.ALL);
            for (int i = 0; i < 1000; i++)
            {
                runtime.raw().getpid();
            }
            final RuntimeStats stats = runtime.stats();
            final CallStats getpid = find(stats, Syscall.GETPID);
            assertEquals(1000, getpid.phase(Phase.TOTAL).count());
            for (final Phase phase : Phase.values())
            {
                assertEquals(1000, getpid.phase(phase).count(), phase.name());
            }
            final ServerStats server = stats.servers().get(0);
            assertEquals(1000, server.phases().get(Phase.TOTAL.ordinal()).count());
            System.out.println(stats.toMarkdown());
        }
    }

    @Test
    void phasesAddUpToTheTotal()
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).phaseRecording(PhaseRecording.ALL).build())
        {
            // one call at a time: each histogram then holds one value, and the means add up exactly
            for (int i = 0; i < 50; i++)
            {
                runtime.resetPhases();
                runtime.raw().gettid();
                final CallStats c = find(runtime.stats(), Syscall.GETTID);
                long sum = 0;
                for (final Phase phase : new Phase[]{Phase.ENTER, Phase.FLYIN, Phase.HANDLE, Phase.FLYOUT, Phase.EXIT})
                {
                    sum += (long)c.phase(phase).mean();
                }
                final long total = (long)c.phase(Phase.TOTAL).mean();
                // histograms keep two significant digits: each value within 1%, so the sum within 1% of the total
                assertTrue(Math.abs(sum - total) <= Math.max(5, total / 50),
                    "phases sum to " + sum + " ns, total " + total + " ns");
            }
        }
    }

    @Test
    void sampledRecordsAboutOneInN()
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).phaseRecording(PhaseRecording.sampled(64)).build())
        {
            final int calls = 64_000;
            for (int i = 0; i < calls; i++)
            {
                runtime.raw().getppid();
            }
            final long recorded = find(runtime.stats(), Syscall.GETPPID).phase(Phase.TOTAL).count();
            // binomial(64000, 1/64): mean 1000, sd about 31; 6 sd either side fails once in a billion runs
            assertTrue(recorded > 800 && recorded < 1200, "recorded " + recorded + " of " + calls + " at 1/64");
        }
    }

    @Test
    void failedCallsAreCountedUnderTheirErrnoAndInlineCallsRecordTheirDuration()
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .inline(Syscall.GETPID).phaseRecording(PhaseRecording.ALL).build();
            Arena arena = Arena.ofConfined())
        {
            final MemorySegment buf = arena.allocate(8);
            for (int i = 0; i < 10; i++)
            {
                assertEquals(-Errno.EBADF, runtime.raw().pread(999_999, buf, 0));
            }
            runtime.raw().getpid();
            final RuntimeStats stats = runtime.stats();
            assertEquals(10L, stats.servers().get(0).failuresByErrno().get("EBADF"));
            assertEquals(10, stats.servers().get(0).failed());
            final PhaseStats direct = find(stats, Syscall.GETPID).direct();
            assertEquals(1, direct.count());
            assertEquals(1, stats.inlineCalls());
            assertTrue(stats.toMarkdown().contains("EBADF"));
        }
    }

    @Test
    void recordingSettingsParse()
    {
        assertEquals(PhaseRecording.OFF, PhaseRecording.parse("off"));
        assertEquals(PhaseRecording.ALL, PhaseRecording.parse("ALL"));
        assertEquals(PhaseRecording.sampled(64), PhaseRecording.parse("1/64"));
        assertThrows(IllegalArgumentException.class, () -> PhaseRecording.parse("sometimes"));
        assertThrows(IllegalArgumentException.class, () -> PhaseRecording.sampled(1));
    }
}
