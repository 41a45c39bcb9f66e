package io.offload.nio;

import io.offload.api.CallStats;
import io.offload.api.PhaseRecording;
import io.offload.api.Syscall;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same cases against the platform's provider and against the offload provider ({@code runtime.fileSystem()}):
 * results, attributes, listings, exception types and messages must agree. Read-only cases run both providers on
 * one fixture (so times, inodes and file keys must agree too); cases that change files run each provider in a
 * root of its own, with the same content, and compare outcomes with the root's name taken out. At the end, the
 * runtime's stats must show that the offload side's calls ran on its FILE server.
 */
final class NioConformanceTest
{
    @TempDir
    static Path temp;

    private static OffloadRuntime runtime;
    private static FileSystem offload;
    private static Path fixture;

    /** One case: what it does with a root directory, described as text. */
    record Case(String name, Body body)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    /** The body of a case. */
    @FunctionalInterface
    interface Body
    {
        Object run(Path root) throws Exception;
    }

    @BeforeAll
    static void start() throws IOException
    {
        runtime = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1).build();
        runtime.phaseRecording(PhaseRecording.ALL);
        offload = runtime.fileSystem();
        fixture = temp.resolve("fixture");
        populate(fixture);
    }

    @AfterAll
    static void stop()
    {
        if (runtime != null)
        {
            runtime.close();
        }
    }

    /** The fixture both providers read. */
    static void populate(final Path root) throws IOException
    {
        Files.createDirectories(root);
        Files.writeString(root.resolve("file.txt"), "hello\nworld\nthird line\n");
        final byte[] big = new byte[200_000];
        new Random(42).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.createFile(root.resolve("empty.txt"));
        Files.createFile(root.resolve(".hidden"));
        final Path dir = Files.createDirectory(root.resolve("dir"));
        for (final String name : List.of("a.txt", "b.txt", "c.bin"))
        {
            Files.writeString(dir.resolve(name), name);
        }
        Files.createDirectory(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("sub").resolve("loop"), Path.of("../.."));
        Files.createSymbolicLink(root.resolve("link"), Path.of("file.txt"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("missing"));
        Files.createSymbolicLink(root.resolve("dirlink"), Path.of("dir"));
        Files.writeString(root.resolve("private.txt"), "secret");
        Files.setPosixFilePermissions(root.resolve("private.txt"), PosixFilePermissions.fromString("rw-------"));
    }

    static String longName()
    {
        return "x".repeat(5000);
    }

    // ---- describing outcomes ---------------------------------------------------------------------------------------

    static String outcome(final Body body, final Path root)
    {
        try
        {
            return "ok " + describe(body.run(root));
        }
        catch (final Throwable ex)
        {
            return "threw " + ex.getClass().getName() + ": " + ex.getMessage() +
                (ex.getCause() != null && !(ex.getCause() instanceof SyscallException) ?
                " (cause " + ex.getCause().getClass().getName() + ")" : "");
        }
    }

    static String describe(final Object value) throws IOException
    {
        if (value instanceof byte[] bytes)
        {
            return bytes.length + " bytes, sha " + sha(bytes);
        }
        if (value instanceof PosixFileAttributes attrs)
        {
            return basic(attrs) + " perms=" + PosixFilePermissions.toString(attrs.permissions()) + " owner=" +
                attrs.owner() + " group=" + attrs.group();
        }
        if (value instanceof BasicFileAttributes attrs)
        {
            return basic(attrs);
        }
        if (value instanceof Map<?, ?> map)
        {
            final Map<String, String> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), String.valueOf(v)));
            return sorted.toString();
        }
        if (value instanceof Path path)
        {
            return "path " + path;
        }
        return String.valueOf(value);
    }

    static String basic(final BasicFileAttributes attrs)
    {
        return "size=" + attrs.size() + " dir=" + attrs.isDirectory() + " reg=" + attrs.isRegularFile() +
            " link=" + attrs.isSymbolicLink() + " other=" + attrs.isOther() + " mtime=" + attrs.lastModifiedTime() +
            " ctime=" + attrs.creationTime() + " atime=" + attrs.lastAccessTime() + " key=" + attrs.fileKey();
    }

    static String sha(final byte[] bytes)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        }
        catch (final java.security.NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** Every entry under root: relative name, type, size, content digest or link target; sorted. */
    static List<String> tree(final Path root) throws IOException
    {
        final List<String> lines = new ArrayList<>();
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS))
        {
            return lines;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.toList())
            {
                final BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
                final String name = root.relativize(path).toString();
                if (attrs.isSymbolicLink())
                {
                    lines.add(name + " -> " + Files.readSymbolicLink(path));
                }
                else if (attrs.isDirectory())
                {
                    lines.add(name + "/");
                }
                else
                {
                    lines.add(name + " " + attrs.size() + " " + sha(Files.readAllBytes(path)));
                }
            }
        }
        lines.sort(null);
        return lines;
    }

    // ---- read-only cases on the shared fixture ---------------------------------------------------------------------

    static List<Case> readCases()
    {
        final List<Case> cases = new ArrayList<>();
        final String[] entries = {"file.txt", "big.bin", "empty.txt", ".hidden", "dir", "link", "dangling", "dirlink",
            "private.txt", "missing", "file.txt/x", "dir/sub/loop", longName()};
        for (final String e : entries)
        {
            final String n = e.length() > 40 ? "long" : e;
            cases.add(new Case("readAllBytes " + n, r -> Files.readAllBytes(r.resolve(e))));
            cases.add(new Case("basic " + n, r -> Files.readAttributes(r.resolve(e), BasicFileAttributes.class)));
            cases.add(new Case("basic nofollow " + n, r -> Files.readAttributes(r.resolve(e),
                BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)));
            cases.add(new Case("posix " + n, r -> Files.readAttributes(r.resolve(e), PosixFileAttributes.class)));
            cases.add(new Case("posix:* " + n, r -> Files.readAttributes(r.resolve(e), "posix:*")));
            cases.add(new Case("size,mtime " + n, r -> Files.readAttributes(r.resolve(e),
                "size,lastModifiedTime,isDirectory", LinkOption.NOFOLLOW_LINKS)));
            cases.add(new Case("unix:* " + n, r -> Files.readAttributes(r.resolve(e), "unix:mode,ino,nlink")));
            cases.add(new Case("predicates " + n, r ->
            {
                final Path p = r.resolve(e);
                return List.of(Files.exists(p), Files.exists(p, LinkOption.NOFOLLOW_LINKS), Files.notExists(p),
                    Files.isDirectory(p), Files.isRegularFile(p), Files.isSymbolicLink(p), Files.isReadable(p),
                    Files.isWritable(p), Files.isExecutable(p), Files.isHidden(p));
            }));
            cases.add(new Case("size " + n, r -> Files.size(r.resolve(e))));
            cases.add(new Case("checkAccess " + n, r ->
            {
                r.getFileSystem().provider().checkAccess(r.resolve(e), AccessMode.READ, AccessMode.WRITE);
                return "accessible";
            }));
            cases.add(new Case("readSymbolicLink " + n, r -> Files.readSymbolicLink(r.resolve(e))));
            cases.add(new Case("list " + n, r ->
            {
                try (Stream<Path> list = Files.list(r.resolve(e)))
                {
                    return list.map(p -> r.relativize(p).toString()).toList();
                }
            }));
            cases.add(new Case("open READ " + n, r ->
            {
                try (FileChannel ch = FileChannel.open(r.resolve(e), StandardOpenOption.READ))
                {
                    final ByteBuffer buffer = ByteBuffer.allocate(100);
                    return ch.read(buffer) + " " + ch.position() + " " + ch.size();
                }
            }));
            cases.add(new Case("open WRITE " + n, r ->
            {
                try (FileChannel ch = FileChannel.open(r.resolve(e), StandardOpenOption.WRITE))
                {
                    return ch.size();
                }
            }));
            cases.add(new Case("open NOFOLLOW " + n, r ->
            {
                try (FileChannel ch = FileChannel.open(r.resolve(e), LinkOption.NOFOLLOW_LINKS))
                {
                    return ch.size();
                }
            }));
        }
        cases.add(new Case("NUL in a path", r -> Files.readAllBytes(r.resolve("bad\u0000name"))));
        cases.add(new Case("NUL in a path string", r -> r.getFileSystem().getPath(r.toString(), "x\u0000")));
        cases.add(new Case("glob filter", r ->
        {
            final List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(r.resolve("dir"), "*.txt"))
            {
                stream.forEach(p -> names.add(p.getFileName().toString()));
            }
            return names;
        }));
        cases.add(new Case("stream twice", r ->
        {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(r.resolve("dir")))
            {
                stream.iterator();
                return stream.iterator();
            }
        }));
        cases.add(new Case("stream closed", r ->
        {
            final DirectoryStream<Path> stream = Files.newDirectoryStream(r.resolve("dir"));
            stream.close();
            return stream.iterator();
        }));
        cases.add(new Case("walk", r ->
        {
            try (Stream<Path> walk = Files.walk(r))
            {
                return walk.map(p -> r.relativize(p).toString()).toList();
            }
        }));
        cases.add(new Case("walk follow (a loop)", r ->
        {
            try (Stream<Path> walk = Files.walk(r, FileVisitOption.FOLLOW_LINKS))
            {
                return walk.map(p -> r.relativize(p).toString()).toList();
            }
        }));
        cases.add(new Case("lines", r ->
        {
            try (Stream<String> lines = Files.lines(r.resolve("file.txt")))
            {
                return lines.toList();
            }
        }));
        cases.add(new Case("readAllLines", r -> Files.readAllLines(r.resolve("file.txt"))));
        cases.add(new Case("newBufferedReader", r ->
        {
            try (var reader = Files.newBufferedReader(r.resolve("file.txt")))
            {
                return reader.readLine() + "|" + reader.readLine();
            }
        }));
        cases.add(new Case("inputStream", r ->
        {
            try (InputStream in = Files.newInputStream(r.resolve("big.bin")))
            {
                final byte[] head = in.readNBytes(1000);
                final long skipped = in.skip(50_000);
                final int available = in.available();
                final byte[] rest = in.readAllBytes();
                return sha(head) + " " + skipped + " " + available + " " + sha(rest) + " " + in.read();
            }
        }));
        cases.add(new Case("inputStream transferTo", r ->
        {
            try (InputStream in = Files.newInputStream(r.resolve("big.bin")))
            {
                final ByteArrayOutputStream out = new ByteArrayOutputStream();
                return in.transferTo(out) + " " + sha(out.toByteArray());
            }
        }));
        cases.add(new Case("isSameFile link", r -> Files.isSameFile(r.resolve("link"), r.resolve("file.txt"))));
        cases.add(new Case("isSameFile other", r -> Files.isSameFile(r.resolve("dir"), r.resolve("file.txt"))));
        cases.add(new Case("isSameFile missing", r -> Files.isSameFile(r.resolve("missing"), r.resolve("file.txt"))));
        cases.add(new Case("channel reads", r ->
        {
            try (FileChannel ch = FileChannel.open(r.resolve("big.bin")))
            {
                final StringBuilder out = new StringBuilder();
                final ByteBuffer heap = ByteBuffer.allocate(100_000);
                out.append(ch.read(heap)).append(' ').append(ch.position()).append(' ');
                final ByteBuffer direct = ByteBuffer.allocateDirect(150_000);
                out.append(ch.read(direct)).append(' ').append(ch.position()).append(' ');
                out.append(ch.read(direct)).append(' ');
                out.append(ch.read(ByteBuffer.allocate(0))).append(' ');
                heap.clear();
                out.append(ch.read(heap, 199_990)).append(' ').append(ch.read(heap, 300_000)).append(' ');
                final ByteBuffer[] parts = {ByteBuffer.allocate(10), ByteBuffer.allocateDirect(20),
                    ByteBuffer.allocate(30)};
                ch.position(5);
                out.append(ch.read(parts)).append(' ').append(ch.position()).append(' ');
                final ByteBuffer[] direct2 = {ByteBuffer.allocateDirect(7), ByteBuffer.allocateDirect(9)};
                out.append(ch.read(direct2, 0, 2)).append(' ');
                heap.flip();
                final byte[] bytes = new byte[heap.remaining()];
                heap.get(bytes);
                out.append(sha(bytes));
                for (final ByteBuffer part : parts)
                {
                    part.flip();
                    out.append(' ').append(part);
                }
                return out.toString();
            }
        }));
        cases.add(new Case("channel misuse", r ->
        {
            final List<String> out = new ArrayList<>();
            try (FileChannel ch = FileChannel.open(r.resolve("file.txt")))
            {
                out.add(outcome(x -> ch.read(ByteBuffer.allocate(4), -1), r));
                out.add(outcome(x -> ch.read(ByteBuffer.allocate(4).asReadOnlyBuffer()), r));
                out.add(outcome(x -> ch.read(ByteBuffer.allocateDirect(4).asReadOnlyBuffer(), 0), r));
                out.add(outcome(x -> ch.write(ByteBuffer.allocate(4)), r));
                out.add(outcome(x -> ch.position(-1), r));
                out.add(outcome(x -> ch.truncate(-1), r));
                out.add(outcome(x -> ch.truncate(1), r));
                out.add(outcome(x -> ch.lock(), r));
                out.add(outcome(x ->
                {
                    try (FileLock lock = ch.tryLock(0, 10, true))
                    {
                        return lock.isShared() + " " + lock.position() + " " + lock.size() + " " + lock.isValid() +
                            " " + (lock.acquiredBy() == ch);
                    }
                }, r));
                out.add(outcome(x ->
                {
                    final MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, 5);
                    final byte[] bytes = new byte[5];
                    map.get(bytes);
                    return new String(bytes, StandardCharsets.UTF_8);
                }, r));
                out.add(outcome(x -> ch.map(FileChannel.MapMode.READ_WRITE, 0, 5), r));
                out.add(outcome(x -> ch.transferTo(-1, 5, Channels.newChannel(new ByteArrayOutputStream())), r));
                out.add(outcome(x ->
                {
                    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    return ch.transferTo(6, 1000, Channels.newChannel(bytes)) + " " + bytes;
                }, r));
            }
            final FileChannel closed = FileChannel.open(r.resolve("file.txt"));
            closed.close();
            out.add(outcome(x -> closed.read(ByteBuffer.allocate(4)), r));
            out.add(outcome(x -> closed.read(ByteBuffer.allocate(4), 0), r));
            out.add(outcome(x -> closed.size(), r));
            out.add(outcome(x -> closed.position(), r));
            out.add(outcome(x -> closed.map(FileChannel.MapMode.READ_ONLY, 0, 1), r));
            out.add(outcome(x -> closed.tryLock(), r));
            out.add(outcome(x -> closed.isOpen(), r));
            return String.join("\n", out);
        }));
        cases.add(new Case("interrupted caller", r ->
        {
            try (FileChannel ch = FileChannel.open(r.resolve("file.txt")))
            {
                Thread.currentThread().interrupt();
                try
                {
                    return outcome(x -> ch.read(ByteBuffer.allocate(4)), r) + " open=" + ch.isOpen() +
                        " interrupted=" + Thread.currentThread().isInterrupted();
                }
                finally
                {
                    Thread.interrupted();
                }
            }
        }));
        cases.add(new Case("option errors", r ->
        {
            final List<String> out = new ArrayList<>();
            out.add(outcome(x -> FileChannel.open(r.resolve("file.txt"), StandardOpenOption.READ,
                StandardOpenOption.APPEND), r));
            out.add(outcome(x -> FileChannel.open(r.resolve("file.txt"), StandardOpenOption.APPEND,
                StandardOpenOption.TRUNCATE_EXISTING), r));
            out.add(outcome(x -> Files.newInputStream(r.resolve("file.txt"), StandardOpenOption.APPEND), r));
            out.add(outcome(x -> Files.newOutputStream(r.resolve("file.txt"), StandardOpenOption.READ), r));
            out.add(outcome(x -> Files.readAttributes(r.resolve("file.txt"), "basic:bogus"), r));
            out.add(outcome(x -> Files.readAttributes(r.resolve("file.txt"), "nosuchview:*"), r));
            out.add(outcome(x -> Files.newByteChannel(r.resolve("new.txt"), Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")), new java.nio.file.attribute.FileAttribute<String>()
                {
                    @Override
                    public String name()
                    {
                        return "acl:acl";
                    }

                    @Override
                    public String value()
                    {
                        return "";
                    }
                }), r));
            return String.join("\n", out);
        }));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readCases")
    void readOnlyCasesAgree(final Case c)
    {
        final String platform = outcome(c.body(), fixture);
        final String ours = outcome(c.body(), offload.getPath(fixture.toString()));
        assertEquals(platform, ours, c.name());
    }

    // ---- cases that change files, each provider in a root of its own -----------------------------------------------

    static List<Case> writeCases()
    {
        final List<Case> cases = new ArrayList<>();
        cases.add(new Case("write, append, read", r ->
        {
            final Path f = r.resolve("w.txt");
            Files.writeString(f, "one\n");
            Files.writeString(f, "two\n", StandardOpenOption.APPEND);
            Files.write(f, List.of("three", "four"), StandardOpenOption.APPEND);
            return Files.readString(f) + outcome(x -> Files.writeString(f, "x", StandardOpenOption.CREATE_NEW), r);
        }));
        cases.add(new Case("outputStream", r ->
        {
            try (OutputStream out = Files.newOutputStream(r.resolve("o.bin")))
            {
                final byte[] big = new byte[300_000];
                new Random(7).nextBytes(big);
                out.write(big);
                out.write(1);
            }
            return sha(Files.readAllBytes(r.resolve("o.bin")));
        }));
        cases.add(new Case("channel writes", r ->
        {
            final Path f = r.resolve("c.bin");
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE))
            {
                final StringBuilder out = new StringBuilder();
                out.append(ch.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)))).append(' ');
                out.append(ch.write(ByteBuffer.allocateDirect(100_000))).append(' ');
                out.append(ch.write(ByteBuffer.wrap(new byte[100_000]).asReadOnlyBuffer())).append(' ');
                out.append(ch.write(ByteBuffer.wrap("XY".getBytes(StandardCharsets.UTF_8)), 1)).append(' ');
                out.append(ch.write(ByteBuffer.wrap("Z".getBytes(StandardCharsets.UTF_8)), 300_000)).append(' ');
                out.append(ch.write(new ByteBuffer[]{ByteBuffer.wrap(new byte[]{1, 2}), ByteBuffer.allocateDirect(3),
                    ByteBuffer.wrap(new byte[70_000])})).append(' ');
                final ByteBuffer d1 = ByteBuffer.allocateDirect(4);
                final ByteBuffer d2 = ByteBuffer.allocateDirect(5);
                out.append(ch.write(new ByteBuffer[]{d1, d2})).append(' ');
                out.append(ch.position()).append(' ').append(ch.size()).append(' ');
                ch.force(true);
                ch.force(false);
                out.append(ch.truncate(1000).size()).append(' ').append(ch.position()).append(' ');
                out.append(ch.truncate(5000).size()).append(' ');
                ch.position(2000);
                out.append(ch.position()).append(' ').append(ch.read(ByteBuffer.allocate(10))).append(' ');
                out.append(ch.write(ByteBuffer.wrap(new byte[]{9}))).append(' ').append(ch.size());
                return out.toString() + " " + sha(Files.readAllBytes(f));
            }
        }));
        cases.add(new Case("append channel", r ->
        {
            final Path f = r.resolve("a.txt");
            Files.writeString(f, "12345");
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.APPEND))
            {
                return ch.position() + " " + ch.write(ByteBuffer.wrap("678".getBytes(StandardCharsets.UTF_8))) +
                    " " + ch.position() + " " + Files.readString(f);
            }
        }));
        cases.add(new Case("create and delete", r ->
        {
            final List<String> out = new ArrayList<>();
            out.add(outcome(x -> Files.createDirectory(r.resolve("d")), r));
            out.add(outcome(x -> Files.createDirectory(r.resolve("d")), r));
            out.add(outcome(x -> Files.createDirectory(r.resolve("nope/d")), r));
            out.add(outcome(x -> Files.createDirectories(r.resolve("d/e/f")), r));
            out.add(outcome(x -> Files.createFile(r.resolve("d/f.txt")), r));
            out.add(outcome(x -> Files.createFile(r.resolve("d/f.txt")), r));
            out.add(outcome(x -> Files.createFile(r.resolve("nope/f.txt")), r));
            out.add(outcome(x -> Files.newOutputStream(r.resolve("nope/f.txt")), r));
            out.add(outcome(x -> Files.createFile(r.resolve("d/p.txt"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-r-----"))), r));
            out.add(outcome(x -> PosixFilePermissions.toString(Files.getPosixFilePermissions(r.resolve("d/p.txt"))),
                r));
            out.add(outcome(x -> Files.createDirectory(r.resolve("d/q"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------"))), r));
            out.add(outcome(x -> PosixFilePermissions.toString(Files.getPosixFilePermissions(r.resolve("d/q"))), r));
            out.add(outcome(x ->
            {
                Files.delete(r.resolve("d"));
                return null;
            }, r));
            out.add(outcome(x ->
            {
                Files.delete(r.resolve("d/f.txt"));
                return null;
            }, r));
            out.add(outcome(x ->
            {
                Files.delete(r.resolve("d/f.txt"));
                return null;
            }, r));
            out.add(outcome(x -> Files.deleteIfExists(r.resolve("d/f.txt")), r));
            out.add(outcome(x -> Files.deleteIfExists(r.resolve("d/q")), r));
            out.add(outcome(x -> Files.createDirectory(r.resolve(longName())), r));
            out.add(outcome(x -> Files.deleteIfExists(r.resolve(longName())), r));
            return String.join("\n", out);
        }));
        cases.add(new Case("move", r ->
        {
            final List<String> out = new ArrayList<>();
            Files.writeString(r.resolve("m1"), "m1");
            Files.writeString(r.resolve("m2"), "m2");
            Files.createDirectories(r.resolve("full/x"));
            Files.createDirectories(r.resolve("emptydir"));
            out.add(outcome(x -> Files.move(r.resolve("m1"), r.resolve("m3")), r));
            out.add(outcome(x -> Files.move(r.resolve("m3"), r.resolve("m2")), r));
            out.add(outcome(x -> Files.move(r.resolve("m3"), r.resolve("m2"), StandardCopyOption.REPLACE_EXISTING), r));
            out.add(outcome(x -> Files.move(r.resolve("m2"), r.resolve("m2")), r));
            out.add(outcome(x -> Files.move(r.resolve("missing"), r.resolve("m4")), r));
            out.add(outcome(x -> Files.move(r.resolve("m2"), r.resolve("m5"), StandardCopyOption.ATOMIC_MOVE), r));
            out.add(outcome(x -> Files.move(r.resolve("m5"), r.resolve("full"), StandardCopyOption.REPLACE_EXISTING),
                r));
            out.add(outcome(x -> Files.move(r.resolve("m5"), r.resolve("emptydir"),
                StandardCopyOption.REPLACE_EXISTING), r));
            out.add(outcome(x -> Files.move(r.resolve("full"), r.resolve("full2")), r));
            out.add(outcome(x -> Files.move(r.resolve("full2"), r.resolve("nope/full3")), r));
            out.add(outcome(x -> Files.move(r.resolve("full2"), r.resolve("full2/inside")), r));
            return String.join("\n", out);
        }));
        cases.add(new Case("copy", r ->
        {
            final List<String> out = new ArrayList<>();
            final byte[] big = new byte[1_500_000];
            new Random(3).nextBytes(big);
            Files.write(r.resolve("big"), big);
            Files.writeString(r.resolve("small"), "small");
            Files.createFile(r.resolve("zero"));
            Files.createDirectories(r.resolve("d/inner"));
            Files.createSymbolicLink(r.resolve("ln"), Path.of("small"));
            out.add(outcome(x -> Files.copy(r.resolve("big"), r.resolve("big2")), r));
            out.add(outcome(x -> Files.copy(r.resolve("zero"), r.resolve("zero2")), r));
            out.add(outcome(x -> Files.copy(r.resolve("small"), r.resolve("big2")), r));
            out.add(outcome(x -> Files.copy(r.resolve("small"), r.resolve("big2"), StandardCopyOption.REPLACE_EXISTING),
                r));
            out.add(outcome(x -> Files.copy(r.resolve("small"), r.resolve("small")), r));
            out.add(outcome(x -> Files.copy(r.resolve("missing"), r.resolve("x")), r));
            out.add(outcome(x -> Files.copy(r.resolve("d"), r.resolve("d2")), r));
            out.add(outcome(x -> Files.copy(r.resolve("small"), r.resolve("d"), StandardCopyOption.REPLACE_EXISTING),
                r));
            out.add(outcome(x -> Files.copy(r.resolve("ln"), r.resolve("ln2"), LinkOption.NOFOLLOW_LINKS), r));
            out.add(outcome(x -> Files.copy(r.resolve("ln"), r.resolve("ln3")), r));
            out.add(outcome(x -> Files.copy(r.resolve("small"), r.resolve("attrs"), StandardCopyOption.COPY_ATTRIBUTES),
                r));
            out.add(outcome(x -> Files.copy(r.resolve("small"), r.resolve("nope/x")), r));
            out.add(outcome(x ->
            {
                try (InputStream in = Files.newInputStream(r.resolve("small")))
                {
                    return Files.copy(in, r.resolve("fromStream"));
                }
            }, r));
            out.add(outcome(x -> Files.copy(r.resolve("big"), new ByteArrayOutputStream()), r));
            return String.join("\n", out);
        }));
        cases.add(new Case("links", r ->
        {
            final List<String> out = new ArrayList<>();
            Files.writeString(r.resolve("t"), "t");
            out.add(outcome(x -> Files.createSymbolicLink(r.resolve("s"), Path.of("t")), r));
            out.add(outcome(x -> Files.createSymbolicLink(r.resolve("s"), Path.of("t")), r));
            out.add(outcome(x -> Files.createSymbolicLink(r.resolve("nope/s"), Path.of("t")), r));
            out.add(outcome(x -> Files.createSymbolicLink(r.resolve("abs"), r.resolve("t")), r));
            out.add(outcome(x -> Files.readString(r.resolve("s")), r));
            out.add(outcome(x -> Files.createLink(r.resolve("hard"), r.resolve("t")), r));
            out.add(outcome(x -> Files.readAttributes(r.resolve("hard"), "unix:nlink"), r));
            return String.join("\n", out);
        }));
        cases.add(new Case("transfers", r ->
        {
            final byte[] data = new byte[250_000];
            new Random(9).nextBytes(data);
            Files.write(r.resolve("src"), data);
            try (FileChannel in = FileChannel.open(r.resolve("src"));
                FileChannel out = FileChannel.open(r.resolve("dst"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.READ))
            {
                final StringBuilder text = new StringBuilder();
                text.append(in.transferTo(1000, 100_000, out)).append(' ').append(out.position()).append(' ');
                text.append(in.transferTo(300_000, 10, out)).append(' ');
                in.position(5);
                text.append(out.transferFrom(in, 100_000, 50_000)).append(' ').append(in.position()).append(' ');
                text.append(out.size()).append(' ');
                try (SeekableByteChannel src = Files.newByteChannel(r.resolve("src")))
                {
                    text.append(out.transferFrom(src, 200_000, 70_000)).append(' ');
                }
                text.append(out.transferFrom(Channels.newChannel(new java.io.ByteArrayInputStream(new byte[33])), 7,
                    100)).append(' ');
                return text + sha(Files.readAllBytes(r.resolve("dst")));
            }
        }));
        cases.add(new Case("delete on close, sparse, sync", r ->
        {
            final Path f = r.resolve("tmp");
            try (SeekableByteChannel ch = Files.newByteChannel(f, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE, StandardOpenOption.SPARSE,
                StandardOpenOption.SYNC, StandardOpenOption.DSYNC))
            {
                ch.write(ByteBuffer.wrap(new byte[]{1, 2, 3}));
                return Files.exists(f) + " " + ch.size();
            }
        }));
        cases.add(new Case("directory as a file", r ->
        {
            Files.createDirectory(r.resolve("dd"));
            final List<String> out = new ArrayList<>();
            out.add(outcome(x -> Files.readAllBytes(r.resolve("dd")), r));
            out.add(outcome(x -> Files.newBufferedReader(r.resolve("dd")).readLine(), r));
            out.add(outcome(x -> Files.writeString(r.resolve("dd"), "x"), r));
            out.add(outcome(x -> Files.newByteChannel(r.resolve("dd"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), r));
            out.add(outcome(x -> Files.newByteChannel(r.resolve("."), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), r));
            out.add(outcome(x -> Files.newByteChannel(r.resolve("dd"), StandardOpenOption.READ).size(), r));
            return String.join("\n", out);
        }));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writeCases")
    void changingCasesAgree(final Case c) throws IOException
    {
        final Path platformRoot = Files.createDirectories(temp.resolve("w-platform-" + c.name().hashCode()));
        final Path offloadRoot = offload.getPath(Files.createDirectories(
            temp.resolve("w-offload-" + c.name().hashCode())).toString());
        final String platform = outcome(c.body(), platformRoot).replace(platformRoot.toString(), "<root>");
        final String ours = outcome(c.body(), offloadRoot).replace(offloadRoot.toString(), "<root>");
        assertEquals(platform, ours, c.name());
        assertEquals(tree(platformRoot).toString().replace(platformRoot.toString(), "<root>"),
            tree(Path.of(offloadRoot.toString())).toString().replace(offloadRoot.toString(), "<root>"),
            c.name() + ": the files left");
    }

    // ---- the provider's own properties -----------------------------------------------------------------------------

    @Test
    void pathsStayOnTheOffloadProvider() throws IOException
    {
        final Path path = offload.getPath(fixture.toString(), "dir", "a.txt");
        for (final Path derived : List.of(path.getParent(), path.getFileName(), path.getRoot(), path.normalize(),
            path.resolve("x"), path.resolveSibling("b.txt"), path.toAbsolutePath(), path.toRealPath(),
            path.getParent().relativize(path), path.subpath(0, 2), offload.getPath("rel").toAbsolutePath()))
        {
            assertSame(offload.provider(), derived.getFileSystem().provider(), derived.toString());
            assertTrue(derived instanceof OffloadPath, derived.toString());
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(path.getParent()))
        {
            stream.forEach(entry -> assertSame(offload, entry.getFileSystem()));
        }
        assertEquals(new java.io.File(path.toString()), path.toFile());
        assertEquals(path.toUri(), Path.of(path.toString()).toUri());
        assertEquals(path, offload.provider().getPath(path.toUri()));
        assertTrue(path.startsWith(offload.getPath(fixture.toString())));
        assertTrue(offload.getPathMatcher("glob:**/*.txt").matches(path));
        assertEquals(path.resolve(Path.of("platform")), path.resolve("platform")); // a platform path is taken
        assertNotEquals(path, Path.of(path.toString()));
        assertEquals("file", offload.provider().getScheme());
        assertTrue(offload.isOpen());
        assertSame(offload, runtime.fileSystem());
        assertEquals(Arrays.asList("dir", "a.txt"), List.of(path.getName(path.getNameCount() - 2).toString(),
            path.getFileName().toString()));
        final PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        assertEquals(Files.readAttributes(Path.of(path.toString()), PosixFileAttributes.class).permissions(),
            view.readAttributes().permissions());
        assertEquals(Files.getOwner(Path.of(path.toString())), Files.getOwner(path));
    }

    @Test
    void callsRanOnTheFileServer()
    {
        // every read case once more, so this test stands on its own whatever order JUnit picks
        for (final Case c : readCases())
        {
            outcome(c.body(), offload.getPath(fixture.toString()));
        }
        for (final Case c : writeCases())
        {
            try
            {
                final Path root = offload.getPath(Files.createDirectories(temp.resolve("again-" + c.name().hashCode()))
                    .toString());
                outcome(c.body(), root);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
        final Set<Syscall> seen = EnumSet.noneOf(Syscall.class);
        for (final CallStats call : runtime.stats().calls())
        {
            if (call.phases().stream().anyMatch(p -> p.count() > 0))
            {
                seen.add(call.syscall());
            }
        }
        for (final Syscall expected : List.of(Syscall.OPENAT, Syscall.CLOSE, Syscall.READ, Syscall.PREAD,
            Syscall.WRITE, Syscall.PWRITE, Syscall.READV, Syscall.WRITEV, Syscall.STATX, Syscall.LSEEK, Syscall.FSYNC,
            Syscall.FDATASYNC, Syscall.FTRUNCATE, Syscall.GETDENTS64, Syscall.UNLINKAT, Syscall.MKDIRAT,
            Syscall.RENAMEAT, Syscall.READLINKAT, Syscall.COPY_FILE_RANGE, Syscall.SYMLINKAT, Syscall.FACCESSAT))
        {
            // a read of cached data is answered on the caller (RWF_NOWAIT), without a server: counted as a hit
            final boolean onTheCaller = (expected == Syscall.READ || expected == Syscall.PREAD) &&
                runtime.stats().nowaitHits() > 0;
            assertTrue(seen.contains(expected) || onTheCaller, expected + " ran on a FILE server; seen " + seen);
        }
        assertTrue(runtime.stats().servers().getFirst().completed() > 0);
    }

    @Test
    void aClosedRuntimeClosesItsFileSystem() throws IOException
    {
        final OffloadRuntime own = OffloadRuntime.builder().unpinnedServers(SyscallClass.FILE, 1).build();
        final FileSystem fs = own.fileSystem();
        final Path file = fs.getPath(fixture.toString(), "file.txt");
        final FileChannel open = FileChannel.open(file);
        own.close();
        assertTrue(!fs.isOpen());
        try
        {
            Files.readAllBytes(file);
            throw new AssertionError("read through a closed runtime");
        }
        catch (final java.nio.file.ClosedFileSystemException expected)
        {
            // as a closed zip file system does
        }
        open.close(); // still releases the fd
        assertTrue(!open.isOpen());
        assertTrue(FileSystems.getDefault().provider() != fs.provider());
    }
}
