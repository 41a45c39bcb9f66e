package io.offload.servers.net;

import io.offload.api.Connection;
import io.offload.api.Listener;
import io.offload.api.Syscall;
import io.offload.api.SyscallException;
import io.offload.servers.call.CallMemory;
import io.offload.servers.call.SyscallGate;
import io.offload.servers.call.Timeouts;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening socket over a gate.
 */
final class GateListener implements Listener
{
    private final SyscallGate gate;
    private final CallMemory memory;
    private final int writeBehindBytes;
    private final int fd;
    private final InetSocketAddress localAddress;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final java.util.concurrent.atomic.AtomicInteger inProgress = new java.util.concurrent.atomic.AtomicInteger();

    GateListener(final SyscallGate gate, final CallMemory memory, final int writeBehindBytes, final int fd,
        final InetSocketAddress localAddress)
    {
        this.gate = gate;
        this.memory = memory;
        this.writeBehindBytes = writeBehindBytes;
        this.fd = fd;
        this.localAddress = localAddress;
    }

    @Override
    public Connection accept() throws SyscallException
    {
        return accept(0);
    }

    @Override
    public Connection accept(final Duration timeout) throws SyscallException
    {
        return accept(Timeouts.toNanos(timeout));
    }

    private Connection accept(final long timeoutNanos) throws SyscallException
    {
        inProgress.incrementAndGet();
        try
        {
            if (!open.get())
            {
                throw closed();
            }
            final long accepted = gate.call(Syscall.ACCEPT4, fd, 0, 0, 0, 0, 0, timeoutNanos);
            if (!open.get())
            {
                if (accepted >= 0)
                {
                    SocketIo.closeQuietly(gate, (int)accepted);
                }
                throw closed(); // woken by close's shutdown
            }
            if (accepted < 0)
            {
                throw SocketIo.failure(gate, Syscall.ACCEPT4, accepted, fd, localAddress.toString());
            }
            return new GateConnection(gate, memory, writeBehindBytes, (int)accepted);
        }
        finally
        {
            inProgress.decrementAndGet();
        }
    }

    private SyscallException closed()
    {
        return new SyscallException(Syscall.ACCEPT4, io.offload.api.Errno.EBADF, "fd=" + fd + "; the listener was closed");
    }

    @Override
    public InetSocketAddress localAddress()
    {
        return localAddress;
    }

    @Override
    public int fd()
    {
        return fd;
    }

    @Override
    public boolean isOpen()
    {
        return open.get();
    }

    @Override
    public void close() throws SyscallException
    {
        if (open.compareAndSet(true, false))
        {
            SocketIo.closeAfterInProgress(gate, fd, inProgress);
        }
    }

    @Override
    public String toString()
    {
        return "Listener[fd=" + fd + ", " + localAddress + (open.get() ? "" : ", closed") + "]";
    }
}
