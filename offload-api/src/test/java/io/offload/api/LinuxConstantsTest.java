package io.offload.api;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every constant of {@link LinuxConstants}, and every errno of {@link Errno}, against a table per architecture
 * written from the kernel's uapi headers (and glibc's, for the few that only glibc defines), not from the code: the
 * tables are built header by header, the way each architecture's headers build them (AArch64's {@code asm/fcntl.h}
 * defines four flags and then includes {@code asm-generic/fcntl.h}; x86-64 takes {@code asm-generic/fcntl.h} as it
 * is). The architecture this JVM runs on is checked in process; the other one, and the refusal of an unknown one,
 * in a child JVM started with {@code -Dos.arch=...}, which is all that selects the values.
 * <p>
 * The tables hold more names than the class has fields (the rest of {@code F_*}, {@code AT_*}, {@code S_*},
 * {@code STATX_*}), so a constant added later finds its value already checked; a field with no row fails, naming
 * the header to take it from.
 */
class LinuxConstantsTest
{
    // ---- the headers, one block each -------------------------------------------------------------------------------

    /** include/uapi/asm-generic/fcntl.h: what x86-64 uses unchanged. */
    private static final Map<String, Long> ASM_GENERIC_FCNTL = table(
        "O_ACCMODE", 00000003, "O_RDONLY", 00000000, "O_WRONLY", 00000001, "O_RDWR", 00000002,
        "O_CREAT", 00000100, "O_EXCL", 00000200, "O_NOCTTY", 00000400, "O_TRUNC", 00001000,
        "O_APPEND", 00002000, "O_NONBLOCK", 00004000, "O_DSYNC", 00010000, "FASYNC", 00020000,
        "O_DIRECT", 00040000, "O_LARGEFILE", 00100000, "O_DIRECTORY", 00200000, "O_NOFOLLOW", 00400000,
        "O_NOATIME", 01000000, "O_CLOEXEC", 02000000, "__O_SYNC", 04000000, "O_SYNC", 04000000 | 00010000,
        "O_PATH", 010000000, "__O_TMPFILE", 020000000, "O_NDELAY", 00004000,
        "F_DUPFD", 0, "F_GETFD", 1, "F_SETFD", 2, "F_GETFL", 3, "F_SETFL", 4, "F_GETLK", 5, "F_SETLK", 6,
        "F_SETLKW", 7, "F_SETOWN", 8, "F_GETOWN", 9, "F_SETSIG", 10, "F_GETSIG", 11, "F_SETOWN_EX", 15,
        "F_GETOWN_EX", 16, "F_GETOWNER_UIDS", 17, "FD_CLOEXEC", 1, "F_RDLCK", 0, "F_WRLCK", 1, "F_UNLCK", 2,
        "LOCK_SH", 1, "LOCK_EX", 2, "LOCK_NB", 4, "LOCK_UN", 8, "F_LINUX_SPECIFIC_BASE", 1024);

    /** arch/arm64/include/uapi/asm/fcntl.h: defined before it includes asm-generic/fcntl.h, so these win. */
    private static final Map<String, Long> ARM64_FCNTL = table(
        "O_DIRECTORY", 040000, "O_NOFOLLOW", 0100000, "O_DIRECT", 0200000, "O_LARGEFILE", 0400000);

    /** include/uapi/linux/fcntl.h (AT_*, F_* past F_LINUX_SPECIFIC_BASE, seals) and the O_TMPFILE definition. */
    private static final Map<String, Long> LINUX_FCNTL = table(
        "F_SETLEASE", 1024, "F_GETLEASE", 1025, "F_NOTIFY", 1026, "F_CANCELLK", 1029, "F_DUPFD_CLOEXEC", 1030,
        "F_SETPIPE_SZ", 1031, "F_GETPIPE_SZ", 1032, "F_ADD_SEALS", 1033, "F_GET_SEALS", 1034,
        "F_SEAL_SEAL", 0x0001, "F_SEAL_SHRINK", 0x0002, "F_SEAL_GROW", 0x0004, "F_SEAL_WRITE", 0x0008,
        "F_SEAL_FUTURE_WRITE", 0x0010,
        "AT_FDCWD", -100, "AT_SYMLINK_NOFOLLOW", 0x100, "AT_EACCESS", 0x200, "AT_REMOVEDIR", 0x200,
        "AT_SYMLINK_FOLLOW", 0x400, "AT_NO_AUTOMOUNT", 0x800, "AT_EMPTY_PATH", 0x1000,
        "AT_STATX_SYNC_TYPE", 0x6000, "AT_STATX_SYNC_AS_STAT", 0x0000, "AT_STATX_FORCE_SYNC", 0x2000,
        "AT_STATX_DONT_SYNC", 0x4000, "AT_RECURSIVE", 0x8000,
        "RENAME_NOREPLACE", 1, "RENAME_EXCHANGE", 2, "RENAME_WHITEOUT", 4);

