package io.offload.examples.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /hello}: the smallest dynamic response, a fixed text body. Measures the server's own per-request cost
 * (parse, route, one write) with no file involved.
 */
public final class HelloHandler implements HttpHandler
{
    /** The body. */
    public static final String GREETING = "Hello, offload\n";

    private static final byte[] BODY = GREETING.getBytes(StandardCharsets.UTF_8);

    @Override
    public void handle(final HttpRequest request, final HttpResponse response) throws IOException
    {
        final String method = request.method();
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("POST"))
        {
            response.header("Allow", "GET, HEAD, POST");
            response.sendError(HttpStatus.METHOD_NOT_ALLOWED, method + " is not allowed on /hello");
            return;
        }
        response.contentType("text/plain; charset=utf-8");
        response.send(BODY);
    }
}
