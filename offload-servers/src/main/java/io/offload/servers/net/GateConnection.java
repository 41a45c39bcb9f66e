package io.offload.servers.net;

import io.offload.api.Connection;
import io.offload.api.LinuxConstants;
import io.offload.api.internal.NativeBuffers;
import io.offload.api.Syscall;
import io.offload.api.SyscallException;
import io.offload.servers.call.CallMemory;
import io.offload.servers.call.OffloadGate;
import io.offload.servers.call.SyscallGate;
import io.offload.servers.call.Timeouts;
import io.offload.servers.call.WriteBehind;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection over a gate: reads are recvfrom, writes are sendto (write-all, MSG_NOSIGNAL), file sends are
 * sendfile, all resumable calls that wait in a server's reactor rather than block it.
 * <p>
 * Close follows the JDK's NioSocketImpl: calls in progress are counted; close marks the connection closed, shuts
 * the socket down (which wakes every waiter, in a server's reactor or in poll(2)), waits for the calls in progress
 * to leave, and only then closes the fd, so a woken call never touches a number the kernel has handed to another
 * file. A call that was in progress, or starts after close, fails with EBADF.
 * <p>
 * Buffers follow the buffer-lifetime rule ({@link CallMemory}): a read returns only once the kernel is done with its
 * buffer, and a buffer of a shared arena reaches the kernel only as a copy in runtime memory.
 * <p>
 * Write-behind ({@link WriteBehind}, {@code offload.net.writeBehindBytes}): a small write returns once its bytes are
 * copied into runtime memory and its send is the server's. A write, sendfile or shutdown first waits for the send
 * before it and fails with that send's error if it had one; close waits for it up to {@link #CLOSE_LINGER_NANOS},
 * then shuts the socket down (ending the send), closes the fd once the send's completion is in, and then fails with
 * the send's error if it had one.
 */
final class GateConnection implements Connection
{
    /** How long close waits for a write-behind send still in flight before it shuts the socket down. */
    static final long CLOSE_LINGER_NANOS = 1_000_000_000L;

    private final SyscallGate gate;
    private final CallMemory memory;
    private final int fd;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final java.util.concurrent.atomic.AtomicInteger inProgress = new java.util.concurrent.atomic.AtomicInteger();
    private volatile InetSocketAddress localAddress;
    private volatile InetSocketAddress remoteAddress;
    /** Small writes return once copied, or null: every write waits for its send. */
    private final WriteBehind writeBehind;
    private final long writeBehindBytes;

    /**
     * @param gate             where the socket's calls go.
     * @param memory           what address the kernel gets for a caller's buffer.
     * @param writeBehindBytes the largest write taken by write-behind, 0 for none (and none unless the gate is an
     *                         {@link OffloadGate}).
     * @param fd               the socket.
     */
    GateConnection(final SyscallGate gate, final CallMemory memory, final int writeBehindBytes, final int fd)
    {
        this.gate = gate;
        this.memory = memory;
        this.fd = fd;
        if (writeBehindBytes > 0 && gate instanceof OffloadGate offloadGate)
        {
            this.writeBehind = new WriteBehind(offloadGate, memory.pool(), fd, inProgress);
            this.writeBehindBytes = writeBehindBytes;
        }
        else
        {
            this.writeBehind = null;
            this.writeBehindBytes = 0;
        }
    }

    @Override
    public long read(final MemorySegment buf) throws SyscallException
    {
        return recv(buf, 0, 0);
    }

    @Override
    public long read(final MemorySegment buf, final Duration timeout) throws SyscallException
    {
        return recv(buf, 0, Timeouts.toNanos(timeout));
    }

    @Override
    public long read(final ByteBuffer buf) throws SyscallException
    {
        final long n = recv(direct(buf), 0, 0);
        buf.position(buf.position() + (int)n);
        return n;
    }

    @Override
    public long readFully(final MemorySegment buf) throws SyscallException
    {
        return recv(buf, LinuxConstants.MSG_WAITALL, 0);
    }

    private long recv(final MemorySegment buf, final int flags, final long timeoutNanos) throws SyscallException
    {
        NativeBuffers.writableAddress(buf, "buf");
        inProgress.incrementAndGet();
        try
        {
            checkOpen(Syscall.RECVFROM);
            final long result = memory.into(gate, Syscall.RECVFROM, fd, buf, buf.byteSize(), flags, timeoutNanos);
            return checked(Syscall.RECVFROM, result);
        }
        finally
        {
            inProgress.decrementAndGet();
        }
    }

    /**
     * One send of {@code length} bytes of {@code buf} from {@code offset}, counted in progress so that close waits
     * for it.
     */
    private long send(final MemorySegment buf, final long offset, final long length) throws SyscallException
    {
        inProgress.incrementAndGet();
        try
        {
            checkOpen(Syscall.SENDTO);
            return checked(Syscall.SENDTO, memory.from(gate, Syscall.SENDTO, fd, buf, offset, length, 0, 0));
        }
        finally
        {
            inProgress.decrementAndGet();
        }
    }

    /**
     * One call on the socket that names no memory, counted in progress so that close waits for it.
     */
    private long call(final Syscall syscall, final long a1, final long a2, final long a3) throws SyscallException
    {
        inProgress.incrementAndGet();
        try
        {
            checkOpen(syscall);
            final long result = gate.call(syscall, fd, a1, a2, a3, 0, 0, 0);
            if (!open.get())
            {
                throw closed(syscall); // woken by close's shutdown: whatever came back is not this call's
            }
            if (result < 0)
            {
                throw SocketIo.failure(gate, syscall, result, fd, syscall == Syscall.SENDFILE ? "file fd=" + a1 : null);
            }
            return result;
        }
        finally
        {
            inProgress.decrementAndGet();
        }
    }

    private void checkOpen(final Syscall syscall) throws SyscallException
    {
        if (!open.get())
        {
            throw closed(syscall);
        }
    }

    private long checked(final Syscall syscall, final long result) throws SyscallException
    {
        if (!open.get())
        {
            throw closed(syscall); // woken by close's shutdown: whatever came back is not this call's
        }
        return SocketIo.check(gate, syscall, result, fd, null);
    }

    private SyscallException closed(final Syscall syscall)
    {
        return new SyscallException(syscall, io.offload.api.Errno.EBADF, "fd=" + fd + "; the connection was closed");
    }

    @Override
    public long write(final MemorySegment buf) throws SyscallException
    {
        NativeBuffers.address(buf, "buf");
        final long length = buf.byteSize();
        if (writtenBehind(buf, null, length))
        {
            return length;
        }
        long written = 0;
        do
        {
            // a write that stopped short (the peer reset mid-way) is retried, so the error surfaces
            written += send(buf, written, length - written);
        }
        while (written < length);
        return written;
    }

    @Override
    public long write(final MemorySegment head, final MemorySegment body) throws SyscallException
    {
        NativeBuffers.address(head, "head");
        NativeBuffers.address(body, "body");
        final long length = head.byteSize() + body.byteSize();
        if (writtenBehind(head, body, length))
        {
            return length; // one send for both: the body does not wait for the head's
        }
        return write(head) + write(body);
    }

    /**
     * Hand a write of {@code buf} (then {@code then}, if not null) to write-behind when there is write-behind and
     * the {@code length} bytes fit it, after the send before it; counted in progress while it is handed, so that a
     * close either sees it or is seen.
     *
     * @return whether write-behind took it; if not, the caller sends it the blocking way.
     */
    private boolean writtenBehind(final MemorySegment buf, final MemorySegment then, final long length)
        throws SyscallException
    {
        if (writeBehind == null)
        {
            return false;
        }
        afterWriteBehind(Syscall.SENDTO);
        if (length == 0 || length > writeBehindBytes)
        {
            return false;
        }
        inProgress.incrementAndGet();
        try
        {
            checkOpen(Syscall.SENDTO);
            return writeBehind.offer(buf, then);
        }
        finally
        {
            inProgress.decrementAndGet();
        }
    }

    /**
     * Before a call that sends on the socket: wait for the write-behind send in flight (bytes keep their order) and
     * fail with its error if it had one.
     */
    private void afterWriteBehind(final Syscall syscall) throws SyscallException
    {
        if (writeBehind != null)
        {
            writeBehind.awaitSent(Long.MAX_VALUE);
            reportWriteBehindFailure(syscall, writeBehind.takeFailure());
        }
    }

    private void reportWriteBehindFailure(final Syscall syscall, final int errno) throws SyscallException
    {
        if (errno != 0)
        {
            throw new SyscallException(syscall, errno, "fd=" + fd + "; " + writeBehind.failureDetail());
        }
    }

    @Override
    public long write(final ByteBuffer buf) throws SyscallException
    {
        final long n = write(direct(buf));
        buf.position(buf.position() + (int)n);
        return n;
    }

    @Override
    public long sendFile(final int fileFd, final long offset, final long count) throws SyscallException
    {
        NativeBuffers.fileOffset(offset, "offset");
        NativeBuffers.fileOffset(count, "count");
        afterWriteBehind(Syscall.SENDFILE);
        long sent = 0;
        while (sent < count)
        {
            final long n = call(Syscall.SENDFILE, fileFd, offset + sent, count - sent);
            if (n == 0)
            {
                break; // the file ends before offset + count
            }
            sent += n; // a send that stopped short (the peer reset mid-way) is retried, so the error surfaces
        }
        return sent;
    }

    @Override
    public void shutdownOutput() throws SyscallException
    {
        afterWriteBehind(Syscall.SHUTDOWN);
        call(Syscall.SHUTDOWN, LinuxConstants.SHUT_WR, 0, 0);
    }

    @Override
    public void setNoDelay(final boolean on) throws SyscallException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            value.set(ValueLayout.JAVA_INT, 0, on ? 1 : 0);
            SocketIo.check(gate, Syscall.SETSOCKOPT, gate.call(Syscall.SETSOCKOPT, fd, LinuxConstants.IPPROTO_TCP,
                LinuxConstants.TCP_NODELAY, value.address(), 4, 0, 0), fd, "TCP_NODELAY");
        }
    }

    @Override
    public InetSocketAddress localAddress()
    {
        InetSocketAddress address = localAddress;
        if (address == null)
        {
            address = lookUp(true);
            localAddress = address;
        }
        return address;
    }

    @Override
    public InetSocketAddress remoteAddress()
    {
        InetSocketAddress address = remoteAddress;
        if (address == null)
        {
            address = lookUp(false);
            remoteAddress = address;
        }
        return address;
    }

    private InetSocketAddress lookUp(final boolean local)
    {
        try
        {
            return local ? SocketIo.localAddress(gate, fd) : SocketIo.remoteAddress(gate, fd);
        }
        catch (final SyscallException ex)
        {
            throw new IllegalStateException("cannot read the " + (local ? "local" : "remote") + " address of fd " +
                fd + ": " + ex.getMessage(), ex);
        }
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
            int failed = 0;
            if (writeBehind != null)
            {
                writeBehind.awaitSent(CLOSE_LINGER_NANOS); // the bytes of a write that returned still go out
                failed = writeBehind.takeFailure();
            }
            SocketIo.closeAfterInProgress(gate, fd, inProgress); // waits for a send still in flight to complete
            reportWriteBehindFailure(Syscall.CLOSE, failed);
        }
    }

    private static MemorySegment direct(final ByteBuffer buf)
    {
        if (buf == null || !buf.isDirect())
        {
            throw new IllegalArgumentException(
                "buf must be a direct ByteBuffer (ByteBuffer.allocateDirect): the kernel needs native memory");
        }
        return MemorySegment.ofBuffer(buf); // read-only if the buffer is: a read refuses it
    }

    @Override
    public String toString()
    {
        return "Connection[fd=" + fd + (open.get() ? "" : ", closed") + "]";
    }
}
