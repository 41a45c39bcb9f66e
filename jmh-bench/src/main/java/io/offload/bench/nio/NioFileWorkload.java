package io.offload.bench.nio;

import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;
import io.offload.bench.file.PageCache;
import io.offload.servers.OffloadRuntime;

import java.io.FileWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The virtual-thread file workload, written with plain {@link FileChannel} code and run on the platform's provider,
 * then on the offload provider ({@code runtime.fileSystem()}), then, as the bound, on the library's own raw API:
 * <ul>
 *   <li>random 4 KiB reads by 256 virtual threads over one big file, cold (page cache dropped before each run, as
 *       root: {@code echo 3 > /proc/sys/vm/drop_caches}) and warm (the file read once before);</li>
 *   <li>a write-ahead log: 64 virtual threads appending 4 KiB records to one file, {@code force(false)} after
 *       each.</li>
 * </ul>
 * Prints operations per second per variant and the ratios. Not a JMH benchmark (256 virtual threads sharing one
 * channel are the point); figures are taken by the lead on a quiet machine: see jmh-bench/README.md.
 * <pre>
 *   jmh-bench/run-nio-workload.sh [--size 4g] [--reads 2000] [--threads 256] [--wal-threads 64] [--wal-records 200]
 *                                 [--dir /var/tmp] [--buffer direct|heap] [--runs cold,warm,wal]
 * </pre>
 * The runtime comes from the {@code offload.*} system properties (one unpinned FILE server by default; e.g.
 * {@code -Doffload.layout="app=0 file=1"}).
 */
public final class NioFileWorkload
{
    private static final int BLOCK = 4096;

    private NioFileWorkload()
    {
    }

