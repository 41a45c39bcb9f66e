package io.offload.examples.top;

import io.offload.api.LinuxConstants;
import io.offload.api.PhaseRecording;
import io.offload.api.RawSyscalls;
import io.offload.api.StatxDescriptor;
import io.offload.api.SyscallClass;
import io.offload.examples.CommandLine;
import io.offload.servers.OffloadRuntime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * Something for offload-top to watch: a runtime with one unpinned FILE server (PROCESS routed to it) and a thread
 * making calls in bursts: getpid, 4 KiB preads, statx, open and close, and one pread on a closed fd per burst so
 * that the failures column has something in it. The bursts pause a millisecond, so the demo leaves a 2-core
 * machine some room. Run it in one terminal ({@code top-demo}) and {@code top PID} in another, or {@code top --self
 * --demo} for both in one JVM. It stops at end of input (a line, or Ctrl-D), after {@code --seconds}, or when
 * killed.
 */
public final class TopDemo implements AutoCloseable
{
    /** The line the main prints once the runtime is running and calls are being made (tests wait for it). */
    public static final String READY = "offload-top demo running";

    private static final String USAGE = """
        usage: top-demo [--record off|all|1/N] [--seconds N]
          --record R   the demo runtime's phase recording: off, all or 1/N (default 1/64)
          --seconds N  stop after N seconds (default: at end of input, a line or Ctrl-D)
        """;

    private static final int FILE_SIZE = 64 * 4096;
    private static final int BAD_FD = 999_999;

    private final OffloadRuntime runtime;
    private final Arena arena;
    private final Path dir;
    private final Path file;
    private final Thread load;
    private final CountDownLatch firstBurst = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Throwable failure;

    private TopDemo(final PhaseRecording recording) throws IOException
    {
        dir = Files.createTempDirectory("offload-top-demo-");
        file = dir.resolve("data");
        final byte[] bytes = new byte[FILE_SIZE];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)i;
        }
        Files.write(file, bytes);
        arena = Arena.ofShared();
        runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).phaseRecording(recording).build();
        load = new Thread(this::makeCalls, "offload-top-demo-load");
        load.setDaemon(true);
        load.start();
    }

    /**
     * Start the runtime and the calls.
     *
     * @param recording the runtime's phase recording.
     * @return the running demo; close it to stop.
     */
    public static TopDemo start(final PhaseRecording recording)
    {
        try
        {
            return new TopDemo(recording);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("the offload-top demo could not write its temp file", ex);
        }
    }

    /**
     * @return the demo's runtime.
     */
    public OffloadRuntime runtime()
    {
        return runtime;
    }

    private void makeCalls()
    {
        try
        {
            final RawSyscalls sys = runtime.raw();
            final MemorySegment path = arena.allocateFrom(file.toString());
            final MemorySegment buf = arena.allocate(4096, 4096);
            final MemorySegment statx = arena.allocate(StatxDescriptor.LENGTH, 64);
            final int fd = (int)check("open " + file, sys.openat(LinuxConstants.AT_FDCWD, path,
                LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC, 0));
            long offset = 0;
            while (running)
            {
                for (int i = 0; i < 200; i++)
                {
                    check("getpid", sys.getpid());
                }
                for (int i = 0; i < 50; i++)
                {
                    check("pread", sys.pread(fd, buf, offset));
                    offset = (offset + 4096) % FILE_SIZE;
                }
                for (int i = 0; i < 10; i++)
                {
                    check("statx", sys.statx(LinuxConstants.AT_FDCWD, path, 0, LinuxConstants.STATX_BASIC_STATS,
                        statx));
                }
                for (int i = 0; i < 2; i++)
                {
                    check("close", sys.close((int)check("openat", sys.openat(LinuxConstants.AT_FDCWD, path,
                        LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC, 0))));
                }
                sys.pread(BAD_FD, buf, 0); // fails with EBADF, on purpose
                firstBurst.countDown();
                LockSupport.parkNanos(1_000_000L);
            }
            sys.close(fd);
        }
        catch (final RuntimeException ex)
        {
            if (running)
            {
                failure = ex;
            }
        }
        finally
        {
            firstBurst.countDown();
        }
    }

    /**
     * Wait until one burst of every call has completed (or the calls stopped), so a watcher sees every row.
     *
     * @throws InterruptedException if interrupted.
     */
    public void awaitFirstBurst() throws InterruptedException
    {
        firstBurst.await();
    }

    private static long check(final String what, final long result)
    {
        if (result < 0)
        {
            throw new IllegalStateException("offload-top demo: " + what + " failed with errno " + -result);
        }
        return result;
    }

    /**
     * @return what stopped the calls, or null while they run.
     */
    public Throwable failure()
    {
        return failure;
    }

    /**
     * Stop the calls, close the runtime, delete the temp file.
     */
    @Override
    public void close()
    {
        running = false;
        try
        {
            load.join(10_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        runtime.close();
        if (!load.isAlive())
        {
            arena.close(); // only once the load thread can no longer touch its buffers
        }
        try
        {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
        catch (final IOException ignored)
        {
            // a temp file left behind is not worth failing the close for
        }
    }

    /**
     * What to run.
     *
     * @param recording the runtime's phase recording.
     * @param seconds   how long to run, or 0 until end of input.
     */
    record Options(PhaseRecording recording, long seconds)
    {
        static Options parse(final String... args)
        {
            PhaseRecording recording = PhaseRecording.sampled(64);
            long seconds = 0;
            final CommandLine in = new CommandLine(USAGE, args);
            while (in.next())
            {
                switch (in.option())
                {
                    case "--record" -> recording = PhaseRecording.parse(in.value());
                    case "--seconds" -> seconds = in.wholeNumber(0, Long.MAX_VALUE / 1_000_000_000L);
                    case "-h", "--help" -> throw new CommandLine.HelpRequested();
                    default -> throw in.unknown();
                }
            }
            return new Options(recording, seconds);
        }
    }

    /**
     * @param args {@code [--record off|all|1/N] [--seconds N]}; recording defaults to 1/64.
     * @throws IOException if stdin cannot be read.
     */
    public static void main(final String[] args) throws IOException
    {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null)
        {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        final Options options = CommandLine.parseOrExit(USAGE, args, Options::parse);
        if (options == null)
        {
            return;
        }
        final PhaseRecording recording = options.recording();
        final long seconds = options.seconds();
        try (TopDemo demo = start(recording))
        {
            try
            {
                demo.awaitFirstBurst();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
            final long pid = ProcessHandle.current().pid();
            System.out.println(READY + ": pid " + pid + ", phase recording " + recording + "; watch it with " +
                "'java -jar offload-examples/target/offload-examples.jar top " + pid + "'; press Enter or Ctrl-D " +
                "to stop");
            System.out.flush();
            if (seconds > 0)
            {
                final long nanos = seconds * 1_000_000_000L;
                final Thread stopper = new Thread(() ->
                {
                    LockSupport.parkNanos(nanos);
                    System.exit(0);
                }, "offload-top-demo-timer");
                stopper.setDaemon(true);
                stopper.start();
            }
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            in.readLine(); // a line or end of input; a parent process that dies closes the pipe
            if (demo.failure() != null)
            {
                System.err.println("the demo's calls stopped: " + demo.failure());
            }
        }
    }
}
