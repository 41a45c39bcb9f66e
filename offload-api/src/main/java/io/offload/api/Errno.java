package io.offload.api;

/**
 * The Linux errno table (x86_64 and generic numbering, 1 to {@value #MAX_ERRNO}), as names and as glibc's
 * {@code strerror} texts.
 * <p>
 * Why: a downcall made through FFM captures {@code errno}, and a failed call surfaces as a {@code SyscallException}
 * carrying that number. This class turns the number into something a person can read. The names are the kernel's
 * ({@code <asm-generic/errno.h>}) and the texts are glibc's (C locale), so a message reads the same as the line
 * {@code strace} or {@code perror} prints for the same failure.
 * <p>
 * Lookups by number index two arrays and do not allocate for any number in the table. Numbers 41 and 58 are holes
 * in the Linux numbering: they have no name, and glibc calls them {@code "Unknown error 41"} and
 * {@code "Unknown error 58"}. Aliases ({@link #EWOULDBLOCK}, {@link #EDEADLOCK}, {@link #ENOTSUP}) exist as
 * constants and are accepted by {@link #byName(String)}, but {@link #name(int)} always gives the primary name.
 */
public final class Errno
{
    /**
     * The highest errno number in the table ({@link #EHWPOISON}).
     */
    public static final int MAX_ERRNO = 133;

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** No such process. */
    public static final int ESRCH = 3;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Input/output error. */
    public static final int EIO = 5;
    /** No such device or address. */
    public static final int ENXIO = 6;
    /** Argument list too long. */
    public static final int E2BIG = 7;
    /** Exec format error. */
    public static final int ENOEXEC = 8;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** No child processes. */
    public static final int ECHILD = 10;
    /** Resource temporarily unavailable. */
    public static final int EAGAIN = 11;
    /** Cannot allocate memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Block device required. */
    public static final int ENOTBLK = 15;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Invalid cross-device link. */
    public static final int EXDEV = 18;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Not a directory. */
    public static final int ENOTDIR = 20;
    /** Is a directory. */
    public static final int EISDIR = 21;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files in system. */
    public static final int ENFILE = 23;
    /** Too many open files. */
    public static final int EMFILE = 24;
    /** Inappropriate ioctl for device. */
    public static final int ENOTTY = 25;
    /** Text file busy. */
    public static final int ETXTBSY = 26;
    /** File too large. */
    public static final int EFBIG = 27;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** Illegal seek. */
    public static final int ESPIPE = 29;
    /** Read-only file system. */
    public static final int EROFS = 30;
    /** Too many links. */
    public static final int EMLINK = 31;
    /** Broken pipe. */
    public static final int EPIPE = 32;
    /** Numerical argument out of domain. */
    public static final int EDOM = 33;
    /** Numerical result out of range. */
    public static final int ERANGE = 34;
    /** Resource deadlock avoided. */
    public static final int EDEADLK = 35;
    /** File name too long. */
    public static final int ENAMETOOLONG = 36;
    /** No locks available. */
    public static final int ENOLCK = 37;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** Directory not empty. */
    public static final int ENOTEMPTY = 39;
    /** Too many levels of symbolic links. */
    public static final int ELOOP = 40;
    /** No message of desired type. */
    public static final int ENOMSG = 42;
    /** Identifier removed. */
    public static final int EIDRM = 43;
    /** Channel number out of range. */
    public static final int ECHRNG = 44;
    /** Level 2 not synchronized. */
    public static final int EL2NSYNC = 45;
    /** Level 3 halted. */
    public static final int EL3HLT = 46;
    /** Level 3 reset. */
    public static final int EL3RST = 47;
    /** Link number out of range. */
    public static final int ELNRNG = 48;
    /** Protocol driver not attached. */
    public static final int EUNATCH = 49;
    /** No CSI structure available. */
    public static final int ENOCSI = 50;
    /** Level 2 halted. */
    public static final int EL2HLT = 51;
    /** Invalid exchange. */
    public static final int EBADE = 52;
    /** Invalid request descriptor. */
    public static final int EBADR = 53;
    /** Exchange full. */
    public static final int EXFULL = 54;
    /** No anode. */
    public static final int ENOANO = 55;
    /** Invalid request code. */
    public static final int EBADRQC = 56;
    /** Invalid slot. */
    public static final int EBADSLT = 57;
    /** Bad font file format. */
    public static final int EBFONT = 59;
    /** Device not a stream. */
    public static final int ENOSTR = 60;
    /** No data available. */
    public static final int ENODATA = 61;
    /** Timer expired. */
    public static final int ETIME = 62;
    /** Out of streams resources. */
    public static final int ENOSR = 63;
    /** Machine is not on the network. */
    public static final int ENONET = 64;
    /** Package not installed. */
    public static final int ENOPKG = 65;
    /** Object is remote. */
    public static final int EREMOTE = 66;
    /** Link has been severed. */
    public static final int ENOLINK = 67;
    /** Advertise error. */
    public static final int EADV = 68;
    /** Srmount error. */
    public static final int ESRMNT = 69;
    /** Communication error on send. */
    public static final int ECOMM = 70;
    /** Protocol error. */
    public static final int EPROTO = 71;
    /** Multihop attempted. */
    public static final int EMULTIHOP = 72;
    /** RFS specific error. */
    public static final int EDOTDOT = 73;
    /** Bad message. */
    public static final int EBADMSG = 74;
    /** Value too large for defined data type. */
    public static final int EOVERFLOW = 75;
    /** Name not unique on network. */
    public static final int ENOTUNIQ = 76;
    /** File descriptor in bad state. */
    public static final int EBADFD = 77;
    /** Remote address changed. */
    public static final int EREMCHG = 78;
    /** Can not access a needed shared library. */
    public static final int ELIBACC = 79;
    /** Accessing a corrupted shared library. */
    public static final int ELIBBAD = 80;
    /** .lib section in a.out corrupted. */
    public static final int ELIBSCN = 81;
    /** Attempting to link in too many shared libraries. */
    public static final int ELIBMAX = 82;
    /** Cannot exec a shared library directly. */
    public static final int ELIBEXEC = 83;
    /** Invalid or incomplete multibyte or wide character. */
    public static final int EILSEQ = 84;
    /** Interrupted system call should be restarted. */
    public static final int ERESTART = 85;
    /** Streams pipe error. */
    public static final int ESTRPIPE = 86;
    /** Too many users. */
    public static final int EUSERS = 87;
    /** Socket operation on non-socket. */
    public static final int ENOTSOCK = 88;
    /** Destination address required. */
    public static final int EDESTADDRREQ = 89;
    /** Message too long. */
    public static final int EMSGSIZE = 90;
    /** Protocol wrong type for socket. */
    public static final int EPROTOTYPE = 91;
    /** Protocol not available. */
    public static final int ENOPROTOOPT = 92;
    /** Protocol not supported. */
    public static final int EPROTONOSUPPORT = 93;
    /** Socket type not supported. */
    public static final int ESOCKTNOSUPPORT = 94;
    /** Operation not supported. */
    public static final int EOPNOTSUPP = 95;
    /** Protocol family not supported. */
    public static final int EPFNOSUPPORT = 96;
    /** Address family not supported by protocol. */
    public static final int EAFNOSUPPORT = 97;
    /** Address already in use. */
    public static final int EADDRINUSE = 98;
    /** Cannot assign requested address. */
    public static final int EADDRNOTAVAIL = 99;
    /** Network is down. */
    public static final int ENETDOWN = 100;
    /** Network is unreachable. */
    public static final int ENETUNREACH = 101;
    /** Network dropped connection on reset. */
    public static final int ENETRESET = 102;
    /** Software caused connection abort. */
    public static final int ECONNABORTED = 103;
    /** Connection reset by peer. */
    public static final int ECONNRESET = 104;
    /** No buffer space available. */
    public static final int ENOBUFS = 105;
    /** Transport endpoint is already connected. */
    public static final int EISCONN = 106;
    /** Transport endpoint is not connected. */
    public static final int ENOTCONN = 107;
    /** Cannot send after transport endpoint shutdown. */
    public static final int ESHUTDOWN = 108;
    /** Too many references: cannot splice. */
    public static final int ETOOMANYREFS = 109;
    /** Connection timed out. */
    public static final int ETIMEDOUT = 110;
    /** Connection refused. */
    public static final int ECONNREFUSED = 111;
    /** Host is down. */
    public static final int EHOSTDOWN = 112;
    /** No route to host. */
    public static final int EHOSTUNREACH = 113;
    /** Operation already in progress. */
    public static final int EALREADY = 114;
    /** Operation now in progress. */
    public static final int EINPROGRESS = 115;
    /** Stale file handle. */
    public static final int ESTALE = 116;
    /** Structure needs cleaning. */
    public static final int EUCLEAN = 117;
    /** Not a XENIX named type file. */
    public static final int ENOTNAM = 118;
    /** No XENIX semaphores available. */
    public static final int ENAVAIL = 119;
    /** Is a named type file. */
    public static final int EISNAM = 120;
    /** Remote I/O error. */
    public static final int EREMOTEIO = 121;
    /** Disk quota exceeded. */
    public static final int EDQUOT = 122;
    /** No medium found. */
    public static final int ENOMEDIUM = 123;
    /** Wrong medium type. */
    public static final int EMEDIUMTYPE = 124;
    /** Operation canceled. */
    public static final int ECANCELED = 125;
    /** Required key not available. */
    public static final int ENOKEY = 126;
    /** Key has expired. */
    public static final int EKEYEXPIRED = 127;
    /** Key has been revoked. */
    public static final int EKEYREVOKED = 128;
    /** Key was rejected by service. */
    public static final int EKEYREJECTED = 129;
    /** Owner died. */
    public static final int EOWNERDEAD = 130;
    /** State not recoverable. */
    public static final int ENOTRECOVERABLE = 131;
    /** Operation not possible due to RF-kill. */
    public static final int ERFKILL = 132;
    /** Memory page has hardware error. */
    public static final int EHWPOISON = 133;

