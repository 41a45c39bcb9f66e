package io.offload.servers.libc;

import io.offload.api.Errno;
import io.offload.api.Syscall;
import io.offload.api.SyscallException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import io.offload.servers.topology.CpuTopology;

import java.util.BitSet;

/**
 * Pins the calling thread to one CPU with {@code sched_setaffinity(0, ...)}, which acts on the calling thread
 * only, so it must run on the thread being pinned (a server pins itself in its agent's {@code onStart}).
 */
public final class CpuAffinity
{
    private CpuAffinity()
    {
    }

    /**
     * @param cpu CPU number, {@code 0 <= cpu < 1024}.
     * @throws SyscallException if the kernel refuses (EINVAL for a CPU that is offline, absent or outside the
     *                          process's allowed set).
     */
    public static void pinCurrentThread(final int cpu) throws SyscallException
    {
        if (cpu < 0 || cpu >= LibC.CPU_SET_BYTES * 8)
        {
            throw new IllegalArgumentException("cpu must be in [0, " + (LibC.CPU_SET_BYTES * 8) + "), got " + cpu);
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment mask = arena.allocate(LibC.CPU_SET_BYTES, 8);
            mask.fill((byte)0);
            mask.set(ValueLayout.JAVA_BYTE, cpu >>> 3, (byte)(1 << (cpu & 7)));
            final MemorySegment capture = LibC.allocateCaptureState(arena);
            final long result = SyscallDispatcher.execute(
                capture, Syscall.SCHED_SETAFFINITY.op(), 0, LibC.CPU_SET_BYTES, mask.address(), 0, 0, 0);
            if (result < 0)
            {
                throw new SyscallException(Syscall.SCHED_SETAFFINITY, (int)-result, "cpu=" + cpu);
            }
        }
    }

    /**
     * Let the calling thread run on any of {@code cpus} (the kernel intersects them with the process's cpuset).
     * A thread inherits its creator's mask, so a runtime built from a pinned thread resets its unpinned threads.
     *
     * @param cpus CPUs, at least one, each below 1024.
     * @throws SyscallException if the kernel refuses (EINVAL when none of them may be used).
     */
    public static void setCurrentThreadCpus(final BitSet cpus) throws SyscallException
    {
        if (cpus.isEmpty() || cpus.length() > LibC.CPU_SET_BYTES * 8)
        {
            throw new IllegalArgumentException("cpus must name 1 to 1024 CPUs below 1024, got " + cpus);
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment mask = arena.allocate(LibC.CPU_SET_BYTES, 8);
            mask.fill((byte)0);
            final byte[] bytes = cpus.toByteArray();
            MemorySegment.copy(bytes, 0, mask, ValueLayout.JAVA_BYTE, 0, bytes.length);
            final MemorySegment capture = LibC.allocateCaptureState(arena);
            final long result = SyscallDispatcher.execute(
                capture, Syscall.SCHED_SETAFFINITY.op(), 0, LibC.CPU_SET_BYTES, mask.address(), 0, 0, 0);
            if (result < 0)
            {
                throw new SyscallException(Syscall.SCHED_SETAFFINITY, (int)-result, "cpus=" + cpus);
            }
        }
    }

    /**
     * Undo an inherited pin: let the calling thread run on every online CPU. Best effort; a failure leaves the
     * inherited mask, which is still a valid place to run.
     *
     * @return true if the mask was reset.
     */
    public static boolean unpinCurrentThread()
    {
        try
        {
            final BitSet online = new BitSet();
            for (final int cpu : CpuTopology.current().onlineCpus())
            {
                if (cpu < LibC.CPU_SET_BYTES * 8)
                {
                    online.set(cpu);
                }
            }
            setCurrentThreadCpus(online);
            return true;
        }
        catch (final SyscallException | RuntimeException ex)
        {
            return false;
        }
    }

    /**
     * @return the CPUs the calling thread may run on ({@code sched_getaffinity}).
     */
    public static BitSet allowedCpus()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment mask = arena.allocate(LibC.CPU_SET_BYTES, 8);
            mask.fill((byte)0);
            final MemorySegment capture = LibC.allocateCaptureState(arena);
            final int result = (int)LibC.SchedGetaffinity.MH.invokeExact(
                capture, 0, (long)LibC.CPU_SET_BYTES, mask.address());
            if (result < 0)
            {
                throw new IllegalStateException(
                    "sched_getaffinity failed: " + Errno.name(LibC.errno(capture)));
            }
            return BitSet.valueOf(mask.toArray(ValueLayout.JAVA_BYTE));
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("sched_getaffinity downcall failed", ex);
        }
    }

    /**
     * @return the CPU the calling thread runs on now ({@code sched_getcpu}).
     */
    public static int currentCpu()
    {
        try
        {
            return (int)LibC.SchedGetcpu.MH.invokeExact();
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("sched_getcpu downcall failed", ex);
        }
    }
}
