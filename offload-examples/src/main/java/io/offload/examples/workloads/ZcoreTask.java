package io.offload.examples.workloads;

import io.offload.api.Errno;
import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;
import io.offload.api.StatxDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;

/**
 * The six benchmarks of the zCore thesis (its Appendix A and section 5.2), each a loop of system calls through a
 * {@link RawSyscalls}, so the same code runs direct and offloaded and allocates nothing per call. Task3 to Task5
 * are two concurrent copies of Task0 to Task2 (the thesis forks two processes with time_multiproc; here two
 * threads of one process). Each constant carries the thesis' own timings (Tables 5.2 to 5.7, ms, original zCore
 * on one CPU against the implementation with system calls on a second CPU), so a run can be set beside them.
 */
public enum ZcoreTask
{
    /** many_syscalls.c: getpid and getppid, 10,000,000 times each. */
    TASK0(0, 1, Kind.PIDS, "getpid+getppid", "5.2", 4943.05, 21421.63, 5019.23, 21742.38),
    /** list_huge_dir.c 100: stat every entry of the directory, 100 rounds. */
    TASK1(1, 1, Kind.STATS, "stat every entry", "5.3", 7522.78, 7526.08, 14353.72, 14257.45),
    /** busybox wc DIR/*: read every file in 1 KiB reads, count lines, words and bytes. */
    TASK2(2, 1, Kind.WORDS, "wc every file", "5.4", 931.12, 941.81, 19501.75, 19150.05),
    /** time_multiproc 2 many_syscalls. */
    TASK3(3, 2, Kind.PIDS, "2 x getpid+getppid", "5.5", 9871.63, 38031.88, 10012.26, 38379.68),
    /** time_multiproc 2 list_huge_dir 100. */
    TASK4(4, 2, Kind.STATS, "2 x stat every entry", "5.6", 15041.74, 15071.40, 28800.77, 29262.01),
    /** time_multiproc 2 busybox wc DIR/*. */
    TASK5(5, 2, Kind.WORDS, "2 x wc every file", "5.7", 1655.45, 1695.72, 38921.19, 39215.17);

    /** Loop iterations of Task0 in the thesis (N * M in many_syscalls.c). */
    public static final long THESIS_LOOPS = 10_000_000L;
    /** Rounds of Task1 in the thesis' ramfs mode. */
    public static final int THESIS_ROUNDS = 100;
    /** Bytes per read: musl's stdio buffer, which busybox wc reads through. */
    public static final int WC_READ_SIZE = 1024;
    /** Bytes per getdents64: musl's DIR buffer, which readdir fills. */
    public static final int DENTS_SIZE = 2048;
    /** PATH_MAX: room for list_huge_dir's full_path. */
    static final int PATH_MAX = 4096;

    /** What a task does. */
    enum Kind
    {
        /** Task0 and Task3. */
        PIDS,
        /** Task1 and Task4. */
        STATS,
        /** Task2 and Task5. */
        WORDS
    }

    private final int number;
    private final int copies;
    private final Kind kind;
    private final String what;
    private final String table;
    private final double ramfsOriginalMs;
    private final double ramfsOffloadedMs;
    private final double diskOriginalMs;
    private final double diskOffloadedMs;

    ZcoreTask(final int number, final int copies, final Kind kind, final String what, final String table,
        final double ramfsOriginalMs, final double ramfsOffloadedMs, final double diskOriginalMs,
        final double diskOffloadedMs)
    {
        this.number = number;
        this.copies = copies;
        this.kind = kind;
        this.what = what;
        this.table = table;
        this.ramfsOriginalMs = ramfsOriginalMs;
        this.ramfsOffloadedMs = ramfsOffloadedMs;
        this.diskOriginalMs = diskOriginalMs;
        this.diskOffloadedMs = diskOffloadedMs;
    }

    /** @return "task0" .. "task5". */
    public String id()
    {
        return "task" + number;
    }

    /** @return 0 .. 5. */
    public int number()
    {
        return number;
    }

    /** @return concurrent copies: 1 for Task0-2, 2 for Task3-5. */
    public int copies()
    {
        return copies;
    }

    Kind kind()
    {
        return kind;
    }

    /** @return a few words on what it does. */
    public String what()
    {
        return what;
    }

    /** @return the thesis table its figures come from, e.g. "5.2". */
    public String thesisTable()
    {
        return table;
    }

    /** @return the thesis' ramfs time on original zCore (one CPU), ms. */
    public double ramfsOriginalMs()
    {
        return ramfsOriginalMs;
    }

    /** @return the thesis' ramfs time with system calls on CPU1, ms. */
    public double ramfsOffloadedMs()
    {
        return ramfsOffloadedMs;
    }

