package io.offload.examples.http;

/**
 * One byte range of a representation, from a {@code Range: bytes=...} request header (RFC 9110 section 14).
 * Only a single range is served: a multi-range request would need a multipart/byteranges body, and the RFC lets
 * a server ignore Range and send the whole representation instead, which is what {@link #parse} asks for.
 *
 * @param first offset of the first byte.
 * @param last  offset of the last byte, inclusive; {@code first <= last < size}.
 */
record ByteRange(long first, long last)
{
    /** The header names ranges, but none of them overlaps the representation: answer 416. */
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    /**
     * @return bytes in the range.
     */
    long length()
    {
        return last - first + 1;
    }

    /**
     * @param header the Range header's value, or null.
     * @param size   the representation's length.
     * @return the range to send; {@link #UNSATISFIABLE} for a 416; null to ignore the header and send everything
     * (no header, another unit, a malformed value, or several ranges).
     */
    static ByteRange parse(final String header, final long size)
    {
        if (header == null)
        {
            return null;
        }
        final String value = header.strip();
        final int eq = value.indexOf('=');
        if (eq < 0 || !value.substring(0, eq).strip().equalsIgnoreCase("bytes"))
        {
            return null;
        }
        final String spec = value.substring(eq + 1).strip();
        if (spec.isEmpty() || spec.indexOf(',') >= 0)
        {
            return null;
        }
        final int dash = spec.indexOf('-');
        if (dash < 0)
        {
            return null;
        }
        final String firstText = spec.substring(0, dash).strip();
        final String lastText = spec.substring(dash + 1).strip();
        if (firstText.isEmpty())
        {
            final long suffix = number(lastText); // bytes=-N: the last N bytes
            if (suffix < 0)
            {
                return null;
            }
            if (suffix == 0 || size == 0)
            {
                return UNSATISFIABLE;
            }
            return new ByteRange(Math.max(0, size - suffix), size - 1);
        }
        final long first = number(firstText);
        if (first < 0)
        {
            return null;
        }
        long last = size - 1;
        if (!lastText.isEmpty())
        {
            last = number(lastText);
            if (last < 0 || last < first)
            {
                return null; // invalid, so ignored (RFC 9110 section 14.1.1)
            }
        }
        if (first >= size)
        {
            return UNSATISFIABLE;
        }
        return new ByteRange(first, Math.min(last, size - 1));
    }

    /**
     * @return the value of 1*DIGIT, saturated at Long.MAX_VALUE (a huge offset is simply past the end), or -1 if
     * the text is not digits.
     */
    private static long number(final String text)
    {
        if (text.isEmpty())
        {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            if (value > (Long.MAX_VALUE - 9) / 10)
            {
                value = Long.MAX_VALUE;
            }
            else
            {
                value = value * 10 + (c - '0');
            }
        }
        return value;
    }
}
