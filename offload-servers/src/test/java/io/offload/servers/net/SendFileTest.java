package io.offload.servers.net;

import io.offload.api.LinuxConstants;
import io.offload.servers.OffloadRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.offload.servers.net.NetTestSupport.awaitWaiting;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * sendfile(2) through the runtime: an 8 MiB file, far larger than the socket buffers, to a peer that reads slowly
 * at first (small reads, short sleeps), so the send waits in the reactor many times and resumes at the right
 * offset each time. Every byte arrives intact (SHA-256 compared), and the server stays free meanwhile.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SendFileTest
{
    private static final int SIZE = 8 * 1024 * 1024;
    private static Path file;
    private static byte[] content;

    @BeforeAll
    static void writeFile() throws IOException
    {
        final long seed = NetTestSupport.seed("SendFileTest");
        content = new byte[SIZE];
        new Random(seed).nextBytes(content);
        file = Files.createTempFile("offload-sendfile", ".bin");
        Files.write(file, content);
    }

    @AfterAll
    static void deleteFile() throws IOException
    {
        Files.deleteIfExists(file);
    }

    @Test
    void wholeFileToASlowReader() throws Exception
    {
        send(0, SIZE, SIZE);
    }

    @Test
    void rangeOfTheFile() throws Exception
    {
        send(12_345, 3_000_000, 3_000_000);
    }

    @Test
    void countPastTheEndSendsWhatThereIs() throws Exception
    {
        send(SIZE - 100_000, 1_000_000, 100_000);
    }

    private static void send(final long offset, final long count, final int expected) throws Exception
    {
        try (OffloadRuntime runtime = NetTestSupport.networkRuntime();
            NetTestSupport.Pair pair = NetTestSupport.Pair.open(runtime.sockets()))
        {
            final Socket peer = pair.peer();
            // a fixed 256 KiB receive buffer (no autotuning): with the sender's buffer at most 4 MiB (tcp_wmem), an
            // 8 MiB send cannot fit and must wait in the reactor for this reader
            peer.setReceiveBufferSize(256 * 1024);
            final int fd = runtime.syscalls().open(file.toString(), LinuxConstants.O_RDONLY, 0);
            try
            {
                final long start = System.nanoTime();
                final CompletableFuture<Long> sent = new CompletableFuture<>();
                Thread.ofVirtual().name("sendfile").start(() ->
                {
                    try
                    {
                        sent.complete(pair.server().sendFile(fd, offset, count));
                        pair.server().shutdownOutput();
                    }
                    catch (final Throwable ex)
                    {
                        sent.completeExceptionally(ex);
                    }
                });
                final MessageDigest received = MessageDigest.getInstance("SHA-256");
                final InputStream in = peer.getInputStream();
                final byte[] chunk = new byte[64 * 1024];
                long total = 0;
                int reads = 0;
                boolean checkedWaiting = false;
                boolean sawWaiting = false;
                int n;
                while ((n = in.read(chunk, 0, total < 1_000_000 ? 1_024 : chunk.length)) > 0)
                {
                    received.update(chunk, 0, n);
                    total += n;
                    reads++;
                    if (total < 256 * 1024 && reads % 4 == 0)
                    {
                        Thread.sleep(1); // slow at first: the sender fills the buffers and waits in the reactor
                    }
                    if (!checkedWaiting && total >= 128 * 1024)
                    {
                        // the send, parked in the reactor behind this slow reader, leaves the server free for others
                        checkedWaiting = true;
                        awaitWaiting(runtime, w -> w >= 1 || sent.isDone(), "the sendfile to wait or finish");
                        if (!sent.isDone())
                        {
                            assertEquals((int)ProcessHandle.current().pid(), runtime.syscalls().getpid());
                            sawWaiting = true;
                        }
                    }
                }
                final long elapsed = System.nanoTime() - start;
                assertEquals(expected, sent.get(30, TimeUnit.SECONDS), "sendFile's count");
                assertEquals(expected, total, "bytes the peer received");
                final MessageDigest sentDigest = MessageDigest.getInstance("SHA-256");
                sentDigest.update(content, (int)offset, expected);
                final String want = HexFormat.of().formatHex(sentDigest.digest());
                final String got = HexFormat.of().formatHex(received.digest());
                System.out.printf("SendFileTest: sendFile(offset %d, count %d): %,d bytes in %d ms, %d peer reads, " +
                    "sha-256 %s; seen waiting for the reader (server free meanwhile): %s%n", offset, count, total,
                    TimeUnit.NANOSECONDS.toMillis(elapsed), reads, got.substring(0, 16), sawWaiting);
                assertEquals(want, got, "SHA-256 of what arrived vs the file's range");
                System.out.print(runtime.stats().toTable());
            }
            finally
            {
                runtime.syscalls().close(fd);
            }
        }
    }
}
