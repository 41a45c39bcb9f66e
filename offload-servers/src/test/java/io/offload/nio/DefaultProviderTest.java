package io.offload.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one-flag way in: child JVMs started with
 * {@code -Djava.nio.file.spi.DefaultFileSystemProvider=io.offload.nio.OffloadFileSystemProvider}.
 */
final class DefaultProviderTest
{
    @TempDir
    Path dir;

    @Test
    void unmodifiedCodeUsingFilesAtOnceRunsOnTheFileServers() throws Exception
    {
        final ChildJvm.Result result = ChildJvm.run(List.of(ChildJvm.DEFAULT_PROVIDER, "-Doffload.phases=all",
            "-Doffload.file.nowaitReads=false"), // every read to the server, none answered on the caller
            DefaultProviderMain.class, dir.toString());
        final String out = result.output();
        assertEquals(0, result.exitCode(), out);
        assertTrue(out.contains("PROVIDER io.offload.nio.OffloadFileSystemProvider"), out);
        assertTrue(out.contains("PATH io.offload.nio.OffloadPath"), out);
        assertTrue(out.contains("TEXT hello from the default provider"), out);
        assertTrue(out.contains("LIST [hello.txt]"), out);
        assertTrue(out.contains("RUNTIME true"), out);
        final long calls = Long.parseLong(out.lines().filter(l -> l.startsWith("FILE-SERVER-CALLS ")).findFirst()
            .orElseThrow().substring("FILE-SERVER-CALLS ".length()));
        assertTrue(calls >= 8, "the FILE server ran the calls: " + out);
        final String syscalls = out.lines().filter(l -> l.startsWith("SYSCALLS ")).findFirst().orElseThrow();
        for (final String expected : List.of("OPENAT", "WRITE", "READ", "STATX", "GETDENTS64", "COPY_FILE_RANGE",
            "UNLINKAT"))
        {
            assertTrue(syscalls.contains(expected), expected + " in " + syscalls);
        }
        assertFalse(out.contains("Exception"), out);
    }

    @Test
    void aJvmThatNeverTouchesAFileExitsCleanly() throws Exception
    {
        final ChildJvm.Result result = ChildJvm.run(List.of(ChildJvm.DEFAULT_PROVIDER), IdleMain.class);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("IDLE runtime=false"), result.output());
        assertFalse(result.output().contains("Exception"), result.output());
    }

    @Test
    void aVirtualThreadWaitingOnTheFileServerFreesItsCarrier() throws Exception
    {
        final Path fifo = dir.resolve("fifo");
        final Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        final ChildJvm.Result result = ChildJvm.run(List.of(ChildJvm.DEFAULT_PROVIDER,
            "-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1"),
            CarrierMain.class, fifo.toString());
        final String out = result.output();
        assertEquals(0, result.exitCode(), out);
        assertTrue(out.contains("OTHER-RAN"), out);
        assertTrue(out.contains("READ hello"), out);
    }
}
