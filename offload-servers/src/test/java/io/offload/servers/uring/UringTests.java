package io.offload.servers.uring;

import io.offload.api.Errno;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the io_uring tests share: the availability gate (a kernel or container without io_uring skips them, saying
 * why), a CQE collector, pipes and C strings.
 */
final class UringTests
{
    /** Liveness bound for waits that must end; never a timing assertion. */
    static final long LIVENESS_NANOS = 20_000_000_000L;

    private UringTests()
    {
    }

    /**
     * Skip the calling test where io_uring does not work (ENOSYS, EPERM in a container, ...).
     */
    static void assumeIoUring()
    {
        final IoUringSupport.Availability availability = IoUringSupport.check(false);
        assumeTrue(availability.available(), availability.toString());
    }

    /**
     * @param arena arena for the string.
     * @param text  text.
     * @return its address as a NUL-terminated C string.
     */
    static long cString(final Arena arena, final String text)
    {
        return arena.allocateFrom(text).address();
    }

    /**
     * @param arena arena for the fd pair.
     * @return {read end, write end} of a new blocking pipe (blocking: io_uring answers -EAGAIN at once on an
     *         O_NONBLOCK fd, and polls a blocking one).
     */
    static int[] pipe(final Arena arena)
    {
        final MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
        final int result = UringNative.pipe2(UringNative.threadCapture(), fds.address(), UringNative.O_CLOEXEC);
        assertEquals(0, result, "pipe2: " + Errno.name(-result));
        return new int[] {fds.get(ValueLayout.JAVA_INT, 0), fds.get(ValueLayout.JAVA_INT, 4)};
    }

    /**
     * @param arena arena for the bytes.
     * @param fd    fd to write to.
     * @param data  bytes, all written.
     */
    static void writeFully(final Arena arena, final int fd, final byte[] data)
    {
        final MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, data);
        final long written = UringNative.write(UringNative.threadCapture(), fd, buf.address(), data.length);
        assertEquals(data.length, written, "write: " + (written < 0 ? Errno.name((int)-written) : written));
    }

    /**
     * @param fds fds to close; negative ones are skipped.
     */
    static void close(final int... fds)
    {
        for (final int fd : fds)
        {
            if (fd >= 0)
            {
                UringNative.close(UringNative.threadCapture(), fd);
            }
        }
    }

    /**
     * @param fd an fd of this process.
     * @return what /proc/self/fd says it is, or null if it is not open.
     */
    static String fdTarget(final int fd)
    {
        try
        {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /**
     * @return this process's open fds and what each is.
     */
    static List<String> openFds()
    {
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd")))
        {
            final List<String> out = new ArrayList<>();
            entries.forEach(p ->
            {
                final String target = fdTarget(Integer.parseInt(p.getFileName().toString()));
                if (target != null)
                {
                    out.add(p.getFileName() + " -> " + target);
                }
            });
            return out;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return /proc/self/maps lines.
     */
    static List<String> maps()
    {
        try
        {
            return Files.readAllLines(Path.of("/proc/self/maps"));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param lines   /proc/self/maps lines.
     * @param address an address.
     * @return the line of the mapping that contains it, or null.
     */
    static String mappingOf(final List<String> lines, final long address)
    {
        for (final String line : lines)
        {
            final int dash = line.indexOf('-');
            final int space = line.indexOf(' ');
            final long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
            final long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
            if (Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0)
            {
                return line;
            }
        }
        return null;
    }

    /**
     * Collects CQEs: a test's handler.
     */
    static final class Cqes implements CqeHandler
    {
        final List<Long> userData = new ArrayList<>();
        final List<Integer> res = new ArrayList<>();
        final List<Integer> flags = new ArrayList<>();

        @Override
        public void onCqe(final long userData, final int res, final int flags)
        {
            this.userData.add(userData);
            this.res.add(res);
            this.flags.add(flags);
        }

        int size()
        {
            return userData.size();
        }

        /**
         * @param userData a user_data.
         * @return the res of the one CQE with it.
         */
        int resOf(final long userData)
        {
            int found = -1;
            for (int i = 0; i < this.userData.size(); i++)
            {
                if (this.userData.get(i) == userData)
                {
                    assertEquals(-1, found, "two CQEs with user_data " + userData + ": " + this.userData);
                    found = i;
                }
            }
            assertTrue(found >= 0, "no CQE with user_data " + userData + " among " + this.userData);
            return res.get(found);
        }

        void clear()
        {
            userData.clear();
            res.clear();
            flags.clear();
        }

        /**
         * Submit what is queued and wait until at least {@code count} CQEs have been collected in all.
         *
         * @param ring  the ring.
         * @param count CQEs wanted.
         * @return this.
         */
        Cqes await(final IoUring ring, final int count)
        {
            final long deadline = System.nanoTime() + LIVENESS_NANOS;
            ring.submitAndWait(0, 0, this);
            ring.reap(this);
            while (size() < count)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    fail("only " + size() + " of " + count + " CQEs arrived: " + userData + " " + res);
                }
                ring.submitAndWait(1, 100_000_000L, this);
                ring.reap(this);
            }
            return this;
        }
    }
}
