package io.offload.examples.http;

import io.offload.examples.http.HttpTestSupport.RawResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.offload.examples.http.HttpTestSupport.connect;
import static io.offload.examples.http.HttpTestSupport.exchange;
import static io.offload.examples.http.HttpTestSupport.send;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a real client would not send, sent over a raw socket: each gets its status and the connection closed where
 * the request's framing cannot be trusted; paths that climb out of the document root, by any spelling or by a
 * symbolic link, are 404; pipelined requests are answered in order. After each, the server still serves.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpMalformedRequestTest
{
    @TempDir
    static Path base;

    private static Path root;
    private static HttpServer server;

    @BeforeAll
    static void start() throws IOException
    {
        root = Files.createDirectory(base.resolve("www"));
        HttpTestSupport.populate(root);
        Files.writeString(base.resolve("secret.txt"), "outside the document root\n");
        Files.createSymbolicLink(root.resolve("escape.txt"), base.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("escape-dir"), base);
        Files.createSymbolicLink(root.resolve("inside.txt"), root.resolve("1k.txt"));
        server = HttpServer.builder().documentRoot(root).maxHeaderBytes(1024).build().start();
    }

    @AfterAll
    static void stop()
    {
        if (server != null)
        {
            server.stop(HttpServer.DEFAULT_GRACE);
        }
    }

    /** Send, expect {@code status}, expect the server to close, and check it still serves a good request. */
    private static RawResponse refused(final String request, final int status) throws IOException
    {
        try (Socket socket = connect(server))
        {
            send(socket, request);
            final InputStream in = socket.getInputStream();
            final RawResponse response = RawResponse.read(in, false);
            assertEquals(status, response.status(), () -> request + " -> " + response.statusLine());
            assertEquals("close", response.header("Connection"), response.headers().toString());
            assertEquals(-1, in.read(), "the server closes after " + status);
            assertServes();
            return response;
        }
    }

    private static void assertServes() throws IOException
    {
        final RawResponse hello = exchange(server, "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        assertEquals(200, hello.status());
        assertEquals(HelloHandler.GREETING, hello.text());
    }

    private static RawResponse get(final String target) throws IOException
    {
        return exchange(server, "GET " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    }

    @Test
    void malformedRequestLineIs400() throws IOException
    {
        refused("GET /hello\r\nHost: t\r\n\r\n", 400);
        refused("GET  /hello HTTP/1.1\r\nHost: t\r\n\r\n", 400);
        refused("GET /hello HTTP/1.1 extra\r\nHost: t\r\n\r\n", 400);
        refused("GET /hel lo HTTP/1.1\r\nHost: t\r\n\r\n", 400);
        refused("G(T /hello HTTP/1.1\r\nHost: t\r\n\r\n", 400);
        refused("GET hello HTTP/1.1\r\nHost: t\r\n\r\n", 400);
        refused("GET /hello HTTX/1.1\r\nHost: t\r\n\r\n", 400);
        refused("GET /%zz HTTP/1.1\r\nHost: t\r\n\r\n", 400);
        refused("GET /a%00b HTTP/1.1\r\nHost: t\r\n\r\n", 400);
        refused("GET /hello HTTP/2.0\r\nHost: t\r\n\r\n", 505);
    }

    @Test
    void malformedHeaderIs400() throws IOException
    {
        refused("GET /hello HTTP/1.1\r\nHost: t\r\nNo-Colon-Here\r\n\r\n", 400);
        refused("GET /hello HTTP/1.1\r\nHost: t\r\nBad Name: x\r\n\r\n", 400);
        refused("GET /hello HTTP/1.1\r\nHost: t\r\nSpace-Before-Colon : x\r\n\r\n", 400);
        refused("GET /hello HTTP/1.1\r\nHost: t\r\nX-Folded: a\r\n  b\r\n\r\n", 400);
        refused("GET /hello HTTP/1.1\r\nHost: t\r\nX-Ctl: a\u0001b\r\n\r\n", 400);
        refused("GET /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 12x\r\n\r\n", 400);
        refused("GET /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400);
        refused("POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
        refused("GET /hello HTTP/1.1\r\n\r\n", 400); // HTTP/1.1 without Host
        refused("GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
    }

    @Test
    void headerBlockOverTheLimitIs431() throws IOException
    {
        final RawResponse response = refused("GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: " + "x".repeat(2000) +
            "\r\n\r\n", 431);
        assertTrue(response.text().contains("1024"), response.text());
        refused("GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414);
        final StringBuilder many = new StringBuilder("GET /hello HTTP/1.1\r\nHost: t\r\n");
        // a header block just under the limit is fine
        final int pad = 1024 - many.length() - "X-Pad: \r\n\r\n".length();
        many.append("X-Pad: ").append("y".repeat(pad)).append("\r\n\r\n");
        assertEquals(1024, many.length());
        try (Socket socket = connect(server))
        {
            send(socket, many.toString());
            assertEquals(200, RawResponse.read(socket.getInputStream(), false).status());
        }
    }

    @Test
    void unknownMethodIs501() throws IOException
    {
        final RawResponse response = refused("BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n", 501);
        assertTrue(response.text().contains("BREW"), response.text());
        refused("CONNECT t:443 HTTP/1.1\r\nHost: t\r\n\r\n", 501);
        refused("POST /hello HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501);
    }

    @Test
    void pathsOutsideTheRootAre404() throws IOException
    {
        for (final String target : new String[]{
            "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/%2E%2E/etc/passwd", "/..%2f..%2fetc%2fpasswd",
            "/sub/../../secret.txt", "/etc/passwd", "//etc/passwd", "http://t/../../etc/passwd",
            "/../secret.txt", "/escape.txt", "/escape-dir/secret.txt", "/dir?path=../", "/dir?path=escape-dir",
            "/dir/..%2f..%2f"})
        {
            final RawResponse response = get(target);
            assertEquals(404, response.status(), () -> target + " -> " + response.statusLine() + "\n" +
                response.text());
            assertTrue(!response.text().contains("outside the document root\n") && !response.text().contains("root:"),
                target + " leaked " + response.text());
        }
        final RawResponse inside = get("/inside.txt");
        assertEquals(200, inside.status(), "a symbolic link that stays inside the root is served");
        assertArrayEquals(Files.readAllBytes(root.resolve("1k.txt")), inside.body());
        final RawResponse dotted = get("/sub/../1k.txt");
        assertEquals(200, dotted.status(), "dot segments that stay inside the root are resolved");
        final RawResponse absolute = get("http://localhost/1k.txt");
        assertEquals(200, absolute.status(), "absolute-form target");
        assertServes();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException
    {
        try (Socket socket = connect(server))
        {
            send(socket, "GET /1k.txt HTTP/1.1\r\nHost: t\r\n\r\n" +
                "HEAD /64k.bin HTTP/1.1\r\nHost: t\r\n\r\n" +
                "POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nabcde" +
                "GET /sub/readme.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            final InputStream in = socket.getInputStream();
            final RawResponse first = RawResponse.read(in, false);
            assertEquals(200, first.status());
            assertArrayEquals(Files.readAllBytes(root.resolve("1k.txt")), first.body());
            final RawResponse second = RawResponse.read(in, true);
            assertEquals(200, second.status());
            assertEquals("65536", second.header("Content-Length"));
            final RawResponse third = RawResponse.read(in, false);
            assertEquals(HelloHandler.GREETING, third.text());
            final RawResponse fourth = RawResponse.read(in, false);
            assertEquals("a file in a subdirectory\n", fourth.text());
            assertEquals("close", fourth.header("Connection"));
            assertEquals(-1, in.read(), "closed after the request that asked for it");
        }
        // pipelined with the second request split over two writes
        try (Socket socket = connect(server))
        {
            send(socket, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /hel");
            final InputStream in = socket.getInputStream();
            assertEquals(HelloHandler.GREETING, RawResponse.read(in, false).text());
            send(socket, "lo HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(HelloHandler.GREETING, RawResponse.read(in, false).text());
        }
    }

    @Test
    void http10ClosesUnlessKeepAlive() throws IOException
    {
        try (Socket socket = connect(server))
        {
            send(socket, "GET /hello HTTP/1.0\r\n\r\n");
            final InputStream in = socket.getInputStream();
            final RawResponse response = RawResponse.read(in, false);
            assertEquals(200, response.status());
            assertEquals("close", response.header("Connection"));
            assertEquals(-1, in.read());
        }
        try (Socket socket = connect(server))
        {
            send(socket, "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            final InputStream in = socket.getInputStream();
            final RawResponse response = RawResponse.read(in, false);
            assertEquals("keep-alive", response.header("Connection"));
            send(socket, "GET /1k.txt HTTP/1.0\r\n\r\n");
            assertEquals(1024, RawResponse.read(in, false).body().length);
            assertEquals(-1, in.read());
        }
        try (Socket socket = connect(server))
        {
            // leading empty lines are ignored; a bare LF ends lines as well as CRLF
            send(socket, "\r\n\r\nGET /hello HTTP/1.1\nHost: t\nConnection: close\n\n");
            final RawResponse response = RawResponse.read(socket.getInputStream(), false);
            assertEquals(HelloHandler.GREETING, new String(response.body(), StandardCharsets.UTF_8));
        }
    }
}
