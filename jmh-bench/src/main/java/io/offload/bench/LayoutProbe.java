package io.offload.bench;

import io.offload.api.WaitStrategy;
import io.offload.servers.OffloadRuntime;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * Not a benchmark: prints where the fields of the runtime's hot objects fall in 64-byte cache lines, to check for
 * false sharing between what the server thread writes on every duty cycle and what a caller reads on every call.
 * Uses {@code sun.misc.Unsafe} (field offsets, and an object's address read back through an Object[] slot, assuming
 * compressed oops with a zero or aligned base). Diagnostic only.
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp jmh-bench/target/benchmarks.jar io.offload.bench.LayoutProbe
 * </pre>
 */
public final class LayoutProbe
{
    private LayoutProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        final sun.misc.Unsafe unsafe = (sun.misc.Unsafe)f.get(null);
        try (OffloadRuntime runtime = BenchSupport.newRuntime(WaitStrategy.SPIN))
        {
            runtime.raw().getpid();
            System.gc(); // layout after a collection has moved things, as in a long run
            final Field serversField = OffloadRuntime.class.getDeclaredField("servers");
            serversField.setAccessible(true);
            final Object server = ((List<?>)serversField.get(runtime)).get(0);
            print(unsafe, server);
            final Field ringField = server.getClass().getDeclaredField("ring");
            ringField.setAccessible(true);
            print(unsafe, ringField.get(server));
        }
    }

    private static void print(final sun.misc.Unsafe unsafe, final Object o)
    {
        final Object[] holder = {o};
        final long address;
        if (unsafe.arrayIndexScale(Object[].class) == 4)
        {
            address = (unsafe.getInt(holder, (long)unsafe.arrayBaseOffset(Object[].class)) & 0xFFFFFFFFL) << 3;
        }
        else
        {
            address = unsafe.getLong(holder, (long)unsafe.arrayBaseOffset(Object[].class));
        }
        System.out.printf("%s @ ...%x (address mod 64 = %d)%n", o.getClass().getName(), address & 0xFFFF, address & 63);
        for (Class<?> c = o.getClass(); c != Object.class; c = c.getSuperclass())
        {
            for (final Field field : c.getDeclaredFields())
            {
                if (Modifier.isStatic(field.getModifiers()))
                {
                    continue;
                }
                final long offset = unsafe.objectFieldOffset(field);
                System.out.printf("  line %d  +%3d  %-10s %s%n", (address + offset) / 64 - address / 64, offset,
                    field.getType().getSimpleName(), field.getName());
            }
        }
    }
}