    /** include/uapi/linux/fs.h: lseek whence. */
    private static final Map<String, Long> LINUX_FS = table(
        "SEEK_SET", 0, "SEEK_CUR", 1, "SEEK_END", 2, "SEEK_DATA", 3, "SEEK_HOLE", 4);

    /** include/uapi/linux/stat.h: mode bits and statx masks. */
    private static final Map<String, Long> LINUX_STAT = table(
        "S_IFMT", 00170000, "S_IFSOCK", 0140000, "S_IFLNK", 0120000, "S_IFREG", 0100000, "S_IFBLK", 0060000,
        "S_IFDIR", 0040000, "S_IFCHR", 0020000, "S_IFIFO", 0010000, "S_ISUID", 0004000, "S_ISGID", 0002000,
        "S_ISVTX", 0001000, "S_IRWXU", 00700, "S_IRUSR", 00400, "S_IWUSR", 00200, "S_IXUSR", 00100,
        "S_IRWXG", 00070, "S_IRGRP", 00040, "S_IWGRP", 00020, "S_IXGRP", 00010, "S_IRWXO", 00007,
        "S_IROTH", 00004, "S_IWOTH", 00002, "S_IXOTH", 00001,
        "STATX_TYPE", 0x0001, "STATX_MODE", 0x0002, "STATX_NLINK", 0x0004, "STATX_UID", 0x0008,
        "STATX_GID", 0x0010, "STATX_ATIME", 0x0020, "STATX_MTIME", 0x0040, "STATX_CTIME", 0x0080,
        "STATX_INO", 0x0100, "STATX_SIZE", 0x0200, "STATX_BLOCKS", 0x0400, "STATX_BASIC_STATS", 0x07ff,
        "STATX_BTIME", 0x0800, "STATX_ALL", 0x0fff);

    /** glibc unistd.h (POSIX): access(2)/faccessat(2) modes, the same on every architecture. */
    private static final Map<String, Long> GLIBC_UNISTD = table(
        "F_OK", 0, "X_OK", 1, "W_OK", 2, "R_OK", 4);

    /** glibc dirent.h: d_type. */
    private static final Map<String, Long> GLIBC_DIRENT = table(
        "DT_UNKNOWN", 0, "DT_FIFO", 1, "DT_CHR", 2, "DT_DIR", 4, "DT_BLK", 6, "DT_REG", 8, "DT_LNK", 10,
        "DT_SOCK", 12, "DT_WHT", 14);

    /**
     * glibc bits/socket.h, bits/socket_type.h, sys/socket.h (the kernel's include/linux/socket.h and net.h agree):
     * families, types, message flags, shutdown directions; uapi linux/in.h and linux/tcp.h for TCP.
     */
    private static final Map<String, Long> SOCKET = table(
        "AF_UNSPEC", 0, "AF_UNIX", 1, "AF_INET", 2, "AF_INET6", 10,
        "SOCK_STREAM", 1, "SOCK_DGRAM", 2, "SOCK_RAW", 3, "SOCK_SEQPACKET", 5,
        "SOCK_NONBLOCK", 00004000, "SOCK_CLOEXEC", 02000000,
        "MSG_OOB", 0x01, "MSG_PEEK", 0x02, "MSG_DONTROUTE", 0x04, "MSG_CTRUNC", 0x08, "MSG_TRUNC", 0x20,
        "MSG_DONTWAIT", 0x40, "MSG_EOR", 0x80, "MSG_WAITALL", 0x100, "MSG_NOSIGNAL", 0x4000, "MSG_MORE", 0x8000,
        "SHUT_RD", 0, "SHUT_WR", 1, "SHUT_RDWR", 2,
        "IPPROTO_IP", 0, "IPPROTO_TCP", 6, "IPPROTO_UDP", 17, "IPPROTO_IPV6", 41,
        "TCP_NODELAY", 1, "TCP_MAXSEG", 2, "TCP_CORK", 3, "TCP_KEEPIDLE", 4, "TCP_KEEPINTVL", 5, "TCP_KEEPCNT", 6);

