package io.offload.servers.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The native calls of the io_uring layer, bound through FFM here and nowhere else (the library's {@code LibC} has
 * its own owner; this package keeps its bindings to itself). The three io_uring calls go through libc's
 * {@code syscall(2)} with numbers from {@link UringArch}, since glibc wraps none of them; mmap, munmap, close,
 * eventfd, read and write are glibc functions with the same signature on every architecture.
 * <p>
 * Every call takes a capture segment first ({@link Linker.Option#captureCallState}) and returns the result or
 * {@code -errno}, as the kernel's own calling convention does, so callers branch on the sign and allocate nothing.
 * A capture segment must be used by one thread at a time: the ring's own belongs to the ring's thread, and
 * {@link #threadCapture()} gives each other thread one of its own. Pointers travel as {@code long} addresses: the
 * callers (the ring, its tests) pass addresses of memory they own and keep alive across the call.
 * <p>
 * Each handle is bound lazily, on first use, by a holder class.
 */
final class UringNative
{
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET =
        CAPTURE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final ThreadLocal<MemorySegment> THREAD_CAPTURE =
        ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    /** {@code PROT_READ}: the same on every Linux architecture. */
    static final int PROT_READ = 0x1;
    /** {@code PROT_WRITE}. */
    static final int PROT_WRITE = 0x2;
    /** {@code MAP_SHARED}: the rings are shared with the kernel. */
    static final int MAP_SHARED = 0x01;
    /** {@code MAP_POPULATE}: fault the ring pages in at mmap time, not on the first submission (liburing does). */
    static final int MAP_POPULATE = 0x8000;
    /** {@code EFD_NONBLOCK} ({@code O_NONBLOCK}, 04000 on x86-64 and AArch64). */
    static final int EFD_NONBLOCK = 04000;
    /** {@code EFD_CLOEXEC} ({@code O_CLOEXEC}, 02000000 on x86-64 and AArch64). */
    static final int EFD_CLOEXEC = 02000000;
    /** {@code O_NONBLOCK}, for pipe2. */
    static final int O_NONBLOCK = 04000;
    /** {@code O_CLOEXEC}, for pipe2. */
    static final int O_CLOEXEC = 02000000;

    private UringNative()
    {
    }

    /**
     * @param arena arena that owns the segment.
     * @return a capture segment for the calls here; one thread at a time may use it.
     */
    static MemorySegment allocateCapture(final Arena arena)
    {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /**
     * @return the calling thread's own capture segment (allocated once per thread, on its first call).
     */
    static MemorySegment threadCapture()
    {
        return THREAD_CAPTURE.get();
    }

    private static long errnoOr(final MemorySegment capture, final long result)
    {
        return result == -1 ? -capture.get(JAVA_INT, ERRNO_OFFSET) : result;
    }

    private static MethodHandle bind(final String name, final FunctionDescriptor descriptor, final Linker.Option... options)
    {
        final MemorySegment symbol = LIBC.find(name).orElseThrow(
            () -> new UnsatisfiedLinkError("libc has no symbol '" + name + "': offload needs glibc 2.30 or later"));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    private static RuntimeException rethrow(final String call, final Throwable ex)
    {
        if (ex instanceof RuntimeException runtime)
        {
            return runtime;
        }
        if (ex instanceof Error error)
        {
            throw error;
        }
        return new IllegalStateException("downcall " + call + " failed", ex);
    }

    static final class Syscall
    {
        // long syscall(long number, ...): the six arguments are variadic; unused ones are ignored by the kernel
        static final MethodHandle MH = bind(
            "syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    }

    static final class Mmap
    {
        static final MethodHandle MH = bind(
            "mmap", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
            CAPTURE_ERRNO);
    }

    static final class Munmap
    {
        static final MethodHandle MH = bind("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    }

    static final class Close
    {
        static final MethodHandle MH = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    }

    static final class Eventfd
    {
        static final MethodHandle MH = bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    }

    static final class Read
    {
        static final MethodHandle MH = bind(
            "read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    }

    static final class Write
    {
        static final MethodHandle MH = bind(
            "write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    }

    static final class Pipe2
    {
        static final MethodHandle MH = bind("pipe2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO);
    }

    /**
     * {@code syscall(number, a1, ..., a6)}.
     *
     * @param capture capture segment of the calling thread.
     * @param number  the system call's number for this architecture ({@link UringArch}).
     * @param a1      first argument.
     * @param a2      second argument.
     * @param a3      third argument.
     * @param a4      fourth argument.
     * @param a5      fifth argument.
     * @param a6      sixth argument.
     * @return the result, or {@code -errno}.
     */
    static long syscall(
        final MemorySegment capture, final long number, final long a1, final long a2, final long a3, final long a4,
        final long a5, final long a6)
    {
        try
        {
            return errnoOr(capture, (long)Syscall.MH.invokeExact(capture, number, a1, a2, a3, a4, a5, a6));
        }
        catch (final Throwable ex)
        {
            throw rethrow("syscall", ex);
        }
    }

    /**
     * {@code io_uring_setup(entries, params)}.
     *
     * @param capture capture segment of the calling thread.
     * @param arch    the architecture's table.
     * @param entries SQ entries wanted.
     * @param params  address of a zeroed {@code struct io_uring_params} with the flags set; the kernel fills it.
     * @return the ring's fd, or {@code -errno}.
     */
    static int ioUringSetup(final MemorySegment capture, final UringArch arch, final int entries, final long params)
    {
        return (int)syscall(capture, arch.sysIoUringSetup, entries, params, 0, 0, 0, 0);
    }

    /**
     * {@code io_uring_enter(fd, toSubmit, minComplete, flags, arg, argSize)}.
     *
     * @param capture     capture segment of the calling thread.
     * @param arch        the architecture's table.
     * @param fd          the ring's fd.
     * @param toSubmit    SQEs to consume from the SQ.
     * @param minComplete CQEs to wait for (with {@code IORING_ENTER_GETEVENTS}).
     * @param flags       {@code IORING_ENTER_*}.
     * @param arg         0, or the address of a sigset or (with {@code IORING_ENTER_EXT_ARG}) an
     *                    {@code io_uring_getevents_arg}.
     * @param argSize     size of what {@code arg} points at.
     * @return SQEs consumed (or 0), or {@code -errno}.
     */
    static int ioUringEnter(
        final MemorySegment capture, final UringArch arch, final int fd, final int toSubmit, final int minComplete,
        final int flags, final long arg, final long argSize)
    {
        return (int)syscall(capture, arch.sysIoUringEnter, fd, toSubmit, minComplete, flags, arg, argSize);
    }

    /**
     * {@code io_uring_register(fd, opcode, arg, nrArgs)}.
     *
     * @param capture capture segment of the calling thread.
     * @param arch    the architecture's table.
     * @param fd      the ring's fd.
     * @param opcode  {@code IORING_REGISTER_*}.
     * @param arg     address of the opcode's argument.
     * @param nrArgs  the opcode's count argument.
     * @return the result, or {@code -errno}.
     */
    static int ioUringRegister(
        final MemorySegment capture, final UringArch arch, final int fd, final int opcode, final long arg,
        final int nrArgs)
    {
        return (int)syscall(capture, arch.sysIoUringRegister, fd, opcode, arg, nrArgs, 0, 0);
    }

    /**
     * {@code mmap(NULL, length, prot, flags, fd, offset)}.
     *
     * @param capture capture segment of the calling thread.
     * @param length  bytes.
     * @param prot    {@code PROT_*}.
     * @param flags   {@code MAP_*}.
     * @param fd      the fd to map.
     * @param offset  offset into it (for io_uring, one of the {@code IORING_OFF_*} magic offsets).
     * @return the mapping's address, or {@code -errno} (addresses of user mappings are never in the errno range).
     */
    static long mmap(
        final MemorySegment capture, final long length, final int prot, final int flags, final int fd, final long offset)
    {
        try
        {
            return errnoOr(capture, (long)Mmap.MH.invokeExact(capture, 0L, length, prot, flags, fd, offset));
        }
        catch (final Throwable ex)
        {
            throw rethrow("mmap", ex);
        }
    }

    /**
     * @param capture capture segment of the calling thread.
     * @param address a mapping's address.
     * @param length  its length.
     * @return 0 or {@code -errno}.
     */
    static int munmap(final MemorySegment capture, final long address, final long length)
    {
        try
        {
            return (int)errnoOr(capture, (int)Munmap.MH.invokeExact(capture, address, length));
        }
        catch (final Throwable ex)
        {
            throw rethrow("munmap", ex);
        }
    }

    /**
     * @param capture capture segment of the calling thread.
     * @param fd      an fd.
     * @return 0 or {@code -errno}.
     */
    static int close(final MemorySegment capture, final int fd)
    {
        try
        {
            return (int)errnoOr(capture, (int)Close.MH.invokeExact(capture, fd));
        }
        catch (final Throwable ex)
        {
            throw rethrow("close", ex);
        }
    }

    /**
     * @param capture capture segment of the calling thread.
     * @param initval initial counter.
     * @param flags   {@code EFD_*}.
     * @return the eventfd, or {@code -errno}.
     */
    static int eventfd(final MemorySegment capture, final int initval, final int flags)
    {
        try
        {
            return (int)errnoOr(capture, (int)Eventfd.MH.invokeExact(capture, initval, flags));
        }
        catch (final Throwable ex)
        {
            throw rethrow("eventfd", ex);
        }
    }

    /**
     * @param capture capture segment of the calling thread.
     * @param fd      an fd.
     * @param buf     address of {@code count} bytes.
     * @param count   bytes.
     * @return bytes read, or {@code -errno}.
     */
    static long read(final MemorySegment capture, final int fd, final long buf, final long count)
    {
        try
        {
            return errnoOr(capture, (long)Read.MH.invokeExact(capture, fd, buf, count));
        }
        catch (final Throwable ex)
        {
            throw rethrow("read", ex);
        }
    }

    /**
     * @param capture capture segment of the calling thread.
     * @param fd      an fd.
     * @param buf     address of {@code count} bytes.
     * @param count   bytes.
     * @return bytes written, or {@code -errno}.
     */
    static long write(final MemorySegment capture, final int fd, final long buf, final long count)
    {
        try
        {
            return errnoOr(capture, (long)Write.MH.invokeExact(capture, fd, buf, count));
        }
        catch (final Throwable ex)
        {
            throw rethrow("write", ex);
        }
    }

    /**
     * @param capture capture segment of the calling thread.
     * @param fds     address of two ints: read end, write end.
     * @param flags   {@code O_NONBLOCK}, {@code O_CLOEXEC}.
     * @return 0 or {@code -errno}.
     */
    static int pipe2(final MemorySegment capture, final long fds, final int flags)
    {
        try
        {
            return (int)errnoOr(capture, (int)Pipe2.MH.invokeExact(capture, fds, flags));
        }
        catch (final Throwable ex)
        {
            throw rethrow("pipe2", ex);
        }
    }
}
