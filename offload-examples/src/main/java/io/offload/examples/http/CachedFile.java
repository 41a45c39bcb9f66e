package io.offload.examples.http;

import io.offload.api.FileStat;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * One entry of a {@link FileCache}: a regular file's bytes in native memory with what its response headers need
 * (worked out once, when it was read), or a path remembered as not found. Immutable but for two clocks: when a
 * request last used it (for LRU eviction) and when it was last checked against the file system.
 * <p>
 * The bytes live in a segment of its own {@code Arena.ofAuto()}: nothing frees them while a response still
 * writes from them, even after the entry was evicted or replaced, and the GC returns them once no response and no
 * map refers to them (counted against {@code -XX:MaxDirectMemorySize} meanwhile, like direct buffers). By the
 * project's buffer-lifetime rule an automatic segment goes to the kernel as it is, without a copy.
 */
final class CachedFile
{
    private static final VarHandle LAST_ACCESS;
    private static final VarHandle LAST_VALIDATED;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            LAST_ACCESS = lookup.findVarHandle(CachedFile.class, "lastAccessNanos", long.class);
            LAST_VALIDATED = lookup.findVarHandle(CachedFile.class, "lastValidatedNanos", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Path path;
    private final MemorySegment content;
    private final long mtimeNanos;
    private final long modifiedSeconds;
    private final String lastModified;
    private final String contentType;
    private final long createdNanos;
    @SuppressWarnings("unused") // through LAST_ACCESS
    private long lastAccessNanos;
    @SuppressWarnings("unused") // through LAST_VALIDATED
    private long lastValidatedNanos;

    private CachedFile(final Path path, final MemorySegment content, final long mtimeNanos, final long nowNanos)
    {
        this.path = path;
        this.content = content;
        this.mtimeNanos = mtimeNanos;
        this.modifiedSeconds = Math.floorDiv(mtimeNanos, 1_000_000_000L); // HTTP dates have whole seconds
        this.lastModified = content == null ? null : HttpDates.format(modifiedSeconds);
        this.contentType = content == null ? null : MimeTypes.of(path.getFileName().toString());
        this.createdNanos = nowNanos;
        this.lastAccessNanos = nowNanos;
        this.lastValidatedNanos = nowNanos;
    }

    /**
     * @param path     the resolved path it was read from (the key).
     * @param content  its bytes, in a segment no one else writes.
     * @param stat     the file's attributes when it was read.
     * @param nowNanos {@link System#nanoTime()}.
     * @return the entry.
     */
    static CachedFile of(final Path path, final MemorySegment content, final FileStat stat, final long nowNanos)
    {
        return new CachedFile(path, content, stat.mtimeNanos(), nowNanos);
    }

    /**
     * @param path     a resolved path that did not exist.
     * @param nowNanos {@link System#nanoTime()}.
     * @return the entry that remembers it.
     */
    static CachedFile notFound(final Path path, final long nowNanos)
    {
        return new CachedFile(path, null, 0, nowNanos);
    }

    Path path()
    {
        return path;
    }

    boolean isNotFound()
    {
        return content == null;
    }

    /**
     * @return the bytes; null for a not-found entry.
     */
    MemorySegment content()
    {
        return content;
    }

    /**
     * @return the bytes it accounts for in the cache: the file's size, 0 for a not-found entry.
     */
    long size()
    {
        return content == null ? 0 : content.byteSize();
    }

    long mtimeNanos()
    {
        return mtimeNanos;
    }

    long modifiedSeconds()
    {
        return modifiedSeconds;
    }

    /**
     * @return the {@code Last-Modified} value, formatted once.
     */
    String lastModified()
    {
        return lastModified;
    }

    String contentType()
    {
        return contentType;
    }

    long createdNanos()
    {
        return createdNanos;
    }

    /**
     * @return when a request last used it; read by the evicting thread.
     */
    long lvLastAccess()
    {
        return (long)LAST_ACCESS.getOpaque(this);
    }

    /**
     * Note a use. Opaque: eviction order is a heuristic, a slightly old value only makes it a little less exact, and
     * a request pays no fence for it.
     *
     * @param nowNanos {@link System#nanoTime()}.
     */
    void soLastAccess(final long nowNanos)
    {
        LAST_ACCESS.setOpaque(this, nowNanos);
    }

    /**
     * Claim the next check against the file system, if one is due: of the requests that find it due at once, exactly
     * one wins and makes the statx; the others serve the entry as it is, as in Jetty's
     * {@code ValidatingCachedContent.isValid()}.
     *
     * @param nowNanos     {@link System#nanoTime()}.
     * @param periodNanos  the validation period, {@code >= 0}.
     * @return whether the caller is to check the file now.
     */
    boolean casValidationDue(final long nowNanos, final long periodNanos)
    {
        final long last = (long)LAST_VALIDATED.getVolatile(this);
        if (periodNanos > 0 && nowNanos - last <= periodNanos)
        {
            return false;
        }
        // pairs with itself: two requests that saw the same stale time race here and only one of them checks
        return periodNanos == 0 || LAST_VALIDATED.compareAndSet(this, last, nowNanos);
    }

    @Override
    public String toString()
    {
        return "CachedFile[" + path + (content == null ? ", not found" : ", " + content.byteSize() + " bytes") + "]";
    }
}
