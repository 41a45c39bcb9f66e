package io.offload.servers.uring;

import java.util.Locale;

/**
 * Which executor a server runs its calls on, decided once per runtime from the setting and from what the kernel
 * allows here ({@link IoUringSupport#check()}), with the reason to log once and to show in stats.
 * <pre>{@code
 * ExecutorChoice.Decision d = ExecutorChoice.choose(ExecutorChoice.Kind.AUTO, IoUringSupport.check());
 * LOG.info("{}", d);   // "executor io_uring (AUTO): io_uring available: features ..."
 * }</pre>
 */
public final class ExecutorChoice
{
    /** The system property the setting is read from (wired by the runtime's configuration). */
    public static final String PROPERTY = "offload.executor";

    private ExecutorChoice()
    {
    }

    /**
     * The setting.
     */
    public enum Kind
    {
        /** io_uring where it works here, else plain system calls. */
        AUTO,
        /** io_uring, or fail at build when it does not work here. */
        IO_URING,
        /** Plain system calls on the server thread. */
        SYSCALLS;

        /**
         * @param value {@code auto}, {@code io_uring} or {@code syscalls}, any case, surrounding blanks ignored.
         * @return the kind.
         * @throws IllegalArgumentException for anything else, saying what would be right.
         */
        public static Kind parse(final String value)
        {
            if (value == null)
            {
                throw new IllegalArgumentException("executor kind is null: use auto, io_uring or syscalls");
            }
            return switch (value.trim().toLowerCase(Locale.ROOT))
            {
                case "auto" -> AUTO;
                case "io_uring" -> IO_URING;
                case "syscalls" -> SYSCALLS;
                default -> throw new IllegalArgumentException(
                    "executor kind '" + value + "' is not one of auto, io_uring, syscalls");
            };
        }
    }

    /**
     * What was decided.
     *
     * @param requested the setting.
     * @param chosen    {@link Kind#IO_URING} or {@link Kind#SYSCALLS}, never AUTO.
     * @param reason    one line: why.
     */
    public record Decision(Kind requested, Kind chosen, String reason)
    {
        /**
         * @return whether servers run on io_uring.
         */
        public boolean ioUring()
        {
            return chosen == Kind.IO_URING;
        }

        /**
         * @return the executor's name as {@code ServerExecutor.name()} gives it: "io_uring" or "syscalls".
         */
        public String executorName()
        {
            return chosen == Kind.IO_URING ? IoUringExecutor.NAME : "syscalls";
        }

        @Override
        public String toString()
        {
            return "executor " + executorName() + " (" + requested + "): " + reason;
        }
    }

    /**
     * @param kind         the setting.
     * @param availability what {@link IoUringSupport#check()} found (asked only for AUTO and IO_URING).
     * @return the decision.
     * @throws IllegalArgumentException if an argument is null.
     * @throws IllegalStateException    if IO_URING was asked for and io_uring does not work here (the message says
     *                                  why and that AUTO or SYSCALLS would run).
     */
    public static Decision choose(final Kind kind, final IoUringSupport.Availability availability)
    {
        if (kind == null)
        {
            throw new IllegalArgumentException("kind is null: use AUTO, IO_URING or SYSCALLS");
        }
        if (kind == Kind.SYSCALLS)
        {
            return new Decision(kind, Kind.SYSCALLS, "system calls on the server threads, as configured");
        }
        if (availability == null)
        {
            throw new IllegalArgumentException("availability is null: pass IoUringSupport.check()");
        }
        if (availability.available())
        {
            return new Decision(kind, Kind.IO_URING, availability.toString());
        }
        if (kind == Kind.IO_URING)
        {
            throw new IllegalStateException("executor IO_URING was asked for, but " + availability +
                "; use AUTO (falls back to system calls) or SYSCALLS");
        }
        return new Decision(kind, Kind.SYSCALLS, availability + "; system calls on the server threads instead");
    }

    /**
     * {@link #choose(Kind, IoUringSupport.Availability)} with {@link IoUringSupport#check()}, which is asked only
     * when the kind needs it.
     *
     * @param kind the setting.
     * @return the decision.
     */
    public static Decision choose(final Kind kind)
    {
        return choose(kind, kind == Kind.SYSCALLS ? null : IoUringSupport.check());
    }
}
