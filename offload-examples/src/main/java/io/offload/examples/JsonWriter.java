package io.offload.examples;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The project's one JSON writer, by hand so the examples need no JSON library: the HTTP demo's directory listing,
 * the reports of the tour and the workloads, the phase export and jmh-bench's paired rounds all write through it.
 * <p>
 * Two layouts: {@link #pretty()} writes one member or element per line, two spaces per level, for files people
 * read; a container begun after {@link #inline()} stays on one line ({@code {"a": 1, "b": [2, 3]}}), for the rows
 * of a table. {@link #compact()} writes no white space at all, for HTTP bodies. Either way the document ends with
 * a line feed.
 * <p>
 * Strings are escaped as RFC 8259 section 7 asks: quote, backslash and every control character below U+0020;
 * U+2028 and U+2029 too, so the output is also safe inside a JavaScript string. A lone surrogate (a file name that
 * was not valid UTF-16) is replaced by U+FFFD, because JSON text must be valid Unicode. Non-finite numbers, which
 * JSON cannot hold, are written as {@code null}.
 * <p>
 * Misuse fails at once with {@link IllegalStateException}: a name outside an object, a value in an object without
 * a name, a container closed with the other bracket, {@link #toString()} with a container still open.
 */
public final class JsonWriter
{
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final char LINE_SEPARATOR = (char)0x2028;
    private static final char PARAGRAPH_SEPARATOR = (char)0x2029;

    /** An open object or array. */
    private static final class Container
    {
        final boolean object;
        final boolean oneLine;
        boolean empty = true;

        Container(final boolean object, final boolean oneLine)
        {
            this.object = object;
            this.oneLine = oneLine;
        }
    }

    private final StringBuilder out = new StringBuilder(1024);
    private final Deque<Container> open = new ArrayDeque<>();
    private final boolean pretty;
    private boolean afterName;
    private boolean nextInline;
    private boolean done;

    private JsonWriter(final boolean pretty)
    {
        this.pretty = pretty;
    }

    /**
     * @return a writer that puts each member and element on a line of its own, indented two spaces per level.
     */
    public static JsonWriter pretty()
    {
        return new JsonWriter(true);
    }

    /**
     * @return a writer that writes no white space between tokens.
     */
    public static JsonWriter compact()
    {
        return new JsonWriter(false);
    }

    /**
     * Write the next container, and everything in it, on one line ({@code ", "} between members). No effect on a
     * compact writer.
     *
     * @return this.
     */
    public JsonWriter inline()
    {
        nextInline = true;
        return this;
    }

    /** @return this, after <code>{</code>. */
    public JsonWriter beginObject()
    {
        return begin(true, '{');
    }

    /** @return this, after <code>}</code>. */
    public JsonWriter endObject()
    {
        return end(true, '}');
    }

    /** @return this, after {@code [}. */
    public JsonWriter beginArray()
    {
        return begin(false, '[');
    }

    /** @return this, after {@code ]}. */
    public JsonWriter endArray()
    {
        return end(false, ']');
    }

    /**
     * @param name the member's name; its value comes next.
     * @return this.
     */
    public JsonWriter name(final String name)
    {
        final Container container = open.peek();
        if (container == null || !container.object || afterName)
        {
            throw new IllegalStateException("a name belongs inside an object, before its value: '" + name + "'");
        }
        separate(container);
        string(out, name).append(pretty ? ": " : ":");
        afterName = true;
        return this;
    }

    /**
     * @param value a string, or null for {@code null}.
     * @return this.
     */
    public JsonWriter value(final String value)
    {
        beforeValue();
        string(out, value);
        return this;
    }

    /**
     * @param value a whole number.
     * @return this.
     */
    public JsonWriter value(final long value)
    {
        beforeValue();
        out.append(value);
        return this;
    }

    /**
     * @param value a number, written with as many digits as it takes to read it back exactly; null if not finite.
     * @return this.
     */
    public JsonWriter value(final double value)
    {
        beforeValue();
        out.append(Double.isFinite(value) ? Double.toString(value) : "null");
        return this;
    }

    /**
     * @param value    a number; null if not finite.
     * @param decimals digits after the decimal point, 0 to 9.
     * @return this.
     */
    public JsonWriter value(final double value, final int decimals)
    {
        if (decimals < 0 || decimals > 9)
        {
            throw new IllegalArgumentException("decimals must be in 0..9, got " + decimals);
        }
        beforeValue();
        out.append(Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "null");
        return this;
    }

    /**
     * @param value true or false.
     * @return this.
     */
    public JsonWriter value(final boolean value)
    {
        beforeValue();
        out.append(value);
        return this;
    }

    /** @return this, after {@code null}. */
    public JsonWriter nullValue()
    {
        beforeValue();
        out.append("null");
        return this;
    }

    /**
     * @param name  the member's name.
     * @param value its value, or null.
     * @return this.
     */
    public JsonWriter member(final String name, final String value)
    {
        return name(name).value(value);
    }

    /**
     * @param name  the member's name.
     * @param value its value.
     * @return this.
     */
    public JsonWriter member(final String name, final long value)
    {
        return name(name).value(value);
    }

    /**
     * @param name  the member's name.
     * @param value its value, see {@link #value(double)}.
     * @return this.
     */
    public JsonWriter member(final String name, final double value)
    {
        return name(name).value(value);
    }

    /**
     * @param name     the member's name.
     * @param value    its value.
     * @param decimals digits after the decimal point.
     * @return this.
     */
    public JsonWriter member(final String name, final double value, final int decimals)
    {
        return name(name).value(value, decimals);
    }

    /**
     * @param name  the member's name.
     * @param value its value.
     * @return this.
     */
    public JsonWriter member(final String name, final boolean value)
    {
        return name(name).value(value);
    }

    /**
     * @return the document, ending with a line feed.
     * @throws IllegalStateException if nothing was written or a container is still open.
     */
    @Override
    public String toString()
    {
        if (!open.isEmpty() || !done)
        {
            throw new IllegalStateException(open.isEmpty() ? "no JSON value written" :
                open.size() + " JSON container(s) still open");
        }
        return out + "\n";
    }

    /**
     * @param value a string, or null.
     * @return it as a JSON string (quoted and escaped), or {@code null}.
     */
    public static String quote(final String value)
    {
        return string(new StringBuilder(value == null ? 4 : value.length() + 2), value).toString();
    }

    private static StringBuilder string(final StringBuilder out, final String value)
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

    private JsonWriter begin(final boolean object, final char bracket)
    {
        beforeValue();
        final Container outer = open.peek();
        final boolean oneLine = !pretty || nextInline || (outer != null && outer.oneLine);
        nextInline = false;
        out.append(bracket);
        open.push(new Container(object, oneLine));
        done = false;
        return this;
    }

    private JsonWriter end(final boolean object, final char bracket)
    {
        final Container container = open.peek();
        if (container == null || container.object != object || afterName)
        {
            throw new IllegalStateException("'" + bracket + "' does not close what is open here" +
                (afterName ? " (a name without its value)" : ""));
        }
        open.pop();
        if (!container.empty && !container.oneLine)
        {
            newline();
        }
        out.append(bracket);
        done = open.isEmpty();
        return this;
    }

    /** Before a value: after a name nothing more, in an array the separator, at the top only once. */
    private void beforeValue()
    {
        if (afterName)
        {
            afterName = false;
            return;
        }
        final Container container = open.peek();
        if (container == null)
        {
            if (done || !out.isEmpty())
            {
                throw new IllegalStateException("a JSON document holds one value; this one is complete");
            }
            done = true;
            return;
        }
        if (container.object)
        {
            throw new IllegalStateException("a value in an object needs a name first");
        }
        separate(container);
    }

    /** A comma if the container has something in it already, then a new line unless it is on one line. */
    private void separate(final Container container)
    {
        if (!container.empty)
        {
            out.append(',');
            if (container.oneLine && pretty)
            {
                out.append(' ');
            }
        }
        container.empty = false;
        if (!container.oneLine)
        {
            newline();
        }
    }

    private void newline()
    {
        out.append('\n');
        out.append("  ".repeat(open.size()));
    }
}
