package io.offload.servers.uring;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The constants and layouts against the kernel's uapi header. The tables below were printed by a C program that
 * includes the header ({@code include/uapi/linux/io_uring.h} as liburing ships it, August 2026, with
 * {@code <linux/fs.h>} for RWF_*) and prints each name's value and each field's {@code offsetof}: the compiler
 * read the header, not a person. Where the machine has {@code /usr/include/linux/io_uring.h} (any version), its
 * {@code #define}s and enums are parsed too and every name it shares with {@link IoUringConstants} must agree.
 */
class IoUringConstantsTest
{
    private static final Map<String, Long> HEADER = table(
            row("IORING_OP_NOP", 0L),
            row("IORING_OP_READV", 1L),
            row("IORING_OP_WRITEV", 2L),
            row("IORING_OP_FSYNC", 3L),
            row("IORING_OP_READ_FIXED", 4L),
            row("IORING_OP_WRITE_FIXED", 5L),
            row("IORING_OP_POLL_ADD", 6L),
            row("IORING_OP_POLL_REMOVE", 7L),
            row("IORING_OP_SYNC_FILE_RANGE", 8L),
            row("IORING_OP_SENDMSG", 9L),
            row("IORING_OP_RECVMSG", 10L),
            row("IORING_OP_TIMEOUT", 11L),
            row("IORING_OP_TIMEOUT_REMOVE", 12L),
            row("IORING_OP_ACCEPT", 13L),
            row("IORING_OP_ASYNC_CANCEL", 14L),
            row("IORING_OP_LINK_TIMEOUT", 15L),
            row("IORING_OP_CONNECT", 16L),
            row("IORING_OP_FALLOCATE", 17L),
            row("IORING_OP_OPENAT", 18L),
            row("IORING_OP_CLOSE", 19L),
            row("IORING_OP_FILES_UPDATE", 20L),
            row("IORING_OP_STATX", 21L),
            row("IORING_OP_READ", 22L),
            row("IORING_OP_WRITE", 23L),
            row("IORING_OP_FADVISE", 24L),
            row("IORING_OP_MADVISE", 25L),
            row("IORING_OP_SEND", 26L),
            row("IORING_OP_RECV", 27L),
            row("IORING_OP_OPENAT2", 28L),
            row("IORING_OP_EPOLL_CTL", 29L),
            row("IORING_OP_SPLICE", 30L),
            row("IORING_OP_PROVIDE_BUFFERS", 31L),
            row("IORING_OP_REMOVE_BUFFERS", 32L),
            row("IORING_OP_TEE", 33L),
            row("IORING_OP_SHUTDOWN", 34L),
            row("IORING_OP_RENAMEAT", 35L),
            row("IORING_OP_UNLINKAT", 36L),
            row("IORING_OP_MKDIRAT", 37L),
            row("IORING_OP_SYMLINKAT", 38L),
            row("IORING_OP_LINKAT", 39L),
            row("IORING_OP_MSG_RING", 40L),
            row("IORING_OP_FSETXATTR", 41L),
            row("IORING_OP_SETXATTR", 42L),
            row("IORING_OP_FGETXATTR", 43L),
            row("IORING_OP_GETXATTR", 44L),
            row("IORING_OP_SOCKET", 45L),
            row("IORING_OP_URING_CMD", 46L),
            row("IORING_OP_SEND_ZC", 47L),
            row("IORING_OP_SENDMSG_ZC", 48L),
            row("IORING_OP_READ_MULTISHOT", 49L),
            row("IORING_OP_WAITID", 50L),
            row("IORING_OP_FUTEX_WAIT", 51L),
            row("IORING_OP_FUTEX_WAKE", 52L),
            row("IORING_OP_FUTEX_WAITV", 53L),
            row("IORING_OP_FIXED_FD_INSTALL", 54L),
            row("IORING_OP_FTRUNCATE", 55L),
            row("IORING_OP_BIND", 56L),
            row("IORING_OP_LISTEN", 57L),
            row("IORING_OP_RECV_ZC", 58L),
            row("IORING_OP_EPOLL_WAIT", 59L),
            row("IORING_OP_READV_FIXED", 60L),
            row("IORING_OP_WRITEV_FIXED", 61L),
            row("IORING_OP_PIPE", 62L),
            row("IORING_OP_NOP128", 63L),
            row("IORING_OP_URING_CMD128", 64L),
            row("IORING_SETUP_IOPOLL", 1L),
            row("IORING_SETUP_SQPOLL", 2L),
            row("IORING_SETUP_SQ_AFF", 4L),
            row("IORING_SETUP_CQSIZE", 8L),
            row("IORING_SETUP_CLAMP", 16L),
            row("IORING_SETUP_ATTACH_WQ", 32L),
            row("IORING_SETUP_R_DISABLED", 64L),
            row("IORING_SETUP_SUBMIT_ALL", 128L),
            row("IORING_SETUP_COOP_TASKRUN", 256L),
            row("IORING_SETUP_TASKRUN_FLAG", 512L),
            row("IORING_SETUP_SQE128", 1024L),
            row("IORING_SETUP_CQE32", 2048L),
            row("IORING_SETUP_SINGLE_ISSUER", 4096L),
            row("IORING_SETUP_DEFER_TASKRUN", 8192L),
            row("IORING_SETUP_NO_MMAP", 16384L),
            row("IORING_SETUP_REGISTERED_FD_ONLY", 32768L),
            row("IORING_SETUP_NO_SQARRAY", 65536L),
            row("IORING_SETUP_HYBRID_IOPOLL", 131072L),
            row("IORING_SETUP_CQE_MIXED", 262144L),
            row("IORING_SETUP_SQE_MIXED", 524288L),
            row("IORING_SETUP_SQ_REWIND", 1048576L),
            row("IORING_ENTER_GETEVENTS", 1L),
            row("IORING_ENTER_SQ_WAKEUP", 2L),
            row("IORING_ENTER_SQ_WAIT", 4L),
            row("IORING_ENTER_EXT_ARG", 8L),
            row("IORING_ENTER_REGISTERED_RING", 16L),
            row("IORING_ENTER_ABS_TIMER", 32L),
            row("IORING_ENTER_EXT_ARG_REG", 64L),
            row("IORING_ENTER_NO_IOWAIT", 128L),
            row("IORING_FEAT_SINGLE_MMAP", 1L),
            row("IORING_FEAT_NODROP", 2L),
            row("IORING_FEAT_SUBMIT_STABLE", 4L),
            row("IORING_FEAT_RW_CUR_POS", 8L),
            row("IORING_FEAT_CUR_PERSONALITY", 16L),
            row("IORING_FEAT_FAST_POLL", 32L),
            row("IORING_FEAT_POLL_32BITS", 64L),
            row("IORING_FEAT_SQPOLL_NONFIXED", 128L),
            row("IORING_FEAT_EXT_ARG", 256L),
            row("IORING_FEAT_NATIVE_WORKERS", 512L),
            row("IORING_FEAT_RSRC_TAGS", 1024L),
            row("IORING_FEAT_CQE_SKIP", 2048L),
            row("IORING_FEAT_LINKED_FILE", 4096L),
            row("IORING_FEAT_REG_REG_RING", 8192L),
            row("IORING_FEAT_RECVSEND_BUNDLE", 16384L),
            row("IORING_FEAT_MIN_TIMEOUT", 32768L),
            row("IORING_FEAT_RW_ATTR", 65536L),
            row("IORING_FEAT_NO_IOWAIT", 131072L),
            row("IOSQE_FIXED_FILE", 1L),
            row("IOSQE_IO_DRAIN", 2L),
            row("IOSQE_IO_LINK", 4L),
            row("IOSQE_IO_HARDLINK", 8L),
            row("IOSQE_ASYNC", 16L),
            row("IOSQE_BUFFER_SELECT", 32L),
            row("IOSQE_CQE_SKIP_SUCCESS", 64L),
            row("IORING_CQE_F_BUFFER", 1L),
            row("IORING_CQE_F_MORE", 2L),
            row("IORING_CQE_F_SOCK_NONEMPTY", 4L),
            row("IORING_CQE_F_NOTIF", 8L),
            row("IORING_CQE_F_BUF_MORE", 16L),
            row("IORING_CQE_F_SKIP", 32L),
            row("IORING_CQE_F_32", 32768L),
            row("IORING_CQE_BUFFER_SHIFT", 16L),
            row("IORING_SQ_NEED_WAKEUP", 1L),
            row("IORING_SQ_CQ_OVERFLOW", 2L),
            row("IORING_SQ_TASKRUN", 4L),
            row("IORING_CQ_EVENTFD_DISABLED", 1L),
            row("IORING_FSYNC_DATASYNC", 1L),
            row("IORING_TIMEOUT_ABS", 1L),
            row("IORING_TIMEOUT_UPDATE", 2L),
            row("IORING_TIMEOUT_BOOTTIME", 4L),
            row("IORING_TIMEOUT_REALTIME", 8L),
            row("IORING_LINK_TIMEOUT_UPDATE", 16L),
            row("IORING_TIMEOUT_ETIME_SUCCESS", 32L),
            row("IORING_TIMEOUT_MULTISHOT", 64L),
            row("IORING_TIMEOUT_IMMEDIATE_ARG", 128L),
            row("IORING_POLL_ADD_MULTI", 1L),
            row("IORING_POLL_UPDATE_EVENTS", 2L),
            row("IORING_POLL_UPDATE_USER_DATA", 4L),
            row("IORING_POLL_ADD_LEVEL", 8L),
            row("IORING_ASYNC_CANCEL_ALL", 1L),
            row("IORING_ASYNC_CANCEL_FD", 2L),
            row("IORING_ASYNC_CANCEL_ANY", 4L),
            row("IORING_ASYNC_CANCEL_FD_FIXED", 8L),
            row("IORING_ASYNC_CANCEL_USERDATA", 16L),
            row("IORING_ASYNC_CANCEL_OP", 32L),
            row("IORING_RECVSEND_POLL_FIRST", 1L),
            row("IORING_RECV_MULTISHOT", 2L),
            row("IORING_RECVSEND_FIXED_BUF", 4L),
            row("IORING_SEND_ZC_REPORT_USAGE", 8L),
            row("IORING_RECVSEND_BUNDLE", 16L),
            row("IORING_SEND_VECTORIZED", 32L),
            row("IORING_ACCEPT_MULTISHOT", 1L),
            row("IORING_ACCEPT_DONTWAIT", 2L),
            row("IORING_ACCEPT_POLL_FIRST", 4L),
            row("IORING_MSG_DATA", 0L),
            row("IORING_MSG_SEND_FD", 1L),
            row("IORING_MSG_RING_CQE_SKIP", 1L),
            row("IORING_MSG_RING_FLAGS_PASS", 2L),
            row("IORING_NOP_INJECT_RESULT", 1L),
            row("IORING_FILE_INDEX_ALLOC", -1L),
            row("SPLICE_F_FD_IN_FIXED", -2147483648L),
            row("IO_URING_OP_SUPPORTED", 1L),
            row("IORING_OFF_SQ_RING", 0L),
            row("IORING_OFF_CQ_RING", 134217728L),
            row("IORING_OFF_SQES", 268435456L),
            row("IORING_REGISTER_BUFFERS", 0L),
            row("IORING_UNREGISTER_BUFFERS", 1L),
            row("IORING_REGISTER_FILES", 2L),
            row("IORING_UNREGISTER_FILES", 3L),
            row("IORING_REGISTER_EVENTFD", 4L),
            row("IORING_UNREGISTER_EVENTFD", 5L),
            row("IORING_REGISTER_FILES_UPDATE", 6L),
            row("IORING_REGISTER_EVENTFD_ASYNC", 7L),
            row("IORING_REGISTER_PROBE", 8L),
            row("IORING_REGISTER_PERSONALITY", 9L),
            row("IORING_UNREGISTER_PERSONALITY", 10L),
            row("IORING_REGISTER_RESTRICTIONS", 11L),
            row("IORING_REGISTER_ENABLE_RINGS", 12L),
            row("IORING_REGISTER_FILES2", 13L),
            row("IORING_REGISTER_FILES_UPDATE2", 14L),
            row("IORING_REGISTER_BUFFERS2", 15L),
            row("IORING_REGISTER_BUFFERS_UPDATE", 16L),
            row("IORING_REGISTER_IOWQ_AFF", 17L),
            row("IORING_UNREGISTER_IOWQ_AFF", 18L),
            row("IORING_REGISTER_IOWQ_MAX_WORKERS", 19L),
            row("IORING_REGISTER_RING_FDS", 20L),
            row("IORING_UNREGISTER_RING_FDS", 21L),
            row("IORING_REGISTER_PBUF_RING", 22L),
            row("IORING_UNREGISTER_PBUF_RING", 23L),
            row("IORING_REGISTER_SYNC_CANCEL", 24L),
            row("IORING_REGISTER_FILE_ALLOC_RANGE", 25L),
            row("IORING_REGISTER_PBUF_STATUS", 26L),
            row("IORING_REGISTER_NAPI", 27L),
            row("IORING_UNREGISTER_NAPI", 28L),
            row("IORING_REGISTER_CLOCK", 29L),
            row("IORING_REGISTER_CLONE_BUFFERS", 30L),
            row("IORING_REGISTER_SEND_MSG_RING", 31L),
            row("IORING_REGISTER_ZCRX_IFQ", 32L),
            row("IORING_REGISTER_RESIZE_RINGS", 33L),
            row("IORING_REGISTER_MEM_REGION", 34L),
            row("IORING_REGISTER_QUERY", 35L),
            row("IORING_REGISTER_ZCRX_CTRL", 36L),
            row("IORING_REGISTER_BPF_FILTER", 37L),
            row("IORING_REGISTER_USE_REGISTERED_RING", -2147483648L),
            row("RWF_HIPRI", 1L),
            row("RWF_DSYNC", 2L),
            row("RWF_SYNC", 4L),
            row("RWF_NOWAIT", 8L),
            row("RWF_APPEND", 16L)
    );

    private static Map<String, Long> table(final Object... rows)
    {
        final Map<String, Long> table = new LinkedHashMap<>();
        for (final Object row : rows)
        {
            final Object[] pair = (Object[])row;
            table.put((String)pair[0], (Long)pair[1]);
        }
        return table;
    }

    private static Object row(final String name, final long value)
    {
        return new Object[] {name, value};
    }

    private static Map<String, Long> javaConstants() throws IllegalAccessException
    {
        final Map<String, Long> constants = new HashMap<>();
        for (final Field field : IoUringConstants.class.getDeclaredFields())
        {
            final int modifiers = field.getModifiers();
            if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers))
            {
                constants.put(field.getName(), ((Number)field.get(null)).longValue());
            }
        }
        return constants;
    }

    @Test
    void everyConstantHasTheHeadersValue() throws IllegalAccessException
    {
        final Map<String, Long> constants = javaConstants();
        assertEquals(HEADER.keySet(), constants.keySet(), "the table and the class name the same constants");
        for (final Map.Entry<String, Long> entry : HEADER.entrySet())
        {
            // values are compared as the kernel's u32/u64: an int constant with bit 31 set reads negative in Java
            assertEquals(entry.getValue().longValue(), constants.get(entry.getKey()).longValue(), entry.getKey());
        }
    }

    @Test
    void theInstalledHeaderAgreesWhereItNamesTheSameConstants() throws IOException, IllegalAccessException
    {
        final Path installed = Path.of("/usr/include/linux/io_uring.h");
        assumeTrue(Files.isReadable(installed), "no kernel headers installed at " + installed);
        final Map<String, Long> parsed = parseHeader(Files.readString(installed));
        final Map<String, Long> constants = javaConstants();
        int compared = 0;
        for (final Map.Entry<String, Long> entry : parsed.entrySet())
        {
            final Long ours = constants.get(entry.getKey());
            if (ours != null)
            {
                assertEquals(entry.getValue().longValue(), ours.intValue() == ours ? ours & 0xffff_ffffL : ours,
                    entry.getKey() + " in " + installed);
                compared++;
            }
        }
        // even a 5.x header names the opcodes up to 40 and the basic flags
        assertTrue(compared >= 100, "only " + compared + " constants compared with " + installed);
    }

    /**
     * Parses enums (implicit and explicit values) and {@code #define NAME (1U << n)} / number lines: enough of the
     * uapi header's syntax for its constants.
     */
    static Map<String, Long> parseHeader(final String text)
    {
        final Map<String, Long> values = new HashMap<>();
        final Matcher enums = Pattern.compile("enum\\s+\\w*\\s*\\{([^}]*)\\}").matcher(text);
        while (enums.find())
        {
            long next = 0;
            for (final String raw : enums.group(1).replaceAll("/\\*.*?\\*/", "").split(","))
            {
                final String item = raw.trim();
                if (item.isEmpty())
                {
                    continue;
                }
                final String[] parts = item.split("=");
                final String name = parts[0].trim();
                final Long value = parts.length > 1 ? evaluate(parts[1].trim(), values) : Long.valueOf(next);
                if (value != null && name.matches("\\w+"))
                {
                    values.put(name, value);
                    next = value + 1;
                }
            }
        }
        final Matcher defines = Pattern.compile("(?m)^#define\\s+(\\w+)\\s+([^/\\n]+)").matcher(text);
        while (defines.find())
        {
            final Long value = evaluate(defines.group(2).trim(), values);
            if (value != null)
            {
                values.put(defines.group(1), value);
            }
        }
        return values;
    }

    private static Long evaluate(final String expression, final Map<String, Long> known)
    {
        final String e = expression.replaceAll("[()]", "").replaceAll("(?i)(?<=[0-9a-f])U?LL|(?<=[0-9a-f])U", "").trim();
        final Matcher shift = Pattern.compile("(\\w+)\\s*<<\\s*(\\w+)").matcher(e);
        if (shift.matches())
        {
            final Long left = number(shift.group(1), known);
            final Long right = number(shift.group(2), known);
            return left == null || right == null ? null : (left << right) & 0xffff_ffffL;
        }
        return number(e, known);
    }

    private static Long number(final String token, final Map<String, Long> known)
    {
        try
        {
            if (token.startsWith("0x") || token.startsWith("0X"))
            {
                return Long.parseLong(token.substring(2), 16);
            }
            return Long.parseLong(token);
        }
        catch (final NumberFormatException ex)
        {
            return known.get(token);
        }
    }

    @Test
    void theParserReadsTheHeadersForms()
    {
        final Map<String, Long> parsed = parseHeader(
            "enum io_uring_op {\n\tIORING_OP_NOP,\n\tIORING_OP_READV, /* c */\n\tIORING_OP_X = 7,\n\tIORING_OP_Y,\n};\n" +
            "#define IORING_SETUP_SQPOLL\t(1U << 1)\t/* SQ poll thread */\n#define IORING_OFF_CQ_RING\t\t0x8000000ULL\n");
        assertEquals(0L, parsed.get("IORING_OP_NOP"));
        assertEquals(1L, parsed.get("IORING_OP_READV"));
        assertEquals(7L, parsed.get("IORING_OP_X"));
        assertEquals(8L, parsed.get("IORING_OP_Y"));
        assertEquals(2L, parsed.get("IORING_SETUP_SQPOLL"));
        assertEquals(0x8000000L, parsed.get("IORING_OFF_CQ_RING"));
    }

    @Test
    void structLayoutsMatchTheHeader()
    {
        // sizeof and offsetof from the same C program (gcc, x86-64; every field is a fixed-width, naturally
        // aligned integer, so AArch64 lays them out the same)
        assertEquals(120, IoUringParamsDescriptor.PARAMS_LENGTH);
        assertEquals(0, IoUringParamsDescriptor.SQ_ENTRIES_OFFSET);
        assertEquals(4, IoUringParamsDescriptor.CQ_ENTRIES_OFFSET);
        assertEquals(8, IoUringParamsDescriptor.FLAGS_OFFSET);
        assertEquals(12, IoUringParamsDescriptor.SQ_THREAD_CPU_OFFSET);
        assertEquals(16, IoUringParamsDescriptor.SQ_THREAD_IDLE_OFFSET);
        assertEquals(20, IoUringParamsDescriptor.FEATURES_OFFSET);
        assertEquals(24, IoUringParamsDescriptor.WQ_FD_OFFSET);
        assertEquals(28, IoUringParamsDescriptor.RESV_OFFSET);
        assertEquals(40, IoUringParamsDescriptor.RING_OFFSETS_LENGTH);
        assertEquals(40, IoUringParamsDescriptor.SQ_OFF_OFFSET);
        assertEquals(40, IoUringParamsDescriptor.SQ_OFF_HEAD_OFFSET);
        assertEquals(44, IoUringParamsDescriptor.SQ_OFF_TAIL_OFFSET);
        assertEquals(48, IoUringParamsDescriptor.SQ_OFF_RING_MASK_OFFSET);
        assertEquals(52, IoUringParamsDescriptor.SQ_OFF_RING_ENTRIES_OFFSET);
        assertEquals(56, IoUringParamsDescriptor.SQ_OFF_FLAGS_OFFSET);
        assertEquals(60, IoUringParamsDescriptor.SQ_OFF_DROPPED_OFFSET);
        assertEquals(64, IoUringParamsDescriptor.SQ_OFF_ARRAY_OFFSET);
        assertEquals(68, IoUringParamsDescriptor.SQ_OFF_RESV1_OFFSET);
        assertEquals(72, IoUringParamsDescriptor.SQ_OFF_USER_ADDR_OFFSET);
        assertEquals(80, IoUringParamsDescriptor.CQ_OFF_OFFSET);
        assertEquals(80, IoUringParamsDescriptor.CQ_OFF_HEAD_OFFSET);
        assertEquals(84, IoUringParamsDescriptor.CQ_OFF_TAIL_OFFSET);
        assertEquals(88, IoUringParamsDescriptor.CQ_OFF_RING_MASK_OFFSET);
        assertEquals(92, IoUringParamsDescriptor.CQ_OFF_RING_ENTRIES_OFFSET);
        assertEquals(96, IoUringParamsDescriptor.CQ_OFF_OVERFLOW_OFFSET);
        assertEquals(100, IoUringParamsDescriptor.CQ_OFF_CQES_OFFSET);
        assertEquals(104, IoUringParamsDescriptor.CQ_OFF_FLAGS_OFFSET);
        assertEquals(108, IoUringParamsDescriptor.CQ_OFF_RESV1_OFFSET);
        assertEquals(112, IoUringParamsDescriptor.CQ_OFF_USER_ADDR_OFFSET);

        assertEquals(64, SqeDescriptor.SQE_LENGTH);
        assertEquals(1 << SqeDescriptor.SQE_SHIFT, SqeDescriptor.SQE_LENGTH);
        assertEquals(0, SqeDescriptor.OPCODE_OFFSET);
        assertEquals(1, SqeDescriptor.FLAGS_OFFSET);
        assertEquals(2, SqeDescriptor.IOPRIO_OFFSET);
        assertEquals(4, SqeDescriptor.FD_OFFSET);
        assertEquals(8, SqeDescriptor.OFF_OFFSET);
        assertEquals(8, SqeDescriptor.ADDR2_OFFSET);
        assertEquals(16, SqeDescriptor.ADDR_OFFSET);
        assertEquals(16, SqeDescriptor.SPLICE_OFF_IN_OFFSET);
        assertEquals(24, SqeDescriptor.LEN_OFFSET);
        for (final int unionMember : new int[] {SqeDescriptor.RW_FLAGS_OFFSET, SqeDescriptor.FSYNC_FLAGS_OFFSET,
            SqeDescriptor.POLL32_EVENTS_OFFSET, SqeDescriptor.MSG_FLAGS_OFFSET, SqeDescriptor.TIMEOUT_FLAGS_OFFSET,
            SqeDescriptor.ACCEPT_FLAGS_OFFSET, SqeDescriptor.CANCEL_FLAGS_OFFSET, SqeDescriptor.OPEN_FLAGS_OFFSET,
            SqeDescriptor.STATX_FLAGS_OFFSET, SqeDescriptor.SPLICE_FLAGS_OFFSET, SqeDescriptor.RENAME_FLAGS_OFFSET,
            SqeDescriptor.UNLINK_FLAGS_OFFSET, SqeDescriptor.MSG_RING_FLAGS_OFFSET, SqeDescriptor.NOP_FLAGS_OFFSET})
        {
            assertEquals(28, unionMember);
        }
        assertEquals(28, SqeDescriptor.OP_FLAGS_OFFSET);
        assertEquals(32, SqeDescriptor.USER_DATA_OFFSET);
        assertEquals(40, SqeDescriptor.BUF_INDEX_OFFSET);
        assertEquals(40, SqeDescriptor.BUF_GROUP_OFFSET);
        assertEquals(42, SqeDescriptor.PERSONALITY_OFFSET);
        assertEquals(44, SqeDescriptor.SPLICE_FD_IN_OFFSET);
        assertEquals(44, SqeDescriptor.FILE_INDEX_OFFSET);
        assertEquals(48, SqeDescriptor.ADDR3_OFFSET);
        assertEquals(56, SqeDescriptor.PAD2_OFFSET);

        assertEquals(16, CqeDescriptor.CQE_LENGTH);
        assertEquals(1 << CqeDescriptor.CQE_SHIFT, CqeDescriptor.CQE_LENGTH);
        assertEquals(0, CqeDescriptor.USER_DATA_OFFSET);
        assertEquals(8, CqeDescriptor.RES_OFFSET);
        assertEquals(12, CqeDescriptor.FLAGS_OFFSET);

        assertEquals(16, ProbeDescriptor.PROBE_HEADER_LENGTH);
        assertEquals(8, ProbeDescriptor.PROBE_OP_LENGTH);
        assertEquals(0, ProbeDescriptor.LAST_OP_OFFSET);
        assertEquals(1, ProbeDescriptor.OPS_LEN_OFFSET);
        assertEquals(2, ProbeDescriptor.RESV_OFFSET);
        assertEquals(4, ProbeDescriptor.RESV2_OFFSET);
        assertEquals(16, ProbeDescriptor.OPS_OFFSET);
        assertEquals(0, ProbeDescriptor.OP_OP_OFFSET);
        assertEquals(1, ProbeDescriptor.OP_RESV_OFFSET);
        assertEquals(2, ProbeDescriptor.OP_FLAGS_OFFSET);
        assertEquals(4, ProbeDescriptor.OP_RESV2_OFFSET);
        assertEquals(16 + 256 * 8, ProbeDescriptor.PROBE_LENGTH);

        assertEquals(24, GeteventsArgDescriptor.GETEVENTS_ARG_LENGTH);
        assertEquals(0, GeteventsArgDescriptor.SIGMASK_OFFSET);
        assertEquals(8, GeteventsArgDescriptor.SIGMASK_SZ_OFFSET);
        assertEquals(12, GeteventsArgDescriptor.MIN_WAIT_USEC_OFFSET);
        assertEquals(16, GeteventsArgDescriptor.TS_OFFSET);
        assertEquals(16, GeteventsArgDescriptor.TIMESPEC_LENGTH);
        assertEquals(0, GeteventsArgDescriptor.TV_SEC_OFFSET);
        assertEquals(8, GeteventsArgDescriptor.TV_NSEC_OFFSET);
    }

    @Test
    void namesForMessages()
    {
        assertEquals("READ", IoUringConstants.opcodeName(IoUringConstants.IORING_OP_READ));
        assertEquals("FTRUNCATE", IoUringConstants.opcodeName(55));
        assertEquals("OP_200", IoUringConstants.opcodeName(200));
        assertEquals("SINGLE_ISSUER DEFER_TASKRUN", IoUringConstants.setupFlagNames(
            IoUringConstants.IORING_SETUP_SINGLE_ISSUER | IoUringConstants.IORING_SETUP_DEFER_TASKRUN));
        assertEquals("none", IoUringConstants.setupFlagNames(0));
        assertEquals("SINGLE_MMAP NODROP bit30", IoUringConstants.featureNames(3 | 1 << 30));
    }

    @Test
    void architectureTable()
    {
        assertSame(UringArch.X86_64, UringArch.forName("amd64"));
        assertSame(UringArch.X86_64, UringArch.forName("x86_64"));
        assertSame(UringArch.AARCH64, UringArch.forName("aarch64"));
        for (final UringArch arch : UringArch.values())
        {
            // io_uring came after the syscall tables were unified: the same numbers everywhere
            assertEquals(425, arch.sysIoUringSetup);
            assertEquals(426, arch.sysIoUringEnter);
            assertEquals(427, arch.sysIoUringRegister);
        }
        assertEquals(186, UringArch.X86_64.sysGettid);
        assertEquals(234, UringArch.X86_64.sysTgkill);
        assertEquals(178, UringArch.AARCH64.sysGettid);
        assertEquals(131, UringArch.AARCH64.sysTgkill);
        final UnsupportedOperationException refused =
            assertThrows(UnsupportedOperationException.class, () -> UringArch.forName("riscv64"));
        assertTrue(refused.getMessage().contains("os.arch=riscv64"), refused.getMessage());
        assertTrue(refused.getMessage().contains("x86-64") && refused.getMessage().contains("AArch64"),
            refused.getMessage());
        assertFalse(UringArch.lookup("ppc64le") != null);
        final String arch = System.getProperty("os.arch");
        assertSame(UringArch.lookup(arch), UringArch.current());
    }
}
