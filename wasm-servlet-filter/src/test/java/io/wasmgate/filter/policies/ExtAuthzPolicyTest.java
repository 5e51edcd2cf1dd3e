package io.wasmgate.filter.policies;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.filter.policies.PolicyHarness.Container;
import io.wasmgate.filter.policies.PolicyUpstream.Received;
import java.net.ServerSocket;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ext-authz policy against a real authorization service ({@link PolicyUpstream}) through
 * {@code JettyCalloutClient}: allow with headers for the upstream, deny with the service's answer, fail
 * closed on a timeout and on a service that is not there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExtAuthzPolicyTest {
    private final Map<Container, PolicyHarness> harnesses = new EnumMap<>(Container.class);
    private PolicyUpstream authz;
    private PolicyHarness unreachable;

    @BeforeAll
    void start() throws Exception {
        authz = PolicyUpstream.start();
        String config = """
                plugins:
                  - name: ext-authz
                    module: { classpath: wasmgate/policies/ext-authz.wasm }
                    root_id: ext_authz
                    instances: 2
                    configuration:
                      cluster: authz
                      path_prefix: /check
                      timeout: 1s
                      allowed_headers: [ authorization, x-request-id ]
                      upstream_headers: [ x-auth-user ]
                      client_headers: [ www-authenticate, location ]
                clusters:
                  - { name: authz, url: "%s" }
                """.formatted(authz.url());
        for (Container container : Container.values()) {
            harnesses.put(container, PolicyHarness.start(container, config));
        }
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        unreachable = PolicyHarness.start(Container.JETTY, """
                plugins:
                  - name: ext-authz-down
                    module: { classpath: wasmgate/policies/ext-authz.wasm }
                    root_id: ext_authz
                    instances: 1
                    configuration: { cluster: authz, status_on_error: 503 }
                clusters:
                  - { name: authz, url: "http://127.0.0.1:%d" }
                """.formatted(closedPort));
    }

    @AfterAll
    void stop() throws Exception {
        for (PolicyHarness harness : harnesses.values()) {
            harness.close();
        }
        unreachable.close();
        authz.close();
    }

    private static HttpResponse<String> as(PolicyHarness harness, String path, String authorization) throws Exception {
        return harness.send(harness.request(path).header("authorization", authorization));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void anAllowedRequestContinuesWithTheServicesHeaders(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        String path = "/echo?n=" + container;
        HttpResponse<String> response = harness.send(harness.request(path).header("authorization", "Bearer good")
                .header("x-request-id", "req-1").header("cookie", "session=1").header("x-auth-user", "mallory"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("header.x-auth-user=alice\n").doesNotContain("x-auth-ignored");
        List<Received> checks = authz.received("/check/app" + path);
        assertThat(checks).hasSize(1);
        assertThat(checks.get(0).method()).isEqualTo("GET");
        assertThat(checks.get(0).headers()).containsEntry("authorization", "Bearer good").containsEntry("x-request-id", "req-1")
                .doesNotContainKeys("cookie", "x-auth-user");
        assertThat(harness.counter("ext_authz.allowed", "ext-authz")).isGreaterThanOrEqualTo(1);
    }

    /**
     * A repeated header reaches the service once, with every value joined in order: a client cannot slip a
     * second credential past a check of the first (the application would see both).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aRepeatedHeaderReachesTheServiceWithAllItsValues(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        int calls = harness.app().calls();
        String path = "/echo?repeated=" + container;
        HttpResponse<String> response = harness.send(harness.request(path).header("authorization", "Bearer good")
                .header("authorization", "Bearer evil"));

        assertThat(response.statusCode()).isEqualTo(401);
        List<Received> checks = authz.received("/check/app" + path);
        assertThat(checks).hasSize(1);
        assertThat(checks.get(0).headers()).containsEntry("authorization", "Bearer good,Bearer evil");
        assertThat(harness.app().calls()).isEqualTo(calls);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void anAllowedRequestKeepsItsBody(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        HttpResponse<String> response = harness.send(harness.request("/echo").header("authorization", "Bearer good")
                .POST(BodyPublishers.ofString("{\"order\": 1}")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("method=POST\n", "body={\"order\": 1}\n");
        assertThat(authz.received().get(authz.received().size() - 1).method()).isEqualTo("POST");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aDeniedRequestGetsTheServicesStatusAndBody(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        int calls = harness.app().calls();
        HttpResponse<String> response = as(harness, "/echo", "Bearer bad");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("{\"error\":\"not allowed\"}");
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.headers().firstValue("www-authenticate")).hasValue("Basic realm=\"authz\"");
        assertThat(response.headers().firstValue("x-authz-secret")).as("not in client_headers").isEmpty();
        assertThat(harness.app().calls()).isEqualTo(calls);
        assertThat(harness.counter("ext_authz.denied", "ext-authz")).isGreaterThanOrEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aRedirectFromTheServiceReachesTheClient(Container container) throws Exception {
        HttpResponse<String> response = as(harnesses.get(container), "/echo", "Bearer redirect");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("location")).hasValue("/login");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aServiceTooSlowToAnswerFailsClosed(Container container) throws Exception {
        PolicyHarness harness = harnesses.get(container);
        int calls = harness.app().calls();
        long start = System.nanoTime();
        HttpResponse<String> response = as(harness, "/echo", "Bearer slow");
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).startsWith("{\"error\":\"authorization_unavailable\",\"reason\":\"the authorization service did not answer: ");
        assertThat(millis).as("answered at the 1 s timeout, not after the service's 3 s").isLessThan(2500);
        assertThat(harness.app().calls()).isEqualTo(calls);
        assertThat(harness.counter("ext_authz.errors", "ext-authz")).isGreaterThanOrEqualTo(1);
        assertThat(harness.log("ext-authz")).anyMatch(line -> line.contains("ext-authz: the authorization service did not answer"));
    }

    @Test
    void aServiceThatIsNotThereFailsClosedWithTheConfiguredStatus() throws Exception {
        HttpResponse<String> response = as(unreachable, "/echo", "Bearer good");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).startsWith("{\"error\":\"authorization_unavailable\"");
        assertThat(unreachable.app().calls()).isZero();
    }
}
