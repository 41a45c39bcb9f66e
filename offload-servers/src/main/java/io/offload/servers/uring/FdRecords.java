package io.offload.servers.uring;

import java.util.Arrays;

/**
 * What the io_uring executor keeps per fd while calls on it need ordering, and the sync groups of fsync coalescing:
 * fixed-size tables, for the server thread, allocated once and never on the hot path.
 * <p>
 * A <b>record</b> exists for an fd while any of these is true (each holds an in-flight slot or is a socket request,
 * so there are never more records than slots plus {@link UringCalls#MAX_PEER_REQUESTS}):
 * <ul>
 *   <li>a current-position read or write on it is in the kernel ({@link #pos}): io_uring reads and advances
 *       {@code f_pos} without the {@code f_pos_lock} that read(2) takes, so two such requests on one file in the
 *       kernel at once could read (or overwrite) the same bytes; the executor keeps one in the kernel per fd and
 *       queues the next ones behind it (the chain);</li>
 *   <li>a sync group on it is collecting members ({@link #collecting}) or in the kernel ({@link #groupsInKernel});</li>
 *   <li>socket requests on it are in the kernel (the executor's list of them, {@code UringCalls.peers}): a close
 *       cancels them and waits for their CQEs;</li>
 *   <li>a close of it waits for those to finish ({@link #closeHandle}).</li>
 * </ul>
 * Records are found by fd through an open-addressing table (linear probing, backward-shift deletion).
 * <p>
 * A <b>group</b> is one {@code IORING_OP_FSYNC} request and the sync calls it answers; its SQE's user_data names the
 * group, not a call, so a member may leave (cancel, deadline) without its handle ever meeting a stray CQE.
 */
final class FdRecords
{
    /** "No record", "no group", "no handle". */
    static final int NONE = -1;

    private static final int EMPTY = Integer.MIN_VALUE;

    private final int records;
    private final int mask;
    private final int[] keys;
    private final int[] slotRecord;

    private final int[] fd;
    private final int[] pos;
    private final int[] closeHandle;
    private final int[] collecting;
    private final int[] groupsInKernel;
    private final int[] freeRecords;
    private int freeRecordCount;

    private final int[] groupRecord;
    private final boolean[] groupFsync;
    private final boolean[] groupInKernel;
    private final long[] groupSerial;
    private final int[] freeGroups;
    private int freeGroupCount;
    private int recordsInUse;

    /**
     * @param records records at most (the executor's in-flight bound: each record holds a slot).
     */
    FdRecords(final int records)
    {
        if (records < 1)
        {
            throw new IllegalArgumentException("records must be positive, got " + records);
        }
        this.records = records;
        final int slots = Integer.highestOneBit(Math.max(2, records) * 2 - 1) << 1;
        this.mask = slots - 1;
        this.keys = new int[slots];
        this.slotRecord = new int[slots];
        Arrays.fill(keys, EMPTY);

        this.fd = new int[records];
        this.pos = new int[records];
        this.closeHandle = new int[records];
        this.collecting = new int[records];
        this.groupsInKernel = new int[records];
        this.freeRecords = new int[records];
        for (int r = 0; r < records; r++)
        {
            freeRecords[r] = records - 1 - r;
        }
        this.freeRecordCount = records;

        final int groups = 2 * records;
        this.groupRecord = new int[groups];
        this.groupFsync = new boolean[groups];
        this.groupInKernel = new boolean[groups];
        this.groupSerial = new long[groups];
        this.freeGroups = new int[groups];
        for (int g = 0; g < groups; g++)
        {
            freeGroups[g] = groups - 1 - g;
        }
        this.freeGroupCount = groups;
    }

    /**
     * @return how many records the table can hold.
     */
    int capacity()
    {
        return records;
    }

    /**
     * @return how many groups the table can hold; group list ids run from 0 to this minus one.
     */
    int groupCapacity()
    {
        return groupRecord.length;
    }

    /**
     * @return records in use.
     */
    int inUse()
    {
        return recordsInUse;
    }

