package io.wasmgate.gateway.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code wasmgate.gateway.requests}: a timer of the gateway's requests tagged with the {@code route} (or
 * {@value #NO_ROUTE}) and the response {@code status}.
 */
public final class RequestMetrics {
    /** The route tag of requests no route matched. */
    public static final String NO_ROUTE = "none";

    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String route, int status, long nanos) {
        timers.computeIfAbsent(route + ' ' + status, key -> Timer.builder("wasmgate.gateway.requests")
                .description("Requests through the gateway by route and response status")
                .tag("route", route).tag("status", Integer.toString(status))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
