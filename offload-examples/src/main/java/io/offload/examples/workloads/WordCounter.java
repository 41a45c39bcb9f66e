package io.offload.examples.workloads;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The counting half of {@code busybox wc}: lines are newlines, words are transitions from whitespace (or the start
 * of a file) to non-whitespace, bytes are bytes. Whitespace is C's {@code isspace}: space, \t, \n, \v, \f, \r.
 * State carries across reads, so a word split by a 1 KiB read boundary counts once, as it does in wc. (busybox
 * also skips non-printable bytes; the generated files are printable ASCII, where the two agree.)
 */
final class WordCounter
{
    /** Class bit of whitespace. */
    private static final int SPACE = 1;
    /** Class bit of a newline (also whitespace). */
    private static final int NEWLINE = 2;
    private static final byte[] CLASS = new byte[256];

    static
    {
        for (int c = 0; c < 256; c++)
        {
            CLASS[c] = (byte)((isSpace(c) ? SPACE : 0) | (c == '\n' ? NEWLINE : 0));
        }
    }

    private final byte[] scratch = new byte[4096];
    private long files;
    private long lines;
    private long words;
    private long bytes;
    private boolean inWord;

    /**
     * A new file: a word never spans two files.
     */
    void startFile()
    {
        inWord = false;
    }

    /**
     * @param buf    what a read returned.
     * @param length bytes it returned.
     */
    void accept(final MemorySegment buf, final long length)
    {
        long done = 0;
        while (done < length)
        {
            final int n = (int)Math.min(scratch.length, length - done);
            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, done, scratch, 0, n);
            count(scratch, n);
            done += n;
        }
    }

    /**
     * Branch-free, because text makes the branches of a naive loop unpredictable (a word every few bytes): a
     * table gives each byte its class, a word starts where a space is followed by a non-space.
     */
    private void count(final byte[] b, final int n)
    {
        long l = 0;
        long w = 0;
        int prevSpace = inWord ? 0 : 1;
        for (int i = 0; i < n; i++)
        {
            final int k = CLASS[b[i] & 0xff];
            final int space = k & SPACE;
            l += k >>> 1;
            w += prevSpace & (space ^ 1);
            prevSpace = space;
        }
        inWord = prevSpace == 0;
        lines += l;
        words += w;
        bytes += n;
    }

    /**
     * @param content a whole file.
     */
    void accept(final byte[] content)
    {
        int done = 0;
        while (done < content.length)
        {
            final int n = Math.min(scratch.length, content.length - done);
            System.arraycopy(content, done, scratch, 0, n);
            count(scratch, n);
            done += n;
        }
    }

    /**
     * The file is done.
     */
    void endFile()
    {
        files++;
    }

    /**
     * @param syscalls calls the count took.
     * @return the totals so far.
     */
    Tally.Words result(final long syscalls)
    {
        return new Tally.Words(syscalls, files, lines, words, bytes);
    }

    static boolean isSpace(final int c)
    {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
