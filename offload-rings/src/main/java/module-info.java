/**
 * The syscall-entry layout ({@link io.offload.rings.SyscallEntryDescriptor}, {@link io.offload.rings.SyscallEntry}),
 * entry pools, and SPSC and MPSC rings of entry handles over {@code MemorySegment}. No dependencies.
 */
module io.offload.rings
{
    exports io.offload.rings;
}
