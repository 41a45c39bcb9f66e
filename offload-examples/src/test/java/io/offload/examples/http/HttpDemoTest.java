package io.offload.examples.http;

import io.offload.examples.http.HttpTestSupport.RawResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's options, its generated document root and its banner, with the server it starts (the signal handling
 * is the JVM's; it is exercised by hand, see {@link HttpDemo}).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpDemoTest
{
    @Test
    void optionsParse()
    {
        final HttpDemo.Options defaults = HttpDemo.Options.parse("", " ");
        assertEquals(0, defaults.port());
        assertNull(defaults.root());
        assertFalse(defaults.inline());
        assertNull(defaults.threads());
        final HttpDemo.Options all = HttpDemo.Options.parse("--port", "8080", "--root", "/srv/www", "--inline",
            "--threads", "virtual", "--read-timeout-ms", "500");
        assertEquals(8080, all.port());
        assertEquals(Path.of("/srv/www"), all.root());
        assertTrue(all.inline());
        assertEquals(HttpServer.Threads.VIRTUAL, all.threads());
        assertEquals(500, all.readTimeoutMs());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HttpDemo.Options.parse("--bogus"))
            .getMessage().contains("unknown option '--bogus'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HttpDemo.Options.parse("--port", "x"))
            .getMessage().contains("--port needs a whole number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HttpDemo.Options.parse("--port", "70000"))
            .getMessage().contains("0..65535"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HttpDemo.Options.parse("--root"))
            .getMessage().contains("--root needs a value"));
    }

    @Test
    void generatedRootIsServedAndTheBannerSaysHow() throws Exception
    {
        final Path root = HttpDemo.generateRoot();
        try
        {
            assertEquals(1024, Files.size(root.resolve("1k.txt")));
            assertEquals(64 * 1024, Files.size(root.resolve("64k.bin")));
            assertTrue(Files.isRegularFile(root.resolve("index.html")));
            assertTrue(Files.isDirectory(root.resolve("sub")));
            final HttpServer server = HttpDemo.start(HttpDemo.Options.parse(), root);
            try
            {
                final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                HttpDemo.printBanner(new PrintStream(bytes, true, StandardCharsets.UTF_8), server, root);
                final String banner = bytes.toString(StandardCharsets.UTF_8);
                assertTrue(banner.contains("curl -v " + server.uri()), banner);
                assertTrue(banner.contains("kill -TERM " + ProcessHandle.current().pid()), banner);
                final RawResponse index = HttpTestSupport.exchange(server,
                    "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                assertEquals(200, index.status());
                assertTrue(index.text().contains("Hello from offload"), index.text());
            }
            finally
            {
                server.stop(HttpDemo.GRACE);
            }
        }
        finally
        {
            HttpDemo.deleteTree(root);
        }
        assertFalse(Files.exists(root));
    }
}
