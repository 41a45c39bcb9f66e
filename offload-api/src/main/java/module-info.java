/**
 * What applications program against: {@link io.offload.api.Syscalls}, {@link io.offload.api.RawSyscalls},
 * {@link io.offload.api.AsyncSyscalls}, {@link io.offload.api.Sockets}, {@link io.offload.api.SyscallException},
 * the {@link io.offload.api.Router} SPI and the stats types. No FFM downcalls, no threads.
 * <p>
 * {@code io.offload.api.internal} (argument checks, {@code msghdr} and {@code sockaddr} layouts) is shared with the
 * runtime only: a qualified export, not API.
 */
module io.offload.api
{
    exports io.offload.api;
    exports io.offload.api.internal to io.offload.servers;
}
