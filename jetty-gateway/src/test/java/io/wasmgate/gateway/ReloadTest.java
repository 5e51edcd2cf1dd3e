package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.Upstream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload without restart: new code and configuration swap in under load; a bad one leaves the old serving. */
class ReloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Upstream upstream;
    GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        upstream = Upstream.start("backend");
        gateway = GatewayFixture.start(dir, config("policies/add-header.wasm", "x-version: 1"));
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    private String config(String module, String configuration) {
        return GatewayFixture.PORTS + """
                plugins:
                  - name: versioned
                    module: { file: %s }
                    root_id: add_header
                    configuration: "%s"
                    instances: 2
                clusters:
                  - { name: backend, url: "%s" }
                routes:
                  - { match: { prefix: / }, cluster: backend, plugins: [ versioned ] }
                """.formatted(module, configuration, upstream.uri());
    }

    private String version(String path) throws Exception {
        return gateway.get(path).headers().firstValue("x-version").orElse("none");
    }

    @Test
    void aReloadUnderLoadFailsNoRequestAndServesTheNewVersion() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger sawNew = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> loops = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String path = i % 2 == 0 ? "/slow?ms=40" : "/fast";
            loops.add(clients.submit(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> response = gateway.get(path);
                        requests.incrementAndGet();
                        String version = response.headers().firstValue("x-version").orElse("none");
                        if (response.statusCode() != 200 || version.equals("none")) {
                            failures.add(response.statusCode() + " " + version);
                        } else if (version.equals("2")) {
                            sawNew.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        Poll.until("20 requests through the old plugin", () -> requests.get() >= 20);
        int beforeReload = requests.get();

        gateway.rewrite(config("policies/add-header.wasm", "x-version: 2"));
        HttpResponse<String> reload = gateway.reload();
        Poll.until("over 20 responses from the new plugin", () -> sawNew.get() > 20);
        running.set(false);
        for (Future<?> loop : loops) {
            loop.get(10, TimeUnit.SECONDS);
        }
        clients.shutdown();

        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        assertThat(failures).isEmpty();
        assertThat(requests.get()).as("requests served across the reload").isGreaterThan(beforeReload + 20);
        assertThat(version("/after")).isEqualTo("2");
    }

    @Test
    void aBrokenModuleIsRejectedAndTheOldVersionKeepsServing() throws Exception {
        Files.write(dir.resolve("policies/broken.wasm"), "not a wasm module at all".getBytes());
        gateway.rewrite(config("policies/broken.wasm", "x-version: 2"));

        HttpResponse<String> reload = gateway.reload();

        assertThat(reload.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(reload.body()).get("error").asText()).contains("versioned").contains("broken.wasm");
        assertThat(version("/still")).isEqualTo("1");
        JsonNode plugins = JSON.readTree(gateway.adminGet("/plugins").body());
        JsonNode versioned = plugins.get("plugins").get(0);
        assertThat(versioned.get("state").asText()).isEqualTo("reload_failed");
        assertThat(versioned.get("last_error").asText()).contains("broken.wasm");
        assertThat(versioned.get("versions").get(0).get("module").asText()).endsWith("add-header.wasm");
        assertThat(plugins.get("last_reload").get("ok").asBoolean()).isFalse();
        Prometheus metrics = Prometheus.parse(gateway.adminGet("/stats/prometheus").body());
        assertThat(metrics.value("wasmgate_gateway_reloads_total", "result", "failure")).hasValueSatisfying(n -> assertThat(n).isPositive());
    }

    @Test
    void aConfigurationThePluginRefusesIsRejectedBeforeItServes() throws Exception {
        gateway.rewrite(config("policies/add-header.wasm", "no colon here"));

        HttpResponse<String> reload = gateway.reload();

        assertThat(reload.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(reload.body()).get("error").asText()).contains("versioned").contains("proxy_on_configure");
        assertThat(version("/still")).isEqualTo("1");
    }

    @Test
    void aSha256MismatchIsRejectedAndNamedInPlugins() throws Exception {
        gateway.rewrite(config("policies/add-header.wasm", "x-version: 2").replace("module: { file: policies/add-header.wasm }",
                "module: { file: policies/add-header.wasm, sha256: " + "0".repeat(64) + " }"));

        HttpResponse<String> reload = gateway.reload();

        assertThat(reload.statusCode()).isEqualTo(500);
        JsonNode versioned = JSON.readTree(gateway.adminGet("/plugins").body()).get("plugins").get(0);
        assertThat(versioned.get("last_error").asText()).contains("module.sha256").contains("does not match");
        assertThat(version("/still")).isEqualTo("1");
    }

    @Test
    void theWatcherReloadsWhenTheFileChanges() throws Exception {
        gateway.rewrite(config("policies/add-header.wasm", "x-version: 3"));

        Poll.until("the watcher to load version 3", Duration.ofSeconds(15), () -> version("/watched").equals("3"));
        assertThat(JSON.readTree(gateway.adminGet("/plugins").body()).get("last_reload").get("trigger").asText())
                .isEqualTo("file watcher");
    }

    @Test
    void aModuleByUrlIsDownloadedAndCheckedAgainstItsSha256() throws Exception {
        byte[] module = GatewayFixture.module("policies/add-header");
        upstream.serveModule("add-header.wasm", module);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(module));
        String url = upstream.uri() + "/module/add-header.wasm";
        gateway.rewrite(config("policies/add-header.wasm", "x-version: 4").replace("module: { file: policies/add-header.wasm }",
                "module: { url: \"" + url + "\", sha256: " + sha256 + " }"));

        HttpResponse<String> reload = gateway.reload();

        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        assertThat(version("/remote")).isEqualTo("4");
        JsonNode stable = JSON.readTree(gateway.adminGet("/plugins").body()).get("plugins").get(0).get("versions").get(0);
        assertThat(stable.get("module").asText()).isEqualTo(url);
        assertThat(stable.get("sha256").asText()).isEqualTo(sha256);
    }
}
