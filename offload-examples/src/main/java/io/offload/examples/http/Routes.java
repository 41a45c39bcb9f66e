package io.offload.examples.http;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which handler serves a path: handlers by path prefix, the longest matching prefix first, and a fallback for
 * every path no prefix takes (static files from the document root, or 404). Immutable once built, so every
 * connection thread reads it without a lock.
 */
final class Routes
{
    private final String[] prefixes;
    private final HttpHandler[] handlers;
    private final HttpHandler fallback;

    /**
     * @param registered   handlers by normalized prefix, as the builder collected them.
     * @param builtIns     whether {@code /hello} and {@code /dir} are served (a registered prefix overrides them).
     * @param documentRoot the document root's real path, or null.
     * @param fileCache    the cache static files are served from, or null for none.
     */
    Routes(final Map<String, HttpHandler> registered, final boolean builtIns, final Path documentRoot,
        final FileCache fileCache)
    {
        final Map<String, HttpHandler> routes = new LinkedHashMap<>();
        if (builtIns)
        {
            routes.put("/hello", new HelloHandler());
            if (documentRoot != null)
            {
                routes.put("/dir", new DirectoryListingHandler(new DocumentRoot(documentRoot)));
            }
        }
        routes.putAll(registered);
        final List<Map.Entry<String, HttpHandler>> sorted = new ArrayList<>(routes.entrySet());
        sorted.sort(Comparator.comparingInt((Map.Entry<String, HttpHandler> e) -> e.getKey().length()).reversed());
        this.prefixes = new String[sorted.size()];
        this.handlers = new HttpHandler[sorted.size()];
        for (int i = 0; i < sorted.size(); i++)
        {
            prefixes[i] = sorted.get(i).getKey();
            handlers[i] = sorted.get(i).getValue();
        }
        this.fallback = documentRoot != null ? new StaticFileHandler(new DocumentRoot(documentRoot), fileCache) :
            (request, response) -> response.sendError(HttpStatus.NOT_FOUND, "no handler for " + request.path());
    }

    /**
     * Find the handler of a request and set its path info (the path after the prefix).
     *
     * @param request the parsed request.
     * @return its handler.
     */
    HttpHandler route(final HttpRequest request)
    {
        final String path = request.path();
        for (int i = 0; i < prefixes.length; i++)
        {
            final String prefix = prefixes[i];
            if (prefix.equals("/"))
            {
                request.pathInfo(path);
                return handlers[i];
            }
            if (path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/'))
            {
                request.pathInfo(path.substring(prefix.length()));
                return handlers[i];
            }
        }
        request.pathInfo(path);
        return fallback;
    }
}
