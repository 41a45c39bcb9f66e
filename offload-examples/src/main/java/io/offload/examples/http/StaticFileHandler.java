package io.offload.examples.http;

import io.offload.api.Errno;
import io.offload.api.FileStat;
import io.offload.api.LinuxConstants;
import io.offload.api.SyscallException;
import io.offload.api.Syscalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Static files from the document root: open and fstat through the server's {@link Syscalls} (offloaded, or inline),
 * the body sent with sendfile(2), or, when the server has a {@link FileCache} and the file is in it, written from
 * the cached bytes with no file call at all (a statx now and then to validate the entry). Supports HEAD,
 * {@code If-Modified-Since} (304), a single {@code Range} (206, 416 when unsatisfiable; {@code If-Range} with a date),
 * and serves {@code index.html} for a directory; the status and headers are the same whether the body comes from
 * the cache or from the file.
 * <p>
 * Files are opened with O_NONBLOCK so that a FIFO someone left in the root cannot hang the connection in open(2)
 * (a regular file ignores the flag); anything but a regular file is a 404.
 */
final class StaticFileHandler implements HttpHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(StaticFileHandler.class);

    /** Served for a directory. */
    static final String INDEX = "index.html";

    private static final int OPEN_FLAGS = LinuxConstants.O_RDONLY | LinuxConstants.O_NONBLOCK |
        LinuxConstants.O_CLOEXEC;

    private final DocumentRoot root;
    private final FileCache cache;

    /**
     * @param root  the document root.
     * @param cache the server's file cache, or null to open and send every file on every request.
     */
    StaticFileHandler(final DocumentRoot root, final FileCache cache)
    {
        this.root = root;
        this.cache = cache;
    }

    @Override
    public void handle(final HttpRequest request, final HttpResponse response) throws IOException
    {
        final String method = request.method();
        if (!method.equals("GET") && !method.equals("HEAD"))
        {
            response.header("Allow", "GET, HEAD");
            response.sendError(HttpStatus.METHOD_NOT_ALLOWED, method + " is not allowed on static files");
            return;
        }
        final Path file = root.resolve(request.path());
        if (file == null)
        {
            LOG.debug("refused {}: climbs out of the document root", request);
            response.sendError(HttpStatus.NOT_FOUND, request.path());
            return;
        }
        serve(request, response, file, true);
    }

    private void serve(final HttpRequest request, final HttpResponse response, final Path file,
        final boolean mayIndex) throws IOException
    {
        final Syscalls sys = request.syscalls();
        if (cache != null)
        {
            final CachedFile hit = cache.get(sys, file);
            if (hit != null)
            {
                if (hit.isNotFound())
                {
                    response.sendError(HttpStatus.NOT_FOUND, request.path());
                }
                else
                {
                    sendCached(request, response, hit);
                }
                return;
            }
        }
        final int fd;
        try
        {
            fd = sys.open(file.toString(), OPEN_FLAGS, 0);
        }
        catch (final SyscallException ex)
        {
            if (cache != null && (ex.errno() == Errno.ENOENT || ex.errno() == Errno.ENOTDIR))
            {
                cache.rememberNotFound(file);
            }
            notOpened(request, response, ex);
            return;
        }
        boolean directory = false;
        CachedFile loaded = null;
        try
        {
            if (!root.contains(sys, fd, file))
            {
                LOG.debug("refused {}: {} resolves outside the document root", request, file);
                response.sendError(HttpStatus.NOT_FOUND, request.path());
                return;
            }
            final FileStat stat = sys.fstat(fd);
            if (stat.isDirectory() && mayIndex)
            {
                directory = true; // served below, once this fd is closed
            }
            else if (!stat.isRegularFile())
            {
                response.sendError(HttpStatus.NOT_FOUND, request.path());
            }
            else if (cache == null || (loaded = cache.load(sys, fd, file, stat)) == null)
            {
                send(request, response, fd, stat, file);
            }
        }
        finally
        {
            closeQuietly(sys, fd, file);
        }
        if (loaded != null)
        {
            sendCached(request, response, loaded); // from memory, the file already closed
        }
        else if (directory)
        {
            serve(request, response, file.resolve(INDEX), false);
        }
    }

    private static void send(final HttpRequest request, final HttpResponse response, final int fd,
        final FileStat stat, final Path file) throws IOException
    {
        final long modified = Math.floorDiv(stat.mtimeNanos(), 1_000_000_000L); // HTTP dates have whole seconds
        respond(request, response, stat.size(), modified, HttpDates.format(modified),
            MimeTypes.of(file.getFileName().toString()), fd, null);
    }

    private static void sendCached(final HttpRequest request, final HttpResponse response, final CachedFile cached)
        throws IOException
    {
        respond(request, response, cached.size(), cached.modifiedSeconds(), cached.lastModified(),
            cached.contentType(), -1, cached.content());
    }

    /**
     * The status, headers and body of a file, from an open fd or from cached bytes: everything but where the body
     * comes from is the same for both.
     */
    private static void respond(final HttpRequest request, final HttpResponse response, final long size,
        final long modified, final String lastModified, final String contentType, final int fd,
        final MemorySegment content) throws IOException
    {
        response.header("Last-Modified", lastModified);
        response.header("Accept-Ranges", "bytes");
        response.contentType(contentType);

        final long since = HttpDates.parse(request.header("If-Modified-Since"));
        if (since != Long.MIN_VALUE && modified <= since && since <= System.currentTimeMillis() / 1000)
        {
            response.status(HttpStatus.NOT_MODIFIED); // a date in the future is ignored, as RFC 9110 allows
            response.send(new byte[0]);
            return;
        }
        final String range = request.header("Range");
        final String ifRange = request.header("If-Range");
        if (range != null && (ifRange == null || HttpDates.parse(ifRange) == modified))
        {
            final ByteRange byteRange = ByteRange.parse(range, size);
            if (byteRange == ByteRange.UNSATISFIABLE)
            {
                response.header("Content-Range", "bytes */" + size);
                response.sendError(HttpStatus.RANGE_NOT_SATISFIABLE, range + " is outside the " + size + " bytes");
                return;
            }
            if (byteRange != null)
            {
                response.status(HttpStatus.PARTIAL_CONTENT);
                response.header("Content-Range", "bytes " + byteRange.first() + "-" + byteRange.last() + "/" + size);
                body(response, fd, content, byteRange.first(), byteRange.length());
                return;
            }
        }
        body(response, fd, content, 0, size);
    }

    private static void body(final HttpResponse response, final int fd, final MemorySegment content,
        final long offset, final long length) throws IOException
    {
        if (content == null)
        {
            response.sendFile(fd, offset, length);
        }
        else
        {
            response.sendCached(offset == 0 && length == content.byteSize() ? content : content.asSlice(offset, length));
        }
    }

    private static void notOpened(final HttpRequest request, final HttpResponse response, final SyscallException ex)
        throws IOException
    {
        final int errno = ex.errno();
        if (errno == Errno.EACCES || errno == Errno.EPERM)
        {
            response.sendError(HttpStatus.FORBIDDEN, request.path());
        }
        else if (errno == Errno.ENOENT || errno == Errno.ENOTDIR || errno == Errno.ELOOP ||
            errno == Errno.ENAMETOOLONG || errno == Errno.ENXIO)
        {
            response.sendError(HttpStatus.NOT_FOUND, request.path());
        }
        else
        {
            throw ex;
        }
    }

    static void closeQuietly(final Syscalls sys, final int fd, final Path file)
    {
        try
        {
            sys.close(fd);
        }
        catch (final SyscallException ex)
        {
            LOG.warn("closing {} (fd {}): {}", file, fd, ex.getMessage());
        }
    }
}
