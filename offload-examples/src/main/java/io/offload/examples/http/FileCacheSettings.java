package io.offload.examples.http;

/**
 * The limits and the validation period of an {@link HttpServer}'s {@link FileCache}. {@link #JETTY_DEFAULTS} are
 * those Jetty 12.1's {@code ResourceHandler} gives its cache ({@code ValidatingCachingHttpContentFactory} over
 * {@code CachingHttpContentFactory}): files up to 128 MiB, 256 MiB and 2,048 entries in all, each entry checked
 * against the file system at most once a second.
 *
 * @param maxFileSize            the largest file held in memory, in bytes; a larger one is sent with sendfile(2) on
 *                               every request, as without a cache.
 * @param maxCacheSize           the most bytes of file contents held in all; when an entry takes the cache past it
 *                               (or past {@code maxFiles}), the least recently used entries are evicted until it
 *                               fits again. A file larger than this is never cached.
 * @param maxFiles               the most entries (files, and paths remembered as not found).
 * @param validationPeriodMillis how often an entry is checked against the file system, as Jetty's
 *                               {@code validationPeriod}: {@code -1} never (the cached bytes are served until
 *                               evicted), {@code 0} on every request (one statx per request), {@code n > 0} at most
 *                               once per {@code n} ms, by the first request after that much time (the others are
 *                               served from memory meanwhile). A path not found is remembered for the same period
 *                               (not at all for {@code 0}, forever for {@code -1}), as Jetty remembers it.
 */
public record FileCacheSettings(long maxFileSize, long maxCacheSize, int maxFiles, long validationPeriodMillis)
{
    /** Jetty 12.1's {@code ResourceHandler}: 128 MiB per file, 256 MiB and 2,048 entries in all, 1,000 ms. */
    public static final FileCacheSettings JETTY_DEFAULTS =
        new FileCacheSettings(128L * 1024 * 1024, 256L * 1024 * 1024, 2048, 1000);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException for a negative size, fewer than one file, or a period below -1.
     */
    public FileCacheSettings
    {
        if (maxFileSize < 0)
        {
            throw new IllegalArgumentException("maxFileSize must be >= 0 bytes, got " + maxFileSize);
        }
        if (maxCacheSize < 0)
        {
            throw new IllegalArgumentException("maxCacheSize must be >= 0 bytes, got " + maxCacheSize);
        }
        if (maxFiles < 1)
        {
            throw new IllegalArgumentException("maxFiles must be >= 1, got " + maxFiles + " (to serve without a " +
                "cache, leave it out: HttpServerBuilder.withoutFileCache())");
        }
        if (validationPeriodMillis < -1)
        {
            throw new IllegalArgumentException("validationPeriodMillis must be -1 (never), 0 (every request) or a " +
                "period in ms, got " + validationPeriodMillis);
        }
    }

    /**
     * @param bytes the largest file held in memory.
     * @return these settings with that limit.
     */
    public FileCacheSettings withMaxFileSize(final long bytes)
    {
        return new FileCacheSettings(bytes, maxCacheSize, maxFiles, validationPeriodMillis);
    }

    /**
     * @param bytes the most bytes held in all.
     * @return these settings with that limit.
     */
    public FileCacheSettings withMaxCacheSize(final long bytes)
    {
        return new FileCacheSettings(maxFileSize, bytes, maxFiles, validationPeriodMillis);
    }

    /**
     * @param files the most entries.
     * @return these settings with that limit.
     */
    public FileCacheSettings withMaxFiles(final int files)
    {
        return new FileCacheSettings(maxFileSize, maxCacheSize, files, validationPeriodMillis);
    }

    /**
     * @param millis -1 never, 0 every request, else at most once per that many ms.
     * @return these settings with that validation period.
     */
    public FileCacheSettings withValidationPeriodMillis(final long millis)
    {
        return new FileCacheSettings(maxFileSize, maxCacheSize, maxFiles, millis);
    }

    /**
     * @return one line for logs and the demo's banner.
     */
    public String describe()
    {
        final String validation = validationPeriodMillis < 0 ? "never revalidated" :
            validationPeriodMillis == 0 ? "revalidated (statx) on every request" :
                "revalidated (statx) at most every " + validationPeriodMillis + " ms";
        return "files up to " + bytes(maxFileSize) + " in memory, " + bytes(maxCacheSize) + " and " + maxFiles +
            " files in all, LRU eviction, " + validation + (equals(JETTY_DEFAULTS) ? " (Jetty 12's defaults)" : "");
    }

    private static String bytes(final long n)
    {
        if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
        {
            return n / (1024 * 1024) + " MiB";
        }
        if (n >= 1024 && n % 1024 == 0)
        {
            return n / 1024 + " KiB";
        }
        return n + " bytes";
    }
}
