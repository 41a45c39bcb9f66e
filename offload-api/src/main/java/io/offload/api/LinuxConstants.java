package io.offload.api;

/**
 * The Linux values that the calls this library makes take or return, for the architecture this JVM runs on:
 * {@code open} flags, {@code *at} flags, {@code lseek} whence values, {@code statx} masks, {@code st_mode} file type
 * bits, {@code getdents64} {@code d_type} values, socket families, types, levels, options and message flags,
 * {@code shutdown} directions, {@code epoll} events and operations, {@code eventfd}, {@code memfd_create} and
 * {@code getrandom} flags, signal numbers and {@code prctl} options.
 * <p>
 * Each value is the one in the kernel's uapi headers ({@code asm-generic/fcntl.h} or the architecture's
 * {@code asm/fcntl.h}, {@code linux/fcntl.h}, {@code linux/stat.h}, {@code asm-generic/socket.h},
 * {@code linux/eventpoll.h}, {@code asm-generic/signal.h}, {@code linux/memfd.h}, {@code linux/random.h},
 * {@code linux/prctl.h}) and glibc's ({@code <dirent.h>}, {@code <bits/socket.h>}, {@code <bits/socket_type.h>},
 * {@code <sys/socket.h>}, {@code <netinet/in.h>}, {@code <netinet/tcp.h>}, {@code <bits/eventfd.h>}). Octal
 * literals are written as octal, as they are in the headers, so that they can be compared side by side.
 * <p>
 * <b>Architectures.</b> x86-64 and AArch64 share every value here but four {@code open} flags, which AArch64
 * defines itself: {@link #O_DIRECT}, {@link #O_LARGEFILE}, {@link #O_DIRECTORY} and {@link #O_NOFOLLOW} (and
 * {@link #O_TMPFILE}, which contains {@code O_DIRECTORY}): x86-64's {@code O_DIRECTORY} (0200000) is AArch64's
 * {@code O_DIRECT}. Those five are read from the {@link LinuxArch} that {@code os.arch} selects when this class is
 * initialised ({@link #ARCH}); every other field is a compile-time constant. An architecture other than x86-64 or
 * AArch64 is refused here, at class initialisation, with an exception naming it (the socket options, for one, are
 * numbered differently on MIPS, SPARC, PA-RISC and Alpha). {@code LinuxConstantsTest} checks every field against a
 * table per architecture written from the headers.
 */
public final class LinuxConstants
{
    /**
     * The architecture whose values this class holds, from {@code os.arch}. Initialising it refuses an architecture
     * the library does not support ({@link LinuxArch#current()}).
     */
    public static final LinuxArch ARCH = LinuxArch.current();

    // ---- open(2) / openat(2) flags -------------------------------------------------------------------------------

    /** Open for reading only. */
    public static final int O_RDONLY = 0;
    /** Open for writing only. */
    public static final int O_WRONLY = 01;
    /** Open for reading and writing. */
    public static final int O_RDWR = 02;
    /** Mask of the access mode bits ({@link #O_RDONLY}, {@link #O_WRONLY}, {@link #O_RDWR}). */
    public static final int O_ACCMODE = 03;
    /** Create the file if it does not exist. */
    public static final int O_CREAT = 0100;
    /** With {@link #O_CREAT}: fail with {@code EEXIST} if the file exists. */
    public static final int O_EXCL = 0200;
    /** Do not make a terminal the controlling terminal. */
    public static final int O_NOCTTY = 0400;
    /** Truncate a regular file to length 0. */
    public static final int O_TRUNC = 01000;
    /** Every write goes to the end of the file. */
    public static final int O_APPEND = 02000;
    /** Non-blocking mode. */
    public static final int O_NONBLOCK = 04000;
    /** Writes complete as for synchronized I/O data integrity. */
    public static final int O_DSYNC = 010000;
    /**
     * Direct I/O, bypassing the page cache; buffers, offsets and lengths must be aligned. Per architecture: 040000 on
     * x86-64, 0200000 on AArch64.
     */
    public static final int O_DIRECT = ARCH.oDirect;
    /**
     * Allow files whose size does not fit in 32 bits. This is the kernel's value; glibc defines {@code O_LARGEFILE}
     * as 0 for 64-bit processes because the kernel sets it itself for them, so passing it is harmless and optional.
     * Per architecture: 0100000 on x86-64, 0400000 on AArch64.
     */
    public static final int O_LARGEFILE = ARCH.oLargefile;
    /**
     * Fail with {@code ENOTDIR} unless the path is a directory. Per architecture: 0200000 on x86-64, 040000 on
     * AArch64.
     */
    public static final int O_DIRECTORY = ARCH.oDirectory;
    /**
     * Fail with {@code ELOOP} if the last path component is a symbolic link. Per architecture: 0400000 on x86-64,
     * 0100000 on AArch64.
     */
    public static final int O_NOFOLLOW = ARCH.oNofollow;
    /** Do not update the file's last access time. */
    public static final int O_NOATIME = 01000000;
    /** Close the descriptor on {@code execve}. */
    public static final int O_CLOEXEC = 02000000;
    /** Writes complete as for synchronized I/O file integrity ({@code __O_SYNC | O_DSYNC}). */
    public static final int O_SYNC = 04010000;
    /** Obtain a descriptor that only names a location in the file system. */
    public static final int O_PATH = 010000000;
    /**
     * Create an unnamed temporary file in the given directory ({@code __O_TMPFILE | O_DIRECTORY}, with
     * {@code __O_TMPFILE} 020000000). Per architecture, through {@link #O_DIRECTORY}: 020200000 on x86-64, 020040000
     * on AArch64.
     */
    public static final int O_TMPFILE = 020000000 | O_DIRECTORY;

