package io.offload.servers;

/**
 * How a server thread waits when a duty cycle found no work, for {@link OffloadContext#idleStrategy(
 * java.util.function.Supplier)}. The runtime's own strategies are chosen by name instead
 * ({@link OffloadContext#idleStrategy(String)}): {@code reactor} (the default: spin, yield, then sleep in the server's
 * epoll_wait until a caller wakes it), {@code busy}, {@code yield}, {@code backoff}, {@code sleep}, {@code noop}. A
 * strategy that never sleeps in the reactor still serves waiting calls: the server polls epoll in its duty cycle.
 */
@FunctionalInterface
public interface IdleStrategy
{
    /**
     * Called after every duty cycle.
     *
     * @param workCount work the cycle did; 0 means idle.
     */
    void idle(int workCount);

    /**
     * Forget the idle streak (called when work arrives, if the strategy keeps one).
     */
    default void reset()
    {
    }
}
