package io.offload.nio;

import io.offload.api.Errno;
import io.offload.api.IoVector;
import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;
import io.offload.api.StatxDescriptor;
import io.offload.api.Syscall;
import io.offload.servers.DirectSyscalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.StandardOpenOption;
import java.nio.file.spi.FileSystemProvider;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link FileChannel} over an fd that the provider opened: reads, writes, positional and scatter/gather I/O,
 * size, position, truncate, force and transfers go to the runtime's FILE servers, with the semantics of the JDK's
 * {@code sun.nio.ch.FileChannelImpl}:
 * <ul>
 *   <li>the position is the kernel's file offset, and relative operations hold a position lock;</li>
 *   <li>ClosedChannelException on a closed channel; AsynchronousCloseException for a call in progress when
 *       another thread closes the channel and the call moved nothing; ClosedByInterruptException, and the channel
 *       closed, when the calling thread is interrupted (the {@code begin}/{@code end} protocol of
 *       {@link java.nio.channels.spi.AbstractInterruptibleChannel});</li>
 *   <li>heap buffers travel through a pooled native chunk ({@link NativeScratch}), direct buffers as they are;
 *       a read-only buffer is refused as a read target with {@code IllegalArgumentException("Read-only buffer")}.</li>
 * </ul>
 * The fd is never closed while an offloaded call may still use its number (a reused number would let a late call
 * read another file into the buffer): every operation counts itself in flight, and close marks the channel closed,
 * waits until no call is in flight (each finishes, or is cancelled by the runtime and settles), and only then
 * closes the fd, as the JDK's channel does with its NativeThreadSet.
 * <p>
 * Memory mappings and file locks go to a platform channel on the same open file ({@code /proc/self/fd/N}, opened
 * on first use and closed with this channel, so its locks are released when this channel closes).
 */
final class OffloadFileChannel extends FileChannel
{
    private static final int CLOSING = Integer.MIN_VALUE;
    private static final long ECANCELED = -Errno.ECANCELED;
    private static final int TRANSFER_SIZE = 8192;
    private static final Cleaner CLEANER = Cleaner.create(runnable ->
    {
        final Thread thread = new Thread(runnable, "offload-nio-cleaner");
        thread.setDaemon(true);
        return thread;
    });

    private final Backend backend;
    private final FileSystemProvider platform;
    private final FileSystem platformFileSystem;
    private final int fd;
    private final String path;
    private final boolean readable;
    private final boolean writable;
    private final boolean append;
    private final Object positionLock = new Object();
    /** Calls in flight on the fd; the sign bit is set once the channel closes. */
    private final AtomicInteger calls = new AtomicInteger();
    private final FdCloser fdCloser;
    private final Cleaner.Cleanable cleanable;
    private volatile Thread closer;
    private FileChannel platformChannel; // guarded by this: opened on first use, for map and lock

    OffloadFileChannel(final Backend backend, final FileSystemProvider platform, final FileSystem platformFileSystem,
        final int fd, final String path, final boolean readable, final boolean writable, final boolean append)
    {
        this.backend = backend;
        this.platform = platform;
        this.platformFileSystem = platformFileSystem;
        this.fd = fd;
        this.path = path;
        this.readable = readable;
        this.writable = writable;
        this.append = append;
        this.fdCloser = new FdCloser(fd);
        this.cleanable = CLEANER.register(this, fdCloser); // an unreachable, unclosed channel's fd is released
    }

    /** Closes the fd of a channel that was dropped unclosed; holds no reference to the channel. */
    private static final class FdCloser implements Runnable
    {
        private final int fd;
        private volatile boolean closed;

        FdCloser(final int fd)
        {
            this.fd = fd;
        }

        @Override
        public void run()
        {
            if (!closed)
            {
                closed = true;
                DirectSyscalls.raw().close(fd);
            }
        }
    }

    // ---- the fd's in-flight count ----------------------------------------------------------------------------------

    /**
     * @return true if counted in flight; false if the channel is closing (the caller then does nothing).
     */
    private boolean enter()
    {
        int c;
        do
        {
            c = calls.get();
            if (c < 0)
            {
                return false;
            }
        }
        while (!calls.compareAndSet(c, c + 1));
        return true;
    }