    // ---- *at(2) arguments ------------------------------------------------------------------------------------------

    /** The {@code dirfd} that makes a {@code *at} call resolve a relative path against the working directory. */
    public static final int AT_FDCWD = -100;
    /** {@code fstatat}/{@code statx}: do not follow a symbolic link in the last component. */
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** {@code unlinkat}: remove a directory, as {@code rmdir} does. */
    public static final int AT_REMOVEDIR = 0x200;
    /** {@code fstatat}/{@code statx}: an empty path means the file {@code dirfd} refers to. */
    public static final int AT_EMPTY_PATH = 0x1000;

    // ---- lseek(2) whence -------------------------------------------------------------------------------------------

    /** The offset is absolute. */
    public static final int SEEK_SET = 0;
    /** The offset is relative to the current position. */
    public static final int SEEK_CUR = 1;
    /** The offset is relative to the end of the file. */
    public static final int SEEK_END = 2;
    /** Seek to the next byte of data at or after the offset. */
    public static final int SEEK_DATA = 3;
    /** Seek to the next hole at or after the offset. */
    public static final int SEEK_HOLE = 4;

    // ---- statx(2) mask ---------------------------------------------------------------------------------------------

    /**
     * Everything in a plain {@code struct stat}: type, mode, nlink, uid, gid, atime, mtime, ctime, ino, size, blocks.
     */
    public static final int STATX_BASIC_STATS = 0x7ff;
    /**
     * {@link #STATX_BASIC_STATS} plus {@code STATX_BTIME}; the kernel headers deprecate the name but keep the value.
     */
    public static final int STATX_ALL = 0xfff;

    /** {@code STATX_BTIME}: the file's creation (birth) time, where the file system records one. */
    public static final int STATX_BTIME = 0x800;

    // ---- access(2) / faccessat(2) modes ----------------------------------------------------------------------------

    /** The file exists. */
    public static final int F_OK = 0;
    /** The file may be executed (a directory: searched). */
    public static final int X_OK = 1;
    /** The file may be written. */
    public static final int W_OK = 2;
    /** The file may be read. */
    public static final int R_OK = 4;

    // ---- st_mode / stx_mode file type bits -------------------------------------------------------------------------

    /** Mask of the file type bits in a mode. */
    public static final int S_IFMT = 0170000;
    /** Socket. */
    public static final int S_IFSOCK = 0140000;
    /** Symbolic link. */
    public static final int S_IFLNK = 0120000;
    /** Regular file. */
    public static final int S_IFREG = 0100000;
    /** Block device. */
    public static final int S_IFBLK = 060000;
    /** Directory. */
    public static final int S_IFDIR = 040000;
    /** Character device. */
    public static final int S_IFCHR = 020000;
    /** FIFO. */
    public static final int S_IFIFO = 010000;

    // ---- getdents64(2) d_type --------------------------------------------------------------------------------------

    /** The file system did not report the type; ask {@code statx}. */
    public static final int DT_UNKNOWN = 0;
    /** FIFO. */
    public static final int DT_FIFO = 1;
    /** Character device. */
    public static final int DT_CHR = 2;
    /** Directory. */
    public static final int DT_DIR = 4;
    /** Block device. */
    public static final int DT_BLK = 6;
    /** Regular file. */
    public static final int DT_REG = 8;
    /** Symbolic link. */
    public static final int DT_LNK = 10;
    /** Socket. */
    public static final int DT_SOCK = 12;

    // ---- socket(2) domains (<bits/socket.h>) -----------------------------------------------------------------------

