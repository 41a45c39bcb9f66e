package io.offload.examples.http;

import java.util.Locale;
import java.util.Map;

/**
 * Content-Type from a file name's extension. A short fixed table is enough for a demo server and avoids the
 * platform's {@code Files.probeContentType}, whose answer depends on what the machine has installed.
 */
final class MimeTypes
{
    /** What a file whose extension is not in the table is served as: the client must not guess. */
    static final String DEFAULT = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
        Map.entry("html", "text/html; charset=utf-8"),
        Map.entry("htm", "text/html; charset=utf-8"),
        Map.entry("txt", "text/plain; charset=utf-8"),
        Map.entry("css", "text/css; charset=utf-8"),
        Map.entry("js", "text/javascript; charset=utf-8"),
        Map.entry("mjs", "text/javascript; charset=utf-8"),
        Map.entry("json", "application/json"),
        Map.entry("png", "image/png"),
        Map.entry("jpg", "image/jpeg"),
        Map.entry("jpeg", "image/jpeg"),
        Map.entry("svg", "image/svg+xml"));

    private MimeTypes()
    {
    }

    /**
     * @param fileName a file name or path.
     * @return its media type, {@link #DEFAULT} if the extension is unknown or missing.
     */
    static String of(final String fileName)
    {
        final int slash = fileName.lastIndexOf('/');
        final int dot = fileName.lastIndexOf('.');
        if (dot <= slash + 1 || dot == fileName.length() - 1)
        {
            return DEFAULT; // no extension, or a dot file such as ".profile"
        }
        return BY_EXTENSION.getOrDefault(fileName.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT);
    }
}
