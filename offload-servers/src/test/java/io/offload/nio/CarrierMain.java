package io.offload.nio;

import java.io.FileOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Started with the default-provider property on a virtual-thread scheduler of one carrier that may not grow
 * ({@code jdk.virtualThreadScheduler.parallelism=1}, {@code maxPoolSize=1}). Virtual thread A opens and reads a
 * FIFO through {@code Files}: its calls block on the FILE server until a writer comes. If A held the carrier,
 * virtual thread B could never run; B runs and only then does the main thread (java.io, not the provider) write
 * to the FIFO, which lets A finish. A pinned carrier shows as a timeout, never as a timing-dependent pass.
 */
public final class CarrierMain
{
    private CarrierMain()
    {
    }

    /**
     * @param args the FIFO.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path fifo = Path.of(args[0]);
        // the runtime starts on its own thread on first use; the reader must find it started, or its calls would
        // go to the platform (and pin the carrier)
        Files.exists(fifo);
        final long started = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (OffloadFileSystemProvider.defaultRuntime() == null)
        {
            if (System.nanoTime() > started)
            {
                System.out.println("NO-RUNTIME the default runtime did not start");
                System.exit(4);
            }
            Thread.sleep(10);
        }
        final String[] read = new String[1];
        final Thread a = Thread.ofVirtual().name("reader").start(() ->
        {
            try (SeekableByteChannel channel = Files.newByteChannel(fifo))
            {
                final ByteBuffer buffer = ByteBuffer.allocate(16);
                while (buffer.position() < 5 && channel.read(buffer) > 0)
                {
                    // until the writer's 5 bytes are in
                }
                read[0] = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            }
            catch (final Exception ex)
            {
                read[0] = ex.toString();
            }
        });
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (a.getState() != Thread.State.WAITING && a.getState() != Thread.State.TIMED_WAITING)
        {
            if (System.nanoTime() > deadline)
            {
                System.out.println("PINNED reader never parked: " + a.getState());
                System.exit(3);
            }
            Thread.sleep(10);
        }
        final CountDownLatch ran = new CountDownLatch(1);
        Thread.ofVirtual().name("other").start(ran::countDown);
        if (!ran.await(60, TimeUnit.SECONDS))
        {
            System.out.println("PINNED another virtual thread could not run while the reader waited");
            System.exit(3);
        }
        System.out.println("OTHER-RAN while the reader waited");
        try (FileOutputStream out = new FileOutputStream(fifo.toString()))
        {
            out.write("hello".getBytes(StandardCharsets.UTF_8));
        }
        a.join(TimeUnit.SECONDS.toMillis(60));
        System.out.println("READ " + read[0]);
        System.out.println("STATS " + OffloadFileSystemProvider.defaultRuntime().stats().servers().getFirst()
            .completed());
    }
}
