package io.offload.servers;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.api.Syscalls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input gets an exception that says what was wrong, before anything reaches the kernel; the JVM survives and
 * the runtime goes on serving.
 */
class BadInputTest
{
    private static OffloadRuntime runtime;
    private static Syscalls sys;
    private static RawSyscalls raw;

    @BeforeAll
    static void start()
    {
        runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1).build();
        sys = runtime.syscalls();
        raw = runtime.raw();
    }

    @AfterAll
    static void stop()
    {
        runtime.close();
    }

    @Test
    void closedFdIsEbadf() throws Exception
    {
        final int fd = sys.open("/dev/null", LinuxConstants.O_RDONLY, 0);
        sys.close(fd);
        final SyscallException ex = assertThrows(SyscallException.class, () -> sys.close(fd));
        assertEquals(Errno.EBADF, ex.errno());
        assertEquals("EBADF", ex.errnoName());
        assertEquals("Bad file descriptor", ex.strerror());
        assertTrue(ex.getMessage().startsWith("close(fd=" + fd + "): EBADF (Bad file descriptor)"), ex.getMessage());
        try (Arena arena = Arena.ofConfined())
        {
            assertEquals(-Errno.EBADF, raw.pread(fd, arena.allocate(16), 0));
            // an async call refuses a confined arena's segment (its thread could close it under the call): auto
            final ExecutionException async = assertThrows(ExecutionException.class,
                () -> runtime.async().pread(fd, Arena.ofAuto().allocate(16), 0).get());
            assertEquals(Errno.EBADF, assertInstanceOf(SyscallException.class, async.getCause()).errno());
        }
    }

    @Test
    void missingFileIsEnoent()
    {
        final SyscallException ex = assertThrows(SyscallException.class,
            () -> sys.open("/no/such/file", LinuxConstants.O_RDONLY, 0));
        assertEquals(Errno.ENOENT, ex.errno());
        assertTrue(ex.getMessage().contains("/no/such/file"), ex.getMessage());
    }

    @Test
    void heapSegmentIsRefused()
    {
        final MemorySegment heap = MemorySegment.ofArray(new byte[16]);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> sys.read(0, heap));
        assertTrue(ex.getMessage().contains("heap segment"), ex.getMessage());
        assertTrue(ex.getMessage().contains("Arena"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> raw.pwrite(1, heap, 0));
        assertThrows(IllegalArgumentException.class, () -> runtime.async().read(0, heap));
    }

    @Test
    void heapByteBufferIsRefused()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> sys.read(0, ByteBuffer.allocate(16)));
        assertTrue(ex.getMessage().contains("allocateDirect"), ex.getMessage());
    }

    @Test
    void closedArenaIsRefused()
    {
        final Arena arena = Arena.ofShared();
        final MemorySegment buf = arena.allocate(64);
        arena.close();
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> sys.read(0, buf));
        assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
    }

    @Test
    void lengthPastTheEndIsRefused()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment buf = arena.allocate(16);
            // issue 15 item 8: one exception type for a bad length, as the README and RawSyscalls promise
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> raw.read(0, buf, 17));
            assertTrue(ex.getMessage().contains("past the end"), ex.getMessage());
            assertThrows(IllegalArgumentException.class, () -> raw.pwrite(1, buf, -1, 0));
            assertThrows(IllegalArgumentException.class, () -> raw.pread(0, buf, -5));
        }
    }

    @Test
    void pathWithoutNulAndPathWithNulAreRefused()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment notTerminated = arena.allocate(4).fill((byte)'a');
            assertThrows(IllegalArgumentException.class, () -> raw.openat(LinuxConstants.AT_FDCWD, notTerminated, 0, 0));
        }
        assertThrows(IllegalArgumentException.class, () -> sys.open("a\0b", LinuxConstants.O_RDONLY, 0));
        assertThrows(IllegalArgumentException.class, () -> sys.stat(null));
    }

    @Test
    void runtimeKeepsServingAfterBadInput() throws Exception
    {
        assertThrows(IllegalArgumentException.class, () -> sys.read(0, MemorySegment.ofArray(new byte[1])));
        assertEquals(ProcessHandle.current().pid(), sys.getpid());
        assertFalse(runtime.isClosed());
    }

    @Test
    void callsAfterCloseFailClearly()
    {
        final OffloadRuntime closed = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1).build();
        closed.close();
        closed.close(); // idempotent
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> closed.syscalls().fsync(1));
        assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
        assertThrows(IllegalStateException.class, () -> closed.raw().getpid());
        final ExecutionException async = assertThrows(ExecutionException.class, () -> closed.async().fsync(1).get());
        assertInstanceOf(IllegalStateException.class, async.getCause());
        assertTrue(closed.stats().servers().stream().noneMatch(s -> s.running()));
    }

    @Test
    void aCloseAfterTheRuntimeClosedStillReleasesTheFd() throws Exception
    {
        final OffloadRuntime runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1).build();
        final int fd = runtime.syscalls().open("/dev/null", io.offload.api.LinuxConstants.O_RDONLY, 0);
        runtime.close();
        final java.nio.file.Path link = java.nio.file.Path.of("/proc/self/fd/" + fd);
        assertTrue(java.nio.file.Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        runtime.syscalls().close(fd); // a close is the one call that still runs: on the caller, so no fd leaks
        assertFalse(java.nio.file.Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS), "fd " + fd + " released");
    }

    @Test
    void cpuThatDoesNotExist() throws Exception
    {
        try (OffloadRuntime unpinned = OffloadRuntime.builder().servers(SyscallClass.FILE, 1000).build())
        {
            assertEquals(ProcessHandle.current().pid(), unpinned.syscalls().getpid());
            assertFalse(unpinned.stats().servers().get(0).pinned(), "cpu 1000 cannot be had: runs unpinned");
        }
        final IllegalArgumentException strict = assertThrows(IllegalArgumentException.class,
            () -> OffloadRuntime.builder().servers(SyscallClass.FILE, 1000).strictPinning(true).build());
        assertTrue(strict.getMessage().contains("cpu 1000"), strict.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OffloadRuntime.builder().servers(SyscallClass.FILE, -2));
    }

    @Test
    void badSettingsAreRefusedAtBuild()
    {
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> OffloadRuntime.builder().ringCapacity(1000).build()).getMessage().contains("power of two"));
        assertThrows(IllegalArgumentException.class, () -> OffloadRuntime.builder().maxEntries(1000).build());
        assertThrows(IllegalArgumentException.class, () -> OffloadRuntime.builder().batchLimit(0).build());
        assertThrows(IllegalArgumentException.class, () -> OffloadRuntime.builder().idleStrategy("fast").build());
        assertThrows(IllegalArgumentException.class, () -> OffloadRuntime.builder().virtualSpinLimit(-1).build());
        assertEquals("virtualYieldLimit must be in [0, 1000000] (yields before a virtual thread parks), got -1",
            assertThrows(IllegalArgumentException.class,
                () -> OffloadRuntime.builder().virtualYieldLimit(-1).build()).getMessage());
        assertThrows(IllegalArgumentException.class, () -> OffloadRuntime.builder()
            .servers(SyscallClass.FILE, -1).route(SyscallClass.NETWORK, SyscallClass.IPC).build());
    }
}
