package io.offload.bench;

import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;
import io.offload.api.SyscallException;
import io.offload.api.WaitStrategy;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A 4 KiB {@code pread} from a 1 MiB file held in the page cache, at offsets cycling through the file, into a
 * native 4 KiB segment: direct on the caller's thread against offloaded through the raw API with the caller
 * spinning. A real, short system call (a 4 KiB copy out of the page cache), where the hand-off is a smaller share
 * than for getpid.
 * <p>
 * CPUs: the benchmark (caller) thread is pinned on CPU 0; the offload server is pinned on CPU 1 and busy-spins when
 * idle. The file is created and read once in the trial's setup, so every measured read hits the page cache. The
 * offloaded case runs on both server executors ({@code executor} = SYSCALLS or IO_URING, set as the
 * {@code offload.executor} property before the runtime is built).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = BenchSupport.NATIVE_ACCESS)
public class Pread4kBenchmark
{
    static final int FILE_BYTES = 1 << 20;
    static final int READ_BYTES = 4096;
    static final int BLOCK_MASK = FILE_BYTES / READ_BYTES - 1;

    /** The file, its descriptor and the buffer, shared by both cases. */
    abstract static class FileState
    {
        Path path;
        int fd = -1;
        Arena arena;
        MemorySegment buf;
        int block;

        void createFile() throws IOException, SyscallException
        {
            path = Files.createTempFile("offload-pread4k-", ".bin");
            final byte[] bytes = new byte[FILE_BYTES];
            new Random(42).nextBytes(bytes);
            Files.write(path, bytes);
            fd = DirectSyscalls.syscalls().open(path.toString(), LinuxConstants.O_RDONLY, 0);
            arena = Arena.ofShared();
            buf = arena.allocate(READ_BYTES, 4096);
            final RawSyscalls direct = DirectSyscalls.raw();
            for (int i = 0; i <= BLOCK_MASK; i++) // warm: every block in the page cache
            {
                final long n = direct.pread(fd, buf, (long)i * READ_BYTES);
                if (n != READ_BYTES)
                {
                    throw new IllegalStateException("warm-up pread returned " + n);
                }
            }
        }

        long nextOffset()
        {
            final int b = block;
            block = b + 1;
            return (long)(b & BLOCK_MASK) * READ_BYTES;
        }

        void deleteFile() throws IOException
        {
            if (fd >= 0)
            {
                DirectSyscalls.raw().close(fd);
            }
            if (arena != null)
            {
                arena.close();
            }
            if (path != null)
            {
                Files.deleteIfExists(path);
            }
        }
    }

    /** The direct baseline: caller on CPU 0, no runtime. */
    @State(Scope.Thread)
    public static class Direct extends FileState
    {
        RawSyscalls raw;

        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            BenchSupport.pin(BenchSupport.CALLER_CPU, "benchmark thread");
            createFile();
            raw = DirectSyscalls.raw();
        }

        @Setup(Level.Iteration)
        public void check()
        {
            BenchSupport.checkOn(BenchSupport.CALLER_CPU);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            deleteFile();
        }
    }

    /** Offloaded with a spinning caller: server on CPU 1, caller on CPU 0. */
    @State(Scope.Thread)
    public static class Spin extends FileState
    {
        /** The servers' executor, set as {@code offload.executor} before the runtime is built. */
        @Param({ "SYSCALLS", "IO_URING" })
        String executor;

        OffloadRuntime runtime;
        RawSyscalls raw;

        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            runtime = BenchSupport.newRuntime(WaitStrategy.SPIN, executor);
            raw = runtime.raw();
            BenchSupport.pin(BenchSupport.CALLER_CPU, "benchmark thread");
            createFile();
            final long n = raw.pread(fd, buf, 0);
            if (n != READ_BYTES)
            {
                throw new IllegalStateException("offloaded pread returned " + n);
            }
        }

        @Setup(Level.Iteration)
        public void check()
        {
            BenchSupport.checkOn(BenchSupport.CALLER_CPU);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            BenchSupport.printServers(runtime);
            runtime.close();
            deleteFile();
        }
    }

    /**
     * @param s the caller's state.
     * @return bytes read.
     */
    @Benchmark
    public long direct(final Direct s)
    {
        return s.raw.pread(s.fd, s.buf, s.nextOffset());
    }

    /**
     * @param s the caller's state.
     * @return bytes read, by the server.
     */
    @Benchmark
    public long offloadedSpin(final Spin s)
    {
        return s.raw.pread(s.fd, s.buf, s.nextOffset());
    }
}
