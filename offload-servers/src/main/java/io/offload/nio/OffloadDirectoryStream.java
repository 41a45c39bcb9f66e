package io.offload.nio;

import io.offload.api.Syscall;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A directory's entries read with getdents64 on the runtime's FILE servers, one buffer at a time as the iterator
 * needs them, with the JDK's semantics ({@code sun.nio.fs.UnixDirectoryStream}): "." and ".." skipped, entries in
 * the kernel's order, the filter applied as entries are read, one iterator per stream, an iterator that ends once
 * the stream is closed, and a read error thrown as DirectoryIteratorException. A read and a close exclude each
 * other (read-write lock), so the fd is never closed under a read in flight.
 */
final class OffloadDirectoryStream implements DirectoryStream<Path>
{
    private static final int RECLEN_OFFSET = 16;
    private static final int NAME_OFFSET = 19;

    private final OffloadPath dir;
    private final Backend backend;
    private final int fd;
    private final DirectoryStream.Filter<? super Path> filter;
    private final ReentrantReadWriteLock streamLock = new ReentrantReadWriteLock(true);
    private volatile boolean closed;
    private Iterator<Path> iterator;

    OffloadDirectoryStream(final OffloadPath dir, final Backend backend, final int fd,
        final DirectoryStream.Filter<? super Path> filter)
    {
        this.dir = dir;
        this.backend = backend;
        this.fd = fd;
        this.filter = filter;
    }

    @Override
    public void close() throws IOException
    {
        streamLock.writeLock().lock();
        try
        {
            if (closed)
            {
                return;
            }
            closed = true;
            final long result = backend.fdCalls().close(fd);
            if (result < 0)
            {
                throw NioErrors.io(Syscall.CLOSE, (int)-result, dir.toString());
            }
        }
        finally
        {
            streamLock.writeLock().unlock();
        }
    }

    @Override
    public Iterator<Path> iterator()
    {
        if (closed)
        {
            throw new IllegalStateException("Directory stream is closed");
        }
        synchronized (this)
        {
            if (iterator != null)
            {
                throw new IllegalStateException("Iterator already obtained");
            }
            iterator = new EntryIterator();
            return iterator;
        }
    }

    private final class EntryIterator implements Iterator<Path>
    {
        private final ArrayDeque<String> names = new ArrayDeque<>();
        private boolean atEof;
        private Path nextEntry;

        /** Fill {@link #names} with the next buffer of entries; false at the end or once closed. */
        private boolean fill()
        {
            streamLock.readLock().lock();
            try
            {
                if (closed)
                {
                    return false;
                }
                final NativeScratch lease = NativeScratch.dataLease();
                try
                {
                    final long n = backend.fdCalls().getdents64(fd, lease.chunk);
                    if (n < 0)
                    {
                        throw new DirectoryIteratorException(
                            NioErrors.translate(Syscall.GETDENTS64, (int)-n, dir.toString(), null));
                    }
                    long offset = 0;
                    while (offset < n)
                    {
                        final int reclen = Short.toUnsignedInt(
                            lease.chunk.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset + RECLEN_OFFSET));
                        long end = offset + NAME_OFFSET;
                        while (lease.chunk.get(ValueLayout.JAVA_BYTE, end) != 0)
                        {
                            end++;
                        }
                        final byte[] name = lease.chunk.asSlice(offset + NAME_OFFSET, end - offset - NAME_OFFSET)
                            .toArray(ValueLayout.JAVA_BYTE);
                        if (!isSelfOrParent(name))
                        {
                            names.add(NativeScratch.decode(name));
                        }
                        offset += reclen;
                    }
                    return n > 0;
                }
                finally
                {
                    lease.release();
                }
            }
            finally
            {
                streamLock.readLock().unlock();
            }
        }

        private Path readNextEntry()
        {
            for (;;)
            {
                if (closed || names.isEmpty() && !fill())
                {
                    atEof = true;
                    return null;
                }
                final String name = names.poll();
                if (name == null)
                {
                    continue; // a buffer of "." and ".." only
                }
                final Path entry = dir.resolve(name);
                try
                {
                    if (filter == null || filter.accept(entry))
                    {
                        return entry;
                    }
                }
                catch (final IOException ex)
                {
                    throw new DirectoryIteratorException(ex);
                }
            }
        }

        private static boolean isSelfOrParent(final byte[] name)
        {
            return name.length == 1 && name[0] == '.' || name.length == 2 && name[0] == '.' && name[1] == '.';
        }

        @Override
        public synchronized boolean hasNext()
        {
            if (nextEntry == null && !atEof)
            {
                nextEntry = readNextEntry();
            }
            return nextEntry != null;
        }

        @Override
        public synchronized Path next()
        {
            final Path result;
            if (nextEntry == null && !atEof)
            {
                result = readNextEntry();
            }
            else
            {
                result = nextEntry;
                nextEntry = null;
            }
            if (result == null)
            {
                throw new NoSuchElementException();
            }
            return result;
        }

        @Override
        public void remove()
        {
            throw new UnsupportedOperationException();
        }
    }
}
