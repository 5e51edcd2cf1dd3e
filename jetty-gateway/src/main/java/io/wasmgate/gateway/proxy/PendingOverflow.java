package io.wasmgate.gateway.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wasmgate.filter.callout.Cluster;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts for the requests a cluster turned away because its queue was full ({@code max_connections}
 * busy and {@code max_pending_requests} already waiting): {@code wasmgate.upstream.pending.overflow}
 * counts them by {@code cluster}, and a WARN says so, at most once per {@link #WARN_INTERVAL} (a burst
 * turns away many requests at once; one line with their number says as much as a line each).
 */
final class PendingOverflow {
    /** Envoy's {@code response.code_details} for the same case is {@code upstream_reset_before_response_started{overflow}}. */
    static final String DETAILS = "upstream_pending_overflow";
    static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(PendingOverflow.class);

    private final Cluster cluster;
    private final Counter counter;
    private final AtomicLong lastWarning;
    private final AtomicLong unreported = new AtomicLong();

    PendingOverflow(Cluster cluster, MeterRegistry registry) {
        this.cluster = cluster;
        this.counter = Counter.builder("wasmgate.upstream.pending.overflow")
                .description("Requests answered 503: the cluster's max_connections busy, max_pending_requests waiting")
                .tag("cluster", cluster.name())
                .register(registry);
        this.lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL.toNanos());
    }

    /** One request turned away. */
    void record() {
        counter.increment();
        unreported.incrementAndGet();
        long last = lastWarning.get();
        long now = System.nanoTime();
        if (now - last >= WARN_INTERVAL.toNanos() && lastWarning.compareAndSet(last, now)) {
            LOG.warn("cluster '{}': {} request(s) answered 503 {} since the last warning: its {} connection(s) "
                    + "(max_connections) were busy and {} request(s) (max_pending_requests) already waiting for one",
                    cluster.name(), unreported.getAndSet(0), DETAILS, cluster.maxConnections(), cluster.maxPendingRequests());
        }
    }
}