    /** Operation would block; the same number as {@link #EAGAIN}. */
    public static final int EWOULDBLOCK = EAGAIN;
    /** The same number as {@link #EDEADLK}. */
    public static final int EDEADLOCK = EDEADLK;
    /** Operation not supported; the same number as {@link #EOPNOTSUPP}. */
    public static final int ENOTSUP = EOPNOTSUPP;

    private static final String[] NAMES =
    {
        null,              // 0
        "EPERM",           // 1
        "ENOENT",          // 2
        "ESRCH",           // 3
        "EINTR",           // 4
        "EIO",             // 5
        "ENXIO",           // 6
        "E2BIG",           // 7
        "ENOEXEC",         // 8
        "EBADF",           // 9
        "ECHILD",          // 10
        "EAGAIN",          // 11
        "ENOMEM",          // 12
        "EACCES",          // 13
        "EFAULT",          // 14
        "ENOTBLK",         // 15
        "EBUSY",           // 16
        "EEXIST",          // 17
        "EXDEV",           // 18
        "ENODEV",          // 19
        "ENOTDIR",         // 20
        "EISDIR",          // 21
        "EINVAL",          // 22
        "ENFILE",          // 23
        "EMFILE",          // 24
        "ENOTTY",          // 25
        "ETXTBSY",         // 26
        "EFBIG",           // 27
        "ENOSPC",          // 28
        "ESPIPE",          // 29
        "EROFS",           // 30
        "EMLINK",          // 31
        "EPIPE",           // 32
        "EDOM",            // 33
        "ERANGE",          // 34
        "EDEADLK",         // 35
        "ENAMETOOLONG",    // 36
        "ENOLCK",          // 37
        "ENOSYS",          // 38
        "ENOTEMPTY",       // 39
        "ELOOP",           // 40
        null,              // 41
        "ENOMSG",          // 42
        "EIDRM",           // 43
        "ECHRNG",          // 44
        "EL2NSYNC",        // 45
        "EL3HLT",          // 46
        "EL3RST",          // 47
        "ELNRNG",          // 48
        "EUNATCH",         // 49
        "ENOCSI",          // 50
        "EL2HLT",          // 51
        "EBADE",           // 52
        "EBADR",           // 53
        "EXFULL",          // 54
        "ENOANO",          // 55
        "EBADRQC",         // 56
        "EBADSLT",         // 57
        null,              // 58
        "EBFONT",          // 59
        "ENOSTR",          // 60
        "ENODATA",         // 61
        "ETIME",           // 62
        "ENOSR",           // 63
        "ENONET",          // 64
        "ENOPKG",          // 65
        "EREMOTE",         // 66
        "ENOLINK",         // 67
        "EADV",            // 68
        "ESRMNT",          // 69
        "ECOMM",           // 70
        "EPROTO",          // 71
        "EMULTIHOP",       // 72
        "EDOTDOT",         // 73
        "EBADMSG",         // 74
        "EOVERFLOW",       // 75
        "ENOTUNIQ",        // 76
        "EBADFD",          // 77
        "EREMCHG",         // 78
        "ELIBACC",         // 79
        "ELIBBAD",         // 80
        "ELIBSCN",         // 81
        "ELIBMAX",         // 82
        "ELIBEXEC",        // 83
        "EILSEQ",          // 84
        "ERESTART",        // 85
        "ESTRPIPE",        // 86
        "EUSERS",          // 87
        "ENOTSOCK",        // 88
        "EDESTADDRREQ",    // 89
        "EMSGSIZE",        // 90
        "EPROTOTYPE",      // 91
        "ENOPROTOOPT",     // 92
        "EPROTONOSUPPORT", // 93
        "ESOCKTNOSUPPORT", // 94
        "EOPNOTSUPP",      // 95
        "EPFNOSUPPORT",    // 96
        "EAFNOSUPPORT",    // 97
        "EADDRINUSE",      // 98
        "EADDRNOTAVAIL",   // 99
        "ENETDOWN",        // 100
        "ENETUNREACH",     // 101
        "ENETRESET",       // 102
        "ECONNABORTED",    // 103
        "ECONNRESET",      // 104
        "ENOBUFS",         // 105
        "EISCONN",         // 106
        "ENOTCONN",        // 107
        "ESHUTDOWN",       // 108
        "ETOOMANYREFS",    // 109
        "ETIMEDOUT",       // 110
        "ECONNREFUSED",    // 111
        "EHOSTDOWN",       // 112
        "EHOSTUNREACH",    // 113
        "EALREADY",        // 114
        "EINPROGRESS",     // 115
        "ESTALE",          // 116
        "EUCLEAN",         // 117
        "ENOTNAM",         // 118
        "ENAVAIL",         // 119
        "EISNAM",          // 120
        "EREMOTEIO",       // 121
        "EDQUOT",          // 122
        "ENOMEDIUM",       // 123
        "EMEDIUMTYPE",     // 124
        "ECANCELED",       // 125
        "ENOKEY",          // 126
        "EKEYEXPIRED",     // 127
        "EKEYREVOKED",     // 128
        "EKEYREJECTED",    // 129
        "EOWNERDEAD",      // 130
        "ENOTRECOVERABLE", // 131
        "ERFKILL",         // 132
        "EHWPOISON",       // 133
    };

