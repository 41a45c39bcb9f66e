package io.offload.examples.http;

import io.offload.examples.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The HTTP server demo: serves a document root (generated, or {@code --root DIR}) on a free port (or
 * {@code --port N}) until Ctrl-C or SIGTERM, then stops gracefully. From the repository root, after a build:
 * <pre>
 *   java -jar offload-examples/target/offload-examples.jar http
 *   java -jar offload-examples/target/offload-examples.jar http --port 8080 --inline
 *   java -jar offload-examples/target/offload-examples.jar http --no-cache
 * </pre>
 * It prints the URL, its pid and curl lines to paste into another shell; Ctrl-C or {@code kill -TERM <pid>} shows
 * the graceful stop.
 */
public final class HttpDemo
{
    /** How long the shutdown hook lets requests in flight finish. */
    static final Duration GRACE = Duration.ofSeconds(5);

    private static final String USAGE = """
        usage: http [--port N] [--root DIR] [--inline] [--threads virtual|platform] [--read-timeout-ms N]
                    [--no-cache | --cache-max-file-size BYTES --cache-max-size BYTES --cache-max-files N
                                  --cache-validation-ms N]
          --port N             port to listen on (default 0: a free port)
          --root DIR           document root (default: a generated temporary directory, deleted at exit)
          --inline             run every system call on the connection's thread instead of offloading it
          --threads MODEL      virtual or platform thread per connection (default virtual; platform if --inline)
          --read-timeout-ms N  read timeout (default 30000)
          --no-cache           serve static files without the in-memory file cache: open, check, fstat, sendfile
                               and close on every request
          The file cache (on by default, Jetty 12 ResourceHandler's defaults): files up to a size held in native
          memory, keyed by path, least recently used evicted past the limits, each entry checked with one statx
          at most once per validation period (its modification time and size), a missing path remembered as long.
          --cache-max-file-size BYTES  largest file cached (default 134217728, 128 MiB)
          --cache-max-size BYTES       most bytes cached in all (default 268435456, 256 MiB)
          --cache-max-files N          most entries (default 2048)
          --cache-validation-ms N      -1 never, 0 every request, else at most once per N ms (default 1000)
        """;

    private HttpDemo()
    {
    }

    /**
     * What to run.
     *
     * @param port          port, 0 for a free one.
     * @param root          document root, or null to generate one.
     * @param inline        whether every call runs on the caller's thread.
     * @param threads       thread model, or null for the mode's default.
     * @param readTimeoutMs read timeout in milliseconds.
     * @param fileCache     the file cache's settings, or null to serve without one ({@code --no-cache}).
     */
    public record Options(int port, Path root, boolean inline, HttpServer.Threads threads, long readTimeoutMs,
        FileCacheSettings fileCache)
    {
        /**
         * @param args command-line arguments; blank ones are ignored.
         * @return the options.
         * @throws IllegalArgumentException for an unknown option or a bad value, with the usage.
         * @throws CommandLine.HelpRequested for {@code --help}.
         */
        public static Options parse(final String... args)
        {
            int port = 0;
            Path root = null;
            boolean inline = false;
            HttpServer.Threads threads = null;
            long readTimeoutMs = HttpServer.DEFAULT_READ_TIMEOUT.toMillis();
            FileCacheSettings cache = FileCacheSettings.JETTY_DEFAULTS;
            boolean noCache = false;
            String cacheOption = null;
            final CommandLine in = new CommandLine(USAGE, args);
            while (in.next())
            {
                switch (in.option())
                {
                    case "--inline" -> inline = true;
                    case "--port" -> port = (int)in.wholeNumber(0, 65_535);
                    case "--root" -> root = Path.of(in.value());
                    case "--threads" -> threads = threads(in);
                    case "--read-timeout-ms" -> readTimeoutMs = in.wholeNumber(1, Long.MAX_VALUE);
                    case "--no-cache" -> noCache = true;
                    case "--cache-max-file-size" ->
                    {
                        cacheOption = in.option();
                        cache = cache.withMaxFileSize(in.wholeNumber(0, Long.MAX_VALUE));
                    }
                    case "--cache-max-size" ->
                    {
                        cacheOption = in.option();
                        cache = cache.withMaxCacheSize(in.wholeNumber(0, Long.MAX_VALUE));
                    }
                    case "--cache-max-files" ->
                    {
                        cacheOption = in.option();
                        cache = cache.withMaxFiles((int)in.wholeNumber(1, Integer.MAX_VALUE));
                    }
                    case "--cache-validation-ms" ->
                    {
                        cacheOption = in.option();
                        cache = cache.withValidationPeriodMillis(in.wholeNumber(-1, Long.MAX_VALUE));
                    }
                    case "--help", "-h" -> throw new CommandLine.HelpRequested();
                    default -> throw in.unknown();
                }
            }
            if (noCache && cacheOption != null)
            {
                throw in.invalid("--no-cache turns the file cache off and " + cacheOption +
                    " configures it: give one or the other");
            }
            return new Options(port, root, inline, threads, readTimeoutMs, noCache ? null : cache);
        }

        private static HttpServer.Threads threads(final CommandLine in)
        {
            final String text = in.value();
            return switch (text)
            {
                case "virtual" -> HttpServer.Threads.VIRTUAL;
                case "platform" -> HttpServer.Threads.PLATFORM;
                default -> throw in.invalid("--threads must be virtual or platform, got '" + text + "'");
            };
        }
    }

