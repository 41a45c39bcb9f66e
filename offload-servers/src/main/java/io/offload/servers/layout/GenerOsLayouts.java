package io.offload.servers.layout;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The layouts of the GenerOS paper, as {@link CoreLayout} values: the seven of its Table 1 and the two of its
 * Fig. 10, as constants and by the name they have there ({@link #named(String)}). GenerOS names a layout by the
 * hexadecimal mask of its kernel cores (and, in Fig. 10, of its interrupt cores): in {@code g-8880}, {@code 0x8880}
 * has bits 7, 11 and 15 set. All are for the paper's machine, a 4-socket 16-core Opteron; check one against
 * another machine with {@link CoreLayout#validate}.
 */
public final class GenerOsLayouts
{
    /**
     * GenerOS Table 1, {@code g-8000}: one file-system server on core 15 of processor 3, which also takes the disk
     * interrupts; cores 0-14 run the application.
     */
    public static final CoreLayout G_8000 = CoreLayout.parse("app=0-14 file=15 irq=15");

    /**
     * GenerOS Table 1, {@code g-8800}: file servers on the last core of processors 2 and 3.
     */
    public static final CoreLayout G_8800 = CoreLayout.parse("app=0-10,12-14 file=11,15 irq=11,15");

    /**
     * GenerOS Table 1, {@code g-8880}: file servers on the last core of processors 1, 2 and 3, the best TPC-H
     * result in the paper (Power@1G 611 against Linux's 511).
     */
    public static final CoreLayout G_8880 = CoreLayout.parse("app=0-6,8-10,12-14 file=7,11,15 irq=7,11,15");

    /**
     * GenerOS Table 1, {@code g-8888}: a file server on the last core of every processor, the worst TPC-H result
     * (450): the fourth server costs an application core and brings too little.
     */
    public static final CoreLayout G_8888 = CoreLayout.parse("app=0-2,4-6,8-10,12-14 file=3,7,11,15 irq=3,7,11,15");

    /**
     * GenerOS Table 1, {@code g-c000}: two file servers, both on processor 3.
     */
    public static final CoreLayout G_C000 = CoreLayout.parse("app=0-13 file=14,15 irq=14,15");

    /**
     * GenerOS Table 1, {@code g-e000}: three file servers, all on processor 3.
     */
    public static final CoreLayout G_E000 = CoreLayout.parse("app=0-12 file=13,14,15 irq=13,14,15");

    /**
     * GenerOS Table 1, {@code g-f000}: four file servers filling processor 3, far from most application cores.
     */
    public static final CoreLayout G_F000 = CoreLayout.parse("app=0-11 file=12,13,14,15 irq=12,13,14,15");

    /**
     * GenerOS Fig. 10 (httperf on Apache), {@code g-8000-8000}: core 15 is the kernel core and the interrupt core,
     * all other cores run the application. The paper does not say which kernel server runs on core 15; a network
     * server is assumed here, the web server's syscalls and the network adapter's interrupts being what the
     * experiment is about.
     */
    public static final CoreLayout G_8000_8000 = CoreLayout.parse("app=0-14 network=15 irq=15");

    /**
     * GenerOS Fig. 10 (httperf on Apache), {@code g-8000-800}: core 15 is the kernel core and core 11 a dedicated
     * interrupt core for the network adapter, the better of the two (326 replies against 312 at 1000 requests per
     * second). As for {@link #G_8000_8000}, the server class is assumed to be network.
     */
    public static final CoreLayout G_8000_800 = CoreLayout.parse("app=0-10,12-14 network=15 irq=11");

    /**
     * The names of GenerOS's Table 1, in the table's order.
     */
    public static final List<String> TABLE_1 =
        List.of("g-8000", "g-8800", "g-8880", "g-8888", "g-c000", "g-e000", "g-f000");

    private static final Map<String, CoreLayout> BY_NAME = byName();

    private GenerOsLayouts()
    {
    }

    /**
     * Looks up a layout of the GenerOS paper by the name it has there.
     *
     * @param name a name from Table 1 ({@code g-8000}, {@code g-8800}, {@code g-8880}, {@code g-8888},
     *             {@code g-c000}, {@code g-e000}, {@code g-f000}) or Fig. 10 ({@code g-8000-8000},
     *             {@code g-8000-800}); case-insensitive.
     * @return the layout, for the paper's 16-core machine (see the constants for what each one is).
     * @throws IllegalArgumentException if the paper has no layout of that name.
     */
    public static CoreLayout named(final String name)
    {
        final CoreLayout layout = null == name ? null : BY_NAME.get(name.strip().toLowerCase(Locale.ROOT));
        if (null == layout)
        {
            throw new IllegalArgumentException(
                "unknown GenerOS layout '" + name + "': expected one of " + String.join(", ", names()));
        }

        return layout;
    }

    /**
     * @return every name {@link #named(String)} knows: Table 1's in its order, then Fig. 10's.
     */
    public static List<String> names()
    {
        return List.copyOf(BY_NAME.keySet());
    }

    private static Map<String, CoreLayout> byName()
    {
        final Map<String, CoreLayout> layouts = new LinkedHashMap<>();
        layouts.put("g-8000", G_8000);
        layouts.put("g-8800", G_8800);
        layouts.put("g-8880", G_8880);
        layouts.put("g-8888", G_8888);
        layouts.put("g-c000", G_C000);
        layouts.put("g-e000", G_E000);
        layouts.put("g-f000", G_F000);
        layouts.put("g-8000-8000", G_8000_8000);
        layouts.put("g-8000-800", G_8000_800);

        return Collections.unmodifiableMap(layouts);
    }
}
