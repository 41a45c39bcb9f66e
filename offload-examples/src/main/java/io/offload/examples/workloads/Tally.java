package io.offload.examples.workloads;

import java.util.Locale;

/**
 * What one run of a workload computed, so that a run is checked and not only timed: the direct and the offloaded
 * run of a task must produce equal tallies, and both must equal what the workload's inputs say they should be. A
 * task that returned a wrong answer fast would otherwise look like a win.
 */
public sealed interface Tally permits Tally.Pids, Tally.Stats, Tally.Words
{
    /**
     * @return system calls the run made (every one through the syscalls object under test).
     */
    long syscalls();

    /**
     * @param other the tally of a concurrent copy of the same task.
     * @return both together.
     */
    Tally plus(Tally other);

    /**
     * @return the figures in a few words, for the table.
     */
    String summary();

    /**
     * @param expected what the run should have found.
     * @return whether the counts agree; the syscall count is left out where it depends on buffer filling.
     */
    boolean matches(Tally expected);

    /**
     * Task0: getpid and getppid in a loop.
     *
     * @param syscalls calls made.
     * @param loops    loop iterations (one getpid and one getppid each).
     * @param pid      what every getpid returned.
     * @param ppid     what every getppid returned.
     */
    record Pids(long syscalls, long loops, long pid, long ppid) implements Tally
    {
        @Override
        public Tally plus(final Tally other)
        {
            final Pids o = (Pids)other;
            if (o.pid != pid || o.ppid != ppid)
            {
                throw new IllegalStateException("two copies in one process saw different ids: " + this + ", " + o);
            }
            return new Pids(syscalls + o.syscalls, loops + o.loops, pid, ppid);
        }

        @Override
        public String summary()
        {
            return String.format(Locale.ROOT, "pid %d, ppid %d", pid, ppid);
        }

        @Override
        public boolean matches(final Tally expected)
        {
            return equals(expected);
        }
    }

    /**
     * Task1: stat of every directory entry, like list_huge_dir.c.
     *
     * @param syscalls     calls made (openat, getdents64, statx, close).
     * @param entries      entries stat'ed ("." and ".." included, as readdir returns them).
     * @param regularFiles entries that are regular files.
     * @param bytes        sum of the regular files' sizes.
     */
    record Stats(long syscalls, long entries, long regularFiles, long bytes) implements Tally
    {
        @Override
        public Tally plus(final Tally other)
        {
            final Stats o = (Stats)other;
            return new Stats(syscalls + o.syscalls, entries + o.entries, regularFiles + o.regularFiles,
                bytes + o.bytes);
        }

        @Override
        public String summary()
        {
            return String.format(Locale.ROOT, "%,d stats, %,d files", entries, regularFiles);
        }

        @Override
        public boolean matches(final Tally expected)
        {
            return expected instanceof Stats e && e.entries == entries && e.regularFiles == regularFiles &&
                e.bytes == bytes;
        }
    }

    /**
     * Task2: busybox wc over every file.
     *
     * @param syscalls calls made (openat, read, close).
     * @param files    files counted.
     * @param lines    newlines.
     * @param words    words: runs of non-whitespace.
     * @param bytes    bytes read.
     */
    record Words(long syscalls, long files, long lines, long words, long bytes) implements Tally
    {
        @Override
        public Tally plus(final Tally other)
        {
            final Words o = (Words)other;
            return new Words(syscalls + o.syscalls, files + o.files, lines + o.lines, words + o.words,
                bytes + o.bytes);
        }

        @Override
        public String summary()
        {
            return String.format(Locale.ROOT, "%,d words", words);
        }

        @Override
        public boolean matches(final Tally expected)
        {
            return expected instanceof Words e && e.files == files && e.lines == lines && e.words == words &&
                e.bytes == bytes;
        }

        /**
         * @param n how many times.
         * @return this tally as if the same files had been counted {@code n} times.
         */
        public Words times(final long n)
        {
            return new Words(syscalls * n, files * n, lines * n, words * n, bytes * n);
        }
    }
}
