package io.offload.examples.top;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import io.offload.api.PhaseRecording;
import io.offload.examples.CommandLine;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * {@code offload-top}: watch the offload runtimes of a running JVM, like top(1). It attaches to the JVM by pid with
 * the JDK's Attach API, starts that JVM's local JMX agent (the same as {@code jcmd PID ManagementAgent.start_local};
 * nothing listens on a network port), connects to it and redraws a table every interval: per server its class, CPU
 * (asked for and current), calls picked up per second, completed, failed (by errno), waiting and ring depth; per
 * syscall the p50 of each of GenerOS's five phases and the total's p99, when phase recording is on.
 * <pre>
 *   OffloadTop --list                 JVMs this user may attach to: pid and main class
 *   OffloadTop PID                    watch that JVM, redrawn every second (Ctrl-C to quit)
 *   OffloadTop PID --record 1/64      switch its phase recording first (off, all or 1/N)
 *   OffloadTop PID --once             one frame as plain text, then exit (for scripts and tests)
 *   OffloadTop --self ...             this JVM instead (tests; with --demo, a demo runtime and load in it)
 * </pre>
 * From the repository root, after a build: {@code java -jar offload-examples/target/offload-examples.jar top PID}.
 * Attaching needs the same user as the target, and a target not started with {@code -XX:+DisableAttachMechanism}.
 */
public final class OffloadTop
{
    /** Milliseconds between frames unless {@code --interval}. */
    public static final long DEFAULT_INTERVAL_MS = 1_000;

    private static final String CLEAR = "\033[2J";
    private static final String HOME = "\033[H";
    private static final String CLEAR_TO_END_OF_LINE = "\033[K";
    private static final String CLEAR_TO_END_OF_SCREEN = "\033[J";

    static final String USAGE = """
        usage: top [PID | --pid PID | --self] [--interval MS] [--once | --count N] [--plain]
                   [--record off|all|1/N] [--demo] [--list]
          PID, --pid PID  the JVM to watch (attach by pid, same user)
          --self          watch this JVM (tests, and --demo)
          --demo          with --self: start a demo runtime and a thread making calls in this JVM
          --interval MS   milliseconds between frames (default 1000)
          --once          print one frame as plain text and exit (after one interval if --record is given)
          --count N       stop after N frames
          --plain         no ANSI codes: frames follow each other, separated by a blank line
          --record R      switch each runtime's phase recording first: off, all or 1/N (e.g. 1/64)
          --list          list the JVMs this user can attach to (pid, main class) and exit
        """;

    private OffloadTop()
    {
    }

