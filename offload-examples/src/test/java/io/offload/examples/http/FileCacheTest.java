package io.offload.examples.http;

import io.offload.examples.CommandLine;
import io.offload.examples.http.HttpTestSupport.RawResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.offload.examples.http.HttpTestSupport.exchange;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP server's in-memory file cache: a file served twice is read once; a file changed on disk is served fresh
 * once its entry is validated (and, never validated, stays as cached, which shows it came from memory); a file over
 * the size limit is sent from the file every time; the limits bound what is held, least recently used first out;
 * responses are byte for byte those of a server without the cache (Date aside).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FileCacheTest
{
    @TempDir
    Path root;

    private static HttpServer start(final Path root, final FileCacheSettings settings) throws IOException
    {
        return HttpServer.builder().documentRoot(root).fileCache(settings).build().start();
    }

    private static RawResponse get(final HttpServer server, final String path, final String... headers)
        throws IOException
    {
        final StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: t\r\n");
        for (final String header : headers)
        {
            request.append(header).append("\r\n");
        }
        return exchange(server, request.append("Connection: close\r\n\r\n").toString());
    }

    private static String text(final HttpServer server, final String path) throws IOException
    {
        final RawResponse response = get(server, path);
        assertEquals(200, response.status(), () -> path + " -> " + response.statusLine());
        return response.text();
    }

    /** Rewrite a file and move its modification time on, so no clock granularity can hide the change. */
    private static void rewrite(final Path file, final String content) throws IOException
    {
        final FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 10_000));
    }

    @Test
    void cachedFileIsServedTwiceFromOneRead() throws Exception
    {
        HttpTestSupport.populate(root);
        try (HttpServer server = start(root, FileCacheSettings.JETTY_DEFAULTS))
        {
            final byte[] file = Files.readAllBytes(root.resolve("1k.txt"));
            assertArrayEquals(file, get(server, "/1k.txt").body());
            FileCache.Stats stats = server.fileCache().stats();
            assertEquals(1, stats.misses(), stats.toString());
            assertEquals(0, stats.hits(), stats.toString());
            assertEquals(1, stats.files(), stats.toString());
            assertEquals(1024, stats.bytes(), stats.toString());

            assertArrayEquals(file, get(server, "/1k.txt").body());
            stats = server.fileCache().stats();
            assertEquals(1, stats.hits(), "the second request is served from memory: " + stats);
            assertEquals(1, stats.misses(), stats.toString());
            assertEquals(1, stats.files(), stats.toString());

            final RawResponse head = exchange(server, "HEAD /1k.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertEquals("1024", head.header("Content-Length"));
            assertEquals(0, head.body().length);
            assertEquals(2, server.fileCache().stats().hits());
        }
    }

    @Test
    void responsesAreThoseOfAServerWithoutTheCache() throws Exception
    {
        HttpTestSupport.populate(root);
        try (HttpServer cached = start(root, FileCacheSettings.JETTY_DEFAULTS);
             HttpServer uncached = HttpServer.builder().documentRoot(root).withoutFileCache().build().start())
        {
            assertNull(uncached.fileCache());
            final String lastModified = HttpDates.format(Files.getLastModifiedTime(root.resolve("64k.bin"))
                .toMillis() / 1000);
            final Map<String, String[]> requests = new LinkedHashMap<>();
            requests.put("/64k.bin", new String[0]);
            requests.put("/1k.txt", new String[0]);
            requests.put("/", new String[0]);
            requests.put("/sub/data.json", new String[0]);
            requests.put("/64k.bin#range", new String[] {"Range: bytes=100-199"});
            requests.put("/64k.bin#suffix", new String[] {"Range: bytes=-10"});
            requests.put("/64k.bin#unsatisfiable", new String[] {"Range: bytes=70000-80000"});
            requests.put("/64k.bin#if-range", new String[] {"Range: bytes=0-9", "If-Range: " + lastModified});
            requests.put("/64k.bin#if-range-old", new String[] {"Range: bytes=0-9",
                "If-Range: Thu, 01 Jan 1970 00:00:01 GMT"});
            requests.put("/64k.bin#304", new String[] {"If-Modified-Since: " + lastModified});
            requests.put("/no-such-file", new String[0]);
            requests.put("/sub", new String[0]);
            requests.put("/big.bin", new String[0]);
            for (int round = 0; round < 2; round++) // the first fills the cache, the second is served from it
            {
                for (final Map.Entry<String, String[]> request : requests.entrySet())
                {
                    final String path = request.getKey().replaceFirst("#.*", "");
                    final RawResponse expected = get(uncached, path, request.getValue());
                    final RawResponse actual = get(cached, path, request.getValue());
                    final String what = "round " + round + ", " + request.getKey();
                    assertEquals(expected.statusLine(), actual.statusLine(), what);
                    assertEquals(withoutDate(expected), withoutDate(actual), what);
                    assertArrayEquals(expected.body(), actual.body(), what);
                }
            }
            final FileCache.Stats stats = cached.fileCache().stats();
            assertTrue(stats.hits() >= requests.size(), stats.toString());
        }
    }

    private static Map<String, List<String>> withoutDate(final RawResponse response)
    {
        final Map<String, List<String>> headers = new LinkedHashMap<>(response.headers());
        headers.remove("date");
        return headers;
    }

    @Test
    void neverValidatedEntryIsServedAsCachedAfterTheFileChanged() throws Exception
    {
        Files.writeString(root.resolve("a.txt"), "first version\n");
        try (HttpServer server = start(root, FileCacheSettings.JETTY_DEFAULTS.withValidationPeriodMillis(-1)))
        {
            assertEquals("first version\n", text(server, "/a.txt"));
            rewrite(root.resolve("a.txt"), "second, longer version\n");
            assertEquals("first version\n", text(server, "/a.txt"), "from memory: never checked against the file");
            assertEquals(0, server.fileCache().stats().validations());
        }
    }

    @Test
    void changedFileIsServedFreshWhenEveryRequestValidates() throws Exception
    {
        Files.writeString(root.resolve("a.txt"), "first version\n");
        try (HttpServer server = start(root, FileCacheSettings.JETTY_DEFAULTS.withValidationPeriodMillis(0)))
        {
            assertEquals("first version\n", text(server, "/a.txt"));
            assertEquals("first version\n", text(server, "/a.txt"));
            FileCache.Stats stats = server.fileCache().stats();
            assertEquals(1, stats.hits(), stats.toString());
            assertEquals(1, stats.validations(), "one statx for the hit: " + stats);

            rewrite(root.resolve("a.txt"), "second, longer version\n");
            assertEquals("second, longer version\n", text(server, "/a.txt"));
            stats = server.fileCache().stats();
            assertEquals(1, stats.invalidations(), stats.toString());
            assertEquals("second, longer version\n".length(), stats.bytes(), stats.toString());

            Files.delete(root.resolve("a.txt"));
            assertEquals(404, get(server, "/a.txt").status());
            assertEquals(0, server.fileCache().stats().files(), "a path not found is not remembered at period 0");
            Files.writeString(root.resolve("a.txt"), "back\n");
            assertEquals("back\n", text(server, "/a.txt"));
        }
    }

    @Test
    void changedFileIsServedFreshOnceItsPeriodIsUp() throws Exception
    {
        Files.writeString(root.resolve("a.txt"), "first version\n");
        try (HttpServer server = start(root, FileCacheSettings.JETTY_DEFAULTS.withValidationPeriodMillis(50)))
        {
            assertEquals("first version\n", text(server, "/a.txt"));
            rewrite(root.resolve("a.txt"), "second, longer version\n");
            // liveness only: some request after 50 ms validates the entry and reads the file again
            HttpTestSupport.await(() ->
            {
                try
                {
                    return text(server, "/a.txt").equals("second, longer version\n");
                }
                catch (final IOException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }, "the new version");
            final FileCache.Stats stats = server.fileCache().stats();
            assertTrue(stats.validations() >= 1 && stats.invalidations() == 1, stats.toString());
        }
    }

    @Test
    void missingPathIsRememberedAsJettyRemembersIt() throws Exception
    {
        try (HttpServer server = start(root, FileCacheSettings.JETTY_DEFAULTS.withValidationPeriodMillis(-1)))
        {
            assertEquals(404, get(server, "/later.txt").status());
            Files.writeString(root.resolve("later.txt"), "now here\n");
            assertEquals(404, get(server, "/later.txt").status(), "remembered as not found for the period (forever)");
            final FileCache.Stats stats = server.fileCache().stats();
            assertEquals(1, stats.files(), stats.toString());
            assertEquals(0, stats.bytes(), stats.toString());
        }
    }

    @Test
    void fileOverTheSizeLimitIsNotCached() throws Exception
    {
        HttpTestSupport.populate(root);
        Files.writeString(root.resolve("small.txt"), "small\n");
        try (HttpServer server = start(root, FileCacheSettings.JETTY_DEFAULTS.withMaxFileSize(1000)))
        {
            final byte[] file = Files.readAllBytes(root.resolve("1k.txt"));
            for (int i = 0; i < 2; i++)
            {
                assertArrayEquals(file, get(server, "/1k.txt").body());
                final RawResponse range = get(server, "/1k.txt", "Range: bytes=1000-");
                assertEquals(206, range.status());
                assertEquals("bytes 1000-1023/1024", range.header("Content-Range"));
                assertEquals(new String(file, 1000, 24, StandardCharsets.US_ASCII), range.text());
            }
            FileCache.Stats stats = server.fileCache().stats();
            assertEquals(0, stats.files(), "1,024 bytes are over the 1,000-byte limit: " + stats);
            assertEquals(4, stats.notCached(), stats.toString());
            assertEquals(0, stats.hits(), stats.toString());

            assertEquals("small\n", text(server, "/small.txt"));
            assertEquals("small\n", text(server, "/small.txt"));
            stats = server.fileCache().stats();
            assertEquals(1, stats.files(), stats.toString());
            assertEquals(1, stats.hits(), stats.toString());
        }
    }

    @Test
    void limitsBoundWhatIsHeldLeastRecentlyUsedFirstOut() throws Exception
    {
        final String kilo = "x".repeat(999) + "\n";
        for (int i = 0; i < 8; i++)
        {
            Files.writeString(root.resolve("f" + i + ".txt"), kilo.replace('x', (char)('a' + i)));
        }
        Files.writeString(root.resolve("two.txt"), kilo + kilo);
        final FileCacheSettings settings = FileCacheSettings.JETTY_DEFAULTS.withMaxFiles(3).withMaxCacheSize(3500)
            .withValidationPeriodMillis(-1);
        try (HttpServer server = start(root, settings))
        {
            final FileCache cache = server.fileCache();
            for (int i = 0; i < 3; i++)
            {
                text(server, "/f" + i + ".txt");
            }
            assertEquals(3, cache.stats().files());
            text(server, "/f0.txt"); // f0 used again: f1 is now the least recently used
            text(server, "/f3.txt");
            FileCache.Stats stats = cache.stats();
            assertEquals(3, stats.files(), stats.toString());
            assertEquals(1, stats.evictions(), stats.toString());
            final long misses = stats.misses();
            text(server, "/f0.txt");
            assertEquals(misses, cache.stats().misses(), "f0 stayed");
            text(server, "/f1.txt");
            assertEquals(misses + 1, cache.stats().misses(), "f1 was evicted");

            // 2,000 bytes more: past both limits, two entries go
            assertEquals(kilo + kilo, text(server, "/two.txt"));
            stats = cache.stats();
            assertEquals(2, stats.files(), stats.toString());
            assertEquals(3000, stats.bytes(), stats.toString());

            for (int round = 0; round < 3; round++)
            {
                for (int i = 0; i < 8; i++)
                {
                    assertEquals(kilo.replace('x', (char)('a' + i)), text(server, "/f" + i + ".txt"));
                    stats = cache.stats();
                    assertTrue(stats.files() <= 3 && stats.bytes() <= 3500, stats.toString());
                }
            }
        }
    }

    @Test
    void concurrentRequestsKeepTheAccountingExact() throws Exception
    {
        final int files = 12;
        final String kilo = "y".repeat(1023) + "\n";
        for (int i = 0; i < files; i++)
        {
            Files.writeString(root.resolve("g" + i + ".txt"), kilo);
        }
        final FileCacheSettings settings = FileCacheSettings.JETTY_DEFAULTS.withMaxFiles(5)
            .withValidationPeriodMillis(0);
        try (HttpServer server = start(root, settings);
             ExecutorService clients = Executors.newFixedThreadPool(4))
        {
            final List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 4; c++)
            {
                final int client = c;
                done.add(clients.submit(() ->
                {
                    for (int i = 0; i < 60; i++)
                    {
                        assertEquals(kilo, text(server, "/g" + ((i * 7 + client) % files) + ".txt"));
                    }
                    return null;
                }));
            }
            for (final Future<?> future : done)
            {
                future.get();
            }
            final FileCache.Stats stats = server.fileCache().stats();
            assertTrue(stats.files() <= 5, stats.toString());
            assertEquals(stats.files() * 1024L, stats.bytes(), "bytes are exactly those of the entries: " + stats);
            assertEquals(240, stats.hits() + stats.misses(), stats.toString());
        }
    }

    @Test
    void inlineServerCachesToo() throws Exception
    {
        HttpTestSupport.populate(root);
        try (HttpServer server = HttpServer.builder().documentRoot(root).inline(true).build().start())
        {
            final byte[] file = Files.readAllBytes(root.resolve("64k.bin"));
            assertArrayEquals(file, get(server, "/64k.bin").body());
            assertArrayEquals(file, get(server, "/64k.bin").body());
            assertEquals(1, server.fileCache().stats().hits());
        }
    }

    @Test
    void withoutTheCacheLargeFilesStillGoOutWithSendfile() throws Exception
    {
        HttpTestSupport.populate(root);
        try (HttpServer server = HttpServer.builder().documentRoot(root).withoutFileCache().build().start())
        {
            assertNull(server.fileCache());
            assertTrue(server.describeCache().startsWith("no file cache"), server.describeCache());
            final byte[] big = Files.readAllBytes(root.resolve("big.bin"));
            assertEquals(HttpTestSupport.sha256(big), HttpTestSupport.sha256(get(server, "/big.bin").body()));
            final RawResponse tail = get(server, "/big.bin", "Range: bytes=1000-");
            assertEquals(206, tail.status());
            assertEquals(HttpTestSupport.sha256(java.util.Arrays.copyOfRange(big, 1000, big.length)),
                HttpTestSupport.sha256(tail.body()));
        }
    }

    @Test
    void cacheIsEmptiedWhenTheServerStops() throws Exception
    {
        HttpTestSupport.populate(root);
        final HttpServer server = start(root, FileCacheSettings.JETTY_DEFAULTS);
        text(server, "/1k.txt");
        assertEquals(1, server.fileCache().stats().files());
        server.stop(HttpServer.DEFAULT_GRACE);
        final FileCache.Stats stats = server.fileCache().stats();
        assertEquals(0, stats.files(), stats.toString());
        assertEquals(0, stats.bytes(), stats.toString());
    }

    @Test
    void settingsAreCheckedAndDescribed()
    {
        final FileCacheSettings jetty = FileCacheSettings.JETTY_DEFAULTS;
        assertEquals(128L * 1024 * 1024, jetty.maxFileSize());
        assertEquals(256L * 1024 * 1024, jetty.maxCacheSize());
        assertEquals(2048, jetty.maxFiles());
        assertEquals(1000, jetty.validationPeriodMillis());
        assertEquals("files up to 128 MiB in memory, 256 MiB and 2048 files in all, LRU eviction, revalidated (statx)" +
            " at most every 1000 ms (Jetty 12's defaults)", jetty.describe());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> jetty.withMaxFileSize(-1)).getMessage()
            .contains("maxFileSize must be >= 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> jetty.withMaxCacheSize(-1)).getMessage()
            .contains("maxCacheSize must be >= 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> jetty.withMaxFiles(0)).getMessage()
            .contains("withoutFileCache()"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> jetty.withValidationPeriodMillis(-2))
            .getMessage().contains("-1 (never), 0 (every request)"));
        assertThrows(IllegalArgumentException.class, () -> HttpServer.builder().fileCache(null));
    }

    @Test
    void demoOptionsTurnTheCacheOffOrSetIt()
    {
        assertEquals(FileCacheSettings.JETTY_DEFAULTS, HttpDemo.Options.parse().fileCache());
        assertNull(HttpDemo.Options.parse("--no-cache").fileCache());
        final FileCacheSettings set = HttpDemo.Options.parse("--cache-max-file-size", "4096", "--cache-max-size=65536",
            "--cache-max-files", "16", "--cache-validation-ms", "-1").fileCache();
        assertNotNull(set);
        assertEquals(new FileCacheSettings(4096, 65536, 16, -1), set);
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> HttpDemo.Options.parse("--no-cache", "--cache-max-files", "3")).getMessage()
            .contains("give one or the other"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> HttpDemo.Options.parse("--cache-validation-ms", "-2")).getMessage().contains("must be >= -1"));
        assertThrows(CommandLine.HelpRequested.class, () -> HttpDemo.Options.parse("--help"));
    }
}