    /** @return the thesis' disk time on original zCore, ms. */
    public double diskOriginalMs()
    {
        return diskOriginalMs;
    }

    /** @return the thesis' disk time with system calls on CPU1, ms. */
    public double diskOffloadedMs()
    {
        return diskOffloadedMs;
    }

    /** @return the thesis' ramfs ratio, offloaded over original (Task0 4.33). */
    public double thesisRamfsRatio()
    {
        return ramfsOffloadedMs / ramfsOriginalMs;
    }

    /** @return the thesis' disk ratio, offloaded over original. */
    public double thesisDiskRatio()
    {
        return diskOffloadedMs / diskOriginalMs;
    }

    /**
     * @param name "task3", "Task3" or "3".
     * @return the task.
     * @throws IllegalArgumentException for anything else.
     */
    public static ZcoreTask parse(final String name)
    {
        final String n = name.strip().toLowerCase(Locale.ROOT);
        for (final ZcoreTask task : values())
        {
            if (n.equals(task.id()) || n.equals(Integer.toString(task.number)))
            {
                return task;
            }
        }
        throw new IllegalArgumentException("unknown task '" + name + "': use task0 .. task5 (or 0 .. 5)");
    }

    /**
     * How big one copy of a task is.
     *
     * @param loops  Task0 loop iterations (one getpid and one getppid each).
     * @param rounds Task1 rounds over the directory.
     * @param passes Task2 passes over the files (the thesis: one).
     */
    public record Sizes(long loops, int rounds, int passes)
    {
        /**
         * @param loops  loops.
         * @param rounds rounds.
         * @param passes passes.
         */
        public Sizes
        {
            if (loops < 1 || rounds < 1 || passes < 1)
            {
                throw new IllegalArgumentException("sizes must be >= 1: " + loops + ", " + rounds + ", " + passes);
            }
        }

        /**
         * @param scale multiplies the thesis' counts (rounded, at least 1 each).
         * @return the sizes.
         */
        public static Sizes ofScale(final double scale)
        {
            return new Sizes(Math.max(1L, Math.round(THESIS_LOOPS * scale)),
                (int)Math.max(1L, Math.round(THESIS_ROUNDS * scale)), (int)Math.max(1L, Math.round(scale)));
        }
    }

    /**
     * What one copy of this task run with {@code sizes} must compute.
     *
     * @param sizes how big.
     * @param tree  the directory.
     * @param pid   this process's id.
     * @param ppid  its parent's id.
     * @return the expected tally of all copies together (syscalls: those of Task0; 0 where buffer filling decides).
     */
    public Tally expected(final Sizes sizes, final SourceTree tree, final long pid, final long ppid)
    {
        return switch (kind)
        {
            case PIDS -> new Tally.Pids(2 * sizes.loops() * copies, sizes.loops() * copies, pid, ppid);
            case STATS ->
            {
                final Tally.Stats one = tree.expectedStats();
                final long n = (long)sizes.rounds() * copies;
                yield new Tally.Stats(0, one.entries() * n, one.regularFiles() * n, one.bytes() * n);
            }
            case WORDS -> tree.expectedWords().times((long)sizes.passes() * copies);
        };
    }

    /**
     * Run one copy of the task body on the calling thread (no copies, no timing).
     *
     * @param sys   where the calls go.
     * @param sizes how big.
     * @param tree  the directory (unused by Task0).
     * @param pid   what getpid must return.
     * @param ppid  what getppid must return.
     * @return what it computed.
     */
    public Tally runCopy(final RawSyscalls sys, final Sizes sizes, final SourceTree tree, final long pid,
        final long ppid)
    {
        return switch (kind)
        {
            case PIDS -> manySyscalls(sys, sizes.loops(), pid, ppid);
            case STATS ->
            {
                try (Arena arena = Arena.ofConfined())
                {
                    yield listHugeDir(sys, tree, sizes.rounds(), arena.allocate(DENTS_SIZE, 8),
                        arena.allocate(PATH_MAX), arena.allocate(StatxDescriptor.LENGTH, 8));
                }
            }
            case WORDS ->
            {
                try (Arena arena = Arena.ofConfined())
                {
                    yield wc(sys, tree, sizes.passes(), arena.allocate(WC_READ_SIZE, 8));
                }
            }
        };
    }

