package io.offload.servers.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuListTest
{
    @Test
    void shouldParseNumbersAndRanges()
    {
        assertArrayEquals(new int[]{ 0, 1, 2, 3, 8, 10, 11 }, CpuList.parse("0-3,8,10-11"));
    }

    @Test
    void shouldIgnoreTheNewlineOfASysfsFile()
    {
        assertArrayEquals(new int[]{ 0, 1 }, CpuList.parse("0-1\n"));
    }

    @Test
    void shouldParseBlankAsNoCpus()
    {
        assertArrayEquals(new int[0], CpuList.parse(""));
        assertArrayEquals(new int[0], CpuList.parse(" \n"));
        assertArrayEquals(new int[0], CpuList.parseListed(""));
    }

    @Test
    void shouldParseAsASortedSet()
    {
        assertArrayEquals(new int[]{ 0, 1, 2, 8 }, CpuList.parse("8,0-2,1"));
    }

    @Test
    void shouldKeepOrderAndRepeatsWhenParsingAsListed()
    {
        assertArrayEquals(new int[]{ 15, 7, 7, 11, 12 }, CpuList.parseListed("15,7,7,11-12"));
    }

    @Test
    void shouldFormatRunsAsRanges()
    {
        assertEquals("0-6,8-10,12-14", CpuList.format(0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 13, 14));
        assertEquals("5", CpuList.format(5));
        assertEquals("3-4", CpuList.format(4, 3));
        assertEquals("1,3,5", CpuList.format(5, 3, 1, 3));
        assertEquals("", CpuList.format());
    }

    @Test
    void shouldFormatListedWithRepeatsSoItParsesBack()
    {
        final int[] cpus = { 7, 7, 8, 9, 11 };

        final String text = CpuList.formatListed(cpus);

        assertEquals("7,7-9,11", text);
        assertArrayEquals(cpus, CpuList.parseListed(text));
    }

    @Test
    void shouldNotChangeTheArrayItFormats()
    {
        final int[] cpus = { 3, 1, 2 };

        CpuList.format(cpus);

        assertArrayEquals(new int[]{ 3, 1, 2 }, cpus);
    }

    @ParameterizedTest
    @ValueSource(strings = { "0", "0-1", "0-6,8-10,12-14", "0-15,32-47", "1,3,5,7", "7,11,15", "65535", "0,2-3" })
    void shouldRoundTripCanonicalLists(final String list)
    {
        assertEquals(list, CpuList.format(CpuList.parse(list)));
    }

    @Test
    void shouldRoundTripRandomSets()
    {
        final Random random = new Random(42);
        for (int round = 0; round < 1000; round++)
        {
            final int[] cpus = random.ints(random.nextInt(40), 0, 70).toArray();
            final int[] expected = Arrays.stream(cpus).sorted().distinct().toArray();

            assertArrayEquals(expected, CpuList.parse(CpuList.format(cpus)));

            Arrays.sort(cpus);
            assertArrayEquals(cpus, CpuList.parseListed(CpuList.formatListed(cpus)));
        }
    }

    @Test
    void shouldSayWhatIsWrongWithAListThatIsNotNumbers()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> CpuList.parse("0-x"));

        assertEquals("bad cpu list '0-x': expected numbers and ranges like 0-3,8", ex.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = { "a", "1,,2", ",1", "1,", "-1", "1-", "1-2-3", "0-15:2/4", "+1", "0x3", "1 2", "3..5" })
    void shouldRefuseMalformedLists(final String list)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> CpuList.parse(list));

        assertEquals("bad cpu list '" + list + "': expected numbers and ranges like 0-3,8", ex.getMessage());
    }

    @Test
    void shouldRefuseARangeThatGoesDown()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> CpuList.parse("0,7-3"));

        assertEquals("bad cpu list '0,7-3': range '7-3' goes down, write it low to high as 3-7", ex.getMessage());
    }

    @Test
    void shouldRefuseCpusAboveTheLimit()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> CpuList.parse("0-4000000"));

        assertTrue(ex.getMessage().contains("cpu 4000000 is above the largest cpu id supported, 65535"),
            ex.getMessage());
    }

    @Test
    void shouldRefuseNull()
    {
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse(null));
    }

    @Test
    void shouldRefuseToFormatNegativeCpus()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> CpuList.format(1, -1));

        assertEquals("cpu -1 is out of range: cpu ids are between 0 and 65535", ex.getMessage());
    }
}
