package io.wasmgate.filter.policies;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.filter.policies.PolicyHarness.Container;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The metrics policy: requests counted by route and status class in the host's meter registry. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsPolicyTest {
    private final Map<Container, PolicyHarness> harnesses = new EnumMap<>(Container.class);

    @BeforeAll
    void start() throws Exception {
        String config = """
                plugins:
                  - name: headers
                    module: { classpath: wasmgate/policies/headers.wasm }
                    root_id: headers
                    instances: 1
                    configuration: { cors: { allow_origins: [ "https://app.example.com" ] } }
                log_plugins:
                  - name: metrics
                    module: { classpath: wasmgate/policies/metrics.wasm }
                    root_id: metrics
                    instances: 2
                    configuration:
                      routes:
                        - { name: api, prefix: /app/api/ }
                        - { name: health, path: /app/health }
                        - { name: errors, prefix: /app/status/ }
                      durations: true
                """;
        for (Container container : Container.values()) {
            harnesses.put(container, PolicyHarness.start(container, config));
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (PolicyHarness harness : harnesses.values()) {
            harness.close();
        }
    }

    private static double count(PolicyHarness harness, String name) {
        return harness.counter(name, "metrics");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void requestsAreCountedByRouteAndStatusClass(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        harness.get("/api/orders");
        harness.get("/api/orders?page=2");
        harness.get("/health");
        harness.get("/health/deep");
        harness.get("/status/404");
        harness.get("/status/503");
        harness.get("/status/302");
        harness.send(harness.request("/api/orders").method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("origin", "https://evil.example.com").header("access-control-request-method", "GET"));

        Poll.until("every request to be counted", () -> count(harness, "route_requests.api.2xx") == 2
                && count(harness, "route_requests.api.4xx") == 1 && count(harness, "route_requests.health.2xx") == 1
                && count(harness, "route_requests.other.2xx") == 1 && count(harness, "route_requests.errors.4xx") == 1
                && count(harness, "route_requests.errors.5xx") == 1 && count(harness, "route_requests.errors.3xx") == 1);
        Counter untouched = harness.registry().find("route_requests.health.5xx").tag("plugin", "metrics").counter();
        assertThat(untouched).as("defined up front").isNotNull();
        assertThat(untouched.count()).isZero();
        DistributionSummary durations = harness.registry().find("route_requests.api.duration_ms").tag("plugin", "metrics").summary();
        assertThat(durations).isNotNull();
        assertThat(durations.count()).isEqualTo(3);
    }
}
