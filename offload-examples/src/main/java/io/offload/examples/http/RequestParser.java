package io.offload.examples.http;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Parses a request's header block (request line and header fields, RFC 9112 sections 3 and 5) straight from the
 * connection's native read buffer. It is strict where leniency lets a request mean two things to two parsers
 * (request smuggling): whitespace before a colon, obsolete line folding, control characters, conflicting
 * Content-Length, Transfer-Encoding with Content-Length all get a 400. Lines may end in CRLF or a bare LF, which
 * RFC 9112 section 2.2 allows a recipient to accept.
 * <p>
 * Strings are made through one per-connection scratch array, so parsing allocates nothing but the Strings the
 * request carries.
 */
final class RequestParser
{
    /** At most this many header fields; more is answered 431 however short they are. */
    static final int MAX_HEADER_FIELDS = 100;

    /** Methods handed to handlers; any other token is answered 501 (TRACE and CONNECT are not served here). */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");

    private static final boolean[] TCHAR = new boolean[128];

    static
    {
        for (int c = '0'; c <= '9'; c++)
        {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++)
        {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (final char c : "!#$%&'*+-.^_`|~".toCharArray())
        {
            TCHAR[c] = true;
        }
    }

    private final MemorySegment in;
    private final byte[] scratch;

    /**
     * @param in      the connection's read buffer.
     * @param scratch at least as long as the longest header block, for making Strings.
     */
    RequestParser(final MemorySegment in, final byte[] scratch)
    {
        this.in = in;
        this.scratch = scratch;
    }

    /**
     * Find the blank line that ends a header block.
     *
     * @param from where to start looking (a line start or later).
     * @param to   end of the bytes read so far.
     * @return the offset just past the blank line, or -1 if the block is not complete yet.
     */
    long findHeaderEnd(final long from, final long to)
    {
        for (long i = from; i < to; i++)
        {
            if (byteAt(i) == '\n')
            {
                if (i + 1 < to && byteAt(i + 1) == '\n')
                {
                    return i + 2;
                }
                if (i + 2 < to && byteAt(i + 1) == '\r' && byteAt(i + 2) == '\n')
                {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    /**
     * @param from start of the bytes read.
     * @param to   their end.
     * @return whether they hold a line feed: if not, an over-long block is an over-long request line (414).
     */
    boolean hasLineFeed(final long from, final long to)
    {
        for (long i = from; i < to; i++)
        {
            if (byteAt(i) == '\n')
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Parse a complete header block into {@code request}.
     *
     * @param start   its first byte (the request line; empty lines before it already skipped).
     * @param end     just past its blank line, from {@link #findHeaderEnd}.
     * @param request filled in.
     * @throws HttpError with the status to answer: 400 malformed, 431 too many fields, 501 unknown method or
     *                   transfer coding, 505 an HTTP major version other than 1, 417 an unknown expectation.
     */
    void parse(final long start, final long end, final HttpRequest request) throws HttpError
    {
        long lineEnd = lineFeed(start, end);
        requestLine(start, contentEnd(start, lineEnd), request);
        long pos = lineEnd + 1;
        while (true)
        {
            lineEnd = lineFeed(pos, end);
            final long contentEnd = contentEnd(pos, lineEnd);
            if (contentEnd == pos)
            {
                break; // the blank line
            }
            if (request.headerCount() == MAX_HEADER_FIELDS)
            {
                throw new HttpError(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "more than " + MAX_HEADER_FIELDS + " header fields", true);
            }
            headerField(pos, contentEnd, request);
            pos = lineEnd + 1;
        }
        framing(request);
    }

    private void requestLine(final long start, final long end, final HttpRequest request) throws HttpError
    {
        final long firstSpace = indexOf(' ', start, end);
        if (firstSpace < 0)
        {
            throw bad("request line has no spaces; expected METHOD SP target SP HTTP/1.1");
        }
        final long secondSpace = indexOf(' ', firstSpace + 1, end);
        if (secondSpace < 0)
        {
            throw bad("request line has no HTTP version; expected METHOD SP target SP HTTP/1.1");
        }
        if (firstSpace == start || !isToken(start, firstSpace))
        {
            throw bad("request method is not a token");
        }
        if (secondSpace == firstSpace + 1)
        {
            throw bad("request target is empty or separated by more than one space");
        }
        for (long i = firstSpace + 1; i < secondSpace; i++)
        {
            final int c = byteAt(i) & 0xFF;
            if (c <= 0x20 || c >= 0x7F)
            {
                throw bad("request target has a character that must be percent-encoded (0x" +
                    Integer.toHexString(c) + ")");
            }
        }
        final boolean http11 = version(secondSpace + 1, end);
        final String method = string(start, firstSpace);
        if (!METHODS.contains(method))
        {
            throw new HttpError(HttpStatus.NOT_IMPLEMENTED, "method " + method + " is not implemented", true);
        }
        final String target = string(firstSpace + 1, secondSpace);
        target(method, target, http11, request);
    }

    /** @return true for HTTP/1.1 (or a later 1.x, which RFC 9110 says to treat as 1.1), false for HTTP/1.0. */
    private boolean version(final long start, final long end) throws HttpError
    {
        if (end - start != 8 || byteAt(start) != 'H' || byteAt(start + 1) != 'T' || byteAt(start + 2) != 'T' ||
            byteAt(start + 3) != 'P' || byteAt(start + 4) != '/' || !isDigit(byteAt(start + 5)) ||
            byteAt(start + 6) != '.' || !isDigit(byteAt(start + 7)))
        {
            throw bad("malformed HTTP version; expected HTTP/1.1 or HTTP/1.0");
        }
        if (byteAt(start + 5) != '1')
        {
            throw new HttpError(HttpStatus.HTTP_VERSION_NOT_SUPPORTED,
                "HTTP/" + (char)byteAt(start + 5) + "." + (char)byteAt(start + 7) + " is not supported; use HTTP/1.1",
                true);
        }
        return byteAt(start + 7) != '0';
    }

    private static void target(final String method, final String target, final boolean http11,
        final HttpRequest request) throws HttpError
    {
        if (target.indexOf('#') >= 0)
        {
            throw bad("request target must not carry a fragment ('#')");
        }
        final String pathAndQuery;
        if (target.charAt(0) == '/')
        {
            pathAndQuery = target; // origin-form
        }
        else if (target.equals("*"))
        {
            if (!method.equals("OPTIONS"))
            {
                throw bad("the asterisk target is only for OPTIONS");
            }
            request.requestLine(method, target, "*", null, http11);
            return;
        }
        else
        {
            final String lower = target.toLowerCase(Locale.ROOT);
            final int schemeEnd = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
            if (schemeEnd < 0)
            {
                throw bad("request target must be a path starting with '/' or an absolute http URI");
            }
            int pathStart = schemeEnd;
            while (pathStart < target.length() && target.charAt(pathStart) != '/' && target.charAt(pathStart) != '?')
            {
                pathStart++;
            }
            if (pathStart == schemeEnd)
            {
                throw bad("absolute request target has no host");
            }
            pathAndQuery = pathStart == target.length() ? "/" :
                target.charAt(pathStart) == '?' ? "/" + target.substring(pathStart) : target.substring(pathStart);
        }
        final int question = pathAndQuery.indexOf('?');
        final String rawPath = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
        final String query = question < 0 ? null : pathAndQuery.substring(question + 1);
        request.requestLine(method, target, decodePath(rawPath), query, http11);
    }

    /**
     * Percent-decode a path (RFC 3986 section 2.1) and read the bytes as UTF-8. Strict: a bad escape, bytes that
     * are not UTF-8, or a NUL (which no file name can hold, and which C would read as the end) are a 400.
     */
    static String decodePath(final String raw) throws HttpError
    {
        if (raw.indexOf('%') < 0)
        {
            return raw;
        }
        final byte[] bytes = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++)
        {
            final char c = raw.charAt(i);
            if (c == '%')
            {
                final int high = i + 2 < raw.length() ? HttpRequest.hex(raw.charAt(i + 1)) : -1;
                final int low = high >= 0 ? HttpRequest.hex(raw.charAt(i + 2)) : -1;
                if (low < 0)
                {
                    throw bad("malformed percent-encoding in the path");
                }
                bytes[n++] = (byte)(high << 4 | low);
                i += 2;
            }
            else
            {
                bytes[n++] = (byte)c;
            }
        }
        final String path;
        try
        {
            path = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw bad("percent-encoded path is not UTF-8");
        }
        if (path.indexOf('\0') >= 0)
        {
            throw bad("path holds a NUL byte (%00)");
        }
        return path;
    }

    private void headerField(final long start, final long end, final HttpRequest request) throws HttpError
    {
        final byte first = byteAt(start);
        if (first == ' ' || first == '\t')
        {
            throw bad("obsolete line folding (a header line starting with whitespace) is not accepted");
        }
        final long colon = indexOf(':', start, end);
        if (colon < 0)
        {
            throw bad("header line has no colon");
        }
        if (colon == start || !isToken(start, colon))
        {
            throw bad("header field name is empty or not a token (whitespace before the colon?)");
        }
        long valueStart = colon + 1;
        long valueEnd = end;
        while (valueStart < valueEnd && isWhitespace(byteAt(valueStart)))
        {
            valueStart++;
        }
        while (valueEnd > valueStart && isWhitespace(byteAt(valueEnd - 1)))
        {
            valueEnd--;
        }
        for (long i = valueStart; i < valueEnd; i++)
        {
            final int c = byteAt(i) & 0xFF;
            if ((c < 0x20 && c != '\t') || c == 0x7F)
            {
                throw bad("header field value has a control character (0x" + Integer.toHexString(c) + ")");
            }
        }
        request.addHeader(string(start, colon), string(valueStart, valueEnd));
    }

    private static void framing(final HttpRequest request) throws HttpError
    {
        final int hosts = request.headers("Host").size();
        if (request.isHttp11() ? hosts != 1 : hosts > 1)
        {
            throw bad(hosts == 0 ? "HTTP/1.1 request without a Host header" : "more than one Host header");
        }
        final boolean chunked = request.header("Transfer-Encoding") != null;
        long length = -1;
        for (final String value : request.headers("Content-Length"))
        {
            for (final String part : value.split(",", -1))
            {
                final long parsed = contentLength(part.strip());
                if (length >= 0 && parsed != length)
                {
                    throw bad("conflicting Content-Length values");
                }
                length = parsed;
            }
        }
        if (chunked)
        {
            if (length >= 0)
            {
                throw bad("both Transfer-Encoding and Content-Length");
            }
            throw new HttpError(HttpStatus.NOT_IMPLEMENTED,
                "request bodies with Transfer-Encoding are not supported; send Content-Length", true);
        }
        final boolean keepAlive = request.isHttp11() ? !request.hasToken("Connection", "close") :
            request.hasToken("Connection", "keep-alive");
        final String expect = request.header("Expect");
        if (expect != null && !expect.equalsIgnoreCase("100-continue"))
        {
            throw new HttpError(HttpStatus.EXPECTATION_FAILED, "unknown expectation: " + expect, true);
        }
        request.framing(Math.max(0, length), keepAlive, expect != null && request.isHttp11());
    }

    private static long contentLength(final String text) throws HttpError
    {
        if (text.isEmpty() || text.length() > 18)
        {
            throw bad("Content-Length is empty or too long: '" + text + "'");
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                throw bad("Content-Length is not a number: '" + text + "'");
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private long lineFeed(final long from, final long end) throws HttpError
    {
        final long at = indexOf('\n', from, end);
        if (at < 0)
        {
            throw bad("header block ends inside a line"); // cannot happen after findHeaderEnd
        }
        return at;
    }

    /** @return the end of a line's content: before its CR if the line ends in CRLF. */
    private long contentEnd(final long start, final long lineFeed)
    {
        return lineFeed > start && byteAt(lineFeed - 1) == '\r' ? lineFeed - 1 : lineFeed;
    }

    private long indexOf(final char c, final long from, final long to)
    {
        for (long i = from; i < to; i++)
        {
            if (byteAt(i) == c)
            {
                return i;
            }
        }
        return -1;
    }

    private boolean isToken(final long from, final long to)
    {
        for (long i = from; i < to; i++)
        {
            final int c = byteAt(i);
            if (c < 0 || !TCHAR[c])
            {
                return false;
            }
        }
        return true;
    }

    private String string(final long from, final long to)
    {
        final int length = (int)(to - from);
        MemorySegment.copy(in, ValueLayout.JAVA_BYTE, from, scratch, 0, length);
        return new String(scratch, 0, length, StandardCharsets.ISO_8859_1);
    }

    private byte byteAt(final long offset)
    {
        return in.get(ValueLayout.JAVA_BYTE, offset);
    }

    private static boolean isDigit(final byte b)
    {
        return b >= '0' && b <= '9';
    }

    private static boolean isWhitespace(final byte b)
    {
        return b == ' ' || b == '\t';
    }

    private static HttpError bad(final String message)
    {
        return new HttpError(HttpStatus.BAD_REQUEST, message, true);
    }
}
