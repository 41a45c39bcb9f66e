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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static io.offload.examples.http.HttpTestSupport.connect;
import static io.offload.examples.http.HttpTestSupport.exchange;
import static io.offload.examples.http.HttpTestSupport.send;
import static io.offload.examples.http.HttpTestSupport.sha256;
import static io.offload.examples.http.HttpTestSupport.uri;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The same server in INLINE mode: every socket and file call on the connection's own (platform) thread through
 * DirectSyscalls, waiting in poll(2). The basic GET, keep-alive, a range, a large file, and a stalled client next to
 * a served one, which in this mode depends on the sliced waits rather than on a reactor.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpInlineTest
{
    @TempDir
    static Path root;

    private static HttpServer server;
    private static HttpClient client;

    @BeforeAll
    static void start() throws IOException
    {
        HttpTestSupport.populate(root);
        server = HttpServer.builder().documentRoot(root).inline(true).readTimeout(Duration.ofSeconds(1)).build()
            .start();
        client = HttpTestSupport.client();
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

    @Test
    void basicGetInline() throws Exception
    {
        assertEquals(HttpServer.Threads.PLATFORM, server.threads(), "inline defaults to platform threads");
        assertNull(server.runtime(), "inline mode builds no runtime");
        final long before = server.acceptedConnections();
        for (int i = 0; i < 3; i++)
        {
            final HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri(server, "/1k.txt")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertArrayEquals(Files.readAllBytes(root.resolve("1k.txt")), response.body());
            assertEquals("text/plain; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
            assertFalse(response.headers().firstValue("Last-Modified").isEmpty());
        }
        assertEquals(1, server.acceptedConnections() - before, "keep-alive in inline mode too");

        final HttpResponse<byte[]> range = client.send(HttpRequest.newBuilder(uri(server, "/64k.bin"))
            .header("Range", "bytes=10-19").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, range.statusCode());
        assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(root.resolve("64k.bin")), 10, 20), range.body());

        final HttpResponse<byte[]> big = client.send(HttpRequest.newBuilder(uri(server, "/big.bin")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(sha256(Files.readAllBytes(root.resolve("big.bin"))), sha256(big.body()));
    }

    @Test
    void stalledClientIsClosedWhileAnotherIsServedInline() throws Exception
    {
        try (Socket stalled = connect(server))
        {
            send(stalled, "GET /1k.txt HTTP/1.1\r\nHost: t\r\n");
            assertEquals(HelloHandler.GREETING,
                exchange(server, "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").text());
            final InputStream in = stalled.getInputStream();
            assertEquals(408, RawResponse.read(in, false).status());
            assertEquals(-1, in.read());
        }
    }
}
