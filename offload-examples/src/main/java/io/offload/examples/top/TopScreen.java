package io.offload.examples.top;

import io.offload.servers.jmx.OffloadMBeans;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One frame of offload-top: every offload runtime behind a JMX connection, its servers and its recorded phases per
 * syscall, as plain text. It reads each MBean's attributes with one {@code getAttributes} call (one round trip to a
 * remote JVM, and figures from one snapshot), and keeps each server's last picked-up count to show a rate. Runtimes
 * may come and go between frames: each frame looks them up again, and a runtime closed while it is read is reported,
 * not fatal.
 */
final class TopScreen
{
    /** What to type to turn recording on, shown while it is off. */
    static final String RECORDING_OFF = "phase recording off - enable with --record 1/64";

    private static final String[] RUNTIME_ATTRIBUTES = {
        "Id", "Servers", "EntriesInUse", "EntriesAllocated", "MaxEntries", "Rejected", "InlineCalls", "ErrorCount",
        "PhaseRecording", "Phases"};
    private static final String[] SERVER_ATTRIBUTES = {
        "Name", "SyscallClass", "RequestedCpu", "Pinned", "CurrentCpu", "PickedUp", "Completed", "Failed", "Waiting",
        "QueueDepth", "Running", "FailuresByErrno", "SnapshotNanoTime"};
    private static final String[] PHASES = {"ENTER", "FLYIN", "HANDLE", "FLYOUT", "EXIT"};

    private final MBeanServerConnection mbs;
    private final String record;
    private final Map<ObjectName, Rate> rates = new HashMap<>();
    private final Set<ObjectName> recordingSet = new HashSet<>();

    /** A server's picked-up count at a snapshot, and the rate shown last. */
    private record Rate(long pickedUp, long nanoTime, double perSecond)
    {
    }

    /**
     * @param mbs    where the runtimes are.
     * @param record the phase recording to switch every runtime to when first seen ("off", "all", "1/N"), or null.
     */
    TopScreen(final MBeanServerConnection mbs, final String record)
    {
        this.mbs = mbs;
        this.record = record;
    }

    /**
     * Switch recording on every runtime not switched yet, if asked to.
     *
     * @return the names of the runtimes switched now.
     * @throws IOException if the connection fails.
     */
    List<ObjectName> applyRecording() throws IOException
    {
        final List<ObjectName> switched = new ArrayList<>();
        if (record == null)
        {
            return switched;
        }
        for (final ObjectName name : runtimes())
        {
            if (recordingSet.add(name))
            {
                try
                {
                    mbs.setAttribute(name, new Attribute("PhaseRecording", record));
                    switched.add(name);
                }
                catch (final InstanceNotFoundException gone)
                {
                    recordingSet.remove(name);
                }
                catch (final JMException ex)
                {
                    throw new IllegalStateException("could not set phase recording " + record + " on " + name + ": " +
                        ex, ex);
                }
            }
        }
        return switched;
    }

    private List<ObjectName> runtimes() throws IOException
    {
        final List<ObjectName> names = new ArrayList<>(mbs.queryNames(OffloadMBeans.runtimePattern(), null));
        names.sort(Comparator.comparing((ObjectName n) -> idOrder(n.getKeyProperty("name")))
            .thenComparing(ObjectName::toString));
        return names;
    }

    private static long idOrder(final String id)
    {
        try
        {
            return Long.parseLong(id);
        }
        catch (final NumberFormatException ex)
        {
            return Long.MAX_VALUE;
        }
    }

