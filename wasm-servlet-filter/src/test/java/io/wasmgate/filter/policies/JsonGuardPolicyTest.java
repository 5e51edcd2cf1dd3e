package io.wasmgate.filter.policies;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.filter.policies.PolicyHarness.Container;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The json-guard policy: request body validation (400 with a JSON error) and response redaction. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsonGuardPolicyTest {
    private static final String VALID = "{\"name\": \"Ada\", \"address\": {\"city\": \"London\", \"zip\": null}, \"tags\": [1, 2.5e3]}";

    private final Map<Container, PolicyHarness> harnesses = new EnumMap<>(Container.class);

    @BeforeAll
    void start() throws Exception {
        String config = """
                plugins:
                  - name: json-guard
                    module: { classpath: wasmgate/policies/json-guard.wasm }
                    root_id: json_guard
                    instances: 2
                    configuration:
                      request: { max_body_bytes: 256, required: [ name, address.city ] }
                      response: { redact: [ password, ssn ] }
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

    private static HttpRequest.Builder post(PolicyHarness harness, String contentType, String body) {
        return harness.request("/echo").header("content-type", contentType).POST(BodyPublishers.ofString(body));
    }

    private static void assertInvalid(HttpResponse<String> response, String body) {
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo(body);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aValidBodyReachesTheApplicationUnchanged(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        HttpResponse<String> response = harness.send(post(harness, "application/json; charset=utf-8", VALID));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("body=" + VALID + "\n");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void missingMembersAreNamed(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        int calls = harness.app().calls();
        HttpResponse<String> response = harness.send(post(harness, "application/vnd.orders+json", "{\"address\": {\"zip\": \"N1\"}}"));

        assertInvalid(response, "{\"error\":\"invalid_request\",\"reason\":\"missing required members: name, address.city\","
                + "\"fields\":[\"name\",\"address.city\"]}");
        assertThat(harness.app().calls()).as("the application never saw it").isEqualTo(calls);
        assertThat(harness.counter("json_guard.rejected", "json-guard")).isGreaterThanOrEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void malformedJsonIsRefusedWithWhere(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);

        assertInvalid(harness.send(post(harness, "application/json", "{\"name\": \"Ada\",}")),
                "{\"error\":\"invalid_request\",\"reason\":\"the body is not valid JSON: expected a member name at byte 15\"}");
        assertInvalid(harness.send(post(harness, "application/json", "[\"name\"]")),
                "{\"error\":\"invalid_request\",\"reason\":\"the body must be a JSON object\"}");
        assertInvalid(harness.send(post(harness, "application/json", "{\"name\": \"a\\u00e9\\ud83d\\ude00\\n\"} x")),
                "{\"error\":\"invalid_request\",\"reason\":\"the body is not valid JSON: unexpected data after the JSON value at byte 34\"}");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void membersAreFoundThroughEscapesAndDeepNestingIsRefused(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        String escaped = "{\"n\\u0061me\": \"\\\"A\\u00e9\\ud83d\\ude00\\\"\", \"address\": {\"\\u0063ity\": \"L\"}}";
        String deep = "{\"name\": 1, \"address\": {\"city\": " + "[".repeat(70) + "]".repeat(70) + "}}";

        assertThat(harness.send(post(harness, "application/json", escaped)).statusCode()).isEqualTo(200);
        assertInvalid(harness.send(post(harness, "application/json", deep)),
                "{\"error\":\"invalid_request\",\"reason\":\"the body is not valid JSON: JSON nested deeper than 64 levels at byte 94\"}");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theContentTypeMustBeJson(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);

        assertInvalid(harness.send(post(harness, "text/plain", VALID)),
                "{\"error\":\"invalid_request\",\"reason\":\"the content type must be application/json\"}");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void bodiesOverTheLimitAreRefused(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        String big = "{\"name\": \"" + "x".repeat(300) + "\", \"address\": {\"city\": \"London\"}}";
        String expected = "{\"error\":\"invalid_request\",\"reason\":\"the body is larger than 256 bytes\"}";

        assertInvalid(harness.send(post(harness, "application/json", big)), expected);
        byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> chunked = harness.send(harness.request("/echo").header("content-type", "application/json")
                .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
        assertInvalid(chunked, expected);
    }

    /** A chunked body with trailers, over a raw socket; the whole answer. */
    private static String postWithTrailers(PolicyHarness harness, String body) throws Exception {
        int port = harness.request("/").build().uri().getPort();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /app/echo HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\ncontent-type: application/json\r\n"
                    + "transfer-encoding: chunked\r\ntrailer: x-checksum\r\nconnection: close\r\n\r\n"
                    + Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n0\r\nx-checksum: abc\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aBodyEndingWithTrailersIsCheckedToo(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);

        assertThat(postWithTrailers(harness, "{\"name\": \"Ada\"}")).startsWith("HTTP/1.1 400")
                .endsWith("{\"error\":\"invalid_request\",\"reason\":\"missing required members: address.city\","
                        + "\"fields\":[\"address.city\"]}");
        assertThat(postWithTrailers(harness, VALID)).startsWith("HTTP/1.1 200").contains("body=" + VALID + "\n");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void onlyTheConfiguredMethodsAreChecked(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);

        assertThat(harness.get("/echo").statusCode()).isEqualTo(200);
        assertInvalid(harness.send(harness.request("/echo").POST(BodyPublishers.noBody())),
                "{\"error\":\"invalid_request\",\"reason\":\"a JSON body is required\",\"fields\":[\"name\",\"address.city\"]}");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void configuredMembersOfJsonResponsesAreRedactedAtAnyDepth(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        HttpResponse<String> response = harness.send(harness.request("/json").header("accept-encoding", "gzip"));

        String expected = PolicyApp.USER_JSON.replace("\"hunter2\"", "\"[redacted]\"").replace("\"123-45-6789\"", "\"[redacted]\"")
                .replace("\"p1\"", "\"[redacted]\"").replace("{\"old\": \"p0\"}", "\"[redacted]\"");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(expected);
        assertThat(response.headers().firstValue("content-length"))
                .hasValue(Integer.toString(expected.getBytes(StandardCharsets.UTF_8).length));
        assertThat(harness.counter("json_guard.redacted", "json-guard")).isGreaterThanOrEqualTo(4);
        HttpResponse<String> echo = harness.send(harness.request("/echo").header("accept-encoding", "gzip"));
        assertThat(echo.body()).as("asked for an uncompressed answer").doesNotContain("accept-encoding");
    }
}
