package io.offload.servers.call;

import java.time.Duration;

/**
 * Checks a caller's timeout once, where it is given.
 */
public final class Timeouts
{
    private Timeouts()
    {
    }

    /**
     * @param timeout a positive duration.
     * @return it in nanoseconds, saturated at Long.MAX_VALUE.
     */
    public static long toNanos(final Duration timeout)
    {
        if (timeout == null || timeout.isNegative() || timeout.isZero())
        {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        try
        {
            return timeout.toNanos();
        }
        catch (final ArithmeticException ex)
        {
            return Long.MAX_VALUE;
        }
    }
}
