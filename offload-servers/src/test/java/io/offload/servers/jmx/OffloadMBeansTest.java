package io.offload.servers.jmx;

import io.offload.api.Errno;
import io.offload.api.PhaseRecording;
import io.offload.api.SyscallClass;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Test;

import javax.management.Attribute;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MBeans a runtime registers: there while it runs, reading the snapshot's figures, switching recording, gone
 * once it closes, and kept apart per runtime. Runtimes here are unpinned: the machine may have two cores.
 */
class OffloadMBeansTest
{
    private static final MBeanServer MBS = ManagementFactory.getPlatformMBeanServer();

    private static OffloadRuntime newRuntime(final int fileServers)
    {
        return OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, fileServers)
            .route(SyscallClass.PROCESS, SyscallClass.FILE).build();
    }

    private static Set<ObjectName> runtimeNames()
    {
        return MBS.queryNames(OffloadMBeans.runtimePattern(), null);
    }

    /** Build a runtime and find its runtime MBean: the one name that was not there before. */
    private static ObjectName nameOfNew(final Set<ObjectName> before)
    {
        final Set<ObjectName> added = new HashSet<>(runtimeNames());
        added.removeAll(before);
        assertEquals(1, added.size(), "one new runtime MBean, got " + added);
        return added.iterator().next();
    }

    @Test
    void beansArePresentWhileRunningAndGoneAfterClose() throws Exception
    {
        final Set<ObjectName> before = runtimeNames();
        final ObjectName runtimeName;
        final String id;
        try (OffloadRuntime runtime = newRuntime(2))
        {
            runtimeName = nameOfNew(before);
            id = runtimeName.getKeyProperty("name");
            assertEquals(OffloadMBeans.runtimeName(id), runtimeName);
            final Set<ObjectName> servers = MBS.queryNames(OffloadMBeans.serverPattern(id), null);
            assertEquals(Set.of(OffloadMBeans.serverName(id, "offload-file-0"),
                OffloadMBeans.serverName(id, "offload-file-1")), servers);
            assertTrue(servers.contains(new ObjectName("io.offload:type=Server,runtime=" + id +
                ",name=offload-file-0")), "the documented name form");
            final OffloadRuntimeMXBean bean = JMX.newMXBeanProxy(MBS, runtimeName, OffloadRuntimeMXBean.class);
            assertEquals(id, bean.getId());
            assertEquals(servers, Set.of(bean.getServers()));
            assertTrue(JMX.isMXBeanInterface(OffloadServerMXBean.class));
            assertFalse(runtime.isClosed());
        }
        assertFalse(MBS.isRegistered(runtimeName), "runtime MBean unregistered by close()");
        assertEquals(Set.of(), MBS.queryNames(OffloadMBeans.serverPattern(id), null), "server MBeans unregistered");
    }

    @Test
    void attributesReadTheSnapshot() throws Exception
    {
        final Set<ObjectName> before = runtimeNames();
        try (OffloadRuntime runtime = newRuntime(1); Arena arena = Arena.ofConfined())
        {
            final ObjectName runtimeName = nameOfNew(before);
            final String id = runtimeName.getKeyProperty("name");
            final ObjectName serverName = OffloadMBeans.serverName(id, "offload-file-0");
            final OffloadRuntimeMXBean rt = JMX.newMXBeanProxy(MBS, runtimeName, OffloadRuntimeMXBean.class);
            rt.setPhaseRecording("all");
            assertEquals(PhaseRecording.ALL, runtime.phaseRecording());

            for (int i = 0; i < 1000; i++)
            {
                runtime.raw().getpid();
            }
            final MemorySegment buf = arena.allocate(8);
            for (int i = 0; i < 10; i++)
            {
                assertEquals(-Errno.EBADF, runtime.raw().pread(999_999, buf, 0));
            }

            // every call has completed: the first read takes a snapshot after all of them (setPhaseRecording
            // dropped the one before)
            final OffloadServerMXBean server = JMX.newMXBeanProxy(MBS, serverName, OffloadServerMXBean.class);
            assertEquals("offload-file-0", server.getName());
            assertEquals("FILE", server.getSyscallClass());
            assertEquals(runtimeName, server.getRuntime());
            assertEquals(-1, server.getRequestedCpu());
            assertTrue(server.getCurrentCpu() >= 0, "current cpu " + server.getCurrentCpu());
            assertTrue(server.isRunning());
            assertEquals(1010, server.getPickedUp());
            assertEquals(1000, server.getCompleted());
            assertEquals(10, server.getFailed());
            assertEquals(0, server.getQueueDepth());
            assertEquals(0, server.getWaiting());
            assertTrue(server.getBatches() >= 1 && server.getBatches() <= 1010, "batches " + server.getBatches());
            long drains = 0;
            for (final long n : server.getBatchSizes())
            {
                drains += n;
            }
            assertEquals(server.getBatches(), drains, "batch-size buckets add up to the drains");
            assertEquals(java.util.Map.of("EBADF", 10L), server.getFailuresByErrno());
            final TabularData errnos = (TabularData)MBS.getAttribute(serverName, "FailuresByErrno");
            assertEquals(1, errnos.size(), "a Map attribute is TabularData to a generic client");
            final List<PhaseRow> serverPhases = server.getPhases();
            assertEquals(6, serverPhases.size());
            assertEquals(1010, serverPhases.get(5).count());

            assertEquals(1010, rt.getPickedUp());
            assertEquals(1000, rt.getCompleted());
            assertEquals(10, rt.getFailed());
            assertEquals(0, rt.getEntriesInUse());
            assertEquals(runtime.config().maxEntries(), rt.getMaxEntries());
            assertTrue(rt.getEntriesAllocated() >= 1 && rt.getEntriesAllocated() <= rt.getMaxEntries());
            assertEquals(0, rt.getRejected());
            assertEquals(0, rt.getErrorCount());
            final List<PhaseRow> phases = rt.getPhases();
            final List<PhaseRow> getpid = phases.stream().filter(r -> r.syscall().equals("getpid")).toList();
            assertEquals(List.of("ENTER", "FLYIN", "HANDLE", "FLYOUT", "EXIT", "TOTAL"),
                getpid.stream().map(PhaseRow::phase).toList());
            for (final PhaseRow row : getpid)
            {
                assertEquals(1000, row.count(), row.toString());
                assertTrue(row.p50Nanos() <= row.p99Nanos() && row.p99Nanos() <= row.maxNanos(), row.toString());
            }
            final PhaseRow total = getpid.get(5);
            assertTrue(total.p50Nanos() > 0, "a call takes some time: " + total);
            assertTrue(phases.stream().anyMatch(r -> r.syscall().equals("pread") && r.count() == 10));
            final CompositeData[] raw = (CompositeData[])MBS.getAttribute(runtimeName, "Phases");
            assertEquals(phases.size(), raw.length);
            assertEquals("getpid", raw[0].get("syscall"));

            assertTrue(rt.statsMarkdown().contains("| offload-file-0 | FILE |"));
            assertTrue(rt.statsTable().contains("offload-file-0"));
            final long t0 = rt.getSnapshotNanoTime();
            assertTrue(server.getSnapshotNanoTime() - t0 >= 0, "snapshots move forward");
        }
    }

    @Test
    void recordingIsSwitchedAndPhasesResetThroughJmx() throws Exception
    {
        final Set<ObjectName> before = runtimeNames();
        try (OffloadRuntime runtime = newRuntime(1))
        {
            final ObjectName name = nameOfNew(before);
            assertEquals("off", MBS.getAttribute(name, "PhaseRecording"));
            MBS.setAttribute(name, new Attribute("PhaseRecording", "1/8"));
            assertEquals(PhaseRecording.sampled(8), runtime.phaseRecording());
            MBS.setAttribute(name, new Attribute("PhaseRecording", "all"));
            assertEquals(PhaseRecording.ALL, runtime.phaseRecording());

            final RuntimeMBeanException bad = assertThrows(RuntimeMBeanException.class,
                () -> MBS.setAttribute(name, new Attribute("PhaseRecording", "sometimes")));
            assertInstanceOf(IllegalArgumentException.class, bad.getCause());
            assertTrue(bad.getCause().getMessage().contains("off, all or 1/N"), bad.getCause().getMessage());
            final OffloadRuntimeMXBean proxy = JMX.newMXBeanProxy(MBS, name, OffloadRuntimeMXBean.class);
            assertThrows(IllegalArgumentException.class, () -> proxy.setPhaseRecording("1/1"));
            assertEquals(PhaseRecording.ALL, runtime.phaseRecording(), "a refused setting changes nothing");

            for (int i = 0; i < 100; i++)
            {
                runtime.raw().gettid();
            }
            assertEquals(100, proxy.getPhases().stream().filter(r -> r.phase().equals("TOTAL"))
                .mapToLong(PhaseRow::count).sum());
            MBS.invoke(name, "resetPhases", new Object[0], new String[0]);
            assertEquals(List.of(), proxy.getPhases(), "reset forgets every recorded call");
            proxy.setPhaseRecording("off");
            assertEquals(PhaseRecording.OFF, runtime.phaseRecording());
            final String markdown = (String)MBS.invoke(name, "statsMarkdown", new Object[0], new String[0]);
            assertTrue(markdown.contains("phase recording off"), markdown);
        }
    }

    @Test
    void twoRuntimesDoNotClash() throws Exception
    {
        final Set<ObjectName> before = runtimeNames();
        final ObjectName first;
        try (OffloadRuntime a = newRuntime(1))
        {
            first = nameOfNew(before);
            final Set<ObjectName> withFirst = runtimeNames();
            try (OffloadRuntime b = newRuntime(1))
            {
                final ObjectName second = nameOfNew(withFirst);
                final String idA = first.getKeyProperty("name");
                final String idB = second.getKeyProperty("name");
                assertFalse(idA.equals(idB), "ids differ: " + idA + ", " + idB);
                assertTrue(MBS.isRegistered(OffloadMBeans.serverName(idA, "offload-file-0")));
                assertTrue(MBS.isRegistered(OffloadMBeans.serverName(idB, "offload-file-0")));

                a.raw().getpid();
                a.raw().getpid();
                b.raw().getpid();
                assertEquals(2L, MBS.getAttribute(OffloadMBeans.serverName(idA, "offload-file-0"), "PickedUp"));
                assertEquals(1L, MBS.getAttribute(OffloadMBeans.serverName(idB, "offload-file-0"), "PickedUp"));
            }
            assertTrue(MBS.isRegistered(first), "closing one runtime leaves the other's MBeans");
        }
        assertFalse(MBS.isRegistered(first));
    }

    @Test
    void propertyTurnsJmxOff()
    {
        final Set<ObjectName> before = runtimeNames();
        System.setProperty(OffloadMBeans.ENABLED_PROP, "false");
        try (OffloadRuntime runtime = newRuntime(1))
        {
            assertEquals(before, runtimeNames(), "no MBean with -Doffload.jmx=false");
            runtime.raw().getpid();
        }
        finally
        {
            System.clearProperty(OffloadMBeans.ENABLED_PROP);
        }
    }

    @Test
    void snapshotsAreSharedWithinTheirAgeAndRetakenAfter()
    {
        final long[] taken = {0};
        final StatsCache cache = new StatsCache(() ->
        {
            taken[0]++;
            return new io.offload.api.RuntimeStats(List.of(), 0, 0, 0, 0, 0, PhaseRecording.OFF, List.of());
        }, Long.MAX_VALUE);
        final StatsCache.Snapshot first = cache.get();
        assertEquals(first, cache.get(), "within its age a snapshot is shared");
        assertEquals(1, taken[0]);
        cache.invalidate();
        cache.get();
        assertEquals(2, taken[0], "an invalidated snapshot is retaken");
        cache.refresh();
        assertEquals(3, taken[0]);
        final StatsCache always = new StatsCache(() ->
        {
            taken[0]++;
            return first.stats();
        }, 0);
        always.get();
        always.get();
        assertEquals(5, taken[0], "age 0: every read takes its own");
        assertThrows(IllegalArgumentException.class, () -> new StatsCache(first::stats, -1));
    }
}
