package io.offload.servers.uring;

import java.util.Locale;

/**
 * What differs between the architectures the io_uring layer runs on, in one table selected by {@code os.arch}.
 * <p>
 * The io_uring system calls were added after the syscall tables of all architectures were unified (Linux 5.1,
 * {@code include/uapi/asm-generic/unistd.h} and {@code arch/x86/entry/syscalls/syscall_64.tbl}), so their numbers
 * are the same on both: 425, 426, 427. Older calls are not: AArch64 uses the generic table, x86-64 its own. The
 * io_uring structures ({@code io_uring_params}, {@code io_uring_sqe}, {@code io_uring_cqe}, {@code io_uring_probe},
 * {@code __kernel_timespec}) are made of fixed-width fields with explicit padding and are the same on both, and so
 * are the mmap, eventfd and errno values this package uses (asm-generic on both). Anything else in this package
 * that would differ per architecture belongs here.
 * <p>
 * Any other architecture is refused with a message that says which ones are supported: the numbers below would be
 * wrong there, and a wrong syscall number is a different system call.
 */
public enum UringArch
{
    /** x86-64 ({@code os.arch} = {@code amd64} on HotSpot, {@code x86_64} elsewhere). */
    X86_64(425, 426, 427, 186, 234),
    /** AArch64 ({@code os.arch} = {@code aarch64}). */
    AARCH64(425, 426, 427, 178, 131);

    /** {@code io_uring_setup(2)}. */
    public final int sysIoUringSetup;
    /** {@code io_uring_enter(2)}. */
    public final int sysIoUringEnter;
    /** {@code io_uring_register(2)}. */
    public final int sysIoUringRegister;
    /** {@code gettid(2)}: for tests that signal one thread. */
    public final int sysGettid;
    /** {@code tgkill(2)}: for tests that signal one thread. */
    public final int sysTgkill;

    UringArch(
        final int sysIoUringSetup, final int sysIoUringEnter, final int sysIoUringRegister, final int sysGettid,
        final int sysTgkill)
    {
        this.sysIoUringSetup = sysIoUringSetup;
        this.sysIoUringEnter = sysIoUringEnter;
        this.sysIoUringRegister = sysIoUringRegister;
        this.sysGettid = sysGettid;
        this.sysTgkill = sysTgkill;
    }

    /**
     * @return the table of the architecture this JVM runs on.
     * @throws UnsupportedOperationException on any architecture other than x86-64 and AArch64, or on an OS other
     *                                       than Linux.
     */
    public static UringArch current()
    {
        final String os = System.getProperty("os.name", "");
        if (!os.startsWith("Linux"))
        {
            throw new UnsupportedOperationException(
                "io_uring is a Linux interface; this JVM runs on " + os + ": use the syscall executor");
        }
        return forName(System.getProperty("os.arch", ""));
    }

    /**
     * @param osArch a value of the {@code os.arch} system property.
     * @return the table for that architecture.
     * @throws UnsupportedOperationException if it is neither x86-64 nor AArch64.
     */
    public static UringArch forName(final String osArch)
    {
        final UringArch arch = lookup(osArch);
        if (arch == null)
        {
            throw new UnsupportedOperationException(unsupportedMessage(osArch));
        }
        return arch;
    }

    /**
     * @param osArch a value of the {@code os.arch} system property.
     * @return the table for that architecture, or null when it is not supported.
     */
    static UringArch lookup(final String osArch)
    {
        final String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
        return switch (arch)
        {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> null;
        };
    }

    /**
     * @param osArch a value of the {@code os.arch} system property.
     * @return why io_uring is not offered on it.
     */
    static String unsupportedMessage(final String osArch)
    {
        return "offload's io_uring bindings support Linux on x86-64 (os.arch amd64/x86_64) and AArch64 " +
            "(os.arch aarch64) only; this JVM runs on os.arch=" + osArch + ": use the syscall executor";
    }
}
