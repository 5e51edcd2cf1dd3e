package io.wasmgate.gateway.policies;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.CapturedStderr;
import io.wasmgate.abi.testing.Jwts;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.gateway.testing.GatewayFixture;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every configuration of {@code sample-policies/examples}, run by the gateway as a user would run it
 * (on test ports, with {@link Backend} as every upstream), asserting what the example promises.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplesThroughTheGatewayTest {
    private static final String SECRET = "change-me-to-a-secret-of-at-least-32-bytes";

    private Backend backend;

    @BeforeAll
    void start() throws Exception {
        backend = Backend.start();
    }

    @AfterAll
    void stop() throws Exception {
        backend.close();
    }

    private GatewayFixture gateway(Path dir, String example) throws Exception {
        return GatewayFixture.start(dir, Example.adapted(example, backend.url()));
    }

    private static HttpRequest.Builder request(GatewayFixture gateway, String path) {
        return HttpRequest.newBuilder(gateway.proxy(path)).timeout(Duration.ofSeconds(10));
    }

    /** The value of the Prometheus sample {@code name} whose labels include {@code plugin="<plugin>"}, or -1. */
    private static double sample(GatewayFixture gateway, String name, String plugin) throws Exception {
        String scrape = gateway.adminGet("/stats/prometheus").body();
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$").matcher(scrape);
        while (sample.find()) {
            if (sample.group(1).contains("plugin=\"" + plugin + "\"")) {
                return Double.parseDouble(sample.group(2));
            }
        }
        return -1;
    }

    @Test
    void headers(@TempDir Path dir) throws Exception {
        try (GatewayFixture gateway = gateway(dir, "headers")) {
            HttpResponse<String> response = gateway.send(request(gateway, "/orders").header("x-debug", "1").build());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("header.x-gateway=wasmgate\n").doesNotContain("header.x-debug");
            assertThat(response.headers().firstValue("x-powered-by")).isEmpty();
            assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
            assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");

            int served = backend.served();
            HttpResponse<String> preflight = gateway.send(request(gateway, "/orders")
                    .method("OPTIONS", BodyPublishers.noBody()).header("origin", "https://app.example.com")
                    .header("access-control-request-method", "POST").build());
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
            assertThat(preflight.headers().firstValue("access-control-allow-methods")).hasValue("GET, POST, PUT, DELETE");
            assertThat(preflight.headers().firstValue("access-control-allow-headers")).hasValue("content-type, authorization");
            assertThat(backend.served()).isEqualTo(served);
        }
    }

    @Test
    void apiKey(@TempDir Path dir) throws Exception {
        try (GatewayFixture gateway = gateway(dir, "api-key")) {
            HttpResponse<String> missing = gateway.get("/reports");
            HttpResponse<String> alice = gateway.send(request(gateway, "/reports").header("x-api-key", "k-alice-0123456789").build());
            HttpResponse<String> bob = gateway.get("/reports?api_key=k-bob-secret&year=2026");

            assertThat(gateway.get("/health").statusCode()).as("a route without the policy").isEqualTo(200);
            assertThat(missing.statusCode()).isEqualTo(401);
            assertThat(missing.headers().firstValue("www-authenticate")).hasValue("ApiKey realm=\"wasmgate\"");
            assertThat(missing.body()).isEqualTo("{\"error\":\"unauthorized\",\"reason\":\"missing API key\"}");
            assertThat(alice.statusCode()).isEqualTo(200);
            assertThat(alice.body()).contains("header.x-api-key-name=alice\n").doesNotContain("header.x-api-key=");
            assertThat(bob.body()).contains("uri=/reports?year=2026\n", "header.x-api-key-name=bob\n");
        }
    }

    @Test
    void jwt(@TempDir Path dir) throws Exception {
        try (GatewayFixture gateway = gateway(dir, "jwt")) {
            String claims = "\"iss\":\"https://auth.example.com\",\"aud\":\"orders\",\"sub\":\"user-7\",\"tenant\":{\"id\":\"acme\"}";
            String valid = Jwts.token(SECRET, "{" + claims + ",\"exp\":" + Jwts.now(600) + "}");
            String expired = Jwts.token(SECRET, "{" + claims + ",\"exp\":" + Jwts.now(-600) + "}");

            HttpResponse<String> ok = gateway.send(request(gateway, "/orders").header("authorization", "Bearer " + valid).build());
            HttpResponse<String> old = gateway.send(request(gateway, "/orders").header("authorization", "Bearer " + expired).build());
            HttpResponse<String> none = gateway.get("/orders");

            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("header.x-user=user-7\n", "header.x-tenant=acme\n");
            assertThat(old.statusCode()).isEqualTo(401);
            assertThat(old.body()).isEqualTo("{\"error\":\"invalid_token\",\"reason\":\"token expired\"}");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"wasmgate\"");
        }
    }

    @Test
    void jwtRefusesASecondAuthorizationHeaderBeforeTheBackend(@TempDir Path dir) throws Exception {
        try (GatewayFixture gateway = gateway(dir, "jwt")) {
            String valid = Jwts.token(SECRET, "{\"iss\":\"https://auth.example.com\",\"aud\":\"orders\",\"exp\":" + Jwts.now(600) + "}");
            int served = backend.served();

            HttpResponse<String> attack = gateway.send(request(gateway, "/orders").header("authorization", "Bearer " + valid)
                    .header("authorization", "Basic YTpi").build());

            assertThat(attack.statusCode()).isEqualTo(401);
            assertThat(attack.body()).isEqualTo("{\"error\":\"invalid_token\",\"reason\":\"more than one authorization header\"}");
            assertThat(backend.served()).as("requests the backend served").isEqualTo(served);
        }
    }

    @Test
    void rateLimit(@TempDir Path dir) throws Exception {
        try (GatewayFixture gateway = gateway(dir, "rate-limit")) {
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> response = gateway.get("/items/" + i);
                assertThat(response.statusCode()).as("request %d", i + 1).isEqualTo(200);
                assertThat(response.headers().firstValue("x-ratelimit-remaining")).hasValue(Integer.toString(9 - i));
            }
            HttpResponse<String> limited = gateway.get("/items/10");

            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(Integer.parseInt(limited.headers().firstValue("retry-after").orElseThrow())).isBetween(1, 60);
            assertThat(limited.headers().firstValue("x-ratelimit-limit")).hasValue("10");
            assertThat(sample(gateway, "rate_limit_limited_total", "rate-limit")).isEqualTo(1);
        }
    }

    @Test
    void extAuthz(@TempDir Path dir) throws Exception {
        try (GatewayFixture gateway = gateway(dir, "ext-authz")) {
            HttpResponse<String> allowed = gateway.send(request(gateway, "/orders").header("authorization", "Bearer good").build());
            int served = backend.served();
            HttpResponse<String> denied = gateway.send(request(gateway, "/orders").header("authorization", "Bearer bad").build());

            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.body()).contains("header.x-auth-user=alice\n");
            assertThat(denied.statusCode()).isEqualTo(401);
            assertThat(denied.body()).isEqualTo("{\"error\":\"not allowed\"}");
            assertThat(denied.headers().firstValue("www-authenticate")).hasValue("Basic realm=\"backend\"");
            assertThat(backend.served()).isEqualTo(served);
        }
    }

    @Test
    void jsonGuard(@TempDir Path dir) throws Exception {
        try (GatewayFixture gateway = gateway(dir, "json-guard")) {
            HttpResponse<String> incomplete = gateway.send(request(gateway, "/users").header("content-type", "application/json")
                    .POST(BodyPublishers.ofString("{\"name\": \"Ada\"}")).build());
            HttpResponse<String> complete = gateway.send(request(gateway, "/users").header("content-type", "application/json")
                    .POST(BodyPublishers.ofString("{\"name\": \"Ada\", \"email\": \"ada@example.com\"}")).build());
            HttpResponse<String> read = gateway.get("/users/7");

            assertThat(incomplete.statusCode()).isEqualTo(400);
            assertThat(incomplete.body()).isEqualTo("{\"error\":\"invalid_request\",\"reason\":\"missing required members: email\","
                    + "\"fields\":[\"email\"]}");
            assertThat(complete.statusCode()).isEqualTo(200);
            assertThat(complete.body()).contains("body={\"name\": \"Ada\", \"email\": \"ada@example.com\"}\n");
            assertThat(read.body()).isEqualTo(Backend.USER.replace("\"hunter2\"", "\"[redacted]\"")
                    .replace("\"123-45-6789\"", "\"[redacted]\""));
        }
    }

    @Test
    void accessLog(@TempDir Path dir) throws Exception {
        CapturedStderr captured = CapturedStderr.start();
        try (captured; GatewayFixture gateway = gateway(dir, "access-log")) {
            gateway.send(request(gateway, "/orders?page=2").header("x-request-id", "req-77").build());
            Poll.until("the access log line", () -> captured.text().contains("\"x-request-id\":\"req-77\""));
        }
        String line = captured.lines().stream().filter(l -> l.contains("\"x-request-id\":\"req-77\""))
                .findFirst().orElseThrow();
        assertThat(line).contains("wasmgate.plugin.access-log", "\"method\":\"GET\"", "\"path\":\"/orders?page=2\"",
                "\"status\":200", "\"request_id\":\"req-77\"", "\"client\":\"127.0.0.1:");
        assertThat(line).containsPattern("\"duration_ms\":\\d+\\.\\d{3},").containsPattern("\"response_bytes\":[1-9]\\d*,");
    }

    @Test
    void metrics(@TempDir Path dir) throws Exception {
        try (GatewayFixture gateway = gateway(dir, "metrics")) {
            gateway.get("/api/orders");
            gateway.get("/api/orders/1");
            gateway.get("/health");
            gateway.get("/");

            Poll.until("the requests in the scrape", () -> sample(gateway, "route_requests_api_2xx_total", "metrics") == 2
                    && sample(gateway, "route_requests_health_2xx_total", "metrics") == 1
                    && sample(gateway, "route_requests_other_2xx_total", "metrics") == 1);
            assertThat(sample(gateway, "route_requests_api_5xx_total", "metrics")).isZero();
            assertThat(sample(gateway, "route_requests_api_duration_ms_count", "metrics")).isEqualTo(2);
        }
    }

    @Test
    void denyList(@TempDir Path dir) throws Exception {
        backend.denyList("# tests\n10.0.0.0/8\n");
        String fastRefresh = Example.adapted("deny-list", backend.url()).replace("interval: 30s", "interval: 100ms");
        try (GatewayFixture gateway = GatewayFixture.start(dir, fastRefresh)) {
            Poll.until("the list to be published", () -> sample(gateway, "deny_list_entries", "deny-list-service") == 1);
            assertThat(gateway.get("/orders").statusCode()).isEqualTo(200);

            backend.denyList("10.0.0.0/8\n127.0.0.1\n");
            Poll.until("the client to be refused", () -> gateway.get("/orders").statusCode() == 403);
            assertThat(gateway.get("/orders").body()).isEqualTo("{\"error\":\"forbidden\",\"reason\":\"client is on the deny list\"}");
            assertThat(sample(gateway, "deny_list_denied_total", "deny-list")).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void apiGateway(@TempDir Path dir) throws Exception {
        backend.denyList("# nobody\n");
        try (GatewayFixture gateway = gateway(dir, "api-gateway")) {
            String token = Jwts.token(SECRET, "{\"iss\":\"https://auth.example.com\",\"aud\":\"orders\",\"sub\":\"user-9\",\"exp\":"
                    + Jwts.now(600) + "}");

            assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
            assertThat(gateway.get("/api/orders").statusCode()).isEqualTo(401);
            HttpResponse<String> ok = gateway.send(request(gateway, "/api/orders").header("authorization", "Bearer " + token).build());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("header.x-user=user-9\n");
            assertThat(ok.headers().firstValue("x-ratelimit-remaining")).hasValue("59");
            HttpResponse<String> user = gateway.send(request(gateway, "/api/users/1").header("authorization", "Bearer " + token).build());
            assertThat(user.body()).doesNotContain("hunter2", "123-45-6789").contains("\"[redacted]\"");
            HttpResponse<String> broken = gateway.send(request(gateway, "/api/orders").header("authorization", "Bearer " + token)
                    .header("content-type", "application/json").POST(BodyPublishers.ofString("{\"id\": ")).build());
            assertThat(broken.statusCode()).isEqualTo(400);

            Poll.until("the scrape to count them", () -> sample(gateway, "route_requests_api_2xx_total", "metrics") == 2
                    && sample(gateway, "route_requests_api_4xx_total", "metrics") == 2
                    && sample(gateway, "route_requests_health_2xx_total", "metrics") == 1);
        }
    }
}
