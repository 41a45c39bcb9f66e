package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.api.FileStat;
import io.offload.api.IoVector;
import io.offload.api.StatxDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static io.offload.api.LinuxConstants.AT_FDCWD;
import static io.offload.api.LinuxConstants.AT_REMOVEDIR;
import static io.offload.api.LinuxConstants.O_CLOEXEC;
import static io.offload.api.LinuxConstants.O_CREAT;
import static io.offload.api.LinuxConstants.O_RDONLY;
import static io.offload.api.LinuxConstants.O_RDWR;
import static io.offload.api.LinuxConstants.STATX_BASIC_STATS;
import static io.offload.servers.uring.IoUringConstants.IORING_FEAT_RW_CUR_POS;
import static io.offload.servers.uring.IoUringConstants.IORING_FSYNC_DATASYNC;
import static io.offload.servers.uring.IoUringConstants.IORING_OP_FTRUNCATE;
import static io.offload.servers.uring.IoUringConstants.RWF_NOWAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * File system calls as SQEs on a temporary directory, each checked against what {@code java.nio.file} sees after:
 * read and write (positional and at the current position), readv and writev (both), RWF flags, openat, close, statx,
 * fsync and fdatasync, fallocate, ftruncate where the kernel has it, mkdirat, renameat, unlinkat, and the errors a
 * bad fd or a missing path give.
 */
class IoUringFileOpsTest
{
    @TempDir
    Path dir;

    private Arena arena;
    private IoUring ring;
    private final UringTests.Cqes cqes = new UringTests.Cqes();
    private long nextUserData = 1;

    @BeforeEach
    void open()
    {
        UringTests.assumeIoUring();
        arena = Arena.ofConfined();
        ring = IoUring.open(16);
    }

    @AfterEach
    void closeAll()
    {
        if (ring != null)
        {
            ring.close();
        }
        if (arena != null)
        {
            arena.close();
        }
    }

    /** Run the SQE {@code prep} filled (its user_data set here) and return its res. */
    private int run(final Consumer<Sqe> prep)
    {
        final long userData = nextUserData++;
        final Sqe sqe = ring.nextSqe();
        prep.accept(sqe);
        sqe.userData(userData);
        cqes.clear();
        return cqes.await(ring, 1).resOf(userData);
    }

    private long path(final Path path)
    {
        return UringTests.cString(arena, path.toString());
    }

    private int open(final Path path, final int flags, final int mode)
    {
        final int fd = run(sqe -> sqe.prepOpenat(AT_FDCWD, path(path), flags | O_CLOEXEC, mode));
        assertTrue(fd >= 0, "openat " + path + ": " + Errno.name(-fd));
        return fd;
    }

