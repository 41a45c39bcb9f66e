package io.offload.examples.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static io.offload.examples.http.HttpTestSupport.client;
import static io.offload.examples.http.HttpTestSupport.uri;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server through a real client (java.net.http.HttpClient, HTTP/1.1) on loopback, every call offloaded to the
 * server's own runtime: files with their headers, keep-alive, HEAD, conditional and range requests, the dynamic
 * endpoints, request bodies and streamed responses.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpServerTest
{
    @TempDir
    static Path root;

    private static HttpServer server;
    private static HttpClient client;

    @BeforeAll
    static void start() throws IOException
    {
        HttpTestSupport.populate(root);
        server = HttpServer.builder()
            .documentRoot(root)
            .handle("/echo", (request, response) ->
            {
                response.contentType("application/octet-stream");
                response.send(request.body());
            })
            .handle("/stream", (request, response) ->
            {
                final int chunks = Integer.parseInt(request.queryParameter("chunks"));
                try (OutputStream out = response.stream())
                {
                    for (int i = 0; i < chunks; i++)
                    {
                        out.write(("part " + i + "\n").repeat(1000).getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
            })
            .build()
            .start();
        client = client();
    }

    @AfterAll
    static void stop()
    {
        if (client != null)
        {
            client.close();
        }
        if (server != null)
        {
            server.stop(HttpServer.DEFAULT_GRACE);
        }
    }

    private static HttpResponse<byte[]> get(final String path, final String... headers)
        throws IOException, InterruptedException
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri(server, path)).GET();
        if (headers.length > 0)
        {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void getFileWithItsHeaders() throws Exception
    {
        final HttpResponse<byte[]> response = get("/1k.txt");
        assertEquals(200, response.statusCode());
        assertArrayEquals(Files.readAllBytes(root.resolve("1k.txt")), response.body());
        assertEquals("1024", response.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("text/plain; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        final long mtime = Files.getLastModifiedTime(root.resolve("1k.txt")).toMillis() / 1000;
        assertEquals(HttpDates.format(mtime), response.headers().firstValue("Last-Modified").orElseThrow());
        assertEquals(io.offload.examples.http.HttpResponse.SERVER,
            response.headers().firstValue("Server").orElseThrow());
        final String date = response.headers().firstValue("Date").orElseThrow();
        assertTrue(date.matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"), date);
        assertNotEquals(Long.MIN_VALUE, HttpDates.parse(date), date);
        assertEquals("bytes", response.headers().firstValue("Accept-Ranges").orElseThrow());

        final HttpResponse<byte[]> binary = get("/64k.bin");
        assertEquals("application/octet-stream", binary.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(Files.readAllBytes(root.resolve("64k.bin")), binary.body());

        final HttpResponse<byte[]> index = get("/");
        assertEquals(200, index.statusCode());
        assertEquals("text/html; charset=utf-8", index.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(Files.readAllBytes(root.resolve("index.html")), index.body());

        assertEquals(404, get("/no-such-file.txt").statusCode());
        assertEquals(404, get("/sub").statusCode(), "a directory without index.html");
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception
    {
        try (HttpClient fresh = client())
        {
            final long before = server.acceptedConnections();
            for (int i = 0; i < 5; i++)
            {
                final HttpResponse<String> response = fresh.send(
                    HttpRequest.newBuilder(uri(server, i % 2 == 0 ? "/hello" : "/1k.txt")).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertFalse(response.headers().firstValue("Connection").isPresent(),
                    "HTTP/1.1 keep-alive needs no Connection header");
            }
            assertEquals(1, server.acceptedConnections() - before, "five requests, one connection");
        }
    }

    @Test
    void headHasTheHeadersOfGetAndNoBody() throws Exception
    {
        final HttpResponse<byte[]> response = client.send(
            HttpRequest.newBuilder(uri(server, "/64k.bin")).HEAD().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("65536", response.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(0, response.body().length);
        // the connection is still in step: the next request on it gets its own response
        assertEquals(HelloHandler.GREETING, new String(get("/hello").body(), StandardCharsets.UTF_8));
    }

    @Test
    void ifModifiedSinceGivesNotModified() throws Exception
    {
        final String lastModified = get("/index.html").headers().firstValue("Last-Modified").orElseThrow();
        final HttpResponse<byte[]> same = get("/index.html", "If-Modified-Since", lastModified);
        assertEquals(304, same.statusCode());
        assertEquals(0, same.body().length);
        assertEquals(lastModified, same.headers().firstValue("Last-Modified").orElseThrow());

        final HttpResponse<byte[]> older = get("/index.html", "If-Modified-Since", "Thu, 01 Jan 1970 00:00:01 GMT");
        assertEquals(200, older.statusCode());
        final HttpResponse<byte[]> garbage = get("/index.html", "If-Modified-Since", "yesterday");
        assertEquals(200, garbage.statusCode(), "an invalid date is ignored");
    }

    @Test
    void rangeGivesPartialContent() throws Exception
    {
        final byte[] file = Files.readAllBytes(root.resolve("64k.bin"));
        final HttpResponse<byte[]> middle = get("/64k.bin", "Range", "bytes=100-199");
        assertEquals(206, middle.statusCode());
        assertEquals("bytes 100-199/65536", middle.headers().firstValue("Content-Range").orElseThrow());
        assertEquals("100", middle.headers().firstValue("Content-Length").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(file, 100, 200), middle.body());

        final HttpResponse<byte[]> suffix = get("/64k.bin", "Range", "bytes=-10");
        assertEquals(206, suffix.statusCode());
        assertEquals("bytes 65526-65535/65536", suffix.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(file, 65526, 65536), suffix.body());

        final HttpResponse<byte[]> open = get("/64k.bin", "Range", "bytes=65000-");
        assertEquals(206, open.statusCode());
        assertArrayEquals(Arrays.copyOfRange(file, 65000, 65536), open.body());

        final HttpResponse<byte[]> several = get("/64k.bin", "Range", "bytes=0-1,5-6");
        assertEquals(200, several.statusCode(), "multiple ranges are ignored: the whole file");
        assertArrayEquals(file, several.body());
    }

    @Test
    void unsatisfiableRangeGives416() throws Exception
    {
        final HttpResponse<byte[]> response = get("/64k.bin", "Range", "bytes=70000-80000");
        assertEquals(416, response.statusCode());
        assertEquals("bytes */65536", response.headers().firstValue("Content-Range").orElseThrow());
        assertEquals(200, get("/hello").statusCode(), "the connection goes on");
    }

    @Test
    void helloEndpoint() throws Exception
    {
        final HttpResponse<byte[]> response = get("/hello");
        assertEquals(200, response.statusCode());
        assertEquals("Hello, offload\n", new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("text/plain; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("15", response.headers().firstValue("Content-Length").orElseThrow());
    }

    @Test
    void dirListsADirectoryAsJson() throws Exception
    {
        final HttpResponse<byte[]> byQuery = get("/dir?path=sub");
        assertEquals(200, byQuery.statusCode());
        assertEquals("application/json", byQuery.headers().firstValue("Content-Type").orElseThrow());
        final String json = new String(byQuery.body(), StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"path\":\"/sub\",\"modified\":\""), json);
        assertTrue(json.contains("{\"name\":\"readme.txt\",\"type\":\"file\",\"size\":25,\"modified\":\""), json);
        assertTrue(json.contains("{\"name\":\"data.json\",\"type\":\"file\",\"size\":14,"), json);
        assertTrue(json.contains("{\"name\":\"quote\\\"back\\\\slash\\ttab.txt\",\"type\":\"file\",\"size\":1,"), json);
        assertTrue(json.indexOf("data.json") < json.indexOf("quote") && json.indexOf("quote") <
            json.indexOf("readme.txt"), "sorted by name: " + json);

        final HttpResponse<byte[]> byPath = get("/dir/sub");
        assertEquals(json, new String(byPath.body(), StandardCharsets.UTF_8));

        final String top = new String(get("/dir").body(), StandardCharsets.UTF_8);
        assertTrue(top.startsWith("{\"path\":\"/\","), top);
        assertTrue(top.contains("{\"name\":\"sub\",\"type\":\"directory\","), top);
        assertTrue(top.contains("{\"name\":\"big.bin\",\"type\":\"file\",\"size\":" + HttpTestSupport.BIG_SIZE), top);

        assertEquals(404, get("/dir?path=no-such-dir").statusCode());
        assertEquals(404, get("/dir?path=1k.txt").statusCode(), "a file is not a directory");
        assertEquals(404, get("/dir?path=../..").statusCode());
    }

    @Test
    void requestBodyReachesTheHandler() throws Exception
    {
        final byte[] body = HttpTestSupport.randomBytes(300_000, 3);
        final HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri(server, "/echo"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertArrayEquals(body, response.body());

        final HttpResponse<byte[]> expecting = client.send(HttpRequest.newBuilder(uri(server, "/echo"))
            .expectContinue(true).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, expecting.statusCode());
        assertArrayEquals(body, expecting.body());
    }

    @Test
    void streamingHandlerIsChunkedWhenLongAndLengthFramedWhenShort() throws Exception
    {
        final HttpResponse<String> longOne = client.send(
            HttpRequest.newBuilder(uri(server, "/stream?chunks=5")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, longOne.statusCode());
        final StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 5; i++)
        {
            expected.append(("part " + i + "\n").repeat(1000));
        }
        assertEquals(expected.toString(), longOne.body());
        assertEquals("chunked", longOne.headers().firstValue("Transfer-Encoding").orElseThrow());

        final HttpResponse<String> empty = client.send(
            HttpRequest.newBuilder(uri(server, "/stream?chunks=0")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, empty.statusCode());
        assertEquals("", empty.body());
        assertEquals("0", empty.headers().firstValue("Content-Length").orElseThrow(),
            "a stream closed before anything was flushed goes out with a Content-Length");
    }

    @Test
    void methodsAStaticFileDoesNotAllow() throws Exception
    {
        final HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri(server, "/1k.txt"))
            .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, response.statusCode());
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElseThrow());
    }
}
