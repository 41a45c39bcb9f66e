package io.offload.examples;

/**
 * The little JSON the example programs write by hand (the HTTP demo's directory listing, the reports of the tour,
 * the workloads and the phase export): a quoted, escaped string. Escaping follows RFC 8259
 * section 7: quote, backslash and every control character below U+0020 are escaped; U+2028 and U+2029 too, so the
 * output is also safe inside a JavaScript string. A lone surrogate (a file name that was not valid UTF-16) is
 * replaced by U+FFFD, because JSON text must be valid Unicode.
 */
public final class Json
{
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final char LINE_SEPARATOR = (char)0x2028;
    private static final char PARAGRAPH_SEPARATOR = (char)0x2029;

    private Json()
    {
    }

    /**
     * @param out   where to append.
     * @param value the string; null is written as {@code null}.
     * @return {@code out}.
     */
    public static StringBuilder string(final StringBuilder out, final String value)
    {
        if (value == null)
        {
            return out.append("null");
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default ->
                {
                    if (c < 0x20 || c == LINE_SEPARATOR || c == PARAGRAPH_SEPARATOR)
                    {
                        out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                            .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                    }
                    else if (Character.isHighSurrogate(c) && i + 1 < value.length() &&
                        Character.isLowSurrogate(value.charAt(i + 1)))
                    {
                        out.append(c).append(value.charAt(++i));
                    }
                    else if (Character.isSurrogate(c))
                    {
                        out.append('\uFFFD');
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /**
     * @param value the string; null is written as {@code null}.
     * @return it as a JSON string.
     */
    public static String quote(final String value)
    {
        return string(new StringBuilder(value == null ? 4 : value.length() + 2), value).toString();
    }
}
