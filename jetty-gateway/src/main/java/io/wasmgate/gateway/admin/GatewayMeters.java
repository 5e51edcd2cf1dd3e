package io.wasmgate.gateway.admin;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.wasmgate.filter.config.Canary;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * The gateway's Prometheus registry: every meter of a plugin (the host's {@code wasmgate.*} meters and
 * those the policy defines) carries the plugin's name in {@code plugin} and {@code version="stable"} or
 * {@code "canary"}; the request timer publishes histogram buckets (callback durations are a count and a
 * sum: every VM instance counts its own, see abi's {@code InstanceCounts}); JVM, process and Jetty meters come
 * from Micrometer's binders. {@link #close} stops the binders that hold resources.
 */
public final class GatewayMeters implements AutoCloseable {
    private static final double[] REQUEST_BUCKETS = seconds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public GatewayMeters() {
        registry.config().meterFilter(versionTag()).meterFilter(buckets("wasmgate.gateway.requests", REQUEST_BUCKETS));
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Adds the Jetty meters of {@code server}: its thread pool, and bytes and connections per connector. */
    public void bindJetty(Server server, ThreadPool threads) {
        new JettyServerThreadPoolMetrics(threads, Tags.empty()).bindTo(registry);
        JettyConnectionMetrics.addToAllConnectors(server, registry);
    }

    /** The scrape: Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    /** {@code plugin="name@canary"} becomes {@code plugin="name", version="canary"}; other plugins' meters get {@code version="stable"}. */
    private static MeterFilter versionTag() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String plugin = id.getTag("plugin");
                if (plugin == null || id.getTag("version") != null) {
                    return id;
                }
                List<Tag> tags = new ArrayList<>();
                for (Tag tag : id.getTagsAsIterable()) {
                    if (!tag.getKey().equals("plugin")) {
                        tags.add(tag);
                    }
                }
                tags.add(Tag.of("plugin", Canary.pluginName(plugin)));
                tags.add(Tag.of("version", plugin.endsWith(Canary.NAME_SUFFIX) ? "canary" : "stable"));
                return id.replaceTags(tags);
            }
        };
    }

    private static MeterFilter buckets(String name, double[] buckets) {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals(name)) {
                    return config;
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(buckets).build().merge(config);
            }
        };
    }

    /** Bucket bounds in seconds, as timers take them: in nanoseconds. */
    private static double[] seconds(double... values) {
        double[] nanos = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            nanos[i] = values[i] * 1e9;
        }
        return nanos;
    }
}
