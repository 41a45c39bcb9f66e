package io.offload.examples;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The one JSON writer, read back by the one JSON reader of the tests.
 */
class JsonWriterTest
{
    @Test
    void nestsAndEscapes()
    {
        final String json = JsonWriter.pretty().beginObject().member("a\"b", "x\\y\n\u0001").name("list").beginArray()
            .value(1).value(2.5).value(Double.NaN).beginObject().endObject().beginArray().endArray().endArray()
            .member("t", true).endObject().toString();
        final Map<?, ?> parsed = (Map<?, ?>)JsonReader.parse(json);
        assertEquals("x\\y\n\u0001", parsed.get("a\"b"));
        final List<?> list = (List<?>)parsed.get("list");
        assertEquals(5, list.size());
        assertEquals(1.0, list.get(0));
        assertEquals(2.5, list.get(1));
        assertEquals(null, list.get(2));
        assertEquals(Boolean.TRUE, parsed.get("t"));
        assertThrows(IllegalStateException.class, () -> JsonWriter.pretty().beginObject().toString());
    }

    @Test
    void laysOutPrettyInlineAndCompact()
    {
        assertEquals("""
            {
              "n": 1,
              "row": {"a": [1, 2], "b": null},
              "x": 0.50,
              "empty": []
            }
            """, JsonWriter.pretty().beginObject().member("n", 1).name("row").inline().beginObject().name("a")
            .beginArray().value(1).value(2).endArray().name("b").nullValue().endObject().member("x", 0.5, 2)
            .name("empty").beginArray().endArray().endObject().toString());
        assertEquals("{\"a\":[1,{\"b\":\"c\"}],\"d\":-1.5E-7}\n", JsonWriter.compact().beginObject().name("a")
            .beginArray().value(1).inline().beginObject().member("b", "c").endObject().endArray()
            .member("d", -1.5e-7).endObject().toString());
        assertEquals("\"top\"\n", JsonWriter.pretty().value("top").toString());
    }

    @Test
    void refusesWhatIsNotJson()
    {
        assertThrows(IllegalStateException.class, () -> JsonWriter.pretty().beginArray().name("a"),
            "a name in an array");
        assertThrows(IllegalStateException.class, () -> JsonWriter.pretty().beginObject().value(1),
            "a value without a name");
        assertThrows(IllegalStateException.class, () -> JsonWriter.pretty().beginObject().endArray(),
            "the other bracket");
        assertThrows(IllegalStateException.class, () -> JsonWriter.pretty().beginObject().name("a").endObject(),
            "a name without a value");
        assertThrows(IllegalStateException.class, () -> JsonWriter.pretty().value(1).value(2),
            "two values at the top");
        assertThrows(IllegalStateException.class, () -> JsonWriter.compact().toString(), "nothing written");
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.pretty().value(1.0, 10));
    }

    @Test
    void readerRefusesWhatIsNotJson()
    {
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("{\"a\": 1, \"a\": 2}"), "duplicate");
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("[1,]"));
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("01"));
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("{} x"));
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("\"raw\ttab\""));
    }
}
