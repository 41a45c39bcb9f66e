package io.offload.examples.http;

import io.offload.api.Listener;
import io.offload.api.Sockets;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 server on the library's socket API, in the spirit of Jetty's embedded server: static files from
 * a document root (small ones from an in-memory {@link FileCache} like Jetty's, the rest sent with sendfile(2)),
 * handlers by path prefix, keep-alive and pipelining, graceful stop.
 * <pre>{@code
 * try (HttpServer server = HttpServer.builder().port(8080).documentRoot(Path.of("www"))
 *         .handle("/api", (request, response) -> response.send("ok\n")).build().start())
 * {
 *     server.awaitTermination();
 * }
 * }</pre>
 * <p>
 * <b>Where the system calls run.</b> By default every socket and file call is offloaded to an {@link OffloadRuntime}
 * (one passed in with {@link HttpServerBuilder#runtime}, or one the server builds and owns: NETWORK and FILE calls
 * on one server pinned to CPU 1). A call that would block waits in that server's epoll reactor, and the connection's
 * virtual thread parks meanwhile, so thousands of idle keep-alive connections cost no carrier threads. With
 * {@link HttpServerBuilder#inline(boolean) inline(true)} every call runs on the connection's own thread instead
 * ({@link DirectSyscalls}), waiting in poll(2) like a blocking socket: the baseline to compare against.
 * <p>
 * <b>Threads.</b> One thread per connection, virtual by default. Inline mode defaults to platform threads: a
 * virtual thread inside a native call (poll) cannot unmount, so it would hold one of the few carrier threads for
 * as long as its client is idle; on this 2-CPU machine the third idle client would stall everyone.
 * <p>
 * <b>Parts.</b> {@link Routes} picks a request's handler; an {@link Acceptor} per mode ({@link OffloadedAcceptor},
 * {@link InlineAcceptor}) accepts and knows how that mode's calls are woken at stop; each connection gets a
 * {@link ConnectionConfig} fixed at start and the {@link Connections} it belongs to, and nothing else of the
 * server's.
 * <p>
 * <b>Built-in endpoints</b> (unless {@link HttpServerBuilder#withoutBuiltInEndpoints()}): {@code /hello}
 * ({@link HelloHandler}) and {@code /dir} ({@link DirectoryListingHandler}, when there is a document root).
 */
public final class HttpServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    /** How long {@link #close()} lets requests in flight finish. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
    /** The fewest CPUs on which {@link #defaultRuntime()} pins its server. */
    public static final int PINNED_FROM_CPUS = 4;
    /** Default read timeout: a whole header block, or each read of a body, must arrive within it. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    /** Default limit on a request's header block, request line included (Jetty's default too). */
    public static final int DEFAULT_MAX_HEADER_BYTES = 8 * 1024;
    /** Default limit on a request body, which is read whole into memory for the handler. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

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
    private final Routes routes;
    private final FileCache fileCache;
    private final long readTimeoutNanos;
    private final int maxHeaderBytes;
    private final long maxBodyBytes;
    private final int backlog;

    private final Object lifecycle = new Object();
    private final Connections connections = new Connections();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile int state = NEW;
    private OffloadRuntime runtime;
    private boolean ownsRuntime;
    private Threads threads;
    private volatile Acceptor acceptor;
    private Thread acceptThread;
    private volatile int port = -1;

    HttpServer(final HttpServerBuilder builder, final Path realRoot)
    {
        this.bindAddress = builder.bindAddress;
        this.requestedPort = builder.port;
        this.documentRoot = realRoot;
        this.requestedThreads = builder.threads;
        this.inline = builder.inline;
        this.givenRuntime = builder.runtime;
        this.fileCache = realRoot != null && builder.fileCache != null ? new FileCache(builder.fileCache) : null;
        this.routes = new Routes(builder.handlers, builder.builtIns, realRoot, fileCache);
        this.readTimeoutNanos = builder.readTimeout.toNanos();
        this.maxHeaderBytes = builder.maxHeaderBytes;
        this.maxBodyBytes = builder.maxBodyBytes;
        this.backlog = builder.backlog;
    }

    /**
     * @return a builder with every setting at its default.
     */
    public static HttpServerBuilder builder()
    {
        return new HttpServerBuilder();
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
            Listener listener = null;
            try
            {
                final Sockets sockets;
                final Syscalls syscalls;
                final boolean inCaller; // calls wait in poll(2) on the caller: nothing can wake them from outside
                if (inline)
                {
                    sockets = DirectSyscalls.sockets();
                    syscalls = DirectSyscalls.syscalls();
                    inCaller = true;
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
                    inCaller = runtime.routeOf(Syscall.RECVFROM) == null; // NETWORK routed inline
                }
                threads = requestedThreads != null ? requestedThreads : inCaller ? Threads.PLATFORM : Threads.VIRTUAL;
                if (inCaller && threads == Threads.VIRTUAL)
                {
                    LOG.warn("inline calls on virtual threads: each connection waiting in poll(2) pins a carrier " +
                        "thread ({} of them), so that many idle clients stall the server; prefer PLATFORM",
                        Runtime.getRuntime().availableProcessors());
                }
                listener = sockets.listen(new InetSocketAddress(bindAddress, requestedPort), backlog);
                final ConnectionConfig config = new ConnectionConfig(syscalls, routes, documentRoot,
                    readTimeoutNanos, maxHeaderBytes, maxBodyBytes,
                    inCaller ? InlineAcceptor.READ_SLICE_NANOS : OffloadedAcceptor.READ_SLICE_NANOS);
                acceptor = inCaller ? new InlineAcceptor(listener, connections, config, threads) :
                    new OffloadedAcceptor(listener, connections, config, threads);
                port = acceptor.port;
                acceptThread = Thread.ofPlatform().name("http-accept-" + port).start(acceptor);
                state = RUNNING;
            }
            catch (final IOException | RuntimeException ex)
            {
                state = STOPPED;
                Acceptor.closeQuietly(listener, requestedPort);
                closeOwnedRuntime();
                terminated.countDown();
                throw ex;
            }
        }
        LOG.info("http server listening on {} ({}, {} thread per connection, document root {}, {})", uri(),
            describeCalls(), threads.name().toLowerCase(Locale.ROOT), documentRoot, describeCache());
        return this;
    }

    /**
     * The layout the server builds when given no runtime: one server for NETWORK calls, with FILE and PROCESS
     * calls routed to it. With four CPUs or more it is pinned to CPU 1 (the second CPU this process may use),
     * leaving the others to the connection threads: the GenerOS layout. With fewer it is unpinned, sharing the CPUs
     * with the connection threads: on two CPUs a pinned server leaves one CPU for all the connections, and any other
     * process there (a load generator, a database) preempts the server, which every connection then waits for
     * (measured in jmh-bench/README.md, the HTTP comparison's offloaded-pinned row). Public so that a benchmark can
     * build the same layout itself (and pin the thread that starts the server afterwards: threads inherit their
     * creator's CPU mask) and pass it in with {@link HttpServerBuilder#runtime}.
     *
     * @return the runtime, started.
     */
    public static OffloadRuntime defaultRuntime()
    {
        final BitSet allowed = CpuAffinity.allowedCpus();
        final int cpu = allowed.cardinality() < PINNED_FROM_CPUS ? -1 :
            allowed.get(1) ? 1 : allowed.nextSetBit(allowed.nextSetBit(0) + 1);
        return OffloadRuntime.builder()
            .servers(SyscallClass.NETWORK, cpu)
            .route(SyscallClass.FILE, SyscallClass.NETWORK)
            .route(SyscallClass.PROCESS, SyscallClass.NETWORK)
            .build();
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
            connections.stopping();
        }
        final long began = System.nanoTime();
        final long deadline = began + saturatedNanos(grace);
        LOG.info("http server on port {} stopping: {} connection(s) open, grace {} ms", port, connections.size(),
            grace.toMillis());
        try
        {
            acceptor.wake();
            joinQuietly(acceptThread, TimeUnit.SECONDS.toMillis(5));
            for (final HttpConnection connection : connections.open())
            {
                acceptor.closeIdle(connection);
            }
            if (!connections.awaitNone(deadline))
            {
                LOG.info("http server on port {}: grace over, closing {} connection(s) still busy", port,
                    connections.size());
                for (final HttpConnection connection : connections.open())
                {
                    acceptor.force(connection);
                }
                if (!connections.awaitNone(System.nanoTime() + FORCE_WAIT_NANOS))
                {
                    LOG.warn("http server on port {}: {} connection thread(s) did not end (a handler that does not " +
                        "return?): {}", port, connections.size(), connections);
                }
            }
            if (acceptThread.isAlive())
            {
                LOG.warn("http server on port {}: accept thread did not end", port);
                acceptor.closeListener();
            }
        }
        finally
        {
            closeOwnedRuntime();
            if (fileCache != null)
            {
                LOG.info("http server on port {}: {}", port, fileCache.stats());
                fileCache.close();
            }
            state = STOPPED;
            terminated.countDown();
            LOG.info("http server on port {} stopped in {} ms after {} connection(s)", port,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), acceptor.accepted());
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

    private void closeOwnedRuntime()
    {
        if (ownsRuntime && runtime != null)
        {
            runtime.close();
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
        final Acceptor current = acceptor;
        return current == null ? 0 : current.accepted();
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
        return connections.isStopping();
    }

    /**
     * @return whether every call runs on the caller's thread ({@link HttpServerBuilder#inline(boolean)}).
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

    /**
     * @return the cache static files are served from, or null when the server has none (no document root, or
     * {@link HttpServerBuilder#withoutFileCache()}). Closed, and empty, once the server has stopped.
     */
    public FileCache fileCache()
    {
        return fileCache;
    }

    /**
     * @return one line: the file cache's settings, or that there is none.
     */
    public String describeCache()
    {
        return fileCache != null ? "file cache: " + fileCache.settings().describe() :
            "no file cache: open, fstat, sendfile and close per file request";
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
            .append(acceptor instanceof InlineAcceptor ? ", NETWORK routed inline" : "").toString();
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
}
