package io.wasmgate.filter.policies;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.filter.policies.PolicyHarness.Container;
import java.net.http.HttpResponse;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The headers policy: request and response header edits, and CORS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeadersPolicyTest {
    private static final String CONFIG = """
            plugins:
              - name: headers
                module: { classpath: wasmgate/policies/headers.wasm }
                root_id: headers
                instances: 1
                configuration:
                  request:
                    remove: [ x-debug ]
                    set: { x-env: prod }
                    add: { x-via: [ wasmgate, policy ] }
                  response:
                    remove: [ x-powered-by ]
                    set: { cache-control: no-store }
                    add: { x-frame-options: DENY }
                  cors:
                    allow_origins: [ "https://app.example.com" ]
                    allow_methods: [ GET, POST ]
                    allow_headers: [ content-type, authorization ]
                    expose_headers: [ x-request-id ]
                    max_age: 300
                    allow_credentials: true
            """;

    private final Map<Container, PolicyHarness> harnesses = new EnumMap<>(Container.class);

    @BeforeAll
    void start() throws Exception {
        for (Container container : Container.values()) {
            harnesses.put(container, PolicyHarness.start(container, CONFIG));
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (PolicyHarness harness : harnesses.values()) {
            harness.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void requestHeadersAreRemovedSetAndAdded(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        HttpResponse<String> response = harness.send(harness.request("/echo").header("x-debug", "1")
                .header("x-env", "dev").header("x-via", "client"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("header.x-debug=").contains("header.x-env=prod\n",
                "header.x-via=client,wasmgate,policy\n");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void responseHeadersAreRemovedSetAndAdded(Container container) throws Exception {
        HttpResponse<String> response = harnesses.get(container).get("/echo");

        assertThat(response.headers().firstValue("x-powered-by")).isEmpty();
        assertThat(response.headers().allValues("cache-control")).containsExactly("no-store");
        assertThat(response.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(response.headers().firstValue("access-control-allow-origin")).as("no Origin, no CORS").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aPreflightFromAnAllowedOriginIsAnsweredWithoutTheApplication(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        int calls = harness.app().calls();
        HttpResponse<String> response = harness.send(harness.request("/orders")
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("origin", "https://app.example.com").header("access-control-request-method", "POST")
                .header("access-control-request-headers", "content-type"));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
        assertThat(response.headers().firstValue("access-control-allow-methods")).hasValue("GET, POST");
        assertThat(response.headers().firstValue("access-control-allow-headers")).hasValue("content-type, authorization");
        assertThat(response.headers().firstValue("access-control-max-age")).hasValue("300");
        assertThat(response.headers().firstValue("access-control-allow-credentials")).hasValue("true");
        assertThat(response.headers().firstValue("x-frame-options")).as("preflights are not edited").isEmpty();
        assertThat(harness.app().calls()).isEqualTo(calls);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aPreflightFromAnotherOriginIsRefused(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        HttpResponse<String> response = harness.send(harness.request("/orders")
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("origin", "https://evil.example.com").header("access-control-request-method", "POST"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo(
                "{\"error\":\"forbidden\",\"reason\":\"origin https://evil.example.com is not allowed\"}");
        assertThat(response.headers().firstValue("access-control-allow-origin")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aRequestFromAnAllowedOriginGetsCorsHeaders(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        HttpResponse<String> allowed = harness.send(harness.request("/echo").header("origin", "https://APP.example.com"));
        HttpResponse<String> other = harness.send(harness.request("/echo").header("origin", "https://evil.example.com"));

        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue("https://APP.example.com");
        assertThat(allowed.headers().firstValue("access-control-allow-credentials")).hasValue("true");
        assertThat(allowed.headers().firstValue("access-control-expose-headers")).hasValue("x-request-id");
        assertThat(allowed.headers().allValues("vary")).contains("origin");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
    }
}
