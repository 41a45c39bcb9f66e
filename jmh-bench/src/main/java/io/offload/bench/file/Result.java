package io.offload.bench.file;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One cell of the comparison: one engine, one mode. A child JVM prints it as one line ({@link #toLine()}) that the
 * parent picks out of its output ({@link #parse(String)}).
 *
 * @param engine    jdk, syscalls, io_uring or fio.
 * @param mode      warm, cold or wal.
 * @param opsPerSec reads/s or syncs/s; NaN when there is no figure (n/a or error).
 * @param ops       operations counted.
 * @param seconds   measured time.
 * @param p50Us     median latency of one operation, microseconds (NaN if unknown).
 * @param p99Us     99th percentile, microseconds (NaN if unknown).
 * @param executor  the executor the runtime reported ("-" for jdk and fio; "not reported" where this build's stats
 *                  do not name it).
 * @param cache     what was done to the page cache before the run, and how much of the file was resident.
 * @param note      anything else worth a line (an error, why n/a).
 */
record Result(String engine, String mode, double opsPerSec, long ops, double seconds, double p50Us, double p99Us,
    String executor, String cache, String note)
{
    static final String PREFIX = "@@RESULT\t";

    /**
     * @param engine the engine.
     * @param mode   the mode.
     * @param note   why there is no figure.
     * @return a result without a figure.
     */
    static Result none(final String engine, final String mode, final String note)
    {
        return new Result(engine, mode, Double.NaN, 0, 0, Double.NaN, Double.NaN, "-", "-", note);
    }

    /** @return whether there is a figure. */
    boolean measured()
    {
        return !Double.isNaN(opsPerSec);
    }

    /** @return the line a child prints, tab-separated key=value pairs after {@link #PREFIX}. */
    String toLine()
    {
        return PREFIX + String.join("\t", "engine=" + clean(engine), "mode=" + clean(mode),
            "opsPerSec=" + opsPerSec, "ops=" + ops, "seconds=" + seconds, "p50Us=" + p50Us, "p99Us=" + p99Us,
            "executor=" + clean(executor), "cache=" + clean(cache), "note=" + clean(note));
    }

    private static String clean(final String s)
    {
        return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    /**
     * @param line a line of a child's output.
     * @return the result, or null if the line is not one.
     */
    static Result parse(final String line)
    {
        if (!line.startsWith(PREFIX))
        {
            return null;
        }
        final Map<String, String> m = new HashMap<>();
        for (final String pair : line.substring(PREFIX.length()).split("\t"))
        {
            final int eq = pair.indexOf('=');
            if (eq > 0)
            {
                m.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return new Result(m.getOrDefault("engine", "?"), m.getOrDefault("mode", "?"),
            number(m.get("opsPerSec")), (long)number(m.get("ops")), number(m.get("seconds")), number(m.get("p50Us")),
            number(m.get("p99Us")), m.getOrDefault("executor", "-"), m.getOrDefault("cache", "-"),
            m.getOrDefault("note", ""));
    }

    private static double number(final String s)
    {
        try
        {
            return s == null ? Double.NaN : Double.parseDouble(s);
        }
        catch (final NumberFormatException ex)
        {
            return Double.NaN;
        }
    }

    /** @return "123,456" or "n/a". */
    String opsText()
    {
        return measured() ? String.format(Locale.ROOT, "%,.0f", opsPerSec) : "n/a";
    }

    /** @return "p50 / p99" in microseconds, or "n/a". */
    String latencyText()
    {
        if (Double.isNaN(p50Us) || Double.isNaN(p99Us))
        {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,.1f / %,.1f", p50Us, p99Us);
    }
}
