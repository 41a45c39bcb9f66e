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
    // the JMX interfaces name ObjectName; the Micrometer binder names MeterBinder, MeterRegistry and Tag (optional:
    // an application that binds it requires micrometer.core itself)
    requires transitive java.management;
    requires static transitive micrometer.core;

    exports io.offload.servers;
    exports io.offload.servers.routing;
    exports io.offload.servers.topology;
    exports io.offload.servers.layout;
    exports io.offload.servers.metrics;
    exports io.offload.servers.jmx;
    exports io.offload.nio;
}
