package io.offload.nio;

import io.offload.api.RawSyscalls;
import io.offload.servers.DirectSyscalls;
import io.offload.servers.OffloadRuntime;

import java.nio.file.ClosedFileSystemException;

/**
 * Where one provider's calls go, decided per call: the FILE servers of a runtime, or (for path operations) the
 * platform provider, or (for operations on an fd the provider opened) a direct call on the caller's thread.
 * <p>
 * The runtime's own threads never call into it: a server that submitted a call to itself would wait for itself.
 * Their calls (threads named {@code offload-*}: the servers, the completer, the default runtime's shutdown hook)
 * go to the platform, or run direct on an fd.
 */
abstract class Backend
{
    private static final RawSyscalls DIRECT = DirectSyscalls.raw();

    /**
     * @return the raw calls for a path operation now, or null: the platform provider runs this one.
     */
    abstract RawSyscalls pathCalls();

    /**
     * @return the raw calls for an operation on an fd the provider opened now; never null.
     */
    abstract RawSyscalls fdCalls();

    /**
     * @return whether the file system is open.
     */
    abstract boolean isOpen();

    /**
     * @return the runtime now serving the calls, or null if none does.
     */
    abstract OffloadRuntime runtime();

    /**
     * @return true on a thread of the runtime (a server, the completer) or of the provider's own machinery.
     */
    static boolean isRuntimeThread()
    {
        final Thread thread = Thread.currentThread();
        return !thread.isVirtual() && thread.getName().startsWith("offload-");
    }

    /**
     * Calls of a runtime the application built: {@code runtime.fileSystem()}. Once the runtime is closed, the file
     * system is closed: new operations end in {@link ClosedFileSystemException}; an open channel can still be
     * closed.
     */
    static final class Explicit extends Backend
    {
        private final OffloadRuntime runtime;
        private final RoutedCalls pathCalls;
        private final RoutedCalls fdCalls;

        Explicit(final OffloadRuntime runtime)
        {
            this.runtime = runtime;
            this.pathCalls = new RoutedCalls(runtime, false, true);
            this.fdCalls = new RoutedCalls(runtime, false, false);
        }

        @Override
        RawSyscalls pathCalls()
        {
            if (isRuntimeThread())
            {
                return null;
            }
            if (runtime.isClosed())
            {
                throw new ClosedFileSystemException();
            }
            return pathCalls;
        }

        @Override
        RawSyscalls fdCalls()
        {
            return isRuntimeThread() ? DIRECT : fdCalls;
        }

        @Override
        boolean isOpen()
        {
            return !runtime.isClosed();
        }

        @Override
        OffloadRuntime runtime()
        {
            return runtime;
        }
    }

    /**
     * Calls of the JVM's default provider: the default runtime, started on first use; the platform while it starts,
     * if it could not start, and once it has closed at exit.
     */
    static final class Default extends Backend
    {
        static final Default INSTANCE = new Default();

        private Default()
        {
        }

        @Override
        RawSyscalls pathCalls()
        {
            if (isRuntimeThread())
            {
                return null;
            }
            final DefaultRuntime.Started started = DefaultRuntime.current();
            return started == null ? null : started.pathCalls();
        }

        @Override
        RawSyscalls fdCalls()
        {
            if (isRuntimeThread())
            {
                return DIRECT;
            }
            final DefaultRuntime.Started started = DefaultRuntime.current();
            return started == null ? DIRECT : started.fdCalls();
        }

        @Override
        boolean isOpen()
        {
            return true;
        }

        @Override
        OffloadRuntime runtime()
        {
            final DefaultRuntime.Started started = DefaultRuntime.peek();
            return started == null ? null : started.runtime();
        }
    }
}
