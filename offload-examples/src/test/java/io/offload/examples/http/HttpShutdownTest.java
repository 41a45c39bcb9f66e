package io.offload.examples.http;

import io.offload.examples.http.HttpTestSupport.RawResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.offload.examples.http.HttpTestSupport.await;
import static io.offload.examples.http.HttpTestSupport.connect;
import static io.offload.examples.http.HttpTestSupport.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graceful stop with a request in flight: the slow request completes with 200 (and {@code Connection: close}),
 * new connections are refused as soon as the stop begins, an idle keep-alive connection is closed, and stop returns
 * once the in-flight request is done, long before the grace period ends. Offloaded and inline.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpShutdownTest
{
    @TempDir
    Path root;

    @ParameterizedTest(name = "inline={0}")
    @ValueSource(booleans = {false, true})
    void inFlightRequestCompletesAndNewConnectionsAreRefused(final boolean inline) throws Exception
    {
        HttpTestSupport.populate(root);
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final HttpServer server = HttpServer.builder()
            .documentRoot(root)
            .inline(inline)
            .handle("/slow", (request, response) ->
            {
                entered.countDown();
                try
                {
                    // held until the test has seen the listener closed, then slow on its own
                    assertTrue(release.await(60, TimeUnit.SECONDS), "the test releases the handler");
                    Thread.sleep(500);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                response.send("done\n");
            })
            .build()
            .start();
        final int port = server.port();
        try (Socket idle = connect(server); Socket slow = connect(server))
        {
            // an idle keep-alive connection: one request answered, then nothing
            send(idle, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
            final InputStream idleIn = idle.getInputStream();
            assertEquals(200, RawResponse.read(idleIn, false).status());

            send(slow, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the slow handler runs");

            final CompletableFuture<Void> stopped = CompletableFuture.runAsync(() ->
                server.stop(Duration.ofSeconds(5)), runnable -> Thread.ofPlatform().name("stopper").start(runnable));
            await(server::isStopping, "the stop to begin");
            await(() -> refused(port), "the listener to close");
            assertFalse(server.isRunning());

            assertEquals(-1, idleIn.read(), "the idle keep-alive connection is closed by the stop");

            release.countDown();
            final InputStream slowIn = slow.getInputStream();
            final RawResponse response = RawResponse.read(slowIn, false);
            assertEquals(200, response.status(), "the request in flight completes");
            assertEquals("done\n", response.text());
            assertEquals("close", response.header("Connection"), "a stopping server closes after the response");
            assertEquals(-1, slowIn.read());

            stopped.get(30, TimeUnit.SECONDS);
            assertEquals(0, server.openConnections());
            assertThrows(ConnectException.class, () -> connectTo(port));
            if (!inline)
            {
                assertTrue(server.runtime().isClosed(), "the runtime the server built is closed with it");
            }
        }
        finally
        {
            release.countDown();
            server.stop(Duration.ZERO);
        }
    }

    @Test
    void stopWithoutRequestsIsQuickAndIdempotent() throws Exception
    {
        final HttpServer server = HttpServer.builder().build().start();
        try (Socket idle = connect(server))
        {
            send(idle, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(200, RawResponse.read(idle.getInputStream(), false).status());
            server.stop(Duration.ofSeconds(30)); // returns once the idle connection is closed, not after 30 s
            assertEquals(-1, idle.getInputStream().read());
        }
        server.stop(Duration.ofSeconds(1));
        server.close();
        assertFalse(server.isRunning());
        assertThrows(IllegalStateException.class, server::start);
    }

    /**
     * A handler whose write never completes (the client does not read) outlives the grace: offloaded, the stop
     * closes its socket and the write in the reactor fails with EBADF; inline, it shuts the socket's output down
     * and the write waiting in poll(2) fails with EPIPE.
     */
    @ParameterizedTest(name = "inline={0}")
    @ValueSource(booleans = {false, true})
    void graceOverClosesBusyConnections(final boolean inline) throws Exception
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final HttpServer server = HttpServer.builder()
            .inline(inline)
            .handle("/stuck", (request, response) ->
            {
                entered.countDown();
                try (var out = response.stream())
                {
                    final byte[] block = new byte[64 * 1024];
                    while (true)
                    {
                        out.write(block); // the client never reads: the write waits until the stop closes it
                    }
                }
            })
            .build()
            .start();
        try (Socket stuck = new Socket())
        {
            stuck.setReceiveBufferSize(4096);
            stuck.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            send(stuck, "GET /stuck HTTP/1.1\r\nHost: t\r\n\r\n");
            assertTrue(entered.await(30, TimeUnit.SECONDS));
            server.stop(Duration.ofMillis(200));
            assertEquals(0, server.openConnections(), "the stuck connection was closed when the grace ran out");
        }
    }

    private static boolean refused(final int port)
    {
        try
        {
            connectTo(port);
            return false;
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    private static void connectTo(final int port) throws IOException
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        }
    }
}
