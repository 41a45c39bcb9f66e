package io.offload.bench.http;

import io.offload.api.PhaseRecording;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.examples.http.FileCacheSettings;
import io.offload.examples.http.HttpDemo;
import io.offload.examples.http.HttpServer;
import io.offload.examples.http.HttpServerBuilder;
import io.offload.servers.OffloadRuntime;
import io.offload.servers.libc.CpuAffinity;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

/**
 * One server of the HTTP comparison, run under wrk by {@code jmh-bench/run-http-comparison.sh}: the offload HTTP
 * demo with its calls offloaded (its default), the demo inline (every call on the connection's thread), or Jetty 12
 * embedded ({@link JettyServer}), all serving the same document root and the same {@code /hello}. Not a JMH
 * benchmark: the load comes from wrk in another process.
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp jmh-bench/target/benchmarks.jar \
 *       io.offload.bench.http.HttpComparison --server offloaded --root /tmp/www [--conn-cpu 0] [--no-cache]
 * </pre>
 * It prints one line {@code READY server=... port=N pid=P cpus=...} once it accepts connections, then serves until
 * SIGTERM (or, with {@code --watch-stdin}, until its standard input closes), and stops. For the demo it also prints
 * one line {@code executor: ...}: the executor the runtime's stats report for its servers, or {@code not reported}
 * (with the {@code offload.executor} property it was started with, which the script sets per row).
 * <p>
 * The demo serves static files from its in-memory file cache with Jetty 12's defaults ({@link FileCacheSettings}),
 * as Jetty's {@code ResourceHandler} does, unless {@code --no-cache}.
 * <p>
 * CPUs: the process runs where {@code taskset} put it. The offloaded demo builds the demo's own runtime
 * ({@link HttpServer#defaultRuntime()}: one NETWORK server, FILE and PROCESS routed to it, pinned to the second CPU
 * the process may use, unpinned when it may use one only). {@code --conn-cpu N} then pins the main thread to CPU N
 * before the server starts, so the accept thread and the connection threads (for virtual threads: their carrier
 * threads), which inherit their creator's CPU mask, all run on N: the demo's one-plus-one layout. The JVM's own
 * threads (GC, JIT) keep the process's mask.
 */
public final class HttpComparison
{
    private static final Duration GRACE = Duration.ofSeconds(2);
    /** The system property the library will read its executor from; the script sets it per row. */
    static final String EXECUTOR_PROPERTY = "offload.executor";

    private static final String USAGE = """
        usage: HttpComparison --server offloaded|inline|jetty|jetty-offload [--port N] [--root DIR] [--conn-cpu N]
                              [--offload-cpus L] [--no-cache] [--watch-stdin]
               HttpComparison --generate-root DIR
          --server S       offloaded: the HTTP demo, calls offloaded (virtual thread per connection)
                           inline:    the HTTP demo, every call on the connection's thread (platform threads)
                           jetty:     Jetty 12 embedded, ResourceHandler + /hello
                           jetty-offload: the same Jetty, its files through the offload nio provider; needs
                                      -Djava.nio.file.spi.DefaultFileSystemProvider=io.offload.nio.OffloadFileSystemProvider
          --port N         port on the loopback address (default 0: a free one, printed on the READY line)
          --root DIR       document root; HttpDemo's files are written there when 1k.txt (1024 bytes) or 64k.bin
                           (65536 bytes) is missing (default: a temporary directory, deleted at exit)
          --conn-cpu N     pin the thread that starts the server (hence the accept and connection threads, which
                           inherit its mask) to CPU N; for offloaded, after the offload runtime is built
          --offload-cpus L the offloaded demo's NETWORK servers, one per comma-separated CPU, -1 for an unpinned one
                           (default: HttpServer.defaultRuntime(), one server pinned to the second CPU)
          --no-cache       the demo (offloaded, inline) without its file cache: open, fstat, sendfile, close per
                           file request (default: the cache, with Jetty 12 ResourceHandler's defaults)
          --watch-stdin    also stop when standard input closes
          --generate-root  write HttpDemo's document root into DIR and exit
        """;

    private HttpComparison()
    {
    }

    /** Which server. */
    enum Kind
    {
        /** The demo, calls offloaded to the runtime's NETWORK server. */
        OFFLOADED,
        /** The demo, calls inline. */
        INLINE,
        /** Jetty 12 embedded. */
        JETTY,
        /** Jetty 12 embedded, unmodified, its file I/O through the offload provider installed as the JVM's default. */
        JETTY_OFFLOAD
    }

