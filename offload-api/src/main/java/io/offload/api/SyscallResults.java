package io.offload.api;

/**
 * The error check of {@link Syscalls}' default methods: a raw result below zero becomes a {@link SyscallException}.
 */
final class SyscallResults
{
    private SyscallResults()
    {
    }

    /**
     * @param syscall the call.
     * @param result  its raw result, or -errno.
     * @param detail  what the exception's message adds (the path, the fd).
     * @return the result, when it is not an error.
     * @throws SyscallException if {@code result} is -errno.
     */
    static long check(final Syscall syscall, final long result, final String detail) throws SyscallException
    {
        if (result < 0)
        {
            throw new SyscallException(syscall, (int)-result, detail);
        }
        return result;
    }
}