    /** include/uapi/asm-generic/socket.h: included by x86's and arm64's asm/socket.h alike. */
    private static final Map<String, Long> ASM_GENERIC_SOCKET = table(
        "SOL_SOCKET", 1, "SO_DEBUG", 1, "SO_REUSEADDR", 2, "SO_TYPE", 3, "SO_ERROR", 4, "SO_DONTROUTE", 5,
        "SO_BROADCAST", 6, "SO_SNDBUF", 7, "SO_RCVBUF", 8, "SO_KEEPALIVE", 9, "SO_OOBINLINE", 10,
        "SO_PRIORITY", 12, "SO_LINGER", 13, "SO_REUSEPORT", 15, "SO_RCVLOWAT", 18, "SO_SNDLOWAT", 19,
        "SO_ACCEPTCONN", 30, "SO_PROTOCOL", 38, "SO_DOMAIN", 39, "SO_INCOMING_CPU", 49);

    /** include/uapi/linux/eventpoll.h and glibc bits/eventfd.h. */
    private static final Map<String, Long> EPOLL_EVENTFD = table(
        "EPOLL_CLOEXEC", 02000000, "EPOLL_CTL_ADD", 1, "EPOLL_CTL_DEL", 2, "EPOLL_CTL_MOD", 3,
        "EPOLLIN", 0x001, "EPOLLPRI", 0x002, "EPOLLOUT", 0x004, "EPOLLERR", 0x008, "EPOLLHUP", 0x010,
        "EPOLLNVAL", 0x020, "EPOLLRDNORM", 0x040, "EPOLLRDBAND", 0x080, "EPOLLWRNORM", 0x100,
        "EPOLLWRBAND", 0x200, "EPOLLMSG", 0x400, "EPOLLRDHUP", 0x2000, "EPOLLEXCLUSIVE", 1L << 28,
        "EPOLLWAKEUP", 1L << 29, "EPOLLONESHOT", 1L << 30, "EPOLLET", 1L << 31,
        "EFD_SEMAPHORE", 00000001, "EFD_CLOEXEC", 02000000, "EFD_NONBLOCK", 00004000);

    /** include/uapi/linux/memfd.h, linux/random.h, linux/prctl.h. */
    private static final Map<String, Long> MEMFD_RANDOM_PRCTL = table(
        "MFD_CLOEXEC", 0x0001, "MFD_ALLOW_SEALING", 0x0002, "MFD_HUGETLB", 0x0004,
        "GRND_NONBLOCK", 0x0001, "GRND_RANDOM", 0x0002, "GRND_INSECURE", 0x0004,
        "PR_SET_PDEATHSIG", 1, "PR_GET_PDEATHSIG", 2, "PR_GET_DUMPABLE", 3, "PR_SET_DUMPABLE", 4,
        "PR_SET_NAME", 15, "PR_GET_NAME", 16, "PR_GET_TIMERSLACK", 30, "PR_SET_TIMERSLACK", 29);

    /**
     * include/uapi/asm-generic/signal.h (arm64's asm/signal.h includes it); arch/x86/include/uapi/asm/signal.h
     * spells out the same numbers and takes SIGRTMAX from the generic _NSIG, 64.
     */
    private static final Map<String, Long> SIGNALS = table(
        "SIGHUP", 1, "SIGINT", 2, "SIGQUIT", 3, "SIGILL", 4, "SIGTRAP", 5, "SIGABRT", 6, "SIGBUS", 7,
        "SIGFPE", 8, "SIGKILL", 9, "SIGUSR1", 10, "SIGSEGV", 11, "SIGUSR2", 12, "SIGPIPE", 13, "SIGALRM", 14,
        "SIGTERM", 15, "SIGSTKFLT", 16, "SIGCHLD", 17, "SIGCONT", 18, "SIGSTOP", 19, "SIGTSTP", 20,
        "SIGTTIN", 21, "SIGTTOU", 22, "SIGURG", 23, "SIGXCPU", 24, "SIGXFSZ", 25, "SIGVTALRM", 26,
        "SIGPROF", 27, "SIGWINCH", 28, "SIGIO", 29, "SIGPWR", 30, "SIGSYS", 31, "SIGRTMIN", 32, "SIGRTMAX", 64);

