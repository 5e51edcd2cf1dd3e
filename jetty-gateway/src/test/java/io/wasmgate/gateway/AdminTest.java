package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wasmgate.abi.config.CodeCache;
import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.Upstream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin port: Prometheus scrape, readiness, plugins, configuration dump. */
class AdminTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Upstream upstream;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = Upstream.start("backend");
        gateway = GatewayFixture.start(dir, GatewayFixture.PORTS + """
                plugins:
                  - name: metrics
                    module: { file: policies/gateway-metrics.wasm }
                    instances: 2
                    engine: interpreter
                  - name: headers
                    module: { file: policies/add-header.wasm }
                    root_id: add_header
                    instances: 1
                    limits: { memory: 16MiB }
                services:
                  - name: background
                    module: { file: policies/gateway-metrics.wasm }
                    instances: 1
                clusters:
                  - { name: backend, url: "%s", timeout: 5s }
                routes:
                  - name: api
                    match: { prefix: /api }
                    cluster: backend
                    plugins: [ metrics, headers ]
                """.formatted(upstream.uri()));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @Test
    void theScrapeHasThePoliciesOwnMetricsAndTheHosts() throws Exception {
        for (int i = 0; i < 3; i++) {
            gateway.get("/api/" + i);
        }
        gateway.get("/elsewhere");

        HttpResponse<String> scrape = gateway.adminGet("/stats/prometheus");
        Prometheus metrics = Prometheus.parse(scrape.body());

        assertThat(scrape.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(metrics.value("gateway_test_requests_total", "plugin", "metrics", "version", "stable")).hasValue(3.0);
        assertThat(metrics.value("wasmgate_streams_total", "plugin", "headers", "version", "stable")).hasValue(3.0);
        assertThat(metrics.value("wasmgate_vm_active", "plugin", "metrics")).hasValue(2.0);
        assertThat(metrics.value("wasmgate_vm_memory_bytes", "plugin", "metrics"))
                .as("two instances of a module of one 64 KiB page that never grows").hasValue(2.0 * 65536);
        assertThat(metrics.value("wasmgate_callback_duration_seconds_count", "plugin", "headers",
                "callback", "proxy_on_response_headers")).hasValue(3.0);
        assertThat(metrics.value("wasmgate_callback_duration_seconds_count", "plugin", "headers",
                "callback", "proxy_on_response_body")).as("one body callback per response: its Content-Length ends "
                + "the body with the last chunk, which carries end_of_stream").hasValue(3.0);
        assertThat(metrics.value("wasmgate_gateway_requests_seconds_count", "route", "api", "status", "200")).hasValue(3.0);
        assertThat(metrics.value("wasmgate_gateway_requests_seconds_count", "route", "none", "status", "404"))
                .hasValueSatisfying(count -> assertThat(count).isPositive());
        assertThat(metrics.find("jvm_memory_used_bytes")).isNotEmpty();
        assertThat(metrics.find("jetty_threads_current")).isNotEmpty();
        assertThat(metrics.find("jetty_connections_current_connections", "connector_name", "proxy")).isNotEmpty();
    }

    @Test
    void readyOnceAConfigurationServes() throws Exception {
        HttpResponse<String> ready = gateway.adminGet("/ready");

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ready\n");
    }

    @Test
    void pluginsReportVersionEngineInstancesAndState() throws Exception {
        JsonNode plugins = JSON.readTree(gateway.adminGet("/plugins").body());

        JsonNode metrics = plugins.get("plugins").get(1);
        assertThat(metrics.get("name").asText()).isEqualTo("metrics");
        assertThat(metrics.get("state").asText()).isEqualTo("ok");
        assertThat(metrics.get("last_error").isNull()).isTrue();
        JsonNode stable = metrics.get("versions").get(0);
        assertThat(stable.get("version").asText()).isEqualTo("stable");
        assertThat(stable.get("sha256").asText()).hasSize(64);
        assertThat(stable.get("module").asText()).endsWith("gateway-metrics.wasm");
        assertThat(stable.get("engine").asText()).isEqualTo("interpreter");
        assertThat(stable.get("code_from_cache").asBoolean(true)).isFalse();
        assertThat(stable.get("abi").asText()).isEqualTo("0.2.1");
        assertThat(stable.get("instances").asInt()).isEqualTo(2);
        assertThat(stable.get("active_vms").asInt()).isEqualTo(2);
        assertThat(stable.get("memory_bytes").asLong()).isEqualTo(2 * 65536);
        assertThat(plugins.get("plugins")).extracting(p -> p.get("name").asText()).containsExactly("background", "metrics", "headers");
        assertThat(plugins.get("plugins").get(2).get("versions").get(0).get("engine").asText()).isEqualTo("compiler");
        assertThat(plugins.get("last_reload").isNull()).isTrue();
    }

    @Test
    void theConfigDumpIsTheEffectiveConfigurationWithDefaults() throws Exception {
        JsonNode dump = JSON.readTree(gateway.adminGet("/config_dump").body());

        assertThat(dump.get("listen").get("drain_timeout_ms").asLong()).isEqualTo(5000);
        assertThat(dump.get("clusters").get(0).get("timeout_ms").asLong()).isEqualTo(5000);
        assertThat(dump.get("clusters").get(0).get("connect_timeout_ms").asLong()).isEqualTo(2000);
        assertThat(dump.get("clusters").get(0).get("max_connections").asInt()).isEqualTo(256);
        JsonNode headers = dump.get("plugins").get(1);
        assertThat(headers.get("root_id").asText()).isEqualTo("add_header");
        assertThat(headers.get("failure_policy").asText()).isEqualTo("fail_closed");
        assertThat(headers.get("limits").get("memory_bytes").asLong()).isEqualTo(16 * 1024 * 1024);
        assertThat(headers.get("cache_dir").asText()).as("the gateway's default cache folder")
                .isEqualTo(CodeCache.defaultDir().toString());
        assertThat(dump.get("routes").get(0).get("match").get("prefix").asText()).isEqualTo("/api");
        assertThat(dump.get("routes").get(0).get("plugins")).extracting(JsonNode::asText).containsExactly("metrics", "headers");
    }

    @Test
    void unknownAdminPathsAreNotFoundAndTheProxyPortHasNoAdmin() throws Exception {
        assertThat(gateway.adminGet("/nope").statusCode()).isEqualTo(404);
        assertThat(gateway.get("/stats/prometheus").statusCode()).isEqualTo(404);
    }
}
