package io.offload.examples.http;

import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every setting of an {@link HttpServer}, each with a default; {@link HttpServer#builder()} gives one.
 * {@link #build()} checks them together and hands them to the server, which keeps its own copy: changing the builder
 * afterwards changes no server already built.
 */
public final class HttpServerBuilder
{
    InetAddress bindAddress = InetAddress.getLoopbackAddress();
    int port;
    Path documentRoot;
    HttpServer.Threads threads;
    boolean inline;
    OffloadRuntime runtime;
    final Map<String, HttpHandler> handlers = new LinkedHashMap<>();
    boolean builtIns = true;
    Duration readTimeout = HttpServer.DEFAULT_READ_TIMEOUT;
    int maxHeaderBytes = HttpServer.DEFAULT_MAX_HEADER_BYTES;
    long maxBodyBytes = HttpServer.DEFAULT_MAX_BODY_BYTES;
    int backlog = 128;
    FileCacheSettings fileCache = FileCacheSettings.JETTY_DEFAULTS;

    HttpServerBuilder()
    {
    }

    /**
     * @param value 0 (the default) for a free port the kernel picks, see {@link HttpServer#port()}.
     * @return this.
     */
    public HttpServerBuilder port(final int value)
    {
        if (value < 0 || value > 65_535)
        {
            throw new IllegalArgumentException("port must be in 0..65535, got " + value);
        }
        this.port = value;
        return this;
    }

    /**
     * @param address where to listen; default the loopback address, so a demo is not open to the network.
     * @return this.
     */
    public HttpServerBuilder bindAddress(final InetAddress address)
    {
        this.bindAddress = requireNonNull(address, "bindAddress");
        return this;
    }

    /**
     * @param root the directory static files are served from; none by default (then every path no handler
     *             takes is a 404).
     * @return this.
     */
    public HttpServerBuilder documentRoot(final Path root)
    {
        this.documentRoot = requireNonNull(root, "documentRoot");
        return this;
    }

    /**
     * @param model virtual or platform thread per connection; default virtual, platform in inline mode.
     * @return this.
     */
    public HttpServerBuilder threads(final HttpServer.Threads model)
    {
        this.threads = requireNonNull(model, "threads");
        return this;
    }

    /**
     * @param value true to run every call on the connection's thread ({@link DirectSyscalls}), false (the
     *              default) to offload them to the runtime.
     * @return this.
     */
    public HttpServerBuilder inline(final boolean value)
    {
        this.inline = value;
        return this;
    }

    /**
     * @param offloadRuntime the runtime to offload to; the server uses it and leaves it open at stop. Default:
     *                       the server builds one ({@link HttpServer#defaultRuntime()}) and closes it at stop.
     * @return this.
     */
    public HttpServerBuilder runtime(final OffloadRuntime offloadRuntime)
    {
        this.runtime = requireNonNull(offloadRuntime, "runtime");
        return this;
    }

    /**
     * Register a handler for a path prefix: it gets {@code prefix} itself and everything under
     * {@code prefix/}; the longest matching prefix wins; {@code "/"} takes every path (static files included).
     *
     * @param prefix  a path starting with '/'; a trailing '/' is ignored.
     * @param handler the handler.
     * @return this.
     */
    public HttpServerBuilder handle(final String prefix, final HttpHandler handler)
    {
        requireNonNull(prefix, "prefix");
        requireNonNull(handler, "handler");
        if (!prefix.startsWith("/") || prefix.indexOf('?') >= 0 || prefix.indexOf('#') >= 0)
        {
            throw new IllegalArgumentException("prefix must be a path starting with '/' and without '?' or " +
                "'#', got '" + prefix + "'");
        }
        String normalized = prefix;
        while (normalized.length() > 1 && normalized.endsWith("/"))
        {
            normalized = normalized.substring(0, normalized.length() - 1);
        }
        handlers.put(normalized, handler);
        return this;
    }

    /**
     * Leave out the built-in {@code /hello} and {@code /dir} endpoints.
     *
     * @return this.
     */
    public HttpServerBuilder withoutBuiltInEndpoints()
    {
        this.builtIns = false;
        return this;
    }

    /**
     * @param timeout how long a client may take to send a whole header block (or to wait between requests),
     *                and each read of a body; default 30 s. A client past it is closed (408 if it was
     *                mid-request).
     * @return this.
     */
    public HttpServerBuilder readTimeout(final Duration timeout)
    {
        if (timeout == null || timeout.isNegative() || timeout.isZero())
        {
            throw new IllegalArgumentException("readTimeout must be positive, got " + timeout);
        }
        this.readTimeout = timeout;
        return this;
    }

    /**
     * @param bytes limit on a request's header block, request line included; default 8 KiB. Over it: 431
     *              (414 if the request line alone is). It is also the size of each connection's read buffer.
     * @return this.
     */
    public HttpServerBuilder maxHeaderBytes(final int bytes)
    {
        if (bytes < 256 || bytes > 1024 * 1024)
        {
            throw new IllegalArgumentException("maxHeaderBytes must be in 256..1048576, got " + bytes);
        }
        this.maxHeaderBytes = bytes;
        return this;
    }

    /**
     * @param bytes limit on a request body, read whole into memory; default 1 MiB. Over it: 413.
     * @return this.
     */
    public HttpServerBuilder maxBodyBytes(final long bytes)
    {
        if (bytes < 0 || bytes > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException("maxBodyBytes must be in 0.." + (Integer.MAX_VALUE - 8) +
                ", got " + bytes);
        }
        this.maxBodyBytes = bytes;
        return this;
    }

    /**
     * @param length the listen backlog; default 128.
     * @return this.
     */
    public HttpServerBuilder backlog(final int length)
    {
        if (length < 1)
        {
            throw new IllegalArgumentException("backlog must be >= 1, got " + length);
        }
        this.backlog = length;
        return this;
    }

    /**
     * @param settings the in-memory cache static files are served from ({@link FileCache}); default
     *                 {@link FileCacheSettings#JETTY_DEFAULTS}, the cache Jetty 12's {@code ResourceHandler} has.
     * @return this.
     */
    public HttpServerBuilder fileCache(final FileCacheSettings settings)
    {
        this.fileCache = requireNonNull(settings, "fileCache settings");
        return this;
    }

    /**
     * Serve static files without a cache: open, check, fstat, sendfile and close on every request.
     *
     * @return this.
     */
    public HttpServerBuilder withoutFileCache()
    {
        this.fileCache = null;
        return this;
    }

    /**
     * @return the server, not started yet.
     * @throws IOException if the document root is not a readable directory.
     */
    public HttpServer build() throws IOException
    {
        if (inline && runtime != null)
        {
            throw new IllegalArgumentException("inline(true) runs every call on the connection's thread; it " +
                "cannot also use the runtime passed in: choose one");
        }
        Path realRoot = null;
        if (documentRoot != null)
        {
            if (!Files.isDirectory(documentRoot))
            {
                throw new IllegalArgumentException("documentRoot " + documentRoot + " is not a directory");
            }
            realRoot = documentRoot.toRealPath(); // symlinks resolved once, the base of every containment check
        }
        return new HttpServer(this, realRoot);
    }

    private static <T> T requireNonNull(final T value, final String name)
    {
        if (value == null)
        {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }
}
