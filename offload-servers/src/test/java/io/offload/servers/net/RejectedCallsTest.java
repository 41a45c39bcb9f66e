package io.offload.servers.net;

import io.offload.api.Errno;
import io.offload.api.SyscallClass;
import io.offload.api.SyscallException;
import io.offload.servers.BackpressurePolicy;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.offload.servers.net.NetTestSupport.assertErrno;
import static io.offload.servers.net.NetTestSupport.awaitWaiting;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11: one rule for a call refused by back-pressure, whatever the call: SyscallException EAGAIN saying why,
 * for getpid and co. as for reads, and for the socket calls of listen and connect as for a connection's.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RejectedCallsTest
{
    @Test
    void everyRefusedCallSaysItWasBackPressure() throws Exception
    {
        try (OffloadRuntime runtime = OffloadRuntime.builder()
            .servers(SyscallClass.NETWORK, -1)
            .route(SyscallClass.FILE, SyscallClass.NETWORK)
            .route(SyscallClass.PROCESS, SyscallClass.NETWORK)
            .maxEntries(64).entriesPerPage(64).backpressure(BackpressurePolicy.REJECT)
            .build();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets());
            Arena arena = Arena.ofShared())
        {
            final List<CompletableFuture<Long>> holders = new ArrayList<>();
            for (int i = 0; i < 64; i++)
            {
                holders.add(runtime.async().read(pair.server().fd(), arena.allocate(8)));
            }
            awaitWaiting(runtime, w -> w == 64, "64 reads to hold every entry");
            try
            {
                final SyscallException getpid = assertThrows(SyscallException.class,
                    () -> runtime.syscalls().getpid(), "getpid refused by back-pressure");
                assertErrno(Errno.EAGAIN, getpid);
                assertTrue(getpid.getMessage().contains("back-pressure"), getpid.getMessage());

                final SyscallException connect = assertThrows(SyscallException.class,
                    () -> runtime.sockets().connect(pair.listener().localAddress()), "connect refused");
                assertErrno(Errno.EAGAIN, connect);
                assertTrue(connect.getMessage().contains("back-pressure"), connect.getMessage());
            }
            finally
            {
                for (final CompletableFuture<Long> holder : holders)
                {
                    holder.cancel(true);
                }
            }
            awaitWaiting(runtime, w -> w == 0, "the held reads to be cancelled");
        }
    }
}
