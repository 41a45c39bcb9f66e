package io.offload.servers.call;

import java.lang.foreign.MemorySegment;

/**
 * Who may free a segment's memory, and so whether the kernel may be given its address for a call that outlives the
 * moment of the check (the buffer-lifetime rule, docs/DESIGN.md and README "Buffers and their arenas"):
 * <ul>
 *   <li>{@link #CALLER_CONFINED}: a confined arena owned by the calling thread. Only that thread can close it,
 *       and it is inside our blocking call until the call has settled: the address goes to the kernel as is.
 *       Refused by async calls (the caller leaves while the call runs).</li>
 *   <li>{@link #UNFREEABLE}: {@code Arena.ofAuto()}, {@code Arena.global()}, {@code MemorySegment.ofBuffer} of a
 *       direct buffer, {@code ofAddress}: nobody can free it while the call holds a reference to the segment, so
 *       the call keeps one until it settles and passes the address as is.</li>
 *   <li>{@link #SHARED}: a shared arena, which any thread may close at any time, and anything not recognised
 *       (always safe): the kernel gets a runtime-owned bounce buffer instead, copied in before a write is
 *       submitted and copied out after a read completes.</li>
 * </ul>
 * The public API cannot tell a shared arena from an automatic or global one, so the kind is read from the class of
 * the segment's scope ({@code jdk.internal.foreign.*Session} on JDK 25), once per class, through a
 * {@link ClassValue}: one identity look-up per call, no allocation.
 */
public final class SegmentLifetime
{
    /** Confined to the calling thread: pass the address (blocking calls only). */
    public static final int CALLER_CONFINED = 0;
    /** Freed only once unreachable: pass the address and keep the segment reachable. */
    public static final int UNFREEABLE = 1;
    /** Closable by any thread at any time (or unknown): bounce through runtime memory. */
    public static final int SHARED = 2;
    /** Confined to a thread other than the caller: nothing may be done with it here. */
    static final int OTHER_THREAD = 3;

    private static final ClassValue<Integer> KINDS = new ClassValue<>()
    {
        @Override
        protected Integer computeValue(final Class<?> scope)
        {
            return kindOfScope(scope.getName());
        }
    };

    private SegmentLifetime()
    {
    }

    /**
     * @param scopeClassName the name of a segment scope's class.
     * @return its kind, {@link #SHARED} for every name not known to be confined or unfreeable.
     */
    static int kindOfScope(final String scopeClassName)
    {
        return switch (scopeClassName)
        {
            case "jdk.internal.foreign.ConfinedSession" -> CALLER_CONFINED;
            case "jdk.internal.foreign.ImplicitSession",
                 "jdk.internal.foreign.GlobalSession",
                 "jdk.internal.foreign.GlobalSession$HeapSession" -> UNFREEABLE;
            default -> SHARED;
        };
    }

    /**
     * Classify a live native segment for a call made by the current thread.
     *
     * @param segment a native segment whose arena is open.
     * @return {@link #CALLER_CONFINED}, {@link #UNFREEABLE}, {@link #SHARED}, or {@link #OTHER_THREAD} for a
     *         segment confined to another thread.
     */
    public static int of(final MemorySegment segment)
    {
        final int kind = KINDS.get(segment.scope().getClass());
        if (kind == CALLER_CONFINED && !segment.isAccessibleBy(Thread.currentThread()))
        {
            return OTHER_THREAD;
        }
        return kind;
    }

    /**
     * @param name the parameter's name.
     * @return the exception for a segment confined to another thread: the JDK's own, for the same mistake.
     */
    static WrongThreadException otherThread(final String name)
    {
        return new WrongThreadException(name + " belongs to a confined arena of another thread, which may close it " +
            "at any time: make the call on that thread, or use a shared or automatic arena");
    }
}
