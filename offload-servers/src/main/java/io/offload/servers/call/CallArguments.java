package io.offload.servers.call;

import io.offload.api.LinuxConstants;
import io.offload.api.internal.NativeBuffers;

import java.lang.foreign.MemorySegment;

/**
 * Checks of the arguments of the SIGNAL, IPC and OTHER calls ({@code kill} to {@code prctl}), shared by every
 * {@link GateRawSyscalls}: each throws {@link IllegalArgumentException} saying what was wrong and what would be
 * right, before anything reaches a ring or the kernel. Flag masks are the ones the kernel accepts today; the kernel
 * checks again.
 */
final class CallArguments
{
    /** pipe2: {@code O_NOTIFICATION_PIPE} is {@code O_EXCL} (Linux 5.8). */
    private static final int PIPE2_FLAGS =
        LinuxConstants.O_CLOEXEC | LinuxConstants.O_NONBLOCK | LinuxConstants.O_DIRECT | LinuxConstants.O_EXCL;
    private static final int EVENTFD_FLAGS =
        LinuxConstants.EFD_CLOEXEC | LinuxConstants.EFD_NONBLOCK | LinuxConstants.EFD_SEMAPHORE;
    private static final int GETRANDOM_FLAGS =
        LinuxConstants.GRND_NONBLOCK | LinuxConstants.GRND_RANDOM | LinuxConstants.GRND_INSECURE;
    /** Bytes pipe2 stores: two ints. */
    static final int PIPE_FDS_LENGTH = 8;

    private CallArguments()
    {
    }

    /**
     * @param sig a signal number.
     * @return it, if 0 to SIGRTMAX.
     */
    static int signal(final int sig)
    {
        if (sig < 0 || sig > LinuxConstants.SIGRTMAX)
        {
            throw new IllegalArgumentException("sig must be 0 (check only) to " + LinuxConstants.SIGRTMAX +
                " (SIGRTMAX), e.g. LinuxConstants.SIGTERM; got " + sig);
        }
        return sig;
    }

    /**
     * @param id   a process or thread id.
     * @param name its parameter's name.
     * @return it, if positive.
     */
    static int positiveId(final int id, final String name)
    {
        if (id <= 0)
        {
            throw new IllegalArgumentException(name + " must be a process or thread id > 0, got " + id);
        }
        return id;
    }

    /**
     * @param flags pipe2 flags.
     * @return them, if known.
     */
    static int pipe2Flags(final int flags)
    {
        return flags(flags, PIPE2_FLAGS, "pipe2 flags", "O_CLOEXEC, O_NONBLOCK, O_DIRECT, O_EXCL (notification pipe)");
    }

    /**
     * @param flags eventfd flags.
     * @return them, if known.
     */
    static int eventfdFlags(final int flags)
    {
        return flags(flags, EVENTFD_FLAGS, "eventfd flags", "EFD_CLOEXEC, EFD_NONBLOCK, EFD_SEMAPHORE");
    }

    /**
     * @param initval an eventfd's first value.
     * @return it, if not negative.
     */
    static int eventfdValue(final int initval)
    {
        if (initval < 0)
        {
            throw new IllegalArgumentException("initval must be >= 0 (the counter's first value), got " + initval);
        }
        return initval;
    }

    /**
     * @param flags getrandom flags.
     * @return them, if known.
     */
    static int getrandomFlags(final int flags)
    {
        return flags(flags, GETRANDOM_FLAGS, "getrandom flags", "GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE");
    }

    /**
     * @param option a prctl option.
     * @return it, if not negative.
     */
    static int prctlOption(final int option)
    {
        if (option < 0)
        {
            throw new IllegalArgumentException("option must be a PR_* value >= 0, e.g. LinuxConstants.PR_GET_DUMPABLE; " +
                "got " + option);
        }
        return option;
    }

    /**
     * @param buf       memory the kernel writes.
     * @param minLength bytes it needs at least.
     * @param name      its parameter's name.
     * @return its address, if it is native, alive, writable and long enough.
     */
    static long writable(final MemorySegment buf, final long minLength, final String name)
    {
        final long address = NativeBuffers.address(buf, name);
        if (buf.isReadOnly())
        {
            throw new IllegalArgumentException(name + " is read-only, but the kernel writes into it: pass writable " +
                "native memory");
        }
        if (buf.byteSize() < minLength)
        {
            throw new IllegalArgumentException(name + " must hold at least " + minLength + " bytes, got " +
                buf.byteSize() + ": allocate " + minLength);
        }
        return address;
    }

    /**
     * @param buf  memory the kernel writes, all of it.
     * @param name its parameter's name.
     * @return its address, if it is native, alive and writable.
     */
    static long writable(final MemorySegment buf, final String name)
    {
        return writable(buf, 0, name);
    }

    private static int flags(final int flags, final int allowed, final String what, final String names)
    {
        if ((flags & ~allowed) != 0)
        {
            throw new IllegalArgumentException(what + " 0" + Integer.toOctalString(flags) + " hold unknown bits 0" +
                Integer.toOctalString(flags & ~allowed) + ": use 0 or an OR of " + names + " (LinuxConstants)");
        }
        return flags;
    }
}
