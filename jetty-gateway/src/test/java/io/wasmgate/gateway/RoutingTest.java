package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.RecordingUpstream;
import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.Upstream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routes match by header (a repeated one by all its values), exact path and prefix, in file order; no match is a 404. */
class RoutingTest {
    @TempDir
    static Path dir;

    static Upstream api;
    static Upstream canary;
    static Upstream web;
    static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        api = Upstream.start("api");
        canary = Upstream.start("canary");
        web = Upstream.start("web");
        gateway = GatewayFixture.start(dir, GatewayFixture.PORTS + """
                clusters:
                  - { name: api, url: "%s" }
                  - { name: canary, url: "%s" }
                  - { name: web, url: "%s" }
                routes:
                  - name: canary-users
                    match: { prefix: /api, headers: { X-Canary: "1" } }
                    cluster: canary
                  - name: health
                    match: { path: /api/health }
                    cluster: web
                  - name: api
                    match: { prefix: /api }
                    cluster: api
                  - name: static
                    match: { prefix: /static/ }
                    cluster: web
                  - name: two-tiers
                    match: { prefix: /tiers, headers: { x-tier: "gold,silver" } }
                    cluster: web
                """.formatted(api.uri(), canary.uri(), web.uri()));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        api.close();
        canary.close();
        web.close();
    }

    @Test
    void aPrefixRouteTakesEveryPathUnderIt() throws Exception {
        HttpResponse<String> response = gateway.get("/api/users?page=2");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("api GET /api/users");
        assertThat(api.last().path()).isEqualTo("/api/users");
        assertThat(response.headers().firstValue("x-upstream")).hasValue("api");
    }

    @Test
    void anExactPathRouteTakesOnlyThatPath() throws Exception {
        assertThat(gateway.get("/api/health").body()).isEqualTo("web GET /api/health");
        assertThat(gateway.get("/api/health/deep").body()).isEqualTo("api GET /api/health/deep");
    }

    @Test
    void aHeaderMatchComesFirstWhenListedFirst() throws Exception {
        HttpResponse<String> withHeader = gateway.send(HttpRequest.newBuilder(gateway.proxy("/api/health"))
                .header("X-Canary", "1").build());
        HttpResponse<String> otherValue = gateway.send(HttpRequest.newBuilder(gateway.proxy("/api/x"))
                .header("X-Canary", "2").build());

        assertThat(withHeader.body()).isEqualTo("canary GET /api/health");
        assertThat(otherValue.body()).isEqualTo("api GET /api/x");
    }

    @Test
    void aRepeatedHeaderMatchesByAllItsValuesNotTheFirst() throws Exception {
        String canaryFirst = raw("/api/x", "X-Canary: 1", "X-Canary: 2");
        String canaryLast = raw("/api/x", "X-Canary: 2", "X-Canary: 1");

        assertThat(canaryFirst).startsWith("HTTP/1.1 200").endsWith("api GET /api/x");
        assertThat(canaryLast).startsWith("HTTP/1.1 200").endsWith("api GET /api/x");
        assertThat(api.last().headers().getValuesList("x-canary")).containsExactly("2", "1");
    }

    @Test
    void aRepeatedHeaderIsMatchedAsItsValuesJoinedWithCommas() throws Exception {
        assertThat(raw("/tiers", "X-Tier: gold", "X-Tier: silver")).startsWith("HTTP/1.1 200").endsWith("web GET /tiers");
        assertThat(raw("/tiers", "X-Tier: gold")).startsWith("HTTP/1.1 404");
    }

    @Test
    void aRequestNoRouteMatchesIsNotFound() throws Exception {
        HttpResponse<String> response = gateway.get("/nothing/here");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("no route for this request\n");
        assertThat(gateway.get("/static").statusCode()).isEqualTo(404);
    }

    @Test
    void theQueryReachesTheUpstream() throws Exception {
        gateway.get("/static/app.js?v=3&x=%20y");

        assertThat(web.last().path()).isEqualTo("/static/app.js");
        assertThat(Upstream.header(web.last(), "host")).isEqualTo(gateway.proxy("/").getAuthority());
    }

    /** {@code GET target} with these header lines, written to a socket as given; the raw response. */
    private static String raw(String target, String... headers) throws IOException {
        String request = "GET " + target + " HTTP/1.1\r\nHost: gw\r\n" + String.join("\r\n", headers)
                + "\r\nConnection: close\r\n\r\n";
        return RecordingUpstream.exchange(gateway.proxy("/").getPort(), request, Duration.ofSeconds(10));
    }
}