    /**
     * @param header the first line (target and time).
     * @return the frame, lines ending in '\n'.
     * @throws IOException if the connection fails.
     */
    String render(final String header) throws IOException
    {
        applyRecording();
        final StringBuilder out = new StringBuilder(2048);
        out.append(header).append('\n');
        final List<ObjectName> names = runtimes();
        if (names.isEmpty())
        {
            out.append('\n').append("no offload runtime here (no MBean matches ").append(OffloadMBeans.runtimePattern())
                .append("): none started yet, or started with -D").append(OffloadMBeans.ENABLED_PROP)
                .append("=false\n");
        }
        final Set<ObjectName> seen = new HashSet<>();
        for (final ObjectName name : names)
        {
            out.append('\n');
            try
            {
                renderRuntime(out, name, seen);
            }
            catch (final InstanceNotFoundException gone)
            {
                out.append("runtime ").append(name.getKeyProperty("name")).append(": closed while being read\n");
            }
            catch (final JMException | RuntimeException ex)
            {
                if (ex instanceof RuntimeException && ex.getCause() instanceof IOException io)
                {
                    throw io;
                }
                out.append("runtime ").append(name.getKeyProperty("name")).append(": could not be read: ")
                    .append(ex).append('\n');
            }
        }
        rates.keySet().retainAll(seen);
        recordingSet.retainAll(names);
        return out.toString();
    }

    private void renderRuntime(final StringBuilder out, final ObjectName name, final Set<ObjectName> seen)
        throws IOException, JMException
    {
        final Map<String, Object> rt = read(name, RUNTIME_ATTRIBUTES);
        final String recording = String.valueOf(rt.get("PhaseRecording"));
        out.append(String.format(Locale.ROOT,
            "runtime %s: phase recording %s; entries %d in use, %d allocated of %d; rejected %d; inline %d; " +
            "errors %d%n", rt.get("Id"), recording, asLong(rt.get("EntriesInUse")), asLong(rt.get("EntriesAllocated")),
            asLong(rt.get("MaxEntries")), asLong(rt.get("Rejected")), asLong(rt.get("InlineCalls")),
            asLong(rt.get("ErrorCount"))));
        out.append(String.format(Locale.ROOT, "%-18s %-8s %5s %4s %10s %12s %8s %7s %5s  %s%n",
            "server", "class", "cpu", "now", "picked/s", "completed", "failed", "waiting", "depth", "failures"));
        final ObjectName[] servers = rt.get("Servers") instanceof ObjectName[] array ? array : new ObjectName[0];
        for (final ObjectName serverName : servers)
        {
            final Map<String, Object> s;
            try
            {
                s = read(serverName, SERVER_ATTRIBUTES);
            }
            catch (final InstanceNotFoundException gone)
            {
                out.append(String.format(Locale.ROOT, "%-18s (gone)%n", serverName.getKeyProperty("name")));
                continue;
            }
            seen.add(serverName);
            final long picked = asLong(s.get("PickedUp"));
            final long at = asLong(s.get("SnapshotNanoTime"));
            final Rate last = rates.get(serverName);
            final Rate now;
            if (last == null)
            {
                now = new Rate(picked, at, Double.NaN);
            }
            else if (at - last.nanoTime() > 0)
            {
                now = new Rate(picked, at, (picked - last.pickedUp()) * 1e9 / (at - last.nanoTime()));
            }
            else
            {
                now = last; // the same snapshot as last frame (frames closer than the MBeans' cache age)
            }
            rates.put(serverName, now);
            final int requested = (int)asLong(s.get("RequestedCpu"));
            final String cpu = requested < 0 ? "any" : (Boolean.TRUE.equals(s.get("Pinned")) ? "" : "!") + requested;
            final String serverLabel = String.valueOf(s.get("Name")) +
                (Boolean.FALSE.equals(s.get("Running")) ? " (stopped)" : "");
            out.append(String.format(Locale.ROOT, "%-18s %-8s %5s %4d %10s %12d %8d %7d %5d  %s%n",
                serverLabel, s.get("SyscallClass"), cpu, asLong(s.get("CurrentCpu")),
                Double.isNaN(now.perSecond()) ? "-" : String.format(Locale.ROOT, "%.0f", now.perSecond()),
                asLong(s.get("Completed")), asLong(s.get("Failed")), asLong(s.get("Waiting")),
                asLong(s.get("QueueDepth")), failures(s.get("FailuresByErrno"))));
        }
        renderPhases(out, rt.get("Phases"), recording);
    }

