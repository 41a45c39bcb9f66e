package io.offload.servers;

import org.agrona.concurrent.AgentRunner;

import java.lang.reflect.Field;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stops servers behind a runtime's back, as if their threads had died, for the tests of what callers see then.
 */
public final class ServerKiller
{
    private ServerKiller()
    {
    }

    /**
     * Close the agent runners of the servers whose role name starts with {@code rolePrefix} (e.g. "offload-file");
     * each server's onClose runs on its own thread as it would after a fatal error.
     *
     * @param runtime    the runtime.
     * @param rolePrefix which servers.
     * @throws Exception if the runners cannot be reached.
     */
    public static void stop(final OffloadRuntime runtime, final String rolePrefix) throws Exception
    {
        final Field field = OffloadRuntime.class.getDeclaredField("servers");
        field.setAccessible(true);
        int stopped = 0;
        for (final AgentRunner runner : ((ServerSet)field.get(runtime)).runners())
        {
            if (runner.agent().roleName().startsWith(rolePrefix))
            {
                runner.close();
                assertTrue(runner.isClosed());
                stopped++;
            }
        }
        assertTrue(stopped > 0, "no server named " + rolePrefix + "*");
    }
}
