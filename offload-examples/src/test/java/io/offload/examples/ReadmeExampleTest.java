package io.offload.examples;

import io.offload.api.FileStat;
import io.offload.api.LinuxConstants;
import io.offload.api.SyscallClass;
import io.offload.api.Syscalls;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's usage example, verbatim inside the try block, so it keeps compiling and running.
 */
class ReadmeExampleTest
{
    @Test
    void readmeExampleRuns() throws Exception
    {
        long bytes;
        try (OffloadRuntime runtime = OffloadRuntime.builder()
                .servers(SyscallClass.FILE, 1)                       // one FILE server, pinned to CPU 1
                .route(SyscallClass.PROCESS, SyscallClass.FILE)      // getpid & co. go to it too
                .build();
             Arena arena = Arena.ofConfined())
        {
            Syscalls sys = runtime.syscalls();                       // blocking calls; SyscallException on errno
            int fd = sys.open("/etc/hostname", LinuxConstants.O_RDONLY, 0);
            MemorySegment buf = arena.allocate(4096);                // native memory: heap buffers are refused
            long n = sys.pread(fd, buf, 0);
            sys.close(fd);

            long pid = runtime.raw().getpid();                       // allocation-free: result or -errno
            CompletableFuture<FileStat> stat = runtime.async().stat("/etc/hostname");  // completed off the servers
            System.out.println(n + " bytes, pid " + pid + ", size " + stat.join().size());
            System.out.print(runtime.stats().toTable());             // per server: cpu, calls, batches, ...

            bytes = n;
            assertEquals(ProcessHandle.current().pid(), pid);
            assertEquals(n, stat.join().size());
        }
        assertTrue(bytes > 0);
    }
}
