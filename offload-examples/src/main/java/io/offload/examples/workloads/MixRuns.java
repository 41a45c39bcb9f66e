package io.offload.examples.workloads;

import io.offload.api.RawSyscalls;
import io.offload.api.SyscallClass;
import io.offload.api.WaitStrategy;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadContext;
import io.offload.servers.OffloadRuntime;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The GenerOS-style file mix in each core layout this machine allows ({@link Workloads#MIX_LAYOUTS}): build the
 * layout's runtime (if it has a server), warm up, time {@code --repeats} runs, check that they agree.
 */
final class MixRuns
{
    private MixRuns()
    {
    }

    /**
     * One layout of the mix: build its runtime (if any), warm up, time {@code repeats} runs.
     *
     * @return the row, or null where this machine cannot have the layout.
     */
    static WorkloadsReport.MixRow runMix(final String layout, final Workloads.Plan plan,
        final FileMix.DataSet data, final FileMix.Config config, final int repeats, final List<String> notes,
        final PrintStream progress)
    {
        final String title;
        final BitSet callers;
        Integer serverCpu = null;
        String wait = "-";
        String idle = "-";
        final OffloadContext builder;
        switch (layout)
        {
            case "direct" ->
            {
                title = "direct (no server)";
                callers = plan.appCpus();
                builder = null;
            }
            case "server-other-cpu" ->
            {
                if (!plan.twoCpus())
                {
                    return null;
                }
                title = "FILE server on cpu " + plan.serverCpu();
                callers = plan.appCpus();
                serverCpu = plan.serverCpu();
                wait = ZcoreRuns.waitName(WaitStrategy.SPIN_THEN_PARK);
                idle = "busy";
                builder = fileServer(serverCpu, idle);
            }
            case "server-same-cpu" ->
            {
                callers = plan.appCpus();
                serverCpu = plan.appCpu();
                title = plan.twoCpus() ? "FILE server sharing cpu " + plan.appCpu() : "FILE server, unpinned";
                wait = ZcoreRuns.waitName(WaitStrategy.SPIN_THEN_PARK);
                idle = "reactor";
                builder = fileServer(serverCpu, idle);
            }
            case "direct-all-cpus" ->
            {
                if (!plan.twoCpus())
                {
                    return null;
                }
                title = "direct, callers on all cpus";
                callers = (BitSet)plan.allowed().clone();
                builder = null;
            }
            default -> throw new IllegalArgumentException("unknown mix layout " + layout);
        }
        if (progress != null)
        {
            progress.printf("mix: %s ...%n", title);
        }
        final FileMix.Config warm = new FileMix.Config(config.threads(), config.fsyncEvery(), config.files(),
            config.fileSize(), config.ioSize(), config.readsPerOp(), config.fsyncEvery(), config.seed() + 1);
        final List<FileMix.Result> runs = new ArrayList<>();
        boolean serverPinned = false;
        if (builder == null)
        {
            mixRuns(DirectSyscalls.raw(), data, config, warm, callers, repeats, runs);
        }
        else
        {
            try (OffloadRuntime runtime = builder.build())
            {
                serverPinned = runtime.stats().servers().getFirst().pinned();
                if (serverCpu >= 0 && !serverPinned)
                {
                    notes.add("mix " + layout + ": the FILE server could not be pinned to cpu " + serverCpu);
                }
                mixRuns(runtime.raw(), data, config, warm, callers, repeats, runs);
            }
        }
        final FileMix.Result first = runs.getFirst().counts();
        for (final FileMix.Result r : runs)
        {
            if (!r.counts().equals(first) || r.ops() != config.totalOps() || r.syscalls() != config.totalSyscalls())
            {
                throw new IllegalStateException("mix " + layout + ": runs disagree or fall short: " + runs);
            }
            if (!r.placed())
            {
                notes.add("mix " + layout + ": a caller thread could not be placed on cpus " + callers);
                break;
            }
        }
        return new WorkloadsReport.MixRow(layout, title, cpuList(callers), serverCpu, serverPinned, wait, idle, runs);
    }

    /** One FILE server (PROCESS routed to it) on {@code cpu}; callers spin briefly, then park. */
    private static OffloadContext fileServer(final int cpu, final String idle)
    {
        return OffloadRuntime.builder().servers(SyscallClass.FILE, cpu).route(SyscallClass.PROCESS, SyscallClass.FILE)
            .idleStrategy(idle).waitStrategy(WaitStrategy.SPIN_THEN_PARK).spinLimit(Workloads.SHARED_SPINS);
    }

    private static void mixRuns(final RawSyscalls sys, final FileMix.DataSet data, final FileMix.Config config,
        final FileMix.Config warm, final BitSet callers, final int repeats, final List<FileMix.Result> runs)
    {
        FileMix.run(sys, data, warm, callers);
        for (int r = 0; r < repeats; r++)
        {
            runs.add(FileMix.run(sys, data, config, callers));
        }
    }

    private static String cpuList(final BitSet cpus)
    {
        final StringBuilder out = new StringBuilder(cpus.cardinality() == 1 ? "cpu " : "cpus ");
        for (int cpu = cpus.nextSetBit(0); cpu >= 0; cpu = cpus.nextSetBit(cpu + 1))
        {
            out.append(out.charAt(out.length() - 1) == ' ' ? "" : ",").append(cpu);
        }
        return out.toString();
    }
}
