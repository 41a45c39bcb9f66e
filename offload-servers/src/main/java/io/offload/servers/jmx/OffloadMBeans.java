package io.offload.servers.jmx;

import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The MBeans of one running runtime: {@code io.offload:type=Runtime,name=<id>} and one
 * {@code io.offload:type=Server,runtime=<id>,name=<thread name>} per server, on the platform MBeanServer, so that
 * jconsole, a metrics exporter or {@code offload-top} can watch a runtime in a JVM they attach to. The runtime
 * registers them when it has started and unregisters them when it closes.
 * <p>
 * The id is a counter per JVM ({@code "0"}, {@code "1"}...): server thread names repeat across runtimes, so the
 * id keeps two runtimes' names apart. Where a copy of offload loaded by another class loader already took an id,
 * the next free one is used. Monitoring must never stop a runtime from starting: a registration that fails is
 * logged and undone, and the runtime runs without MBeans. {@code -Doffload.jmx=false} makes the runtime register
 * none. The MBeans reach the runtime only through a {@link RuntimeControl}.
 */
public final class OffloadMBeans
{
    /** The JMX domain of every offload MBean. */
    public static final String DOMAIN = "io.offload";
    /** System property: {@code false} to register no MBeans. */
    public static final String ENABLED_PROP = "offload.jmx";
    /** How old the snapshot behind the attributes may be, in milliseconds (see {@link StatsCache}). */
    public static final long MAX_AGE_MS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(OffloadMBeans.class);
    private static final AtomicInteger NEXT_ID = new AtomicInteger();
    private static final int ID_TRIES = 1_000;

    private final MBeanServer server;
    private final String id;
    private final ObjectName runtimeName;
    private final List<ObjectName> names;

    private OffloadMBeans(final MBeanServer server, final String id, final ObjectName runtimeName,
        final List<ObjectName> names)
    {
        this.server = server;
        this.id = id;
        this.runtimeName = runtimeName;
        this.names = List.copyOf(names);
    }

    /**
     * Register a runtime's MBeans on the platform MBeanServer.
     *
     * @param runtime a started runtime.
     * @return its MBeans, or null if registration failed (logged).
     */
    public static OffloadMBeans register(final RuntimeControl runtime)
    {
        try
        {
            return register(runtime, ManagementFactory.getPlatformMBeanServer(),
                TimeUnit.MILLISECONDS.toNanos(MAX_AGE_MS));
        }
        catch (final JMException | RuntimeException ex)
        {
            LOG.warn("offload runtime runs without JMX MBeans: registering them failed", ex);
            return null;
        }
    }

    /**
     * Register a runtime's MBeans on an MBeanServer; on failure, unregister those already registered.
     *
     * @param runtime     a started runtime.
     * @param server      where.
     * @param maxAgeNanos how old the snapshot behind the attributes may be.
     * @return its MBeans.
     * @throws JMException if one could not be registered, or no free id was found.
     */
    static OffloadMBeans register(final RuntimeControl runtime, final MBeanServer server, final long maxAgeNanos)
        throws JMException
    {
        final StatsCache cache = new StatsCache(runtime::stats, maxAgeNanos);
        final RuntimeStats first = runtime.stats();
        final List<ObjectName> names = new ArrayList<>();
        for (int tries = 0; tries < ID_TRIES; tries++)
        {
            final String id = Integer.toString(NEXT_ID.getAndIncrement());
            final ObjectName runtimeName = runtimeName(id);
            final ObjectName[] serverNames = new ObjectName[first.servers().size()];
            for (int i = 0; i < serverNames.length; i++)
            {
                serverNames[i] = serverName(id, first.servers().get(i).name());
            }
            try
            {
                server.registerMBean(new RuntimeBean(runtime, id, cache, serverNames), runtimeName);
            }
            catch (final InstanceAlreadyExistsException taken)
            {
                continue; // another copy of offload in this JVM (another class loader) has this id
            }
            names.add(runtimeName);
            try
            {
                for (int i = 0; i < serverNames.length; i++)
                {
                    final ServerStats s = first.servers().get(i);
                    server.registerMBean(new ServerBean(cache, i, s.name(), runtimeName), serverNames[i]);
                    names.add(serverNames[i]);
                }
            }
            catch (final JMException | RuntimeException ex)
            {
                final OffloadMBeans partial = new OffloadMBeans(server, id, runtimeName, names);
                try
                {
                    partial.close();
                }
                catch (final RuntimeException undo)
                {
                    ex.addSuppressed(undo);
                }
                throw ex;
            }
            return new OffloadMBeans(server, id, runtimeName, names);
        }
        throw new InstanceAlreadyExistsException("no free runtime id in " + DOMAIN + " after " + ID_TRIES +
            " tries: " + ID_TRIES + " runtimes registered in this JVM and not closed?");
    }

