package io.offload.examples.http;

import io.offload.api.FileStat;
import io.offload.api.SyscallException;
import io.offload.api.Syscalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * An {@link HttpServer}'s in-memory cache of small static files, built the way Jetty 12's {@code ResourceHandler}
 * caches them ({@code ValidatingCachingHttpContentFactory} over {@code CachingHttpContentFactory}), so that the demo
 * and Jetty are compared doing the same work:
 * <ul>
 *   <li><b>What</b>: a regular file of at most {@link FileCacheSettings#maxFileSize()} bytes, read whole into native
 *       memory the first time it is served (from the fd the request opened and checked, so the containment check
 *       of {@link DocumentRoot} holds for what is cached), keyed by its resolved path; also a path found missing,
 *       remembered for one validation period. Directories are never cached (their index file is, under its own
 *       path).</li>
 *   <li><b>Validation</b>: an entry is checked against the file system at most once per
 *       {@link FileCacheSettings#validationPeriodMillis()} (Jetty: 1 s), by the first request after the period, with
 *       one statx of its path (offloaded like every other call of the connection); it stays if the file is still a
 *       regular file with the same modification time (what Jetty compares) and size, and is dropped otherwise, and
 *       that request then reads the file again. The other requests are served from memory meanwhile.</li>
 *   <li><b>Eviction</b>: when an entry takes the cache past {@link FileCacheSettings#maxCacheSize()} bytes or
 *       {@link FileCacheSettings#maxFiles()} entries, one thread at a time evicts the least recently used entries
 *       until both hold again (Jetty's {@code shrinkCache}). No background sweeper (Jetty's
 *       {@code ResourceHandler} starts none either).</li>
 *   <li><b>Memory</b>: each file's bytes are a segment of its own {@code Arena.ofAuto()}: a response writes from
 *       them in one write with no copy, an eviction never frees bytes a response is still writing, and the GC frees
 *       evicted bytes (under {@code -XX:MaxDirectMemorySize}, like direct buffers). The cache accounts for the bytes
 *       it refers to; {@link #close()} drops them all.</li>
 * </ul>
 * A hit therefore makes no system call at all (one statx a second per file), where a miss, or a server without a
 * cache, makes openat, readlinkat (the containment check), statx and close, and sends the body with sendfile.
 * Thread-safe; the connection threads of one server share it.
 */
public final class FileCache implements AutoCloseable
{
    private static final Comparator<Aged> LEAST_RECENTLY_USED = Comparator.comparingLong(Aged::lastAccessNanos)
        .thenComparing(aged -> aged.file().path());

    private final FileCacheSettings settings;
    /** -1: never validate; 0: every request; else the period. */
    private final long periodNanos;
    private final ConcurrentHashMap<Path, CachedFile> entries = new ConcurrentHashMap<>();
    private final AtomicLong cachedBytes = new AtomicLong();
    private final AtomicBoolean shrinking = new AtomicBoolean();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder validations = new LongAdder();
    private final LongAdder invalidations = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder notCached = new LongAdder();
    private volatile boolean closed;

    /**
     * @param settings the limits and the validation period.
     */
    FileCache(final FileCacheSettings settings)
    {
        if (settings == null)
        {
            throw new IllegalArgumentException("settings must not be null: FileCacheSettings.JETTY_DEFAULTS, or no " +
                "cache at all");
        }
        this.settings = settings;
        final long millis = settings.validationPeriodMillis();
        this.periodNanos = millis < 0 ? -1 : TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /**
     * What one {@link FileCache} holds and has done since its server started.
     *
     * @param files         entries now (files, and paths remembered as not found).
     * @param bytes         bytes of file contents they hold.
     * @param hits          requests served from an entry.
     * @param misses        requests that found no valid entry (a file's first request, and after an
     *                      invalidation or eviction).
     * @param validations   statx calls made to check an entry.
     * @param invalidations entries dropped because the file changed or went (or a not-found entry expired).
     * @param evictions     entries evicted to keep within the limits.
     * @param notCached     files served without caching them: over a size limit, or changed while being read.
     */
    public record Stats(int files, long bytes, long hits, long misses, long validations, long invalidations,
        long evictions, long notCached)
    {
        /**
         * @return one line for a log.
         */
        @Override
        public String toString()
        {
            return "file cache: " + files + " entries, " + bytes + " bytes; " + hits + " hits, " + misses +
                " misses, " + validations + " validations (statx), " + invalidations + " invalidations, " + evictions +
                " evictions, " + notCached + " files not cached";
        }
    }

    /**
     * @return the settings it was built with.
     */
    public FileCacheSettings settings()
    {
        return settings;
    }

    /**
     * @return its figures now (each read on its own, so not one instant's, while requests run).
     */
    public Stats stats()
    {
        return new Stats(entries.size(), cachedBytes.get(), hits.sum(), misses.sum(), validations.sum(),
            invalidations.sum(), evictions.sum(), notCached.sum());
    }

    /**
     * Drop every entry (their bytes go to the GC once no response writes from them). Later requests are served
     * without caching. Idempotent.
     */
    @Override
    public void close()
    {
        closed = true;
        for (final CachedFile entry : entries.values())
        {
            remove(entry, null);
        }
    }

    /**
     * The entry for a path, validated if its period is up.
     *
     * @param sys  where the validating statx goes: the connection's calls.
     * @param file the resolved path.
     * @return a valid entry (a file's bytes, or not found), or null: read the file and {@link #load} it.
     */
    CachedFile get(final Syscalls sys, final Path file)
    {
        final CachedFile entry = entries.get(file);
        if (entry == null)
        {
            misses.increment();
            return null;
        }
        final long now = System.nanoTime();
        entry.soLastAccess(now);
        final boolean valid;
        if (entry.isNotFound())
        {
            valid = periodNanos < 0 || now - entry.createdNanos() < periodNanos;
        }
        else
        {
            valid = periodNanos < 0 || !entry.casValidationDue(now, periodNanos) || unchanged(sys, entry);
        }
        if (!valid)
        {
            remove(entry, invalidations);
            misses.increment();
            return null;
        }
        hits.increment();
        return entry;
    }

    /**
     * @param size a regular file's size.
     * @return whether a file of that size is kept: within both size limits, and the cache is open.
     */
    boolean admits(final long size)
    {
        return !closed && size <= settings.maxFileSize() && size <= settings.maxCacheSize();
    }

    /**
     * Read a regular file the request has opened and checked into a new entry, and keep it (evicting others if that
     * takes the cache past a limit).
     *
     * @param sys  the connection's calls: the preads and an fstat go there.
     * @param fd   the open file, positioned anywhere (pread does not move it); the caller closes it.
     * @param file its resolved path, the key.
     * @param stat its attributes, from fstat of {@code fd}.
     * @return the entry, or null if the file is not to be cached (too large, or changed while it was read): serve
     * it from the fd.
     * @throws SyscallException if a pread or the fstat fails.
     */
    CachedFile load(final Syscalls sys, final int fd, final Path file, final FileStat stat) throws SyscallException
    {
        final long size = stat.size();
        if (!admits(size))
        {
            notCached.increment();
            return null;
        }
        final MemorySegment content = Arena.ofAuto().allocate(size, 1);
        long done = 0;
        while (done < size)
        {
            final long n = sys.pread(fd, content.asSlice(done), done);
            if (n <= 0)
            {
                notCached.increment(); // it shrank under us: the fd path sends what is there and says so
                return null;
            }
            done += n;
        }
        final FileStat after = sys.fstat(fd);
        if (after.mtimeNanos() != stat.mtimeNanos() || after.size() != size)
        {
            notCached.increment(); // written to while we read: these bytes may be a mix of old and new
            return null;
        }
        final CachedFile entry = CachedFile.of(file, content, stat, System.nanoTime());
        install(entry);
        return entry;
    }

    /**
     * Remember that a path does not exist, for one validation period (not at all when every request validates), as
     * Jetty's {@code NotFoundHttpContent} does.
     *
     * @param file the resolved path.
     */
    void rememberNotFound(final Path file)
    {
        if (periodNanos != 0 && !closed)
        {
            install(CachedFile.notFound(file, System.nanoTime()));
        }
    }

    private boolean unchanged(final Syscalls sys, final CachedFile entry)
    {
        validations.increment();
        final FileStat now;
        try
        {
            now = sys.stat(entry.path().toString());
        }
        catch (final SyscallException ex)
        {
            return false; // gone or unreachable: the uncached path opens it and answers as it should (404, 403)
        }
        return now.isRegularFile() && now.mtimeNanos() == entry.mtimeNanos() && now.size() == entry.size();
    }

    private void install(final CachedFile entry)
    {
        final CachedFile previous = entries.put(entry.path(), entry);
        // whoever takes an entry out of the map subtracts its bytes, exactly once: here for the one replaced
        cachedBytes.addAndGet(entry.size() - (previous == null ? 0 : previous.size()));
        if (closed)
        {
            remove(entry, null); // raced with close(): keep nothing
            return;
        }
        shrinkIfNeeded();
    }

    private boolean overLimits()
    {
        return entries.size() > settings.maxFiles() || cachedBytes.get() > settings.maxCacheSize();
    }

    /**
     * Evict least recently used entries until both limits hold; one thread at a time, and the one that stops
     * shrinking looks again after it let go, so an entry installed meanwhile is not left over a limit.
     */
    private void shrinkIfNeeded()
    {
        while (overLimits() && shrinking.compareAndSet(false, true))
        {
            try
            {
                while (overLimits() && !entries.isEmpty())
                {
                    // snapshot the clocks: requests keep touching entries while we sort
                    final List<Aged> byAge = new ArrayList<>(entries.size());
                    for (final CachedFile entry : entries.values())
                    {
                        byAge.add(new Aged(entry, entry.lvLastAccess()));
                    }
                    byAge.sort(LEAST_RECENTLY_USED);
                    for (final Aged aged : byAge)
                    {
                        if (!overLimits())
                        {
                            break;
                        }
                        remove(aged.file(), evictions);
                    }
                }
            }
            finally
            {
                shrinking.set(false);
            }
        }
    }

    private void remove(final CachedFile entry, final LongAdder reason)
    {
        if (entries.remove(entry.path(), entry))
        {
            cachedBytes.addAndGet(-entry.size());
            if (reason != null)
            {
                reason.increment();
            }
        }
    }

    private record Aged(CachedFile file, long lastAccessNanos)
    {
    }

    @Override
    public String toString()
    {
        return "FileCache[" + settings.describe() + "; " + stats() + "]";
    }
}
