package io.offload.examples.workloads;

import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A file-system mix in place of GenerOS's TPC-H on Oracle, which cannot run here: threads that each, op after op,
 * open one of a set of files, read a few random 4 KiB blocks, write one, fsync every k-th op, and close it. The
 * calls are those a database's server processes make against its data files; fsync is what makes the disk show.
 * <p>
 * Every block carries a tag (file, block) that never changes and a stamp (writer, op) with a fill byte derived
 * from it, so a read checks it got the block it asked for, and {@link DataSet#verify} checks afterwards that every
 * block is whole: one writer's stamp and that writer's fill, nothing torn or misplaced. The random offsets come
 * from a seed per thread, so every layout does exactly the same calls.
 */
public final class FileMix
{
    /** Bytes of the header: tag then stamp. */
    static final int HEADER = 16;

    private FileMix()
    {
    }

    /**
     * The shape of the mix.
     *
     * @param threads      caller threads (platform threads).
     * @param opsPerThread ops each thread makes.
     * @param files        files in the set.
     * @param fileSize     bytes per file, a multiple of {@code ioSize}.
     * @param ioSize       bytes per pread and pwrite.
     * @param readsPerOp   preads per op.
     * @param fsyncEvery   fsync after the pwrite of every k-th op of a thread (0: never).
     * @param seed         picks files and offsets.
     */
    public record Config(int threads, int opsPerThread, int files, int fileSize, int ioSize, int readsPerOp,
        int fsyncEvery, long seed)
    {
        /** Default threads. */
        public static final int THREADS = 8;
        /** Ops per thread at scale 1. */
        public static final int OPS_PER_THREAD = 2_000;
        /** Default files. */
        public static final int FILES = 64;
        /** Default file size. */
        public static final int FILE_SIZE = 256 * 1024;
        /** Default I/O size. */
        public static final int IO_SIZE = 4096;
        /** Default preads per op. */
        public static final int READS_PER_OP = 4;
        /** Default fsync period. */
        public static final int FSYNC_EVERY = 16;

        /**
         * @param threads      threads.
         * @param opsPerThread ops per thread.
         * @param files        files.
         * @param fileSize     file size.
         * @param ioSize       I/O size.
         * @param readsPerOp   reads per op.
         * @param fsyncEvery   fsync period.
         * @param seed         seed.
         */
        public Config
        {
            if (threads < 1 || opsPerThread < 1 || files < 1 || ioSize < HEADER + 1 || readsPerOp < 0 ||
                fsyncEvery < 0 || fileSize < ioSize || fileSize % ioSize != 0)
            {
                throw new IllegalArgumentException("bad mix: " + threads + " threads, " + opsPerThread +
                    " ops, " + files + " files of " + fileSize + " B, io " + ioSize + " B, " + readsPerOp +
                    " reads, fsync every " + fsyncEvery);
            }
        }

        /**
         * @param threads caller threads.
         * @param scale   multiplies {@link #OPS_PER_THREAD} (at least one fsync period per thread).
         * @return the default mix at that size.
         */
        public static Config of(final int threads, final double scale)
        {
            final int ops = (int)Math.max(FSYNC_EVERY, Math.round(OPS_PER_THREAD * scale));
            return new Config(threads, ops, FILES, FILE_SIZE, IO_SIZE, READS_PER_OP, FSYNC_EVERY, 0xF11E_5EEDL);
        }

        /** @return ops of all threads. */
        public long totalOps()
        {
            return (long)threads * opsPerThread;
        }

        /** @return fsyncs of one thread. */
        public int fsyncsPerThread()
        {
            return fsyncEvery == 0 ? 0 : opsPerThread / fsyncEvery;
        }

        /** @return system calls of all threads: open, reads, write, close per op, and the fsyncs. */
        public long totalSyscalls()
        {
            return totalOps() * (3L + readsPerOp) + (long)threads * fsyncsPerThread();
        }

        int blocksPerFile()
        {
            return fileSize / ioSize;
        }
    }

    /**
     * What one run did.
     *
     * @param ops          ops completed.
     * @param syscalls     calls made.
     * @param preads       preads.
     * @param pwrites      pwrites.
     * @param fsyncs       fsyncs.
     * @param bytesRead    bytes the preads returned.
     * @param elapsedNanos start signal to the last thread's end.
     * @param placed       whether every thread got the CPUs it asked for.
     */
    public record Result(long ops, long syscalls, long preads, long pwrites, long fsyncs, long bytesRead,
        long elapsedNanos, boolean placed)
    {
        /** @return ops per second. */
        public double opsPerSecond()
        {
            return ops * 1e9 / elapsedNanos;
        }

        /** @return the result with the same counts, for comparing runs. */
        Result counts()
        {
            return new Result(ops, syscalls, preads, pwrites, fsyncs, bytesRead, 0, true);
        }
    }

    /**
     * Run the mix.
     *
     * @param sys    where the calls go.
     * @param data   the files.
     * @param config the mix.
     * @param cpus   where the caller threads may run (one CPU: pinned), or null.
     * @return counts and time.
     */
    public static Result run(final RawSyscalls sys, final DataSet data, final Config config, final BitSet cpus)
    {
        final Workers.Outcome<Result> outcome = Workers.run("mix", config.threads(), cpus,
            index -> thread(sys, data, config, index));
        long ops = 0;
        long syscalls = 0;
        long preads = 0;
        long pwrites = 0;
        long fsyncs = 0;
        long bytesRead = 0;
        for (final Result r : outcome.results())
        {
            ops += r.ops();
            syscalls += r.syscalls();
            preads += r.preads();
            pwrites += r.pwrites();
            fsyncs += r.fsyncs();
            bytesRead += r.bytesRead();
        }
        return new Result(ops, syscalls, preads, pwrites, fsyncs, bytesRead, outcome.elapsedNanos(),
            outcome.placed());
    }

    private static Result thread(final RawSyscalls sys, final DataSet data, final Config config, final int index)
    {
        final SplittableRandom random = new SplittableRandom(config.seed() + 0x9E37_79B9L * (index + 1));
        final int blocks = config.blocksPerFile();
        final int io = config.ioSize();
        long syscalls = 0;
        long preads = 0;
        long pwrites = 0;
        long fsyncs = 0;
        long bytesRead = 0;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment readBuf = arena.allocate(io, 4096);
            final MemorySegment writeBuf = arena.allocate(io, 4096);
            for (int op = 0; op < config.opsPerThread(); op++)
            {
                final int file = random.nextInt(config.files());
                final int fd = (int)ZcoreTask.check("openat", sys.openat(LinuxConstants.AT_FDCWD,
                    data.nativePath(file), LinuxConstants.O_RDWR | LinuxConstants.O_CLOEXEC, 0));
                syscalls++;
                for (int r = 0; r < config.readsPerOp(); r++)
                {
                    final int block = random.nextInt(blocks);
                    final long n = ZcoreTask.check("pread", sys.pread(fd, readBuf, io, (long)block * io));
                    syscalls++;
                    preads++;
                    if (n != io || readBuf.get(ValueLayout.JAVA_LONG_UNALIGNED, 0) != tag(file, block))
                    {
                        throw new IllegalStateException("pread of file " + file + " block " + block + " returned " +
                            n + " bytes with tag " + Long.toHexString(readBuf.get(ValueLayout.JAVA_LONG_UNALIGNED,
                            0)) + ", expected " + io + " bytes with tag " + Long.toHexString(tag(file, block)));
                    }
                    bytesRead += n;
                }
                final int block = random.nextInt(blocks);
                final long stamp = stamp(index, op);
                writeBuf.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, tag(file, block));
                writeBuf.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, stamp);
                writeBuf.asSlice(HEADER).fill(fill(stamp));
                final long written = ZcoreTask.check("pwrite", sys.pwrite(fd, writeBuf, io, (long)block * io));
                syscalls++;
                pwrites++;
                if (written != io)
                {
                    throw new IllegalStateException("short pwrite: " + written + " of " + io);
                }
                if (config.fsyncEvery() > 0 && op % config.fsyncEvery() == config.fsyncEvery() - 1)
                {
                    ZcoreTask.check("fsync", sys.fsync(fd));
                    syscalls++;
                    fsyncs++;
                }
                ZcoreTask.check("close", sys.close(fd));
                syscalls++;
            }
        }
        return new Result(config.opsPerThread(), syscalls, preads, pwrites, fsyncs, bytesRead, 0, true);
    }

    static long tag(final int file, final int block)
    {
        return ((long)file << 32) | block;
    }

    /** 0 for a block as first written; otherwise the writer (from 1) and its op (from 1). */
    static long stamp(final int thread, final int op)
    {
        return ((long)(thread + 1) << 32) | (op + 1L);
    }

    static byte fill(final long stamp)
    {
        return (byte)((stamp * 0x9E37_79B9_7F4A_7C15L) >>> 56);
    }

    /**
     * The set of files, written whole (every block stamped 0) and synced before any run. Closing deletes it.
     */
    public static final class DataSet implements AutoCloseable
    {
        private final Path dir;
        private final List<Path> files;
        private final Config config;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment[] nativePaths;

        private DataSet(final Path dir, final List<Path> files, final Config config)
        {
            this.dir = dir;
            this.files = Collections.unmodifiableList(files);
            this.config = config;
            this.nativePaths = new MemorySegment[files.size()];
            for (int i = 0; i < nativePaths.length; i++)
            {
                nativePaths[i] = arena.allocateFrom(files.get(i).toString());
            }
        }

        /**
         * @param parent where to make the directory.
         * @param config the files' count and size.
         * @return the files.
         * @throws IOException if they cannot be written; what was written is deleted.
         */
        public static DataSet create(final Path parent, final Config config) throws IOException
        {
            final Path dir = Files.createTempDirectory(parent, "offload-mix-");
            final List<Path> files = new ArrayList<>(config.files());
            try
            {
                final ByteBuffer block = ByteBuffer.allocate(config.ioSize()).order(ByteOrder.nativeOrder());
                for (int f = 0; f < config.files(); f++)
                {
                    final Path path = dir.resolve(String.format(java.util.Locale.ROOT, "data-%03d.dbf", f));
                    files.add(path);
                    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE))
                    {
                        for (int b = 0; b < config.blocksPerFile(); b++)
                        {
                            block.clear();
                            block.putLong(tag(f, b)).putLong(0L);
                            while (block.hasRemaining())
                            {
                                block.put(fill(0L));
                            }
                            block.flip();
                            while (block.hasRemaining())
                            {
                                ch.write(block);
                            }
                        }
                        ch.force(true);
                    }
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                SourceTree.delete(dir, files);
                throw ex;
            }
            return new DataSet(dir, files, config);
        }

        MemorySegment nativePath(final int index)
        {
            return nativePaths[index];
        }

        /** @return the directory. */
        public Path dir()
        {
            return dir;
        }

        /**
         * Read every block back with plain Java and check it is whole.
         *
         * @param threads threads that may have written (stamps name them).
         * @param ops     ops each may have made.
         * @return blocks whose stamp is not the initial one.
         * @throws IOException if a file cannot be read.
         * @throws IllegalStateException naming the first bad block.
         */
        public long verify(final int threads, final int ops) throws IOException
        {
            long rewritten = 0;
            final ByteBuffer block = ByteBuffer.allocate(config.ioSize()).order(ByteOrder.nativeOrder());
            for (int f = 0; f < files.size(); f++)
            {
                if (Files.size(files.get(f)) != config.fileSize())
                {
                    throw new IllegalStateException(files.get(f) + " changed size: " + Files.size(files.get(f)));
                }
                try (FileChannel ch = FileChannel.open(files.get(f), StandardOpenOption.READ))
                {
                    for (int b = 0; b < config.blocksPerFile(); b++)
                    {
                        block.clear();
                        while (block.hasRemaining() && ch.read(block) > 0)
                        {
                            // read the whole block
                        }
                        block.flip();
                        final long tag = block.getLong();
                        final long stamp = block.getLong();
                        final int writer = (int)(stamp >>> 32);
                        final int op = (int)stamp;
                        final boolean validStamp = stamp == 0 || (writer >= 1 && writer <= threads && op >= 1 &&
                            op <= ops);
                        boolean whole = block.remaining() == config.ioSize() - HEADER;
                        final byte want = fill(stamp);
                        while (whole && block.hasRemaining())
                        {
                            whole = block.get() == want;
                        }
                        if (tag != tag(f, b) || !validStamp || !whole)
                        {
                            throw new IllegalStateException("file " + f + " block " + b + " is not whole: tag " +
                                Long.toHexString(tag) + ", stamp " + Long.toHexString(stamp));
                        }
                        if (stamp != 0)
                        {
                            rewritten++;
                        }
                    }
                }
            }
            return rewritten;
        }

        /**
         * Delete the files and free their native paths.
         */
        @Override
        public void close()
        {
            try
            {
                SourceTree.delete(dir, files);
            }
            finally
            {
                arena.close();
            }
        }
    }
}
