package io.offload.examples;

import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;
import io.offload.api.ServerStats;
import io.offload.api.StatxDescriptor;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.api.WaitStrategy;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import io.offload.servers.libc.CpuAffinity;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The guided tour: the same four system calls run directly on the caller's thread ({@link DirectSyscalls#raw()})
 * and offloaded to one pinned FILE server ({@link OffloadRuntime#raw()}), timed side by side, then the runtime's
 * own figures ({@link TourReport}). Run it from the repository root with
 * <pre>
 *   java -jar offload-examples/target/offload-examples.jar tour --samples 5000 --json tour.json
 * </pre>
 * (options: {@link TourOptions#USAGE}).
 * <p>
 * Layout: the caller (this main thread) is pinned to the first CPU this process may run on, the server to the
 * second (CPU 0 and CPU 1 on most machines). With one CPU, or where pinning fails, the tour runs unpinned and
 * says so. How it measures: each sample times {@code batch} back-to-back calls with {@link System#nanoTime()} and
 * divides, to get above the clock's resolution; direct and offloaded samples alternate in rounds so that a
 * noisy machine hurts both sides alike; each side gets a warm-up first; the table shows medians.
 */
public final class Tour
{
    /** Samples per side in one round before the other side gets its turn. */
    static final int ROUND = 250;
    /** Size of the file read by the pread row. */
    static final int FILE_SIZE = 1 << 20;
    /** Bytes read by one pread. */
    static final int READ_SIZE = 4096;

    @SuppressWarnings("unused")
    private static volatile long blackhole;

    private Tour()
    {
    }

    /**
     * One timed call: {@code n} back-to-back calls through {@code sys}. Each checks its result, so a failed call
     * stops the tour instead of timing an error path.
     */
    @FunctionalInterface
    interface Op
    {
        /**
         * @param sys where the calls go.
         * @param n   how many.
         * @return a checksum of the results, so the work cannot be dropped.
         */
        long run(RawSyscalls sys, int n);
    }

    /**
     * @param args {@code --samples N}, {@code --warmup N}, {@code --batch N}, {@code --json FILE}.
     */
    public static void main(final String[] args)
    {
        ReportMain.main("tour", TourOptions.USAGE, args, TourOptions::parse, TourOptions::json, Tour::run);
    }

    /**
     * Run the tour: start the runtime, pin, time every call, stop the runtime, delete the temp files.
     *
     * @param options  what to run.
     * @param progress where to say what is being timed (one line per call), or null for silence.
     * @return the figures.
     * @throws IOException if the temp files cannot be written.
     */
    public static TourReport run(final TourOptions options, final PrintStream progress) throws IOException
    {
        final List<String> notes = new ArrayList<>();
        final int onlineCpus = Runtime.getRuntime().availableProcessors(); // before pinning: it follows the mask
        final BitSet allowed = CpuAffinity.allowedCpus();
        final int nproc = allowed.cardinality();
        final int firstCpu = allowed.nextSetBit(0);
        final int secondCpu = firstCpu < 0 ? -1 : allowed.nextSetBit(firstCpu + 1);
        final boolean twoCpus = firstCpu >= 0 && secondCpu >= 0;
        final int wantCallerCpu = twoCpus ? firstCpu : -1;
        final int wantServerCpu = twoCpus ? secondCpu : -1;

        // With a CPU each, both sides spin: the lowest latency. On one CPU a spinning caller would hold the only
        // CPU the server needs, so the caller parks after a short spin and the idle server yields.
        final WaitStrategy wait = twoCpus ? WaitStrategy.SPIN : WaitStrategy.SPIN_THEN_PARK;
        final String idle = twoCpus ? "busy" : "yield";
        if (!twoCpus)
        {
            notes.add("this process may run on " + nproc + " CPU(s) " + allowed + ": caller and server run " +
                "unpinned on the same CPU, the caller waits with SPIN_THEN_PARK and the idle server yields, so " +
                "offloaded figures include scheduler hand-offs");
        }

        final Path dir = Files.createTempDirectory("offload-tour-");
        final Path data = dir.resolve("pread-1MiB.dat");
        final Path small = dir.resolve("open-stat.txt");
        try (Arena arena = Arena.ofShared())
        {
            writeFiles(data, small);
            final MemorySegment dataPath = arena.allocateFrom(data.toString());
            final MemorySegment smallPath = arena.allocateFrom(small.toString());
            final MemorySegment statxBuf = arena.allocate(StatxDescriptor.LENGTH, 64);
            final MemorySegment readBuf = arena.allocate(READ_SIZE, 4096);
            final RawSyscalls direct = DirectSyscalls.raw();
            final long dataFd = check("open " + data, direct.openat(LinuxConstants.AT_FDCWD, dataPath,
                LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC, 0));
            try
            {
                warmPageCache(direct, (int)dataFd, readBuf);
                final long pid = ProcessHandle.current().pid();
                final long smallSize = Files.size(small);
                final List<String> names = List.of("getpid", "open+close", "stat", "pread 4K");
                final List<Op> ops = List.of(
                    (sys, n) -> getpid(sys, n, pid),
                    (sys, n) -> openClose(sys, n, smallPath),
                    (sys, n) -> stat(sys, n, smallPath, statxBuf, smallSize),
                    new Pread((int)dataFd, readBuf));

                final io.offload.servers.OffloadContext builder = OffloadRuntime.builder()
                    .servers(SyscallClass.FILE, wantServerCpu)
                    .route(SyscallClass.PROCESS, SyscallClass.FILE)
                    .idleStrategy(idle)
                    .waitStrategy(wait)
                    .nowaitReads(false); // direct vs hand-off: a cached pread would be answered on the caller
                if (!twoCpus)
                {
                    builder.spinLimit(200);
                }
                try (OffloadRuntime runtime = builder.build())
                {
                    // Started before the caller pins itself, so the runtime's own threads do not inherit its mask.
                    final ServerStats server = runtime.stats().servers().getFirst();
                    final boolean serverPinned = server.pinned();
                    if (wantServerCpu >= 0 && !serverPinned)
                    {
                        notes.add("the FILE server could not be pinned to cpu " + wantServerCpu + ": it runs unpinned");
                    }
                    boolean callerPinned = false;
                    if (wantCallerCpu >= 0)
                    {
                        try
                        {
                            CpuAffinity.pinCurrentThread(wantCallerCpu);
                            callerPinned = true;
                        }
                        catch (final SyscallException | RuntimeException ex)
                        {
                            notes.add("the caller could not be pinned to cpu " + wantCallerCpu + " (" +
                                ex.getMessage() + "): it runs unpinned");
                        }
                    }
                    final RawSyscalls offloaded = runtime.raw();
                    final List<TourReport.Row> rows = new ArrayList<>();
                    for (int i = 0; i < ops.size(); i++)
                    {
                        if (progress != null)
                        {
                            progress.printf("timing %s ...%n", names.get(i));
                        }
                        rows.add(measure(names.get(i), ops.get(i), direct, offloaded, runtime, options));
                    }
                    if (progress != null)
                    {
                        progress.println();
                    }
                    return new TourReport(nproc, onlineCpus,
                        Runtime.version().toString(), Machine.os(), options,
                        wantCallerCpu, callerPinned, wantServerCpu, serverPinned, wait.name(), idle, notes, rows,
                        runtime.stats().toTable());
                }
            }
            finally
            {
                direct.close((int)dataFd);
            }
        }
        finally
        {
            Files.deleteIfExists(data);
            Files.deleteIfExists(small);
            Files.deleteIfExists(dir);
        }
    }

    private static void writeFiles(final Path data, final Path small) throws IOException
    {
        final byte[] bytes = new byte[FILE_SIZE];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(i * 31 + (i >>> 12));
        }
        Files.write(data, bytes);
        Files.writeString(small, "offload tour\n");
    }

    private static void warmPageCache(final RawSyscalls sys, final int fd, final MemorySegment buf)
    {
        for (long offset = 0; offset < FILE_SIZE; offset += READ_SIZE)
        {
            final long n = check("pread", sys.pread(fd, buf, offset));
            if (n != READ_SIZE)
            {
                throw new IllegalStateException("short read of the tour's file: " + n + " bytes at " + offset);
            }
        }
    }

    /**
     * Warm up both sides, then take {@code samples} timed samples of each, in alternating rounds.
     */
    static TourReport.Row measure(final String name, final Op op, final RawSyscalls direct,
        final RawSyscalls offloaded, final OffloadRuntime runtime, final TourOptions options)
    {
        final int batch = options.batch();
        long sink = 0;
        for (int done = 0; done < options.warmup(); done += ROUND)
        {
            final int n = Math.min(ROUND, options.warmup() - done);
            for (int i = 0; i < n; i++)
            {
                sink += op.run(direct, batch);
            }
            for (int i = 0; i < n; i++)
            {
                sink += op.run(offloaded, batch);
            }
        }
        final long[] directNanos = new long[options.samples()];
        final long[] offloadedNanos = new long[options.samples()];
        boolean directFirst = true;
        for (int from = 0; from < options.samples(); from += ROUND)
        {
            final int to = Math.min(options.samples(), from + ROUND);
            if (directFirst)
            {
                sink += sample(op, direct, batch, directNanos, from, to);
                sink += sample(op, offloaded, batch, offloadedNanos, from, to);
            }
            else
            {
                sink += sample(op, offloaded, batch, offloadedNanos, from, to);
                sink += sample(op, direct, batch, directNanos, from, to);
            }
            directFirst = !directFirst;
        }
        blackhole = sink; // keeps the results alive, so no call can be optimised away
        final int callerCpu = (int)DirectSyscalls.raw().schedGetcpu();
        final int serverCpu = runtime.stats().servers().getFirst().currentCpu();
        final int serverCallCpu = (int)check("sched_getcpu", offloaded.schedGetcpu());
        return new TourReport.Row(name, median(directNanos) / batch, median(offloadedNanos) / batch, callerCpu,
            serverCpu, serverCallCpu);
    }

    private static long sample(final Op op, final RawSyscalls sys, final int batch, final long[] nanos,
        final int from, final int to)
    {
        long sink = 0;
        for (int i = from; i < to; i++)
        {
            final long start = System.nanoTime();
            sink += op.run(sys, batch);
            nanos[i] = System.nanoTime() - start;
        }
        return sink;
    }

    static double median(final long[] values)
    {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        final int mid = sorted.length >>> 1;
        return (sorted.length & 1) == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    private static long getpid(final RawSyscalls sys, final int n, final long pid)
    {
        long sum = 0;
        for (int i = 0; i < n; i++)
        {
            final long result = sys.getpid();
            if (result != pid)
            {
                throw new IllegalStateException("getpid returned " + result + ", expected " + pid);
            }
            sum += result;
        }
        return sum;
    }

    private static long openClose(final RawSyscalls sys, final int n, final MemorySegment path)
    {
        long sum = 0;
        for (int i = 0; i < n; i++)
        {
            final long fd = check("openat",
                sys.openat(LinuxConstants.AT_FDCWD, path, LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC, 0));
            check("close", sys.close((int)fd));
            sum += fd;
        }
        return sum;
    }

    private static long stat(final RawSyscalls sys, final int n, final MemorySegment path,
        final MemorySegment statx, final long expectedSize)
    {
        long sum = 0;
        for (int i = 0; i < n; i++)
        {
            check("statx", sys.statx(LinuxConstants.AT_FDCWD, path, 0, LinuxConstants.STATX_BASIC_STATS, statx));
            sum += statx.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, StatxDescriptor.SIZE_OFFSET);
        }
        if (sum != expectedSize * n)
        {
            throw new IllegalStateException("statx reported a size other than " + expectedSize);
        }
        return sum;
    }

    /** 4 KiB preads walking the file page by page, all from the page cache. */
    private static final class Pread implements Op
    {
        private final int fd;
        private final MemorySegment buf;
        private long offset;

        Pread(final int fd, final MemorySegment buf)
        {
            this.fd = fd;
            this.buf = buf;
        }

        @Override
        public long run(final RawSyscalls sys, final int n)
        {
            long sum = 0;
            for (int i = 0; i < n; i++)
            {
                final long read = check("pread", sys.pread(fd, buf, offset));
                if (read != READ_SIZE)
                {
                    throw new IllegalStateException("pread returned " + read + " at offset " + offset);
                }
                sum += read;
                offset = (offset + READ_SIZE) & (FILE_SIZE - 1);
            }
            return sum;
        }
    }

    private static long check(final String what, final long result)
    {
        if (result < 0)
        {
            throw new IllegalStateException(what + " failed: " + io.offload.api.Errno.name((int)-result) +
                " (" + -result + ")");
        }
        return result;
    }
}