    private MemorySegment bytes(final String text)
    {
        return arena.allocateFrom(ValueLayout.JAVA_BYTE, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String text(final MemorySegment buf, final int length)
    {
        return new String(buf.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    @Test
    void readAndWritePositionalAndAtTheCurrentPosition() throws IOException
    {
        assertTrue(ring.hasFeature(IORING_FEAT_RW_CUR_POS));
        final Path file = dir.resolve("rw");
        final int fd = open(file, O_RDWR | O_CREAT, 0644);
        try
        {
            final MemorySegment hello = bytes("hello ");
            final MemorySegment world = bytes("world");
            // two writes at the current position (-1) append in order and advance it
            assertEquals(6, run(sqe -> sqe.prepWrite(fd, hello.address(), 6, -1)));
            assertEquals(5, run(sqe -> sqe.prepWrite(fd, world.address(), 5, -1)));
            assertEquals("hello world", Files.readString(file));
            // a positional write does not move it
            assertEquals(5, run(sqe -> sqe.prepWrite(fd, bytes("WORLD").address(), 5, 6)));
            assertEquals("hello WORLD", Files.readString(file));

            final MemorySegment buf = arena.allocate(64);
            assertEquals(5, run(sqe -> sqe.prepRead(fd, buf.address(), 5, 0)));
            assertEquals("hello", text(buf, 5));
            assertEquals(5, run(sqe -> sqe.prepRead(fd, buf.address(), 5, 6).rwFlags(RWF_NOWAIT)),
                "RWF_NOWAIT on data in the page cache succeeds");
            assertEquals("WORLD", text(buf, 5));
            assertEquals(0, run(sqe -> sqe.prepRead(fd, buf.address(), 64, -1)), "the position is at the end");
        }
        finally
        {
            UringTests.close(fd);
        }
        final int reader = open(file, O_RDONLY, 0);
        try
        {
            final MemorySegment buf = arena.allocate(64);
            assertEquals(4, run(sqe -> sqe.prepRead(reader, buf.address(), 4, -1)));
            assertEquals(4, run(sqe -> sqe.prepRead(reader, buf.address() + 4, 4, -1)), "the position advanced");
            assertEquals("hello WO", text(buf, 8));
        }
        finally
        {
            UringTests.close(reader);
        }
    }

    @Test
    void readvAndWritevPositionalAndAtTheCurrentPosition() throws IOException
    {
        final Path file = dir.resolve("vectors");
        final int fd = open(file, O_RDWR | O_CREAT, 0600);
        try
        {
            final IoVector out = IoVector.of(arena, bytes("abc"), bytes("defgh"));
            assertEquals(8, run(sqe -> sqe.prepWritev(fd, out.checkedAddress(), out.count(), -1)));
            assertEquals(8, run(sqe -> sqe.prepWritev(fd, out.checkedAddress(), out.count(), -1)));
            final IoVector head = IoVector.of(arena, bytes("XY"), bytes("Z"));
            assertEquals(3, run(sqe -> sqe.prepWritev(fd, head.checkedAddress(), head.count(), 0)), "positional");
            assertEquals("XYZdefghabcdefgh", Files.readString(file));

            final MemorySegment first = arena.allocate(4);
            final MemorySegment second = arena.allocate(6);
            final IoVector in = IoVector.of(arena, first, second);
            assertEquals(10, run(sqe -> sqe.prepReadv(fd, in.checkedAddress(), in.count(), 3)));
            assertEquals("defg", text(first, 4));
            assertEquals("habcde", text(second, 6));
        }
        finally
        {
            UringTests.close(fd);
        }
        final int reader = open(file, O_RDONLY, 0);
        try
        {
            final MemorySegment a = arena.allocate(2);
            final IoVector in = IoVector.of(arena, a);
            assertEquals(2, run(sqe -> sqe.prepReadv(reader, in.checkedAddress(), 1, -1)));
            assertEquals(2, run(sqe -> sqe.prepReadv(reader, in.checkedAddress(), 1, -1)));
            assertEquals("Zd", text(a, 2), "the second readv at -1 went on from the first");
        }
        finally
        {
            UringTests.close(reader);
        }
    }

    @Test
    void openStatSyncAllocateTruncateClose() throws IOException
    {
        final Path file = dir.resolve("meta");
        final int fd = open(file, O_RDWR | O_CREAT, 0640);
        boolean closed = false;
        try
        {
            final MemorySegment data = bytes("0123456789");
            assertEquals(10, run(sqe -> sqe.prepWrite(fd, data.address(), 10, 0)));
            assertEquals(0, run(sqe -> sqe.prepFsync(fd, 0)), "fsync");
            assertEquals(0, run(sqe -> sqe.prepFsync(fd, IORING_FSYNC_DATASYNC)), "fdatasync");

            final MemorySegment statx = arena.allocate(StatxDescriptor.LENGTH, 8);
            assertEquals(0, run(sqe -> sqe.prepStatx(AT_FDCWD, path(file), 0, STATX_BASIC_STATS, statx.address())));
            final FileStat stat = StatxDescriptor.toFileStat(statx);
            assertTrue(stat.isRegularFile());
            assertEquals(10, stat.size());
            assertEquals(0640, stat.mode() & 0777);

            assertEquals(0, run(sqe -> sqe.prepFallocate(fd, 0, 0, 1 << 20)));
            assertEquals(1 << 20, Files.size(file));

            final Probe probe = ring.probe();
            if (probe.isSupported(IORING_OP_FTRUNCATE))
            {
                assertEquals(0, run(sqe -> sqe.prepFtruncate(fd, 3)));
                assertEquals("012", Files.readString(file));
            }
            else
            {
                System.out.println("IORING_OP_FTRUNCATE: not on this kernel (6.9+), not tested");
            }

            assertEquals(0, run(sqe -> sqe.prepFadvise(fd, 0, 0, 0)), "POSIX_FADV_NORMAL");
            assertEquals(0, run(sqe -> sqe.prepClose(fd)));
            closed = true;
            final String target = UringTests.fdTarget(fd);
            assertTrue(target == null || !target.endsWith("meta"), "the fd is closed: " + target);
        }
        finally
        {
            if (!closed)
            {
                UringTests.close(fd);
            }
        }
    }

    @Test
    void directoriesRenamesAndUnlinks() throws IOException
    {
        final Path sub = dir.resolve("sub");
        assertEquals(0, run(sqe -> sqe.prepMkdirat(AT_FDCWD, path(sub), 0755)));
        assertTrue(Files.isDirectory(sub));
        assertEquals(-Errno.EEXIST, run(sqe -> sqe.prepMkdirat(AT_FDCWD, path(sub), 0755)));

        final Path from = Files.writeString(dir.resolve("from"), "x");
        final Path to = sub.resolve("to");
        assertEquals(0, run(sqe -> sqe.prepRenameat(AT_FDCWD, path(from), AT_FDCWD, path(to), 0)));
        assertFalse(Files.exists(from));
        assertEquals("x", Files.readString(to));

        assertEquals(-Errno.ENOTEMPTY, run(sqe -> sqe.prepUnlinkat(AT_FDCWD, path(sub), AT_REMOVEDIR)));
        assertEquals(0, run(sqe -> sqe.prepUnlinkat(AT_FDCWD, path(to), 0)));
        assertFalse(Files.exists(to));
        assertEquals(0, run(sqe -> sqe.prepUnlinkat(AT_FDCWD, path(sub), AT_REMOVEDIR)));
        assertFalse(Files.exists(sub));
        assertEquals(-Errno.ENOENT, run(sqe -> sqe.prepUnlinkat(AT_FDCWD, path(sub), AT_REMOVEDIR)));
        assertEquals(-Errno.ENOENT, run(sqe -> sqe.prepOpenat(AT_FDCWD, path(dir.resolve("missing")), O_RDONLY, 0)));
    }

    @Test
    void badFdsAndBadAddressesFailTheRequestNotTheJvm()
    {
        final MemorySegment buf = arena.allocate(8);
        assertEquals(-Errno.EBADF, run(sqe -> sqe.prepRead(1_000_000, buf.address(), 8, 0)));
        assertEquals(-Errno.EBADF, run(sqe -> sqe.prepFsync(-5, 0)));
        final Path file = dir.resolve("efault");
        final int fd = open(file, O_RDWR | O_CREAT, 0600);
        try
        {
            assertEquals(1, run(sqe -> sqe.prepWrite(fd, buf.address(), 1, 0)));
            // address 8: never mapped in a user process
            assertEquals(-Errno.EFAULT, run(sqe -> sqe.prepRead(fd, 8L, 1, 0)));
        }
        finally
        {
            UringTests.close(fd);
        }
    }
}
