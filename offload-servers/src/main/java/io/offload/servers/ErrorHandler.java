package io.offload.servers;

/**
 * Receives what goes wrong on the runtime's own threads: a server's handler that threw, a server thread that died,
 * a completion stage that threw on the completion thread. It runs on that thread: keep it short, and do not throw
 * (what it throws is logged and dropped).
 */
@FunctionalInterface
public interface ErrorHandler
{
    /**
     * @param error what went wrong.
     */
    void onError(Throwable error);
}
