package io.offload.servers.uring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.offload.servers.uring.IoUringConstants.IO_URING_OP_SUPPORTED;
import static io.offload.servers.uring.ProbeDescriptor.LAST_OP_OFFSET;
import static io.offload.servers.uring.ProbeDescriptor.MAX_OPS;
import static io.offload.servers.uring.ProbeDescriptor.OPS_LEN_OFFSET;
import static io.offload.servers.uring.ProbeDescriptor.OPS_OFFSET;
import static io.offload.servers.uring.ProbeDescriptor.OP_FLAGS_OFFSET;
import static io.offload.servers.uring.ProbeDescriptor.OP_OP_OFFSET;
import static io.offload.servers.uring.ProbeDescriptor.PROBE_OP_LENGTH;

/**
 * Which io_uring opcodes this kernel supports, from {@code IORING_REGISTER_PROBE} ({@link IoUring#probe()}): an
 * immutable copy of the kernel's answer, owning no memory. An executor asks it once at start which calls it may
 * turn into SQEs (e.g. {@code IORING_OP_FTRUNCATE} needs Linux 6.9) and runs the others as plain system calls.
 */
public final class Probe
{
    private final int lastOp;
    private final long[] supported = new long[MAX_OPS / Long.SIZE];

    private Probe(final int lastOp)
    {
        this.lastOp = lastOp;
    }

    /**
     * @param probe a probe buffer the kernel filled ({@link ProbeDescriptor}).
     * @return its contents.
     */
    static Probe parse(final MemorySegment probe)
    {
        final Probe result = new Probe(Byte.toUnsignedInt(probe.get(ValueLayout.JAVA_BYTE, LAST_OP_OFFSET)));
        final int opsLen = Byte.toUnsignedInt(probe.get(ValueLayout.JAVA_BYTE, OPS_LEN_OFFSET));
        for (int i = 0; i < opsLen; i++)
        {
            final long record = OPS_OFFSET + (long)i * PROBE_OP_LENGTH;
            final int op = Byte.toUnsignedInt(probe.get(ValueLayout.JAVA_BYTE, record + OP_OP_OFFSET));
            final int flags = Short.toUnsignedInt(probe.get(ValueLayout.JAVA_SHORT, record + OP_FLAGS_OFFSET));
            if ((flags & IO_URING_OP_SUPPORTED) != 0)
            {
                result.supported[op >>> 6] |= 1L << op;
            }
        }
        return result;
    }

    /**
     * @return the highest opcode this kernel knows (supported or not).
     */
    public int lastOp()
    {
        return lastOp;
    }

    /**
     * @param opcode an {@code IORING_OP_*} value.
     * @return whether this kernel supports it; false for anything outside 0..255.
     */
    public boolean isSupported(final int opcode)
    {
        return opcode >= 0 && opcode < MAX_OPS && (supported[opcode >>> 6] & (1L << opcode)) != 0;
    }

    /**
     * @return how many opcodes are supported.
     */
    public int supportedCount()
    {
        int count = 0;
        for (final long word : supported)
        {
            count += Long.bitCount(word);
        }
        return count;
    }

    /**
     * @return the names of the supported opcodes, in opcode order.
     */
    public List<String> supportedNames()
    {
        final List<String> names = new ArrayList<>();
        for (int op = 0; op < MAX_OPS; op++)
        {
            if (isSupported(op))
            {
                names.add(IoUringConstants.opcodeName(op));
            }
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * @return the names of the opcodes up to {@link #lastOp()} the kernel knows but does not support.
     */
    public List<String> unsupportedNames()
    {
        final List<String> names = new ArrayList<>();
        for (int op = 0; op <= lastOp; op++)
        {
            if (!isSupported(op))
            {
                names.add(IoUringConstants.opcodeName(op));
            }
        }
        return Collections.unmodifiableList(names);
    }

    @Override
    public String toString()
    {
        return "Probe{lastOp=" + lastOp + " (" + IoUringConstants.opcodeName(lastOp) + "), supported=" +
            supportedCount() + ": " + String.join(" ", supportedNames()) + "}";
    }
}
