package io.offload.servers.call;

import io.offload.api.LinuxConstants;
import io.offload.api.SyscallClass;
import io.offload.api.Syscalls;
import io.offload.servers.OffloadRuntime;
import io.offload.servers.routing.ThreadAllocation;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The checked calls allocate nothing when they succeed: the words of an error message (which fd, which path) are
 * built only when a call fails. Whether the buffer is passed through (a confined arena) or copied through one of
 * the bounce buffers (a shared arena); over a gate that answers at once as the kernel would (the checked layer and
 * its buffer handling alone: an FFM downcall on the calling thread allocates until the JIT has compiled it), and
 * offloaded to a runtime's server.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CheckedCallsAllocationTest
{
    private static final int CALLS = 500;
    private static final int MAX_ROUNDS = 40;
    private static final SyscallGate KERNEL_LIKE = (syscall, a0, a1, a2, a3, a4, a5, timeoutNanos) ->
        switch (syscall)
        {
            case READ, WRITE, PREAD, PWRITE -> a2; // every byte asked for
            case OPENAT -> 3;
            case GETPID -> 4242;
            default -> 0;
        };

    @ParameterizedTest(name = "{0}, {1} arena")
    @CsvSource({"kernel-like gate, confined", "kernel-like gate, shared", "offloaded, confined", "offloaded, shared"})
    void successfulCheckedCallsAllocateNothing(final String where, final String arenaKind) throws Exception
    {
        final Path file = Files.createTempFile("offload-alloc", ".bin");
        final OffloadRuntime runtime = "offloaded".equals(where) ?
            OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1).route(SyscallClass.PROCESS,
                SyscallClass.FILE).build() : null;
        try (Arena arena = "shared".equals(arenaKind) ? Arena.ofShared() : Arena.ofConfined())
        {
            final Syscalls sys = runtime != null ? runtime.syscalls() :
                new GateSyscalls(KERNEL_LIKE, CallMemory.unowned());
            final int fd = sys.open(file.toString(), LinuxConstants.O_RDWR, 0);
            final MemorySegment buf = arena.allocate(64).fill((byte)7);
            final long pid = sys.getpid();
            try
            {
                for (int i = 0; i < (runtime != null ? 300 : 2_000); i++)
                {
                    calls(sys, fd, buf);
                }
                // steady state, once the JIT has compiled the path (the FFM downcall itself allocates until then):
                // some round of 500 must allocate nothing; a message built per call would show in every round
                final StringBuilder rounds = new StringBuilder();
                for (int round = 0; round < MAX_ROUNDS; round++)
                {
                    final long before = ThreadAllocation.bytesSoFar();
                    long sum = 0;
                    for (int i = 0; i < CALLS; i++)
                    {
                        sum += calls(sys, fd, buf);
                    }
                    final long allocated = ThreadAllocation.bytesSoFar() - before;
                    assertEquals((long)CALLS * (64 * 4 + pid), sum);
                    if (allocated < 1_024)
                    {
                        return;
                    }
                    rounds.append(rounds.length() == 0 ? "" : ", ").append(allocated);
                }
                fail("every round of " + CALLS + " successful checked calls (" + where + ", " + arenaKind +
                    " arena) allocated: " + rounds + " bytes");
            }
            finally
            {
                sys.close(fd);
            }
        }
        finally
        {
            if (runtime != null)
            {
                runtime.close();
            }
            Files.deleteIfExists(file);
        }
    }

    private static long calls(final Syscalls sys, final int fd, final MemorySegment buf)
        throws io.offload.api.SyscallException
    {
        long sum = sys.pwrite(fd, buf, 0);
        sum += sys.pread(fd, buf, 0);
        sum += sys.lseek(fd, 0, LinuxConstants.SEEK_SET);
        sum += sys.write(fd, buf);
        sum += sys.lseek(fd, 0, LinuxConstants.SEEK_SET);
        sum += sys.read(fd, buf);
        sys.ftruncate(fd, 64);
        sum += sys.getpid();
        return sum;
    }
}
