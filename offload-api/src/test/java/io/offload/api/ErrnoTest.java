package io.offload.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ErrnoTest
{
    /**
     * The holes in the Linux numbering: no name, and glibc calls them "Unknown error N".
     */
    private static final int[] HOLES = {41, 58};

    private static final Pattern DEFINE = Pattern.compile("^#define\\s+(E[A-Z0-9]+)\\s+(\\d+)\\b");

    @Test
    void knownNamesAndMessages()
    {
        assertEquals(9, Errno.EBADF);
        assertEquals("EBADF", Errno.name(9));
        assertEquals("Bad file descriptor", Errno.message(Errno.EBADF));

        assertEquals(2, Errno.ENOENT);
        assertEquals("ENOENT", Errno.name(2));
        assertEquals("No such file or directory", Errno.message(Errno.ENOENT));

        assertEquals(11, Errno.EAGAIN);
        assertEquals(Errno.EAGAIN, Errno.EWOULDBLOCK);
        assertEquals("EAGAIN", Errno.name(Errno.EWOULDBLOCK));
        assertEquals("Resource temporarily unavailable", Errno.message(11));

        assertEquals(125, Errno.ECANCELED);
        assertEquals("ECANCELED", Errno.name(125));
        assertEquals("Operation canceled", Errno.message(125));

        assertEquals(110, Errno.ETIMEDOUT);
        assertEquals("ETIMEDOUT", Errno.name(110));
        assertEquals("Connection timed out", Errno.message(110));

        assertEquals(104, Errno.ECONNRESET);
        assertEquals("ECONNRESET", Errno.name(104));
        assertEquals("Connection reset by peer", Errno.message(104));

        assertEquals(32, Errno.EPIPE);
        assertEquals("EPIPE", Errno.name(32));
        assertEquals("Broken pipe", Errno.message(32));

        assertEquals(1, Errno.EPERM);
        assertEquals(133, Errno.EHWPOISON);
        assertEquals("EHWPOISON", Errno.name(Errno.MAX_ERRNO));
    }

    @Test
    void aliasesShareNumbersAndNameGivesThePrimary()
    {
        assertEquals(Errno.EDEADLK, Errno.EDEADLOCK);
        assertEquals(Errno.EOPNOTSUPP, Errno.ENOTSUP);
        assertEquals("EDEADLK", Errno.name(Errno.EDEADLOCK));
        assertEquals("EOPNOTSUPP", Errno.name(Errno.ENOTSUP));
        assertEquals(11, Errno.byName("EWOULDBLOCK"));
        assertEquals(35, Errno.byName("EDEADLOCK"));
        assertEquals(95, Errno.byName("ENOTSUP"));
    }

    @Test
    void everyNumberHasANameAndAMessage()
    {
        for (int n = 1; n <= Errno.MAX_ERRNO; n++)
        {
            final String message = Errno.message(n);
            assertNotNull(message, "message " + n);
            assertFalse(message.isEmpty(), "message " + n);
            if (isHole(n))
            {
                continue;
            }
            final String name = Errno.name(n);
            assertNotNull(name, "name " + n);
            assertTrue(name.startsWith("E"), name);
            assertFalse(message.startsWith("Unknown error"), name + ": " + message);
        }
    }

    @Test
    void byNameRoundTripsName()
    {
        for (int n = 1; n <= Errno.MAX_ERRNO; n++)
        {
            if (!isHole(n))
            {
                assertEquals(n, Errno.byName(Errno.name(n)), Errno.name(n));
            }
        }
    }

    @Test
    void knownNumbersDoNotAllocateNewStrings()
    {
        assertSame(Errno.name(Errno.EBADF), Errno.name(Errno.EBADF));
        assertSame(Errno.message(Errno.EBADF), Errno.message(Errno.EBADF));
    }

    @Test
    void unknownNumbers()
    {
        for (final int hole : HOLES)
        {
            assertEquals("errno " + hole, Errno.name(hole));
            assertEquals("Unknown error " + hole, Errno.message(hole));
        }
        assertEquals("errno 9999", Errno.name(9999));
        assertEquals("Unknown error 9999", Errno.message(9999));
        assertEquals("errno 134", Errno.name(134));
        assertEquals("Unknown error 134", Errno.message(134));
        assertEquals("errno -1", Errno.name(-1));
        assertEquals("Unknown error -1", Errno.message(-1));
        assertEquals("errno 0", Errno.name(0));
        assertEquals("Success", Errno.message(0));
    }

    @Test
    void unknownNames()
    {
        final IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> Errno.byName("ENOTANERRNO"));
        assertTrue(e.getMessage().contains("ENOTANERRNO"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown"), e.getMessage());
        assertTrue(e.getMessage().contains("EBADF"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Errno.byName("ebadf"));
        assertThrows(IllegalArgumentException.class, () -> Errno.byName(""));
        assertThrows(IllegalArgumentException.class, () -> Errno.byName(null));
    }

    @Test
    void matchesKernelHeaders() throws IOException
    {
        final List<Path> headers = List.of(
            Path.of("/usr/include/asm-generic/errno-base.h"),
            Path.of("/usr/include/asm-generic/errno.h"));
        for (final Path header : headers)
        {
            Assumptions.assumeTrue(Files.isReadable(header), header + " not present");
        }

        int checked = 0;
        for (final Path header : headers)
        {
            for (final String line : Files.readAllLines(header))
            {
                final Matcher m = DEFINE.matcher(line.strip());
                if (m.find())
                {
                    final String name = m.group(1);
                    final int number = Integer.parseInt(m.group(2));
                    assertEquals(number, Errno.byName(name), header + ": " + name);
                    assertEquals(name, Errno.name(number), header + ": " + number);
                    checked++;
                }
            }
        }
        assertEquals(Errno.MAX_ERRNO - HOLES.length, checked);
    }

    private static boolean isHole(final int n)
    {
        for (final int hole : HOLES)
        {
            if (hole == n)
            {
                return true;
            }
        }
        return false;
    }
}
