package io.offload.servers;

import io.offload.api.DirectoryEntries;
import io.offload.api.Errno;
import io.offload.api.FileStat;
import io.offload.api.IoVector;
import io.offload.api.LinuxConstants;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.api.Syscalls;
import io.offload.api.WaitStrategy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.offload.api.LinuxConstants.O_CREAT;
import static io.offload.api.LinuxConstants.O_DIRECTORY;
import static io.offload.api.LinuxConstants.O_RDONLY;
import static io.offload.api.LinuxConstants.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every FILE call of the runtime, offloaded and direct, against the real file system: the two must agree.
 */
class FileCallsTest
{
    private static OffloadRuntime runtime;

    @TempDir
    Path dir;

    @BeforeAll
    static void start()
    {
        runtime = OffloadRuntime.builder().servers(SyscallClass.FILE, -1).route(SyscallClass.PROCESS, SyscallClass.FILE)
            .waitStrategy(WaitStrategy.SPIN_THEN_PARK).build();
    }

    @AfterAll
    static void stop()
    {
        runtime.close();
    }

    enum Route
    {
        OFFLOADED, DIRECT
    }

    private static Syscalls sys(final Route route)
    {
        return route == Route.OFFLOADED ? runtime.syscalls() : DirectSyscalls.syscalls();
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void writeReadStatTruncateAndRemove(final Route route) throws Exception
    {
        final Syscalls sys = sys(route);
        final String file = dir.resolve("data.bin").toString();
        try (Arena arena = Arena.ofConfined())
        {
            final int fd = sys.open(file, O_RDWR | O_CREAT, 0644);
            final MemorySegment out = arena.allocateFrom("hello, offload", StandardCharsets.UTF_8);
            assertEquals(out.byteSize(), sys.pwrite(fd, out, 0));
            sys.fsync(fd);
            sys.fdatasync(fd);

            final MemorySegment in = arena.allocate(out.byteSize());
            assertEquals(out.byteSize(), sys.pread(fd, in, 0));
            assertArrayEquals(out.toArray(ValueLayout.JAVA_BYTE), in.toArray(ValueLayout.JAVA_BYTE));

            assertEquals(0, sys.lseek(fd, 0, LinuxConstants.SEEK_SET));
            final ByteBuffer direct = ByteBuffer.allocateDirect(5);
            assertEquals(5, sys.read(fd, direct));
            assertEquals(5, direct.position());
            assertEquals("hello", StandardCharsets.UTF_8.decode(direct.flip()).toString());

            final FileStat byFd = sys.fstat(fd);
            final FileStat byPath = sys.stat(file);
            assertTrue(byFd.isRegularFile());
            assertEquals(out.byteSize(), byFd.size());
            assertEquals(byFd.inode(), byPath.inode());
            assertEquals(Files.size(Path.of(file)), byPath.size());

            sys.ftruncate(fd, 3);
            assertEquals(3, sys.fstat(fd).size());
            sys.close(fd);
        }
        final String renamed = dir.resolve("renamed.bin").toString();
        sys.rename(file, renamed);
        assertFalse(Files.exists(Path.of(file)));
        sys.unlink(renamed);
        assertFalse(Files.exists(Path.of(renamed)));
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void vectoredWriteAndRead(final Route route) throws Exception
    {
        final Syscalls sys = sys(route);
        try (Arena arena = Arena.ofConfined())
        {
            final int fd = sys.open(dir.resolve("v.bin").toString(), O_RDWR | O_CREAT, 0600);
            final IoVector out = IoVector.of(arena, arena.allocateFrom("abc", StandardCharsets.US_ASCII),
                arena.allocateFrom("defg", StandardCharsets.US_ASCII));
            assertEquals(out.totalBytes(), sys.writev(fd, out));
            sys.lseek(fd, 0, LinuxConstants.SEEK_SET);
            final MemorySegment a = arena.allocate(4);
            final MemorySegment b = arena.allocate(5);
            assertEquals(9, sys.readv(fd, IoVector.of(arena, a, b)));
            assertEquals("abc\0", new String(a.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII));
            assertEquals("defg\0", new String(b.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII));
            sys.close(fd);
        }
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void directoriesAndGetdents(final Route route) throws Exception
    {
        final Syscalls sys = sys(route);
        final String sub = dir.resolve("sub").toString();
        sys.mkdir(sub, 0755);
        assertTrue(sys.stat(sub).isDirectory());
        for (int i = 0; i < 20; i++)
        {
            Files.writeString(Path.of(sub, "f" + i), "x");
        }
        final List<String> names = new ArrayList<>();
        try (Arena arena = Arena.ofConfined())
        {
            final int fd = sys.open(sub, O_RDONLY | O_DIRECTORY, 0);
            final MemorySegment buf = arena.allocate(512); // small, so getdents64 takes several calls
            long n;
            while ((n = sys.getdents64(fd, buf)) > 0)
            {
                DirectoryEntries.forEach(buf, n, (name, type) ->
                {
                    if (type == LinuxConstants.DT_REG)
                    {
                        names.add(name);
                    }
                });
            }
            sys.close(fd);
        }
        assertEquals(20, names.size());
        for (int i = 0; i < 20; i++)
        {
            Files.delete(Path.of(sub, "f" + i));
        }
        sys.rmdir(sub);
        assertFalse(Files.exists(Path.of(sub)));
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void readlinkOfALinkAndOfAnOpenFd(final Route route) throws Exception
    {
        final Syscalls sys = sys(route);
        final Path target = Files.writeString(dir.resolve("target-" + route + ".txt"), "x");
        final Path link = Files.createSymbolicLink(dir.resolve("link-" + route), target);
        assertEquals(target.toString(), sys.readlink(link.toString()));

        final int fd = sys.open(link.toString(), O_RDONLY, 0);
        assertEquals(target.toRealPath().toString(), sys.readlink("/proc/self/fd/" + fd), "the file behind the fd");
        sys.close(fd);

        final SyscallException notALink = assertThrows(SyscallException.class, () -> sys.readlink(target.toString()));
        assertEquals(Errno.EINVAL, notALink.errno());
        final SyscallException missing =
            assertThrows(SyscallException.class, () -> sys.readlink(dir.resolve("missing").toString()));
        assertEquals(Errno.ENOENT, missing.errno());
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void processCalls(final Route route) throws Exception
    {
        final Syscalls sys = sys(route);
        assertEquals(ProcessHandle.current().pid(), sys.getpid());
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), sys.getppid());
        assertTrue(sys.schedGetcpu() >= 0);
        assertTrue(sys.gettid() > 0);
    }

    @org.junit.jupiter.api.Test
    void offloadedCallRunsOnAnotherThread() throws Exception
    {
        assertNotEquals(DirectSyscalls.syscalls().gettid(), runtime.syscalls().gettid(),
            "an offloaded gettid must run on the server's thread");
        assertEquals(runtime.syscalls().gettid(), runtime.syscalls().gettid(), "one server, one thread");
    }
}
