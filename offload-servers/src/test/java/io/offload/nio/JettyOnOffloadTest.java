package io.offload.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jetty 12's ResourceHandler, unmodified, serving a document root through the offload provider installed as the
 * JVM's default (a child JVM, {@link JettyMain}), checked with a real HTTP client: files, a 404, a directory.
 */
final class JettyOnOffloadTest
{
    @TempDir
    Path temp;

    @Test
    void resourceHandlerServesFilesThroughTheProvider() throws Exception
    {
        final ChildJvm.Result result = ChildJvm.run(List.of(ChildJvm.DEFAULT_PROVIDER, "-Doffload.phases=all",
            "-Doffload.file.nowaitReads=false"), // every read to the server, none answered on the caller
            JettyMain.class, temp.resolve("www").toString());
        final String out = result.output();
        assertEquals(0, result.exitCode(), out);
        assertTrue(out.contains("BASE io.offload.nio.OffloadFileSystemProvider"), out);
        assertTrue(out.contains("GET /a.txt 200 35 alpha through the offload provider"), out);
        assertTrue(out.contains("GET /sub/b.txt 200 5 beta"), out);
        assertTrue(out.contains("GET /big.bin 200 300000 true"), out);
        assertTrue(out.contains("GET /missing.txt 404"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("GET /sub/ 200") && l.contains("b.txt")), out);
        final String syscalls = out.lines().filter(l -> l.startsWith("SYSCALLS ")).findFirst().orElseThrow();
        for (final String expected : List.of("OPENAT", "READ", "STATX", "GETDENTS64", "FACCESSAT"))
        {
            assertTrue(syscalls.contains(expected), expected + " in " + syscalls);
        }
    }
}
