package io.offload.servers.uring;

import io.offload.servers.executor.ServerExecutor;
import io.offload.servers.executor.SyscallExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Which executor a server runs its calls on, decided once per runtime from the setting and from what the kernel
 * allows here ({@link IoUringSupport#check()}), with the reason to log once and to show in stats. What the wiring
 * needs is {@link #select}: the decision and the factory to give each server.
 * <pre>{@code
 * ExecutorChoice.Selection s = ExecutorChoice.select(ExecutorChoice.Kind.AUTO, 256, false);
 * LOG.info("{}", s.reason());   // "executor io_uring (AUTO): io_uring available: features ..."
 * new SyscallServer(..., s.factory());
 * }</pre>
 */
public final class ExecutorChoice
{
    /** The system property the setting is read from (wired by the runtime's configuration). */
    public static final String PROPERTY = "offload.executor";

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorChoice.class);

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
            return chosen == Kind.IO_URING ? IoUringExecutor.NAME : SyscallExecutor.NAME;
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

    /**
     * What a runtime gives its servers: the decision and the factory that makes each server's executor.
     *
     * @param decision which executor, and why.
     * @param factory  makes the executor on each server's thread.
     */
    public record Selection(Decision decision, ServerExecutor.Factory factory)
    {
        /**
         * @return one line for the log and stats: which executor, what was asked, why.
         */
        public String reason()
        {
            return decision.toString();
        }

        /**
         * @return "io_uring" or "syscalls".
         */
        public String executorName()
        {
            return decision.executorName();
        }
    }

    /**
     * Pick the executor for a runtime's servers: the one place the wiring calls. With io_uring chosen, each server
     * sets its ring up on its own thread when it starts; if the kernel refuses that ring (a memory limit, a seccomp
     * filter installed since the check), a server asked for AUTO logs why and runs on the syscall executor, and one
     * asked for IO_URING fails to start with the kernel's reason.
     *
     * @param kind            AUTO, IO_URING or SYSCALLS.
     * @param maxInFlight     io_uring requests in the kernel per server, 1 to {@link IoUringExecutorOptions#MAX_IN_FLIGHT}.
     * @param fsyncCoalescing answer waiting fsync/fdatasync calls of one fd with one sync issued after all arrived.
     * @return the decision (with its reason) and the factory.
     * @throws IllegalArgumentException if kind is null or maxInFlight is out of range.
     * @throws IllegalStateException    if IO_URING was asked for and io_uring does not work here.
     */
    public static Selection select(final Kind kind, final int maxInFlight, final boolean fsyncCoalescing)
    {
        if (kind == null)
        {
            throw new IllegalArgumentException("kind is null: use AUTO, IO_URING or SYSCALLS");
        }
        return select(kind, maxInFlight, fsyncCoalescing, kind == Kind.SYSCALLS ? null : IoUringSupport.check());
    }

    /**
     * {@link #select(Kind, int, boolean)} with what the support check found, given.
     *
     * @param kind            the setting.
     * @param maxInFlight     io_uring requests in the kernel per server.
     * @param fsyncCoalescing fsync coalescing on or off.
     * @param availability    what {@link IoUringSupport#check()} found (not needed for SYSCALLS).
     * @return the decision and the factory.
     */
    public static Selection select(
        final Kind kind, final int maxInFlight, final boolean fsyncCoalescing,
        final IoUringSupport.Availability availability)
    {
        final IoUringExecutorOptions options = new IoUringExecutorOptions()
            .maxInFlight(maxInFlight)
            .fsyncCoalescing(fsyncCoalescing); // checked even when unused: a bad setting fails the same everywhere
        final Decision decision = choose(kind, availability);
        if (!decision.ioUring())
        {
            return new Selection(decision, SyscallExecutor.factory());
        }
        final ServerExecutor.Factory uring = IoUringExecutor.factory(options);
        if (kind == Kind.IO_URING)
        {
            return new Selection(decision, uring);
        }
        return new Selection(decision, orSyscalls(uring));
    }

    /**
     * @param uring makes io_uring executors.
     * @return a factory that makes what {@code uring} makes, or a syscall executor (logged) where the kernel refuses
     *         the server's ring.
     */
    static ServerExecutor.Factory orSyscalls(final ServerExecutor.Factory uring)
    {
        final ServerExecutor.Factory syscalls = SyscallExecutor.factory();
        return context ->
        {
            try
            {
                return uring.newExecutor(context);
            }
            catch (final IoUringException ex)
            {
                LOG.warn("{}: the kernel refused this server's io_uring ({}); it runs on the syscall executor",
                    context.name(), ex.getMessage());
                return syscalls.newExecutor(context);
            }
        };
    }
}
