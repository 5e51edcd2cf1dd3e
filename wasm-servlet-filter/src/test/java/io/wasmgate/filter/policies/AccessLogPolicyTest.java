package io.wasmgate.filter.policies;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.filter.policies.PolicyHarness.Container;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The access-log log plugin in JSON format: one line per request, for requests the application answered
 * and for replies of another policy (api-key), next to the same module in its default text format.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessLogPolicyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Container, PolicyHarness> harnesses = new EnumMap<>(Container.class);

    @BeforeAll
    void start() throws Exception {
        String config = """
                plugins:
                  - name: api-key
                    module: { classpath: wasmgate/policies/api-key.wasm }
                    root_id: api_key
                    instances: 1
                    configuration: { keys: [ { name: ci, key: k-ci } ] }
                log_plugins:
                  - name: access-json
                    module: { classpath: wasmgate/policies/access-log.wasm }
                    instances: 2
                    configuration: { format: json, request_headers: [ x-trace, x-absent ] }
                  - name: access-text
                    module: { classpath: wasmgate/policies/access-log.wasm }
                    instances: 1
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

    /** The JSON line logged for the request with {@code x-trace: trace}. */
    private static JsonNode lineFor(PolicyHarness harness, String trace) throws Exception {
        Poll.until("the access log line of " + trace,
                () -> harness.log("access-json").stream().anyMatch(line -> line.contains("\"x-trace\":\"" + trace + "\"")));
        List<String> lines = harness.log("access-json").stream().filter(line -> line.contains("\"x-trace\":\"" + trace + "\"")).toList();
        assertThat(lines).hasSize(1);
        return JSON.readTree(lines.get(0).substring(lines.get(0).indexOf('{')));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aServedRequestIsOneJsonLine(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        Instant before = Instant.now();
        HttpResponse<String> response = harness.send(harness.request("/echo?q=1").header("x-api-key", "k-ci")
                .header("x-trace", "served-" + container).header("user-agent", "policy-test")
                .POST(BodyPublishers.ofString("hello")));
        JsonNode line = lineFor(harness, "served-" + container);

        assertThat(line.fieldNames()).toIterable().containsExactly("time", "method", "path", "status", "duration_ms",
                "request_bytes", "response_bytes", "client", "authority", "user_agent", "request_id", "details", "headers");
        assertThat(Duration.between(before, Instant.parse(line.get("time").asText())).abs()).isLessThan(Duration.ofSeconds(5));
        assertThat(line.get("method").asText()).isEqualTo("POST");
        assertThat(line.get("path").asText()).isEqualTo("/app/echo?q=1");
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(line.get("duration_ms").isNumber()).isTrue();
        assertThat(line.get("duration_ms").asDouble()).isBetween(0.0, 5000.0);
        assertThat(line.get("request_bytes").asLong()).isEqualTo(5);
        assertThat(line.get("response_bytes").asLong()).isEqualTo(response.body().length());
        assertThat(line.get("client").asText()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(line.get("authority").asText()).isEqualTo("127.0.0.1:" + harness.request("/").build().uri().getPort());
        assertThat(line.get("user_agent").asText()).isEqualTo("policy-test");
        assertThat(line.get("request_id").asText()).isNotBlank();
        assertThat(line.get("headers").get("x-trace").asText()).isEqualTo("served-" + container);
        assertThat(line.get("headers").get("x-absent").isNull()).isTrue();
        Poll.until("the text line", () -> harness.log("access-text").stream().anyMatch(text -> text.endsWith(" access POST /app/echo?q=1 200")));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aReplyOfAnotherPolicyIsLoggedWithItsDetails(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        HttpResponse<String> response = harness.send(harness.request("/echo").header("x-trace", "denied-" + container));
        JsonNode line = lineFor(harness, "denied-" + container);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(line.get("status").asInt()).isEqualTo(401);
        assertThat(line.get("details").asText()).isEqualTo("api_key_rejected");
        assertThat(line.get("response_bytes").asLong()).isEqualTo(response.body().length());
    }
}
