package io.offload.servers;

import io.offload.api.LinuxConstants;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.api.Syscalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each wake-up policy end to end: many virtual threads block reading pipes through an unpinned server (they park
 * while the read waits in the server's reactor), every read completes exactly once with the byte written for it,
 * and the server unparked them the way the policy says. Plus the property's parsing.
 */
class WakeupPolicyTest
{
    private static final int THREADS = 48;
    private static final int ROUNDS = 20;

    @ParameterizedTest
    @EnumSource(WakeupPolicy.class)
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // liveness only: a lost wake-up shows as a hang
    void virtualThreadsBlockedOnPipesEachGetEveryByteOnce(final WakeupPolicy policy) throws Exception
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1).wakeup(policy)
            .build())
        {
            final Syscalls sys = runtime.syscalls();
            final int[][] pipes = new int[THREADS][];
            for (int i = 0; i < THREADS; i++)
            {
                pipes[i] = sys.pipe2(LinuxConstants.O_NONBLOCK | LinuxConstants.O_CLOEXEC);
            }
            final Phaser rounds = new Phaser(THREADS + 1);
            final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            final List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < THREADS; i++)
            {
                final int fd = pipes[i][0];
                final int index = i;
                readers.add(Thread.ofVirtual().name("reader-" + i).start(() ->
                {
                    try (Arena arena = Arena.ofConfined())
                    {
                        final MemorySegment in = arena.allocate(8);
                        for (int r = 0; r < ROUNDS; r++)
                        {
                            rounds.arriveAndAwaitAdvance(); // read posted before the writer writes, so it waits
                            final long n = sys.read(fd, in);
                            final byte expected = (byte)(index * 31 + r);
                            if (n != 1 || in.get(ValueLayout.JAVA_BYTE, 0) != expected)
                            {
                                wrong.add("reader " + index + " round " + r + ": " + n + " byte(s), " +
                                    in.get(ValueLayout.JAVA_BYTE, 0) + " for " + expected);
                            }
                        }
                    }
                    catch (final RuntimeException | SyscallException ex)
                    {
                        wrong.add("reader " + index + ": " + ex);
                    }
                }));
            }
            try (Arena arena = Arena.ofConfined())
            {
                final MemorySegment out = arena.allocate(1);
                for (int r = 0; r < ROUNDS; r++)
                {
                    rounds.arriveAndAwaitAdvance();
                    for (int i = 0; i < THREADS; i++)
                    {
                        out.set(ValueLayout.JAVA_BYTE, 0, (byte)(i * 31 + r));
                        assertEquals(1, sys.write(pipes[i][1], out));
                    }
                }
            }
            for (final Thread reader : readers)
            {
                assertTrue(reader.join(Duration.ofSeconds(120)), reader.getName() + " never finished");
            }
            assertTrue(wrong.isEmpty(), wrong::toString);
            // each round's byte differs, so a read answered twice, or answered without taking its byte, would have
            // shown as a wrong byte in a later round
            for (int i = 0; i < THREADS; i++)
            {
                sys.close(pipes[i][0]);
                sys.close(pipes[i][1]);
            }
            final long[] counts = runtime.unparkCounts();
            switch (policy)
            {
                case COMPLETER -> assertEquals(0, counts[0], "COMPLETER never unparks on the server");
                case DIRECT_WHEN_UNPINNED, DIRECT_WHEN_POOL_FULL ->
                    assertEquals(0, counts[1], "an unpinned server unparks every virtual thread itself");
            }
            assertEquals(0, runtime.errorCount());
        }
    }

    @Test
    void thePropertyNamesAPolicyInAnyCaseAndAnythingElseFailsTheBuildSayingWhatWouldDo()
    {
        final String before = System.getProperty(Configuration.WAKEUP_PROP);
        try
        {
            System.setProperty(Configuration.WAKEUP_PROP, "completer");
            assertEquals(WakeupPolicy.COMPLETER, OffloadRuntime.builder().conclude().wakeup());
            System.setProperty(Configuration.WAKEUP_PROP, "sometimes");
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> OffloadRuntime.builder().conclude());
            assertTrue(ex.getMessage().contains(Configuration.WAKEUP_PROP) &&
                ex.getMessage().contains("DIRECT_WHEN_UNPINNED"), ex.getMessage());
            System.clearProperty(Configuration.WAKEUP_PROP);
            assertEquals(Configuration.WAKEUP_DEFAULT, OffloadRuntime.builder().conclude().wakeup());
            assertEquals(WakeupPolicy.COMPLETER,
                OffloadRuntime.builder().wakeup(WakeupPolicy.COMPLETER).conclude().wakeup());
            assertThrows(IllegalArgumentException.class, () -> OffloadRuntime.builder().wakeup(null));
        }
        finally
        {
            if (before == null)
            {
                System.clearProperty(Configuration.WAKEUP_PROP);
            }
            else
            {
                System.setProperty(Configuration.WAKEUP_PROP, before);
            }
        }
    }
}