    /**
     * include/uapi/asm-generic/errno-base.h and errno.h: x86's asm/errno.h includes it, arm64 has none of its own
     * and gets the generic one (Kbuild mandatory-y). The aliases are glibc's (ENOTSUP) and the kernel's.
     */
    private static final Map<String, Long> ERRNO = table(
        "EPERM", 1, "ENOENT", 2, "ESRCH", 3, "EINTR", 4, "EIO", 5, "ENXIO", 6, "E2BIG", 7, "ENOEXEC", 8,
        "EBADF", 9, "ECHILD", 10, "EAGAIN", 11, "ENOMEM", 12, "EACCES", 13, "EFAULT", 14, "ENOTBLK", 15,
        "EBUSY", 16, "EEXIST", 17, "EXDEV", 18, "ENODEV", 19, "ENOTDIR", 20, "EISDIR", 21, "EINVAL", 22,
        "ENFILE", 23, "EMFILE", 24, "ENOTTY", 25, "ETXTBSY", 26, "EFBIG", 27, "ENOSPC", 28, "ESPIPE", 29,
        "EROFS", 30, "EMLINK", 31, "EPIPE", 32, "EDOM", 33, "ERANGE", 34,
        "EDEADLK", 35, "ENAMETOOLONG", 36, "ENOLCK", 37, "ENOSYS", 38, "ENOTEMPTY", 39, "ELOOP", 40,
        "EWOULDBLOCK", 11, "ENOMSG", 42, "EIDRM", 43, "ECHRNG", 44, "EL2NSYNC", 45, "EL3HLT", 46, "EL3RST", 47,
        "ELNRNG", 48, "EUNATCH", 49, "ENOCSI", 50, "EL2HLT", 51, "EBADE", 52, "EBADR", 53, "EXFULL", 54,
        "ENOANO", 55, "EBADRQC", 56, "EBADSLT", 57, "EDEADLOCK", 35, "EBFONT", 59, "ENOSTR", 60, "ENODATA", 61,
        "ETIME", 62, "ENOSR", 63, "ENONET", 64, "ENOPKG", 65, "EREMOTE", 66, "ENOLINK", 67, "EADV", 68,
        "ESRMNT", 69, "ECOMM", 70, "EPROTO", 71, "EMULTIHOP", 72, "EDOTDOT", 73, "EBADMSG", 74, "EOVERFLOW", 75,
        "ENOTUNIQ", 76, "EBADFD", 77, "EREMCHG", 78, "ELIBACC", 79, "ELIBBAD", 80, "ELIBSCN", 81, "ELIBMAX", 82,
        "ELIBEXEC", 83, "EILSEQ", 84, "ERESTART", 85, "ESTRPIPE", 86, "EUSERS", 87, "ENOTSOCK", 88,
        "EDESTADDRREQ", 89, "EMSGSIZE", 90, "EPROTOTYPE", 91, "ENOPROTOOPT", 92, "EPROTONOSUPPORT", 93,
        "ESOCKTNOSUPPORT", 94, "EOPNOTSUPP", 95, "ENOTSUP", 95, "EPFNOSUPPORT", 96, "EAFNOSUPPORT", 97,
        "EADDRINUSE", 98, "EADDRNOTAVAIL", 99, "ENETDOWN", 100, "ENETUNREACH", 101, "ENETRESET", 102,
        "ECONNABORTED", 103, "ECONNRESET", 104, "ENOBUFS", 105, "EISCONN", 106, "ENOTCONN", 107,
        "ESHUTDOWN", 108, "ETOOMANYREFS", 109, "ETIMEDOUT", 110, "ECONNREFUSED", 111, "EHOSTDOWN", 112,
        "EHOSTUNREACH", 113, "EALREADY", 114, "EINPROGRESS", 115, "ESTALE", 116, "EUCLEAN", 117, "ENOTNAM", 118,
        "ENAVAIL", 119, "EISNAM", 120, "EREMOTEIO", 121, "EDQUOT", 122, "ENOMEDIUM", 123, "EMEDIUMTYPE", 124,
        "ECANCELED", 125, "ENOKEY", 126, "EKEYEXPIRED", 127, "EKEYREVOKED", 128, "EKEYREJECTED", 129,
        "EOWNERDEAD", 130, "ENOTRECOVERABLE", 131, "ERFKILL", 132, "EHWPOISON", 133, "MAX_ERRNO", 133);

