package io.offload.servers.uring;

import java.util.Arrays;

/**
 * Intrusive doubly linked lists of entry handles, for one thread: each handle is in at most one of this instance's
 * lists at a time, so adding, removing any member and taking the first are O(1) and allocate nothing. Lists are
 * numbered {@code 0 .. lists - 1}; the links are per handle, in arrays that grow (a cold path, during warm-up) up to
 * the pool's bound as larger handles arrive, because entry pools hand out handles densely from 0.
 * <pre>
 *   head[list] -&gt; h1 &lt;-&gt; h2 &lt;-&gt; h3 &lt;- tail[list]      listOf[h] = list + 1 (0: in no list)
 * </pre>
 */
final class HandleLists
{
    /** Returned for "no handle". */
    static final int NONE = -1;

    private static final int INITIAL_HANDLES = 1024;

    private final int maxHandles;
    private final int[] head;
    private final int[] tail;
    private final int[] size;
    private int[] next;
    private int[] prev;
    private int[] listOf;

    /**
     * @param lists      how many lists.
     * @param maxHandles bound on handles (the entry pool's maxEntries).
     */
    HandleLists(final int lists, final int maxHandles)
    {
        if (lists < 1 || maxHandles < 1)
        {
            throw new IllegalArgumentException("lists " + lists + " and maxHandles " + maxHandles + " must be positive");
        }
        this.maxHandles = maxHandles;
        this.head = new int[lists];
        this.tail = new int[lists];
        this.size = new int[lists];
        Arrays.fill(head, NONE);
        Arrays.fill(tail, NONE);
        final int length = Math.min(maxHandles, INITIAL_HANDLES);
        this.next = new int[length];
        this.prev = new int[length];
        this.listOf = new int[length];
    }

    /**
     * Make room for {@code handle} in the per-handle arrays (cold: only when a larger handle than seen so far comes).
     *
     * @param handle a handle.
     */
    void ensure(final int handle)
    {
        if (handle < listOf.length)
        {
            return;
        }
        if (handle < 0 || handle >= maxHandles)
        {
            throw new IllegalArgumentException("handle " + handle + " is outside the pool's [0, " + maxHandles + ")");
        }
        final int length = (int)Math.min(maxHandles, Math.max(2L * listOf.length, handle + 1L));
        next = Arrays.copyOf(next, length);
        prev = Arrays.copyOf(prev, length);
        listOf = Arrays.copyOf(listOf, length);
    }

    /**
     * @return the per-handle capacity now (grows with {@link #ensure}).
     */
    int capacity()
    {
        return listOf.length;
    }

    /**
     * @param list   the list.
     * @param handle a handle in no list of this instance.
     */
    void addLast(final int list, final int handle)
    {
        ensure(handle);
        if (listOf[handle] != 0)
        {
            throw new IllegalStateException("handle " + handle + " is already in list " + (listOf[handle] - 1));
        }
        final int t = tail[list];
        prev[handle] = t;
        next[handle] = NONE;
        if (t == NONE)
        {
            head[list] = handle;
        }
        else
        {
            next[t] = handle;
        }
        tail[list] = handle;
        listOf[handle] = list + 1;
        size[list]++;
    }

    /**
     * Take {@code handle} out of whichever list holds it; nothing if none does.
     *
     * @param handle a handle.
     * @return the list it was in, or {@link #NONE}.
     */
    int remove(final int handle)
    {
        if (handle < 0 || handle >= listOf.length || listOf[handle] == 0)
        {
            return NONE;
        }
        final int list = listOf[handle] - 1;
        final int p = prev[handle];
        final int n = next[handle];
        if (p == NONE)
        {
            head[list] = n;
        }
        else
        {
            next[p] = n;
        }
        if (n == NONE)
        {
            tail[list] = p;
        }
        else
        {
            prev[n] = p;
        }
        listOf[handle] = 0;
        size[list]--;
        return list;
    }

    /**
     * @param list the list.
     * @return its first handle, removed, or {@link #NONE} if it is empty.
     */
    int pollFirst(final int list)
    {
        final int h = head[list];
        if (h != NONE)
        {
            remove(h);
        }
        return h;
    }

    /**
     * @param list the list.
     * @return its first handle, or {@link #NONE}.
     */
    int first(final int list)
    {
        return head[list];
    }

    /**
     * @param handle a handle in a list.
     * @return the handle after it, or {@link #NONE}.
     */
    int next(final int handle)
    {
        return next[handle];
    }

    /**
     * @param handle a handle.
     * @return the list that holds it, or {@link #NONE}.
     */
    int listOf(final int handle)
    {
        return handle >= 0 && handle < listOf.length ? listOf[handle] - 1 : NONE;
    }

    /**
     * @param list the list.
     * @return how many handles it holds.
     */
    int size(final int list)
    {
        return size[list];
    }

    /**
     * @param list the list.
     * @return whether it holds none.
     */
    boolean isEmpty(final int list)
    {
        return head[list] == NONE;
    }
}
