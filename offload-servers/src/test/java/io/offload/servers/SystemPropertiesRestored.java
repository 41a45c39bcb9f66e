package io.offload.servers;

import java.util.HashMap;
import java.util.Map;

/**
 * System properties a test sets, put back as they were after it: the settings tests set {@code offload.*} properties
 * because the runtime reads them when it is built.
 */
final class SystemPropertiesRestored
{
    private final Map<String, String> saved = new HashMap<>();

    /**
     * @param name  the property.
     * @param value its value for this test.
     */
    void set(final String name, final String value)
    {
        saved.putIfAbsent(name, System.getProperty(name));
        System.setProperty(name, value);
    }

    /**
     * Put one property back as it was before this test set it.
     *
     * @param name the property.
     */
    void restore(final String name)
    {
        if (!saved.containsKey(name))
        {
            return;
        }
        put(name, saved.remove(name));
    }

    private static void put(final String name, final String value)
    {
        if (value == null)
        {
            System.clearProperty(name);
        }
        else
        {
            System.setProperty(name, value);
        }
    }

    /**
     * Put every property set since the last restore back as it was (cleared where it was not set).
     */
    void restore()
    {
        saved.forEach(SystemPropertiesRestored::put);
        saved.clear();
    }
}
