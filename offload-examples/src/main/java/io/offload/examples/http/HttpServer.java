package io.offload.examples.http;

import io.offload.api.Connection;
import io.offload.api.Errno;
import io.offload.api.Listener;
import io.offload.api.Sockets;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.api.Syscalls;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;
import io.offload.servers.libc.CpuAffinity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 server on the library's socket API, in the spirit of Jetty's embedded server: static files from
 * a document root (sent with sendfile(2)), handlers by path prefix, keep-alive and pipelining, graceful stop.
 * <pre>{@code
 * try (HttpServer server = HttpServer.builder().port(8080).documentRoot(Path.of("www"))
 *         .handle("/api", (request, response) -> response.send("ok\n")).build().start())
 * {
 *     server.awaitTermination();
 * }
 * }</pre>
 * <p>
 * <b>Where the system calls run.</b> By default every socket and file call is offloaded to an {@link OffloadRuntime}
 * (one passed in with {@link Builder#runtime}, or one the server builds and owns: NETWORK and FILE calls on one
 * server pinned to CPU 1). A call that would block waits in that server's epoll reactor, and the connection's
 * virtual thread parks meanwhile, so thousands of idle keep-alive connections cost no carrier threads. With
 * {@link Builder#inline(boolean) inline(true)} every call runs on the connection's own thread instead
 * ({@link DirectSyscalls}), waiting in poll(2) like a blocking socket: the baseline to compare against.
 * <p>
 * <b>Threads.</b> One thread per connection, virtual by default. Inline mode defaults to platform threads: a
 * virtual thread inside a native call (poll) cannot unmount, so it would hold one of the few carrier threads for
 * as long as its client is idle; on this 2-CPU machine the third idle client would stall everyone.
 * <p>
 * <b>Built-in endpoints</b> (unless {@link Builder#withoutBuiltInEndpoints()}): {@code /hello}
 * ({@link HelloHandler}) and {@code /dir} ({@link DirectoryListingHandler}, when there is a document root).
 */
public final class HttpServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    /** How long {@link #close()} lets requests in flight finish. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
    /** Default read timeout: a whole header block, or each read of a body, must arrive within it. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    /** Default limit on a request's header block, request line included (Jetty's default too). */
    public static final int DEFAULT_MAX_HEADER_BYTES = 8 * 1024;
    /** Default limit on a request body, which is read whole into memory for the handler. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    /** How long an inline accept waits before looking at the server's state again. */
    private static final Duration ACCEPT_SLICE = Duration.ofMillis(100);
    /** After the grace period, how long stop() waits for forced connections to end before it gives up on them. */
    private static final long FORCE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int STOPPING = 2;
    private static final int STOPPED = 3;

    /** One thread per connection, of this kind. */
    public enum Threads
    {
        /** A virtual thread per connection: parks while its calls wait in an offload server. */
        VIRTUAL,
        /** A platform thread per connection. */
        PLATFORM
    }

    private final InetAddress bindAddress;
    private final int requestedPort;
    private final Path documentRoot;
    private final Threads requestedThreads;
    private final boolean inline;
    private final OffloadRuntime givenRuntime;
    private final String[] prefixes;
    private final HttpHandler[] handlers;
    private final HttpHandler fallback;
    private final long readTimeoutNanos;
    private final int maxHeaderBytes;
    private final long maxBodyBytes;
    private final int backlog;

    private final Object lifecycle = new Object();
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile int state = NEW;
    private volatile boolean stopping;
    private OffloadRuntime runtime;
    private boolean ownsRuntime;
    private Sockets sockets;
    private Syscalls syscalls;
    private boolean blockingInCaller;
    private Threads threads;
    private Listener listener;
    private Thread acceptor;
    private volatile int port = -1;

    private HttpServer(final Builder builder, final Path realRoot)
    {
        this.bindAddress = builder.bindAddress;
        this.requestedPort = builder.port;
        this.documentRoot = realRoot;
        this.requestedThreads = builder.threads;
        this.inline = builder.inline;
        this.givenRuntime = builder.runtime;
        this.readTimeoutNanos = builder.readTimeout.toNanos();
        this.maxHeaderBytes = builder.maxHeaderBytes;
        this.maxBodyBytes = builder.maxBodyBytes;
        this.backlog = builder.backlog;

        final Map<String, HttpHandler> routes = new LinkedHashMap<>();
        if (builder.builtIns)
        {
            routes.put("/hello", new HelloHandler());
            if (realRoot != null)
            {
                routes.put("/dir", new DirectoryListingHandler(new DocumentRoot(realRoot)));
            }
        }
        routes.putAll(builder.handlers);
        final List<Map.Entry<String, HttpHandler>> sorted = new ArrayList<>(routes.entrySet());
        sorted.sort(Comparator.comparingInt((Map.Entry<String, HttpHandler> e) -> e.getKey().length()).reversed());
        this.prefixes = new String[sorted.size()];
        this.handlers = new HttpHandler[sorted.size()];
        for (int i = 0; i < sorted.size(); i++)
        {
            prefixes[i] = sorted.get(i).getKey();
            handlers[i] = sorted.get(i).getValue();
        }
        this.fallback = realRoot != null ? new StaticFileHandler(new DocumentRoot(realRoot)) :
            (request, response) -> response.sendError(HttpStatus.NOT_FOUND, "no handler for " + request.path());
    }

    /**
     * @return a builder with every setting at its default.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Bind, listen and start accepting. Builds the offload runtime first if the server owns one.
     *
     * @return this.
     * @throws IOException if the port cannot be bound (EADDRINUSE, EACCES...).
     * @throws IllegalStateException if started before, or the runtime passed in is closed.
     */
    public HttpServer start() throws IOException
    {
        synchronized (lifecycle)
        {
            if (state != NEW)
            {
                throw new IllegalStateException("an HttpServer starts once; this one is " + stateName());
            }
            try
            {
                if (inline)
                {
                    sockets = DirectSyscalls.sockets();
                    syscalls = DirectSyscalls.syscalls();
                    blockingInCaller = true;
                }
                else
                {
                    if (givenRuntime != null && givenRuntime.isClosed())
                    {
                        throw new IllegalStateException("the OffloadRuntime given to the HttpServer is closed");
                    }
                    ownsRuntime = givenRuntime == null;
                    runtime = ownsRuntime ? defaultRuntime() : givenRuntime;
                    sockets = runtime.sockets();
                    syscalls = runtime.syscalls();
                    blockingInCaller = runtime.routeOf(Syscall.RECVFROM) == null; // NETWORK routed inline
                }
                threads = requestedThreads != null ? requestedThreads :
                    blockingInCaller ? Threads.PLATFORM : Threads.VIRTUAL;
                if (blockingInCaller && threads == Threads.VIRTUAL)
                {
                    LOG.warn("inline calls on virtual threads: each connection waiting in poll(2) pins a carrier " +
                        "thread ({} of them), so that many idle clients stall the server; prefer PLATFORM",
                        Runtime.getRuntime().availableProcessors());
                }
                listener = sockets.listen(new InetSocketAddress(bindAddress, requestedPort), backlog);
                port = listener.localAddress().getPort();
                acceptor = Thread.ofPlatform().name("http-accept-" + port).start(this::acceptLoop);
                state = RUNNING;
            }
            catch (final IOException | RuntimeException ex)
            {
                state = STOPPED;
                closeListener();
                closeOwnedRuntime();
                terminated.countDown();
                throw ex;
            }
        }
        LOG.info("http server listening on {} ({}, {} thread per connection, document root {})", uri(),
            describeCalls(), threads.name().toLowerCase(Locale.ROOT), documentRoot);
        return this;
    }

    /**
     * The layout the server builds when given no runtime: one server for NETWORK calls, with FILE and PROCESS
     * calls routed to it, pinned to CPU 1 (the second CPU this process may use), leaving CPU 0 to the connection
     * threads; unpinned when there is only one CPU. Public so that a benchmark can build the same layout itself
     * (and pin the thread that starts the server afterwards: threads inherit their creator's CPU mask) and pass it
     * in with {@link Builder#runtime}.
     *
     * @return the runtime, started.
     */
    public static OffloadRuntime defaultRuntime()
    {
        final BitSet allowed = CpuAffinity.allowedCpus();
        final int cpu = allowed.cardinality() < 2 ? -1 :
            allowed.get(1) ? 1 : allowed.nextSetBit(allowed.nextSetBit(0) + 1);
        return OffloadRuntime.builder()
            .servers(SyscallClass.NETWORK, cpu)
            .route(SyscallClass.FILE, SyscallClass.NETWORK)
            .route(SyscallClass.PROCESS, SyscallClass.NETWORK)
            .build();
    }

    private void acceptLoop()
    {
        final Thread.Builder connectionThreads = threads == Threads.VIRTUAL ?
            Thread.ofVirtual().name("http-" + port + "-conn-", 1) :
            Thread.ofPlatform().daemon(true).name("http-" + port + "-conn-", 1);
        while (!stopping)
        {
            final Connection connection;
            try
            {
                connection = blockingInCaller ? listener.accept(ACCEPT_SLICE) : listener.accept();
            }
            catch (final SyscallException ex)
            {
                if (stopping)
                {
                    break; // offloaded: the listener was closed under the accept (EBADF)
                }
                if (!onAcceptFailure(ex))
                {
                    break;
                }
                continue;
            }
            catch (final RuntimeException ex)
            {
                LOG.error("accept loop on port {} failed; no more connections are accepted", port, ex);
                break;
            }
            if (stopping)
            {
                closeQuietly(connection);
                break;
            }
            final HttpConnection served = new HttpConnection(this, connection, accepted.incrementAndGet());
            connections.add(served);
            try
            {
                connectionThreads.start(served);
            }
            catch (final RuntimeException | OutOfMemoryError ex)
            {
                LOG.error("cannot start a thread for {}; closing it", served, ex);
                connectionEnded(served);
                closeQuietly(connection);
            }
        }
        if (blockingInCaller)
        {
            closeListener(); // inline: only this thread may close it, no other thread waits in poll on it
        }
    }

    /**
     * @return whether the loop goes on.
     */
    private boolean onAcceptFailure(final SyscallException ex)
    {
        final int errno = ex.errno();
        if (errno == Errno.ETIMEDOUT || errno == Errno.ECONNABORTED || errno == Errno.EINTR ||
            errno == Errno.EAGAIN)
        {
            return true; // a slice ended, or a client gave up while queued: routine
        }
        if (errno == Errno.EBADF || !listener.isOpen())
        {
            LOG.error("listener on port {} is gone: {}", port, ex.getMessage());
            return false;
        }
        // out of fds or memory: retrying at once would spin; back off and let connections end
        LOG.warn("accept on port {} failed: {}; retrying in 100 ms", port, ex.getMessage());
        try
        {
            Thread.sleep(100);
        }
        catch (final InterruptedException interrupted)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    HttpHandler route(final HttpRequest request)
    {
        final String path = request.path();
        for (int i = 0; i < prefixes.length; i++)
        {
            final String prefix = prefixes[i];
            if (prefix.equals("/"))
            {
                request.pathInfo(path);
                return handlers[i];
            }
            if (path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/'))
            {
                request.pathInfo(path.substring(prefix.length()));
                return handlers[i];
            }
        }
        request.pathInfo(path);
        return fallback;
    }

    void connectionEnded(final HttpConnection connection)
    {
        synchronized (connections)
        {
            connections.remove(connection);
            connections.notifyAll();
        }
    }

    /**
     * Stop gracefully: stop accepting (new connections are refused), close connections that wait between requests,
     * let requests in flight finish within {@code grace} (their responses say {@code Connection: close}), then
     * close what is left, and close the runtime if this server built it. Returns when all that is done; a second
     * call waits for the first.
     *
     * @param grace how long requests in flight may take; zero closes them at once.
     */
    public void stop(final Duration grace)
    {
        if (grace == null || grace.isNegative())
        {
            throw new IllegalArgumentException("grace must be zero or positive, got " + grace);
        }
        synchronized (lifecycle)
        {
            if (state == NEW)
            {
                state = STOPPED;
                terminated.countDown();
                return;
            }
            if (state != RUNNING)
            {
                awaitTerminationUninterruptibly();
                return;
            }
            state = STOPPING;
            stopping = true;
        }
        final long began = System.nanoTime();
        final long deadline = began + saturatedNanos(grace);
        LOG.info("http server on port {} stopping: {} connection(s) open, grace {} ms", port, connections.size(),
            grace.toMillis());
        try
        {
            if (!blockingInCaller)
            {
                closeListener(); // the pending accept completes with EBADF
            }
            joinQuietly(acceptor, TimeUnit.SECONDS.toMillis(5));
            if (!blockingInCaller)
            {
                for (final HttpConnection connection : connections)
                {
                    connection.closeIfIdle();
                }
            }
            if (!awaitConnections(deadline))
            {
                LOG.info("http server on port {}: grace over, closing {} connection(s) still busy", port,
                    connections.size());
                for (final HttpConnection connection : connections)
                {
                    connection.force();
                }
                if (!awaitConnections(System.nanoTime() + FORCE_WAIT_NANOS))
                {
                    LOG.warn("http server on port {}: {} connection thread(s) did not end (a handler that does not " +
                        "return?): {}", port, connections.size(), connections);
                }
            }
            if (acceptor.isAlive())
            {
                LOG.warn("http server on port {}: accept thread did not end", port);
                closeListener();
            }
        }
        finally
        {
            closeOwnedRuntime();
            state = STOPPED;
            terminated.countDown();
            LOG.info("http server on port {} stopped in {} ms after {} connection(s)", port,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), accepted.get());
        }
    }

    /**
     * {@link #stop(Duration)} with {@link #DEFAULT_GRACE}.
     */
    @Override
    public void close()
    {
        stop(DEFAULT_GRACE);
    }

    /**
     * Wait until the server has stopped (from another thread, or a shutdown hook).
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    public void awaitTermination() throws InterruptedException
    {
        terminated.await();
    }

    private void awaitTerminationUninterruptibly()
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                terminated.await();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private boolean awaitConnections(final long deadline)
    {
        synchronized (connections)
        {
            while (!connections.isEmpty())
            {
                final long remaining = deadline - System.nanoTime();
                if (remaining <= 0)
                {
                    return false;
                }
                try
                {
                    TimeUnit.NANOSECONDS.timedWait(connections, remaining);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt(); // stop anyway, without waiting out the grace
                    return connections.isEmpty();
                }
            }
            return true;
        }
    }

    private void closeListener()
    {
        final Listener current = listener;
        if (current != null)
        {
            try
            {
                current.close();
            }
            catch (final SyscallException | RuntimeException ex)
            {
                LOG.debug("closing the listener on port {}: {}", port, ex.getMessage());
            }
        }
    }

    private void closeOwnedRuntime()
    {
        if (ownsRuntime && runtime != null)
        {
            runtime.close();
        }
    }

    private static void closeQuietly(final Connection connection)
    {
        try
        {
            connection.close();
        }
        catch (final SyscallException | RuntimeException ex)
        {
            LOG.debug("closing {}: {}", connection, ex.getMessage());
        }
    }

    private static void joinQuietly(final Thread thread, final long millis)
    {
        if (thread == null)
        {
            return;
        }
        try
        {
            thread.join(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static long saturatedNanos(final Duration duration)
    {
        try
        {
            return duration.toNanos();
        }
        catch (final ArithmeticException ex)
        {
            return Long.MAX_VALUE / 2;
        }
    }

    /**
     * @return the port listened on (the one the kernel chose for port 0).
     * @throws IllegalStateException if not started.
     */
    public int port()
    {
        if (port < 0)
        {
            throw new IllegalStateException("the server has not been started: call start() first");
        }
        return port;
    }

    /**
     * @return {@code http://host:port/}.
     */
    public URI uri()
    {
        final String host = bindAddress.isAnyLocalAddress() ? "127.0.0.1" :
            bindAddress instanceof Inet6Address ? "[" + bindAddress.getHostAddress() + "]" :
                bindAddress.getHostAddress();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /**
     * @return connections accepted since start (a keep-alive client's requests share one).
     */
    public long acceptedConnections()
    {
        return accepted.get();
    }

    /**
     * @return connections open now.
     */
    public int openConnections()
    {
        return connections.size();
    }

    /**
     * @return true between start and the beginning of stop.
     */
    public boolean isRunning()
    {
        return state == RUNNING;
    }

    /**
     * @return true once stop has begun: responses then carry {@code Connection: close}.
     */
    public boolean isStopping()
    {
        return stopping;
    }

    /**
     * @return whether every call runs on the caller's thread ({@link Builder#inline(boolean)}).
     */
    public boolean isInline()
    {
        return inline;
    }

    /**
     * @return the runtime the calls are offloaded to, or null in inline mode or before start.
     */
    public OffloadRuntime runtime()
    {
        return runtime;
    }

    /**
     * @return the thread model in force (after start; the requested one, or the default for the mode).
     */
    public Threads threads()
    {
        return threads != null ? threads : requestedThreads;
    }

    /**
     * @return the document root's real path, or null.
     */
    public Path documentRoot()
    {
        return documentRoot;
    }

    Syscalls syscalls()
    {
        return syscalls;
    }

    boolean blockingInCaller()
    {
        return blockingInCaller;
    }

    long readTimeoutNanos()
    {
        return readTimeoutNanos;
    }

    int maxHeaderBytes()
    {
        return maxHeaderBytes;
    }

    long maxBodyBytes()
    {
        return maxBodyBytes;
    }

    private String describeCalls()
    {
        if (inline)
        {
            return "inline: every call on the connection's thread";
        }
        final StringBuilder layout = new StringBuilder("offloaded to ");
        runtime.config().serverCpus().forEach((syscallClass, cpus) ->
        {
            for (final int cpu : cpus)
            {
                layout.append(syscallClass).append(" server @ cpu ").append(cpu < 0 ? "any" : Integer.toString(cpu))
                    .append(' ');
            }
        });
        return layout.append(ownsRuntime ? "(FILE and PROCESS routed to it)" : "(runtime given)")
            .append(blockingInCaller ? ", NETWORK routed inline" : "").toString();
    }

    private String stateName()
    {
        return switch (state)
        {
            case NEW -> "new";
            case RUNNING -> "running";
            case STOPPING -> "stopping";
            default -> "stopped";
        };
    }

    @Override
    public String toString()
    {
        return "HttpServer[" + (port < 0 ? "not started" : uri().toString()) + ", " + stateName() + "]";
    }

    /**
     * Every setting of a server, each with a default.
     */
    public static final class Builder
    {
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port;
        private Path documentRoot;
        private Threads threads;
        private boolean inline;
        private OffloadRuntime runtime;
        private final Map<String, HttpHandler> handlers = new LinkedHashMap<>();
        private boolean builtIns = true;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int backlog = 128;

        private Builder()
        {
        }

        /**
         * @param value 0 (the default) for a free port the kernel picks, see {@link HttpServer#port()}.
         * @return this.
         */
        public Builder port(final int value)
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
        public Builder bindAddress(final InetAddress address)
        {
            this.bindAddress = requireNonNull(address, "bindAddress");
            return this;
        }

        /**
         * @param root the directory static files are served from; none by default (then every path no handler
         *             takes is a 404).
         * @return this.
         */
        public Builder documentRoot(final Path root)
        {
            this.documentRoot = requireNonNull(root, "documentRoot");
            return this;
        }

        /**
         * @param model virtual or platform thread per connection; default virtual, platform in inline mode.
         * @return this.
         */
        public Builder threads(final Threads model)
        {
            this.threads = requireNonNull(model, "threads");
            return this;
        }

        /**
         * @param value true to run every call on the connection's thread ({@link DirectSyscalls}), false (the
         *              default) to offload them to the runtime.
         * @return this.
         */
        public Builder inline(final boolean value)
        {
            this.inline = value;
            return this;
        }

        /**
         * @param offloadRuntime the runtime to offload to; the server uses it and leaves it open at stop. Default:
         *                       the server builds one ({@link HttpServer#defaultRuntime()}) and closes it at stop.
         * @return this.
         */
        public Builder runtime(final OffloadRuntime offloadRuntime)
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
        public Builder handle(final String prefix, final HttpHandler handler)
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
        public Builder withoutBuiltInEndpoints()
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
        public Builder readTimeout(final Duration timeout)
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
        public Builder maxHeaderBytes(final int bytes)
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
        public Builder maxBodyBytes(final long bytes)
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
        public Builder backlog(final int length)
        {
            if (length < 1)
            {
                throw new IllegalArgumentException("backlog must be >= 1, got " + length);
            }
            this.backlog = length;
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
}