    /** Local (file-system or abstract) sockets; {@code PF_UNIX}, {@code PF_LOCAL}. */
    public static final int AF_UNIX = 1;
    /** IPv4. */
    public static final int AF_INET = 2;
    /** IPv6. */
    public static final int AF_INET6 = 10;

    // ---- socket(2) types and type flags (<bits/socket_type.h>) -----------------------------------------------------

    /** Sequenced, reliable, connection-based byte streams (TCP for the INET families). */
    public static final int SOCK_STREAM = 1;
    /** Connectionless, unreliable datagrams (UDP for the INET families). */
    public static final int SOCK_DGRAM = 2;
    /**
     * Or-ed into the type of {@code socket}, or the flags of {@code accept4}: the new descriptor is non-blocking.
     * The same bit as {@link #O_NONBLOCK}; every socket a server touches needs it, so that would-block goes to the
     * reactor instead of stalling the server.
     */
    public static final int SOCK_NONBLOCK = 04000;
    /** Or-ed into the type of {@code socket}, or the flags of {@code accept4}: close on exec; as {@link #O_CLOEXEC}. */
    public static final int SOCK_CLOEXEC = 02000000;

    // ---- setsockopt(2) / getsockopt(2) levels and options ----------------------------------------------------------

    /** The level of the socket-layer options ({@code SO_*}). */
    public static final int SOL_SOCKET = 1;
    /** Allow {@code bind} to a local address still in TIME_WAIT (int, boolean). */
    public static final int SO_REUSEADDR = 2;
    /** Read and clear the pending socket error (int); how a non-blocking {@code connect}'s outcome is learned. */
    public static final int SO_ERROR = 4;
    /** Size of the send buffer in bytes (int; the kernel doubles what is set). */
    public static final int SO_SNDBUF = 7;
    /** Size of the receive buffer in bytes (int; the kernel doubles what is set). */
    public static final int SO_RCVBUF = 8;
    /** Send keep-alive probes on an idle connection (int, boolean). */
    public static final int SO_KEEPALIVE = 9;
    /** Linger on close while data remains to be sent ({@code struct linger}: int onoff, int seconds; 8 bytes). */
    public static final int SO_LINGER = 13;
    /** Let several sockets bind the same address and port; the kernel spreads connections across them. */
    public static final int SO_REUSEPORT = 15;
    /** The level of the TCP options ({@code TCP_*}); the protocol number of TCP for {@code socket}. */
    public static final int IPPROTO_TCP = 6;
    /** Send segments as soon as possible, without Nagle's coalescing (int, boolean). */
    public static final int TCP_NODELAY = 1;

    // ---- send/recv flags (<bits/socket.h>) -------------------------------------------------------------------------

    /** Look at the incoming data without taking it from the queue. */
    public static final int MSG_PEEK = 0x02;
    /** Do not block on this one call, whatever the descriptor's mode. */
    public static final int MSG_DONTWAIT = 0x40;
    /** Block until the whole request is satisfied (a signal, an error or a disconnect can still cut it short). */
    public static final int MSG_WAITALL = 0x100;
    /**
     * Do not raise SIGPIPE when the peer has gone; fail with {@code EPIPE} instead. HotSpot's own handler ignores
     * SIGPIPE, but under {@code -Xrs}, or in a launcher that resets signal handlers, its default action ends the
     * whole process; passing this flag on every send to a stream socket makes that not matter.
     */
    public static final int MSG_NOSIGNAL = 0x4000;

    // ---- shutdown(2) how (<sys/socket.h>) --------------------------------------------------------------------------

    /** No more receptions. */
    public static final int SHUT_RD = 0;
    /** No more transmissions: the peer reads end of stream (0) once it has drained the data. */
    public static final int SHUT_WR = 1;
    /** No more receptions or transmissions. */
    public static final int SHUT_RDWR = 2;

    // ---- epoll(7) (<sys/epoll.h>, <linux/eventpoll.h>) -------------------------------------------------------------