    private static void renderPhases(final StringBuilder out, final Object phases, final String recording)
    {
        final Map<String, Map<String, CompositeData>> bySyscall = new LinkedHashMap<>();
        if (phases instanceof CompositeData[] rows)
        {
            for (final CompositeData row : rows)
            {
                bySyscall.computeIfAbsent(String.valueOf(row.get("syscall")), k -> new HashMap<>())
                    .put(String.valueOf(row.get("phase")), row);
            }
        }
        out.append('\n');
        if (bySyscall.isEmpty())
        {
            out.append("off".equals(recording) ? RECORDING_OFF : "no calls recorded yet (recording " + recording + ")")
                .append('\n');
            return;
        }
        if ("off".equals(recording))
        {
            out.append("phase recording off: the figures below were recorded before it was switched off\n");
        }
        out.append(String.format(Locale.ROOT, "%-14s %10s", "syscall", "calls"));
        for (final String phase : PHASES)
        {
            out.append(String.format(Locale.ROOT, " %9s", phase));
        }
        out.append(String.format(Locale.ROOT, " %9s %9s %9s%n", "TOTAL", "TOTAL p99", "direct"));
        for (final Map.Entry<String, Map<String, CompositeData>> e : bySyscall.entrySet())
        {
            final Map<String, CompositeData> byPhase = e.getValue();
            final CompositeData total = byPhase.get("TOTAL");
            final CompositeData direct = byPhase.get("DIRECT");
            final long calls = (total != null ? asLong(total.get("count")) : 0) +
                (direct != null ? asLong(direct.get("count")) : 0);
            out.append(String.format(Locale.ROOT, "%-14s %10d", e.getKey(), calls));
            for (final String phase : PHASES)
            {
                out.append(String.format(Locale.ROOT, " %9s", p50(byPhase.get(phase))));
            }
            out.append(String.format(Locale.ROOT, " %9s %9s %9s%n", p50(total),
                total == null ? "-" : nanos(asLong(total.get("p99Nanos"))), p50(direct)));
        }
        out.append("(p50 per phase unless marked; ns, or us/ms where marked; calls = offloaded + direct (inline))\n");
    }

    private static String p50(final CompositeData row)
    {
        return row == null || asLong(row.get("count")) == 0 ? "-" : nanos(asLong(row.get("p50Nanos")));
    }

    /**
     * @param nanos a duration.
     * @return it in at most 8 characters: ns below 10 us, then us to one decimal, then ms to two.
     */
    static String nanos(final long nanos)
    {
        if (nanos < 10_000)
        {
            return Long.toString(nanos);
        }
        if (nanos < 1_000_000)
        {
            return String.format(Locale.ROOT, "%.1fus", nanos / 1e3);
        }
        return String.format(Locale.ROOT, "%.2fms", nanos / 1e6);
    }

    private static String failures(final Object value)
    {
        if (!(value instanceof TabularData table) || table.isEmpty())
        {
            return "";
        }
        final List<String> parts = new ArrayList<>();
        for (final Object row : table.values())
        {
            final CompositeData cd = (CompositeData)row;
            parts.add(cd.get("key") + "=" + cd.get("value"));
        }
        parts.sort(null);
        return String.join(" ", parts);
    }

    private Map<String, Object> read(final ObjectName name, final String[] attributes)
        throws IOException, JMException
    {
        final AttributeList list = mbs.getAttributes(name, attributes);
        final Map<String, Object> out = new HashMap<>();
        for (final Attribute a : list.asList())
        {
            out.put(a.getName(), a.getValue());
        }
        return out;
    }

    private static long asLong(final Object value)
    {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
