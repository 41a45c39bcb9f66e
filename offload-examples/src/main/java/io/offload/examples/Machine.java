package io.offload.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the reports say about the machine they ran on: the CPU's model, the OS, the load averages. Each reads
 * {@code /proc} and falls back to something true rather than failing: a report is still worth having without them.
 */
public final class Machine
{
    private Machine()
    {
    }

    /**
     * @return the CPU's model name from {@code /proc/cpuinfo}, or the architecture ({@code os.arch}) where there is
     * none (not Linux, no access, or an architecture whose cpuinfo has no "model name").
     */
    public static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        }
        catch (final IOException | RuntimeException ignored)
        {
            // not Linux, or no access: the architecture will do
        }
        return System.getProperty("os.arch");
    }

    /**
     * @return the 1, 5 and 15 minute load averages from {@code /proc/loadavg}, separated by spaces, or "unknown".
     */
    public static String loadAverage()
    {
        try
        {
            final String[] fields = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).strip()
                .split("\\s+");
            return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : "unknown";
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
    }

    /**
     * @return the OS's name, version and architecture, e.g. {@code Linux 6.18.44 amd64}.
     */
    public static String os()
    {
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " " +
            System.getProperty("os.arch");
    }
}
