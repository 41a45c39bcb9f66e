package io.offload.servers.net;

import io.offload.api.Connection;
import io.offload.api.Listener;
import io.offload.api.Sockets;
import io.offload.api.SyscallException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An echo server over a {@link Sockets}: one accept loop, one thread per connection (virtual or platform, as the
 * builder given says). Plain mode writes back whatever each read returns; framed mode reads a 4-byte big-endian
 * length and that many bytes with readFully (so a half-sent message leaves a read pending with progress), then
 * writes the frame back. Counts what it echoed and keeps every unexpected failure for the test to assert on.
 */
final class EchoServer implements AutoCloseable
{
    static final int BUFFER = 16 * 1024;
    private static final java.time.Duration POLL = java.time.Duration.ofMillis(100);
    private static final ValueLayout.OfInt LENGTH = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    final Listener listener;
    final AtomicLong echoed = new AtomicLong();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();
    final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    final Queue<Thread> handlers = new ConcurrentLinkedQueue<>();
    private final Thread.Builder threads;
    private final boolean framed;
    private final boolean polling;
    private final Thread acceptor;
    private volatile boolean stopping;

    /**
     * @param polling accept with a short deadline and check for a stop in between, instead of ending the accept by
     *                closing the listener under it: for inline sockets, whose accept waits in poll(2), which a
     *                close(2) on another thread does not wake (InlineNetworkTest.closeCompletesABlockedRead).
     */
    EchoServer(final Sockets sockets, final int backlog, final Thread.Builder threads, final boolean framed,
        final boolean polling) throws SyscallException
    {
        this.listener = sockets.listen(NetTestSupport.anyPort(), backlog);
        this.threads = threads;
        this.framed = framed;
        this.polling = polling;
        this.acceptor = threads.name("echo-accept").start(this::acceptLoop);
    }

    private void acceptLoop()
    {
        while (true)
        {
            final Connection connection;
            try
            {
                connection = polling ? listener.accept(POLL) : listener.accept();
            }
            catch (final SyscallException ex)
            {
                if (polling && ex.errno() == io.offload.api.Errno.ETIMEDOUT)
                {
                    if (stopping)
                    {
                        return;
                    }
                    continue;
                }
                if (listener.isOpen() && !stopping)
                {
                    failures.add(ex);
                }
                return; // closed: EBADF
            }
            catch (final RuntimeException ex)
            {
                failures.add(ex);
                return;
            }
            accepted.incrementAndGet();
            handlers.add(threads.name("echo-" + connection.fd()).start(() -> serve(connection)));
        }
    }

    private void serve(final Connection connection)
    {
        try (connection; Arena arena = Arena.ofConfined())
        {
            if (framed)
            {
                serveFramed(connection, arena);
            }
            else
            {
                final MemorySegment buf = arena.allocate(BUFFER);
                long n;
                while ((n = connection.read(buf)) > 0)
                {
                    connection.write(buf.asSlice(0, n));
                    echoed.addAndGet(n);
                }
            }
        }
        catch (final Throwable ex)
        {
            failures.add(ex);
        }
        finally
        {
            finished.incrementAndGet();
        }
    }

    private void serveFramed(final Connection connection, final Arena arena) throws SyscallException
    {
        final MemorySegment header = arena.allocate(4);
        MemorySegment payload = arena.allocate(BUFFER);
        while (connection.readFully(header) == 4)
        {
            final int length = header.get(LENGTH, 0);
            if (length > payload.byteSize())
            {
                payload = arena.allocate(length);
            }
            final MemorySegment body = payload.asSlice(0, length);
            if (connection.readFully(body) != length)
            {
                throw new IllegalStateException("peer closed inside a frame of " + length + " bytes");
            }
            connection.write(header);
            connection.write(body);
            echoed.addAndGet(4 + length);
        }
    }

    /**
     * Stop the accept loop and join every thread, each for at most {@code millis}. A blocking server closes the
     * listener (the pending accept ends with EBADF); a polling one stops polling first, then closes it.
     */
    void closeAndJoin(final long millis) throws Exception
    {
        stopping = true;
        if (!polling)
        {
            listener.close();
        }
        acceptor.join(millis);
        listener.close();
        for (final Thread handler : handlers)
        {
            handler.join(millis);
        }
    }

    @Override
    public void close() throws Exception
    {
        closeAndJoin(10_000);
    }
}
