package io.wasmgate.abi.services;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.wasmgate.abi.wire.MetricType;
import io.wasmgate.abi.wire.WasmResult;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metrics one plugin defines with {@code proxy_define_metric}, as Micrometer meters
 * tagged with the plugin's name: counters as {@link Counter}, gauges as a {@link Gauge} over a long, and
 * histograms as a {@link DistributionSummary}.
 *
 * <p>Ids follow cpp-host: every definition returns a fresh id whose low two bits are the type (counters
 * {@code 4k}, gauges {@code 4k+1}, histograms {@code 4k+2}); the same name and type share one meter, so
 * every VM instance of the plugin counts into it. Where the spec and Envoy differ, Envoy wins because
 * plugins are written against it: {@code proxy_record_metric} on a counter <em>adds</em> the value, a
 * counter increment must be positive, and histograms cannot be read back.
 */
public final class GuestMetrics {
    private static final int TYPE_BITS = 2;
    /** The namespace of {@link HostMetrics}; a plugin may not define (and so count into) the host's meters. */
    private static final String HOST_PREFIX = "wasmgate.";

    /** One defined meter and what the three metric hostcalls do to it. */
    private interface Metric {
        WasmResult increment(long delta);

        WasmResult record(long value);

        /** The value {@code proxy_get_metric} returns, or empty if the type cannot be read. */
        OptionalLong read();
    }

    private record Definition(MetricType type, String name) {}

    private final MeterRegistry registry;
    private final String plugin;
    private final Map<Definition, Metric> byName = new ConcurrentHashMap<>();
    private final Map<Integer, Metric> byId = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();

    public GuestMetrics(MeterRegistry registry, String plugin) {
        this.registry = registry;
        this.plugin = plugin;
    }

    /**
     * Defines (or re-opens) {@code name} and returns a fresh id for it.
     *
     * @throws IllegalArgumentException if {@code name} is in the host's {@code wasmgate.} namespace, or the
     *     registry already holds it as another type of meter
     */
    public int define(MetricType type, String name) {
        if (name.startsWith(HOST_PREFIX)) {
            throw new IllegalArgumentException("metric names starting with " + HOST_PREFIX + " are the host's: " + name);
        }
        Metric metric = byName.computeIfAbsent(new Definition(type, name), definition -> create(type, name));
        int id = (sequence.incrementAndGet() << TYPE_BITS) | type.ordinal();
        byId.put(id, metric);
        return id;
    }

    /** {@code proxy_increment_metric}: counters only up, gauges either way, histograms refuse. */
    public WasmResult increment(int id, long delta) {
        Metric metric = byId.get(id);
        return metric == null ? WasmResult.NOT_FOUND : metric.increment(delta);
    }

    /** {@code proxy_record_metric}: sets a gauge, records a histogram sample, adds to a counter (Envoy). */
    public WasmResult record(int id, long value) {
        Metric metric = byId.get(id);
        return metric == null ? WasmResult.NOT_FOUND : metric.record(value);
    }

    /** What {@code proxy_get_metric} answers: a status, and the value when it is {@code OK}. */
    public record Reading(WasmResult result, long value) {}

    /** {@code proxy_get_metric}: {@code NOT_FOUND} for an unknown id, {@code BAD_ARGUMENT} for a histogram. */
    public Reading read(int id) {
        Metric metric = byId.get(id);
        if (metric == null) {
            return new Reading(WasmResult.NOT_FOUND, 0);
        }
        OptionalLong value = metric.read();
        return value.isPresent() ? new Reading(WasmResult.OK, value.getAsLong()) : new Reading(WasmResult.BAD_ARGUMENT, 0);
    }

    private Metric create(MetricType type, String name) {
        return switch (type) {
            case COUNTER -> counter(Counter.builder(name).tag("plugin", plugin).register(registry));
            case GAUGE -> gauge(name);
            case HISTOGRAM -> histogram(DistributionSummary.builder(name).tag("plugin", plugin).register(registry));
        };
    }

    private static Metric counter(Counter counter) {
        return new Metric() {
            @Override
            public WasmResult increment(long delta) {
                if (delta <= 0) {
                    return WasmResult.BAD_ARGUMENT;
                }
                counter.increment(delta);
                return WasmResult.OK;
            }

            @Override
            public WasmResult record(long value) {
                if (value < 0) {
                    return WasmResult.BAD_ARGUMENT;
                }
                counter.increment(value);
                return WasmResult.OK;
            }

            @Override
            public OptionalLong read() {
                return OptionalLong.of((long) counter.count());
            }
        };
    }

    private Metric gauge(String name) {
        AtomicLong value = new AtomicLong();
        // Micrometer would hand back a gauge an earlier plugin of this name registered, still reading that
        // plugin's value; the newest definition wins instead.
        Gauge previous = registry.find(name).tag("plugin", plugin).gauge();
        if (previous != null) {
            registry.remove(previous);
        }
        Gauge.builder(name, value, AtomicLong::get).tag("plugin", plugin).strongReference(true).register(registry);
        return new Metric() {
            @Override
            public WasmResult increment(long delta) {
                value.addAndGet(delta);
                return WasmResult.OK;
            }

            @Override
            public WasmResult record(long newValue) {
                value.set(newValue);
                return WasmResult.OK;
            }

            @Override
            public OptionalLong read() {
                return OptionalLong.of(value.get());
            }
        };
    }

    private static Metric histogram(DistributionSummary summary) {
        return new Metric() {
            @Override
            public WasmResult increment(long delta) {
                return WasmResult.BAD_ARGUMENT;
            }

            @Override
            public WasmResult record(long value) {
                summary.record(value);
                return WasmResult.OK;
            }

            @Override
            public OptionalLong read() {
                return OptionalLong.empty();
            }
        };
    }
}
