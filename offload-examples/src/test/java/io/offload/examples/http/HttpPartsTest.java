package io.offload.examples.http;

import io.offload.examples.JsonWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's small parts on their own: byte ranges, HTTP dates, JSON strings, media types, path mapping.
 */
class HttpPartsTest
{
    @Test
    void byteRanges()
    {
        assertEquals(new ByteRange(0, 99), ByteRange.parse("bytes=0-99", 1000));
        assertEquals(new ByteRange(900, 999), ByteRange.parse("bytes=900-", 1000));
        assertEquals(new ByteRange(990, 999), ByteRange.parse("bytes=-10", 1000));
        assertEquals(new ByteRange(0, 999), ByteRange.parse("bytes=-5000", 1000), "a suffix longer than the file");
        assertEquals(new ByteRange(500, 999), ByteRange.parse("bytes=500-5000", 1000), "last clamped to the end");
        assertEquals(new ByteRange(5, 5), ByteRange.parse(" Bytes = 5-5 ", 1000));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=1000-", 1000));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=99999999999999999999999-", 1000));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=-0", 1000));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=0-", 0));
        assertNull(ByteRange.parse(null, 1000));
        assertNull(ByteRange.parse("items=0-1", 1000));
        assertNull(ByteRange.parse("bytes=5-1", 1000), "last before first: invalid, ignored");
        assertNull(ByteRange.parse("bytes=0-1,3-4", 1000), "several ranges: ignored");
        assertNull(ByteRange.parse("bytes=a-b", 1000));
        assertNull(ByteRange.parse("bytes=-", 1000));
        assertEquals(100, new ByteRange(0, 99).length());
    }

    @Test
    void httpDates()
    {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(784111777L));
        assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", HttpDates.format(0));
        assertEquals(784111777L, HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(784111777L, HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT"));
        assertEquals(784111777L, HttpDates.parse("Sun Nov  6 08:49:37 1994"));
        assertEquals(Long.MIN_VALUE, HttpDates.parse("not a date"));
        assertEquals(Long.MIN_VALUE, HttpDates.parse(null));
        final String now = HttpDates.now();
        assertEquals(29, now.length(), now);
        final long parsed = HttpDates.parse(now);
        final long wall = System.currentTimeMillis() / 1000;
        assertTrue(parsed <= wall && parsed >= wall - 2, now);
    }

    @Test
    void jsonStrings()
    {
        assertEquals("\"plain\"", JsonWriter.quote("plain"));
        assertEquals("\"q\\\"b\\\\s/n\"", JsonWriter.quote("q\"b\\s/n"));
        assertEquals("\"\\n\\r\\t\\b\\f\\u0001\\u001f\"",
            JsonWriter.quote("\n\r\t\b\f\u0001\u001f"));
        assertEquals("\"\\u2028\\u2029\"",
            JsonWriter.quote(String.valueOf((char)0x2028) + (char)0x2029));
        assertEquals("\"\uD83D\uDE00 \uFFFD\"", JsonWriter.quote("\uD83D\uDE00 \uD83D"));
        assertEquals("null", JsonWriter.quote(null));
        assertEquals("\"é\"", JsonWriter.quote("é"));
    }

    @Test
    void mediaTypes()
    {
        assertEquals("text/html; charset=utf-8", MimeTypes.of("index.html"));
        assertEquals("text/html; charset=utf-8", MimeTypes.of("/a/B.HTM"));
        assertEquals("text/plain; charset=utf-8", MimeTypes.of("a.txt"));
        assertEquals("text/css; charset=utf-8", MimeTypes.of("a.css"));
        assertEquals("text/javascript; charset=utf-8", MimeTypes.of("a.js"));
        assertEquals("application/json", MimeTypes.of("a.json"));
        assertEquals("image/png", MimeTypes.of("a.png"));
        assertEquals("image/jpeg", MimeTypes.of("a.jpg"));
        assertEquals("image/jpeg", MimeTypes.of("a.jpeg"));
        assertEquals("image/svg+xml", MimeTypes.of("a.svg"));
        assertEquals(MimeTypes.DEFAULT, MimeTypes.of("a.bin"));
        assertEquals(MimeTypes.DEFAULT, MimeTypes.of("Makefile"));
        assertEquals(MimeTypes.DEFAULT, MimeTypes.of(".html"));
        assertEquals(MimeTypes.DEFAULT, MimeTypes.of("a."));
        assertEquals(MimeTypes.DEFAULT, MimeTypes.of("dir.d/file"));
    }

    @Test
    void documentRootMapsPathsLexically(@TempDir final Path dir) throws IOException
    {
        final Path real = dir.toRealPath();
        final DocumentRoot root = new DocumentRoot(real);
        assertEquals(real, root.resolve("/"));
        assertEquals(real.resolve("a/b.txt"), root.resolve("/a/./b.txt"));
        assertEquals(real.resolve("b.txt"), root.resolve("/a/../b.txt"));
        assertEquals(real.resolve("etc/passwd"), root.resolve("//etc/passwd"), "absolute paths are under the root");
        assertNull(root.resolve("/../etc/passwd"));
        assertNull(root.resolve("/a/../../etc/passwd"));
        assertNull(root.resolve(".."));
        assertEquals("/a/b.txt", root.relative(real.resolve("a/b.txt")));
    }

    @Test
    void percentDecodingIsStrict() throws HttpError
    {
        assertEquals("/a b/é", RequestParser.decodePath("/a%20b/%C3%A9"));
        assertEquals("/../x", RequestParser.decodePath("/%2e%2E/x"));
        assertEquals(400, assertThrows(HttpError.class, () -> RequestParser.decodePath("/%zz")).status());
        assertEquals(400, assertThrows(HttpError.class, () -> RequestParser.decodePath("/%4")).status());
        assertEquals(400, assertThrows(HttpError.class, () -> RequestParser.decodePath("/%C3")).status());
        assertEquals(400, assertThrows(HttpError.class, () -> RequestParser.decodePath("/%00")).status());
        assertEquals("a b+c", HttpRequest.decodeForm("a+b%2Bc"));
        assertEquals("100%", HttpRequest.decodeForm("100%"));
    }
}
