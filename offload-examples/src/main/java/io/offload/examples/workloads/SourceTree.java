package io.offload.examples.workloads;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The directory of Task1, Task2, Task4 and Task5: the thesis used zCore's {@code /libc-test/src/math}, about 1,200
 * files that {@code busybox wc} reads in about 44,000 reads of 1 KiB. That tree is not shipped here, so one like
 * it is generated in a temp dir with a fixed seed: C-like text with words and newlines, sizes drawn log-normal
 * (median 32 KiB, sigma 1.2) and clamped to 100 B .. 64 KiB. The median is what makes 1,200 files take about
 * 43,000 reads of 1 KiB, the thesis' count, so the tasks make as many system calls as the thesis' did. Closing
 * the tree deletes it.
 */
public final class SourceTree implements AutoCloseable
{
    /** Files in the thesis' directory. */
    public static final int THESIS_FILES = 1_200;
    /** The seed unless told otherwise: the same tree on every run and machine. */
    public static final long DEFAULT_SEED = 0x5EED_2022L;
    /** Smallest file. */
    public static final int MIN_SIZE = 100;
    /** Largest file. */
    public static final int MAX_SIZE = 64 * 1024;
    /** Median of the log-normal sizes. */
    static final double MEDIAN_SIZE = 32 * 1024;
    /** Sigma of the log-normal sizes (of ln size). */
    static final double SIGMA = 1.2;

    private static final String[] STEMS = {
        "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "ceil", "copysign", "cos", "cosh", "erf",
        "erfc", "exp", "exp10", "exp2", "expm1", "fabs", "fdim", "floor", "fma", "fmax", "fmin", "fmod", "frexp",
        "hypot", "ilogb", "j0", "j1", "jn", "ldexp", "lgamma", "llrint", "llround", "log", "log10", "log1p", "log2",
        "logb", "lrint", "lround", "modf", "nearbyint", "nextafter", "nexttoward", "pow", "remainder", "remquo",
        "rint", "round", "scalb", "scalbln", "scalbn", "sin", "sincos", "sinh", "sqrt", "tan", "tanh", "tgamma",
        "trunc", "y0", "y1", "yn"};
    private static final String[] VARIANTS = {"", "f", "l"};
    private static final String[] WORDS = {
        "static", "const", "double", "float", "long", "int", "return", "if", "else", "for", "while", "struct", "x",
        "y", "z", "r", "e", "i", "0x1p-52", "0x1.921fb54442d18p+1", "1.0", "-0.0", "INFINITY", "NAN", "FE_INEXACT",
        "FE_UPWARD", "RN", "RZ", "/*", "*/", "#include", "<math.h>", "\"mtest.h\"", "{", "}", "(", ")", ";", "=",
        "+", "*", "-", "==", "&&", "t", "ulp", "error", "the", "result", "is", "correctly", "rounded", "to",
        "nearest", "test", "case", "input", "expected", "got", "want", "special", "value", "d", "p", "printf",
        "fenv", "checkulp"};

    private final Path dir;
    private final List<Path> files;
    private final long totalBytes;
    private final Tally.Words expected;
    private final Arena arena;
    private final MemorySegment nativeDir;
    private final MemorySegment[] nativePaths;
    private final byte[] dirPrefix;

    private SourceTree(final Path dir, final List<Path> files, final long totalBytes, final Tally.Words expected)
    {
        this.dir = dir;
        this.files = Collections.unmodifiableList(files);
        this.totalBytes = totalBytes;
        this.expected = expected;
        this.arena = Arena.ofShared(); // read by every caller thread and, offloaded, by the server's syscalls
        this.nativeDir = arena.allocateFrom(dir.toString());
        this.nativePaths = new MemorySegment[files.size()];
        for (int i = 0; i < nativePaths.length; i++)
        {
            nativePaths[i] = arena.allocateFrom(files.get(i).toString());
        }
        this.dirPrefix = (dir + "/").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Write the tree.
     *
     * @param parent where to make its directory (a temp dir is made inside it).
     * @param count  files, {@code >= 1}; the thesis' directory had {@value #THESIS_FILES}.
     * @param seed   picks the sizes and the text.
     * @return the tree, with what wc must find in it.
     * @throws IOException if it cannot be written; what was written is deleted.
     */
    public static SourceTree create(final Path parent, final int count, final long seed) throws IOException
    {
        if (count < 1)
        {
            throw new IllegalArgumentException("a source tree needs at least one file, got " + count);
        }
        final Path dir = Files.createTempDirectory(parent, "offload-srctree-");
        final List<Path> files = new ArrayList<>(count);
        try
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final WordCounter counter = new WordCounter();
            long total = 0;
            for (int i = 0; i < count; i++)
            {
                final int size = size(random);
                final byte[] content = text(random, size);
                final Path file = dir.resolve(name(i));
                Files.write(file, content);
                files.add(file);
                counter.startFile();
                counter.accept(content);
                counter.endFile();
                total += size;
            }
            return new SourceTree(dir, files, total, counter.result(0));
        }
        catch (final IOException | RuntimeException ex)
        {
            delete(dir, files);
            throw ex;
        }
    }

