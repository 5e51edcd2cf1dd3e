package io.wasmgate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limits on slow clients read from YAML: as written, or the defaults the README documents. */
class ClientLimitsConfigTest {
    private static final String CLUSTERS = """
            clusters:
              - { name: backend, url: "http://127.0.0.1:9000" }
            """;

    @TempDir
    Path dir;

    @Test
    void withoutTheKeysTheDefaultsHold() throws Exception {
        GatewayConfig config = load(CLUSTERS + """
                routes:
                  - { match: { prefix: / }, cluster: backend }
                """);

        assertThat(config.clientLimits()).isEqualTo(new ClientLimits(200, true, Duration.ofSeconds(30), 500));
        assertThat(config.routes().get(0).maxConcurrentRequests()).isEqualTo(RouteConfig.UNLIMITED);
    }

    @Test
    void theKeysAreReadAsWritten() throws Exception {
        GatewayConfig config = load("""
                listen: { max_threads: 64, virtual_threads: false, request_body_timeout: 10s, min_request_data_rate: 0 }
                """ + CLUSTERS + """
                routes:
                  - { name: uploads, match: { prefix: /upload }, cluster: backend, max_concurrent_requests: 20 }
                """);

        assertThat(config.clientLimits()).isEqualTo(new ClientLimits(64, false, Duration.ofSeconds(10), 0));
        assertThat(config.routes().get(0).maxConcurrentRequests()).isEqualTo(20);
    }

    @Test
    void aZeroBodyTimeoutTurnsTheDeadlineOff() throws Exception {
        GatewayConfig config = load("listen: { request_body_timeout: 0s }\n" + CLUSTERS + """
                routes:
                  - { match: { prefix: / }, cluster: backend }
                """);

        assertThat(config.clientLimits().requestBodyTimeout()).isZero();
    }

    private GatewayConfig load(String yaml) throws Exception {
        return GatewayConfigLoader.load(Files.writeString(dir.resolve("gateway.yaml"), yaml));
    }
}