    private static final String[] MESSAGES =
    {
        "Success",                                           // 0
        "Operation not permitted",                           // 1 EPERM
        "No such file or directory",                         // 2 ENOENT
        "No such process",                                   // 3 ESRCH
        "Interrupted system call",                           // 4 EINTR
        "Input/output error",                                // 5 EIO
        "No such device or address",                         // 6 ENXIO
        "Argument list too long",                            // 7 E2BIG
        "Exec format error",                                 // 8 ENOEXEC
        "Bad file descriptor",                               // 9 EBADF
        "No child processes",                                // 10 ECHILD
        "Resource temporarily unavailable",                  // 11 EAGAIN
        "Cannot allocate memory",                            // 12 ENOMEM
        "Permission denied",                                 // 13 EACCES
        "Bad address",                                       // 14 EFAULT
        "Block device required",                             // 15 ENOTBLK
        "Device or resource busy",                           // 16 EBUSY
        "File exists",                                       // 17 EEXIST
        "Invalid cross-device link",                         // 18 EXDEV
        "No such device",                                    // 19 ENODEV
        "Not a directory",                                   // 20 ENOTDIR
        "Is a directory",                                    // 21 EISDIR
        "Invalid argument",                                  // 22 EINVAL
        "Too many open files in system",                     // 23 ENFILE
        "Too many open files",                               // 24 EMFILE
        "Inappropriate ioctl for device",                    // 25 ENOTTY
        "Text file busy",                                    // 26 ETXTBSY
        "File too large",                                    // 27 EFBIG
        "No space left on device",                           // 28 ENOSPC
        "Illegal seek",                                      // 29 ESPIPE
        "Read-only file system",                             // 30 EROFS
        "Too many links",                                    // 31 EMLINK
        "Broken pipe",                                       // 32 EPIPE
        "Numerical argument out of domain",                  // 33 EDOM
        "Numerical result out of range",                     // 34 ERANGE
        "Resource deadlock avoided",                         // 35 EDEADLK
        "File name too long",                                // 36 ENAMETOOLONG
        "No locks available",                                // 37 ENOLCK
        "Function not implemented",                          // 38 ENOSYS
        "Directory not empty",                               // 39 ENOTEMPTY
        "Too many levels of symbolic links",                 // 40 ELOOP
        "Unknown error 41",                                  // 41
        "No message of desired type",                        // 42 ENOMSG
        "Identifier removed",                                // 43 EIDRM
        "Channel number out of range",                       // 44 ECHRNG
        "Level 2 not synchronized",                          // 45 EL2NSYNC
        "Level 3 halted",                                    // 46 EL3HLT
        "Level 3 reset",                                     // 47 EL3RST
        "Link number out of range",                          // 48 ELNRNG
        "Protocol driver not attached",                      // 49 EUNATCH
        "No CSI structure available",                        // 50 ENOCSI
        "Level 2 halted",                                    // 51 EL2HLT
        "Invalid exchange",                                  // 52 EBADE
        "Invalid request descriptor",                        // 53 EBADR
        "Exchange full",                                     // 54 EXFULL
        "No anode",                                          // 55 ENOANO
        "Invalid request code",                              // 56 EBADRQC
        "Invalid slot",                                      // 57 EBADSLT
        "Unknown error 58",                                  // 58
        "Bad font file format",                              // 59 EBFONT
        "Device not a stream",                               // 60 ENOSTR
        "No data available",                                 // 61 ENODATA
        "Timer expired",                                     // 62 ETIME
        "Out of streams resources",                          // 63 ENOSR
        "Machine is not on the network",                     // 64 ENONET
        "Package not installed",                             // 65 ENOPKG
        "Object is remote",                                  // 66 EREMOTE
        "Link has been severed",                             // 67 ENOLINK
        "Advertise error",                                   // 68 EADV
        "Srmount error",                                     // 69 ESRMNT
        "Communication error on send",                       // 70 ECOMM
        "Protocol error",                                    // 71 EPROTO
        "Multihop attempted",                                // 72 EMULTIHOP
        "RFS specific error",                                // 73 EDOTDOT
        "Bad message",                                       // 74 EBADMSG
        "Value too large for defined data type",             // 75 EOVERFLOW
        "Name not unique on network",                        // 76 ENOTUNIQ
        "File descriptor in bad state",                      // 77 EBADFD
        "Remote address changed",                            // 78 EREMCHG
        "Can not access a needed shared library",            // 79 ELIBACC
        "Accessing a corrupted shared library",              // 80 ELIBBAD
        ".lib section in a.out corrupted",                   // 81 ELIBSCN
        "Attempting to link in too many shared libraries",   // 82 ELIBMAX
        "Cannot exec a shared library directly",             // 83 ELIBEXEC
        "Invalid or incomplete multibyte or wide character", // 84 EILSEQ
        "Interrupted system call should be restarted",       // 85 ERESTART
        "Streams pipe error",                                // 86 ESTRPIPE
        "Too many users",                                    // 87 EUSERS
        "Socket operation on non-socket",                    // 88 ENOTSOCK
        "Destination address required",                      // 89 EDESTADDRREQ
        "Message too long",                                  // 90 EMSGSIZE
        "Protocol wrong type for socket",                    // 91 EPROTOTYPE
        "Protocol not available",                            // 92 ENOPROTOOPT
        "Protocol not supported",                            // 93 EPROTONOSUPPORT
        "Socket type not supported",                         // 94 ESOCKTNOSUPPORT
        "Operation not supported",                           // 95 EOPNOTSUPP
        "Protocol family not supported",                     // 96 EPFNOSUPPORT
        "Address family not supported by protocol",          // 97 EAFNOSUPPORT
        "Address already in use",                            // 98 EADDRINUSE
        "Cannot assign requested address",                   // 99 EADDRNOTAVAIL
        "Network is down",                                   // 100 ENETDOWN
        "Network is unreachable",                            // 101 ENETUNREACH
        "Network dropped connection on reset",               // 102 ENETRESET
        "Software caused connection abort",                  // 103 ECONNABORTED
        "Connection reset by peer",                          // 104 ECONNRESET
        "No buffer space available",                         // 105 ENOBUFS
        "Transport endpoint is already connected",           // 106 EISCONN
        "Transport endpoint is not connected",               // 107 ENOTCONN
        "Cannot send after transport endpoint shutdown",     // 108 ESHUTDOWN
        "Too many references: cannot splice",                // 109 ETOOMANYREFS
        "Connection timed out",                              // 110 ETIMEDOUT
        "Connection refused",                                // 111 ECONNREFUSED
        "Host is down",                                      // 112 EHOSTDOWN
        "No route to host",                                  // 113 EHOSTUNREACH
        "Operation already in progress",                     // 114 EALREADY
        "Operation now in progress",                         // 115 EINPROGRESS
        "Stale file handle",                                 // 116 ESTALE
        "Structure needs cleaning",                          // 117 EUCLEAN
        "Not a XENIX named type file",                       // 118 ENOTNAM
        "No XENIX semaphores available",                     // 119 ENAVAIL
        "Is a named type file",                              // 120 EISNAM
        "Remote I/O error",                                  // 121 EREMOTEIO
        "Disk quota exceeded",                               // 122 EDQUOT
        "No medium found",                                   // 123 ENOMEDIUM
        "Wrong medium type",                                 // 124 EMEDIUMTYPE
        "Operation canceled",                                // 125 ECANCELED
        "Required key not available",                        // 126 ENOKEY
        "Key has expired",                                   // 127 EKEYEXPIRED
        "Key has been revoked",                              // 128 EKEYREVOKED
        "Key was rejected by service",                       // 129 EKEYREJECTED
        "Owner died",                                        // 130 EOWNERDEAD
        "State not recoverable",                             // 131 ENOTRECOVERABLE
        "Operation not possible due to RF-kill",             // 132 ERFKILL
        "Memory page has hardware error",                    // 133 EHWPOISON
    };