    static int size(final SplittableRandom random)
    {
        final double drawn = Math.exp(Math.log(MEDIAN_SIZE) + SIGMA * random.nextGaussian());
        return (int)Math.max(MIN_SIZE, Math.min(MAX_SIZE, Math.round(drawn)));
    }

    static String name(final int index)
    {
        final String stem = STEMS[index % STEMS.length];
        final String variant = VARIANTS[(index / STEMS.length) % VARIANTS.length];
        final int generation = index / (STEMS.length * VARIANTS.length);
        return String.format(Locale.ROOT, "%s%s%s.%s", stem, variant, generation == 0 ? "" : "_" + generation,
            (index & 3) == 3 ? "h" : "c");
    }

    /**
     * Lines of 1 to 12 words, single or double spaced, some indented by a tab, some empty; cut to {@code size}
     * and ended with a newline.
     */
    static byte[] text(final SplittableRandom random, final int size)
    {
        final StringBuilder out = new StringBuilder(size + 128);
        while (out.length() < size)
        {
            if (random.nextInt(10) == 0)
            {
                out.append('\n');
                continue;
            }
            if (random.nextInt(3) == 0)
            {
                out.append('\t');
            }
            final int words = 1 + random.nextInt(12);
            for (int w = 0; w < words; w++)
            {
                if (w > 0)
                {
                    out.append(random.nextInt(8) == 0 ? "  " : " ");
                }
                out.append(WORDS[random.nextInt(WORDS.length)]);
            }
            out.append('\n');
        }
        final byte[] bytes = out.substring(0, size).getBytes(StandardCharsets.US_ASCII);
        bytes[size - 1] = '\n';
        return bytes;
    }

    /** @return the directory. */
    public Path dir()
    {
        return dir;
    }

    /** @return its files, in the order wc is given them. */
    public List<Path> files()
    {
        return files;
    }

    /** @return how many files. */
    public int fileCount()
    {
        return files.size();
    }

    /** @return the files' sizes summed. */
    public long totalBytes()
    {
        return totalBytes;
    }

    /**
     * @return what one wc over every file must find, counted from the bytes as they were written (its syscalls
     *         field is 0: that depends on how the run reads).
     */
    public Tally.Words expectedWords()
    {
        return expected;
    }

    /**
     * @return what one list_huge_dir round must find: every file and "." and "..".
     */
    public Tally.Stats expectedStats()
    {
        return new Tally.Stats(0, files.size() + 2L, files.size(), totalBytes);
    }

    MemorySegment nativeDir()
    {
        return nativeDir;
    }

    MemorySegment nativePath(final int index)
    {
        return nativePaths[index];
    }

    /**
     * @return the directory's path and a slash, as list_huge_dir.c's HUGE_DIR.
     */
    byte[] dirPrefix()
    {
        return dirPrefix.clone();
    }

    /**
     * Delete the files and the directory, and free the native paths.
     */
    @Override
    public void close()
    {
        try
        {
            delete(dir, files);
        }
        finally
        {
            arena.close();
        }
    }

    /**
     * Best-effort removal of generated files and then their directory; what is left is reported on stderr.
     *
     * @param dir   the directory.
     * @param files the files in it.
     */
    static void delete(final Path dir, final List<Path> files)
    {
        for (final Path file : files)
        {
            try
            {
                Files.deleteIfExists(file);
            }
            catch (final IOException ignored)
            {
                // best effort: the directory delete below reports what is left
            }
        }
        try
        {
            Files.deleteIfExists(dir);
        }
        catch (final IOException ex)
        {
            System.err.println("could not delete " + dir + ": " + ex);
        }
    }
}
