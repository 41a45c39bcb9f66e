package io.offload.examples;

import java.util.function.Function;

/**
 * Reads the options of one example program, the way all of them take options: {@code --name value} or
 * {@code --name=value}, flags without a value, blank arguments skipped (a build tool or a shell script may pass
 * one), whole numbers with {@code _} allowed between digits ({@code 20_000}). Every mistake is an
 * {@link IllegalArgumentException} whose message says what was wrong and ends with the program's usage; a request
 * for help ({@code -h}, {@code --help}) is a {@link HelpRequested}, which the program answers with its usage on
 * standard output and status 0.
 * <pre>{@code
 * final CommandLine in = new CommandLine(USAGE, args);
 * while (in.next())
 * {
 *     switch (in.option())
 *     {
 *         case "--samples" -> samples = in.wholeNumber(1);
 *         case "--json" -> json = Path.of(in.value());
 *         case "-h", "--help" -> throw new CommandLine.HelpRequested();
 *         default -> throw in.unknown();
 *     }
 * }
 * }</pre>
 */
public final class CommandLine
{
    private final String usage;
    private final String[] args;
    private int index = -1;
    private String option;
    private String attached;

    /**
     * @param usage the program's usage, appended to every error message.
     * @param args  the command line.
     */
    public CommandLine(final String usage, final String... args)
    {
        if (usage == null || args == null)
        {
            throw new IllegalArgumentException("usage and args must not be null");
        }
        this.usage = usage;
        this.args = args;
    }

    /** Thrown for {@code -h} or {@code --help}: the program prints its usage and exits with status 0. */
    public static final class HelpRequested extends RuntimeException
    {
        /** A help request: no message, no stack trace. */
        public HelpRequested()
        {
            super("help", null, false, false);
        }
    }

    /**
     * A program's main reads its options with this: on a request for help it prints the usage on standard output
     * and returns null (the program then returns, status 0); on a mistake it prints the message on standard error
     * and exits with status 2.
     *
     * @param usage  printed for {@code --help}.
     * @param args   the command line.
     * @param parser the program's option parser.
     * @param <O>    the options type.
     * @return the options, or null if help was asked for and given.
     */
    public static <O> O parseOrExit(final String usage, final String[] args, final Function<String[], O> parser)
    {
        try
        {
            return parser.apply(args);
        }
        catch (final HelpRequested help)
        {
            System.out.print(usage);
            return null;
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println(ex.getMessage());
            System.exit(2);
            return null;
        }
    }

    /**
     * Move to the next argument that is not blank.
     *
     * @return false when there is none.
     */
    public boolean next()
    {
        while (++index < args.length)
        {
            final String arg = args[index].strip();
            if (arg.isEmpty())
            {
                continue;
            }
            final int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 2)
            {
                option = arg.substring(0, equals);
                attached = arg.substring(equals + 1).strip();
            }
            else
            {
                option = arg;
                attached = null;
            }
            return true;
        }
        return false;
    }

    /**
     * @return the current argument: an option's name (without any {@code =value}), a flag, or a positional
     * argument.
     */
    public String option()
    {
        if (option == null)
        {
            throw new IllegalStateException("call next() first");
        }
        return option;
    }

    /**
     * @return the current option's value: what follows its {@code =}, or else the next argument, which is then
     * consumed.
     * @throws IllegalArgumentException if there is none.
     */
    public String value()
    {
        if (attached != null)
        {
            return attached;
        }
        if (index + 1 >= args.length || args[index + 1].isBlank())
        {
            throw invalid(option + " needs a value");
        }
        attached = args[++index].strip();
        return attached;
    }

    /**
     * @param min the smallest value allowed.
     * @return the current option's value as a whole number of at least {@code min}.
     * @throws IllegalArgumentException if it is missing, not a whole number, or too small.
     */
    public int wholeNumber(final int min)
    {
        return (int)wholeNumber(min, Integer.MAX_VALUE);
    }

    /**
     * @param min the smallest value allowed.
     * @param max the largest value allowed.
     * @return the current option's value as a whole number in {@code min..max}.
     * @throws IllegalArgumentException if it is missing, not a whole number, or out of range.
     */
    public long wholeNumber(final long min, final long max)
    {
        final String text = value();
        final long n;
        try
        {
            n = Long.parseLong(text.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw invalid(option + " needs a whole number, got '" + text + "'");
        }
        if (n < min || n > max)
        {
            final boolean unbounded = max == Integer.MAX_VALUE || max == Long.MAX_VALUE;
            throw invalid(option + " must be " + (unbounded ? ">= " + min : "in " + min + ".." + max) + ", got " +
                text);
        }
        return n;
    }

    /**
     * @return the current option's value as a number ({@code 0.5}, {@code 1e-3}).
     * @throws IllegalArgumentException if it is missing or not a number.
     */
    public double number()
    {
        final String text = value();
        try
        {
            return Double.parseDouble(text.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw invalid(option + " needs a number, got '" + text + "'");
        }
    }

    /**
     * @return the error for an argument the program does not know, to throw.
     */
    public IllegalArgumentException unknown()
    {
        return invalid("unknown option '" + args[index].strip() + "'");
    }

    /**
     * @param message what is wrong.
     * @return the error, with the usage after the message, to throw.
     */
    public IllegalArgumentException invalid(final String message)
    {
        return new IllegalArgumentException(message + "\n" + usage);
    }
}
