package io.offload.bench.file;

import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;
import io.offload.servers.DirectSyscalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The page cache around one file: make it cold (drop the whole cache as root, else {@code posix_fadvise(DONTNEED)}
 * on the file), make it warm (read the file once, if it fits in memory), and say how much of the file is resident
 * ({@code mincore} of a read-only mapping, which loads nothing). Each action returns one line saying what was done,
 * which goes into the results: a "cold" figure means nothing without it.
 */
public final class PageCache
{
    private static final long PAGE = 4096;
    private static final int POSIX_FADV_RANDOM = 1;
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MethodHandle GETEUID = downcall("geteuid", FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle SYNC = downcall("sync", FunctionDescriptor.ofVoid());
    private static final MethodHandle FADVISE = downcall("posix_fadvise", FunctionDescriptor.of(ValueLayout.JAVA_INT,
        ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle MINCORE = downcall("mincore", FunctionDescriptor.of(ValueLayout.JAVA_INT,
        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));

    private PageCache()
    {
    }

    private static MethodHandle downcall(final String name, final FunctionDescriptor descriptor)
    {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new IllegalStateException("libc has no " +
            name)), descriptor);
    }

    /** @return whether this process runs as root (effective uid 0), so it may write /proc/sys/vm/drop_caches. */
    static boolean root()
    {
        try
        {
            return (int)GETEUID.invokeExact() == 0;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("geteuid failed", ex);
        }
    }

    /**
     * Drop the file's pages from the page cache: as root {@code sync; echo 3 > /proc/sys/vm/drop_caches} (the whole
     * cache, as the issue asks); otherwise, or if that is refused, {@code posix_fadvise(POSIX_FADV_DONTNEED)} on the
     * file, which drops its clean pages only.
     *
     * @param file the file.
     * @return what was done, one line.
     */
    static String drop(final Path file)
    {
        String refused = "";
        if (root())
        {
            try
            {
                SYNC.invokeExact();
                Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3", StandardCharsets.US_ASCII);
                return "drop_caches (root: sync; echo 3 > /proc/sys/vm/drop_caches)";
            }
            catch (final Throwable ex)
            {
                refused = "root, but drop_caches refused (" + ex.getMessage() + "); ";
            }
        }
        return refused + fadvise(file);
    }

    private static String fadvise(final Path file)
    {
        final RawSyscalls direct = DirectSyscalls.raw();
        try (Arena arena = Arena.ofConfined())
        {
            final long fd = direct.openat(LinuxConstants.AT_FDCWD, arena.allocateFrom(file.toString()),
                LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC, 0);
            if (fd < 0)
            {
                return "posix_fadvise impossible: open " + file + " failed, errno " + -fd +
                    " (the cache is NOT dropped)";
            }
            try
            {
                final int rc = (int)FADVISE.invokeExact((int)fd, 0L, 0L, POSIX_FADV_DONTNEED);
                return rc == 0 ? "posix_fadvise(POSIX_FADV_DONTNEED) on the file (not root: drop_caches impossible)" :
                    "posix_fadvise failed with error " + rc + " (the cache is NOT dropped)";
            }
            catch (final Throwable ex)
            {
                return "posix_fadvise failed: " + ex + " (the cache is NOT dropped)";
            }
            finally
            {
                direct.close((int)fd);
            }
        }
    }

    /**
     * Turn the kernel's readahead off for one open file: {@code posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM)}, as fio
     * does for random I/O by default. It holds for that open file description only.
     *
     * @param fd an open file.
     * @throws IOException if the kernel refuses.
     */
    static void adviseRandom(final int fd) throws IOException
    {
        final int rc;
        try
        {
            rc = (int)FADVISE.invokeExact(fd, 0L, 0L, POSIX_FADV_RANDOM);
        }
        catch (final Throwable ex)
        {
            throw new IOException("posix_fadvise(RANDOM) failed", ex);
        }
        if (rc != 0)
        {
            throw new IOException("posix_fadvise(RANDOM) on fd " + fd + " failed with error " + rc);
        }
    }

    /**
     * The kernel's fd number of a {@link java.nio.channels.FileChannel} of the default file system, by reflection
     * (the child JVMs are started with {@code --add-opens java.base/sun.nio.ch} and {@code java.base/java.io}).
     *
     * @param channel the channel.
     * @return its fd.
     * @throws IOException if the fd cannot be found (say how to fix).
     */
    static int fdOf(final FileChannel channel) throws IOException
    {
        try
        {
            final java.lang.reflect.Field fdField = channel.getClass().getDeclaredField("fd");
            fdField.setAccessible(true);
            final java.io.FileDescriptor descriptor = (java.io.FileDescriptor)fdField.get(channel);
            final java.lang.reflect.Field number = java.io.FileDescriptor.class.getDeclaredField("fd");
            number.setAccessible(true);
            return number.getInt(descriptor);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            throw new IOException("cannot find the fd of " + channel.getClass().getName() + " (run the JVM with " +
                "--add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.io=ALL-UNNAMED): " + ex, ex);
        }
    }

    /**
     * Read the file once, sequentially, so that every page is in the cache, if it fits in memory.
     *
     * @param file   the file.
     * @param length how much of it, from the start.
     * @return what was done, one line.
     * @throws IOException if the file cannot be read.
     */
    static String warm(final Path file, final long length) throws IOException
    {
        final long size = Math.min(length, Files.size(file));
        final long memTotal = memTotalBytes();
        if (memTotal > 0 && size > memTotal * 6 / 10)
        {
            return String.format(Locale.ROOT, "NOT warmed: the file (%d MiB) is more than 60%% of memory (%d MiB)",
                size >> 20, memTotal >> 20);
        }
        final long start = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
            for (long done = 0; done < size; )
            {
                buffer.clear();
                final int n = channel.read(buffer, done);
                if (n <= 0)
                {
                    break;
                }
                done += n;
            }
        }
        return String.format(Locale.ROOT, "read the whole file once first (%.1f s)", (System.nanoTime() - start) / 1e9);
    }

