package io.offload.examples.workloads;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

import static io.offload.examples.Json.quote;

/**
 * Just enough JSON writing for a report, by hand so the examples need no JSON library: objects and arrays, one
 * member per line, two spaces per level, commas where they belong. Non-finite numbers are written as null.
 */
final class JsonWriter
{
    private final StringBuilder out = new StringBuilder(4096);
    /** One per open container: whether nothing has been written in it yet. */
    private final Deque<boolean[]> open = new ArrayDeque<>();
    private boolean afterName;

    JsonWriter beginObject()
    {
        return begin('{');
    }

    JsonWriter endObject()
    {
        return end('}');
    }

    JsonWriter beginArray()
    {
        return begin('[');
    }

    JsonWriter endArray()
    {
        return end(']');
    }

    JsonWriter name(final String name)
    {
        separate();
        out.append(quote(name)).append(": ");
        afterName = true;
        return this;
    }

    JsonWriter value(final String value)
    {
        return raw(value == null ? "null" : quote(value));
    }

    JsonWriter value(final long value)
    {
        return raw(Long.toString(value));
    }

    JsonWriter value(final double value)
    {
        return raw(Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : "null");
    }

    JsonWriter value(final boolean value)
    {
        return raw(Boolean.toString(value));
    }

    JsonWriter member(final String name, final String value)
    {
        return name(name).value(value);
    }

    JsonWriter member(final String name, final long value)
    {
        return name(name).value(value);
    }

    JsonWriter member(final String name, final double value)
    {
        return name(name).value(value);
    }

    JsonWriter member(final String name, final boolean value)
    {
        return name(name).value(value);
    }

    @Override
    public String toString()
    {
        if (!open.isEmpty())
        {
            throw new IllegalStateException(open.size() + " JSON container(s) still open");
        }
        return out.toString() + "\n";
    }

    private JsonWriter raw(final String json)
    {
        separate();
        out.append(json);
        return this;
    }

    private JsonWriter begin(final char bracket)
    {
        separate();
        out.append(bracket);
        open.push(new boolean[]{true});
        return this;
    }

    private JsonWriter end(final char bracket)
    {
        final boolean[] empty = open.pop();
        if (!empty[0])
        {
            newline();
        }
        out.append(bracket);
        return this;
    }

    /** Before a value or a name: a comma if the container has one already, then a new line, unless after a name. */
    private void separate()
    {
        if (afterName)
        {
            afterName = false;
            return;
        }
        final boolean[] empty = open.peek();
        if (empty == null)
        {
            return;
        }
        if (!empty[0])
        {
            out.append(',');
        }
        empty[0] = false;
        newline();
    }

    private void newline()
    {
        out.append('\n');
        out.append("  ".repeat(open.size()));
    }
}
