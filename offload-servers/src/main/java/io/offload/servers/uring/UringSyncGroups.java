package io.offload.servers.uring;

import io.offload.api.Errno;
import io.offload.rings.SyscallEntry;

import static io.offload.servers.uring.IoUringConstants.IORING_FSYNC_DATASYNC;
import static io.offload.servers.uring.UringCalls.SYNC_WAIT;

/**
 * fsync coalescing (off by default: {@link IoUringExecutorOptions#fsyncCoalescing}): sync calls of one fd that wait
 * together are answered by one sync issued after all of them arrived. Server thread only.
 * <p>
 * <b>The argument.</b> fsync(fd) and fdatasync(fd) make durable every write to the file that completed before the
 * sync was issued. A caller that asks for a sync wants durable the writes it saw complete before it asked; so any
 * sync of the same fd <i>issued after the caller's request arrived</i> covers them, and its result answers the caller
 * as well as the caller's own sync would. (An error is reported to every caller the sync answers: each might have
 * been the one to see it.) fsync covers all fdatasync does, so a group issues fsync if any member asked for fsync.
 * <p>
 * <b>Hence.</b> At most one sync per fd is in the kernel; sync calls that arrive while one is in flight join the
 * <i>next</i> group (the one in flight may have been issued before they arrived, so it cannot answer them); when the
 * one in flight completes, its group is answered with its result and one sync is issued for the next group. A lone
 * sync is issued at once. A close issues the collecting group at once, so syncs that arrived before it run before it
 * (then two syncs of that fd may be in the kernel). Members may leave early (cancel, deadline): a sync names no
 * memory, so its members wait WAITING while it runs, and the group's SQE carries the group, not a call, so a member
 * that left never meets a stray CQE. A collecting member holds an in-flight slot; an issued group holds one for all.
 */
final class UringSyncGroups
{
    /** What the groups did, for the test that checks no caller is answered by a sync issued before it arrived. */
    interface SyncTrace
    {
        /** A sync call reached the executor. */
        void arrived(int handle);

        /** A sync request was issued (its SQE written) for a group. */
        void issued(long serial, int fd, boolean fsync, int members);

        /** A group member is answered with its group's result. */
        void answered(int handle, long serial, long result);
    }

    private final UringCalls c;
    private final SyscallEntry entry;
    private final FdRecords records;
    private final HandleLists waits;
    private final UringCounters counters;
    private final UringSubmission submission;
    SyncTrace trace;
    private long serial;

    UringSyncGroups(final UringCalls calls, final UringCounters counters, final UringSubmission submission)
    {
        this.c = calls;
        this.entry = calls.entry;
        this.records = calls.records;
        this.waits = calls.waits;
        this.counters = counters;
        this.submission = submission;
    }

    /** A sync call reached the executor (before it may wait in the FIFO). */
    void arrived(final int handle)
    {
        if (trace != null)
        {
            trace.arrived(handle);
        }
    }

    /** Admit a RUNNING sync call (a slot is free): it joins its fd's collecting group, WAITING. */
    void admit(final int handle)
    {
        final int r = records.acquireUnlessClosing((int)entry.lpArg(handle, 0));
        if (r == FdRecords.NONE)
        {
            c.finish(handle, -Errno.EBADF);
            return;
        }
        submission.take(handle);
        c.recordOf[handle] = r;
        int g = records.collecting(r);
        if (g == FdRecords.NONE)
        {
            g = records.newGroup(r);
            records.collecting(r, g);
        }
        if (UringOps.isFsync(entry.lpOp(handle)))
        {
            records.markGroupFsync(g);
        }
        c.state[handle] = SYNC_WAIT;
        waits.addLast(c.groupList(g), handle);
        if (c.park(handle))
        {
            leave(handle, -Errno.ECANCELED);
            return;
        }
        if (records.groupsInKernel(r) == 0)
        {
            issue(g); // no sync of this fd in flight: this one is issued after every member arrived
        }
    }

    /** Issue one sync for a group: its members give their slots back and the request takes one. */
    void issue(final int g)
    {
        final int r = records.groupRecord(g);
        final int list = c.groupList(g);
        if (records.collecting(r) == g)
        {
            records.collecting(r, FdRecords.NONE);
        }
        final int members = waits.size(list);
        if (members == 0)
        {
            records.freeGroup(g);
            return;
        }
        c.slots += 1 - members;
        final long issued = ++serial;
        final boolean fsync = records.groupFsync(g);
        records.groupIssued(g, issued);
        records.addGroupsInKernel(r, 1);
        c.groupsInKernel++;
        submission.sqe().prepFsync(records.fd(r), fsync ? 0 : IORING_FSYNC_DATASYNC)
            .userData(UringSubmission.SYNC_TAG | g);
        counters.increment(UringCounters.SUBMITTED);
        counters.increment(UringCounters.SYNCS_ISSUED);
        if (trace != null)
        {
            trace.issued(issued, records.fd(r), fsync, members);
        }
    }

    /** A member leaves its group before the group's answer (cancel, deadline, settle): {@code error} ends it. */
    void leave(final int handle, final long error)
    {
        final int r = c.recordOf[handle];
        final int g = c.groupOf(handle);
        final boolean issued = records.groupInKernel(g);
        if (!issued)
        {
            c.slots--; // a collecting member holds a slot; an issued group holds one for all
        }
        c.finishWaiting(handle, error);
        if (!issued && waits.isEmpty(c.groupList(g)))
        {
            records.collecting(r, FdRecords.NONE);
            records.freeGroup(g);
            submission.closeIfIdle(r);
        }
    }

    /** A group's sync completed: answer its members, issue the next group of the fd. */
    void onCqe(final int g, final int res)
    {
        final int r = records.groupRecord(g);
        final long issued = records.groupSerial(g);
        records.addGroupsInKernel(r, -1);
        c.groupsInKernel--;
        c.slots--;
        final int list = c.groupList(g);
        int h;
        while ((h = waits.pollFirst(list)) != HandleLists.NONE)
        {
            if (!c.unpark(h))
            {
                c.forget(h);
                continue;
            }
            if (trace != null)
            {
                trace.answered(h, issued, res);
            }
            counters.increment(UringCounters.SYNC_CALLS_ANSWERED);
            c.finish(h, res);
        }
        records.freeGroup(g);
        final int next = records.collecting(r);
        if (next != FdRecords.NONE && records.groupsInKernel(r) == 0 && !c.stopping)
        {
            issue(next); // every member of it arrived after the sync just done was issued
        }
        submission.closeIfIdle(r);
    }
}
