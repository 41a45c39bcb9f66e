/**
 * The runtime: {@link io.offload.servers.OffloadRuntime} (build, start, the calls, stats, close), routing, CPU
 * topology and layouts, metrics (Micrometer, optional; HdrHistogram logs), JMX, and the {@code java.nio.file}
 * provider ({@link io.offload.nio.OffloadFileSystemProvider}).
 * <p>
 * FFM downcalls are restricted methods: run with {@code --enable-native-access=io.offload.servers} on the module
 * path ({@code ALL-UNNAMED} on the class path), or the JDK warns at the first call.
 */
module io.offload.servers
{
    requires transitive io.offload.api;
    requires io.offload.rings;
    requires org.agrona;
    requires org.slf4j;
    requires HdrHistogram;
    // the JMX interfaces name ObjectName
    requires transitive java.management;
    // WaiterWakeup's carrier-pool check reads the virtual-thread scheduler's MXBean (CarrierPool)
    requires jdk.management;
    // optional: only io.offload.servers.metrics (OffloadMetrics, a MeterBinder) uses it, and an application that
    // binds it requires micrometer.core itself. Not 'static transitive': javac would then want micrometer.core on
    // the module path of every application that requires io.offload.servers.
    requires static micrometer.core;

    exports io.offload.servers;
    exports io.offload.servers.routing;
    exports io.offload.servers.topology;
    exports io.offload.servers.layout;
    exports io.offload.servers.metrics;
    exports io.offload.servers.jmx;
    exports io.offload.nio;
}
