package io.offload.examples.http;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 section 5.6.7). Responses carry IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}), whose
 * day is always two digits, which is why {@link DateTimeFormatter#RFC_1123_DATE_TIME} (one digit for days below 10)
 * is not used to format. Requests may carry any of the three forms the RFC says a recipient must accept.
 * <p>
 * The {@code Date} header of every response comes from {@link #now()}, formatted once per second and shared: a busy
 * server would otherwise format the same string thousands of times a second.
 */
final class HttpDates
{
    private static final DateTimeFormatter IMF_FIXDATE =
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    /** RFC 850: {@code Sunday, 06-Nov-94 08:49:37 GMT}; a two-digit year is read as 1970..2069. */
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
        .appendPattern("EEEE, dd-MMM-")
        .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
        .appendPattern(" HH:mm:ss 'GMT'")
        .toFormatter(Locale.US);
    /** C's asctime(): {@code Sun Nov  6 08:49:37 1994}. */
    private static final DateTimeFormatter ASCTIME =
        DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

    private static volatile Cached cached = new Cached(-1, "");

    private record Cached(long second, String text)
    {
    }

    private HttpDates()
    {
    }

    /**
     * @return the current time as IMF-fixdate, the same string for every call within one second.
     */
    static String now()
    {
        final long second = System.currentTimeMillis() / 1000;
        Cached current = cached;
        if (current.second() != second)
        {
            current = new Cached(second, format(second));
            cached = current; // a race only formats the same second twice
        }
        return current.text();
    }

    /**
     * @param epochSecond seconds since the epoch.
     * @return IMF-fixdate.
     */
    static String format(final long epochSecond)
    {
        return IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond));
    }

    /**
     * @param text a header value in any of the three HTTP date forms.
     * @return seconds since the epoch, or {@code Long.MIN_VALUE} if it is none of them: RFC 9110 says an invalid
     * {@code If-Modified-Since} is ignored, so a bad date is not an error.
     */
    static long parse(final String text)
    {
        if (text == null)
        {
            return Long.MIN_VALUE;
        }
        final String value = text.strip();
        for (final DateTimeFormatter form : new DateTimeFormatter[]{IMF_FIXDATE, RFC_850, ASCTIME})
        {
            try
            {
                return LocalDateTime.parse(value, form.withZone(null)).toEpochSecond(ZoneOffset.UTC);
            }
            catch (final DateTimeParseException ignored)
            {
                // try the next form
            }
        }
        return Long.MIN_VALUE;
    }
}
