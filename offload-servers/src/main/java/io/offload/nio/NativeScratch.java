package io.offload.nio;

import io.offload.api.IoVector;
import io.offload.api.StatxDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Native memory lent to one call of the provider: path strings, a {@code struct statx}, offsets for
 * copy_file_range, and (for data leases) a bounce chunk for heap {@link ByteBuffer}s with an iovec array. Leases
 * come from two lock-free pools, so the steady path allocates nothing; a pool that is empty makes a new lease, a
 * pool that is full lets a returned one go to the garbage collector.
 * <p>
 * The memory is allocated from {@link Arena#ofAuto()}: per the runtime's buffer-lifetime rule such a segment is
 * passed to the kernel as it is (kept reachable by the call), whereas a shared arena's would be bounced through a
 * second copy. A lease goes back to its pool only after the call that used it has returned, and a blocking call
 * returns only once the kernel is done with its buffers, so a lease is never reused under the kernel's feet.
 * <pre>
 *   path lease:  | path 0 (4,096) | path 1 (4,096) | statx (256) | offsets (16) | "" (8) |
 *   data lease:  | chunk (64 KiB)                  | statx (256) | offsets (16) | "" (8) |   + iovec (16 x 16)
 * </pre>
 */
final class NativeScratch
{
    /** Linux's PATH_MAX: a path of this many bytes or more (with its NUL over it) fails with ENAMETOOLONG. */
    static final int PATH_MAX = 4096;
    /** Bytes a heap buffer moves per system call. */
    static final int CHUNK = 64 * 1024;
    /** Buffers one readv or writev takes at most (the rest wait for the next call, as the JDK's IOV_MAX cap). */
    static final int IOV_CAPACITY = 16;
    /** Marks a path too long for the kernel: the caller reports ENAMETOOLONG without a system call. */
    static final MemorySegment TOO_LONG = MemorySegment.NULL;

    private static final int TAIL = StatxDescriptor.LENGTH + 16 + 8;
    private static final int POOL_SIZE = 1024;
    private static final int POOL_MASK = POOL_SIZE - 1;
    /** Slots looked at before a pool gives up (and a new lease is made, or a returned one dropped). */
    private static final int PROBES = 64;
    private static final AtomicReferenceArray<NativeScratch> PATH_POOL = new AtomicReferenceArray<>(POOL_SIZE);
    private static final AtomicReferenceArray<NativeScratch> DATA_POOL = new AtomicReferenceArray<>(POOL_SIZE);
    private static final Charset JNU_CHARSET = jnuCharset();

    final MemorySegment path0;
    final MemorySegment path1;
    final MemorySegment chunk;
    final ByteBuffer chunkBuffer;
    final MemorySegment statx;
    final MemorySegment offsets;
    final MemorySegment emptyPath;
    final IoVector vector;
    private final boolean data;

    private NativeScratch(final boolean data)
    {
        final Arena arena = Arena.ofAuto();
        this.data = data;
        final long head = data ? CHUNK : 2L * PATH_MAX;
        final MemorySegment memory = arena.allocate(head + TAIL, 64);
        if (data)
        {
            this.chunk = memory.asSlice(0, CHUNK);
            this.chunkBuffer = chunk.asByteBuffer();
            this.path0 = null;
            this.path1 = null;
            this.vector = new IoVector(arena, IOV_CAPACITY);
        }
        else
        {
            this.chunk = null;
            this.chunkBuffer = null;
            this.path0 = memory.asSlice(0, PATH_MAX);
            this.path1 = memory.asSlice(PATH_MAX, PATH_MAX);
            this.vector = null;
        }
        this.statx = memory.asSlice(head, StatxDescriptor.LENGTH);
        this.offsets = memory.asSlice(head + StatxDescriptor.LENGTH, 16);
        this.emptyPath = memory.asSlice(head + StatxDescriptor.LENGTH + 16, 8);
        emptyPath.set(ValueLayout.JAVA_BYTE, 0, (byte)0);
    }

    /**
     * @return a lease with two path areas, a statx buffer and offsets.
     */
    static NativeScratch pathLease()
    {
        final NativeScratch lease = take(PATH_POOL);
        return lease != null ? lease : new NativeScratch(false);
    }

    /**
     * @return a lease with a bounce chunk, an iovec array, a statx buffer and offsets.
     */
    static NativeScratch dataLease()
    {
        final NativeScratch lease = take(DATA_POOL);
        return lease != null ? lease : new NativeScratch(true);
    }

    /**
     * Give the lease back; the caller must not touch it afterwards.
     */
    void release()
    {
        if (vector != null)
        {
            vector.clear();
        }
        final AtomicReferenceArray<NativeScratch> pool = data ? DATA_POOL : PATH_POOL;
        final int start = start();
        for (int i = 0; i < PROBES; i++)
        {
            final int slot = (start + i) & POOL_MASK;
            if (pool.getPlain(slot) == null && pool.compareAndSet(slot, null, this))
            {
                return;
            }
        }
        // no free slot nearby: dropped, the GC frees it
    }

    /**
     * A lock-free pool without a node per element: an array of slots, taken by getAndSet(null) and filled by
     * compareAndSet(null, lease), probed from a slot that depends on the thread, so that threads spread out.
     */
    private static NativeScratch take(final AtomicReferenceArray<NativeScratch> pool)
    {
        final int start = start();
        for (int i = 0; i < PROBES; i++)
        {
            final int slot = (start + i) & POOL_MASK;
            if (pool.getPlain(slot) != null)
            {
                final NativeScratch lease = pool.getAndSet(slot, null);
                if (lease != null)
                {
                    return lease;
                }
            }
        }
        return null;
    }

    private static int start()
    {
        return (int)(Thread.currentThread().threadId() * 0x9E3779B9L >>> 16) & POOL_MASK & ~(PROBES - 1);
    }

    /**
     * Write a path as the kernel takes it: the platform's encoding (sun.jnu.encoding, as the JDK), NUL-terminated;
     * the empty path means the working directory, as the JDK's {@code UnixPath} does.
     *
     * @param area  {@link #path0} or {@link #path1}.
     * @param path  the path's text (from the platform's Path, so already checked: no NUL, encodable).
     * @return {@code area}, or {@link #TOO_LONG} if the kernel would refuse it with ENAMETOOLONG.
     */
    static MemorySegment put(final MemorySegment area, final String path)
    {
        final String text = path.isEmpty() ? "." : path;
        final int length = text.length();
        boolean ascii = length < PATH_MAX;
        for (int i = 0; ascii && i < length; i++)
        {
            final char c = text.charAt(i);
            if (c >= 0x80)
            {
                ascii = false;
            }
            else
            {
                area.set(ValueLayout.JAVA_BYTE, i, (byte)c);
            }
        }
        if (ascii)
        {
            area.set(ValueLayout.JAVA_BYTE, length, (byte)0);
            return area;
        }
        final byte[] bytes = text.getBytes(JNU_CHARSET); // cold: a long or non-ASCII path
        if (bytes.length >= PATH_MAX)
        {
            return TOO_LONG;
        }
        MemorySegment.copy(bytes, 0, area, ValueLayout.JAVA_BYTE, 0, bytes.length);
        area.set(ValueLayout.JAVA_BYTE, bytes.length, (byte)0);
        return area;
    }

    /**
     * @param bytes raw bytes from the kernel (a link target, a directory entry's name).
     * @return them decoded as the JDK decodes path bytes.
     */
    static String decode(final byte[] bytes)
    {
        return new String(bytes, JNU_CHARSET);
    }

    /**
     * @return the charset the JDK uses for path bytes.
     */
    static Charset charset()
    {
        return JNU_CHARSET;
    }

    private static Charset jnuCharset()
    {
        final String name = System.getProperty("sun.jnu.encoding");
        try
        {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        }
        catch (final RuntimeException ex)
        {
            return StandardCharsets.UTF_8;
        }
    }
}