    private static int hash(final int fd)
    {
        final int h = fd * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * @param fd an fd.
     * @return its record, or {@link #NONE}.
     */
    int find(final int fd)
    {
        int i = hash(fd) & mask;
        while (true)
        {
            final int key = keys[i];
            if (key == EMPTY)
            {
                return NONE;
            }
            if (key == fd)
            {
                return slotRecord[i];
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * @param fd an fd.
     * @return its record, made (empty) if there was none.
     * @throws IllegalStateException if every record is in use (the executor's slot accounting is broken).
     */
    int acquire(final int fd)
    {
        int i = hash(fd) & mask;
        while (true)
        {
            final int key = keys[i];
            if (key == fd)
            {
                return slotRecord[i];
            }
            if (key == EMPTY)
            {
                break;
            }
            i = (i + 1) & mask;
        }
        if (freeRecordCount == 0)
        {
            throw new IllegalStateException("all " + records + " fd records are in use: each should hold an " +
                "in-flight slot, so there should never be more than the in-flight bound");
        }
        final int r = freeRecords[--freeRecordCount];
        keys[i] = fd;
        slotRecord[i] = r;
        this.fd[r] = fd;
        pos[r] = NONE;
        closeHandle[r] = NONE;
        collecting[r] = NONE;
        groupsInKernel[r] = 0;
        recordsInUse++;
        return r;
    }

    /**
     * Forget a record that {@link #isIdle} says holds nothing.
     *
     * @param r the record.
     */
    void release(final int r)
    {
        int i = hash(fd[r]) & mask;
        while (keys[i] != fd[r])
        {
            i = (i + 1) & mask;
        }
        // backward-shift deletion: pull later members of the probe run into the hole, so find() needs no tombstones
        int hole = i;
        int j = i;
        while (true)
        {
            j = (j + 1) & mask;
            final int key = keys[j];
            if (key == EMPTY)
            {
                break;
            }
            final int home = hash(key) & mask;
            final boolean homeInRange = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!homeInRange)
            {
                keys[hole] = key;
                slotRecord[hole] = slotRecord[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
        freeRecords[freeRecordCount++] = r;
        recordsInUse--;
    }

    /**
     * @param r a record.
     * @return whether nothing refers to it any more (the chain of waiters is the executor's to check).
     */
    boolean isIdle(final int r)
    {
        return pos[r] == NONE && collecting[r] == NONE && groupsInKernel[r] == 0 && closeHandle[r] == NONE;
    }

    int fd(final int r)
    {
        return fd[r];
    }

    /** @return the current-position call of this fd in the kernel, or {@link #NONE}. */
    int pos(final int r)
    {
        return pos[r];
    }

    void pos(final int r, final int handle)
    {
        pos[r] = handle;
    }

    /** @return the close waiting for this fd's calls to finish, or {@link #NONE}. */
    int closeHandle(final int r)
    {
        return closeHandle[r];
    }

    void closeHandle(final int r, final int handle)
    {
        closeHandle[r] = handle;
    }

    /** @return whether a close of this fd has arrived and not yet been issued. */
    boolean isClosing(final int r)
    {
        return closeHandle[r] != NONE;
    }

    /**
     * The record a new call on {@code fd} joins: its fd's, made if it has none; {@link #NONE} while the fd is closing,
     * and the call then fails with EBADF, as it would had the close already run.
     *
     * @param fd the call's fd.
     * @return its record, or {@link #NONE} while a close of it is in flight.
     */
    int acquireUnlessClosing(final int fd)
    {
        final int r = find(fd);
        if (r == NONE)
        {
            return acquire(fd);
        }
        return isClosing(r) ? NONE : r;
    }

    /** @return the group collecting sync calls for the next sync of this fd, or {@link #NONE}. */
    int collecting(final int r)
    {
        return collecting[r];
    }

    void collecting(final int r, final int group)
    {
        collecting[r] = group;
    }

    /** @return sync requests of this fd in the kernel. */
    int groupsInKernel(final int r)
    {
        return groupsInKernel[r];
    }

    void addGroupsInKernel(final int r, final int delta)
    {
        groupsInKernel[r] += delta;
    }

    // ---------------------------------------------------------------- groups

    /**
     * @param r the record of the group's fd.
     * @return a new, empty, collecting group.
     */
    int newGroup(final int r)
    {
        if (freeGroupCount == 0)
        {
            throw new IllegalStateException("all " + groupRecord.length + " sync groups are in use: the in-flight " +
                "slot accounting is broken");
        }
        final int g = freeGroups[--freeGroupCount];
        groupRecord[g] = r;
        groupFsync[g] = false;
        groupInKernel[g] = false;
        groupSerial[g] = 0;
        return g;
    }

    void freeGroup(final int g)
    {
        freeGroups[freeGroupCount++] = g;
    }

    int groupRecord(final int g)
    {
        return groupRecord[g];
    }

    /** @return whether a member asked for fsync (else every member asked for fdatasync). */
    boolean groupFsync(final int g)
    {
        return groupFsync[g];
    }

    void markGroupFsync(final int g)
    {
        groupFsync[g] = true;
    }

    boolean groupInKernel(final int g)
    {
        return groupInKernel[g];
    }

    /**
     * @param g      the group.
     * @param serial its issue number (for the trace).
     */
    void groupIssued(final int g, final long serial)
    {
        groupInKernel[g] = true;
        groupSerial[g] = serial;
    }

    long groupSerial(final int g)
    {
        return groupSerial[g];
    }
}
