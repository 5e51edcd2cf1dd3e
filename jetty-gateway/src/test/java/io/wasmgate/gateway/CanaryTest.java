package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.Upstream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A canary takes its weight's share of new streams; both versions report under the plugin's name. */
class CanaryTest {
    private static final int REQUESTS = 2000;

    @TempDir
    static Path dir;

    static Upstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = Upstream.start("backend");
        gateway = GatewayFixture.start(dir, GatewayFixture.PORTS + """
                plugins:
                  - name: versioned
                    module: { file: policies/add-header.wasm }
                    root_id: add_header
                    configuration: "x-version: stable"
                    instances: 2
                    canary:
                      module: { classpath: wasmgate/policies/add-header.wasm }
                      configuration: "x-version: canary"
                      weight: 10
                clusters:
                  - { name: backend, url: "%s" }
                routes:
                  - { match: { prefix: / }, cluster: backend, plugins: [ versioned ] }
                """.formatted(upstream.uri()));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @Test
    void tenPercentOfTwoThousandRequestsRunTheCanary() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<int[]>> counts = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            counts.add(clients.submit(() -> {
                int[] seen = new int[2];
                for (int i = 0; i < REQUESTS / 4; i++) {
                    HttpResponse<String> response = gateway.get("/split");
                    seen[response.headers().firstValue("x-version").orElseThrow().equals("canary") ? 1 : 0]++;
                }
                return seen;
            }));
        }
        int stable = 0;
        int canary = 0;
        for (Future<int[]> count : counts) {
            stable += count.get()[0];
            canary += count.get()[1];
        }
        clients.shutdown();

        // Binomial(2000, 0.1): mean 200, standard deviation 13.4; the bounds are 4.5 deviations away.
        assertThat(stable + canary).isEqualTo(REQUESTS);
        assertThat(canary).isBetween(140, 260);
        Prometheus metrics = Prometheus.parse(gateway.adminGet("/stats/prometheus").body());
        assertThat(metrics.value("wasmgate_streams_total", "plugin", "versioned", "version", "canary")).hasValue((double) canary);
        assertThat(metrics.value("wasmgate_streams_total", "plugin", "versioned", "version", "stable")).hasValue((double) stable);
    }

    @Test
    void pluginsShowBothVersionsWithTheirWeights() throws Exception {
        JsonNode versions = new ObjectMapper().readTree(gateway.adminGet("/plugins").body()).get("plugins").get(0).get("versions");

        assertThat(versions).extracting(v -> v.get("version").asText()).containsExactly("stable", "canary");
        assertThat(versions).extracting(v -> v.get("weight").asInt()).containsExactly(90, 10);
        assertThat(versions.get(1).get("module").asText()).isEqualTo("classpath:wasmgate/policies/add-header.wasm");
    }
}