    // ---- the tables per architecture -------------------------------------------------------------------------------

    /** x86-64: every block as it is; O_TMPFILE = __O_TMPFILE | O_DIRECTORY (0200000). */
    private static final Map<String, Long> X86_64 = merge(
        ASM_GENERIC_FCNTL, LINUX_FCNTL, LINUX_FS, LINUX_STAT, GLIBC_UNISTD, GLIBC_DIRENT, SOCKET, ASM_GENERIC_SOCKET,
        EPOLL_EVENTFD, MEMFD_RANDOM_PRCTL, SIGNALS, table("O_TMPFILE", 020000000 | 0200000));

    /** AArch64: arm64's four open flags over the generic ones; O_TMPFILE = __O_TMPFILE | O_DIRECTORY (040000). */
    private static final Map<String, Long> AARCH64 = merge(
        ASM_GENERIC_FCNTL, ARM64_FCNTL, LINUX_FCNTL, LINUX_FS, LINUX_STAT, GLIBC_UNISTD, GLIBC_DIRENT, SOCKET,
        ASM_GENERIC_SOCKET, EPOLL_EVENTFD, MEMFD_RANDOM_PRCTL, SIGNALS, table("O_TMPFILE", 020000000 | 040000));

    /** Where the two tables differ, and nowhere else, by the headers. */
    private static final Set<String> DIFFERING = Set.of("O_DIRECT", "O_LARGEFILE", "O_DIRECTORY", "O_NOFOLLOW",
        "O_TMPFILE");

    private static Map<String, Long> tableFor(final LinuxArch arch)
    {
        return switch (arch)
        {
            case X86_64 -> X86_64;
            case AARCH64 -> AARCH64;
        };
    }

    // ---- the checks -------------------------------------------------------------------------------------------------

    @Test
    void everyConstantIsTheHeadersValueForThisArchitecture()
    {
        final LinuxArch arch = LinuxArch.current();
        assertSame(arch, LinuxConstants.ARCH);
        assertEquals(Map.of(), mismatches(tableFor(arch), constants(LinuxConstants.class)),
            "constants that differ from the " + arch + " table (header value, field value)");
    }

    @Test
    void theAarch64TableDiffersFromTheX8664OneWhereTheHeadersSay()
    {
        final Set<String> differing = new TreeSet<>();
        for (final String name : X86_64.keySet())
        {
            if (!X86_64.get(name).equals(AARCH64.get(name)))
            {
                differing.add(name);
            }
        }
        assertEquals(X86_64.keySet(), AARCH64.keySet());
        assertEquals(new TreeSet<>(DIFFERING), differing);
        // the bug the per-architecture values fix: x86-64's O_DIRECTORY is AArch64's O_DIRECT
        assertEquals(X86_64.get("O_DIRECTORY"), AARCH64.get("O_DIRECT"));
        assertNotEquals(X86_64.get("O_DIRECTORY"), AARCH64.get("O_DIRECTORY"));
    }

    @Test
    void eachArchitectureOsArchNamesGetsItsOwnTable() throws Exception
    {
        for (final LinuxArch arch : LinuxArch.values())
        {
            for (final String osArch : arch.osArchNames())
            {
                assertSame(arch, LinuxArch.of(osArch));
                final ChildRun run = runWithOsArch(osArch);
                assertEquals(0, run.exitCode, run.output);
                assertEquals(Map.of(), mismatches(tableFor(arch), parse(run.output)),
                    "with os.arch=" + osArch + ", constants that differ from the " + arch + " table");
            }
        }
    }

    @Test
    void anUnknownArchitectureIsRefusedNamingItAndTheSupportedOnes() throws Exception
    {
        final UnsupportedOperationException refused =
            assertThrows(UnsupportedOperationException.class, () -> LinuxArch.of("riscv64"));
        assertTrue(refused.getMessage().contains("'riscv64'"), refused.getMessage());
        for (final String supported : List.of("amd64", "x86_64", "aarch64"))
        {
            assertTrue(refused.getMessage().contains(supported), refused.getMessage());
        }
        assertThrows(UnsupportedOperationException.class, () -> LinuxArch.of(null));

        final ChildRun run = runWithOsArch("ppc64le");
        assertNotEquals(0, run.exitCode, run.output);
        assertTrue(run.output.contains("ExceptionInInitializerError"), run.output);
        assertTrue(run.output.contains("os.arch is 'ppc64le'"), run.output);
    }