    /**
     * What to do.
     *
     * @param pid        the JVM to attach to, or -1.
     * @param self       watch this JVM.
     * @param demo       start a demo runtime in this JVM.
     * @param intervalMs milliseconds between frames.
     * @param count      frames to draw, or 0 for no end.
     * @param plain      no ANSI codes.
     * @param record     phase recording to switch to, or null.
     * @param list       list attachable JVMs instead.
     */
    public record Options(long pid, boolean self, boolean demo, long intervalMs, int count, boolean plain,
        String record, boolean list)
    {
        /**
         * @param args command-line arguments; empty ones are ignored (a build tool may pass one).
         * @return the options.
         * @throws IllegalArgumentException for an unknown option, a bad value or a missing target, with the usage.
         */
        public static Options parse(final String... args)
        {
            long pid = -1;
            boolean self = false;
            boolean demo = false;
            long interval = DEFAULT_INTERVAL_MS;
            int count = 0;
            boolean plain = false;
            String record = null;
            boolean list = false;
            for (int i = 0; i < args.length; i++)
            {
                final String arg = args[i].strip();
                if (arg.isEmpty())
                {
                    continue;
                }
                switch (arg)
                {
                    case "--self" -> self = true;
                    case "--demo" -> demo = true;
                    case "--once" ->
                    {
                        count = 1;
                        plain = true;
                    }
                    case "--plain" -> plain = true;
                    case "--list" -> list = true;
                    case "-h", "--help" -> throw new CommandLine.HelpRequested();
                    case "--pid", "--interval", "--count", "--record" ->
                    {
                        if (i + 1 >= args.length)
                        {
                            throw new IllegalArgumentException(arg + " needs a value\n" + USAGE);
                        }
                        final String value = args[++i].strip();
                        switch (arg)
                        {
                            case "--pid" -> pid = number(arg, value);
                            case "--interval" -> interval = number(arg, value);
                            case "--count" -> count = (int)Math.min(Integer.MAX_VALUE, number(arg, value));
                            default -> record = recording(value);
                        }
                    }
                    default ->
                    {
                        if (arg.startsWith("-") || !arg.chars().allMatch(Character::isDigit))
                        {
                            throw new IllegalArgumentException("unknown option '" + arg + "'\n" + USAGE);
                        }
                        pid = number("PID", arg);
                    }
                }
            }
            if (!list && !self && pid < 0)
            {
                throw new IllegalArgumentException("say which JVM: a PID, or --self (--list shows the JVMs)\n" + USAGE);
            }
            if (self && pid >= 0)
            {
                throw new IllegalArgumentException("give a PID or --self, not both\n" + USAGE);
            }
            if (demo && !self)
            {
                throw new IllegalArgumentException("--demo runs in this JVM: use it with --self\n" + USAGE);
            }
            if (interval < 1)
            {
                throw new IllegalArgumentException("--interval must be >= 1 ms, got " + interval + "\n" + USAGE);
            }
            return new Options(pid, self, demo, interval, count, plain, record, list);
        }

        private static long number(final String name, final String value)
        {
            try
            {
                final long n = Long.parseLong(value.replace("_", ""));
                if (n < 1)
                {
                    throw new IllegalArgumentException(name + " must be >= 1, got " + value + "\n" + USAGE);
                }
                return n;
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(name + " needs a whole number, got '" + value + "'\n" + USAGE);
            }
        }

        private static String recording(final String value)
        {
            return PhaseRecording.parse(value).toString(); // refuses a bad value here, before attaching anywhere
        }
    }

