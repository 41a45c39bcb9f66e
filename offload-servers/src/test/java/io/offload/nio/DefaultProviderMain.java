package io.offload.nio;

import io.offload.api.CallStats;
import io.offload.api.ServerStats;
import io.offload.servers.OffloadRuntime;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Started with the default-provider property: uses {@code Files} at once, as unmodified code does, then prints
 * which provider served it and what the default runtime's FILE servers did.
 */
public final class DefaultProviderMain
{
    private DefaultProviderMain()
    {
    }

    /**
     * @param args a directory to write into.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args[0]);
        final Path file = dir.resolve("hello.txt");
        // at once: the first call starts the default runtime (calls go to the platform until it has started)
        Files.writeString(file, "hello from the default provider\n");
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (OffloadFileSystemProvider.defaultRuntime() == null && System.nanoTime() < deadline)
        {
            Files.exists(file); // unmodified code goes on using files meanwhile
            Thread.sleep(10);
        }
        Files.writeString(file, "hello from the default provider\n");
        final String text = Files.readString(file);
        final List<String> names;
        try (Stream<Path> list = Files.list(dir))
        {
            names = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        Files.copy(file, dir.resolve("copy.txt"));
        Files.delete(dir.resolve("copy.txt"));
        System.out.println("PROVIDER " + FileSystems.getDefault().provider().getClass().getName());
        System.out.println("PATH " + file.getClass().getName());
        System.out.println("TEXT " + text.strip());
        System.out.println("LIST " + names);
        final OffloadRuntime runtime = OffloadFileSystemProvider.defaultRuntime();
        System.out.println("RUNTIME " + (runtime != null));
        long completed = 0;
        for (final ServerStats server : runtime.stats().servers())
        {
            completed += server.completed() + server.failed();
        }
        System.out.println("FILE-SERVER-CALLS " + completed);
        final StringBuilder calls = new StringBuilder();
        for (final CallStats call : runtime.stats().calls())
        {
            if (!call.phases().isEmpty() && call.phases().getFirst().count() > 0)
            {
                calls.append(call.syscall()).append(' ');
            }
        }
        System.out.println("SYSCALLS " + calls.toString().strip());
        System.out.print(runtime.stats().toTable());
    }
}
