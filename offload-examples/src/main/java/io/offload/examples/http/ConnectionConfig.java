package io.offload.examples.http;

import io.offload.api.Syscalls;

import java.nio.file.Path;

/**
 * What every connection of one server needs to know, fixed when the server starts and shared by all its connection
 * threads: where its calls go, how requests are routed, its limits, and how long one read may wait before the
 * connection looks at the server's state again.
 *
 * @param syscalls         the file calls handlers make: offloaded to the runtime, or on the connection's thread.
 * @param routes           which handler serves a path.
 * @param documentRoot     the document root's real path, or null.
 * @param readTimeoutNanos how long a whole header block (or one read of a body) may take.
 * @param maxHeaderBytes   the limit on a header block, and the size of each connection's read buffer.
 * @param maxBodyBytes     the limit on a request body.
 * @param readSliceNanos   the longest one read waits before the connection looks at the server's state again:
 *                         {@link Long#MAX_VALUE} where a read is woken by closing its socket (offloaded), a short
 *                         slice where nothing can wake it (inline, in poll(2)).
 */
record ConnectionConfig(Syscalls syscalls, Routes routes, Path documentRoot, long readTimeoutNanos,
    int maxHeaderBytes, long maxBodyBytes, long readSliceNanos)
{
}
