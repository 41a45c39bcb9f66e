package io.offload.bench.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * fio, the physical reference: the same file and queue depth as the virtual threads, io_uring for the reads, 64
 * synchronous writers for the WAL. Never fails the comparison: when fio is missing or fails, the column is n/a with
 * the reason (and how to install it).
 */
final class Fio
{
    static final String INSTALL = "fio not found: install it with `apt-get install fio` (Debian/Ubuntu) or " +
        "`dnf install fio` (Fedora/RHEL)";

    private Fio()
    {
    }

    /** @return fio's version line, or null if fio cannot be run. */
    static String version()
    {
        try
        {
            final Process p = new ProcessBuilder("fio", "--version").redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        }
        catch (final IOException ex)
        {
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The reads: {@code --rw=randread --bs=4k --ioengine=io_uring --iodepth=D --direct=0}, one job, time based, over
     * the file's first {@code size} bytes; {@code --invalidate=1} (fio drops the file's cache itself) when cold,
     * {@code --invalidate=0} when warm. {@code --fadvise_hint=0} with readahead on: fio would otherwise advise the
     * kernel that access is random (POSIX_FADV_RANDOM, no readahead), which the JDK and offload do not, so cold
     * figures would differ by the readahead rather than by the I/O path; {@code --fadvise_hint=1} with readahead off,
     * where every engine gives that advice.
     */
    static List<String> readsCommand(final Path file, final long size, final int iodepth, final int seconds,
        final boolean cold, final boolean readahead)
    {
        return List.of("fio", "--name=r", "--filename=" + file, "--size=" + size, "--rw=randread", "--bs=4k",
            "--ioengine=io_uring", "--iodepth=" + iodepth, "--direct=0", "--invalidate=" + (cold ? 1 : 0),
            "--fadvise_hint=" + (readahead ? 0 : 1), "--norandommap", "--randrepeat=0", "--time_based",
            "--runtime=" + seconds, "--numjobs=1",
            "--lat_percentiles=1", "--output-format=json");
    }

    /**
     * The WAL: {@code jobs} jobs, each appending 4 KiB writes to its own new file (as the virtual threads do) with
     * {@code fdatasync} after each: {@code --ioengine=sync} (one blocking write, then one fdatasync, per job, like a
     * thread of a log writer), {@code --file_append=1 --fallocate=none} so each file grows as a log does.
     */
    static List<String> walCommand(final Path dir, final int jobs, final int seconds)
    {
        return List.of("fio", "--name=wal", "--directory=" + dir, "--rw=write", "--bs=4k", "--ioengine=sync",
            "--fdatasync=1", "--numjobs=" + jobs, "--size=256m", "--file_append=1", "--fallocate=none",
            "--unlink=1", "--time_based", "--runtime=" + seconds, "--group_reporting", "--output-format=json");
    }

    /**
     * Run fio and read its JSON.
     *
     * @param command the command.
     * @param engine  the result's engine name.
     * @param mode    the result's mode.
     * @param wal     whether it is the WAL job (writes and syncs) rather than reads.
     * @param cache   what was done to the page cache before.
     * @param raw     where to keep fio's output (null: nowhere).
     * @return the result, n/a with the reason if fio failed.
     */
    static Result run(final List<String> command, final String engine, final String mode, final boolean wal,
        final String cache, final Path raw)
    {
        System.out.println("$ " + String.join(" ", command));
        final String out;
        try
        {
            final Path log = Files.createTempFile("offload-fio-", ".out");
            try
            {
                final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
                if (!p.waitFor(10, TimeUnit.MINUTES))
                {
                    p.destroyForcibly();
                    return Result.none(engine, mode, "fio did not finish in 10 minutes");
                }
                out = Files.readString(log);
                if (raw != null)
                {
                    Files.writeString(raw, String.join(" ", command) + "\n" + out);
                }
                if (p.exitValue() != 0)
                {
                    return Result.none(engine, mode, "fio exited " + p.exitValue() + ": " + tail(out));
                }
            }
            finally
            {
                Files.deleteIfExists(log);
            }
        }
        catch (final IOException ex)
        {
            return Result.none(engine, mode, INSTALL + " (" + ex.getMessage() + ")");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return Result.none(engine, mode, "interrupted");
        }
        try
        {
            final int brace = out.indexOf('{');
            @SuppressWarnings("unchecked")
            final Map<String, Object> root = (Map<String, Object>)new Json(out.substring(brace)).value();
            @SuppressWarnings("unchecked")
            final Map<String, Object> job = (Map<String, Object>)((List<Object>)root.get("jobs")).getFirst();
            final Map<String, Object> io = map(job, wal ? "write" : "read");
            final double iops = ((Number)io.get("iops")).doubleValue();
            final long ios = ((Number)io.get("total_ios")).longValue();
            final double seconds = iops > 0 ? ios / iops : 0; // job_runtime is summed over grouped jobs
            // reads: total latency (submission + completion) of one read; WAL: fio times the write and the sync
            // apart, and the sync is the part that matters, so its latency is given (said in the note)
            Map<String, Object> lat = wal ? map(map(job, "sync"), "lat_ns") : map(io, "lat_ns");
            if (!lat.containsKey("percentile"))
            {
                lat = map(io, "clat_ns");
            }
            final Map<String, Object> percentile = map(lat, "percentile");
            final double p50 = ((Number)percentile.get("50.000000")).doubleValue() / 1e3;
            final double p99 = ((Number)percentile.get("99.000000")).doubleValue() / 1e3;
            return new Result(engine, mode, iops, ios, seconds, p50, p99, "-", cache,
                wal ? "fio WAL latency is fdatasync's alone (fio times write and sync apart)" : "");
        }
        catch (final RuntimeException ex)
        {
            return Result.none(engine, mode, "cannot read fio's JSON (" + ex + "): " + tail(out));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Map<String, Object> parent, final String key)
    {
        final Object value = parent.get(key);
        if (!(value instanceof Map))
        {
            throw new IllegalStateException("fio JSON has no object '" + key + "'");
        }
        return (Map<String, Object>)value;
    }

    private static String tail(final String out)
    {
        final String t = out.strip().replace('\n', ' ');
        return t.length() <= 300 ? t : "..." + t.substring(t.length() - 300);
    }

    /** Just enough JSON for fio's output: objects, arrays, strings, numbers, true/false/null. */
    static final class Json
    {
        private final String s;
        private int i;

        Json(final String s)
        {
            this.s = s;
        }

        Object value()
        {
            skip();
            final char c = s.charAt(i);
            if (c == '{')
            {
                i++;
                final Map<String, Object> m = new LinkedHashMap<>();
                skip();
                if (s.charAt(i) == '}')
                {
                    i++;
                    return m;
                }
                while (true)
                {
                    skip();
                    final String key = string();
                    skip();
                    expect(':');
                    m.put(key, value());
                    skip();
                    if (s.charAt(i++) == '}')
                    {
                        return m;
                    }
                }
            }
            if (c == '[')
            {
                i++;
                final List<Object> l = new ArrayList<>();
                skip();
                if (s.charAt(i) == ']')
                {
                    i++;
                    return l;
                }
                while (true)
                {
                    l.add(value());
                    skip();
                    if (s.charAt(i++) == ']')
                    {
                        return l;
                    }
                }
            }
            if (c == '"')
            {
                return string();
            }
            final int start = i;
            while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0)
            {
                i++;
            }
            final String word = s.substring(start, i);
            return switch (word)
            {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                case "null" -> null;
                default -> Double.parseDouble(word);
            };
        }

        private String string()
        {
            expect('"');
            final StringBuilder b = new StringBuilder();
            while (s.charAt(i) != '"')
            {
                char c = s.charAt(i++);
                if (c == '\\')
                {
                    c = s.charAt(i++);
                    if (c == 'u')
                    {
                        c = (char)Integer.parseInt(s.substring(i, i + 4), 16);
                        i += 4;
                    }
                }
                b.append(c);
            }
            i++;
            return b.toString();
        }

        private void expect(final char c)
        {
            if (s.charAt(i) != c)
            {
                throw new IllegalStateException("expected '" + c + "' at " + i);
            }
            i++;
        }

        private void skip()
        {
            while (i < s.length() && Character.isWhitespace(s.charAt(i)))
            {
                i++;
            }
        }
    }
}
