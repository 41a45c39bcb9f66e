package io.offload.servers.uring;

import io.offload.api.Errno;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static io.offload.servers.uring.IoUringConstants.IORING_FEAT_EXT_ARG;
import static io.offload.servers.uring.IoUringConstants.IORING_FEAT_NODROP;
import static io.offload.servers.uring.IoUringConstants.IORING_FEAT_RW_CUR_POS;
import static io.offload.servers.uring.IoUringConstants.IORING_FEAT_SINGLE_MMAP;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_NOP;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_POLL_ADD;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_COOP_TASKRUN;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_DEFER_TASKRUN;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_SINGLE_ISSUER;
import static io.offload.servers.uring.IoUringConstants.IORING_SETUP_SUBMIT_ALL;

/**
 * Whether io_uring works in this process, and if not, why: what an AUTO executor choice asks once, logs once and
 * shows in stats. The first {@link #check()} sets up a small ring (and a NOP round trip through it, so a seccomp
 * filter that allows setup but not enter is caught too), probes the opcodes and tries each optional setup flag; the
 * answer is kept for the life of the JVM, since none of it changes while the process runs.
 * <p>
 * The answers to expect: ENOSYS (a kernel without io_uring, or one older than 5.1), EPERM ({@code
 * kernel.io_uring_disabled} = 2, or = 1 for a process outside {@code kernel.io_uring_group}, or a seccomp filter, as
 * Docker's default profile has since 2023), missing features (this layer needs {@code IORING_FEAT_NODROP} (5.5) and
 * {@code IORING_FEAT_EXT_ARG} (5.11)), an architecture other than x86-64 and AArch64.
 * <p>
 * {@value #SIMULATE_UNAVAILABLE_PROPERTY}{@code =true} makes {@link #check()} answer "unavailable" on purpose, so
 * that fallback paths can be tested on a kernel that has io_uring.
 */
public final class IoUringSupport
{
    /** System property that makes {@link #check()} report io_uring unavailable: {@code true} or {@code false}. */
    public static final String SIMULATE_UNAVAILABLE_PROPERTY = "offload.uring.simulateUnavailable";
    /** Features this layer needs: NODROP (no lost CQEs) and EXT_ARG (timed waits); SINGLE_MMAP and RW_CUR_POS are
     * reported but not required. */
    public static final int REQUIRED_FEATURES = IORING_FEAT_NODROP | IORING_FEAT_EXT_ARG;

    private static final String DISABLED_SYSCTL = "/proc/sys/kernel/io_uring_disabled";

    private IoUringSupport()
    {
    }

    /**
     * What was found.
     *
     * @param available     whether io_uring works here with what this layer needs.
     * @param reason        one line: why not, or what was found.
     * @param errno         the errno that said no (0 when there was none).
     * @param features      the kernel's {@code IORING_FEAT_*} (0 when no ring could be set up).
     * @param optionalFlags the optional setup flags the kernel accepts, of SINGLE_ISSUER, DEFER_TASKRUN,
     *                      COOP_TASKRUN, SUBMIT_ALL.
     * @param probe         the supported opcodes, or null when no ring could be set up.
     */
    public record Availability(
        boolean available, String reason, int errno, int features, int optionalFlags, Probe probe)
    {
        static Availability unavailable(final String reason, final int errno, final int features, final Probe probe)
        {
            return new Availability(false, reason, errno, features, 0, probe);
        }

        @Override
        public String toString()
        {
            return (available ? "io_uring available: " : "io_uring unavailable: ") + reason;
        }
    }

    private static final class Detected
    {
        static final Availability REAL = detect();
    }

    /**
     * @return whether io_uring works here: the answer found once per JVM, or "unavailable" when
     *         {@value #SIMULATE_UNAVAILABLE_PROPERTY} is {@code true} (read at each call).
     * @throws IllegalArgumentException if the property is set to something other than true or false.
     */
    public static Availability check()
    {
        return check(simulateUnavailable(System.getProperty(SIMULATE_UNAVAILABLE_PROPERTY)));
    }

    /**
     * @param simulateUnavailable answer "unavailable" without asking the kernel.
     * @return the answer.
     */
    public static Availability check(final boolean simulateUnavailable)
    {
        if (simulateUnavailable)
        {
            return Availability.unavailable(
                "disabled on purpose by -D" + SIMULATE_UNAVAILABLE_PROPERTY + "=true (the kernel was not asked)", 0, 0,
                null);
        }
        return Detected.REAL;
    }

