package io.offload.bench.http;

import io.offload.examples.http.HelloHandler;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Jetty 12 embedded, set up to serve what the offload HTTP demo serves: the same document root through Jetty's core
 * {@link ResourceHandler} (its defaults: no directory listing here, welcome file index.html, contents cached in
 * memory and revalidated every second) and {@code /hello} with the demo's body and content type. One
 * {@link ServerConnector} on the loopback address (where the demo listens too), Jetty's default thread pool
 * (a QueuedThreadPool of platform threads) and default HTTP configuration.
 */
final class JettyServer implements AutoCloseable
{
    private static final byte[] HELLO = HelloHandler.GREETING.getBytes(StandardCharsets.UTF_8);
    private static final String HELLO_TYPE = "text/plain; charset=utf-8";

    private final Server server;
    private final ServerConnector connector;

    /**
     * @param port port, 0 for a free one.
     * @param root document root.
     */
    JettyServer(final int port, final Path root)
    {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        connector.setPort(port);
        server.addConnector(connector);
        final ResourceHandler files = new ResourceHandler();
        files.setBaseResource(ResourceFactory.of(files).newResource(root));
        files.setDirAllowed(false);
        files.setWelcomeFiles(List.of("index.html"));
        server.setHandler(new Handler.Sequence(new Hello(), files));
    }

    /**
     * @return this, listening.
     * @throws Exception if Jetty cannot start.
     */
    JettyServer start() throws Exception
    {
        server.start();
        return this;
    }

    /** @return the port it listens on. */
    int port()
    {
        return connector.getLocalPort();
    }

    /**
     * Stop: Jetty closes the connector, then the connections.
     *
     * @throws Exception if Jetty fails to stop.
     */
    @Override
    public void close() throws Exception
    {
        server.stop();
    }

    /** {@code /hello}: {@link HelloHandler}'s body and content type; every other path goes to the next handler. */
    private static final class Hello extends Handler.Abstract.NonBlocking
    {
        @Override
        public boolean handle(final Request request, final Response response, final Callback callback)
        {
            if (!"/hello".equals(Request.getPathInContext(request)))
            {
                return false;
            }
            final String method = request.getMethod();
            if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("POST"))
            {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, POST");
                Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
                return true;
            }
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, HELLO_TYPE);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, HELLO.length);
            response.write(true, method.equals("HEAD") ? null : ByteBuffer.wrap(HELLO), callback);
            return true;
        }
    }
}
