package io.offload.examples.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * What the HTTP tests share: a document root with known files, an HTTP/1.1 HttpClient, and a raw client over
 * java.net.Socket that reads responses byte for byte (for what HttpClient would refuse to send or hide).
 */
final class HttpTestSupport
{
    /** Size of the large file: far over a loopback socket's send buffer, so sendfile must resume many times. */
    static final int BIG_SIZE = 8 * 1024 * 1024;

    private HttpTestSupport()
    {
    }

    /**
     * Fill a document root: index.html, 1k.txt, 64k.bin, big.bin (8 MiB), sub/readme.txt, sub/data.json and a file
     * whose name needs JSON escaping.
     */
    static void populate(final Path root) throws IOException
    {
        Files.writeString(root.resolve("index.html"), "<!DOCTYPE html><title>t</title><p>index</p>\n");
        Files.write(root.resolve("1k.txt"), "0123456789abcdef".repeat(64).getBytes(StandardCharsets.US_ASCII));
        Files.write(root.resolve("64k.bin"), randomBytes(64 * 1024, 64));
        Files.write(root.resolve("big.bin"), randomBytes(BIG_SIZE, 8));
        final Path sub = Files.createDirectory(root.resolve("sub"));
        Files.writeString(sub.resolve("readme.txt"), "a file in a subdirectory\n");
        Files.writeString(sub.resolve("data.json"), "{\"answer\":42}\n");
        Files.writeString(sub.resolve("quote\"back\\slash\ttab.txt"), "x");
    }

    static byte[] randomBytes(final int size, final long seed)
    {
        final byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(final byte[] bytes)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static HttpClient client()
    {
        return HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    }

    static URI uri(final HttpServer server, final String path)
    {
        return server.uri().resolve(path);
    }

    static Socket connect(final HttpServer server) throws IOException
    {
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
        socket.setSoTimeout(30_000); // a bug shows as a failure, not a hang
        return socket;
    }

    static void send(final Socket socket, final String text) throws IOException
    {
        final OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Send one request on a fresh connection and read one response.
     */
    static RawResponse exchange(final HttpServer server, final String request) throws IOException
    {
        try (Socket socket = connect(server))
        {
            send(socket, request);
            return RawResponse.read(socket.getInputStream(), request.startsWith("HEAD "));
        }
    }

    /**
     * Wait for a condition the server reaches on its own (a connection closed, a stop begun). The class-level
     * {@code @Timeout} bounds the wait; no time is asserted. While waiting, the thread is named after what it
     * waits for, so a thread dump taken when the timeout fires says what never happened.
     */
    static void await(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final Thread thread = Thread.currentThread();
        final String name = thread.getName();
        thread.setName(name + " awaiting " + what);
        try
        {
            while (!condition.getAsBoolean())
            {
                Thread.sleep(5);
            }
        }
        finally
        {
            thread.setName(name);
        }
    }

    /**
     * A response as the bytes came: status line, headers (names lower-cased), body decoded from its framing.
     *
     * @param statusLine the first line.
     * @param status     the status code.
     * @param headers    header values by lower-case name.
     * @param body       the body (chunks joined).
     * @param chunked    whether it came chunked.
     */
    record RawResponse(String statusLine, int status, Map<String, List<String>> headers, byte[] body, boolean chunked)
    {
        String header(final String name)
        {
            final List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.getFirst();
        }

        String text()
        {
            return new String(body, StandardCharsets.UTF_8);
        }

        /**
         * Read one response: until its Content-Length, its last chunk, or (neither) the end of the stream.
         */
        static RawResponse read(final InputStream in, final boolean head) throws IOException
        {
            final String statusLine = line(in);
            if (statusLine == null)
            {
                throw new EOFException("connection closed before a status line");
            }
            final String[] parts = statusLine.split(" ", 3);
            final int status = Integer.parseInt(parts[1]);
            final Map<String, List<String>> headers = new LinkedHashMap<>();
            String line;
            while ((line = line(in)) != null && !line.isEmpty())
            {
                final int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    k -> new ArrayList<>()).add(line.substring(colon + 1).strip());
            }
            final List<String> lengths = headers.get("content-length");
            final boolean chunked = headers.containsKey("transfer-encoding");
            final ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (head || status == 304 || status == 204 || status < 200)
            {
                return new RawResponse(statusLine, status, headers, body.toByteArray(), chunked);
            }
            if (lengths != null)
            {
                body.write(in.readNBytes(Integer.parseInt(lengths.getFirst())));
            }
            else if (chunked)
            {
                while (true)
                {
                    final int size = Integer.parseInt(line(in).strip(), 16);
                    if (size == 0)
                    {
                        line(in); // the CRLF after the last chunk (no trailers)
                        break;
                    }
                    body.write(in.readNBytes(size));
                    line(in);
                }
            }
            else
            {
                body.write(in.readAllBytes());
            }
            return new RawResponse(statusLine, status, headers, body.toByteArray(), chunked);
        }

        private static String line(final InputStream in) throws IOException
        {
            final StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1)
            {
                if (c == '\n')
                {
                    final int length = line.length();
                    if (length > 0 && line.charAt(length - 1) == '\r')
                    {
                        line.setLength(length - 1);
                    }
                    return line.toString();
                }
                line.append((char)c);
            }
            return line.isEmpty() ? null : line.toString();
        }
    }
}