    /**
     * @param value the property's value, or null.
     * @return whether it asks for a simulated "unavailable".
     * @throws IllegalArgumentException for anything but null, true, false (any case).
     */
    static boolean simulateUnavailable(final String value)
    {
        if (value == null)
        {
            return false;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT))
        {
            case "true" -> true;
            case "false", "" -> false;
            default -> throw new IllegalArgumentException(
                "-D" + SIMULATE_UNAVAILABLE_PROPERTY + "=" + value + " is not a boolean: use true or false");
        };
    }

    /**
     * Ask the kernel, now (no caching).
     *
     * @return what it said.
     */
    static Availability detect()
    {
        final String os = System.getProperty("os.name", "");
        if (!os.startsWith("Linux"))
        {
            return Availability.unavailable("io_uring is a Linux interface; this JVM runs on " + os, 0, 0, null);
        }
        final String osArch = System.getProperty("os.arch", "");
        if (UringArch.lookup(osArch) == null)
        {
            return Availability.unavailable(UringArch.unsupportedMessage(osArch), 0, 0, null);
        }
        final int features;
        final Probe probe;
        try (IoUring ring = IoUring.open(new IoUringOptions().entries(2).fallback(false)))
        {
            features = ring.features();
            if ((features & REQUIRED_FEATURES) != REQUIRED_FEATURES)
            {
                return Availability.unavailable(
                    "the kernel's io_uring lacks " + IoUringConstants.featureNames(REQUIRED_FEATURES & ~features) +
                    " (NODROP: Linux 5.5, EXT_ARG: 5.11); it has " + IoUringConstants.featureNames(features), 0,
                    features, null);
            }
            probe = ring.probe();
            final int nop = nopRoundTrip(ring);
            if (nop != 0)
            {
                return Availability.unavailable(
                    "a NOP through the ring completed with " + nop + " instead of 0", -nop, features, probe);
            }
            if (!probe.isSupported(IORING_OP_NOP) || !probe.isSupported(IORING_OP_POLL_ADD))
            {
                return Availability.unavailable("the kernel's io_uring has no NOP or POLL_ADD: " + probe, 0, features, probe);
            }
        }
        catch (final IoUringException ex)
        {
            return Availability.unavailable(explain(ex), ex.errno(), 0, null);
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return Availability.unavailable("setting up a ring failed: " + ex, 0, 0, null);
        }
        final int optional = acceptedOptionalFlags();
        return new Availability(true,
            "features " + IoUringConstants.featureNames(features & (IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP |
                IORING_FEAT_RW_CUR_POS | IORING_FEAT_EXT_ARG)) + " (0x" + Integer.toHexString(features) +
                "), optional setup flags " + IoUringConstants.setupFlagNames(optional) + ", " + probe.supportedCount() +
                " opcodes up to " + IoUringConstants.opcodeName(probe.lastOp()),
            0, features, optional, probe);
    }

    private static int nopRoundTrip(final IoUring ring)
    {
        final int[] res = {Integer.MIN_VALUE};
        ring.nextSqe().prepNop().userData(1);
        ring.submitAndWait(1, 1_000_000_000L, (userData, result, flags) -> res[0] = result);
        ring.reap((userData, result, flags) -> res[0] = result);
        return res[0] == Integer.MIN_VALUE ? -Errno.ETIME : res[0];
    }

    private static int acceptedOptionalFlags()
    {
        int accepted = 0;
        final int[] flags =
            {IORING_SETUP_SINGLE_ISSUER, IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_COOP_TASKRUN, IORING_SETUP_SUBMIT_ALL};
        for (final int flag : flags)
        {
            final IoUringOptions options = new IoUringOptions().entries(2).fallback(false)
                .singleIssuer(flag == IORING_SETUP_SINGLE_ISSUER)
                .deferTaskrun(flag == IORING_SETUP_DEFER_TASKRUN)
                .coopTaskrun(flag == IORING_SETUP_COOP_TASKRUN)
                .submitAll(flag == IORING_SETUP_SUBMIT_ALL);
            try (IoUring ring = IoUring.open(options))
            {
                accepted |= ring.setupFlags() & flag;
            }
            catch (final IoUringException ex)
            {
                // EINVAL: this kernel does not know the flag; the ring works without it
            }
        }
        return accepted;
    }

    /**
     * @param ex the setup failure.
     * @return what it means here.
     */
    static String explain(final IoUringException ex)
    {
        return switch (ex.errno())
        {
            case Errno.ENOSYS -> "io_uring_setup: ENOSYS: this kernel has no io_uring (older than 5.1, or built " +
                "without CONFIG_IO_URING)";
            case Errno.EPERM -> "io_uring_setup: EPERM: io_uring is forbidden to this process: " + disabledSysctl();
            case Errno.EINVAL -> "io_uring_setup: EINVAL: the kernel is too old for the parameters asked " +
                "(entries 2, no flags)";
            default -> ex.getMessage();
        };
    }

    private static String disabledSysctl()
    {
        try
        {
            final String value = Files.readString(Path.of(DISABLED_SYSCTL)).trim();
            return switch (value)
            {
                case "2" -> "kernel.io_uring_disabled=2 (off for everyone)";
                case "1" -> "kernel.io_uring_disabled=1 (only root and members of kernel.io_uring_group may use it)";
                default -> "kernel.io_uring_disabled=" + value + ", so a seccomp filter or LSM forbids it " +
                    "(Docker's default seccomp profile blocks io_uring)";
            };
        }
        catch (final IOException | RuntimeException ex)
        {
            return "a seccomp filter or LSM forbids it (Docker's default seccomp profile blocks io_uring; " +
                DISABLED_SYSCTL + " is not readable: " + ex.getMessage() + ")";
        }
    }
}
