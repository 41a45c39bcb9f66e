package io.offload.examples.http;

import io.offload.api.DirectoryEntries;
import io.offload.api.Errno;
import io.offload.api.FileStat;
import io.offload.api.LinuxConstants;
import io.offload.api.RawSyscalls;
import io.offload.api.StatxDescriptor;
import io.offload.api.SyscallException;
import io.offload.api.Syscalls;
import io.offload.examples.JsonWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code /dir?path=sub} or {@code /dir/sub}: a directory under the document root as JSON, every system call through
 * the server's {@link Syscalls}: open (O_DIRECTORY), fstat, getdents64 until empty, then one statx per entry
 * relative to the directory's fd.
 * <pre>{@code
 * {"path":"/sub","modified":"2025-01-01T12:00:00Z","entries":[
 *   {"name":"a.txt","type":"file","size":1024,"modified":"2025-01-01T12:00:00Z"}, ...]}
 * }</pre>
 * Entries are stat'ed with AT_SYMLINK_NOFOLLOW: a symbolic link is listed as {@code "symlink"} with the link's own
 * size, never with the size and date of what it points at, which may lie outside the document root.
 */
final class DirectoryListingHandler implements HttpHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryListingHandler.class);

    /** getdents64 buffer: a few hundred entries per call. */
    private static final int DIRENT_BUFFER = 32 * 1024;
    /** The file types of a stat mode, and what the listing calls each. */
    private static final int[] TYPES = {LinuxConstants.S_IFREG, LinuxConstants.S_IFDIR, LinuxConstants.S_IFLNK,
        LinuxConstants.S_IFIFO, LinuxConstants.S_IFSOCK, LinuxConstants.S_IFCHR, LinuxConstants.S_IFBLK};
    private static final String[] TYPE_NAMES = {"file", "directory", "symlink", "fifo", "socket", "char-device",
        "block-device"};

    private final DocumentRoot root;

    DirectoryListingHandler(final DocumentRoot root)
    {
        this.root = root;
    }

    private record Entry(String name, String type, long size, long mtimeNanos)
    {
    }

    @Override
    public void handle(final HttpRequest request, final HttpResponse response) throws IOException
    {
        final String method = request.method();
        if (!method.equals("GET") && !method.equals("HEAD"))
        {
            response.header("Allow", "GET, HEAD");
            response.sendError(HttpStatus.METHOD_NOT_ALLOWED, method + " is not allowed on /dir");
            return;
        }
        final String parameter = request.queryParameter("path");
        final String wanted = parameter != null ? parameter : request.pathInfo();
        final Path dir = root.resolve(wanted);
        if (dir == null)
        {
            LOG.debug("refused {}: climbs out of the document root", request);
            response.sendError(HttpStatus.NOT_FOUND, wanted);
            return;
        }
        final Syscalls sys = request.syscalls();
        final int fd;
        try
        {
            fd = sys.open(dir.toString(), LinuxConstants.O_RDONLY | LinuxConstants.O_DIRECTORY |
                LinuxConstants.O_CLOEXEC, 0);
        }
        catch (final SyscallException ex)
        {
            final int errno = ex.errno();
            if (errno == Errno.EACCES || errno == Errno.EPERM)
            {
                response.sendError(HttpStatus.FORBIDDEN, wanted);
                return;
            }
            if (errno == Errno.ENOENT || errno == Errno.ENOTDIR || errno == Errno.ELOOP ||
                errno == Errno.ENAMETOOLONG)
            {
                response.sendError(HttpStatus.NOT_FOUND, wanted + " is not a directory under the document root");
                return;
            }
            throw ex;
        }
        try
        {
            if (!root.contains(sys, fd, dir))
            {
                LOG.debug("refused {}: {} resolves outside the document root", request, dir);
                response.sendError(HttpStatus.NOT_FOUND, wanted);
                return;
            }
            final FileStat self = sys.fstat(fd);
            final List<Entry> entries = list(sys, fd);
            response.contentType("application/json");
            response.send(json(root.relative(dir), self, entries));
        }
        finally
        {
            StaticFileHandler.closeQuietly(sys, fd, dir);
        }
    }

    private static List<Entry> list(final Syscalls sys, final int fd) throws SyscallException
    {
        final List<String> names = new ArrayList<>();
        final List<Entry> entries = new ArrayList<>();
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment dirents = arena.allocate(DIRENT_BUFFER, 8);
            long filled;
            while ((filled = sys.getdents64(fd, dirents)) > 0)
            {
                DirectoryEntries.forEach(dirents, filled, (name, type) ->
                {
                    if (!name.equals(".") && !name.equals(".."))
                    {
                        names.add(name);
                    }
                });
            }
            final RawSyscalls raw = sys.raw();
            final MemorySegment statx = arena.allocate(StatxDescriptor.LENGTH, 8);
            for (final String name : names)
            {
                final long result = raw.statx(fd, arena.allocateFrom(name), LinuxConstants.AT_SYMLINK_NOFOLLOW,
                    LinuxConstants.STATX_BASIC_STATS, statx);
                if (result < 0)
                {
                    // removed meanwhile, or a name that is not valid UTF-8 (decoded lossily, so not found again)
                    entries.add(new Entry(name, "unknown", -1, Long.MIN_VALUE));
                    continue;
                }
                final FileStat stat = StatxDescriptor.toFileStat(statx);
                entries.add(new Entry(name, type(stat.mode()), stat.size(), stat.mtimeNanos()));
            }
        }
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }

    static String json(final String path, final FileStat self, final List<Entry> entries)
    {
        final JsonWriter j = JsonWriter.compact().beginObject().member("path", path)
            .member("modified", iso(self.mtimeNanos()));
        j.name("entries").beginArray();
        for (final Entry entry : entries)
        {
            j.beginObject().member("name", entry.name()).member("type", entry.type());
            if (entry.size() >= 0)
            {
                j.member("size", entry.size());
            }
            if (entry.mtimeNanos() != Long.MIN_VALUE)
            {
                j.member("modified", iso(entry.mtimeNanos()));
            }
            j.endObject();
        }
        return j.endArray().endObject().toString();
    }

    private static String iso(final long epochNanos)
    {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L))
            .truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * The file type of a stat mode. An if chain rather than a switch: a switch needs compile-time constants, and
     * {@link LinuxConstants} may choose its values by architecture at run time.
     */
    private static String type(final int mode)
    {
        final int type = mode & LinuxConstants.S_IFMT;
        for (int i = 0; i < TYPES.length; i++)
        {
            if (type == TYPES[i])
            {
                return TYPE_NAMES[i];
            }
        }
        return "unknown";
    }
}