    @Test
    void everyErrnoIsTheGenericHeadersValue()
    {
        // errno is asm-generic on both architectures, so one table serves both
        assertEquals(Map.of(), mismatches(ERRNO, constants(Errno.class)), "errno values that differ from the headers");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------------

    private static Map<String, String> mismatches(final Map<String, Long> table, final Map<String, Long> fields)
    {
        final Map<String, String> out = new TreeMap<>();
        for (final Map.Entry<String, Long> field : fields.entrySet())
        {
            final Long expected = table.get(field.getKey());
            if (expected == null)
            {
                out.put(field.getKey(), "no row in the table: add it to both architectures' tables from the uapi " +
                    "headers (include/uapi/asm-generic, arch/x86/include/uapi/asm, arch/arm64/include/uapi/asm)");
            }
            else if (expected.longValue() != field.getValue().longValue())
            {
                out.put(field.getKey(), "header 0" + Long.toOctalString(expected) + " (0x" + Long.toHexString(expected) +
                    "), field 0" + Long.toOctalString(field.getValue()) + " (0x" + Long.toHexString(field.getValue()) + ")");
            }
        }
        return out;
    }

    /**
     * @param type a class of constants.
     * @return its public static int and long fields, by name; ints widened as unsigned (EPOLLET is 1u << 31).
     */
    static Map<String, Long> constants(final Class<?> type)
    {
        final Map<String, Long> out = new TreeMap<>();
        for (final Field field : type.getFields())
        {
            final int modifiers = field.getModifiers();
            if (!Modifier.isStatic(modifiers) || !Modifier.isFinal(modifiers))
            {
                continue;
            }
            try
            {
                if (field.getType() == int.class)
                {
                    final int value = field.getInt(null);
                    // negative ints: AT_FDCWD is -100 in the header; EPOLLET's bit 31 is unsigned there
                    out.put(field.getName(), field.getName().startsWith("EPOLL") ? Integer.toUnsignedLong(value) : value);
                }
                else if (field.getType() == long.class)
                {
                    out.put(field.getName(), field.getLong(null));
                }
            }
            catch (final IllegalAccessException ex)
            {
                throw new AssertionError(ex);
            }
        }
        return out;
    }

    private static Map<String, Long> table(final Object... nameValuePairs)
    {
        final Map<String, Long> out = new TreeMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2)
        {
            final Object value = nameValuePairs[i + 1];
            final Object previous = out.put((String)nameValuePairs[i], ((Number)value).longValue());
            if (previous != null)
            {
                fail("table row " + nameValuePairs[i] + " written twice");
            }
        }
        return out;
    }

    @SafeVarargs
    private static Map<String, Long> merge(final Map<String, Long>... blocks)
    {
        // later blocks win: arm64's asm/fcntl.h defines its four flags before asm-generic/fcntl.h's #ifndef guards
        // see them, so its values are the ones in force, and its block is applied after the generic one
        final Map<String, Long> out = new TreeMap<>();
        for (final Map<String, Long> block : blocks)
        {
            out.putAll(block);
        }
        return out;
    }

    private static Map<String, Long> parse(final String output)
    {
        final Map<String, Long> out = new TreeMap<>();
        for (final String line : output.split("\n"))
        {
            final int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith(" ") && Character.isUpperCase(line.charAt(0)))
            {
                out.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).trim()));
            }
        }
        return out;
    }

    private record ChildRun(int exitCode, String output)
    {
    }

    private static ChildRun runWithOsArch(final String osArch) throws IOException, InterruptedException
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> command = new ArrayList<>(List.of(java, "-Dos.arch=" + osArch, "-cp",
            System.getProperty("java.class.path"), LinuxConstantsDump.class.getName()));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream())
        {
            in.transferTo(out);
        }
        if (!process.waitFor(2, TimeUnit.MINUTES))
        {
            process.destroyForcibly();
            fail("child JVM with os.arch=" + osArch + " did not end");
        }
        return new ChildRun(process.exitValue(), out.toString(StandardCharsets.UTF_8));
    }
}
