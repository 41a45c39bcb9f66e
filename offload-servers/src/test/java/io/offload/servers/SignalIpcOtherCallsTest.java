package io.offload.servers;

import io.offload.api.Errno;
import io.offload.api.FileStat;
import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;
import io.offload.api.ServerStats;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.api.Syscalls;
import io.offload.api.Uname;
import io.offload.api.UtsnameDescriptor;
import io.offload.api.WaitStrategy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SIGNAL, IPC and OTHER calls (kill, tgkill, pipe2, eventfd, memfd_create, uname, getrandom, prctl): each run on
 * a server of its own class, INLINE through a runtime's route table, and directly on the caller, against the real
 * kernel; bad arguments are refused before anything runs.
 */
class SignalIpcOtherCallsTest
{
    /** One server per class these calls belong to; everything else goes to the IPC one. */
    private static OffloadRuntime offloaded;
    /** The three classes INLINE: the runtime runs them on the caller. */
    private static OffloadRuntime inline;

    @BeforeAll
    static void start()
    {
        offloaded = OffloadRuntime.builder()
            .unpinnedServers(SyscallClass.SIGNAL, 1).unpinnedServers(SyscallClass.IPC, 1)
            .unpinnedServers(SyscallClass.OTHER, 1).route(SyscallClass.FILE, SyscallClass.IPC)
            .route(SyscallClass.PROCESS, SyscallClass.IPC).waitStrategy(WaitStrategy.SPIN_THEN_PARK).build();
        inline = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1)
            .inline(SyscallClass.SIGNAL).inline(SyscallClass.IPC).inline(SyscallClass.OTHER)
            .waitStrategy(WaitStrategy.SPIN_THEN_PARK).build();
    }

    @AfterAll
    static void stop()
    {
        offloaded.close();
        inline.close();
    }

    enum Route
    {
        OFFLOADED, RUNTIME_INLINE, DIRECT
    }

    private static Syscalls sys(final Route route)
    {
        return switch (route)
        {
            case OFFLOADED -> offloaded.syscalls();
            case RUNTIME_INLINE -> inline.syscalls();
            case DIRECT -> DirectSyscalls.syscalls();
        };
    }

    @Test
    void eachCallBelongsToItsClassAndRunsOnThatClassServer() throws Exception
    {
        assertEquals(SyscallClass.SIGNAL, Syscall.KILL.syscallClass());
        assertEquals(SyscallClass.SIGNAL, Syscall.TGKILL.syscallClass());
        assertEquals(SyscallClass.IPC, Syscall.PIPE2.syscallClass());
        assertEquals(SyscallClass.IPC, Syscall.EVENTFD.syscallClass());
        assertEquals(SyscallClass.IPC, Syscall.MEMFD_CREATE.syscallClass());
        assertEquals(SyscallClass.OTHER, Syscall.UNAME.syscallClass());
        assertEquals(SyscallClass.OTHER, Syscall.GETRANDOM.syscallClass());
        assertEquals(SyscallClass.OTHER, Syscall.PRCTL.syscallClass());
        assertEquals("memfd_create", Syscall.MEMFD_CREATE.cName());
        // appended: every earlier op keeps its number
        assertTrue(Syscall.KILL.op() > Syscall.READLINKAT.op() && Syscall.PRCTL.op() > Syscall.KILL.op());

        final long signalBefore = pickedUp(SyscallClass.SIGNAL);
        final long otherBefore = pickedUp(SyscallClass.OTHER);
        final Syscalls sys = offloaded.syscalls();
        sys.kill(sys.getpid(), 0);
        sys.uname();
        assertEquals(signalBefore + 1, pickedUp(SyscallClass.SIGNAL));
        assertEquals(otherBefore + 1, pickedUp(SyscallClass.OTHER));
        assertEquals(SyscallClass.SIGNAL, offloaded.routeOf(Syscall.KILL));
        assertEquals(null, inline.routeOf(Syscall.KILL), "INLINE in the second runtime");
    }

    private static long pickedUp(final SyscallClass syscallClass)
    {
        long total = 0;
        for (final ServerStats server : offloaded.stats().servers())
        {
            if (server.syscallClass() == syscallClass)
            {
                total += server.pickedUp();
            }
        }
        return total;
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void killSignalsAChildProcessAndChecksExistence(final Route route) throws Exception
    {
        final Syscalls sys = sys(route);
        sys.kill(sys.getpid(), 0); // signal 0: this process exists and may be signalled
        final SyscallException noSuchProcess =
            assertThrows(SyscallException.class, () -> sys.kill(Integer.MAX_VALUE, 0));
        assertEquals(Errno.ESRCH, noSuchProcess.errno());
        assertEquals(Syscall.KILL, noSuchProcess.syscall());

        final Process child = new ProcessBuilder("sleep", "600").start();
        try
        {
            sys.kill((int)child.pid(), LinuxConstants.SIGTERM);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not end on SIGTERM");
            assertEquals(128 + LinuxConstants.SIGTERM, child.exitValue());
        }
        finally
        {
            child.destroyForcibly();
        }
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void tgkillReachesAThreadOfThisProcess(final Route route) throws Exception
    {
        final Syscalls sys = sys(route);
        final int pid = sys.getpid();
        final int tid = DirectSyscalls.syscalls().gettid(); // this thread's id, wherever the call runs
        sys.tgkill(pid, tid, 0);
        final SyscallException noSuchThread =
            assertThrows(SyscallException.class, () -> sys.tgkill(pid, Integer.MAX_VALUE, 0));
        assertEquals(Errno.ESRCH, noSuchThread.errno());
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void pipe2MovesBytesWithTheFlagsAsked(final Route route) throws Exception
    {
        final Syscalls sys = sys(route);
        final int[] fds = sys.pipe2(LinuxConstants.O_NONBLOCK | LinuxConstants.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined())
        {
            assertEquals(2, fds.length);
            assertNotEquals(fds[0], fds[1]);
            final int flags = openFlags(fds[0]);
            assertEquals(LinuxConstants.O_NONBLOCK, flags & LinuxConstants.O_NONBLOCK);
            assertEquals(LinuxConstants.O_CLOEXEC, flags & LinuxConstants.O_CLOEXEC);
            final byte[] hello = "hello through a pipe".getBytes(StandardCharsets.UTF_8);
            assertEquals(hello.length, sys.write(fds[1], arena.allocateFrom(ValueLayout.JAVA_BYTE, hello)));
            final MemorySegment in = arena.allocate(64);
            final long n = sys.read(fds[0], in);
            assertArrayEquals(hello, in.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
        }
        finally
        {
            sys.close(fds[0]);
            sys.close(fds[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void eventfdStartsAtItsInitialValue(final Route route) throws Exception
    {
        final Syscalls sys = sys(route);
        final int fd = sys.eventfd(5, LinuxConstants.EFD_CLOEXEC | LinuxConstants.EFD_NONBLOCK);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment value = arena.allocate(8, 8);
            assertEquals(8, sys.read(fd, value));
            assertEquals(5, value.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(LinuxConstants.O_NONBLOCK, openFlags(fd) & LinuxConstants.O_NONBLOCK);
        }
        finally
        {
            sys.close(fd);
        }
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void memfdCreateMakesAnAnonymousFile(final Route route) throws Exception
    {
        final Syscalls sys = sys(route);
        final int fd = sys.memfdCreate("offload-" + route, LinuxConstants.MFD_CLOEXEC);
        try (Arena arena = Arena.ofConfined())
        {
            assertEquals("/memfd:offload-" + route + " (deleted)", sys.readlink("/proc/self/fd/" + fd));
            assertEquals(3, sys.pwrite(fd, arena.allocateFrom(ValueLayout.JAVA_BYTE, new byte[]{1, 2, 3}), 0));
            final FileStat stat = sys.fstat(fd);
            assertEquals(3, stat.size());
        }
        finally
        {
            sys.close(fd);
        }
        final SyscallException badFlags = assertThrows(SyscallException.class, () -> sys.memfdCreate("x", 1 << 20));
        assertEquals(Errno.EINVAL, badFlags.errno());
        assertEquals(Syscall.MEMFD_CREATE, badFlags.syscall());
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void unameNamesThisKernelAndMachine(final Route route) throws Exception
    {
        final Uname uname = sys(route).uname();
        assertEquals("Linux", uname.sysname());
        assertEquals(System.getProperty("os.version"), uname.release());
        assertEquals(LinuxConstants.ARCH == io.offload.api.LinuxArch.X86_64 ? "x86_64" : "aarch64", uname.machine());
        assertTrue(!uname.nodename().isEmpty() && !uname.version().isEmpty(), uname.toString());
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void getrandomFillsTheBuffer(final Route route) throws Exception
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment buf = arena.allocate(64);
            assertEquals(64, sys(route).getrandom(buf, 0));
            // 64 zero bytes from the generator: 2^-512
            assertNotEquals(-1L, buf.mismatch(arena.allocate(64)), "getrandom left the buffer all zero");
        }
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void prctlActsOnTheThreadThatRunsIt(final Route route) throws Exception
    {
        final Syscalls sys = sys(route);
        final long dumpable = sys.prctl(LinuxConstants.PR_GET_DUMPABLE, 0, 0, 0, 0);
        assertTrue(dumpable >= 0 && dumpable <= 2, "PR_GET_DUMPABLE gave " + dumpable);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment name = arena.allocate(16);
            assertEquals(0, sys.prctl(LinuxConstants.PR_GET_NAME, name.address(), 0, 0, 0));
            final String threadName = name.getString(0);
            if (route == Route.OFFLOADED)
            {
                assertTrue(threadName.startsWith("offload-other"), "offloaded, a server thread: " + threadName);
            }
            else
            {
                // the caller's own thread, as the kernel names it
                assertEquals(Files.readString(Path.of("/proc/thread-self/comm")).trim(), threadName);
            }
        }
        final SyscallException unknown =
            assertThrows(SyscallException.class, () -> sys.prctl(0x7fff_fff0, 0, 0, 0, 0));
        assertEquals(Errno.EINVAL, unknown.errno());
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingRuns() throws Exception
    {
        for (final RawSyscalls raw : new RawSyscalls[]{offloaded.raw(), inline.raw(), DirectSyscalls.raw()})
        {
            try (Arena arena = Arena.ofConfined())
            {
                assertThrows(IllegalArgumentException.class, () -> raw.kill(1, -1));
                assertThrows(IllegalArgumentException.class, () -> raw.kill(1, LinuxConstants.SIGRTMAX + 1));
                assertThrows(IllegalArgumentException.class, () -> raw.tgkill(0, 1, 0));
                assertThrows(IllegalArgumentException.class, () -> raw.tgkill(1, -5, 0));
                assertThrows(IllegalArgumentException.class, () -> raw.pipe2(arena.allocate(4), 0));
                assertThrows(IllegalArgumentException.class, () -> raw.pipe2(MemorySegment.ofArray(new int[2]), 0));
                assertThrows(IllegalArgumentException.class,
                    () -> raw.pipe2(arena.allocate(8).asReadOnly(), 0));
                final IllegalArgumentException badFlags = assertThrows(IllegalArgumentException.class,
                    () -> raw.pipe2(arena.allocate(8), LinuxConstants.O_TRUNC));
                assertTrue(badFlags.getMessage().contains("O_CLOEXEC"), badFlags.getMessage());
                assertThrows(IllegalArgumentException.class, () -> raw.eventfd(-1, 0));
                assertThrows(IllegalArgumentException.class, () -> raw.eventfd(0, LinuxConstants.O_TRUNC));
                assertThrows(IllegalArgumentException.class,
                    () -> raw.memfdCreate(arena.allocateFrom(ValueLayout.JAVA_BYTE, new byte[]{'a'}), 0));
                assertThrows(IllegalArgumentException.class,
                    () -> raw.uname(arena.allocate(UtsnameDescriptor.LENGTH - 1)));
                assertThrows(IllegalArgumentException.class,
                    () -> raw.uname(arena.allocate(UtsnameDescriptor.LENGTH).asReadOnly()));
                assertThrows(IllegalArgumentException.class, () -> raw.getrandom(arena.allocate(8), 0x100));
                assertThrows(IllegalArgumentException.class, () -> raw.getrandom(null, 0));
                assertThrows(IllegalArgumentException.class, () -> raw.prctl(-1, 0, 0, 0, 0));
            }
        }
        final Syscalls sys = offloaded.syscalls();
        assertThrows(IllegalArgumentException.class, () -> sys.memfdCreate("x".repeat(250), 0));
        assertThrows(IllegalArgumentException.class, () -> sys.memfdCreate("a\0b", 0));
        assertThrows(IllegalArgumentException.class, () -> sys.memfdCreate(null, 0));
        // the runtime still serves after all of that
        assertEquals("Linux", sys.uname().sysname());
    }

    @Test
    void rawResultsAreMinusErrnoWithoutExceptions()
    {
        assertEquals(-Errno.ESRCH, offloaded.raw().kill(Integer.MAX_VALUE, 0));
        assertEquals(-Errno.ESRCH, DirectSyscalls.raw().kill(Integer.MAX_VALUE, 0));
        assertEquals(0, offloaded.raw().kill((int)ProcessHandle.current().pid(), 0));
    }

    /**
     * @param fd an open fd of this process.
     * @return its open flags, from /proc/self/fdinfo (octal there).
     */
    private static int openFlags(final int fd) throws Exception
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)))
        {
            if (line.startsWith("flags:"))
            {
                return Integer.parseInt(line.substring("flags:".length()).trim(), 8);
            }
        }
        throw new AssertionError("no flags line in /proc/self/fdinfo/" + fd);
    }
}
