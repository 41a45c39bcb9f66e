package io.offload.examples.top;

import io.offload.api.PhaseRecording;
import io.offload.api.SyscallClass;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * offload-top's text frames: against this JVM's runtimes with {@code --self}, and through the Attach API against a
 * child JVM running {@link TopDemo}. No timing is asserted: the machine may have two busy cores.
 */
class OffloadTopTest
{
    /** A server row: name, class, cpu, now, picked/s, completed, failed, waiting, depth, failures. */
    private static final Pattern SERVER_ROW = Pattern.compile(
        "^offload-file-0\\s+FILE\\s+any\\s+-?\\d+\\s+(-|\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*(.*)$",
        Pattern.MULTILINE);

    /** Output and exit status of one run. */
    private record Result(int status, String out, String err)
    {
    }

    private static Result top(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = OffloadTop.run(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), args);
        final Result result = new Result(status, out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8));
        System.out.print(result.out());
        System.out.print(result.err());
        return result;
    }

    private static OffloadRuntime runtime(final PhaseRecording recording)
    {
        return OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).phaseRecording(recording).build();
    }

    /** The first server row at or after {@code from}. */
    private static Matcher serverRow(final String frame, final int from)
    {
        final Matcher m = SERVER_ROW.matcher(frame);
        assertTrue(m.find(from), "a row for offload-file-0 in\n" + frame);
        return m;
    }

    @Test
    void onceWithSelfPrintsServerAndSyscallRows() throws Exception
    {
        try (OffloadRuntime runtime = runtime(PhaseRecording.ALL); Arena arena = Arena.ofShared())
        {
            for (int i = 0; i < 500; i++)
            {
                runtime.raw().getpid();
            }
            final MemorySegment buf = arena.allocate(8);
            for (int i = 0; i < 5; i++)
            {
                runtime.raw().pread(999_999, buf, 0);
            }
            final Result r = top("--self", "--once");
            assertEquals(0, r.status(), r.err());
            final String frame = r.out();
            assertFalse(frame.contains("\033"), "--once prints no ANSI codes");
            assertTrue(frame.startsWith("offload-top: this JVM (pid " + ProcessHandle.current().pid() + ")"), frame);
            final Matcher row = serverRow(frame, frame.lastIndexOf("\nruntime ")); // runtimes by id: ours last
            assertEquals("-", row.group(1), "no rate in the first frame");
            assertEquals(500, Long.parseLong(row.group(2)), "completed");
            assertEquals(5, Long.parseLong(row.group(3)), "failed");
            assertEquals("0", row.group(4), "waiting");
            assertEquals("EBADF=5", row.group(6).strip(), "failures by errno");
            final Matcher getpid = Pattern.compile("^getpid\\s+500(\\s+\\S+){8}\\s*$", Pattern.MULTILINE)
                .matcher(frame);
            assertTrue(getpid.find(), "a getpid row: 500 calls, five phases, total p50 and p99, direct\n" + frame);
            assertTrue(Pattern.compile("^pread\\s+5\\s", Pattern.MULTILINE).matcher(frame).find(), frame);
            assertTrue(frame.contains("ENTER") && frame.contains("FLYOUT") && frame.contains("TOTAL p99"), frame);
            assertTrue(frame.contains("phase recording all"), frame);
        }
    }

    @Test
    void saysHowToTurnRecordingOnWhileItIsOff()
    {
        try (OffloadRuntime runtime = runtime(PhaseRecording.OFF))
        {
            runtime.raw().getpid();
            final Result r = top("--self", "--once");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains(TopScreen.RECORDING_OFF), r.out());
        }
    }

    @Test
    void recordOptionSwitchesTheRuntimesRecording()
    {
        try (OffloadRuntime runtime = runtime(PhaseRecording.OFF))
        {
            final Result r = top("--self", "--once", "--record", "1/8", "--interval", "20");
            assertEquals(0, r.status(), r.err());
            assertEquals(PhaseRecording.sampled(8), runtime.phaseRecording());
            assertTrue(r.out().contains("phase recording set to 1/8"), r.out());
        }
    }

    @Test
    void laterFramesShowARate() throws Exception
    {
        try (OffloadRuntime runtime = runtime(PhaseRecording.OFF))
        {
            final Thread load = Thread.ofPlatform().daemon().start(() ->
            {
                while (!Thread.currentThread().isInterrupted() && !runtime.isClosed())
                {
                    runtime.raw().getpid();
                }
            });
            try
            {
                final Result r = top("--self", "--count", "2", "--plain", "--interval", "300");
                assertEquals(0, r.status(), r.err());
                final String second = r.out().substring(r.out().lastIndexOf("offload-top: "));
                final Matcher row = serverRow(second, second.lastIndexOf("\nruntime "));
                assertTrue(row.group(1).matches("\\d+"), "a rate in the second frame: " + row.group());
            }
            finally
            {
                load.interrupt();
                load.join();
            }
        }
    }

    @Test
    void badArgumentsExitWithTwoAndSayWhy()
    {
        final Result none = top();
        assertEquals(2, none.status());
        assertTrue(none.err().contains("say which JVM"), none.err());
        final Result interval = top("--self", "--interval", "0");
        assertEquals(2, interval.status());
        assertTrue(interval.err().contains("--interval must be >= 1"), interval.err());
        final Result record = top("--self", "--record", "sometimes");
        assertEquals(2, record.status());
        assertTrue(record.err().contains("off, all or 1/N"), record.err());
        final Result unknown = top("--frobnicate");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown option '--frobnicate'"), unknown.err());
        assertEquals(0, top("--help").status());
    }

    @Test
    void attachesToAChildJvmByPid() throws Exception
    {
        final String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            // the flags the build gives test JVMs (native access, exports for Agrona...), and no agents or debuggers
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") ||
                arg.startsWith("--sun-misc-unsafe-memory-access"))
            {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", classpath, TopDemo.class.getName(), "--record", "all", "--seconds", "300"));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        final Process child = builder.start();
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread drain = Thread.ofPlatform().daemon().start(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
            {
                for (String line = in.readLine(); line != null; line = in.readLine())
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignored)
            {
                // the child went away
            }
        });
        try
        {
            final List<String> seen = new ArrayList<>();
            String ready = null;
            while (ready == null)
            {
                final String line = lines.poll(120, TimeUnit.SECONDS); // a bound for a hung child, not a timing check
                assertNotNull(line, "the child JVM said nothing for 2 minutes; so far: " + seen);
                seen.add(line);
                if (line.startsWith(TopDemo.READY))
                {
                    ready = line;
                }
            }
            final String pid = Long.toString(child.pid());
            assertTrue(ready.contains("pid " + pid), ready);

            final Result r = top(pid, "--once");
            if (r.status() != 0 && r.err().startsWith("cannot attach to pid"))
            {
                Assumptions.abort("the Attach API cannot reach a child JVM here: " + r.err().strip());
            }
            assertEquals(0, r.status(), r.err());
            final String frame = r.out();
            assertTrue(frame.startsWith("offload-top: pid " + pid), frame);
            assertTrue(frame.contains("TopDemo"), "the header names the main class\n" + frame);
            final Matcher row = serverRow(frame, 0);
            assertTrue(Long.parseLong(row.group(2)) > 0, "the child's server has completed calls\n" + frame);
            assertTrue(row.group(6).contains("EBADF="), "the demo's failed preads\n" + frame);
            for (final String syscall : List.of("getpid", "pread", "statx", "openat", "close"))
            {
                assertTrue(Pattern.compile("^" + syscall + "\\s+\\d+\\s", Pattern.MULTILINE).matcher(frame).find(),
                    "a row for " + syscall + "\n" + frame);
            }

            final Result list = top("--list");
            assertEquals(0, list.status(), list.err());
            assertTrue(Pattern.compile("^\\s*" + pid + "\\s+.*TopDemo", Pattern.MULTILINE).matcher(list.out()).find(),
                "--list shows the child\n" + list.out());
        }
        finally
        {
            child.getOutputStream().close(); // end of input: the demo stops
            if (!child.waitFor(30, TimeUnit.SECONDS))
            {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
            drain.join(10_000);
        }
    }
}
