package io.offload.servers.libc;

import io.offload.api.LinuxArch;
import io.offload.api.LinuxConstants;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Every libc function the library calls, bound through FFM in one place. Each handle is bound lazily, on first
 * use, by a holder class (the JVM's lazy class initialisation does the locking).
 * <p>
 * Pointers are passed as {@code long} addresses ({@code JAVA_LONG}): on the SysV x86-64 and AArch64 ABIs a
 * pointer and a 64-bit integer travel in the same register, and a long lets a server pass an address that a
 * caller wrote into an entry without materialising a {@link MemorySegment} per call. The public API checks every
 * segment (native, alive, in bounds) before its address gets here.
 * <p>
 * Calls that can fail take a capture segment first ({@link Linker.Option#captureCallState}): errno is read from it
 * on the same thread right after the call. Calls that never block and never fail (getpid and friends) are bound
 * {@linkplain Linker.Option#critical critical}: no thread-state transition, which halves their cost.
 */
public final class LibC
{
    /**
     * The first thing that binds a call refuses an architecture the library has no values for, with a message
     * naming it (the open flags, struct layouts and ABI notes above hold for x86-64 and AArch64 only).
     */
    private static final LinuxArch ARCH = LinuxConstants.ARCH;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET =
        CAPTURE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private LibC()
    {
    }

    /**
     * @param arena arena that owns the segment; the thread that uses it must be the one that makes the calls.
     * @return a segment to pass as the capture argument of the calls here.
     */
    public static MemorySegment allocateCaptureState(final Arena arena)
    {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /**
     * @param capture a capture segment just filled by a call.
     * @return the errno the call left.
     */
    public static int errno(final MemorySegment capture)
    {
        return capture.get(JAVA_INT, ERRNO_OFFSET);
    }

    static MethodHandle bind(final String name, final FunctionDescriptor descriptor, final Linker.Option... options)
    {
        final MemorySegment symbol = LIBC.find(name).orElseThrow(
            () -> new UnsatisfiedLinkError("libc has no symbol '" + name + "': offload needs glibc 2.30 or later"));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    static MethodHandle critical(final String name, final FunctionDescriptor descriptor)
    {
        return bind(name, descriptor, Linker.Option.critical(false));
    }

    static MethodHandle errnoCapturing(final String name, final FunctionDescriptor descriptor)
    {
        return bind(name, descriptor, CAPTURE_ERRNO);
    }

    static final class Getpid
    {
        static final MethodHandle MH = critical("getpid", FunctionDescriptor.of(JAVA_INT));
    }

    static final class Getppid
    {
        static final MethodHandle MH = critical("getppid", FunctionDescriptor.of(JAVA_INT));
    }

    static final class Gettid
    {
        static final MethodHandle MH = critical("gettid", FunctionDescriptor.of(JAVA_INT));
    }

    static final class SchedGetcpu
    {
        static final MethodHandle MH = critical("sched_getcpu", FunctionDescriptor.of(JAVA_INT));
    }

    static final class SchedSetaffinity
    {
        static final MethodHandle MH = errnoCapturing(
            "sched_setaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    static final class SchedGetaffinity
    {
        static final MethodHandle MH = errnoCapturing(
            "sched_getaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    static final class Read
    {
        static final MethodHandle MH = errnoCapturing(
            "read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    static final class Write
    {
        static final MethodHandle MH = errnoCapturing(
            "write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    /**
     * write(2) without errno: for the eventfd wake-ups callers write on every hand-off to a sleeping server, which
     * read no errno back. A capturing downcall slices its capture segment on every call, and that slice is an
     * allocation the JIT does not always remove.
     */
    static final class WriteWithoutErrno
    {
        static final MethodHandle MH = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    static final class Pread
    {
        static final MethodHandle MH = errnoCapturing(
            "pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    }

    static final class Pwrite
    {
        static final MethodHandle MH = errnoCapturing(
            "pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    }

    static final class Readv
    {
        static final MethodHandle MH = errnoCapturing(
            "readv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Writev
    {
        static final MethodHandle MH = errnoCapturing(
            "writev", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Preadv2
    {
        static final MethodHandle MH = errnoCapturing(
            "preadv2", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    /** preadv2 without errno capture: the caller's RWF_NOWAIT fast path needs only "bytes or not", and a
     * capturing downcall allocates on the caller's thread. */
    static final class Preadv2NoErrno
    {
        static final MethodHandle MH = bind(
            "preadv2", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Pwritev2
    {
        static final MethodHandle MH = errnoCapturing(
            "pwritev2", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Socketpair
    {
        static final MethodHandle MH = errnoCapturing(
            "socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    static final class Pipe2
    {
        static final MethodHandle MH = errnoCapturing("pipe2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Openat
    {
        // int openat(int dirfd, const char *path, int flags, ...): mode is the first variadic argument
        static final MethodHandle MH = bind(
            "openat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(3));
    }

    static final class Close
    {
        static final MethodHandle MH = errnoCapturing("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    static final class Statx
    {
        static final MethodHandle MH = errnoCapturing(
            "statx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    static final class Lseek
    {
        static final MethodHandle MH = errnoCapturing(
            "lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Fsync
    {
        static final MethodHandle MH = errnoCapturing("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    static final class Fdatasync
    {
        static final MethodHandle MH = errnoCapturing("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    static final class Ftruncate
    {
        static final MethodHandle MH = errnoCapturing(
            "ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    static final class Getdents64
    {
        static final MethodHandle MH = errnoCapturing(
            "getdents64", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    static final class Unlinkat
    {
        static final MethodHandle MH = errnoCapturing(
            "unlinkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Readlinkat
    {
        static final MethodHandle MH = errnoCapturing(
            "readlinkat", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    }

    static final class Mkdirat
    {
        static final MethodHandle MH = errnoCapturing(
            "mkdirat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Renameat
    {
        static final MethodHandle MH = errnoCapturing(
            "renameat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG));
    }

    static final class CopyFileRange
    {
        // ssize_t copy_file_range(int fd_in, off64_t *off_in, int fd_out, off64_t *off_out, size_t len, unsigned flags)
        static final MethodHandle MH = errnoCapturing(
            "copy_file_range",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    }

    static final class Symlinkat
    {
        // int symlinkat(const char *target, int newdirfd, const char *linkpath)
        static final MethodHandle MH = errnoCapturing(
            "symlinkat", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG));
    }

    static final class Faccessat
    {
        // int faccessat(int dirfd, const char *pathname, int mode, int flags)
        static final MethodHandle MH = errnoCapturing(
            "faccessat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT));
    }

    // ---- sockets: pointers are struct sockaddr *, socklen_t * (u32), struct msghdr *, off_t * --------------------

    static final class Socket
    {
        static final MethodHandle MH = errnoCapturing(
            "socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }

    static final class Bind
    {
        static final MethodHandle MH = errnoCapturing(
            "bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Listen
    {
        static final MethodHandle MH = errnoCapturing("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    static final class Accept4
    {
        static final MethodHandle MH = errnoCapturing(
            "accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    }

    static final class Connect
    {
        static final MethodHandle MH = errnoCapturing(
            "connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Recvfrom
    {
        // ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
        static final MethodHandle MH = errnoCapturing(
            "recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    static final class Sendto
    {
        // ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
        static final MethodHandle MH = errnoCapturing(
            "sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Recvmsg
    {
        static final MethodHandle MH = errnoCapturing(
            "recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Sendmsg
    {
        static final MethodHandle MH = errnoCapturing(
            "sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Shutdown
    {
        static final MethodHandle MH = errnoCapturing(
            "shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    static final class Setsockopt
    {
        // int setsockopt(int fd, int level, int name, const void *value, socklen_t length)
        static final MethodHandle MH = errnoCapturing(
            "setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Getsockopt
    {
        // int getsockopt(int fd, int level, int name, void *value, socklen_t *length)
        static final MethodHandle MH = errnoCapturing(
            "getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    static final class Getsockname
    {
        static final MethodHandle MH = errnoCapturing(
            "getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    static final class Getpeername
    {
        static final MethodHandle MH = errnoCapturing(
            "getpeername", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    static final class Sendfile
    {
        // ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count); 64-bit off_t on LP64, NULL allowed
        static final MethodHandle MH = errnoCapturing(
            "sendfile", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    // ---- SIGNAL, IPC and OTHER calls (eventfd is bound once, below, for the reactor and for EVENTFD alike) ---------

    static final class Kill
    {
        // int kill(pid_t pid, int sig)
        static final MethodHandle MH = errnoCapturing("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    static final class Tgkill
    {
        // int tgkill(pid_t tgid, pid_t tid, int sig); glibc 2.30
        static final MethodHandle MH = errnoCapturing(
            "tgkill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }

    static final class MemfdCreate
    {
        // int memfd_create(const char *name, unsigned int flags); glibc 2.27
        static final MethodHandle MH = errnoCapturing(
            "memfd_create", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    static final class Uname
    {
        // int uname(struct utsname *buf)
        static final MethodHandle MH = errnoCapturing("uname", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    }

    static final class Getrandom
    {
        // ssize_t getrandom(void *buf, size_t buflen, unsigned int flags); glibc 2.25
        static final MethodHandle MH = errnoCapturing(
            "getrandom", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT));
    }

    static final class Prctl
    {
        // int prctl(int option, ...): glibc reads four unsigned longs after the option, so all four are passed
        static final MethodHandle MH = bind(
            "prctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    }

    // ---- the reactor: epoll and eventfd (see Epoll) -----------------------------------------------------------------

    static final class EpollCreate1
    {
        static final MethodHandle MH = errnoCapturing("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    static final class EpollCtl
    {
        // int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)
        static final MethodHandle MH = errnoCapturing(
            "epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    static final class EpollWait
    {
        // int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
        static final MethodHandle MH = errnoCapturing(
            "epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT));
    }

    static final class Eventfd
    {
        // int eventfd(unsigned int initval, int flags)
        static final MethodHandle MH = errnoCapturing("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    static final class PollHolder
    {
        static final MethodHandle MH = errnoCapturing(
            "poll", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    }

    /** Size of the cpu_set_t the library passes to the affinity calls: room for 1,024 CPUs, as glibc's. */
    public static final int CPU_SET_BYTES = 128;

    /** The layout of one byte, for callers building cpu masks. */
    public static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
}