    private static final String[] ALIAS_NAMES = {"EWOULDBLOCK", "EDEADLOCK", "ENOTSUP"};
    private static final int[] ALIAS_NUMBERS = {EWOULDBLOCK, EDEADLOCK, ENOTSUP};

    private Errno()
    {
    }

    /**
     * @param errno an errno number.
     * @return the primary symbolic name, e.g. {@code "EBADF"} for 9, or {@code "errno " + errno} for a number with no
     * name (including 41, 58, 0 and anything outside 1 to {@value #MAX_ERRNO}).
     */
    public static String name(final int errno)
    {
        if (errno >= 0 && errno < NAMES.length)
        {
            final String name = NAMES[errno];
            if (null != name)
            {
                return name;
            }
        }
        return "errno " + errno;
    }

    /**
     * @param errno an errno number.
     * @return glibc's {@code strerror} text in the C locale, e.g. {@code "Bad file descriptor"} for 9, or
     * {@code "Unknown error " + errno} for a number outside the table, as glibc prints it.
     */
    public static String message(final int errno)
    {
        if (errno >= 0 && errno < MESSAGES.length)
        {
            return MESSAGES[errno];
        }
        return "Unknown error " + errno;
    }

    /**
     * @param name a symbolic name, e.g. {@code "EBADF"}; aliases such as {@code "EWOULDBLOCK"} are accepted.
     * @return the errno number.
     * @throws IllegalArgumentException if the name is not a Linux errno name.
     */
    public static int byName(final String name)
    {
        if (null != name)
        {
            for (int i = 1; i < NAMES.length; i++)
            {
                if (name.equals(NAMES[i]))
                {
                    return i;
                }
            }
            for (int i = 0; i < ALIAS_NAMES.length; i++)
            {
                if (name.equals(ALIAS_NAMES[i]))
                {
                    return ALIAS_NUMBERS[i];
                }
            }
        }
        throw new IllegalArgumentException(
            "unknown errno name: " + name + " (expected a Linux errno name such as \"EBADF\")");
    }
}
