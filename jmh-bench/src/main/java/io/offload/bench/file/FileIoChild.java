package io.offload.bench.file;

import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One engine, one mode, in a JVM of its own (started by {@link FileIoComparison}): a JIT warm-up on small files,
 * then the page cache made cold or warm, then the measured run; prints a {@link Result} line at the end.
 * <ul>
 *   <li>{@code jdk}: {@link FileChannel#read(ByteBuffer, long)}, {@link FileChannel#write(ByteBuffer, long)} (or an
 *       append) and {@code force(false)} from virtual threads, a direct 4 KiB buffer per thread;</li>
 *   <li>{@code offload}: the raw API's {@code pread}, {@code pwrite} (or {@code write} on an O_APPEND fd) and
 *       {@code fdatasync} from virtual threads, a 4 KiB segment of a confined arena per thread (zero copy), on a
 *       runtime built from the {@code offload.*} system properties, so {@code -Doffload.executor=IO_URING} on the
 *       command line picks the executor.</li>
 * </ul>
 */
final class FileIoChild
{
    static final int BLOCK = 4096;

    private FileIoChild()
    {
    }

    /** What a thread does once per operation; returns false (with the failure recorded) to stop. */
    @FunctionalInterface
    interface Op
    {
        void run() throws Exception;
    }

    /** Makes one thread's operation on that thread (its buffer, its fd, its random numbers), before the clock. */
    @FunctionalInterface
    interface OpFactory
    {
        Op create(int thread, Arena arena) throws Exception;
    }

    /** The I/O of one engine. */
    interface Engine extends AutoCloseable
    {
        /**
         * @return a thread's reads of the file's first {@code size} bytes, random aligned 4 KiB blocks; with
         *         {@code readahead} false the fd is advised POSIX_FADV_RANDOM first.
         */
        OpFactory reads(Path file, long size, boolean readahead) throws Exception;

        /** @return a thread's WAL records: 4 KiB appended to its own file (or the shared one), then fdatasync. */
        OpFactory wal(Path dir, String prefix, boolean shared) throws Exception;

        /** @return the executor the servers report, or "-". */
        String executor();

        @Override
        void close() throws Exception;
    }

    /**
     * @param o the child's options (engine, mode, file, size, seconds, warm-up, threads, dir, WAL file layout).
     * @throws Exception if the run cannot be set up; a failure during the run is reported in the result.
     */
    static void run(final FileIoComparison.Options o) throws Exception
    {
        final boolean wal = o.modes().getFirst().equals("wal");
        final String mode = o.modes().getFirst();
        final String engineName = o.engines().getFirst();
        final int threads = wal ? o.walThreads() : o.threads();
        System.out.printf("child: engine %s, mode %s, %d virtual threads, %d s (+%d s warm-up), readahead %s, " +
            "java %s, offload.executor=%s%n", engineName, mode, threads, o.seconds(), o.warmup(), o.readahead() ? "on" :
            "off (POSIX_FADV_RANDOM)", Runtime.version(), System.getProperty("offload.executor", "(unset)"));
        try (Engine engine = engineName.equals("jdk") ? new Jdk() : new Offload())
        {
            final Path warmupFile = o.dir().resolve("warmup.bin");
            String cache = "-";
            final Measured measured;
            if (wal)
            {
                if (o.warmup() > 0)
                {
                    measure(engine.wal(o.dir(), "wal-warmup-" + engineName, o.walShared()), threads, o.warmup());
                    deleteLogs(o.dir(), "wal-warmup-" + engineName);
                }
                measured = measure(engine.wal(o.dir(), "wal-" + engineName, o.walShared()), threads, o.seconds());
                deleteLogs(o.dir(), "wal-" + engineName);
            }
            else
            {
                if (o.warmup() > 0)
                {
                    measure(engine.reads(warmupFile, Files.size(warmupFile), o.readahead()), threads, o.warmup());
                }
                final String action = mode.equals("cold") ? PageCache.drop(o.file()) : PageCache.warm(o.file(),
                    o.size());
                cache = action + "; then " + PageCache.residencyLine(o.file(), o.size());
                System.out.println("page cache: " + cache);
                measured = measure(engine.reads(o.file(), o.size(), o.readahead()), threads, o.seconds());
                cache += "; after the run " + PageCache.residencyLine(o.file(), o.size());
            }
            final String executor = engine.executor();
            final Result result = new Result(engineName.equals("jdk") ? "jdk" : System.getProperty("offload.executor",
                "AUTO").toLowerCase(Locale.ROOT), mode, measured.failure == null ? measured.opsPerSec() : Double.NaN,
                measured.ops, measured.seconds, measured.histogram.getValueAtPercentile(50) / 1e3,
                measured.histogram.getValueAtPercentile(99) / 1e3, executor, cache,
                measured.failure == null ? "" : "FAILED: " + measured.failure);
            System.out.printf(Locale.ROOT, "%s %s: %s ops/s, p50 %.1f us, p99 %.1f us, %d ops in %.2f s%n",
                engineName, mode, result.opsText(), result.p50Us(), result.p99Us(), result.ops(), result.seconds());
            if (measured.failure != null)
            {
                measured.failure.printStackTrace(System.out);
            }
            System.out.println(result.toLine());
        }
    }

