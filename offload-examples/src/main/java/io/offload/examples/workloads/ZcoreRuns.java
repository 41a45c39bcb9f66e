package io.offload.examples.workloads;

import io.offload.api.RawSyscalls;
import io.offload.api.RuntimeStats;
import io.offload.api.ServerStats;
import io.offload.api.SyscallClass;
import io.offload.api.WaitStrategy;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The zCore thesis' tasks, run both ways: one runtime per run of tasks with the same wait strategy, a warm-up of
 * each side, then {@code --repeats} timed runs of each, alternating which side goes first, every run's result
 * checked against what the generated files say.
 */
final class ZcoreRuns
{
    private ZcoreRuns()
    {
    }

    /** What the zCore tasks found, for the report. */
    record ZcoreResults(List<WorkloadsReport.TaskRow> rows, boolean callersPinned, boolean serverPinned,
        String waitStrategy, String idleStrategy, int treeFiles, long treeBytes, long offloadedCalls,
        long serverCalls, String stats)
    {
        static final ZcoreResults NONE = new ZcoreResults(List.of(), false, false, "-", "-", 0, 0, 0, 0, "");
    }

    /**
     * The wait strategy of a task's callers. Alone on its CPU, a caller spins: the lowest latency, as in the tour.
     * Two callers sharing CPU 0 (Task3-5), or callers sharing the only CPU, spin briefly and then park, so that one
     * that waits gives the CPU to the other, as zCore's CPU0 runs another task while one waits; a spinning caller
     * would hold the CPU its partner needs until the scheduler takes it away.
     */
    static WaitStrategy waitFor(final ZcoreTask task, final Workloads.Plan plan)
    {
        return plan.twoCpus() && task.copies() == 1 ? WaitStrategy.SPIN : WaitStrategy.SPIN_THEN_PARK;
    }

    static String waitName(final WaitStrategy wait)
    {
        return wait == WaitStrategy.SPIN ? wait.name() : wait.name() + "(" + Workloads.SHARED_SPINS + ")";
    }

    static ZcoreResults runTasks(final WorkloadsOptions options, final Workloads.Plan plan, final Path tmp,
        final List<String> notes, final PrintStream progress) throws IOException
    {
        final boolean needTree = options.tasks().stream().anyMatch(t -> t.kind() != ZcoreTask.Kind.PIDS);
        final long pid = ProcessHandle.current().pid();
        final long ppid = ZcoreTask.check("getppid", DirectSyscalls.raw().getppid());
        final String idle = plan.twoCpus() ? "busy" : "yield";
        final ZcoreTask.Sizes sizes = options.sizes();
        final List<WorkloadsReport.TaskRow> rows = new ArrayList<>();
        final boolean[] pinned = {true};
        final long[] offloadedCalls = {0};
        boolean serverPinned = plan.twoCpus();
        long serverCalls = 0;
        final StringBuilder stats = new StringBuilder();
        final StringBuilder waits = new StringBuilder();
        final SourceTree tree = needTree ? SourceTree.create(tmp, options.files(), SourceTree.DEFAULT_SEED) : null;
        try
        {
            int from = 0;
            while (from < options.tasks().size())
            {
                // one runtime per run of tasks with the same wait strategy: Task0-2, then Task3-5
                final WaitStrategy wait = waitFor(options.tasks().get(from), plan);
                int to = from;
                while (to < options.tasks().size() && waitFor(options.tasks().get(to), plan) == wait)
                {
                    to++;
                }
                final List<ZcoreTask> group = options.tasks().subList(from, to);
                waits.append(waits.isEmpty() ? "" : ", ").append(waitName(wait)).append(" for ")
                    .append(group.size() == 1 ? group.getFirst().id() :
                        group.getFirst().id() + "-" + group.getLast().number());
                try (OffloadRuntime runtime = OffloadRuntime.builder()
                    .servers(SyscallClass.FILE, plan.serverCpu())
                    .route(SyscallClass.PROCESS, SyscallClass.FILE)
                    .idleStrategy(idle)
                    .waitStrategy(wait)
                    .spinLimit(Workloads.SHARED_SPINS)
                    .nowaitReads(false) // zCore's tasks measure the hand-off: every offloaded read to the server
                    .build())
                {
                    final boolean pinnedNow = runtime.stats().servers().getFirst().pinned();
                    if (plan.twoCpus() && !pinnedNow && serverPinned)
                    {
                        notes.add("the zCore FILE server could not be pinned to cpu " + plan.serverCpu() +
                            ": it runs unpinned");
                    }
                    serverPinned &= pinnedNow;
                    for (final ZcoreTask task : group)
                    {
                        if (progress != null)
                        {
                            progress.printf("%s (%s) ...%n", task.id(), task.what());
                        }
                        rows.add(measure(task, waitName(wait), sizes, tree, pid, ppid, DirectSyscalls.raw(),
                            runtime.raw(), plan.appCpus(), options.repeats(), pinned, offloadedCalls));
                    }
                    final RuntimeStats end = runtime.stats();
                    for (final ServerStats s : end.servers())
                    {
                        serverCalls += s.completed() + s.failed();
                    }
                    stats.append(group.getFirst().id()).append(group.size() == 1 ? "" : "-" + group.getLast().number())
                        .append(":\n").append(end.toTable());
                }
                from = to;
            }
            if (plan.twoCpus() && !pinned[0])
            {
                notes.add("a caller thread could not be pinned to cpu " + plan.appCpu() + ": it ran unpinned");
            }
            return new ZcoreResults(rows, plan.twoCpus() && pinned[0], serverPinned, waits.toString(), idle,
                tree == null ? 0 : tree.fileCount(), tree == null ? 0 : tree.totalBytes(),
                offloadedCalls[0], serverCalls, stats.toString());
        }
        finally
        {
            if (tree != null)
            {
                tree.close();
            }
        }
    }

