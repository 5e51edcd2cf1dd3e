package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.Poll;
import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.Upstream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes run their own plugins in order, log plugins after the response, and policies call out to the
 * clusters of the same file.
 */
class PolicyChainTest {
    @TempDir
    static Path dir;

    static Upstream backend;
    static Upstream authz;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        backend = Upstream.start("backend");
        authz = Upstream.start("authz");
        gateway = GatewayFixture.start(dir, GatewayFixture.PORTS + """
                plugins:
                  - name: first
                    module: { file: policies/add-header.wasm }
                    root_id: add_header
                    configuration: "x-order: first"
                    instances: 1
                  - name: second
                    module: { file: policies/add-header.wasm }
                    root_id: add_header
                    configuration: "x-order: second\\nx-second: yes"
                    instances: 1
                  - name: relay
                    module: { file: policies/callout-relay.wasm }
                    instances: 1
                log_plugins:
                  - name: counted
                    module: { file: policies/gateway-metrics.wasm }
                    instances: 1
                  - name: access
                    module: { file: policies/access-log.wasm }
                    instances: 1
                clusters:
                  - { name: backend, url: "%s" }
                  - { name: upstream, url: "%s" }
                routes:
                  - match: { prefix: /chain }
                    cluster: backend
                    plugins: [ first, second ]
                    log_plugins: [ counted, access ]
                  - match: { prefix: /relay }
                    cluster: backend
                    plugins: [ relay ]
                  - match: { prefix: / }
                    cluster: backend
                """.formatted(backend.uri(), authz.uri()));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        backend.close();
        authz.close();
    }

    @Test
    void aRoutesPluginsAllRunOnItsResponsesInReverseOrder() throws Exception {
        HttpResponse<String> response = gateway.get("/chain/a");

        assertThat(response.body()).isEqualTo("backend GET /chain/a");
        // Response callbacks run in reverse order: "second" adds its header first, then "first".
        assertThat(response.headers().allValues("x-order")).containsExactly("second", "first");
        assertThat(response.headers().firstValue("x-second")).hasValue("yes");
    }

    @Test
    void anotherRouteRunsOnlyItsOwnPlugins() throws Exception {
        HttpResponse<String> response = gateway.get("/plain");

        assertThat(response.body()).isEqualTo("backend GET /plain");
        assertThat(response.headers().allValues("x-order")).isEmpty();
    }

    @Test
    void logPluginsRunAfterEveryResponseOfTheirRoute() throws Exception {
        double before = logs();
        gateway.get("/chain/b");
        gateway.get("/chain/c");
        gateway.get("/plain");

        Poll.until("the two access-log lines", () -> logs() == before + 2);
    }

    @Test
    void aPolicyCallsOutToAClusterOfTheSameFile() throws Exception {
        HttpResponse<String> response = gateway.get("/relay/who?q=1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(authz.last().path()).isEqualTo("/relay/who");
        assertThat(Upstream.header(backend.last(), "x-answer")).isEqualTo("authz GET /relay/who");
    }

    private static double logs() throws Exception {
        return Prometheus.parse(gateway.adminGet("/stats/prometheus").body())
                .value("gateway_test_logs_total", "plugin", "counted").orElse(0.0);
    }
}
