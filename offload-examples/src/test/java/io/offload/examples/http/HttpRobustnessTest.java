package io.offload.examples.http;

import io.offload.examples.http.HttpTestSupport.RawResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static io.offload.examples.http.HttpTestSupport.await;
import static io.offload.examples.http.HttpTestSupport.connect;
import static io.offload.examples.http.HttpTestSupport.exchange;
import static io.offload.examples.http.HttpTestSupport.send;
import static io.offload.examples.http.HttpTestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that misbehave at the socket level, and a file far larger than the socket buffers: a client that stalls
 * mid-request is closed after the read timeout while others are served; a client that resets mid-response costs
 * only its own connection; 8 MiB sent with sendfile arrive intact.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpRobustnessTest
{
    /** Short, so the stalled client is closed quickly; only its effect is asserted, never how long it took. */
    private static final Duration READ_TIMEOUT = Duration.ofMillis(300);

    @TempDir
    static Path root;

    private static HttpServer server;

    @BeforeAll
    static void start() throws IOException
    {
        HttpTestSupport.populate(root);
        server = HttpServer.builder().documentRoot(root).readTimeout(READ_TIMEOUT).build().start();
    }

    @AfterAll
    static void stop()
    {
        if (server != null)
        {
            server.stop(HttpServer.DEFAULT_GRACE);
        }
    }

    @Test
    void clientStallingMidRequestIsClosedAfterTheReadTimeoutWhileOthersAreServed() throws Exception
    {
        try (Socket stalled = connect(server); Socket idle = connect(server))
        {
            send(stalled, "GET /1k.txt HTTP/1.1\r\nHost: t\r\nX-Half: "); // and nothing more
            // another client is served meanwhile, on its own connection
            final RawResponse other = exchange(server, "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertEquals(HelloHandler.GREETING, other.text());

            final InputStream in = stalled.getInputStream();
            final RawResponse timedOut = RawResponse.read(in, false);
            assertEquals(408, timedOut.status(), timedOut.statusLine());
            assertEquals("close", timedOut.header("Connection"));
            assertEquals(-1, in.read(), "closed after the 408");

            // a client that connects and never sends is closed too, without a response
            assertEquals(-1, idle.getInputStream().read());
        }
        await(() -> server.openConnections() == 0, "both connections to be closed");
        assertEquals(200, exchange(server, "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").status());
    }

    @Test
    void clientResettingMidResponseLeavesTheServerServing() throws Exception
    {
        for (int round = 0; round < 3; round++)
        {
            try (Socket reset = new Socket())
            {
                reset.setReceiveBufferSize(4096); // before connect, so the window stays small
                reset.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
                reset.setSoTimeout(30_000);
                send(reset, "GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n");
                final InputStream in = reset.getInputStream();
                final byte[] some = in.readNBytes(8192); // status line, headers, the start of the file
                assertTrue(new String(some, 0, 15, StandardCharsets.US_ASCII)
                    .startsWith("HTTP/1.1 200"), "the response had begun");
                reset.setSoLinger(true, 0); // close sends RST while the server is still in sendfile
            }
            final RawResponse next = exchange(server, "GET /64k.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertEquals(200, next.status());
            assertEquals(sha256(Files.readAllBytes(root.resolve("64k.bin"))), sha256(next.body()));
        }
        await(() -> server.openConnections() == 0, "the reset connections to be cleaned up");
    }

    @Test
    void largeFileArrivesIntact() throws Exception
    {
        final String expected = sha256(Files.readAllBytes(root.resolve("big.bin")));
        try (HttpClient client = HttpTestSupport.client())
        {
            for (int i = 0; i < 2; i++)
            {
                final HttpResponse<byte[]> response = client.send(
                    HttpRequest.newBuilder(HttpTestSupport.uri(server, "/big.bin")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, response.statusCode());
                assertEquals(HttpTestSupport.BIG_SIZE, response.body().length);
                assertEquals(expected, sha256(response.body()));
            }
        }
        // a slow reader: small receive buffer, small reads, so sendfile waits in the reactor many times
        try (Socket slow = new Socket())
        {
            slow.setReceiveBufferSize(16 * 1024);
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            slow.setSoTimeout(30_000);
            send(slow, "GET /big.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=1000-\r\nConnection: close\r\n\r\n");
            final RawResponse response = RawResponse.read(new BufferedInputStream(slow.getInputStream(), 512),
                false);
            assertEquals(206, response.status());
            final byte[] file = Files.readAllBytes(root.resolve("big.bin"));
            assertEquals(sha256(Arrays.copyOfRange(file, 1000, file.length)), sha256(response.body()));
        }
    }
}
