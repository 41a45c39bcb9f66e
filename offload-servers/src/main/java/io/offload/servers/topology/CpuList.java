package io.offload.servers.topology;

import java.util.Arrays;

/**
 * Parses and formats the Linux cpu-list syntax ({@code "0-6,8-10,12-14"}) used by sysfs ({@code cpu/online},
 * {@code node/nodeN/cpulist}, {@code shared_cpu_list}), by {@code /proc/irq/N/smp_affinity_list} and by
 * {@code taskset -c}, so that a layout can be written the way an operator already writes CPU sets.
 * <p>
 * Two readings are offered: {@link #parse(CharSequence)} is the kernel's, a set, sorted and without duplicates;
 * {@link #parseListed(CharSequence)} keeps the order and the repeats as written, which a layout needs where a CPU
 * named twice means two servers on it. {@link #format(int...)} and {@link #formatListed(int...)} are their
 * inverses: what they write parses back to the same array.
 */
public final class CpuList
{
    /**
     * The largest CPU id accepted. Linux builds for up to 8192 CPUs; the margin is there so that a typo such as
     * {@code 0-4000000000} is refused with a message instead of allocating gigabytes.
     */
    public static final int MAX_CPU = 65_535;

    private static final int[] EMPTY = new int[0];

    private CpuList()
    {
    }

    /**
     * Parses a cpu list as a set, the way the kernel reads one.
     *
     * @param list a cpu list such as {@code "0-3,8,10-11"}; surrounding white space (the newline at the end of a
     *             sysfs file) is ignored, and an empty or blank list is the empty set.
     * @return the CPUs, sorted ascending, each once.
     * @throws IllegalArgumentException if the list is not numbers and ascending ranges separated by commas.
     */
    public static int[] parse(final CharSequence list)
    {
        final int[] cpus = parseListed(list);
        Arrays.sort(cpus);
        return distinctSorted(cpus);
    }

    /**
     * Parses a cpu list keeping the order and the repeats as written: {@code "7,7,11"} is three entries. A range
     * is expanded ascending in place.
     *
     * @param list a cpu list such as {@code "7,7,11-12"}; surrounding white space is ignored, and an empty or
     *             blank list gives an empty array.
     * @return the CPUs in the order written, repeats kept.
     * @throws IllegalArgumentException if the list is not numbers and ascending ranges separated by commas.
     */
    public static int[] parseListed(final CharSequence list)
    {
        if (null == list)
        {
            throw new IllegalArgumentException("cpu list is null: expected numbers and ranges like 0-3,8");
        }

        final String text = list.toString().strip();
        if (text.isEmpty())
        {
            return EMPTY;
        }

        int[] cpus = new int[16];
        int size = 0;
        for (final String rawToken : text.split(",", -1))
        {
            final String token = rawToken.strip();
            final int dash = token.indexOf('-');
            final int first;
            final int last;
            if (dash < 0)
            {
                first = parseCpu(token, text);
                last = first;
            }
            else
            {
                first = parseCpu(token.substring(0, dash), text);
                last = parseCpu(token.substring(dash + 1), text);
                if (last < first)
                {
                    throw new IllegalArgumentException(
                        "bad cpu list '" + text + "': range '" + token + "' goes down, write it low to high as " +
                        last + "-" + first);
                }
            }

            final int count = last - first + 1;
            if (size + count > cpus.length)
            {
                cpus = Arrays.copyOf(cpus, Math.max(cpus.length * 2, size + count));
            }
            for (int cpu = first; cpu <= last; cpu++)
            {
                cpus[size++] = cpu;
            }
        }

        return Arrays.copyOf(cpus, size);
    }

    /**
     * Formats CPUs as the kernel would: sorted, each once, runs collapsed to ranges.
     *
     * @param cpus CPU ids in any order, repeats allowed; the array is not changed.
     * @return a cpu list such as {@code "0-6,8-10,12-14"}, or the empty string for no CPUs.
     * @throws IllegalArgumentException if a CPU id is negative or above {@link #MAX_CPU}.
     */
    public static String format(final int... cpus)
    {
        final int[] sorted = cpus.clone();
        Arrays.sort(sorted);
        return formatListed(distinctSorted(sorted));
    }

    /**
     * Formats CPUs in the order given, repeats kept, collapsing only runs that climb by one: {@code [7, 7, 8, 9]}
     * gives {@code "7,7-9"}, which {@link #parseListed(CharSequence)} reads back as the same four entries.
     *
     * @param cpus CPU ids in the order they should be written; the array is not changed.
     * @return the cpu list, or the empty string for no CPUs.
     * @throws IllegalArgumentException if a CPU id is negative or above {@link #MAX_CPU}.
     */
    public static String formatListed(final int... cpus)
    {
        for (final int cpu : cpus)
        {
            checkCpu(cpu);
        }

        final StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < cpus.length)
        {
            int j = i;
            while (j + 1 < cpus.length && cpus[j + 1] == cpus[j] + 1)
            {
                j++;
            }

            if (out.length() > 0)
            {
                out.append(',');
            }
            out.append(cpus[i]);
            if (j > i)
            {
                out.append('-').append(cpus[j]);
            }
            i = j + 1;
        }

        return out.toString();
    }

    /**
     * Checks a CPU id given in code, so that a negative id is refused where it is written rather than when a
     * thread fails to pin.
     *
     * @param cpu a CPU id to check.
     * @return the CPU id.
     * @throws IllegalArgumentException if it is negative or above {@link #MAX_CPU}.
     */
    public static int checkCpu(final int cpu)
    {
        if (cpu < 0 || cpu > MAX_CPU)
        {
            throw new IllegalArgumentException(
                "cpu " + cpu + " is out of range: cpu ids are between 0 and " + MAX_CPU);
        }

        return cpu;
    }

    private static int parseCpu(final String number, final String list)
    {
        if (number.isEmpty() || number.length() > 9)
        {
            throw badList(list);
        }
        for (int i = 0; i < number.length(); i++)
        {
            final char c = number.charAt(i);
            if (c < '0' || c > '9')
            {
                throw badList(list);
            }
        }

        final int cpu = Integer.parseInt(number);
        if (cpu > MAX_CPU)
        {
            throw new IllegalArgumentException(
                "bad cpu list '" + list + "': cpu " + cpu + " is above the largest cpu id supported, " + MAX_CPU);
        }

        return cpu;
    }

    private static IllegalArgumentException badList(final String list)
    {
        return new IllegalArgumentException(
            "bad cpu list '" + list + "': expected numbers and ranges like 0-3,8");
    }

    private static int[] distinctSorted(final int[] sorted)
    {
        if (sorted.length < 2)
        {
            return sorted;
        }

        int size = 1;
        for (int i = 1; i < sorted.length; i++)
        {
            if (sorted[i] != sorted[size - 1])
            {
                sorted[size++] = sorted[i];
            }
        }

        return size == sorted.length ? sorted : Arrays.copyOf(sorted, size);
    }
}
