package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wasmgate.abi.testing.RecordingUpstream;
import io.wasmgate.gateway.testing.GatewayFixture;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code headers_with_underscores}: {@code x_user} passes by default (Envoy's), is refused with 400 under
 * {@code reject}, and under {@code drop} reaches neither route matching, the plugins nor the upstream, which
 * a CGI-style upstream would read as the {@code x-user} a policy controls. Raw sockets to a recording upstream;
 * each setting reached by a reload.
 */
class UnderscoreHeadersTest {
    private static final Duration IDLE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    RecordingUpstream app;
    GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        app = RecordingUpstream.start();
        gateway = GatewayFixture.start(dir, file(null));
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        app.close();
    }

    private String file(String setting) {
        return GatewayFixture.PORTS + (setting == null ? "" : "headers_with_underscores: " + setting + "\n") + """
                plugins:
                  - name: actions
                    module: { file: policies/test-actions.wasm }
                clusters:
                  - { name: app, url: "%s" }
                routes:
                  - { match: { prefix: /app, headers: { x_route: internal } }, cluster: app }
                  - { match: { prefix: /app }, cluster: app, plugins: [ actions ] }
                """.formatted(app.uri());
    }

    private void reloadWith(String setting) throws Exception {
        gateway.rewrite(file(setting));
        assertThat(gateway.reload().statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(gateway.adminGet("/config_dump").body()).get("headers_with_underscores")
                .asText()).isEqualTo(setting);
    }

    private String get(String target) throws Exception {
        return RecordingUpstream.exchange(gateway.proxy("/").getPort(), "GET " + target + " HTTP/1.1\r\nHost: gw\r\n"
                + "x-test-action: echo-header-order\r\nx-user: alice\r\nx_user: admin\r\nx_route: internal\r\n"
                + "Connection: close\r\n\r\n", IDLE);
    }

    @Test
    void byDefaultAnUnderscoredHeaderPassesAsEnvoysDoes() throws Exception {
        String answer = get("/app/allowed");

        assertThat(answer).startsWith("HTTP/1.1 200");
        RecordingUpstream.Received received = app.last("/app/allowed");
        assertThat(received.header("x_user")).isEqualTo("admin");
        assertThat(received.header("x-user")).isEqualTo("alice");
    }

    @Test
    void dropRemovesItBeforeRoutingPluginsAndUpstream() throws Exception {
        reloadWith("drop");

        String answer = get("/app/dropped");

        assertThat(answer).startsWith("HTTP/1.1 200").contains("x-user=alice").doesNotContain("x_user")
                .doesNotContain("x_route");
        RecordingUpstream.Received received = app.last("/app/dropped");
        assertThat(received.header("x_user")).isNull();
        assertThat(received.header("x_route")).isNull();
        assertThat(received.header("x-user")).isEqualTo("alice");
    }

    @Test
    void rejectRefusesTheRequestBeforeRoutingAndPlugins() throws Exception {
        reloadWith("reject");

        String answer = get("/app/refused");

        assertThat(answer).startsWith("HTTP/1.1 400").endsWith("\r\n\r\nbad request header: a name with an underscore\n")
                .doesNotContainIgnoringCase("x-seen-headers");
        assertThat(app.received()).noneMatch(r -> r.target().startsWith("/app/refused"));
    }
}
