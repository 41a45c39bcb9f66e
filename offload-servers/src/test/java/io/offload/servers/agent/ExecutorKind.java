package io.offload.servers.agent;

import io.offload.servers.executor.FdOwners;
import io.offload.servers.executor.ServerExecutor;
import io.offload.servers.executor.SyscallExecutor;
import io.offload.servers.uring.IoUringExecutor;
import io.offload.servers.uring.IoUringExecutorOptions;
import io.offload.servers.uring.IoUringSupport;
import org.junit.jupiter.api.Assumptions;

/**
 * The executors a hand-driven server can run, for tests that run the same scenarios on each.
 */
enum ExecutorKind
{
    /** {@link SyscallExecutor}: every call a downcall on the server thread. */
    SYSCALLS
    {
        @Override
        ServerExecutor.Factory factory(final FdOwners owners)
        {
            return owners == null ? SyscallExecutor.factory() : SyscallExecutor.factory(owners);
        }
    },
    /** {@link IoUringExecutor} with default options, its fallback a {@link SyscallExecutor}. */
    IO_URING
    {
        @Override
        ServerExecutor.Factory factory(final FdOwners owners)
        {
            return IoUringExecutor.factory(new IoUringExecutorOptions(), SYSCALLS.factory(owners));
        }

        @Override
        void assumeAvailable()
        {
            final IoUringSupport.Availability availability = IoUringSupport.check();
            Assumptions.assumeTrue(availability.available(), availability::toString);
        }
    };

    /**
     * @param owners the fd owners the syscall executor forwards to, or null for the server's own.
     * @return a factory of this kind.
     */
    abstract ServerExecutor.Factory factory(FdOwners owners);

    /**
     * Skip the test where this executor cannot run.
     */
    void assumeAvailable()
    {
    }
}
