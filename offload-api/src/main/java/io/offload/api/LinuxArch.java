package io.offload.api;

import java.util.List;
import java.util.Locale;

/**
 * The processor architectures offload runs on, and the parts of the kernel ABI the library uses that differ
 * between them. The JVM's {@code os.arch} property selects one, once, when {@link LinuxConstants} is initialised;
 * any other architecture is refused there, with a message naming it and the supported ones, rather than run with
 * another architecture's numbers (on AArch64 the x86-64 {@code O_DIRECTORY} is {@code O_DIRECT}).
 * <p>
 * What differs, from the kernel's uapi headers ({@code include/uapi/asm-generic} against
 * {@code arch/x86/include/uapi/asm} and {@code arch/arm64/include/uapi/asm}):
 * <ul>
 *   <li>four {@code open} flags: AArch64 defines {@code O_DIRECTORY}, {@code O_NOFOLLOW}, {@code O_DIRECT} and
 *       {@code O_LARGEFILE} itself ({@code arch/arm64/include/uapi/asm/fcntl.h}, kept from 32-bit ARM for its
 *       compat ABI), x86-64 takes the {@code asm-generic/fcntl.h} values; {@code O_TMPFILE} contains
 *       {@code O_DIRECTORY}, so it differs too;</li>
 *   <li>{@code struct epoll_event}: packed (12 bytes) on x86-64 only ({@code EPOLL_PACKED} under
 *       {@code __x86_64__} in {@code linux/eventpoll.h}), 16 bytes elsewhere.</li>
 * </ul>
 * Everything else the library uses is the same on both: errno numbers ({@code asm-generic/errno.h}, which x86-64
 * includes and AArch64 takes as generic), signal numbers ({@code asm-generic/signal.h} and x86's own
 * {@code signal.h} agree), socket levels and options ({@code asm-generic/socket.h}, included by both), the other
 * {@code O_*}, {@code AT_*}, {@code F_*}, {@code S_*}, {@code MSG_*} and {@code EPOLL*} values, and the layouts of
 * {@code struct statx}, {@code msghdr}, {@code iovec}, {@code sockaddr_*}, {@code linux_dirent64},
 * {@code utsname} and {@code pollfd} (fixed-width fields, or LP64 on both).
 */
public enum LinuxArch
{
    /** x86-64 ({@code os.arch} {@code amd64}, or {@code x86_64} on some JVMs): the asm-generic open flags. */
    X86_64(040000, 0100000, 0200000, 0400000, true, "amd64", "x86_64"),
    /** AArch64 ({@code os.arch} {@code aarch64}): its own four open flags, an unpacked epoll_event. */
    AARCH64(0200000, 0400000, 040000, 0100000, false, "aarch64");

    /** The system property that selects the architecture. */
    public static final String OS_ARCH_PROPERTY = "os.arch";

    final int oDirect;
    final int oLargefile;
    final int oDirectory;
    final int oNofollow;
    private final boolean epollEventPacked;
    private final List<String> osArchNames;

    LinuxArch(
        final int oDirect, final int oLargefile, final int oDirectory, final int oNofollow,
        final boolean epollEventPacked, final String... osArchNames)
    {
        this.oDirect = oDirect;
        this.oLargefile = oLargefile;
        this.oDirectory = oDirectory;
        this.oNofollow = oNofollow;
        this.epollEventPacked = epollEventPacked;
        this.osArchNames = List.of(osArchNames);
    }

    /**
     * @return the values of {@code os.arch} that select this architecture.
     */
    public List<String> osArchNames()
    {
        return osArchNames;
    }

    /**
     * @return whether {@code struct epoll_event} is packed (12 bytes, the data at offset 4) on this architecture.
     */
    public boolean epollEventPacked()
    {
        return epollEventPacked;
    }

    /**
     * @return the architecture of this JVM, from {@code os.arch}.
     * @throws UnsupportedOperationException if it is none of the supported ones; the message names it and them.
     */
    public static LinuxArch current()
    {
        return of(System.getProperty(OS_ARCH_PROPERTY));
    }

    /**
     * @param osArch a value of {@code os.arch}.
     * @return the architecture it names.
     * @throws UnsupportedOperationException if it names none of the supported ones; the message names it and them.
     */
    public static LinuxArch of(final String osArch)
    {
        final String arch = osArch == null ? "" : osArch.trim().toLowerCase(Locale.ROOT);
        for (final LinuxArch candidate : values())
        {
            if (candidate.osArchNames.contains(arch))
            {
                return candidate;
            }
        }
        throw new UnsupportedOperationException("offload runs on Linux on x86-64 (os.arch amd64 or x86_64) and " +
            "AArch64 (os.arch aarch64); this JVM's os.arch is '" + osArch + "', whose open flags, struct layouts " +
            "and other kernel ABI values the library does not know");
    }
}