    /** The fd is readable (or a listening socket has a connection to accept). */
    public static final int EPOLLIN = 0x001;
    /** Urgent (out-of-band) data to read. */
    public static final int EPOLLPRI = 0x002;
    /** The fd is writable (or a non-blocking connect has finished, either way: read {@link #SO_ERROR}). */
    public static final int EPOLLOUT = 0x004;
    /** An error condition; always reported, need not be asked for. */
    public static final int EPOLLERR = 0x008;
    /** Hang-up; always reported, need not be asked for. */
    public static final int EPOLLHUP = 0x010;
    /** The peer closed its writing half (stream sockets). */
    public static final int EPOLLRDHUP = 0x2000;
    /** Wake only one of several epoll instances waiting on the same fd ({@code 1u << 28}). */
    public static final int EPOLLEXCLUSIVE = 1 << 28;
    /** Disarm the registration after one event; re-arm it with {@link #EPOLL_CTL_MOD} ({@code 1u << 30}). */
    public static final int EPOLLONESHOT = 1 << 30;
    /**
     * Edge-triggered: report a change of state once, not a state for as long as it lasts. {@code 1u << 31} in the
     * headers, so negative as a Java int ({@code 0x80000000}); compare masks with {@code &}, never with {@code <}.
     */
    public static final int EPOLLET = 1 << 31;
    /** {@code epoll_create1} flag: close the epoll fd on exec; as {@link #O_CLOEXEC}. */
    public static final int EPOLL_CLOEXEC = 02000000;
    /** {@code epoll_ctl}: register an fd. */
    public static final int EPOLL_CTL_ADD = 1;
    /** {@code epoll_ctl}: unregister an fd (the event argument is ignored). */
    public static final int EPOLL_CTL_DEL = 2;
    /** {@code epoll_ctl}: change the events and data of a registered fd. */
    public static final int EPOLL_CTL_MOD = 3;

    // ---- eventfd(2) flags (<bits/eventfd.h>) -----------------------------------------------------------------------

    /** Each read takes 1 from the counter instead of all of it. */
    public static final int EFD_SEMAPHORE = 1;
    /** Non-blocking reads and writes; as {@link #O_NONBLOCK}. */
    public static final int EFD_NONBLOCK = 04000;
    /** Close on exec; as {@link #O_CLOEXEC}. */
    public static final int EFD_CLOEXEC = 02000000;

    // ---- memfd_create(2) flags (<linux/memfd.h>) -------------------------------------------------------------------

    /** Close the new descriptor on exec. */
    public static final int MFD_CLOEXEC = 0x0001;
    /** Allow seals ({@code F_ADD_SEALS}) on the new file; without it the file starts sealed against sealing. */
    public static final int MFD_ALLOW_SEALING = 0x0002;

    // ---- getrandom(2) flags (<linux/random.h>) ---------------------------------------------------------------------

    /** Fail with {@code EAGAIN} instead of blocking while the pool is not yet initialised. */
    public static final int GRND_NONBLOCK = 0x0001;
    /** Historically the blocking {@code /dev/random} pool; since Linux 5.6 the same as no flag. */
    public static final int GRND_RANDOM = 0x0002;
    /** Return bytes even before the pool is initialised, not fit for keys (Linux 5.6 and later). */
    public static final int GRND_INSECURE = 0x0004;

    // ---- signals (<asm-generic/signal.h>; x86's <asm/signal.h> numbers them the same) ------------------------------

    /** Hang-up; by convention, reload the configuration. */
    public static final int SIGHUP = 1;
    /** Interrupt from the keyboard (Ctrl-C). */
    public static final int SIGINT = 2;
    /** Quit from the keyboard; HotSpot prints a thread dump on it. */
    public static final int SIGQUIT = 3;
    /** Kill: cannot be caught, blocked or ignored. */
    public static final int SIGKILL = 9;
    /** User-defined signal 1. */
    public static final int SIGUSR1 = 10;
    /** User-defined signal 2. */
    public static final int SIGUSR2 = 12;
    /** Write to a pipe or socket with no reader. */
    public static final int SIGPIPE = 13;
    /** Termination request; the JVM runs its shutdown hooks. */
    public static final int SIGTERM = 15;
    /** A child stopped or ended. */
    public static final int SIGCHLD = 17;
    /** Continue a stopped process. */
    public static final int SIGCONT = 18;
    /** Stop: cannot be caught, blocked or ignored. */
    public static final int SIGSTOP = 19;
    /** The highest signal number ({@code _NSIG}); real-time signals run from 32 to this. */
    public static final int SIGRTMAX = 64;

    // ---- prctl(2) options (<linux/prctl.h>) ------------------------------------------------------------------------

    /** Read whether the process may dump core ({@code prctl} returns 0, 1 or 2). */
    public static final int PR_GET_DUMPABLE = 3;
    /** Set the calling thread's name (up to 15 bytes and a NUL), from a pointer in the second argument. */
    public static final int PR_SET_NAME = 15;
    /** Read the calling thread's name into a 16-byte buffer given by its address in the second argument. */
    public static final int PR_GET_NAME = 16;
    /** Read the calling thread's timer slack in nanoseconds (the result of {@code prctl}). */
    public static final int PR_GET_TIMERSLACK = 30;

    private LinuxConstants()
    {
    }
}