    /**
     * Listing A.1, many_syscalls.c. Every result is checked, so a failed call cannot pass for a fast one.
     */
    static Tally.Pids manySyscalls(final RawSyscalls sys, final long loops, final long pid, final long ppid)
    {
        long wrong = 0;
        for (long i = 0; i < loops; i++)
        {
            final long p = sys.getpid();
            final long pp = sys.getppid();
            if (p != pid | pp != ppid)
            {
                wrong++;
            }
        }
        if (wrong != 0)
        {
            throw new IllegalStateException(wrong + " of " + loops + " getpid/getppid pairs returned other than " +
                pid + "/" + ppid + " (got " + sys.getpid() + "/" + sys.getppid() + ")");
        }
        return new Tally.Pids(2 * loops, loops, pid, ppid);
    }

    /**
     * Listing A.3, list_huge_dir.c: open the directory, read its entries with getdents64 into a 2 KiB buffer (what
     * musl's readdir does), build each entry's full path by copying the name after the directory's path, stat it,
     * close the directory; {@code rounds} times. "." and ".." are stat'ed too, as the C program does.
     */
    static Tally.Stats listHugeDir(final RawSyscalls sys, final SourceTree tree, final int rounds,
        final MemorySegment dents, final MemorySegment fullPath, final MemorySegment statx)
    {
        final byte[] prefix = tree.dirPrefix();
        MemorySegment.copy(prefix, 0, fullPath, ValueLayout.JAVA_BYTE, 0, prefix.length);
        long syscalls = 0;
        long entries = 0;
        long regular = 0;
        long bytes = 0;
        for (int round = 0; round < rounds; round++)
        {
            final int fd = (int)check("openat " + tree.dir(), sys.openat(LinuxConstants.AT_FDCWD, tree.nativeDir(),
                LinuxConstants.O_RDONLY | LinuxConstants.O_DIRECTORY | LinuxConstants.O_CLOEXEC, 0));
            syscalls++;
            while (true)
            {
                final long filled = check("getdents64", sys.getdents64(fd, dents));
                syscalls++;
                if (filled == 0)
                {
                    break;
                }
                long offset = 0;
                while (offset < filled)
                {
                    final int reclen = Short.toUnsignedInt(
                        dents.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset + 16));
                    copyName(dents, offset + 19, offset + reclen, fullPath, prefix.length);
                    check("statx", sys.statx(LinuxConstants.AT_FDCWD, fullPath, 0,
                        LinuxConstants.STATX_BASIC_STATS, statx));
                    syscalls++;
                    entries++;
                    final int mode = Short.toUnsignedInt(
                        statx.get(ValueLayout.JAVA_SHORT_UNALIGNED, StatxDescriptor.MODE_OFFSET));
                    if ((mode & LinuxConstants.S_IFMT) == LinuxConstants.S_IFREG)
                    {
                        regular++;
                        bytes += statx.get(ValueLayout.JAVA_LONG_UNALIGNED, StatxDescriptor.SIZE_OFFSET);
                    }
                    offset += reclen;
                }
            }
            check("close", sys.close(fd));
            syscalls++;
        }
        return new Tally.Stats(syscalls, entries, regular, bytes);
    }

    /** The memcpy of d_name, with its NUL, after the directory's path. */
    private static void copyName(final MemorySegment dents, final long from, final long end,
        final MemorySegment fullPath, final int at)
    {
        long i = from;
        int to = at;
        while (i < end)
        {
            final byte b = dents.get(ValueLayout.JAVA_BYTE, i++);
            fullPath.set(ValueLayout.JAVA_BYTE, to++, b);
            if (b == 0)
            {
                return;
            }
        }
        throw new IllegalStateException("a getdents64 record without a NUL-terminated name");
    }

    /**
     * busybox wc over every file: open it, read it in 1 KiB reads until end of file (musl's stdio buffer is 1 KiB,
     * which is where the thesis' "approximately 44,000 reads of 1 KiB" come from), count, close.
     */
    static Tally.Words wc(final RawSyscalls sys, final SourceTree tree, final int passes, final MemorySegment buf)
    {
        final WordCounter counter = new WordCounter();
        long syscalls = 0;
        for (int pass = 0; pass < passes; pass++)
        {
            for (int i = 0; i < tree.fileCount(); i++)
            {
                final int fd = (int)check("openat", sys.openat(LinuxConstants.AT_FDCWD, tree.nativePath(i),
                    LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC, 0));
                syscalls++;
                counter.startFile();
                long n;
                do
                {
                    n = check("read", sys.read(fd, buf, WC_READ_SIZE));
                    syscalls++;
                    counter.accept(buf, n);
                }
                while (n > 0);
                counter.endFile();
                check("close", sys.close(fd));
                syscalls++;
            }
        }
        return counter.result(syscalls);
    }

    static long check(final String what, final long result)
    {
        if (result < 0)
        {
            throw new IllegalStateException(what + " failed: " + Errno.name((int)-result) + " (" + -result + ")");
        }
        return result;
    }
}
