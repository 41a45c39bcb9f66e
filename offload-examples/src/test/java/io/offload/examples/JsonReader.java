package io.offload.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The project's JSON reader, for the tests: strict (RFC 8259, duplicate keys refused), so that "the JSON parses" is
 * checked by something other than the code that wrote it ({@link JsonWriter}). Objects become maps in document
 * order, arrays lists, numbers doubles, {@code null} null.
 * <p>
 * The one other reader in the repository is the plot script's ({@code jmh-bench/plots/PhasePlot.java}), which
 * must run as a single source file with nothing but the JDK, and so cannot import this one; its header says why.
 */
public final class JsonReader
{
    private final String s;
    private int i;

    private JsonReader(final String s)
    {
        this.s = s;
    }

    /**
     * @param text a JSON document.
     * @return its value: a Map, List, String, Double, Boolean or null.
     * @throws IllegalArgumentException saying where the text is not JSON.
     */
    public static Object parse(final String text)
    {
        final JsonReader p = new JsonReader(text);
        final Object value = p.value();
        p.ws();
        if (p.i != text.length())
        {
            throw p.error("trailing characters");
        }
        return value;
    }

    private Object value()
    {
        ws();
        if (i >= s.length())
        {
            throw error("unexpected end");
        }
        final char c = s.charAt(i);
        return switch (c)
        {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        i++;
        ws();
        if (peek() == '}')
        {
            i++;
            return map;
        }
        while (true)
        {
            ws();
            final String key = string();
            ws();
            expect(':');
            if (map.containsKey(key))
            {
                throw error("duplicate key " + key);
            }
            map.put(key, value());
            ws();
            if (peek() == ',')
            {
                i++;
                continue;
            }
            expect('}');
            return map;
        }
    }

    private List<Object> array()
    {
        final List<Object> list = new ArrayList<>();
        i++;
        ws();
        if (peek() == ']')
        {
            i++;
            return list;
        }
        while (true)
        {
            list.add(value());
            ws();
            if (peek() == ',')
            {
                i++;
                continue;
            }
            expect(']');
            return list;
        }
    }

    private String string()
    {
        expect('"');
        final StringBuilder out = new StringBuilder();
        while (true)
        {
            if (i >= s.length())
            {
                throw error("unterminated string");
            }
            final char c = s.charAt(i++);
            if (c == '"')
            {
                return out.toString();
            }
            if (c < 0x20)
            {
                throw error("raw control character in a string");
            }
            if (c != '\\')
            {
                out.append(c);
                continue;
            }
            final char e = s.charAt(i++);
            switch (e)
            {
                case '"', '\\', '/' -> out.append(e);
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' ->
                {
                    out.append((char)Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private Double number()
    {
        final int start = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0)
        {
            i++;
        }
        final String n = s.substring(start, i);
        if (!n.matches("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?"))
        {
            throw error("bad number '" + n + "'");
        }
        return Double.valueOf(n);
    }

    private Object literal(final String word, final Object value)
    {
        if (!s.startsWith(word, i))
        {
            throw error("bad literal");
        }
        i += word.length();
        return value;
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("expected '" + c + "'");
        }
        i++;
    }

    private char peek()
    {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void ws()
    {
        while (i < s.length() && Character.isWhitespace(s.charAt(i)))
        {
            i++;
        }
    }

    private IllegalArgumentException error(final String what)
    {
        return new IllegalArgumentException(what + " at " + i + ": ..." +
            s.substring(Math.max(0, i - 30), Math.min(s.length(), i + 30)) + "...");
    }
}
