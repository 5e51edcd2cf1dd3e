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
 * {@code path_parameters: reject} and {@code keep} (the default, {@code strip}, is in {@link RequestCanonicalTest}),
 * over raw sockets to a recording upstream, and a reload switching from one to the other.
 */
class PathParametersSettingTest {
    private static final Duration IDLE = Duration.ofSeconds(10);
    private static final String ROUTES = """
            plugins:
              - name: actions
                module: { file: policies/test-actions.wasm }
            clusters:
              - { name: app, url: "%s" }
            routes:
              - { match: { prefix: /app }, cluster: app, plugins: [ actions ] }
            """;

    @TempDir
    Path dir;

    RecordingUpstream app;
    GatewayFixture gateway;

    @BeforeEach
    void start() throws Exception {
        app = RecordingUpstream.start();
        gateway = GatewayFixture.start(dir, file("reject"));
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
        app.close();
    }

    private String file(String pathParameters) {
        return GatewayFixture.PORTS + "path_parameters: " + pathParameters + "\n" + ROUTES.formatted(app.uri());
    }

    @Test
    void rejectRefusesAPathCarryingAParameterBeforeThePluginsAndTheUpstream() throws Exception {
        String refused = get("/app/page;jsessionid=0A1B");
        String served = get("/app/page");

        assertThat(refused).startsWith("HTTP/1.1 400").endsWith("\r\n\r\nbad request path: a path parameter\n")
                .doesNotContainIgnoringCase("x-seen-path");
        assertThat(served).startsWith("HTTP/1.1 200").containsIgnoringCase("x-seen-path: /app/page\r\n");
        assertThat(app.received()).extracting(RecordingUpstream.Received::target).containsExactly("/app/page");
        assertThat(dumped()).isEqualTo("reject");
    }

    @Test
    void keepAfterAReloadPassesThemAsSentAsEnvoyDoes() throws Exception {
        gateway.rewrite(file("keep"));
        assertThat(gateway.reload().statusCode()).isEqualTo(200);

        String answer = get("/app;v=1/page;jsessionid=0A1B");

        assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("x-seen-path: /app;v=1/page;jsessionid=0A1B\r\n");
        assertThat(app.last("/app").target()).isEqualTo("/app;v=1/page;jsessionid=0A1B");
        assertThat(dumped()).isEqualTo("keep");
    }

    /** The setting {@code /config_dump} shows. */
    private String dumped() throws Exception {
        return new ObjectMapper().readTree(gateway.adminGet("/config_dump").body()).get("path_parameters").asText();
    }

    private String get(String target) throws Exception {
        return RecordingUpstream.exchange(gateway.proxy("/").getPort(), "GET " + target + " HTTP/1.1\r\nHost: gw\r\n"
                + "x-test-action: echo-request\r\nConnection: close\r\n\r\n", IDLE);
    }
}
