package io.offload.examples.http;

import io.offload.api.Connection;
import io.offload.api.Syscalls;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A parsed HTTP/1.x request: request line, header fields, body. One instance per connection, refilled for each
 * request, so a keep-alive connection allocates only the Strings of its requests; a handler must not keep it.
 */
public final class HttpRequest
{
    private static final byte[] EMPTY = new byte[0];

    private final ConnectionConfig config;
    private final Connection connection;
    private String method;
    private String target;
    private String path;
    private String query;
    private String pathInfo;
    private boolean http11;
    private boolean keepAlive;
    private boolean expectContinue;
    private long contentLength;
    private byte[] body = EMPTY;
    private String[] names = new String[16];
    private String[] values = new String[16];
    private int headerCount;

    HttpRequest(final ConnectionConfig config, final Connection connection)
    {
        this.config = config;
        this.connection = connection;
    }

    void reset()
    {
        method = null;
        target = null;
        path = null;
        query = null;
        pathInfo = null;
        http11 = false;
        keepAlive = false;
        expectContinue = false;
        contentLength = 0;
        body = EMPTY;
        for (int i = 0; i < headerCount; i++)
        {
            names[i] = null;
            values[i] = null;
        }
        headerCount = 0;
    }

    void requestLine(final String method, final String target, final String path, final String query,
        final boolean http11)
    {
        this.method = method;
        this.target = target;
        this.path = path;
        this.query = query;
        this.http11 = http11;
    }

    void addHeader(final String name, final String value)
    {
        if (headerCount == names.length)
        {
            names = Arrays.copyOf(names, headerCount * 2);
            values = Arrays.copyOf(values, headerCount * 2);
        }
        names[headerCount] = name;
        values[headerCount] = value;
        headerCount++;
    }

    void framing(final long contentLength, final boolean keepAlive, final boolean expectContinue)
    {
        this.contentLength = contentLength;
        this.keepAlive = keepAlive;
        this.expectContinue = expectContinue;
    }

    void body(final byte[] body)
    {
        this.body = body;
    }

    void pathInfo(final String pathInfo)
    {
        this.pathInfo = pathInfo;
    }

    /**
     * @return the method, e.g. {@code GET}.
     */
    public String method()
    {
        return method;
    }

    /**
     * @return true for HEAD: the response carries headers only.
     */
    public boolean isHead()
    {
        return "HEAD".equals(method);
    }

    /**
     * @return the request target as sent, e.g. {@code /dir?path=a%20b}.
     */
    public String target()
    {
        return target;
    }

    /**
     * @return the path, percent-decoded (UTF-8), e.g. {@code /dir}; still unnormalized, so it may hold {@code ..}.
     */
    public String path()
    {
        return path;
    }

    /**
     * @return the part of {@link #path()} after the prefix the handler was registered for ({@code ""} or starting
     * with '/'), e.g. {@code /a/b} for {@code /dir/a/b} under {@code /dir}.
     */
    public String pathInfo()
    {
        return pathInfo;
    }

    /**
     * @return the raw query string (after '?', not decoded), or null if the target has none.
     */
    public String query()
    {
        return query;
    }

    /**
     * @param name a query parameter's name.
     * @return its first value, decoded ({@code application/x-www-form-urlencoded}: '+' is a space), or null.
     */
    public String queryParameter(final String name)
    {
        if (query == null)
        {
            return null;
        }
        for (final String pair : query.split("&"))
        {
            final int eq = pair.indexOf('=');
            final String key = decodeForm(eq < 0 ? pair : pair.substring(0, eq));
            if (name.equals(key))
            {
                return eq < 0 ? "" : decodeForm(pair.substring(eq + 1));
            }
        }
        return null;
    }

    /**
     * @return true for HTTP/1.1, false for HTTP/1.0.
     */
    public boolean isHttp11()
    {
        return http11;
    }

    /**
     * @return whether the client asked to keep the connection open (HTTP/1.1 unless {@code Connection: close};
     * HTTP/1.0 only with {@code Connection: keep-alive}).
     */
    public boolean keepAlive()
    {
        return keepAlive;
    }

    boolean expectContinue()
    {
        return expectContinue;
    }

    /**
     * @return the length the body was announced with ({@code Content-Length}), 0 if none.
     */
    public long contentLength()
    {
        return contentLength;
    }

    /**
     * @return the body, read whole before the handler runs; empty if none. Not a copy: do not modify.
     */
    public byte[] body()
    {
        return body;
    }

    /**
     * @param name a field name, any case.
     * @return the first value of that field, or null.
     */
    public String header(final String name)
    {
        for (int i = 0; i < headerCount; i++)
        {
            if (names[i].equalsIgnoreCase(name))
            {
                return values[i];
            }
        }
        return null;
    }

    /**
     * @param name a field name, any case.
     * @return every value of that field, in order.
     */
    public List<String> headers(final String name)
    {
        final List<String> found = new ArrayList<>(2);
        for (int i = 0; i < headerCount; i++)
        {
            if (names[i].equalsIgnoreCase(name))
            {
                found.add(values[i]);
            }
        }
        return found;
    }

    /**
     * @return how many header fields the request had.
     */
    public int headerCount()
    {
        return headerCount;
    }

    /**
     * @param name a field name, any case.
     * @param token a token, e.g. {@code close}.
     * @return whether any value of the field lists the token (comma-separated, any case).
     */
    boolean hasToken(final String name, final String token)
    {
        for (int i = 0; i < headerCount; i++)
        {
            if (names[i].equalsIgnoreCase(name))
            {
                for (final String part : values[i].split(","))
                {
                    if (part.strip().equalsIgnoreCase(token))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * @return the client's address.
     */
    public InetSocketAddress remoteAddress()
    {
        return connection.remoteAddress(); // getpeername(2) once, then cached by the connection
    }

    /**
     * @return the server's file calls: offloaded to its runtime, or on this thread in INLINE mode. Handlers use
     * them so that their system calls take the same route as the server's own.
     */
    public Syscalls syscalls()
    {
        return config.syscalls();
    }

    /**
     * @return the document root (its real path), or null if the server has none.
     */
    public Path documentRoot()
    {
        return config.documentRoot();
    }

    @Override
    public String toString()
    {
        return method + " " + target + (http11 ? " HTTP/1.1" : " HTTP/1.0");
    }

    /**
     * Decode a form-encoded component: '+' is a space, %XX a byte, bytes are UTF-8. A malformed escape is kept as
     * it is: a query parameter is the handler's input, not a reason to refuse the request.
     */
    static String decodeForm(final String text)
    {
        if (text.indexOf('%') < 0 && text.indexOf('+') < 0)
        {
            return text;
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '+')
            {
                bytes.write(' ');
            }
            else if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 &&
                hex(text.charAt(i + 2)) >= 0)
            {
                bytes.write(hex(text.charAt(i + 1)) << 4 | hex(text.charAt(i + 2)));
                i += 2;
            }
            else
            {
                final byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static int hex(final char c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        final char lower = Character.toLowerCase(c);
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }
}
