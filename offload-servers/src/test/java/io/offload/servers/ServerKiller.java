package io.offload.servers;

import org.agrona.concurrent.AgentRunner;

import java.lang.reflect.Field;
import java.util.List;

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
    @SuppressWarnings("unchecked")
    public static void stop(final OffloadRuntime runtime, final String rolePrefix) throws Exception
    {
        final Field field = OffloadRuntime.class.getDeclaredField("runners");
        field.setAccessible(true);
        int stopped = 0;
        for (final AgentRunner runner : (List<AgentRunner>)field.get(runtime))
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
