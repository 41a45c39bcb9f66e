package io.offload.servers.agent;

import org.agrona.concurrent.AgentRunner;

import java.util.ArrayList;
import java.util.List;

/**
 * Stops a closing runtime's server threads within a deadline. Agrona's {@link AgentRunner#close()} waits for ever
 * for a thread that does not stop (a server inside a system call that never returns: an openat of a FIFO with no
 * writer, a read of a tty in raw mode, a hung network file system); here each wait ends at the deadline, and a
 * server still running then is reported as stuck. Nothing it holds may be freed: its system call may still write
 * into the memory its call named.
 */
public final class ServerShutdown
{
    /** How long each join waits before the server is woken again and the deadline looked at. */
    private static final int JOIN_SLICE_MS = 10;
    /** The least time each server gets to stop, even past the deadline: a server leaves its sleep within it. */
    private static final long GRACE_NANOS = 1_000_000_000L;

    private ServerShutdown()
    {
    }

    /**
     * Thrown out of {@link AgentRunner#close(int, java.util.function.Consumer)}'s retry loop to end it.
     */
    private static final class GaveUp extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        GaveUp()
        {
            super(null, null, false, false);
        }
    }

    /**
     * Stop every runner of a {@link SyscallServer} (others are closed as Agrona closes them), each within
     * {@code deadlineNanos} or at least a second.
     *
     * @param runners       the servers' runners.
     * @param deadlineNanos {@link System#nanoTime()} to give up at.
     * @param failures      receives what a close threw other than the deadline passing.
     * @return the role names of the servers whose thread had not stopped when their time ran out.
     */
    public static List<String> stop(
        final List<AgentRunner> runners, final long deadlineNanos, final List<RuntimeException> failures)
    {
        for (final AgentRunner runner : runners)
        {
            if (runner.agent() instanceof SyscallServer server)
            {
                server.expectStop();
            }
        }
        final List<String> stuck = new ArrayList<>();
        for (final AgentRunner runner : runners)
        {
            final long giveUpAt = Math.max(deadlineNanos - System.nanoTime(), GRACE_NANOS) + System.nanoTime();
            try
            {
                if (runner.agent() instanceof SyscallServer server)
                {
                    runner.close(JOIN_SLICE_MS, thread ->
                    {
                        server.wake(); // out of its sleep, to see that it must stop
                        if (System.nanoTime() - giveUpAt > 0)
                        {
                            throw new GaveUp();
                        }
                    });
                }
                else
                {
                    runner.close();
                }
            }
            catch (final GaveUp ex)
            {
                stuck.add(runner.agent().roleName());
            }
            catch (final RuntimeException ex)
            {
                failures.add(ex);
            }
        }
        return stuck;
    }

    /**
     * @param stuck   the servers that did not stop.
     * @param entries the runtime's entries, after the sweep.
     * @return what to tell the error handler: which servers, which calls were abandoned, and what is leaked.
     */
    public static String describeAbandoned(final List<String> stuck, final EntryTable entries)
    {
        final List<String> calls = entries.describeRunning();
        return "offload runtime closed with server(s) " + stuck + " still inside a system call after the shutdown " +
            "timeout; abandoned call(s) " + (calls.isEmpty() ? "(none left running)" : calls) + ": each completes " +
            "when its system call returns, never before, since the kernel may still write into its memory. The " +
            "entry pool and the rings are leaked on purpose, not freed, for the same reason.";
    }
}
