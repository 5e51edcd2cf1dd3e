package io.wasmgate.gateway.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wasmgate.gateway.config.RouteConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests in flight per route, against the route's {@code max_concurrent_requests}. Counts are kept by
 * route name for the gateway's life, so a reload neither resets them nor lets old and new routes each take
 * the full limit. Requests turned away are counted in {@code wasmgate.gateway.route.concurrency.limited}.
 */
public final class RouteConcurrency {
    /** The {@code response.code_details} of a request turned away, and its body. */
    static final String DETAILS = "route_concurrency_limit";

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Counter> limited = new ConcurrentHashMap<>();

    public RouteConcurrency(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * A permit for one more request on {@code route}, or {@code null} (counted) if its limit is reached. A
     * route without a limit gets a permit that counts nothing.
     */
    Permit tryAcquire(RouteConfig route) {
        if (route.maxConcurrentRequests() == RouteConfig.UNLIMITED) {
            return Permit.NONE;
        }
        AtomicInteger count = inFlight.computeIfAbsent(route.name(), name -> new AtomicInteger());
        if (count.incrementAndGet() > route.maxConcurrentRequests()) {
            count.decrementAndGet();
            limited.computeIfAbsent(route.name(), name -> Counter.builder("wasmgate.gateway.route.concurrency.limited")
                    .description("Requests answered 503: their route had max_concurrent_requests in flight")
                    .tag("route", name)
                    .register(registry)).increment();
            return null;
        }
        return new Permit(count);
    }

    /** One request's place on its route; {@link #release} gives it back, once however often it is called. */
    static final class Permit {
        static final Permit NONE = new Permit(null);

        private final AtomicInteger count;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(AtomicInteger count) {
            this.count = count;
        }

        void release() {
            if (count != null && released.compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        }
    }
}