    /**
     * @param args see the usage.
     * @throws Exception if the server cannot start.
     */
    public static void main(final String[] args) throws Exception
    {
        final Options options = CommandLine.parseOrExit(USAGE, args, Options::parse);
        if (options == null)
        {
            return;
        }
        final Path root = options.root() != null ? options.root() : generateRoot();
        final HttpServer server = start(options, root);
        printBanner(System.out, server, root);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            System.out.println("signal received: stopping gracefully (grace " + GRACE.toSeconds() + " s)");
            server.stop(GRACE);
            System.out.println("stopped after " + server.acceptedConnections() + " connection(s)");
            if (options.root() == null)
            {
                deleteTree(root);
            }
            System.out.flush();
        }, "http-demo-shutdown"));
        server.awaitTermination();
    }

    /**
     * @param options the options.
     * @param root    the document root.
     * @return the server, started.
     * @throws IOException if it cannot bind.
     */
    static HttpServer start(final Options options, final Path root) throws IOException
    {
        final HttpServerBuilder builder = HttpServer.builder()
            .port(options.port())
            .documentRoot(root)
            .inline(options.inline())
            .readTimeout(Duration.ofMillis(options.readTimeoutMs()));
        if (options.fileCache() != null)
        {
            builder.fileCache(options.fileCache());
        }
        else
        {
            builder.withoutFileCache();
        }
        if (options.threads() != null)
        {
            builder.threads(options.threads());
        }
        return builder.build().start();
    }

    static void printBanner(final PrintStream out, final HttpServer server, final Path root)
    {
        final String url = server.uri().toString();
        final String lastModified = HttpDates.format(System.currentTimeMillis() / 1000);
        out.println();
        out.println("offload HTTP demo: serving " + root + " at " + url);
        out.println("  calls " + (server.isInline() ? "inline (on each connection's thread)" :
            "offloaded to the runtime's NETWORK server") + ", " +
            server.threads().name().toLowerCase(Locale.ROOT) + " thread per connection");
        out.println("  " + server.describeCache());
        out.println("  pid " + ProcessHandle.current().pid() + ": stop with Ctrl-C or kill -TERM " +
            ProcessHandle.current().pid());
        out.println("try, from another shell:");
        out.println("  curl -v " + url);
        out.println("  curl " + url + "hello");
        out.println("  curl -s -D - -o /dev/null -r 0-99 " + url + "64k.bin");
        out.println("  curl -I " + url + "1k.txt");
        out.println("  curl -s -D - -o /dev/null -H 'If-Modified-Since: " + lastModified + "' " + url + "index.html");
        out.println("  curl '" + url + "dir?path=sub'");
        out.println();
        out.flush();
    }

    /**
     * @return a temporary document root: index.html, a 1 KiB text file, a 64 KiB binary file and a subdirectory.
     * @throws IOException if it cannot be written.
     */
    static Path generateRoot() throws IOException
    {
        return generateRoot(Files.createTempDirectory("offload-http-"));
    }

    /**
     * Write the demo's document root into a directory (jmh-bench's HttpComparison serves the same files from every
     * server it compares): index.html, 1k.txt (1024 bytes), 64k.bin (65536 bytes) and sub/.
     *
     * @param root the directory, created if missing; files of the same names are overwritten.
     * @return root.
     * @throws IOException if it cannot be written.
     */
    public static Path generateRoot(final Path root) throws IOException
    {
        Files.createDirectories(root);
        Files.writeString(root.resolve("index.html"), """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>offload</title></head>
            <body>
            <h1>Hello from offload</h1>
            <p>Served by io.offload.examples.http.HttpServer from its file cache, or with sendfile(2).</p>
            <ul>
              <li><a href="/hello">/hello</a></li>
              <li><a href="/1k.txt">1k.txt</a></li>
              <li><a href="/64k.bin">64k.bin</a></li>
              <li><a href="/dir?path=sub">/dir?path=sub</a></li>
            </ul>
            </body></html>
            """, StandardCharsets.UTF_8);
        final StringBuilder text = new StringBuilder(1024);
        for (int line = 0; text.length() < 1024; line++)
        {
            text.append(String.format("line %03d of a 1 KiB text file served by offload%n", line));
        }
        text.setLength(1023);
        text.append('\n');
        Files.writeString(root.resolve("1k.txt"), text, StandardCharsets.US_ASCII);
        final byte[] binary = new byte[64 * 1024];
        new Random(64).nextBytes(binary);
        Files.write(root.resolve("64k.bin"), binary);
        final Path sub = Files.createDirectories(root.resolve("sub"));
        Files.writeString(sub.resolve("readme.txt"), "a file in a subdirectory\n", StandardCharsets.UTF_8);
        Files.writeString(sub.resolve("data.json"), "{\"answer\":42}\n", StandardCharsets.UTF_8);
        return root;
    }

    static void deleteTree(final Path root)
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path ->
            {
                try
                {
                    Files.deleteIfExists(path);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        catch (final IOException | UncheckedIOException ex)
        {
            System.err.println("could not delete " + root + ": " + ex.getMessage());
        }
    }
}
