package io.offload.examples;

import io.offload.examples.http.HttpDemo;
import io.offload.examples.layout.LayoutCommand;
import io.offload.examples.top.OffloadTop;
import io.offload.examples.top.PhaseExport;
import io.offload.examples.top.TopDemo;
import io.offload.examples.workloads.Workloads;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The examples jar's {@code Main-Class}: runs one of the example programs by name, with the rest of the command
 * line as its arguments. Built with its dependencies into one jar by {@code ./mvnw -pl offload-examples -am
 * package}:
 * <pre>
 *   java -jar offload-examples/target/offload-examples.jar http              # the HTTP demo
 *   java -jar offload-examples/target/offload-examples.jar tour --help       # one program's own options
 *   java -jar offload-examples/target/offload-examples.jar --help            # the list of programs
 * </pre>
 * No command, or one it does not know: the list on standard error, status 2. {@code --help}: the list on standard
 * output, status 0. A program's status is its own.
 */
public final class Main
{
    /** Exit status for a missing or unknown command. */
    public static final int USAGE_STATUS = 2;

    /** A program's main. */
    @FunctionalInterface
    interface Program
    {
        /**
         * @param args its command line.
         * @throws Exception whatever the program's main throws.
         */
        void main(String[] args) throws Exception;
    }

    /**
     * One command.
     *
     * @param name    what to type.
     * @param args    what it takes, for the list.
     * @param what    what it does, for the list.
     * @param program its main.
     */
    record Command(String name, String args, String what, Program program)
    {
    }

    /** Every command, in the order the list shows them. */
    static final List<Command> COMMANDS = List.of(
        new Command("http", "[--port N] [--inline] ...", "the HTTP/1.1 demo server, until Ctrl-C", HttpDemo::main),
        new Command("tour", "[--samples N] [--json FILE] ...", "getpid, open+close, stat, pread: direct vs offloaded",
            Tour::main),
        new Command("workloads", "[--scale F] [--tasks LIST] ...", "the papers' workloads (zCore Task0-5, a file mix)",
            Workloads::main),
        new Command("top", "PID | --list | --self --demo", "watch a JVM's offload servers, like top(1)",
            OffloadTop::main),
        new Command("layout", "[--apply-irq DEVICE=CPUS] ...", "CPU topology, a proposed core layout, interrupts",
            LayoutCommand::main),
        new Command("phases", "[--calls N] [-o FILE]", "phase percentiles as JSON, for jmh-bench/plots/PhasePlot",
            PhaseExport::main),
        new Command("top-demo", "[--record R] [--seconds N]", "a runtime making calls, for top to watch",
            TopDemo::main));

    private Main()
    {
    }

    /**
     * @param args a command, then its arguments.
     * @throws Exception whatever the program throws.
     */
    public static void main(final String[] args) throws Exception
    {
        final Command command = find(System.out, System.err, args);
        if (command == null)
        {
            System.exit(args.length > 0 && isHelp(args[0]) ? 0 : USAGE_STATUS);
            return;
        }
        final String[] rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        command.program().main(rest);
    }

    /**
     * Find the command a command line names, or answer it: the list for {@code --help}, the list and what was wrong
     * for anything else that is not a command.
     *
     * @param out  where {@code --help} prints.
     * @param err  where a mistake is reported.
     * @param args the command line.
     * @return the command to run, or null if there is none (the caller exits: 0 after {@code --help}, else 2).
     */
    static Command find(final PrintStream out, final PrintStream err, final String... args)
    {
        if (args.length == 0)
        {
            err.println("say which program to run");
            err.print(usage());
            return null;
        }
        if (isHelp(args[0]))
        {
            out.print(usage());
            return null;
        }
        for (final Command command : COMMANDS)
        {
            if (command.name().equals(args[0]))
            {
                return command;
            }
        }
        err.println("unknown command '" + args[0] + "'");
        err.print(usage());
        return null;
    }

    /**
     * @return the list of commands.
     */
    static String usage()
    {
        final StringBuilder out = new StringBuilder(
            "usage: java -jar offload-examples.jar COMMAND [ARGS...]   (COMMAND --help: its own options)\n");
        for (final Command command : COMMANDS)
        {
            out.append(String.format(Locale.ROOT, "  %-9s %-32s %s%n", command.name(), command.args(), command.what()));
        }
        return out.toString();
    }

    private static boolean isHelp(final String arg)
    {
        return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
    }
}
