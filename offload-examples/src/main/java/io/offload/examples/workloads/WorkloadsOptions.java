package io.offload.examples.workloads;

import io.offload.examples.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the workloads run.
 *
 * @param scale   multiplies iteration counts.
 * @param tasks   zCore tasks to run, in order.
 * @param mix     whether to run the mix.
 * @param json    where to write JSON, or null.
 * @param repeats timed runs per side.
 * @param files   files in the directory.
 * @param threads mix threads.
 */
public record WorkloadsOptions(double scale, List<ZcoreTask> tasks, boolean mix, Path json, int repeats, int files,
    int threads)
{
    /** The workloads' options, as {@code --help} prints them. */
    public static final String USAGE = """
        usage: workloads [--scale F] [--tasks LIST] [--json FILE] [--repeats N] [--files N] [--threads N]
          --scale F    multiply the papers' iteration counts (Task0 10,000,000 loops, Task1 100 rounds, Task2 one
                       pass, mix 2,000 ops per thread); default 1
          --tasks LIST comma-separated: task0 .. task5 (or 0 .. 5), mix, zcore (= task0-5), all; default all
          --json FILE  also write the figures to FILE as JSON
          --repeats N  timed runs per task, layout and side; the table shows medians; default 3
          --files N    files in the generated directory; default 1200, the thesis' count
          --threads N  caller threads of the mix; default 8
        """;

    /**
     * @param scale   scale.
     * @param tasks   tasks.
     * @param mix     mix.
     * @param json    JSON path.
     * @param repeats repeats.
     * @param files   files.
     * @param threads threads.
     */
    public WorkloadsOptions
    {
        if (!(scale > 0) || Double.isInfinite(scale))
        {
            throw new IllegalArgumentException("--scale must be a positive number, got " + scale + "\n" + USAGE);
        }
        if (repeats < 1 || files < 1 || threads < 1)
        {
            throw new IllegalArgumentException("--repeats, --files and --threads must be >= 1\n" + USAGE);
        }
        tasks = List.copyOf(tasks);
        if (tasks.isEmpty() && !mix)
        {
            throw new IllegalArgumentException("--tasks names nothing to run\n" + USAGE);
        }
    }

    /**
     * @param args command-line arguments; blank ones are ignored (a build tool may pass one).
     * @return the options.
     * @throws IllegalArgumentException for an unknown option or a bad value, with the usage.
     * @throws CommandLine.HelpRequested for {@code --help}.
     */
    public static WorkloadsOptions parse(final String... args)
    {
        double scale = 1;
        List<ZcoreTask> tasks = List.of(ZcoreTask.values());
        boolean mix = true;
        Path json = null;
        int repeats = 3;
        int files = SourceTree.THESIS_FILES;
        int threads = FileMix.Config.THREADS;
        final CommandLine in = new CommandLine(USAGE, args);
        while (in.next())
        {
            switch (in.option())
            {
                case "--scale" -> scale = in.number();
                case "--tasks" ->
                {
                    final Set<ZcoreTask> picked = new LinkedHashSet<>();
                    mix = false;
                    for (final String part : in.value().split(","))
                    {
                        final String p = part.strip().toLowerCase(Locale.ROOT);
                        switch (p)
                        {
                            case "" ->
                            {
                                // "task0,,mix": nothing between the commas
                            }
                            case "mix" -> mix = true;
                            case "zcore" -> picked.addAll(List.of(ZcoreTask.values()));
                            case "all" ->
                            {
                                picked.addAll(List.of(ZcoreTask.values()));
                                mix = true;
                            }
                            default -> picked.add(ZcoreTask.parse(p));
                        }
                    }
                    tasks = new ArrayList<>(picked);
                    tasks.sort(null);
                }
                case "--json" -> json = Path.of(in.value());
                case "--repeats" -> repeats = in.wholeNumber(1);
                case "--files" -> files = in.wholeNumber(1);
                case "--threads" -> threads = in.wholeNumber(1);
                case "-h", "--help" -> throw new CommandLine.HelpRequested();
                default -> throw in.unknown();
            }
        }
        return new WorkloadsOptions(scale, tasks, mix, json, repeats, files, threads);
    }

    /** @return the zCore tasks' sizes at this scale. */
    public ZcoreTask.Sizes sizes()
    {
        return ZcoreTask.Sizes.ofScale(scale);
    }

    /** @return the mix at this scale. */
    public FileMix.Config mixConfig()
    {
        return FileMix.Config.of(threads, scale);
    }
}