    private static void deleteLogs(final Path dir, final String prefix) throws IOException
    {
        try (var files = Files.list(dir))
        {
            for (final Path p : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList())
            {
                Files.deleteIfExists(p);
            }
        }
    }

    /** What one timed run counted. */
    record Measured(long ops, double seconds, Histogram histogram, Throwable failure)
    {
        double opsPerSec()
        {
            return ops / seconds;
        }
    }

    /**
     * Start the threads, each making its operation first, then release them together and let each run operations
     * until the deadline. Only operations that ended by the deadline count (those in flight at the deadline are
     * dropped: at most one per thread), each with its latency.
     */
    static Measured measure(final OpFactory factory, final int threads, final int seconds) throws Exception
    {
        final CountDownLatch ready = new CountDownLatch(threads);
        final CountDownLatch go = new CountDownLatch(1);
        final long[] counts = new long[threads];
        final Histogram[] histograms = new Histogram[threads];
        final long[] deadline = new long[1];
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> started = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++)
        {
            final int index = t;
            histograms[t] = new Histogram(3_600_000_000_000L, 2);
            started.add(Thread.ofVirtual().name("io-" + t).start(() ->
            {
                final Histogram histogram = histograms[index];
                long count = 0;
                try (Arena arena = Arena.ofConfined())
                {
                    final Op op;
                    try
                    {
                        op = factory.create(index, arena);
                    }
                    finally
                    {
                        ready.countDown();
                    }
                    go.await();
                    final long end = deadline[0]; // written before go.countDown(): the latch orders it
                    while (failure.get() == null)
                    {
                        final long t0 = System.nanoTime();
                        if (t0 - end >= 0)
                        {
                            break;
                        }
                        op.run();
                        final long t1 = System.nanoTime();
                        if (t1 - end <= 0)
                        {
                            count++;
                            histogram.recordValue(t1 - t0);
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
                counts[index] = count;
            }));
        }
        ready.await();
        final long start = System.nanoTime();
        deadline[0] = start + seconds * 1_000_000_000L;
        go.countDown();
        for (final Thread thread : started)
        {
            thread.join();
        }
        final Histogram all = new Histogram(3_600_000_000_000L, 2);
        long ops = 0;
        for (int t = 0; t < threads; t++)
        {
            ops += counts[t];
            all.add(histograms[t]);
        }
        return new Measured(ops, seconds, all, failure.get());
    }

    /** The JDK: one shared FileChannel for reads; per-thread channels (or one shared) for the WAL. */
    static final class Jdk implements Engine
    {
        private final List<FileChannel> channels = new ArrayList<>();

        @Override
        public OpFactory reads(final Path file, final long size, final boolean readahead) throws IOException
        {
            final FileChannel channel = open(file, StandardOpenOption.READ);
            if (!readahead)
            {
                PageCache.adviseRandom(PageCache.fdOf(channel));
            }
            final long blocks = size / BLOCK;
            return (thread, arena) ->
            {
                final ByteBuffer buffer = ByteBuffer.allocateDirect(BLOCK);
                final SplittableRandom random = new SplittableRandom(thread * 7919L + 1);
                return () ->
                {
                    buffer.clear();
                    final int n = channel.read(buffer, random.nextLong(blocks) * BLOCK);
                    if (n != BLOCK)
                    {
                        throw new IOException("read returned " + n + ", expected " + BLOCK);
                    }
                };
            };
        }

        @Override
        public OpFactory wal(final Path dir, final String prefix, final boolean shared) throws IOException
        {
            if (shared)
            {
                Files.deleteIfExists(dir.resolve(prefix + ".log")); // APPEND and TRUNCATE_EXISTING do not go together
            }
            final FileChannel sharedLog = shared ? open(dir.resolve(prefix + ".log"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND) : null;
            return (thread, arena) ->
            {
                final ByteBuffer record = ByteBuffer.allocateDirect(BLOCK);
                while (record.hasRemaining())
                {
                    record.put((byte)thread);
                }
                if (shared)
                {
                    return () ->
                    {
                        record.clear();
                        sharedLog.write(record); // O_APPEND: one atomic append
                        sharedLog.force(false);
                    };
                }
                final FileChannel log = open(dir.resolve(prefix + "-" + thread + ".log"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                final long[] position = new long[1];
                return () ->
                {
                    record.clear();
                    while (record.hasRemaining())
                    {
                        position[0] += log.write(record, position[0]);
                    }
                    log.force(false);
                };
            };
        }

        private synchronized FileChannel open(final Path file, final StandardOpenOption... options) throws IOException
        {
            final FileChannel channel = FileChannel.open(file, options);
            channels.add(channel);
            return channel;
        }

        @Override
        public String executor()
        {
            return "-";
        }

        @Override
        public synchronized void close() throws IOException
        {
            for (final FileChannel channel : channels)
            {
                channel.close();
            }
            channels.clear();
        }
    }

    /** The library's raw API on a runtime built from the offload.* properties. */
    static final class Offload implements Engine
    {
        private final OffloadRuntime runtime = OffloadRuntime.builder().build();
        private final RawSyscalls raw = runtime.raw();
        private final List<Integer> fds = new ArrayList<>();

        @Override
        public OpFactory reads(final Path file, final long size, final boolean readahead) throws IOException
        {
            final int fd = open(file, LinuxConstants.O_RDONLY);
            if (!readahead)
            {
                PageCache.adviseRandom(fd);
            }
            final long blocks = size / BLOCK;
            return (thread, arena) ->
            {
                // a confined arena of the virtual thread itself: passed through to the kernel without a copy
                final MemorySegment buffer = arena.allocate(BLOCK, BLOCK);
                final SplittableRandom random = new SplittableRandom(thread * 7919L + 1);
                return () ->
                {
                    final long n = raw.pread(fd, buffer, random.nextLong(blocks) * BLOCK);
                    if (n != BLOCK)
                    {
                        throw new IOException("pread returned " + n + ", expected " + BLOCK);
                    }
                };
            };
        }

        @Override
        public OpFactory wal(final Path dir, final String prefix, final boolean shared) throws IOException
        {
            final int sharedFd = shared ? open(dir.resolve(prefix + ".log"), LinuxConstants.O_WRONLY |
                LinuxConstants.O_CREAT | LinuxConstants.O_TRUNC | LinuxConstants.O_APPEND) : -1;
            return (thread, arena) ->
            {
                final MemorySegment record = arena.allocate(BLOCK, BLOCK);
                record.fill((byte)thread);
                if (shared)
                {
                    return () ->
                    {
                        check("write", raw.write(sharedFd, record));
                        check("fdatasync", raw.fdatasync(sharedFd));
                    };
                }
                final int fd = open(dir.resolve(prefix + "-" + thread + ".log"), LinuxConstants.O_WRONLY |
                    LinuxConstants.O_CREAT | LinuxConstants.O_TRUNC);
                final long[] position = new long[1];
                return () ->
                {
                    check("pwrite", raw.pwrite(fd, record, position[0]));
                    position[0] += BLOCK;
                    check("fdatasync", raw.fdatasync(fd));
                };
            };
        }

        private static void check(final String call, final long result) throws IOException
        {
            if (result < 0 || (result != 0 && result != BLOCK))
            {
                throw new IOException(call + " returned " + result + (result < 0 ? " (-errno)" : ", expected " +
                    BLOCK));
            }
        }

        private int open(final Path file, final int flags) throws IOException
        {
            final RawSyscalls direct = DirectSyscalls.raw(); // setup, not measured
            try (Arena arena = Arena.ofConfined())
            {
                final long fd = direct.openat(LinuxConstants.AT_FDCWD, arena.allocateFrom(file.toString()),
                    flags | LinuxConstants.O_CLOEXEC, 0644);
                if (fd < 0)
                {
                    throw new IOException("open " + file + ": errno " + -fd);
                }
                synchronized (fds)
                {
                    fds.add((int)fd);
                }
                return (int)fd;
            }
        }

        /**
         * The executor each server reports, found by name among the stats' record components so that this compiles
         * against builds with and without it.
         */
        @Override
        public String executor()
        {
            final RuntimeStats stats = runtime.stats();
            final Set<String> seen = new LinkedHashSet<>();
            for (final ServerStats server : stats.servers())
            {
                for (final RecordComponent component : ServerStats.class.getRecordComponents())
                {
                    if (component.getName().toLowerCase(Locale.ROOT).contains("executor"))
                    {
                        try
                        {
                            seen.add(component.getName() + "=" + component.getAccessor().invoke(server));
                        }
                        catch (final ReflectiveOperationException ex)
                        {
                            seen.add(component.getName() + "=?");
                        }
                    }
                }
            }
            return seen.isEmpty() ? "not reported (this build's ServerStats names no executor)" : String.join(", ",
                seen);
        }

        @Override
        public void close()
        {
            try
            {
                final RuntimeStats stats = runtime.stats();
                System.out.println();
                System.out.print(stats.toTable());
                System.out.println();
                System.out.print(stats.toMarkdown()); // with the phases when recording is on (-Doffload.phases=1/64)
            }
            finally
            {
                final RawSyscalls direct = DirectSyscalls.raw();
                synchronized (fds)
                {
                    fds.forEach(direct::close);
                }
                runtime.close();
            }
        }
    }
}