    /** The options. */
    record Options(long size, int reads, int threads, int walThreads, int walRecords, Path dir, boolean heap,
        List<String> runs)
    {
        static Options parse(final String... args)
        {
            long size = 1L << 30;
            int reads = 2000;
            int threads = 256;
            int walThreads = 64;
            int walRecords = 200;
            Path dir = Path.of(System.getProperty("java.io.tmpdir"));
            boolean heap = false;
            List<String> runs = List.of("cold", "warm", "wal");
            for (int i = 0; i < args.length; i++)
            {
                final String value = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i])
                {
                    case "--size" -> size = bytes(value);
                    case "--reads" -> reads = Integer.parseInt(value);
                    case "--threads" -> threads = Integer.parseInt(value);
                    case "--wal-threads" -> walThreads = Integer.parseInt(value);
                    case "--wal-records" -> walRecords = Integer.parseInt(value);
                    case "--dir" -> dir = Path.of(value);
                    case "--buffer" -> heap = value.equals("heap");
                    case "--runs" -> runs = List.of(value.split(","));
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + ": see the class " +
                        "comment of " + NioFileWorkload.class.getName());
                }
                i++;
            }
            if (size < BLOCK * 16L || reads < 1 || threads < 1 || walThreads < 1 || walRecords < 1)
            {
                throw new IllegalArgumentException("--size must be at least 64k, counts at least 1");
            }
            return new Options(size, reads, threads, walThreads, walRecords, dir, heap, runs);
        }

        private static long bytes(final String text)
        {
            final String t = text.toLowerCase(Locale.ROOT);
            final long unit = t.endsWith("g") ? 1L << 30 : t.endsWith("m") ? 1L << 20 : t.endsWith("k") ? 1L << 10 : 1;
            return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
        }
    }

    /**
     * @param args see the class comment.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Options options = Options.parse(args);
        final Path file = options.dir().resolve("offload-nio-workload.bin");
        final boolean root = "root".equals(System.getProperty("user.name"));
        System.out.printf("file %s, %d MiB; %d virtual threads x %d random %d-byte reads (%s buffers); WAL %d " +
            "virtual threads x %d records; %s%n", file, options.size() >> 20, options.threads(), options.reads(), BLOCK,
            options.heap() ? "heap" : "direct", options.walThreads(), options.walRecords(),
            root ? "cold runs drop the page cache first" : "NOT root: cannot drop the page cache, so the cold " +
            "runs are warm (run as root for cold figures)");
        PageCache.ensureFile(file, options.size());
        final List<String> rows = new ArrayList<>();
        try (OffloadRuntime runtime = OffloadRuntime.builder().build())
        {
            final FileSystem offload = runtime.fileSystem();
            for (final String run : options.runs())
            {
                switch (run)
                {
                    case "cold", "warm" ->
                    {
                        final boolean cold = run.equals("cold");
                        final double platform = reads(file, options, cold, root);
                        final double provider = reads(offload.getPath(file.toString()), options, cold, root);
                        final double raw = rawReads(runtime.raw(), file, options, cold, root);
                        rows.add(row("random 4 KiB reads, " + run, platform, provider, raw));
                    }
                    case "wal" ->
                    {
                        final double platform = wal(options.dir().resolve("offload-wal-platform.log"), options);
                        final double provider = wal(offload.getPath(options.dir().resolve("offload-wal-provider.log")
                            .toString()), options);
                        rows.add(row("WAL 4 KiB append + force(false)", platform, provider, Double.NaN));
                    }
                    default -> throw new IllegalArgumentException("unknown run " + run + ": cold, warm or wal");
                }
            }
            System.out.println();
            System.out.println("| workload | platform ops/s | offload provider ops/s | provider / platform | " +
                "offload raw API ops/s | provider / raw |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            rows.forEach(System.out::println);
            System.out.println();
            System.out.print(runtime.stats().toTable());
        }
    }

    private static String row(final String name, final double platform, final double provider, final double raw)
    {
        return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2fx | %s | %s |", name, platform, provider,
            provider / platform, Double.isNaN(raw) ? "-" : String.format(Locale.ROOT, "%.0f", raw),
            Double.isNaN(raw) ? "-" : String.format(Locale.ROOT, "%.2fx", provider / raw));
    }

    private static void prepareCache(final Path file, final boolean cold, final boolean root) throws IOException
    {
        if (cold)
        {
            if (root)
            {
                try (FileWriter drop = new FileWriter("/proc/sys/vm/drop_caches"))
                {
                    drop.write("3");
                }
            }
            return;
        }
        try (FileChannel channel = FileChannel.open(Path.of(file.toString())))
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
            while (channel.read(buffer) > 0)
            {
                buffer.clear();
            }
        }
    }

    /** 256 virtual threads, each N random 4 KiB reads through one shared FileChannel of the path's provider. */
    private static double reads(final Path file, final Options options, final boolean cold, final boolean root)
        throws Exception
    {
        prepareCache(file, cold, root);
        final long blocks = options.size() / BLOCK;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            return run(options.threads(), options.reads(), index ->
            {
                final ByteBuffer buffer = options.heap() ? ByteBuffer.allocate(BLOCK) : ByteBuffer.allocateDirect(BLOCK);
                final SplittableRandom random = new SplittableRandom(index);
                return () ->
                {
                    buffer.clear();
                    channel.read(buffer, random.nextLong(blocks) * BLOCK);
                };
            });
        }
    }

    /** The same reads on the library's own API: the bound for the provider. */
    private static double rawReads(final RawSyscalls raw, final Path file, final Options options, final boolean cold,
        final boolean root) throws Exception
    {
        prepareCache(file, cold, root);
        final long blocks = options.size() / BLOCK;
        try (Arena arena = Arena.ofConfined())
        {
            final long fd = raw.openat(LinuxConstants.AT_FDCWD, arena.allocateFrom(file.toString()),
                LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC, 0);
            if (fd < 0)
            {
                throw new IOException("open " + file + ": errno " + -fd);
            }
            try
            {
                return run(options.threads(), options.reads(), index ->
                {
                    final MemorySegment buffer = Arena.ofAuto().allocate(BLOCK, BLOCK);
                    final SplittableRandom random = new SplittableRandom(index);
                    return () -> raw.pread((int)fd, buffer, random.nextLong(blocks) * BLOCK);
                });
            }
            finally
            {
                raw.close((int)fd);
            }
        }
    }

    /** 64 virtual threads appending 4 KiB records to one channel, force(false) after each. */
    private static double wal(final Path log, final Options options) throws Exception
    {
        Files.deleteIfExists(log);
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND))
        {
            return run(options.walThreads(), options.walRecords(), index ->
            {
                final ByteBuffer record = ByteBuffer.allocateDirect(BLOCK);
                return () ->
                {
                    record.clear();
                    channel.write(record);
                    channel.force(false);
                };
            });
        }
        finally
        {
            Files.deleteIfExists(log);
        }
    }

    /** One operation of one thread. */
    @FunctionalInterface
    interface Op
    {
        void run() throws IOException;
    }

    /** Makes a thread's operation (its buffer, its random numbers) before the clock starts. */
    @FunctionalInterface
    interface OpFactory
    {
        Op create(int thread);
    }

    private static double run(final int threads, final int opsPerThread, final OpFactory factory) throws Exception
    {
        final Op[] ops = new Op[threads];
        for (int t = 0; t < threads; t++)
        {
            ops[t] = factory.create(t);
        }
        final LongAdder done = new LongAdder();
        final List<Thread> started = new ArrayList<>();
        final java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        final Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++)
        {
            final Op op = ops[t];
            started.add(Thread.ofVirtual().start(() ->
            {
                try
                {
                    go.await();
                    for (int i = 0; i < opsPerThread; i++)
                    {
                        op.run();
                    }
                    done.add(opsPerThread);
                }
                catch (final Throwable ex)
                {
                    failure[0] = ex;
                }
            }));
        }
        final long start = System.nanoTime();
        go.countDown();
        for (final Thread thread : started)
        {
            thread.join();
        }
        final long elapsed = System.nanoTime() - start;
        if (failure[0] != null)
        {
            throw new IllegalStateException("a thread failed", failure[0]);
        }
        return done.sum() * 1e9 / elapsed;
    }
}
