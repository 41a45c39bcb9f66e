package io.offload.nio;

import io.offload.api.CallStats;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Started with the default-provider property: Jetty 12's ResourceHandler, unmodified, serves a document root (its
 * PathResource resolves request paths with {@code Paths.get(URI)}, so only the default provider keeps them on the
 * offload provider), checked with java.net.http.HttpClient; then the default runtime's FILE-server calls.
 */
public final class JettyMain
{
    private JettyMain()
    {
    }

    /**
     * @param args the document root to create and serve.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path root = Path.of(args[0]);
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("a.txt"), "alpha through the offload provider\n");
        Files.writeString(root.resolve("sub").resolve("b.txt"), "beta\n");
        final byte[] big = new byte[300_000];
        new Random(1).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);

        final Server server = new Server();
        final ServerConnector connector = new ServerConnector(server);
        connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        connector.setPort(0);
        server.addConnector(connector);
        final ResourceHandler files = new ResourceHandler();
        final Resource base = ResourceFactory.of(files).newResource(root);
        files.setBaseResource(base);
        files.setDirAllowed(true);
        server.setHandler(files);
        server.start();
        System.out.println("BASE " + base.getPath().getFileSystem().provider().getClass().getName());
        try
        {
            final HttpClient client = HttpClient.newHttpClient();
            for (final String path : List.of("/a.txt", "/sub/b.txt", "/big.bin", "/missing.txt", "/sub/"))
            {
                final HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://" + connector.getHost() + ":" + connector.getLocalPort() + path)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
                final byte[] body = response.body();
                final String text = new String(body, 0, Math.min(body.length, 4000),
                    java.nio.charset.StandardCharsets.UTF_8).replace('\n', ' ');
                System.out.println("GET " + path + " " + response.statusCode() + " " + body.length + " " +
                    (path.equals("/big.bin") ? java.util.Arrays.equals(body, big) : text));
            }
        }
        finally
        {
            server.stop();
        }
        final StringBuilder calls = new StringBuilder();
        for (final CallStats call : OffloadFileSystemProvider.defaultRuntime().stats().calls())
        {
            if (!call.phases().isEmpty() && call.phases().getFirst().count() > 0)
            {
                calls.append(call.syscall()).append(' ');
            }
        }
        System.out.println("SYSCALLS " + calls.toString().strip());
    }
}