    /**
     * @param args see {@link #USAGE}.
     */
    public static void main(final String[] args)
    {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null)
        {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"); // --demo's runtime: keep quiet
        }
        final int status = run(System.out, System.err, args);
        if (status != 0)
        {
            System.exit(status);
        }
    }

    /**
     * Run offload-top.
     *
     * @param out  where frames go.
     * @param err  where errors go.
     * @param args see {@link #USAGE}.
     * @return the exit status: 0, 1 if the JVM could not be reached or went away, 2 for bad arguments.
     */
    public static int run(final PrintStream out, final PrintStream err, final String... args)
    {
        final Options options;
        try
        {
            options = Options.parse(args);
        }
        catch (final CommandLine.HelpRequested help)
        {
            out.print(USAGE);
            return 0;
        }
        catch (final IllegalArgumentException ex)
        {
            err.println(ex.getMessage());
            return 2;
        }
        if (options.list())
        {
            return list(out, err);
        }
        TopDemo demo = null;
        try
        {
            if (options.demo())
            {
                demo = TopDemo.start(PhaseRecording.sampled(64));
            }
            return watch(options, out, err);
        }
        finally
        {
            if (demo != null)
            {
                demo.close();
            }
        }
    }

    private static int list(final PrintStream out, final PrintStream err)
    {
        final List<VirtualMachineDescriptor> vms;
        try
        {
            vms = VirtualMachine.list();
        }
        catch (final RuntimeException ex)
        {
            err.println("cannot list JVMs: " + ex);
            return 1;
        }
        final long me = ProcessHandle.current().pid();
        out.printf(Locale.ROOT, "%8s  %s%n", "pid", "main class (or jar)");
        for (final VirtualMachineDescriptor vm : vms)
        {
            final String name = vm.displayName().isBlank() ? "(unknown)" : vm.displayName().split(" ", 2)[0];
            out.printf(Locale.ROOT, "%8s  %s%s%n", vm.id(), name, vm.id().equals(Long.toString(me)) ? "  (this)" : "");
        }
        return 0;
    }

    private static int watch(final Options options, final PrintStream out, final PrintStream err)
    {
        final String target;
        final MBeanServerConnection mbs;
        JMXConnector connector = null;
        if (options.self())
        {
            mbs = ManagementFactory.getPlatformMBeanServer();
            target = "this JVM (pid " + ProcessHandle.current().pid() + ")";
        }
        else
        {
            try
            {
                connector = connect(options.pid());
            }
            catch (final IOException | AttachNotSupportedException | RuntimeException ex)
            {
                err.println(attachFailure(options.pid(), ex));
                return 1;
            }
            try
            {
                mbs = connector.getMBeanServerConnection();
            }
            catch (final IOException ex)
            {
                err.println("attached to pid " + options.pid() + " but could not open its JMX connection: " + ex);
                close(connector);
                return 1;
            }
            target = "pid " + options.pid() + describe(options.pid());
        }
        try
        {
            return loop(options, mbs, target, out, err);
        }
        finally
        {
            close(connector);
        }
    }

    private static int loop(final Options options, final MBeanServerConnection mbs, final String target,
        final PrintStream out, final PrintStream err)
    {
        final TopScreen screen = new TopScreen(mbs, options.record());
        final DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
        try
        {
            final List<ObjectName> switched = screen.applyRecording();
            if (options.record() != null && options.count() == 1)
            {
                sleep(options.intervalMs()); // let the new setting record something before the only frame
            }
            if (!options.plain())
            {
                out.print(CLEAR);
            }
            for (int frame = 0; options.count() == 0 || frame < options.count(); frame++)
            {
                if (frame > 0)
                {
                    sleep(options.intervalMs());
                }
                final String header = "offload-top: " + target + ", " + LocalDateTime.now().format(time) +
                    ", every " + options.intervalMs() + " ms" + (options.plain() ? "" : " (Ctrl-C to quit)") +
                    (frame == 0 && !switched.isEmpty() ? "; phase recording set to " + options.record() : "");
                final String text = screen.render(header);
                if (options.plain())
                {
                    out.print(frame == 0 ? text : "\n" + text);
                }
                else
                {
                    out.print(HOME + text.replace("\n", CLEAR_TO_END_OF_LINE + "\n") + CLEAR_TO_END_OF_SCREEN);
                }
                out.flush();
            }
            return 0;
        }
        catch (final IOException ex)
        {
            err.println("lost the connection to " + target + ": " + ex);
            return 1;
        }
        catch (final IllegalStateException ex)
        {
            err.println(ex.getMessage());
            return 1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * Attach to a JVM and connect to its local JMX agent, starting the agent if it is not running.
     *
     * @param pid the JVM's pid.
     * @return a connection; the caller closes it.
     * @throws IOException                 if the JVM cannot be attached to or its agent not reached.
     * @throws AttachNotSupportedException if the JVM does not accept attach.
     */
    static JMXConnector connect(final long pid) throws IOException, AttachNotSupportedException
    {
        final VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        final String address;
        try
        {
            address = vm.startLocalManagementAgent();
        }
        finally
        {
            vm.detach();
        }
        return JMXConnectorFactory.connect(new JMXServiceURL(address));
    }

    private static String attachFailure(final long pid, final Exception ex)
    {
        final StringBuilder message = new StringBuilder("cannot attach to pid ").append(pid).append(": ")
            .append(ex.getMessage() != null ? ex.getMessage() : ex.toString());
        if (pid == ProcessHandle.current().pid())
        {
            message.append("\n  that is this JVM: use --self");
        }
        else if (ProcessHandle.of(pid).isEmpty())
        {
            message.append("\n  no process has that pid (--list shows the JVMs)");
        }
        else
        {
            message.append("\n  is it a JVM run by this user, not started with -XX:+DisableAttachMechanism, and ")
                .append("sharing this /tmp (same container)? --list shows the JVMs that can be attached to");
        }
        return message.toString();
    }

    private static String describe(final long pid)
    {
        try
        {
            for (final VirtualMachineDescriptor vm : VirtualMachine.list())
            {
                if (vm.id().equals(Long.toString(pid)) && !vm.displayName().isBlank())
                {
                    final String name = vm.displayName();
                    final int space = name.indexOf(' ');
                    return " (" + (space > 0 ? name.substring(0, space) : name) + ")";
                }
            }
        }
        catch (final RuntimeException ignored)
        {
            // the name is only for the header
        }
        return "";
    }

    private static void sleep(final long millis) throws InterruptedException
    {
        Thread.sleep(millis);
    }

    private static void close(final JMXConnector connector)
    {
        if (connector != null)
        {
            try
            {
                connector.close();
            }
            catch (final IOException ignored)
            {
                // closing a connection to a JVM that may have exited: nothing to do
            }
        }
    }
}
