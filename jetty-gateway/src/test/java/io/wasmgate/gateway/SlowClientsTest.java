package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wasmgate.abi.testing.Poll;
import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Slow clients cannot starve anyone else: uploads trickled through a body plugin and request heads trickled
 * slowloris-style, each more than the proxy has threads, keep neither another route nor the admin from
 * answering; the trickled uploads are turned away (503 over the route's limit) or ended (408) instead of
 * holding their route for ever. Platform threads only, as on Java 17, with a small pool to keep it bounded;
 * one test checks that on Java 21+ virtual threads free the platform pool of trickled uploads altogether.
 */
class SlowClientsTest {
    private static final int PROXY_THREADS = 16;
    private static final int UPLOAD_LIMIT = 6;
    private static final int NO_LIMIT = 0;
    private static final int UPLOADERS = 24;
    private static final int SLOWLORIS = 24;
    private static final int HEALTH_REQUESTS = 100;
    /** How long a slow client waits between two bytes. */
    private static final Duration PACE = Duration.ofMillis(500);
    /** The most any client of this test waits for an answer. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final ExecutorService slowClients = Executors.newCachedThreadPool();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeSlowClients() throws IOException {
        synchronized (sockets) {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        slowClients.shutdownNow();
    }

    @Test
    void anotherRouteAndTheAdminKeepAnsweringWhileTrickledUploadsAndHeadsOutnumberTheProxyThreads() throws Exception {
        try (Upstream upstream = Upstream.start("backend");
                GatewayFixture gateway = GatewayFixture.start(dir, gatewayYaml(upstream.uri(), UPLOAD_LIMIT, "2s"))) {
            List<CompletableFuture<String>> uploads = new ArrayList<>();
            for (int i = 0; i < UPLOADERS; i++) {
                uploads.add(slowUpload(gateway.proxy("/upload?n=" + i), "upload"));
            }
            for (int i = 0; i < SLOWLORIS; i++) {
                slowHead(gateway.proxy("/health/slowloris"));
            }
            Poll.until("the uploads over the limit to be refused", PATIENCE, () -> uploads.stream().filter(u -> "503".equals(u.getNow(null))).count()
                    == UPLOADERS - UPLOAD_LIMIT);

            List<CompletableFuture<HttpResponse<String>>> health = new ArrayList<>();
            for (int i = 0; i < HEALTH_REQUESTS; i++) {
                health.add(gateway.client().sendAsync(HttpRequest.newBuilder(gateway.proxy("/health/" + i)).timeout(PATIENCE).build(),
                        HttpResponse.BodyHandlers.ofString()));
                // Part of the scenario: the health requests arrive one after another, not as one burst.
                Thread.sleep(10);
            }
            HttpResponse<String> ready = gateway.adminGet("/ready");

            assertThat(CompletableFuture.allOf(health.toArray(CompletableFuture[]::new)))
                    .succeedsWithin(PATIENCE);
            assertThat(health).extracting(CompletableFuture::join).allSatisfy(response -> {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).startsWith("backend GET /health/");
            });
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new))).succeedsWithin(PATIENCE);
            assertThat(uploads).extracting(CompletableFuture::join)
                    .as("over the route's limit: 503 at once; within it: 408 once the body is overdue")
                    .containsOnly("503", "408")
                    .filteredOn("408"::equals).hasSize(UPLOAD_LIMIT);
            Prometheus metrics = Prometheus.parse(gateway.adminGet("/stats/prometheus").body());
            assertThat(metrics.value("wasmgate_gateway_route_concurrency_limited_total", "route", "upload"))
                    .hasValue((double) (UPLOADERS - UPLOAD_LIMIT));
        }
    }

    @ParameterizedTest(name = "through the body plugin: {0}")
    @ValueSource(booleans = {true, false})
    void anUploadOverItsBodyDeadlineIsAnswered408AndGivesItsPlaceOnTheRouteBack(boolean bodyPlugin) throws Exception {
        String route = bodyPlugin ? "upload" : "plain";
        try (Upstream upstream = Upstream.start("backend");
                GatewayFixture gateway = GatewayFixture.start(dir, gatewayYaml(upstream.uri(), 1, "2s"))) {
            assertThat(slowUpload(gateway.proxy("/upload?n=slow"), route)).succeedsWithin(PATIENCE).isEqualTo("408");
            // The client reads its 408 a moment before the exchange ends; the end gives the place back, then
            // records the request.
            Poll.until("the slow upload's exchange to end", () -> Prometheus.parse(gateway.adminGet("/stats/prometheus").body())
                    .value("wasmgate_gateway_requests_seconds_count", "route", route, "status", "408").isPresent());

            HttpResponse<String> upload = gateway.send(HttpRequest.newBuilder(gateway.proxy("/upload?n=fast"))
                    .header("x-test-action", "count-body").header("x-route", route)
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1000))).build());

            assertThat(upload.statusCode()).isEqualTo(200);
            assertThat(upload.body()).startsWith("1000 ");
            Prometheus metrics = Prometheus.parse(gateway.adminGet("/stats/prometheus").body());
            assertThat(metrics.value("wasmgate_gateway_requests_seconds_count", "route", route, "status", "408")).hasValue(1.0);
        }
    }

    @ParameterizedTest(name = "through the body plugin: {0}")
    @ValueSource(booleans = {true, false})
    void theDeadlineCoversTheBodyNotTheExchangeABodyThatArrivedInTimeWaitsForASlowUpstream(boolean bodyPlugin)
            throws Exception {
        try (Upstream upstream = Upstream.start("backend");
                GatewayFixture gateway = GatewayFixture.start(dir, """
                        listen: { host: 127.0.0.1, port: 0, request_body_timeout: 1s, min_request_data_rate: 0 }
                        admin: { host: 127.0.0.1, port: 0 }
                        plugins:
                          - { name: actions, module: { file: policies/test-actions.wasm } }
                        clusters:
                          - { name: backend, url: "%s" }
                        routes:
                          - { match: { prefix: /slow }, cluster: backend, plugins: [ %s ] }
                        """.formatted(upstream.uri(), bodyPlugin ? "actions" : ""))) {
            HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.proxy("/slow?ms=2000"))
                    .header("x-test-action", "count-body").POST(HttpRequest.BodyPublishers.ofString("hello")).build());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("slow done");
        }
    }

    /** Without a route limit the uploads take every proxy thread and queue for more; the admin has its own. */
    @Test
    void theAdminAnswersWhileTrickledUploadsHoldEveryProxyThread() throws Exception {
        try (Upstream upstream = Upstream.start("backend");
                GatewayFixture gateway = GatewayFixture.start(dir, gatewayYaml(upstream.uri(), NO_LIMIT, "5s"))) {
            List<CompletableFuture<String>> uploads = new ArrayList<>();
            for (int i = 0; i < UPLOADERS; i++) {
                uploads.add(slowUpload(gateway.proxy("/upload?n=" + i), "upload"));
            }
            Poll.until("every Jetty thread busy with a job queued", PATIENCE, () -> {
                Prometheus metrics = Prometheus.parse(gateway.adminGet("/stats/prometheus").body());
                return metrics.value("jetty_threads_idle").orElseThrow() == 0 && metrics.value("jetty_threads_jobs").orElseThrow() > 0;
            });

            HttpResponse<String> ready = gateway.adminGet("/ready");
            HttpResponse<String> plugins = gateway.adminGet("/plugins");

            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(plugins.statusCode()).isEqualTo(200);
            assertThat(CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new))).succeedsWithin(PATIENCE);
            assertThat(uploads).extracting(CompletableFuture::join).as("every trickled upload is ended").containsOnly("408");
        }
    }

    /** Where the JDK has virtual threads, a trickled upload holds none of the platform pool: no route limit is needed. */
    @Test
    void onVirtualThreadsTrickledUploadsOutnumberingThePlatformThreadsLeaveAnotherRouteAnswering() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21 or later");
        int uploaders = 3 * PROXY_THREADS;
        try (Upstream upstream = Upstream.start("backend");
                GatewayFixture gateway = GatewayFixture.start(dir, gatewayYaml(upstream.uri(), NO_LIMIT, "5s")
                        .replace("virtual_threads: false", "virtual_threads: true"))) {
            List<CompletableFuture<String>> uploads = new ArrayList<>();
            for (int i = 0; i < uploaders; i++) {
                uploads.add(slowUpload(gateway.proxy("/upload?n=" + i), "upload"));
            }
            Poll.until("every upload at the upstream", PATIENCE, () -> upstream.received().size() == uploaders);

            List<CompletableFuture<HttpResponse<String>>> health = new ArrayList<>();
            for (int i = 0; i < HEALTH_REQUESTS; i++) {
                health.add(gateway.client().sendAsync(HttpRequest.newBuilder(gateway.proxy("/health/" + i)).timeout(PATIENCE).build(),
                        HttpResponse.BodyHandlers.ofString()));
                // Part of the scenario: the health requests arrive one after another, not as one burst.
                Thread.sleep(10);
            }

            assertThat(CompletableFuture.allOf(health.toArray(CompletableFuture[]::new))).succeedsWithin(PATIENCE);
            assertThat(health).extracting(CompletableFuture::join).allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(200));
            assertThat(gateway.adminGet("/ready").statusCode()).isEqualTo(200);
            assertThat(CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new))).succeedsWithin(PATIENCE);
            assertThat(uploads).extracting(CompletableFuture::join).containsOnly("408");
        }
    }

    /**
     * The gateway of these tests: few proxy threads, no virtual threads, bodies due within {@code bodyTimeout}
     * (plus a second per 100 bytes), the upload routes limited to {@code uploadLimit} requests at once. The
     * cluster's timeouts are longer than the body's: its connect_timeout clock runs while a body plugin holds
     * the upstream request, and its 503 or 504 would otherwise race the 408 under test.
     */
    private static String gatewayYaml(URI upstream, int uploadLimit, String bodyTimeout) {
        return """
                listen: { host: 127.0.0.1, port: 0, max_threads: %d, virtual_threads: false,
                          request_body_timeout: %s, min_request_data_rate: 100 }
                admin: { host: 127.0.0.1, port: 0 }
                plugins:
                  - { name: actions, module: { file: policies/test-actions.wasm } }
                clusters:
                  - { name: backend, url: "%s", timeout: 30s, connect_timeout: 20s }
                routes:
                  - { name: plain, match: { prefix: /upload, headers: { x-route: plain } }, cluster: backend%s }
                  - { name: upload, match: { prefix: /upload }, cluster: backend, plugins: [ actions ]%s }
                  - { name: health, match: { prefix: /health }, cluster: backend }
                """.formatted(PROXY_THREADS, bodyTimeout, upstream, limit(uploadLimit), limit(uploadLimit));
    }

    private static String limit(int uploadLimit) {
        return uploadLimit == NO_LIMIT ? "" : ", max_concurrent_requests: " + uploadLimit;
    }

    /**
     * A client that declares a 1000-byte body (for the body plugin, on the route named in {@code x-route}) and
     * sends a byte of it every {@link #PACE}; completes with the status code it is answered, once the answer starts.
     */
    private CompletableFuture<String> slowUpload(URI target, String route) {
        String head = "POST " + target.getRawPath() + "?" + target.getRawQuery() + " HTTP/1.1\r\nHost: gw\r\n"
                + "x-test-action: count-body\r\nx-route: " + route + "\r\nContent-Length: 1000\r\n\r\n";
        return CompletableFuture.supplyAsync(() -> trickle(target, head, 'x'), slowClients);
    }

    /** A slowloris client: a request head that never ends, a byte of it every {@link #PACE}, until the test ends. */
    private void slowHead(URI target) {
        String head = "GET " + target.getPath() + " HTTP/1.1\r\nHost: gw\r\nx-slow: ";
        CompletableFuture.supplyAsync(() -> trickle(target, head, 'a'), slowClients);
    }

    /** Sends {@code head}, then {@code trickle} every {@link #PACE}; returns the answer's status code once it starts. */
    private String trickle(URI target, String head, char trickle) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), target.getPort())) {
            synchronized (sockets) {
                sockets.add(socket);
            }
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            long end = System.nanoTime() + PATIENCE.toNanos();
            socket.setSoTimeout((int) PACE.toMillis());
            // Part of the scenario, not a wait: the slow client sends a byte every PACE until answered.
            while (System.nanoTime() < end) {
                out.write(trickle);
                out.flush();
                try {
                    int first = in.read();
                    socket.setSoTimeout((int) PATIENCE.toMillis());
                    return first < 0 ? "closed" : statusCode(first, in);
                } catch (SocketTimeoutException e) {
                    // no answer yet: the next byte
                }
            }
            return "no answer";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The status code of a status line whose first byte was {@code first}. */
    private static String statusCode(int first, InputStream in) throws IOException {
        StringBuilder line = new StringBuilder().append((char) first);
        for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString().split(" ")[1];
    }
}