    /**
     * @param file   the file.
     * @param length how much of it, from the start.
     * @return the share of those pages in the page cache now, 0 to 1, from {@code mincore}; NaN if that failed.
     */
    static double residency(final Path file, final long length)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined())
        {
            final long size = Math.min(length, channel.size());
            if (size == 0)
            {
                return 1.0;
            }
            final MemorySegment map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            final long pages = (size + PAGE - 1) / PAGE;
            final MemorySegment vector = arena.allocate(pages);
            final int rc = (int)MINCORE.invokeExact(map, size, vector);
            if (rc != 0)
            {
                return Double.NaN;
            }
            long resident = 0;
            for (long i = 0; i < pages; i++)
            {
                resident += vector.get(ValueLayout.JAVA_BYTE, i) & 1;
            }
            return (double)resident / pages;
        }
        catch (final Throwable ex)
        {
            return Double.NaN;
        }
    }

    /**
     * @param file   the file.
     * @param length how much of it, from the start.
     * @return "N% of the file in the page cache", for the results.
     */
    static String residencyLine(final Path file, final long length)
    {
        final double r = residency(file, length);
        return Double.isNaN(r) ? "page cache residency unknown (mincore failed)" :
            String.format(Locale.ROOT, "%.1f%% of the file in the page cache", r * 100);
    }

    /** @return MemTotal from /proc/meminfo in bytes, or -1. */
    static long memTotalBytes()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/meminfo")))
            {
                if (line.startsWith("MemTotal:"))
                {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            return -1;
        }
        return -1;
    }

    /**
     * Create the file with real (pseudo-random, incompressible) data if it is missing or smaller than asked; a bigger
     * file is kept and only its first {@code size} bytes are read.
     *
     * @param file the file.
     * @param size its size at least, in bytes.
     * @return whether it was written.
     * @throws IOException if it cannot be written.
     */
    public static boolean ensureFile(final Path file, final long size) throws IOException
    {
        if (Files.exists(file) && Files.size(file) >= size)
        {
            return false;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        System.out.printf("writing %d MiB of random data to %s ...%n", size >> 20, file);
        final long start = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
            final SplittableRandom random = new SplittableRandom(1);
            for (long written = 0; written < size; )
            {
                chunk.clear();
                while (chunk.hasRemaining())
                {
                    chunk.putLong(random.nextLong());
                }
                chunk.flip();
                chunk.limit((int)Math.min(chunk.limit(), size - written));
                written += channel.write(chunk);
            }
            channel.force(true);
        }
        System.out.printf(Locale.ROOT, "written in %.1f s%n", (System.nanoTime() - start) / 1e9);
        return true;
    }
}
