package io.offload.servers;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.RuntimeStats;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.api.Syscalls;
import io.offload.servers.routing.ThreadAllocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The caller's RWF_NOWAIT fast path for FILE reads: a read of cached data is answered on the caller (a hit, and no
 * server takes a call); a read the kernel will not answer at once (not cached, a pipe with no data, an fd that
 * refuses RWF_NOWAIT) goes to the server (a miss) and gets the server's answer; switched off, nothing is counted and
 * every read goes to the server. A hit allocates nothing.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NoWaitReadsTest
{
    private static final byte[] DATA = "the quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.US_ASCII);

    private Path file;

    @BeforeEach
    void writeFile() throws Exception
    {
        file = Files.createTempFile(Path.of("target"), "nowait", ".bin"); // a disk file system, not tmpfs
        Files.write(file, DATA);
    }

    @AfterEach
    void deleteFile() throws Exception
    {
        Files.deleteIfExists(file);
    }

    private static OffloadContext small()
    {
        return OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1).jmx(false);
    }

    private static long picked(final RuntimeStats stats)
    {
        return stats.servers().stream().mapToLong(s -> s.pickedUp()).sum();
    }

    @ParameterizedTest(name = "{0} arena")
    @ValueSource(strings = {"confined", "shared", "auto"})
    void aCachedReadIsServedOnTheCaller(final String arenaKind) throws Exception
    {
        try (OffloadRuntime runtime = small().build();
             Arena arena = "shared".equals(arenaKind) ? Arena.ofShared() : Arena.ofConfined())
        {
            final Syscalls sys = runtime.syscalls();
            final int fd = sys.open(file.toString(), LinuxConstants.O_RDONLY, 0);
            try
            {
                final MemorySegment buf = "auto".equals(arenaKind) ? Arena.ofAuto().allocate(64) : arena.allocate(64);
                final RuntimeStats before = runtime.stats();
                assertEquals(DATA.length - 4, sys.pread(fd, buf, 4));
                assertArrayEquals(java.util.Arrays.copyOfRange(DATA, 4, DATA.length),
                    buf.asSlice(0, DATA.length - 4).toArray(ValueLayout.JAVA_BYTE));
                assertEquals(DATA.length, sys.read(fd, buf));
                assertArrayEquals(DATA, buf.asSlice(0, DATA.length).toArray(ValueLayout.JAVA_BYTE));
                assertEquals(0, sys.read(fd, buf), "end of file, from the fast path too");
                final ByteBuffer bytes = ByteBuffer.allocateDirect(8);
                assertEquals(8, sys.pread(fd, bytes, 0));
                assertEquals(8, bytes.position());
                final RuntimeStats after = runtime.stats();
                assertEquals(4, after.nowaitHits() - before.nowaitHits(), after.toTable());
                assertEquals(0, after.nowaitMisses() - before.nowaitMisses(), after.toTable());
                assertEquals(picked(before), picked(after), "no server took a call\n" + after.toTable());
                assertTrue(after.toTable().contains("hits " + after.nowaitHits()), after.toTable());
            }
            finally
            {
                sys.close(fd);
            }
        }
    }

    @Test
    void aSwitchedOffFastPathCountsNothingAndEveryReadGoesToTheServer() throws Exception
    {
        try (OffloadRuntime runtime = small().nowaitReads(false).build(); Arena arena = Arena.ofConfined())
        {
            final Syscalls sys = runtime.syscalls();
            final int fd = sys.open(file.toString(), LinuxConstants.O_RDONLY, 0);
            try
            {
                final MemorySegment buf = arena.allocate(64);
                final long pickedBefore = picked(runtime.stats());
                assertEquals(DATA.length, sys.pread(fd, buf, 0));
                assertEquals(DATA.length, sys.read(fd, buf));
                final RuntimeStats after = runtime.stats();
                assertEquals(0, after.nowaitHits());
                assertEquals(0, after.nowaitMisses());
                assertEquals(pickedBefore + 2, picked(after), after.toTable());
            }
            finally
            {
                sys.close(fd);
            }
        }
    }

    @Test
    void theSwitchIsReadFromItsProperty()
    {
        final String before = System.getProperty(Configuration.NOWAIT_READS_PROP);
        System.setProperty(Configuration.NOWAIT_READS_PROP, "false");
        try (OffloadRuntime runtime = small().build())
        {
            assertEquals(false, runtime.config().nowaitReads());
        }
        finally
        {
            if (before == null)
            {
                System.clearProperty(Configuration.NOWAIT_READS_PROP);
            }
            else
            {
                System.setProperty(Configuration.NOWAIT_READS_PROP, before);
            }
        }
    }

    @Test
    void anInlineReadIsNotTriedTwice() throws Exception
    {
        try (OffloadRuntime runtime = small().inline(Syscall.PREAD).build(); Arena arena = Arena.ofConfined())
        {
            final Syscalls sys = runtime.syscalls();
            final int fd = sys.open(file.toString(), LinuxConstants.O_RDONLY, 0);
            try
            {
                assertEquals(DATA.length, sys.pread(fd, arena.allocate(64), 0));
                assertEquals(0, runtime.stats().nowaitHits() + runtime.stats().nowaitMisses());
            }
            finally
            {
                sys.close(fd);
            }
        }
    }

    @Test
    void anFdThatRefusesTheFastPathGetsTheServersAnswer() throws Exception
    {
        try (OffloadRuntime runtime = small().build(); Arena arena = Arena.ofConfined())
        {
            final Syscalls sys = runtime.syscalls();
            final int[] pipe = sys.pipe2(0);
            try
            {
                final RuntimeStats before = runtime.stats();
                // pread of a pipe: the kernel refuses it (ESPIPE) on the caller and on the server alike
                final SyscallException espipe = assertThrows(SyscallException.class,
                    () -> sys.pread(pipe[0], arena.allocate(16), 0));
                assertEquals(Errno.ESPIPE, espipe.errno());
                final RuntimeStats after = runtime.stats();
                assertEquals(1, after.nowaitMisses() - before.nowaitMisses(), after.toTable());
                assertEquals(0, after.nowaitHits() - before.nowaitHits(), after.toTable());
                assertEquals(picked(before) + 1, picked(after), "the server answered\n" + after.toTable());
            }
            finally
            {
                sys.close(pipe[0]);
                sys.close(pipe[1]);
            }
        }
    }

    @Test
    void aPipeWithNoDataWaitsAtTheServerAndOneWithSomeIsAnsweredOnTheCaller() throws Exception
    {
        try (OffloadRuntime runtime = small().build(); Arena arena = Arena.ofShared())
        {
            final Syscalls sys = runtime.syscalls();
            final int[] pipe = sys.pipe2(0);
            try
            {
                final MemorySegment buf = arena.allocate(64);
                final CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() ->
                {
                    try
                    {
                        return sys.read(pipe[0], buf);
                    }
                    catch (final SyscallException ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                }, r -> Thread.ofPlatform().daemon().start(r));
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (runtime.stats().nowaitMisses() == 0)
                {
                    if (System.nanoTime() > deadline)
                    {
                        fail("the read of an empty pipe never missed the fast path\n" + runtime.stats().toTable());
                    }
                    Thread.sleep(1);
                }
                final MemorySegment three = arena.allocate(3);
                three.copyFrom(MemorySegment.ofArray(new byte[]{1, 2, 3}));
                assertEquals(3, sys.write(pipe[1], three));
                assertEquals(3, reader.get(60, TimeUnit.SECONDS), "the server answered with what was written");
                assertEquals(0, runtime.stats().nowaitHits());

                // data there: a read asking for more gets what the pipe has, on the caller
                assertEquals(3, sys.write(pipe[1], three));
                final long pickedBefore = picked(runtime.stats());
                assertEquals(3, sys.read(pipe[0], buf));
                assertEquals(1, runtime.stats().nowaitHits());
                assertEquals(pickedBefore, picked(runtime.stats()));
            }
            finally
            {
                sys.close(pipe[0]);
                sys.close(pipe[1]);
            }
        }
    }

    @Test
    void aReadOfPagesNotCachedGoesToTheServer() throws Throwable
    {
        final byte[] big = new byte[1 << 20];
        java.util.Arrays.fill(big, (byte)'x');
        Files.write(file, big);
        try (OffloadRuntime runtime = small().build(); Arena arena = Arena.ofConfined())
        {
            final Syscalls sys = runtime.syscalls();
            final int fd = sys.open(file.toString(), LinuxConstants.O_RDONLY, 0);
            try
            {
                sys.fsync(fd); // clean pages are the ones DONTNEED drops
                assertEquals(0, fadvise(fd, 0, 0, 4)); // POSIX_FADV_DONTNEED
                final RuntimeStats before = runtime.stats();
                final MemorySegment buf = arena.allocate(4096);
                assertEquals(4096, sys.pread(fd, buf, 512 * 1024));
                assertEquals('x', buf.get(ValueLayout.JAVA_BYTE, 4095));
                final RuntimeStats after = runtime.stats();
                assertEquals(1, after.nowaitHits() + after.nowaitMisses() - before.nowaitHits() - before.nowaitMisses());
                Assumptions.assumeTrue(after.nowaitMisses() > before.nowaitMisses(),
                    "the page cache kept the file's pages despite POSIX_FADV_DONTNEED");
                assertEquals(picked(before) + 1, picked(after), "the server read it\n" + after.toTable());
            }
            finally
            {
                sys.close(fd);
            }
        }
    }

    @Test
    void aClosedArenaIsRefusedBeforeAnyRead() throws Exception
    {
        try (OffloadRuntime runtime = small().build())
        {
            final Syscalls sys = runtime.syscalls();
            final int fd = sys.open(file.toString(), LinuxConstants.O_RDONLY, 0);
            try
            {
                final Arena arena = Arena.ofShared();
                final MemorySegment buf = arena.allocate(64);
                arena.close();
                assertThrows(IllegalStateException.class, () -> sys.pread(fd, buf, 0));
                assertThrows(IllegalStateException.class, () -> runtime.raw().read(fd, buf));
                assertEquals(0, runtime.stats().nowaitHits() + runtime.stats().nowaitMisses());
            }
            finally
            {
                sys.close(fd);
            }
        }
    }

    @ParameterizedTest(name = "{0} arena")
    @ValueSource(strings = {"confined", "shared"})
    void aHitAllocatesNothing(final String arenaKind) throws Exception
    {
        try (OffloadRuntime runtime = small().build();
             Arena arena = "shared".equals(arenaKind) ? Arena.ofShared() : Arena.ofConfined())
        {
            final Syscalls sys = runtime.syscalls();
            final int fd = sys.open(file.toString(), LinuxConstants.O_RDONLY, 0);
            try
            {
                final MemorySegment buf = arena.allocate(DATA.length);
                for (int i = 0; i < 5_000; i++)
                {
                    sys.pread(fd, buf, 0);
                    runtime.raw().pread(fd, buf, 0);
                }
                final long pickedBefore = picked(runtime.stats());
                final StringBuilder rounds = new StringBuilder();
                for (int round = 0; round < 40; round++)
                {
                    final long before = ThreadAllocation.bytesSoFar();
                    long sum = 0;
                    for (int i = 0; i < 500; i++)
                    {
                        sum += sys.pread(fd, buf, 0);
                        sum += runtime.raw().pread(fd, buf, 0);
                    }
                    final long allocated = ThreadAllocation.bytesSoFar() - before;
                    assertEquals(1_000L * DATA.length, sum);
                    if (allocated < 1_024)
                    {
                        assertEquals(pickedBefore, picked(runtime.stats()), "every read was a hit");
                        return;
                    }
                    rounds.append(rounds.length() == 0 ? "" : ", ").append(allocated);
                }
                fail("every round of 1,000 fast-path reads (" + arenaKind + " arena) allocated: " + rounds + " bytes");
            }
            finally
            {
                sys.close(fd);
            }
        }
    }

    private static int fadvise(final int fd, final long offset, final long length, final int advice) throws Throwable
    {
        final Linker linker = Linker.nativeLinker();
        final MethodHandle handle = linker.downcallHandle(linker.defaultLookup().find("posix_fadvise").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        return (int)handle.invokeExact(fd, offset, length, advice);
    }
}
