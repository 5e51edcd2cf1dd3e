package io.wasmgate.examples.starter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.server.WebServer;

/**
 * The example application through real HTTP, whatever embedded container the classpath brings: subclasses
 * name the one they expect. Metrics are exported as in production (tests export none by default).
 */
@AutoConfigureObservability(tracing = false)
@SpringBootTest(classes = StarterExampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class StarterApplicationSpec {
    /** Alice's key in wasmgate.yaml. */
    public static final String KEY = "k-alice-0123456789";

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private WebServerApplicationContext context;

    protected abstract Class<? extends WebServer> expectedWebServer();

    @Test
    void runsOnTheExpectedContainer() {
        assertThat(context.getWebServer()).isInstanceOf(expectedWebServer());
    }

    @Test
    void aKnownKeyReachesTheApplicationAndTheResponseCarriesThePolicysHeader() throws Exception {
        HttpResponse<String> response = get("/api/hello", KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello, alice");
        assertThat(response.headers().firstValue("x-policy")).hasValue("on");
        assertThat(response.headers().firstValue("x-frame-options")).hasValue("DENY");
    }

    @Test
    void aRequestWithoutAKeyIsDeniedBeforeTheApplication() throws Exception {
        HttpResponse<String> response = get("/api/hello", null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("missing API key").doesNotContain("hello");
        assertThat(response.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("ApiKey"));
    }

    @Test
    void pathsOutsideTheUrlPatternsDoNotPassThePlugins() throws Exception {
        HttpResponse<String> response = get("/actuator/health", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-policy")).isEmpty();
    }

    @Test
    void prometheusShowsTheHostsMetersAndThePluginsOwn() throws Exception {
        get("/api/hello", KEY);

        HttpResponse<String> scrape = get("/actuator/prometheus", null);

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body())
                .contains("wasmgate_vm_active{plugin=\"api-key\"}")
                .contains("wasmgate_vm_active{plugin=\"metrics\"}")
                .contains("route_requests_hello_2xx_total{plugin=\"metrics\"}");
    }

    @Test
    void aPathWithParametersIsCountedUnderThePathTheApplicationServesIt() throws Exception {
        double before = helloRequests();

        HttpResponse<String> response = get("/api;v=1/hello;jsessionid=0A1B", KEY);

        // The container serves it as /api/hello; the plugins see that path, so the metrics policy's exact
        // route takes it, as a policy guarding /api/hello would.
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello, alice");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (helloRequests() < before + 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(helloRequests()).isEqualTo(before + 1);
    }

    /** {@code route_requests_hello_2xx_total} as Prometheus shows it now. */
    private double helloRequests() throws IOException, InterruptedException {
        String series = "route_requests_hello_2xx_total{plugin=\"metrics\"} ";
        return get("/actuator/prometheus", null).body().lines().filter(line -> line.startsWith(series))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length()))).findFirst().orElseThrow();
    }

    @Test
    void healthReportsEachPluginsState() throws Exception {
        HttpResponse<String> response = get("/actuator/health", null);

        JsonNode wasmgate = new ObjectMapper().readTree(response.body()).path("components").path("wasmgate");
        assertThat(wasmgate.path("status").asText()).isEqualTo("UP");
        JsonNode plugins = wasmgate.path("details").path("plugins");
        assertThat(plugins.path("api-key").path("state").asText()).isEqualTo("ok");
        assertThat(plugins.path("headers").path("state").asText()).isEqualTo("ok");
        assertThat(plugins.path("metrics").path("role").asText()).isEqualTo("log_plugin");
    }

    private HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (key != null) {
            request.header("x-api-key", key);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
