package io.offload.servers.net;

import io.offload.api.IoVector;
import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;
import io.offload.api.Syscalls;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Buffers the kernel must not be given (issue 15 items 6 and 8): a read-only segment or buffer as the target of a
 * read, and a length past the end or negative, are refused with IllegalArgumentException on every path, before
 * anything reaches the kernel.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BufferArgumentsTest
{
    private static OffloadRuntime runtime;

    @BeforeAll
    static void start()
    {
        runtime = NetTestSupport.networkRuntime();
    }

    @AfterAll
    static void stop()
    {
        runtime.close();
    }

    /** Item 8: one exception type for a bad length, on each checked and raw entry point that takes one. */
    @Test
    void aLengthPastTheEndOrNegativeIsAnIllegalArgument()
    {
        for (final RawSyscalls raw : List.of(runtime.raw(), DirectSyscalls.raw()))
        {
            try (Arena arena = Arena.ofConfined())
            {
                final MemorySegment buf = arena.allocate(16);
                final List<Executable> calls = List.of(
                    () -> raw.read(0, buf, 17),
                    () -> raw.read(0, buf, -1),
                    () -> raw.write(1, buf, 17),
                    () -> raw.write(1, buf, -1),
                    () -> raw.pread(0, buf, 17, 0),
                    () -> raw.pread(0, buf, -1, 0),
                    () -> raw.pwrite(1, buf, 17, 0),
                    () -> raw.pwrite(1, buf, -1, 0));
                for (final Executable call : calls)
                {
                    final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, call);
                    assertTrue(ex.getMessage().contains("length"), ex.getMessage());
                }
            }
        }
    }

    /** Item 6: read-only segments and buffers are never the target of a read, on any path. */
    @Test
    void aReadOnlyTargetIsRefused() throws Exception
    {
        for (final String how : List.of("offloaded", "direct"))
        {
            final Syscalls sys = "offloaded".equals(how) ? runtime.syscalls() : DirectSyscalls.syscalls();
            final RawSyscalls raw = sys.raw();
            final int zero = sys.open("/dev/zero", LinuxConstants.O_RDONLY, 0);
            final int dir = sys.open("/", LinuxConstants.O_RDONLY | LinuxConstants.O_DIRECTORY, 0);
            try (Arena arena = Arena.ofConfined())
            {
                final MemorySegment writable = arena.allocate(4096).fill((byte)0x55);
                final MemorySegment readOnly = writable.asReadOnly();
                final ByteBuffer readOnlyBuffer = ByteBuffer.allocateDirect(64).asReadOnlyBuffer();
                final IoVector vector = IoVector.of(arena, readOnly.asSlice(0, 64));
                final MemorySegment path = arena.allocateFrom("/proc/self/exe");
                final List<Executable> calls = List.of(
                    () -> sys.read(zero, readOnly),
                    () -> sys.read(zero, readOnlyBuffer),
                    () -> sys.pread(zero, readOnly, 0),
                    () -> sys.pread(zero, readOnlyBuffer, 0),
                    () -> sys.readv(zero, vector),
                    () -> sys.getdents64(dir, readOnly),
                    () -> raw.read(zero, readOnly),
                    () -> raw.read(zero, readOnly, 16),
                    () -> raw.pread(zero, readOnly, 16, 0),
                    () -> raw.readv(zero, vector),
                    () -> raw.getdents64(dir, readOnly),
                    () -> raw.readlinkat(LinuxConstants.AT_FDCWD, path, readOnly),
                    () -> raw.statx(LinuxConstants.AT_FDCWD, path, 0, LinuxConstants.STATX_BASIC_STATS, readOnly));
                for (int i = 0; i < calls.size(); i++)
                {
                    final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, calls.get(i),
                        how + " call " + i + " took a read-only target");
                    assertTrue(ex.getMessage().contains("read-only"), ex.getMessage());
                }
                for (long i = 0; i < writable.byteSize(); i++)
                {
                    assertEquals((byte)0x55, writable.get(ValueLayout.JAVA_BYTE, i), "the kernel wrote byte " + i);
                }
            }
            finally
            {
                sys.close(zero);
                sys.close(dir);
            }
        }
    }

    /** Item 6: async reads and Connection reads refuse read-only targets too. */
    @Test
    void asyncAndSocketReadsRefuseAReadOnlyTarget() throws Exception
    {
        final int zero = runtime.syscalls().open("/dev/zero", LinuxConstants.O_RDONLY, 0);
        try (NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared())
        {
            pair.peerWrite(new byte[256]); // an old read that takes the buffer returns instead of waiting
            final MemorySegment writable = arena.allocate(64).fill((byte)0x55);
            final MemorySegment readOnly = writable.asReadOnly();
            final ByteBuffer readOnlyBuffer = ByteBuffer.allocateDirect(64).asReadOnlyBuffer();
            final List<Executable> calls = List.of(
                () -> runtime.async().read(zero, readOnly).get(10, TimeUnit.SECONDS),
                () -> runtime.async().pread(zero, readOnly, 0).get(10, TimeUnit.SECONDS),
                () -> pair.server().read(readOnly),
                () -> pair.server().read(readOnly, java.time.Duration.ofSeconds(1)),
                () -> pair.server().read(readOnlyBuffer),
                () -> pair.server().readFully(readOnly));
            for (int i = 0; i < calls.size(); i++)
            {
                final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, calls.get(i),
                    "call " + i + " took a read-only target");
                assertTrue(ex.getMessage().contains("read-only"), ex.getMessage());
            }
            for (long i = 0; i < writable.byteSize(); i++)
            {
                assertEquals((byte)0x55, writable.get(ValueLayout.JAVA_BYTE, i), "the kernel wrote byte " + i);
            }
        }
        finally
        {
            runtime.syscalls().close(zero);
        }
    }
}
