package io.wasmgate.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.server.WebServer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What a Spring Boot 3 application gets behind the filter, on the container of the module that runs it: every
 * request body passes the plugins (multipart uploads and bodies the application never reads included),
 * WebSocket upgrades work and can be refused, error pages are Boot's own and pass the plugins once, a
 * body-phase refusal keeps the other plugins' response edits, async and streamed responses arrive whole, and
 * callouts work on the libraries Boot manages.
 */
@SpringBootTest(classes = BootTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
public abstract class BootApplicationSpec {
    private static final String ACTION = "x-test-action";
    private static final String POLICY = WasmgateFilterConfiguration.POLICY_HEADER;
    /** Valid JSON that json-guard refuses: it lacks the required {@code name}. */
    private static final String NAMELESS = "{\"title\": \"untitled\"}";
    private static final String JSON_GUARD_ERROR = "\"error\":\"invalid_request\"";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * The same application without the filter for every path: its error pages untouched, and the
     * authorization filter alone on its path.
     */
    private static ConfigurableApplicationContext withoutFilter;
    private static AuthorizationService authorization;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    @LocalServerPort
    private int port;

    @Autowired
    private WebServerApplicationContext context;

    @Autowired
    private AtomicInteger uploads;

    @Autowired
    private ObjectMapper json;

    /** The embedded server this module must run on. */
    protected abstract Class<? extends WebServer> expectedWebServer();

    @DynamicPropertySource
    static void authorizationService(DynamicPropertyRegistry registry) {
        registry.add("wasmgate.authz-url", () -> authorization().url().toString());
    }

    @BeforeAll
    static void startWithoutFilter() {
        withoutFilter = new SpringApplicationBuilder(BootTestApplication.class)
                .properties("server.port=0", "wasmgate.enabled=false", "wasmgate.authz-url=" + authorization().url())
                .run();
    }

    @AfterAll
    static void stopOtherServers() {
        withoutFilter.close();
        authorization.close();
    }

    @Test
    void runsOnTheContainerOfThisModule() {
        assertThat(context.getWebServer()).isInstanceOf(expectedWebServer());
    }

    // Multipart uploads

    @Test
    void aBodyJsonGuardRefusesIsRefusedAsAMultipartUploadToo() throws Exception {
        assertRefusedByJsonGuard(send(request("/api/json").header("content-type", "text/plain")
                .POST(BodyPublishers.ofString(NAMELESS))));

        int before = uploads.get();
        byte[] upload = Multipart.file("file", "payload.json", "application/json",
                NAMELESS.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = send(request("/api/upload").header("content-type", Multipart.contentType())
                .POST(BodyPublishers.ofByteArray(upload)));

        assertRefusedByJsonGuard(response);
        assertThat(uploads.get()).as("uploads that reached the controller").isEqualTo(before);
    }

    @Test
    void aMultipartUploadPassesThePluginsLikeAnyBody() throws Exception {
        byte[] content = "{\"name\": \"Ada\"}".getBytes(StandardCharsets.UTF_8);
        byte[] upload = Multipart.file("file", "payload.json", "application/json", content);

        // PUT: json-guard checks POST only, and would refuse a multipart body as not JSON.
        HttpResponse<String> response = send(request("/api/upload").header(ACTION, "count-body")
                .header("content-type", Multipart.contentType())
                .PUT(BodyPublishers.ofByteArray(upload)));

        assertThat(response.statusCode()).as("status; body: %s", response.body()).isEqualTo(200);
        assertThat(json.readTree(response.body()).path("size").asLong()).as("file size the controller got")
                .isEqualTo(content.length);
        assertThat(number(response, "x-request-body-calls")).as("proxy_on_request_body calls").isPositive();
        assertThat(number(response, "x-request-body-bytes")).as("bytes the plugin saw: the whole multipart body")
                .isEqualTo(upload.length);
    }

    @Test
    void anOversizedChunkedMultipartUploadIsRefusedBeforeTheController() throws Exception {
        String large = "{\"name\": \"" + "x".repeat(200 * 1024) + "\"}";
        byte[] upload = Multipart.file("file", "large.json", "application/json", large.getBytes(StandardCharsets.UTF_8));
        int before = uploads.get();

        RawHttp.Response response = RawHttp.exchangeChunked(port, "POST", "/api/upload",
                List.of("Content-Type: " + Multipart.contentType()), upload);

        assertThat(response.status()).as("status of a %d-byte upload over json-guard's %d; body begins: %.100s",
                upload.length, WasmgateFilterConfiguration.GUARD_MAX_BODY_BYTES, response.text()).isIn(400, 413);
        if (response.status() == 400) {
            assertThat(response.text()).as("a 400 is json-guard's").contains(JSON_GUARD_ERROR);
        }
        assertThat(uploads.get()).as("uploads that reached the controller").isEqualTo(before);
    }

    // Bodies the application never reads

    @Test
    void aBodyTheApplicationNeverReadsStillPassesThePlugins() throws Exception {
        String body = "{\"name\": \"Ada\", \"note\": \"the application reads only the query\"}";

        HttpResponse<String> response = send(request("/api/query-only?q=1").header(ACTION, "count-body")
                .header("content-type", "application/json")
                .POST(BodyPublishers.ofString(body)));

        assertThat(response.statusCode()).as("status; body: %s", response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"q\":\"1\"}");
        assertThat(number(response, "x-request-body-calls")).as("proxy_on_request_body calls").isGreaterThanOrEqualTo(1);
        assertThat(number(response, "x-request-body-bytes")).as("bytes the plugin saw").isEqualTo(body.length());
    }

    @Test
    void jsonGuardRefusesABodyTheApplicationNeverReads() throws Exception {
        assertRefusedByJsonGuard(send(request("/api/query-only?q=1").header("content-type", "application/json")
                .POST(BodyPublishers.ofString(NAMELESS))));
    }

    // WebSocket

    /** The JDK client completes the handshake only on a valid 101 answer. */
    @Test
    void aWebSocketUpgradesThroughTheFilterAndEchoes() {
        Echo listener = new Echo();
        CompletableFuture<WebSocket> handshake = client.newWebSocketBuilder().buildAsync(webSocketUri(), listener);

        assertThat(handshake).as("the upgrade's handshake").succeedsWithin(TIMEOUT);
        WebSocket socket = handshake.join();
        socket.sendText("hello through the filter", true);

        assertThat(listener.received).as("the echo").succeedsWithin(TIMEOUT).isEqualTo("hello through the filter");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }

    @Test
    void aPluginRefusingTheUpgradeAnswers403AndNothingIsUpgraded() {
        CompletableFuture<WebSocket> handshake = client.newWebSocketBuilder().header(ACTION, "local-reply-403")
                .buildAsync(webSocketUri(), new Echo());

        assertThat(handshake).as("the refused handshake").failsWithin(TIMEOUT)
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(WebSocketHandshakeException.class, e ->
                        assertThat(e.getResponse().statusCode()).as("handshake status").isEqualTo(403));
    }

    // Error pages

    @ParameterizedTest(name = "{0} {1} answers {2}")
    @CsvSource({"GET, /api/nope, 404", "DELETE, /api/json, 405", "GET, /api/boom, 500"})
    void errorPagesAreBootsOwnAndPassThePluginsOnce(String method, String path, int status) throws Exception {
        HttpResponse<String> plain = send(errorRequest(port(withoutFilter), method, path));
        HttpResponse<String> filtered = send(errorRequest(port, method, path));

        assertThat(plain.statusCode()).as("status without the filter").isEqualTo(status);
        JsonNode expected = withoutTimestamp(plain.body());
        JsonNode actual = withoutTimestamp(filtered.body());
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(filtered.statusCode()).as("status through the filter").isEqualTo(status);
            softly.assertThat(actual).as("error body through the filter (%s), timestamp aside", filtered.body())
                    .isEqualTo(expected);
            softly.assertThat(filtered.headers().allValues(POLICY)).as("%s values: the response plugins ran once", POLICY)
                    .containsExactly("on");
            softly.assertThat(filtered.headers().allValues("x-request-body-calls")).as("test-actions' response headers")
                    .hasSize(1);
        });
    }

    // Refusals in the body phase

    @Test
    void aBodyPhaseRefusalKeepsTheOtherPluginsResponseEditsAndTheConnection(CapturedOutput output) throws Exception {
        int logged = output.getAll().length();
        RawHttp.Response response = RawHttp.exchange(port, "POST", "/api/json", List.of("Content-Type: application/json"),
                NAMELESS.getBytes(StandardCharsets.UTF_8));
        RawHttp.Response plainBadRequest = RawHttp.exchange(port(withoutFilter), "POST", "/api/json",
                List.of("Content-Type: application/json"), "{not json".getBytes(StandardCharsets.UTF_8));

        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(response.status()).as("status; body: %s", response.text()).isEqualTo(400);
            softly.assertThat(response.text()).contains(JSON_GUARD_ERROR);
            softly.assertThat(response.values(POLICY)).as(POLICY).containsExactly("on");
            // Tomcat closes the connection after any 400 of its own (its statusDropsConnection): the filter
            // must not close one the container keeps, so compare with a 400 of the plain application.
            softly.assertThat(response.values("connection")).as("Connection header, as the container's own 400 has it")
                    .isEqualTo(plainBadRequest.values("connection"));
            softly.assertThat(output.getAll().substring(logged).lines()
                    .filter(line -> line.contains("WARN") && line.contains("committed")))
                    .as("warnings about a committed response").isEmpty();
        });
    }

    // Async and streamed responses

    @Test
    void aDeferredResultCompletesThroughTheFilter() throws Exception {
        HttpResponse<String> response = send(request("/api/deferred").GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"deferred\":true}");
        assertThat(response.headers().allValues(POLICY)).containsExactly("on");
    }

    @Test
    void aStreamingResponseBodyReachesTheClientWhole() throws Exception {
        HttpResponse<String> response = send(request("/api/stream").GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(IntStream.range(0, ApiController.STREAM_CHUNKS)
                .mapToObj(i -> "chunk-" + i + "\n").collect(Collectors.joining()));
        assertThat(response.headers().allValues(POLICY)).containsExactly("on");
    }

    // Callouts

    /** Boot manages the Jetty client the filter's callouts use, whatever the container. */
    @Test
    void aCalloutThroughAClusterReachesItsService() throws Exception {
        assertAuthorized(send(HttpRequest.newBuilder(URI.create("http://localhost:" + port(withoutFilter)
                + WasmgateFilterConfiguration.CHECKED_PATH)).timeout(TIMEOUT).GET()));
    }

    /** A second filter is how a Boot application gives one path plugins of its own. */
    @Test
    void aFilterForOnePathRunsItsPluginsBehindTheFilterForEveryPath() throws Exception {
        HttpResponse<String> response = send(request(WasmgateFilterConfiguration.CHECKED_PATH).GET());

        assertAuthorized(response);
        assertThat(response.headers().allValues(POLICY)).containsExactly("on");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(TIMEOUT);
    }

    /** Asks test-actions to report its body callbacks, so its response headers show how often it ran. */
    private static HttpRequest.Builder errorRequest(int port, String method, String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(TIMEOUT)
                .header(ACTION, "count-body")
                .header("accept", "application/json")
                .method(method, BodyPublishers.noBody());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), BodyHandlers.ofString());
    }

    private URI webSocketUri() {
        return URI.create("ws://localhost:" + port + "/ws");
    }

    /** Started by whichever context needs it first: JUnit and Spring decide which comes first. */
    private static synchronized AuthorizationService authorization() {
        if (authorization == null) {
            try {
                authorization = AuthorizationService.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return authorization;
    }

    private static int port(ConfigurableApplicationContext application) {
        return ((WebServerApplicationContext) application).getWebServer().getPort();
    }

    private JsonNode withoutTimestamp(String body) throws IOException {
        JsonNode node = json.readTree(body);
        if (node instanceof ObjectNode object) {
            object.remove("timestamp");
        }
        return node;
    }

    private static long number(HttpResponse<?> response, String header) {
        assertThat(response.headers().firstValue(header)).as("response header %s", header).isPresent();
        return Long.parseLong(response.headers().firstValue(header).orElseThrow());
    }

    private static void assertRefusedByJsonGuard(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("status; body: %s", response.body()).isEqualTo(400);
        assertThat(response.body()).as("json-guard's refusal").contains(JSON_GUARD_ERROR);
    }

    private static void assertAuthorized(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("status; body: %s", response.body()).isEqualTo(200);
        assertThat(response.body()).as("the user the authorization service named")
                .isEqualTo("{\"user\":\"" + AuthorizationService.USER + "\"}");
    }

    /** Collects the first text message, whole. */
    private static final class Echo implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final CompletableFuture<String> received = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.complete(text.toString());
            }
            socket.request(1);
            return null;
        }
    }
}
