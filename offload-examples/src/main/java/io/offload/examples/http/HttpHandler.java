package io.offload.examples.http;

import java.io.IOException;

/**
 * Answers the requests whose path falls under the prefix it was registered for
 * ({@link HttpServerBuilder#handle(String, HttpHandler)}). It runs on the connection's thread (a virtual thread by
 * default), so it may block: sleep, call the library's blocking {@code Syscalls}, read files.
 * <p>
 * The request and response objects belong to the connection and are reused for its next request: keep nothing of
 * them after {@code handle} returns. A handler that returns without sending anything gets an empty response with
 * the status it set (200 by default). An exception before anything was sent becomes a 500; after, the connection
 * is closed, since the client has already seen part of a response.
 */
@FunctionalInterface
public interface HttpHandler
{
    /**
     * @param request  the parsed request, its body read.
     * @param response where to answer.
     * @throws IOException if a system call fails (the library's SyscallException is one).
     */
    void handle(HttpRequest request, HttpResponse response) throws IOException;
}