    static ZcoreTask.Sizes warmupSizes(final ZcoreTask.Sizes sizes)
    {
        return new ZcoreTask.Sizes(Math.min(sizes.loops(), 200_000L), Math.min(sizes.rounds(), 2), 1);
    }

    /**
     * Warm both sides up, then time {@code repeats} runs of each, alternating which goes first, checking each.
     */
    static WorkloadsReport.TaskRow measure(final ZcoreTask task, final String waitStrategy,
        final ZcoreTask.Sizes sizes, final SourceTree tree, final long pid, final long ppid, final RawSyscalls direct,
        final RawSyscalls offloaded, final BitSet cpus, final int repeats, final boolean[] pinned,
        final long[] offloadedCalls)
    {
        final ZcoreTask.Sizes warm = warmupSizes(sizes);
        final Tally warmExpected = task.expected(warm, tree, pid, ppid);
        check(task, "direct warm-up", warmExpected, timed(task, warm, tree, pid, ppid, direct, cpus, pinned).tally);
        final Tally warmOffloaded = timed(task, warm, tree, pid, ppid, offloaded, cpus, pinned).tally;
        check(task, "offloaded warm-up", warmExpected, warmOffloaded);
        offloadedCalls[0] += warmOffloaded.syscalls();
        final Tally expected = task.expected(sizes, tree, pid, ppid);
        final double[] directMs = new double[repeats];
        final double[] offloadedMs = new double[repeats];
        Tally directTally = null;
        Tally offloadedTally = null;
        for (int r = 0; r < repeats; r++)
        {
            for (int side = 0; side < 2; side++)
            {
                final boolean isDirect = (side == 0) == (r % 2 == 0);
                final Timed t = timed(task, sizes, tree, pid, ppid, isDirect ? direct : offloaded, cpus, pinned);
                check(task, isDirect ? "direct" : "offloaded", expected, t.tally);
                if (isDirect)
                {
                    directMs[r] = t.nanos / 1e6;
                    directTally = same(task, directTally, t.tally);
                }
                else
                {
                    offloadedMs[r] = t.nanos / 1e6;
                    offloadedTally = same(task, offloadedTally, t.tally);
                    offloadedCalls[0] += t.tally.syscalls();
                }
            }
        }
        if (!directTally.equals(offloadedTally))
        {
            throw new IllegalStateException(task.id() + ": direct computed " + directTally + ", offloaded " +
                offloadedTally);
        }
        return new WorkloadsReport.TaskRow(task, waitStrategy, directTally.syscalls(), directMs, offloadedMs,
            expected, directTally, offloadedTally);
    }

    private record Timed(Tally tally, long nanos)
    {
    }

    private static Timed timed(final ZcoreTask task, final ZcoreTask.Sizes sizes, final SourceTree tree,
        final long pid, final long ppid, final RawSyscalls sys, final BitSet cpus, final boolean[] pinned)
    {
        final Workers.Outcome<Tally> outcome = Workers.run(task.id(), task.copies(), cpus,
            index -> task.runCopy(sys, sizes, tree, pid, ppid));
        pinned[0] &= outcome.placed();
        Tally sum = null;
        for (final Tally t : outcome.results())
        {
            sum = sum == null ? t : sum.plus(t);
        }
        return new Timed(sum, outcome.elapsedNanos());
    }

    private static void check(final ZcoreTask task, final String side, final Tally expected, final Tally actual)
    {
        if (!actual.matches(expected))
        {
            throw new IllegalStateException(task.id() + " " + side + " computed " + actual + ", expected " +
                expected);
        }
    }

    private static Tally same(final ZcoreTask task, final Tally before, final Tally now)
    {
        if (before != null && !before.equals(now))
        {
            throw new IllegalStateException(task.id() + ": two runs of one side computed " + before + " and " + now);
        }
        return now;
    }
}