    /**
     * Unregister a runtime's MBeans, if it has any. For the runtime's close().
     *
     * @param beans what {@link #register(RuntimeControl)} returned, or null.
     * @throws IllegalStateException if one could not be unregistered (the others still are).
     */
    public static void unregister(final OffloadMBeans beans)
    {
        if (beans != null)
        {
            beans.close();
        }
    }

    /**
     * Unregister every MBean of the runtime. One already gone (unregistered by someone else) is skipped.
     *
     * @throws IllegalStateException if one could not be unregistered; the others still are.
     */
    public void close()
    {
        IllegalStateException failure = null;
        for (final ObjectName name : names)
        {
            try
            {
                server.unregisterMBean(name);
            }
            catch (final InstanceNotFoundException gone)
            {
                // someone unregistered it already: what close() wants
            }
            catch (final JMException | RuntimeException ex)
            {
                if (failure == null)
                {
                    failure = new IllegalStateException("could not unregister offload MBean " + name, ex);
                }
                else
                {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null)
        {
            throw failure;
        }
    }

    /**
     * @return the runtime's id in this JVM.
     */
    public String id()
    {
        return id;
    }

    /**
     * @return the runtime MBean's name.
     */
    public ObjectName runtimeName()
    {
        return runtimeName;
    }

    /**
     * @return every registered name, the runtime's first.
     */
    public List<ObjectName> names()
    {
        return names;
    }

    /**
     * @param id a runtime id.
     * @return the name of its runtime MBean.
     */
    public static ObjectName runtimeName(final String id)
    {
        return name(DOMAIN + ":type=Runtime,name=" + value(id));
    }

    /**
     * @param id     a runtime id.
     * @param server a server thread's name.
     * @return the name of that server's MBean.
     */
    public static ObjectName serverName(final String id, final String server)
    {
        return name(DOMAIN + ":type=Server,runtime=" + value(id) + ",name=" + value(server));
    }

    /**
     * @return a pattern matching every runtime MBean.
     */
    public static ObjectName runtimePattern()
    {
        return name(DOMAIN + ":type=Runtime,*");
    }

    /**
     * @param id a runtime id.
     * @return a pattern matching every server MBean of that runtime.
     */
    public static ObjectName serverPattern(final String id)
    {
        return name(DOMAIN + ":type=Server,runtime=" + value(id) + ",*");
    }

    /**
     * @return a pattern matching every offload MBean.
     */
    public static ObjectName everyPattern()
    {
        return name(DOMAIN + ":*");
    }

    private static String value(final String raw)
    {
        for (int i = 0; i < raw.length(); i++)
        {
            final char c = raw.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.'))
            {
                return ObjectName.quote(raw);
            }
        }
        return raw.isEmpty() ? ObjectName.quote(raw) : raw;
    }

    private static ObjectName name(final String text)
    {
        try
        {
            return new ObjectName(text);
        }
        catch (final MalformedObjectNameException ex)
        {
            throw new IllegalArgumentException("not a JMX object name: " + text, ex);
        }
    }
}