    private void exit()
    {
        // the closer stored itself before it set CLOSING, so a count that carries CLOSING sees it (pairs with the
        // getAndAdd in awaitQuiescence)
        if (calls.decrementAndGet() == CLOSING)
        {
            LockSupport.unpark(closer);
        }
    }

    /**
     * Mark the channel closing and wait until no call is in flight on the fd. Interrupts are kept for later: the
     * wait must not end while a server may still use the fd.
     */
    private void awaitQuiescence()
    {
        closer = Thread.currentThread();
        calls.getAndAdd(CLOSING);
        boolean interrupted = false;
        while (calls.get() != CLOSING)
        {
            LockSupport.park(this);
            if (Thread.interrupted())
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return calls in flight now (tests).
     */
    int callsInFlight()
    {
        final int c = calls.get();
        return c < 0 ? c - CLOSING : c;
    }

    @Override
    protected void implCloseChannel() throws IOException
    {
        awaitQuiescence();
        IOException failure = null;
        final FileChannel locks;
        synchronized (this)
        {
            locks = platformChannel;
        }
        if (locks != null)
        {
            try
            {
                locks.close(); // releases this channel's locks, as closing a POSIX fd does
            }
            catch (final IOException ex)
            {
                failure = ex;
            }
        }
        final long result = backend.fdCalls().close(fd);
        fdCloser.closed = true;
        cleanable.clean();
        if (result < 0 && result != -Errno.EINTR)
        {
            final IOException ex = NioErrors.io(Syscall.CLOSE, (int)-result, path);
            if (failure != null)
            {
                ex.addSuppressed(failure);
            }
            throw ex;
        }
        if (failure != null)
        {
            throw failure;
        }
    }

    private void ensureOpen() throws IOException
    {
        if (!isOpen())
        {
            throw new ClosedChannelException();
        }
    }

    /**
     * @return the result, or throws: ECANCELED becomes 0 (the caller's {@code end} then reports the interrupt or
     *         the asynchronous close), any other errno the JDK's IOException with strerror's text.
     */
    private long check(final Syscall syscall, final long result) throws IOException
    {
        if (result >= 0)
        {
            return result;
        }
        if (result == ECANCELED && (Thread.currentThread().isInterrupted() || !isOpen()))
        {
            return -1; // not done: end(false) throws ClosedByInterruptException or AsynchronousCloseException
        }
        throw NioErrors.io(syscall, (int)-result, path);
    }

    // ---- reads -----------------------------------------------------------------------------------------------------

    @Override
    public int read(final ByteBuffer dst) throws IOException
    {
        ensureOpen();
        if (!readable)
        {
            throw new NonReadableChannelException();
        }
        synchronized (positionLock)
        {
            long n = 0;
            boolean entered = false;
            try
            {
                begin();
                entered = enter();
                if (!entered)
                {
                    return 0;
                }
                n = readInto(dst, -1);
                return (int)n;
            }
            finally
            {
                if (entered)
                {
                    exit();
                }
                end(n > 0);
            }
        }
    }

    @Override
    public int read(final ByteBuffer dst, final long position) throws IOException
    {
        if (dst == null)
        {
            throw new NullPointerException();
        }
        if (position < 0)
        {
            throw new IllegalArgumentException("Negative position");
        }
        ensureOpen();
        if (!readable)
        {
            throw new NonReadableChannelException();
        }
        long n = 0;
        boolean entered = false;
        try
        {
            begin();
            entered = enter();
            if (!entered)
            {
                return -1;
            }
            n = readInto(dst, position);
            return (int)n;
        }
        finally
        {
            if (entered)
            {
                exit();
            }
            end(n > 0);
        }
    }

    /**
     * One read into {@code dst} at the file position ({@code position < 0}) or at {@code position}.
     *
     * @return bytes read, -1 at the end of the file, 0 for a full buffer or a call that did not run.
     */
    private long readInto(final ByteBuffer dst, final long position) throws IOException
    {
        if (dst.isReadOnly())
        {
            throw new IllegalArgumentException("Read-only buffer");
        }
        final int start = dst.position();
        final int remaining = dst.remaining();
        if (remaining == 0)
        {
            return 0;
        }
        final RawSyscalls sys = backend.fdCalls();
        if (dst.isDirect())
        {
            final MemorySegment segment = MemorySegment.ofBuffer(dst);
            final long r = position < 0 ? sys.read(fd, segment, remaining) :
                sys.pread(fd, segment, remaining, position);
            final long n = check(position < 0 ? Syscall.READ : Syscall.PREAD, r);
            if (n > 0)
            {
                dst.position(start + (int)n);
            }
            return n == 0 ? -1 : n < 0 ? 0 : n;
        }
        final NativeScratch lease = NativeScratch.dataLease();
        try
        {
            long total = 0;
            while (total < remaining)
            {
                final int length = (int)Math.min(remaining - total, NativeScratch.CHUNK);
                final long r = position < 0 ? sys.read(fd, lease.chunk, length) :
                    sys.pread(fd, lease.chunk, length, position + total);
                if (r < 0 && total > 0)
                {
                    break; // report what was read; the error shows again on the next call
                }
                final long n = check(position < 0 ? Syscall.READ : Syscall.PREAD, r);
                if (n <= 0)
                {
                    return total > 0 ? total : n == 0 ? -1 : 0;
                }
                dst.put(start + (int)total, lease.chunkBuffer, 0, (int)n);
                total += n;
                dst.position(start + (int)total);
                if (n < length)
                {
                    break;
                }
            }
            return total;
        }
        finally
        {
            lease.release();
        }
    }

    @Override
    public long read(final ByteBuffer[] dsts, final int offset, final int length) throws IOException
    {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        ensureOpen();
        if (!readable)
        {
            throw new NonReadableChannelException();
        }
        synchronized (positionLock)
        {
            long n = 0;
            boolean entered = false;
            try
            {
                begin();
                entered = enter();
                if (!entered)
                {
                    return 0;
                }
                n = scatter(dsts, offset, length);
                return n;
            }
            finally
            {
                if (entered)
                {
                    exit();
                }
                end(n > 0);
            }
        }
    }

    private long scatter(final ByteBuffer[] dsts, final int offset, final int length) throws IOException
    {
        long total = 0;
        boolean allDirect = true;
        for (int i = offset; i < offset + length; i++)
        {
            final ByteBuffer dst = dsts[i];
            if (dst.isReadOnly())
            {
                throw new IllegalArgumentException("Read-only buffer");
            }
            total += dst.remaining();
            allDirect &= dst.isDirect();
        }
        if (total == 0)
        {
            return 0;
        }
        final RawSyscalls sys = backend.fdCalls();
        final NativeScratch lease = NativeScratch.dataLease();
        try
        {
            final long n;
            if (allDirect)
            {
                final IoVector vector = lease.vector;
                for (int i = offset; i < offset + length && vector.count() < NativeScratch.IOV_CAPACITY; i++)
                {
                    if (dsts[i].hasRemaining())
                    {
                        vector.add(MemorySegment.ofBuffer(dsts[i]));
                    }
                }
                n = check(Syscall.READV, sys.readv(fd, vector));
                advance(dsts, offset, length, n);
            }
            else
            {
                final int chunk = (int)Math.min(total, NativeScratch.CHUNK);
                n = check(Syscall.READ, sys.read(fd, lease.chunk, chunk));
                int from = 0;
                for (int i = offset; i < offset + length && from < n; i++)
                {
                    final ByteBuffer dst = dsts[i];
                    final int take = (int)Math.min(dst.remaining(), n - from);
                    dst.put(dst.position(), lease.chunkBuffer, from, take);
                    dst.position(dst.position() + take);
                    from += take;
                }
            }
            return n == 0 ? -1 : n < 0 ? 0 : n;
        }
        finally
        {
            lease.release();
        }
    }

    private static void advance(final ByteBuffer[] buffers, final int offset, final int length, final long n)
    {
        long left = n;
        for (int i = offset; i < offset + length && left > 0; i++)
        {
            final ByteBuffer buffer = buffers[i];
            final int take = (int)Math.min(buffer.remaining(), left);
            buffer.position(buffer.position() + take);
            left -= take;
        }
    }

    // ---- writes ----------------------------------------------------------------------------------------------------

    @Override
    public int write(final ByteBuffer src) throws IOException
    {
        ensureOpen();
        if (!writable)
        {
            throw new NonWritableChannelException();
        }
        synchronized (positionLock)
        {
            long n = 0;
            boolean entered = false;
            try
            {
                begin();
                entered = enter();
                if (!entered)
                {
                    return 0;
                }
                n = writeFrom(src, -1);
                return (int)n;
            }
            finally
            {
                if (entered)
                {
                    exit();
                }
                end(n > 0);
            }
        }
    }

    @Override
    public int write(final ByteBuffer src, final long position) throws IOException
    {
        if (src == null)
        {
            throw new NullPointerException();
        }
        if (position < 0)
        {
            throw new IllegalArgumentException("Negative position");
        }
        ensureOpen();
        if (!writable)
        {
            throw new NonWritableChannelException();
        }
        long n = 0;
        boolean entered = false;
        try
        {
            begin();
            entered = enter();
            if (!entered)
            {
                return -1;
            }
            n = writeFrom(src, position);
            return (int)n;
        }
        finally
        {
            if (entered)
            {
                exit();
            }
            end(n > 0);
        }
    }

    /**
     * Write all of {@code src} at the file position ({@code position < 0}) or at {@code position}.
     *
     * @return bytes written (0 for a call that did not run).
     */
    private long writeFrom(final ByteBuffer src, final long position) throws IOException
    {
        final int start = src.position();
        final int remaining = src.remaining();
        if (remaining == 0)
        {
            return 0;
        }
        final RawSyscalls sys = backend.fdCalls();
        long total = 0;
        if (src.isDirect())
        {
            final MemorySegment segment = MemorySegment.ofBuffer(src);
            total = writeFully(sys, segment, remaining, position);
        }
        else
        {
            final NativeScratch lease = NativeScratch.dataLease();
            try
            {
                while (total < remaining)
                {
                    final int length = (int)Math.min(remaining - total, NativeScratch.CHUNK);
                    lease.chunkBuffer.put(0, src, start + (int)total, length);
                    final long n = writeFully(sys, lease.chunk, length, position < 0 ? -1 : position + total);
                    if (n <= 0)
                    {
                        break;
                    }
                    total += n;
                    if (n < length)
                    {
                        break;
                    }
                }
            }
            finally
            {
                lease.release();
            }
        }
        src.position(start + (int)total);
        return total;
    }

    /** Write {@code length} bytes of {@code buf}; a short write is followed by another from where it stopped. */
    private long writeFully(final RawSyscalls sys, final MemorySegment buf, final long length, final long position)
        throws IOException
    {
        long total = 0;
        while (total < length)
        {
            final MemorySegment rest = total == 0 ? buf : buf.asSlice(total);
            final long r = position < 0 ? sys.write(fd, rest, length - total) :
                sys.pwrite(fd, rest, length - total, position + total);
            if (r < 0 && total > 0)
            {
                break;
            }
            final long n = check(position < 0 ? Syscall.WRITE : Syscall.PWRITE, r);
            if (n <= 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }

    @Override
    public long write(final ByteBuffer[] srcs, final int offset, final int length) throws IOException
    {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        ensureOpen();
        if (!writable)
        {
            throw new NonWritableChannelException();
        }
        synchronized (positionLock)
        {
            long n = 0;
            boolean entered = false;
            try
            {
                begin();
                entered = enter();
                if (!entered)
                {
                    return 0;
                }
                n = gather(srcs, offset, length);
                return n;
            }
            finally
            {
                if (entered)
                {
                    exit();
                }
                end(n > 0);
            }
        }
    }

    private long gather(final ByteBuffer[] srcs, final int offset, final int length) throws IOException
    {
        long total = 0;
        boolean allDirect = true;
        for (int i = offset; i < offset + length; i++)
        {
            total += srcs[i].remaining();
            allDirect &= srcs[i].isDirect();
        }
        if (total == 0)
        {
            return 0;
        }
        final RawSyscalls sys = backend.fdCalls();
        final NativeScratch lease = NativeScratch.dataLease();
        try
        {
            if (allDirect)
            {
                final IoVector vector = lease.vector;
                for (int i = offset; i < offset + length && vector.count() < NativeScratch.IOV_CAPACITY; i++)
                {
                    if (srcs[i].hasRemaining())
                    {
                        vector.add(MemorySegment.ofBuffer(srcs[i]));
                    }
                }
                final long n = Math.max(0, check(Syscall.WRITEV, sys.writev(fd, vector)));
                advance(srcs, offset, length, n);
                return n;
            }
            long written = 0;
            int index = offset;
            while (index < offset + length)
            {
                int filled = 0;
                while (index < offset + length && filled < NativeScratch.CHUNK)
                {
                    final ByteBuffer src = srcs[index];
                    final int take = Math.min(src.remaining(), NativeScratch.CHUNK - filled);
                    lease.chunkBuffer.put(filled, src, src.position(), take);
                    filled += take;
                    if (take == src.remaining())
                    {
                        index++;
                    }
                    else
                    {
                        break;
                    }
                }
                final long n = writeFully(sys, lease.chunk, filled, -1);
                advance(srcs, offset, length, n);
                written += n;
                if (n < filled)
                {
                    break;
                }
            }
            return written;
        }
        finally
        {
            lease.release();
        }
    }

    // ---- position, size, truncate, force ---------------------------------------------------------------------------

    @Override
    public long position() throws IOException
    {
        ensureOpen();
        synchronized (positionLock)
        {
            long p = -1;
            boolean entered = false;
            try
            {
                begin();
                entered = enter();
                if (!entered)
                {
                    return 0;
                }
                p = append ? sizeOf(backend.fdCalls()) :
                    check(Syscall.LSEEK, backend.fdCalls().lseek(fd, 0, LinuxConstants.SEEK_CUR));
                return Math.max(p, 0);
            }
            finally
            {
                if (entered)
                {
                    exit();
                }
                end(p > -1);
            }
        }
    }

    @Override
    public FileChannel position(final long newPosition) throws IOException
    {
        ensureOpen();
        if (newPosition < 0)
        {
            throw new IllegalArgumentException();
        }
        synchronized (positionLock)
        {
            long p = -1;
            boolean entered = false;
            try
            {
                begin();
                entered = enter();
                if (!entered)
                {
                    return null;
                }
                p = check(Syscall.LSEEK, backend.fdCalls().lseek(fd, newPosition, LinuxConstants.SEEK_SET));
                return this;
            }
            finally
            {
                if (entered)
                {
                    exit();
                }
                end(p > -1);
            }
        }
    }

    @Override
    public long size() throws IOException
    {
        ensureOpen();
        synchronized (positionLock)
        {
            long s = -1;
            boolean entered = false;
            try
            {
                begin();
                entered = enter();
                if (!entered)
                {
                    return -1;
                }
                s = sizeOf(backend.fdCalls());
                return Math.max(s, 0);
            }
            finally
            {
                if (entered)
                {
                    exit();
                }
                end(s > -1);
            }
        }
    }

    /** The file's size by statx on the fd; -1 if the call did not run. */
    private long sizeOf(final RawSyscalls sys) throws IOException
    {
        final NativeScratch lease = NativeScratch.dataLease();
        try
        {
            final long r = check(Syscall.STATX, sys.statx(fd, lease.emptyPath, LinuxConstants.AT_EMPTY_PATH,
                OffloadFileAttributes.STATX_MASK, lease.statx));
            return r < 0 ? -1 : lease.statx.get(ValueLayout.JAVA_LONG_UNALIGNED, StatxDescriptor.SIZE_OFFSET);
        }
        finally
        {
            lease.release();
        }
    }

    @Override
    public FileChannel truncate(final long newSize) throws IOException
    {
        ensureOpen();
        if (newSize < 0)
        {
            throw new IllegalArgumentException("Negative size");
        }
        if (!writable)
        {
            throw new NonWritableChannelException();
        }
        synchronized (positionLock)
        {
            long rv = -1;
            boolean entered = false;
            try
            {
                begin();
                entered = enter();
                if (!entered)
                {
                    return null;
                }
                final RawSyscalls sys = backend.fdCalls();
                final long size = sizeOf(sys);
                if (size < 0)
                {
                    return null;
                }
                long p = check(Syscall.LSEEK, sys.lseek(fd, 0, LinuxConstants.SEEK_CUR));
                if (p < 0)
                {
                    return null;
                }
                if (newSize < size)
                {
                    rv = check(Syscall.FTRUNCATE, sys.ftruncate(fd, newSize));
                    if (rv < 0)
                    {
                        return null;
                    }
                }
                else
                {
                    rv = 0;
                }
                if (p > newSize)
                {
                    p = newSize;
                }
                check(Syscall.LSEEK, sys.lseek(fd, p, LinuxConstants.SEEK_SET));
                return this;
            }
            finally
            {
                if (entered)
                {
                    exit();
                }
                end(rv > -1);
            }
        }
    }

    @Override
    public void force(final boolean metaData) throws IOException
    {
        ensureOpen();
        long rv = -1;
        boolean entered = false;
        try
        {
            begin();
            entered = enter();
            if (!entered)
            {
                return;
            }
            final RawSyscalls sys = backend.fdCalls();
            rv = metaData ? check(Syscall.FSYNC, sys.fsync(fd)) : check(Syscall.FDATASYNC, sys.fdatasync(fd));
        }
        finally
        {
            if (entered)
            {
                exit();
            }
            end(rv > -1);
        }
    }

    // ---- transfers -------------------------------------------------------------------------------------------------

    @Override
    public long transferTo(final long position, final long count, final WritableByteChannel target)
        throws IOException
    {
        ensureOpen();
        if (!target.isOpen())
        {
            throw new ClosedChannelException();
        }
        if (!readable)
        {
            throw new NonReadableChannelException();
        }
        if (target instanceof OffloadFileChannel channel && !channel.writable)
        {
            throw new NonWritableChannelException();
        }
        if (position < 0 || count < 0)
        {
            throw new IllegalArgumentException();
        }
        final long size = size();
        if (position > size)
        {
            return 0;
        }
        final long wanted = Math.min(count, size - position);
        if (wanted > 0 && target instanceof OffloadFileChannel channel)
        {
            final long n = copyFileRange(this, position, channel, -1, wanted);
            if (n >= 0)
            {
                return n;
            }
        }
        return transferToArbitraryChannel(position, wanted, target);
    }

    @Override
    public long transferFrom(final ReadableByteChannel src, final long position, final long count)
        throws IOException
    {
        ensureOpen();
        if (!src.isOpen())
        {
            throw new ClosedChannelException();
        }
        if (src instanceof OffloadFileChannel channel && !channel.readable)
        {
            throw new NonReadableChannelException();
        }
        if (!writable)
        {
            throw new NonWritableChannelException();
        }
        if (position < 0 || count < 0)
        {
            throw new IllegalArgumentException();
        }
        if (count > 0 && src instanceof OffloadFileChannel channel && channel.size() > 0)
        {
            final long n = copyFileRange(channel, -1, this, position, count);
            if (n >= 0)
            {
                return n;
            }
        }
        return transferFromArbitraryChannel(src, position, count);
    }

    /**
     * copy_file_range between two offload channels, both counted in flight.
     *
     * @return bytes copied, or -1 where the kernel cannot copy these files in place (the caller falls back).
     */
    private static long copyFileRange(final OffloadFileChannel in, final long inPosition,
        final OffloadFileChannel out, final long outPosition, final long count) throws IOException
    {
        final OffloadFileChannel caller = outPosition >= 0 ? out : in;
        final OffloadFileChannel other = caller == out ? in : out;
        long n = -1;
        boolean completed = false;
        try
        {
            caller.begin();
            if (!caller.enter())
            {
                throw new AsynchronousCloseException();
            }
            try
            {
                if (!other.enter())
                {
                    throw new AsynchronousCloseException();
                }
                try
                {
                    final NativeScratch lease = NativeScratch.dataLease();
                    try
                    {
                        final MemorySegment inOffset = lease.offsets.asSlice(0, 8);
                        final MemorySegment outOffset = lease.offsets.asSlice(8, 8);
                        inOffset.set(ValueLayout.JAVA_LONG, 0, inPosition);
                        outOffset.set(ValueLayout.JAVA_LONG, 0, outPosition);
                        final long r = caller.backend.fdCalls().copyFileRange(in.fd,
                            inPosition < 0 ? MemorySegment.NULL : inOffset, out.fd,
                            outPosition < 0 ? MemorySegment.NULL : outOffset,
                            Math.min(count, Integer.MAX_VALUE & ~4095L), 0);
                        if (r == -Errno.EXDEV || r == -Errno.EINVAL || r == -Errno.ENOSYS || r == -Errno.EOPNOTSUPP ||
                            r == -Errno.EBADF)
                        {
                            completed = true;
                            return -1; // not copyable in place (another file system, O_APPEND, overlap): fall back
                        }
                        n = caller.check(Syscall.COPY_FILE_RANGE, r);
                        completed = n >= 0;
                        return Math.max(n, 0);
                    }
                    finally
                    {
                        lease.release();
                    }
                }
                finally
                {
                    other.exit();
                }
            }
            finally
            {
                caller.exit();
            }
        }
        finally
        {
            caller.end(completed);
        }
    }

    private long transferToArbitraryChannel(final long position, final long count, final WritableByteChannel target)
        throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate((int)Math.min(Math.max(count, 1), TRANSFER_SIZE));
        long written = 0;
        long at = position;
        try
        {
            while (written < count)
            {
                buffer.limit((int)Math.min(count - written, TRANSFER_SIZE));
                final int read = read(buffer, at);
                if (read <= 0)
                {
                    break;
                }
                buffer.flip();
                final int n = target.write(buffer);
                written += n;
                if (n != read)
                {
                    break;
                }
                at += n;
                buffer.clear();
            }
            return written;
        }
        catch (final IOException ex)
        {
            if (written > 0)
            {
                return written;
            }
            throw ex;
        }
    }

    private long transferFromArbitraryChannel(final ReadableByteChannel src, final long position, final long count)
        throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate((int)Math.min(Math.max(count, 1), TRANSFER_SIZE));
        long written = 0;
        long at = position;
        try
        {
            while (written < count)
            {
                buffer.limit((int)Math.min(count - written, TRANSFER_SIZE));
                final int read = src.read(buffer);
                if (read <= 0)
                {
                    break;
                }
                buffer.flip();
                final int n = write(buffer, at);
                written += n;
                if (n != read)
                {
                    break;
                }
                at += n;
                buffer.clear();
            }
            return written;
        }
        catch (final IOException ex)
        {
            if (written > 0)
            {
                return written;
            }
            throw ex;
        }
    }

    // ---- to the platform: mappings and locks -----------------------------------------------------------------------

    /**
     * @return the platform channel on this channel's open file, opened on first use while this channel is counted
     *         in flight (so the fd number in /proc/self/fd cannot be reused meanwhile).
     */
    private FileChannel platformChannel() throws IOException
    {
        ensureOpen();
        synchronized (this)
        {
            if (platformChannel != null)
            {
                return platformChannel;
            }
            if (!enter())
            {
                throw new ClosedChannelException();
            }
            try
            {
                final Set<StandardOpenOption> options = EnumSet.noneOf(StandardOpenOption.class);
                if (readable)
                {
                    options.add(StandardOpenOption.READ);
                }
                if (writable)
                {
                    options.add(StandardOpenOption.WRITE);
                }
                platformChannel = platform.newFileChannel(platformFileSystem.getPath("/proc/self/fd/" + fd), options);
                return platformChannel;
            }
            finally
            {
                exit();
            }
        }
    }

    @Override
    public MappedByteBuffer map(final MapMode mode, final long position, final long size) throws IOException
    {
        ensureOpen();
        return platformChannel().map(mode, position, size);
    }

    @Override
    public MemorySegment map(final MapMode mode, final long offset, final long size, final Arena arena)
        throws IOException
    {
        ensureOpen();
        return platformChannel().map(mode, offset, size, arena);
    }

    @Override
    public FileLock lock(final long position, final long size, final boolean shared) throws IOException
    {
        ensureOpen();
        checkLockMode(shared);
        return new OffloadFileLock(this, platformChannel().lock(position, size, shared));
    }

    @Override
    public FileLock tryLock(final long position, final long size, final boolean shared) throws IOException
    {
        ensureOpen();
        checkLockMode(shared);
        final FileLock lock = platformChannel().tryLock(position, size, shared);
        return lock == null ? null : new OffloadFileLock(this, lock);
    }

    private void checkLockMode(final boolean shared)
    {
        if (shared && !readable)
        {
            throw new NonReadableChannelException();
        }
        if (!shared && !writable)
        {
            throw new NonWritableChannelException();
        }
    }

    @Override
    public String toString()
    {
        return "OffloadFileChannel[" + path + ", fd " + fd + (isOpen() ? "" : ", closed") + "]";
    }
}
