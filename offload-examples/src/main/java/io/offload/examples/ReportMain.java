package io.offload.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The command-line shell shared by the programs that measure and print a report (the tour, the workloads): parse
 * the options (usage on {@code --help}, status 2 on a bad option), run, print the report as text, and write it as
 * JSON where asked (status 1 on an I/O failure).
 */
public final class ReportMain
{
    private ReportMain()
    {
    }

    /** A measured report. */
    public interface Report
    {
        /** @return the report as a table for the terminal. */
        String toText();

        /** @return the report as JSON. */
        String toJson();
    }

    /**
     * The measurement itself.
     *
     * @param <O> the program's options.
     */
    @FunctionalInterface
    public interface Runner<O>
    {
        /**
         * @param options  what to run.
         * @param progress where to say what is running.
         * @return the report.
         * @throws IOException if the program's files cannot be written or read.
         */
        Report run(O options, PrintStream progress) throws IOException;
    }

    /**
     * Run a report program as its {@code main}.
     *
     * @param program name used in the failure message.
     * @param usage   printed for {@code --help}.
     * @param args    the command line.
     * @param parse   the option parser: {@link CommandLine.HelpRequested} for help, IllegalArgumentException for
     *                a bad option.
     * @param json    where the options say to write JSON, or null.
     * @param runner  the measurement.
     * @param <O>     the options type.
     */
    public static <O> void main(
        final String program,
        final String usage,
        final String[] args,
        final Function<String[], O> parse,
        final Function<O, Path> json,
        final Runner<O> runner)
    {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null)
        {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"); // the report says what matters
        }
        final O options = CommandLine.parseOrExit(usage, args, parse);
        if (options == null)
        {
            return;
        }
        final Report report;
        try
        {
            report = runner.run(options, System.out);
        }
        catch (final IOException ex)
        {
            System.err.println(program + " failed: " + ex);
            System.exit(1);
            return;
        }
        System.out.print(report.toText());
        final Path jsonFile = json.apply(options);
        if (jsonFile != null)
        {
            try
            {
                Files.writeString(jsonFile, report.toJson(), StandardCharsets.UTF_8);
                System.out.println("\nwrote " + jsonFile.toAbsolutePath());
            }
            catch (final IOException ex)
            {
                System.err.println("could not write " + jsonFile + ": " + ex);
                System.exit(1);
            }
        }
    }
}