    /**
     * @param kind      which server.
     * @param port      port, 0 for a free one.
     * @param root      document root, or null for a temporary one.
     * @param connCpu   CPU for the thread that starts the server, or -1 to leave it.
     * @param offloadCpus the offloaded demo's NETWORK servers, a CPU each (-1 unpinned), or null for the demo's
     *                  default runtime.
     * @param noCache    whether the demo serves files without its file cache.
     * @param watchStdin whether the end of standard input stops the server.
     */
    record Options(Kind kind, int port, Path root, int connCpu, int[] offloadCpus, boolean noCache,
        boolean watchStdin)
    {
        static Options parse(final String... args)
        {
            Kind kind = null;
            int port = 0;
            Path root = null;
            int connCpu = -1;
            int[] offloadCpus = null;
            boolean noCache = false;
            boolean watchStdin = false;
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "--server" -> kind = kind(value(args, ++i));
                    case "--port" -> port = number(args[i], value(args, ++i), 0, 65_535);
                    case "--root" -> root = Path.of(value(args, ++i));
                    case "--conn-cpu" -> connCpu = number(args[i], value(args, ++i), 0, 4095);
                    case "--offload-cpus" -> offloadCpus = cpus(args[i], value(args, ++i));
                    case "--no-cache" -> noCache = true;
                    case "--watch-stdin" -> watchStdin = true;
                    case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'\n" + USAGE);
                }
            }
            if (kind == null)
            {
                throw new IllegalArgumentException("--server is required\n" + USAGE);
            }
            if (noCache && (kind == Kind.JETTY || kind == Kind.JETTY_OFFLOAD))
            {
                throw new IllegalArgumentException("--no-cache is for the demo (offloaded, inline); Jetty runs its " +
                    "ResourceHandler as it comes, with its cache\n" + USAGE);
            }
            return new Options(kind, port, root, connCpu, offloadCpus, noCache, watchStdin);
        }

        private static Kind kind(final String text)
        {
            try
            {
                return Kind.valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("--server must be offloaded, inline, jetty or jetty-offload, got '" +
                    text + "'", ex);
            }
        }

        private static String value(final String[] args, final int index)
        {
            if (index >= args.length)
            {
                throw new IllegalArgumentException(args[index - 1] + " needs a value\n" + USAGE);
            }
            return args[index];
        }

        private static int number(final String option, final String text, final int min, final int max)
        {
            final int value;
            try
            {
                value = Integer.parseInt(text);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(option + " must be a number, got '" + text + "'", ex);
            }
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(option + " must be in " + min + ".." + max + ", got " + value);
            }
            return value;
        }

        private static int[] cpus(final String option, final String text)
        {
            final String[] parts = text.split(",");
            final int[] cpus = new int[parts.length];
            for (int i = 0; i < parts.length; i++)
            {
                cpus[i] = number(option, parts[i].trim(), -1, 4095);
            }
            return cpus;
        }
    }

    /** What is running, whichever server it is. */
    private interface Running
    {
        int port();

        String describe();

        void stop() throws Exception;
    }

    /**
     * @param args see the usage.
     * @throws Exception if the server cannot start.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length == 2 && args[0].equals("--generate-root"))
        {
            System.out.println("document root " + ensureRoot(Path.of(args[1])));
            return;
        }
        final Options options;
        try
        {
            options = Options.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println(ex.getMessage());
            System.exit(2);
            return;
        }
        final Path root = options.root() != null ? ensureRoot(options.root()) :
            HttpDemo.generateRoot(Files.createTempDirectory("offload-http-cmp-"));
        final String processCpus = cpuList(CpuAffinity.allowedCpus());
        final Running server = start(options, root);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            try
            {
                server.stop();
            }
            catch (final Exception ex)
            {
                System.err.println("stop failed: " + ex);
            }
            if (options.root() == null)
            {
                deleteQuietly(root);
            }
            System.out.println("STOPPED server=" + options.kind().name().toLowerCase(Locale.ROOT));
            System.out.flush();
            stopped.countDown();
        }, "http-comparison-shutdown"));
        System.out.println("READY server=" + options.kind().name().toLowerCase(Locale.ROOT) + " port=" + server.port() +
            " pid=" + ProcessHandle.current().pid() + " process-cpus=" + processCpus + " root=" + root + " layout=" +
            server.describe());
        System.out.flush();
        if (options.watchStdin())
        {
            Thread.ofPlatform().daemon(true).name("stdin-watch").start(() ->
            {
                drain(System.in);
                System.exit(0); // runs the shutdown hook
            });
        }
        stopped.await();
    }

    private static Running start(final Options options, final Path root) throws Exception
    {
        switch (options.kind())
        {
            case OFFLOADED ->
            {
                // Build the demo's runtime first: its server thread pins itself (CPU 1 on a 2-CPU mask) and its
                // unpinned threads keep the process's mask; only then confine this thread, whose mask the accept
                // thread and the virtual-thread carriers inherit.
                final OffloadRuntime runtime = options.offloadCpus() == null ? HttpServer.defaultRuntime() :
                    OffloadRuntime.builder()
                        .servers(SyscallClass.NETWORK, options.offloadCpus())
                        .route(SyscallClass.FILE, SyscallClass.NETWORK)
                        .route(SyscallClass.PROCESS, SyscallClass.NETWORK)
                        .build();
                // 1 call in 64 timed (no measurable cost, jmh-bench/README.md): the phases printed at the stop
                // say where an offloaded request's time goes
                runtime.phaseRecording(PhaseRecording.sampled(64));
                pinIfAsked(options.connCpu());
                final HttpServer server = demoBuilder(options, root).runtime(runtime).build().start();
                System.out.println("executor: " + executor(runtime.stats()) + " (-D" + EXECUTOR_PROPERTY + "=" +
                    System.getProperty(EXECUTOR_PROPERTY, "(not set)") + ")");
                final String layout = "offloaded: " + servers(runtime) + ", connection threads " +
                    server.threads().name().toLowerCase(Locale.ROOT) + " on cpus " +
                    cpuList(CpuAffinity.allowedCpus()) + ", " + server.describeCache();
                return demo(server, runtime, layout);
            }
            case INLINE ->
            {
                pinIfAsked(options.connCpu());
                final HttpServer server = demoBuilder(options, root).inline(true).build().start();
                System.out.println("executor: none (inline: every call on the connection's thread)");
                return demo(server, null, "inline: every call on the connection's thread, " +
                    server.threads().name().toLowerCase(Locale.ROOT) + " threads on cpus " +
                    cpuList(CpuAffinity.allowedCpus()) + ", " + server.describeCache());
            }
            case JETTY, JETTY_OFFLOAD ->
            {
                final boolean offloadProvider = options.kind() == Kind.JETTY_OFFLOAD;
                if (offloadProvider && !(java.nio.file.FileSystems.getDefault().provider() instanceof
                    io.offload.nio.OffloadFileSystemProvider))
                {
                    throw new IllegalStateException("--server jetty-offload needs the offload provider as the JVM's " +
                        "default: -Djava.nio.file.spi.DefaultFileSystemProvider=" +
                        io.offload.nio.OffloadFileSystemProvider.class.getName());
                }
                pinIfAsked(options.connCpu());
                final JettyServer jetty = new JettyServer(options.port(), root).start();
                final String cpus = cpuList(CpuAffinity.allowedCpus());
                // taken now: at exit the provider's own shutdown hook closes it, concurrently with ours
                final OffloadRuntime providerRuntime = io.offload.nio.OffloadFileSystemProvider.defaultRuntime();
                return new Running()
                {
                    @Override
                    public int port()
                    {
                        return jetty.port();
                    }

                    @Override
                    public String describe()
                    {
                        return "jetty " + org.eclipse.jetty.util.Jetty.VERSION + ": QueuedThreadPool on cpus " + cpus +
                            ", ResourceHandler with its default cache (ValidatingCachingHttpContentFactory, " +
                            "revalidated every 1000 ms)" + (offloadProvider ? ", files through the offload nio " +
                            "provider (default runtime: offload.* properties)" : "");
                    }

                    @Override
                    public void stop() throws Exception
                    {
                        String stats = null;
                        if (providerRuntime != null)
                        {
                            try
                            {
                                stats = providerRuntime.stats().toMarkdown(); // first, before the provider's hook
                            }
                            catch (final RuntimeException closed)
                            {
                                stats = "(unavailable: the provider's shutdown hook closed it first: " + closed + ")";
                            }
                        }
                        jetty.close();
                        if (stats != null)
                        {
                            System.out.println("--- offload runtime behind the nio provider at the stop:");
                            System.out.println(stats);
                        }
                    }
                };
            }
            default -> throw new IllegalStateException(options.kind().toString());
        }
    }

    private static HttpServerBuilder demoBuilder(final Options options, final Path root)
    {
        final HttpServerBuilder builder = HttpServer.builder().port(options.port()).documentRoot(root);
        return options.noCache() ? builder.withoutFileCache() : builder.fileCache(FileCacheSettings.JETTY_DEFAULTS);
    }

    /**
     * The executor the runtime's stats say its servers run on. {@code ServerStats} has no such member yet; when it
     * gets one (a record component named {@code executor} or {@code executorName}), its values are shown, without a
     * change here.
     *
     * @param stats the runtime's stats.
     * @return the executors' names, distinct, comma-separated; or {@code not reported}.
     */
    static String executor(final RuntimeStats stats)
    {
        final Set<String> names = new TreeSet<>();
        for (final ServerStats server : stats.servers())
        {
            for (final RecordComponent component : ServerStats.class.getRecordComponents())
            {
                if (component.getName().equals("executor") || component.getName().equals("executorName"))
                {
                    try
                    {
                        names.add(String.valueOf(component.getAccessor().invoke(server)));
                    }
                    catch (final ReflectiveOperationException ex)
                    {
                        names.add("unreadable (" + ex + ")");
                    }
                }
            }
        }
        return names.isEmpty() ? "not reported" : String.join(", ", names);
    }

    private static Running demo(final HttpServer server, final OffloadRuntime runtime, final String layout)
    {
        return new Running()
        {
            @Override
            public int port()
            {
                return server.port();
            }

            @Override
            public String describe()
            {
                return layout;
            }

            @Override
            public void stop()
            {
                server.stop(GRACE);
                if (server.fileCache() != null)
                {
                    System.out.println("--- " + server.fileCache().stats());
                }
                if (runtime != null)
                {
                    System.out.println("--- offload runtime at the stop (phases: 1 call in 64):");
                    System.out.println(runtime.stats().toMarkdown());
                    runtime.close(); // given to the server, so it is ours to close
                }
            }
        };
    }

    private static String servers(final OffloadRuntime runtime)
    {
        final StringBuilder text = new StringBuilder();
        runtime.config().serverCpus().forEach((syscallClass, cpus) ->
        {
            for (final int cpu : cpus)
            {
                text.append(syscallClass).append(" server on cpu ").append(cpu < 0 ? "any" : Integer.toString(cpu))
                    .append(' ');
            }
        });
        return text.append("(FILE, PROCESS routed to it)").toString();
    }

    private static void pinIfAsked(final int cpu) throws SyscallException
    {
        if (cpu >= 0)
        {
            CpuAffinity.pinCurrentThread(cpu); // fails loudly: a figure must not claim a pinning it did not get
        }
    }

    /**
     * @param root a directory.
     * @return root, holding HttpDemo's files (written if 1k.txt or 64k.bin is missing or of another size).
     * @throws IOException if they cannot be written.
     */
    static Path ensureRoot(final Path root) throws IOException
    {
        if (size(root.resolve("1k.txt")) != 1024 || size(root.resolve("64k.bin")) != 64 * 1024)
        {
            HttpDemo.generateRoot(root);
        }
        return root.toRealPath();
    }

    private static long size(final Path file) throws IOException
    {
        return Files.isRegularFile(file) ? Files.size(file) : -1;
    }

    static String cpuList(final BitSet cpus)
    {
        final StringBuilder text = new StringBuilder();
        for (int cpu = cpus.nextSetBit(0); cpu >= 0; cpu = cpus.nextSetBit(cpu + 1))
        {
            int last = cpu;
            while (cpus.get(last + 1))
            {
                last++;
            }
            text.append(text.isEmpty() ? "" : ",").append(cpu).append(last > cpu ? "-" + last : "");
            cpu = last;
        }
        return text.toString();
    }

    private static void drain(final InputStream in)
    {
        final byte[] buffer = new byte[256];
        try
        {
            while (in.read(buffer) >= 0)
            {
                // discard until end of input
            }
        }
        catch (final IOException ignored)
        {
            // a broken stdin counts as closed
        }
    }

    private static void deleteQuietly(final Path root)
    {
        try (var paths = Files.walk(root))
        {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException ex)
        {
            System.err.println("could not delete " + root + ": " + ex.getMessage());
        }
    }
}
