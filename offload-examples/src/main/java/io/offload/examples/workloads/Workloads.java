package io.offload.examples.workloads;

import io.offload.examples.Machine;
import io.offload.examples.ReportMain;
import io.offload.servers.libc.CpuAffinity;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * The papers' workloads, each run direct and offloaded in one run, beside the papers' own figures.
 * <ul>
 *   <li>The zCore thesis' Task0 to Task5 (its Appendix A; Tables 5.2 to 5.7): getpid+getppid 10,000,000 times;
 *       stat every entry of a 1,200-file directory, 100 rounds; busybox wc over every file in 1 KiB reads; and two
 *       concurrent copies of each. Direct, every call runs on the caller's thread; offloaded, on one FILE server
 *       (PROCESS routed to it) pinned to the second CPU, the thesis' CPU1. In both, the callers are pinned to the
 *       first CPU, the thesis' CPU0, as original zCore ran everything on one CPU.</li>
 *   <li>A GenerOS-style file-system mix in place of TPC-H: platform threads doing open, 4 random 4 KiB preads, a
 *       pwrite, an fsync every 16th op and close over 64 files of 256 KiB, in each core layout a 2-CPU machine
 *       allows: no server; a FILE server on the second CPU; a FILE server sharing the callers' CPU; and, for
 *       reference, no server with the callers on both CPUs.</li>
 * </ul>
 * Run it from the repository root with
 * <pre>
 *   java -jar offload-examples/target/offload-examples.jar workloads --scale 0.1
 * </pre>
 * (options: {@link WorkloadsOptions#USAGE}). The parts: {@link WorkloadsOptions}, {@link ZcoreRuns} and
 * {@link MixRuns} run and check, {@link WorkloadsReport} prints the table and writes the JSON.
 * Every run is checked, not only timed: each task's direct and offloaded tallies must be equal and equal to what
 * the generated files say (words, lines, bytes, stat count, pid); the mix's blocks must all be whole afterwards.
 * Direct and offloaded runs alternate, {@code --repeats} of each, and the table shows medians.
 */
public final class Workloads
{
    /** The mix's layouts, in table order. */
    public static final List<String> MIX_LAYOUTS = List.of("direct", "server-other-cpu", "server-same-cpu",
        "direct-all-cpus");
    /** Spins before a caller parks when it shares its CPU with the server (the tour's one-CPU setting). */
    static final int SHARED_SPINS = 200;

    private Workloads()
    {
    }

    /**
     * Where things run: the callers on the first CPU this process may use, a server on the second.
     *
     * @param allowed   CPUs this process may run on.
     * @param appCpu    the callers' CPU (the thesis' CPU0), or -1 with fewer than two CPUs.
     * @param serverCpu the server's CPU (the thesis' CPU1), or -1 with fewer than two CPUs.
     */
    record Plan(BitSet allowed, int appCpu, int serverCpu)
    {
        static Plan current()
        {
            final BitSet allowed = CpuAffinity.allowedCpus();
            final int first = allowed.nextSetBit(0);
            final int second = first < 0 ? -1 : allowed.nextSetBit(first + 1);
            return second < 0 ? new Plan(allowed, -1, -1) : new Plan(allowed, first, second);
        }

        boolean twoCpus()
        {
            return appCpu >= 0;
        }

        /** @return the callers' CPUs: the first CPU, or all allowed with fewer than two. */
        BitSet appCpus()
        {
            if (!twoCpus())
            {
                return (BitSet)allowed.clone();
            }
            final BitSet one = new BitSet();
            one.set(appCpu);
            return one;
        }

        int nproc()
        {
            return allowed.cardinality();
        }
    }

    /**
     * @param args see the usage ({@code --help}).
     */
    public static void main(final String[] args)
    {
        ReportMain.main("workloads", WorkloadsOptions.USAGE, args, WorkloadsOptions::parse, WorkloadsOptions::json,
            Workloads::run);
    }

    /**
     * Run the workloads: generate the files, time each task both ways and the mix in each layout, check every
     * result, delete the files.
     *
     * @param options  what to run.
     * @param progress where to say what is running, or null for silence.
     * @return the figures.
     * @throws IOException if the files cannot be written.
     * @throws IllegalStateException if a run computed a wrong result (the message says which and what).
     */
    public static WorkloadsReport run(final WorkloadsOptions options, final PrintStream progress) throws IOException
    {
        final int onlineCpus = Runtime.getRuntime().availableProcessors();
        final String loadBefore = Machine.loadAverage();
        final Plan plan = Plan.current();
        final List<String> notes = new ArrayList<>();
        if (!plan.twoCpus())
        {
            notes.add("this process may run on " + plan.nproc() + " CPU(s) " + plan.allowed() + ": callers and " +
                "servers run unpinned, callers wait SPIN_THEN_PARK(" + SHARED_SPINS + ") and idle servers yield; " +
                "the mix's layout with a server on its own CPU is left out");
        }
        final Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        final ZcoreRuns.ZcoreResults zcore = options.tasks().isEmpty() ? ZcoreRuns.ZcoreResults.NONE :
            ZcoreRuns.runTasks(options, plan, tmp, notes, progress);
        FileMix.Config mixConfig = null;
        final List<WorkloadsReport.MixRow> mixRows = new ArrayList<>();
        long rewritten = 0;
        if (options.mix())
        {
            mixConfig = options.mixConfig();
            try (FileMix.DataSet data = FileMix.DataSet.create(tmp, mixConfig))
            {
                for (final String layout : MIX_LAYOUTS)
                {
                    final WorkloadsReport.MixRow row = MixRuns.runMix(layout, plan, data, mixConfig,
                        options.repeats(), notes, progress);
                    if (row != null)
                    {
                        mixRows.add(row);
                    }
                }
                rewritten = data.verify(mixConfig.threads(), mixConfig.opsPerThread());
            }
        }
        if (progress != null)
        {
            progress.println();
        }
        final String loadAfter = Machine.loadAverage();
        busy(loadBefore, plan.nproc(), notes);
        return new WorkloadsReport(plan.nproc(), onlineCpus, Runtime.version().toString(),
            Machine.os(), Machine.cpuModel(), loadBefore, loadAfter, options, plan.appCpu(), zcore.callersPinned(),
            plan.serverCpu(), zcore.serverPinned(), zcore.waitStrategy(), zcore.idleStrategy(), zcore.treeFiles(),
            zcore.treeBytes(), notes, zcore.rows(), zcore.offloadedCalls(), zcore.serverCalls(), zcore.stats(),
            mixConfig, mixRows, rewritten);
    }

    static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int mid = sorted.length >>> 1;
        return (sorted.length & 1) == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * Timings on a machine busy with other work measure the other work too, offloaded ones most: a spinning caller
     * or server that loses its CPU stalls the other side. Say so when the load before the run says so (the load
     * after it counts this run's own spinning threads).
     */
    private static void busy(final String before, final int nproc, final List<String> notes)
    {
        try
        {
            final double load = Double.parseDouble(before.split(" ")[0]);
            if (load > nproc / 2.0)
            {
                notes.add(String.format(Locale.ROOT, "other work was running (1-minute load average %.2f on %d " +
                    "CPU(s) before the run): timings include waiting for a CPU, offloaded ones most, since a " +
                    "caller or server that loses its CPU stalls the other side", load, nproc));
            }
        }
        catch (final RuntimeException ignored)
        {
            // no load average to go by
        }
    }
}
