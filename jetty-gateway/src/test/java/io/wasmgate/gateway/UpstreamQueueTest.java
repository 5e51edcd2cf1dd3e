package io.wasmgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.testing.CapturedStderr;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.gateway.testing.GatewayFixture;
import io.wasmgate.gateway.testing.HoldingUpstream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A cluster's request queue: requests beyond max_connections wait, at most max_pending_requests of them, never forever. */
class UpstreamQueueTest {
    private static final int OVER = 3;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "http2: {0}")
    @ValueSource(booleans = {false, true})
    void requestsBeyondMaxPendingRequestsAreAnswered503CountedAndLogged(boolean http2) throws Exception {
        try (CapturedStderr log = CapturedStderr.start();
                HoldingUpstream upstream = HoldingUpstream.start();
                GatewayFixture gateway = GatewayFixture.start(dir, GatewayFixture.PORTS + """
                        log_plugins:
                          - { name: access, module: { file: policies/access-log.wasm }, configuration: { format: json }, instances: 1 }
                        clusters:
                          - { name: held, url: "%s", http2: %s, max_connections: 1, max_pending_requests: 2, timeout: 0s }
                        routes:
                          - { match: { prefix: / }, cluster: held, log_plugins: [ access ] }
                        """.formatted(upstream.uri(), http2))) {
            CompletableFuture<HttpResponse<String>> first = send(gateway, "/first");
            upstream.awaitArrivals(1);

            List<CompletableFuture<HttpResponse<String>>> burst = IntStream.range(0, 2 + OVER)
                    .mapToObj(i -> send(gateway, "/burst/" + i)).toList();
            CountDownLatch answered = new CountDownLatch(OVER);
            burst.forEach(response -> response.whenComplete((r, e) -> answered.countDown()));
            assertThat(answered.await(10, TimeUnit.SECONDS)).as("the requests over the queue are answered while it is full").isTrue();

            List<HttpResponse<String>> refused = burst.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
            assertThat(refused).hasSize(OVER).allSatisfy(response -> {
                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(response.body()).isEqualTo("upstream_pending_overflow\n");
            });
            Prometheus metrics = Prometheus.parse(gateway.adminGet("/stats/prometheus").body());
            assertThat(metrics.value("wasmgate_upstream_pending_overflow_total", "cluster", "held")).hasValue((double) OVER);

            upstream.release();
            assertThat(first.join().body()).isEqualTo("held /first");
            List<HttpResponse<String>> queued = burst.stream().map(CompletableFuture::join).filter(r -> r.statusCode() != 503).toList();
            assertThat(queued).hasSize(2).allSatisfy(response -> {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).startsWith("held /burst/");
            });
            Poll.until("an access-log line per request", () -> accessLines(log).size() == 1 + burst.size());
            assertThat(accessLines(log)).filteredOn(line -> line.contains("\"status\":503"))
                    .hasSize(OVER).allSatisfy(line -> assertThat(line).contains("\"details\":\"upstream_pending_overflow\""));
            // The first refusal logs at once, with the refusals counted by then: others of the burst may have
            // raced in before it read the count.
            Matcher warning = Pattern.compile("WARN io\\.wasmgate\\.gateway\\.proxy\\.PendingOverflow - cluster 'held': "
                    + "(\\d+) request\\(s\\) answered 503 upstream_pending_overflow").matcher(log.text());
            assertThat(warning.find()).as(log.text()).isTrue();
            assertThat(Integer.parseInt(warning.group(1))).isBetween(1, OVER);
        }
    }

    @Test
    void aRequestWaitingLongerThanConnectTimeoutIsAnswered503EvenWithoutATotalTimeout() throws Exception {
        try (HoldingUpstream upstream = HoldingUpstream.start();
                GatewayFixture gateway = GatewayFixture.start(dir, GatewayFixture.PORTS + """
                        clusters:
                          - { name: held, url: "%s", max_connections: 1, connect_timeout: 200ms, timeout: 0s }
                        routes:
                          - { match: { prefix: / }, cluster: held }
                        """.formatted(upstream.uri()))) {
            CompletableFuture<HttpResponse<String>> first = send(gateway, "/first");
            upstream.awaitArrivals(1);

            HttpResponse<String> queued = send(gateway, "/queued").get(10, TimeUnit.SECONDS);

            assertThat(queued.statusCode()).isEqualTo(503);
            assertThat(queued.body()).isEqualTo("upstream_connect_timeout\n");
            Prometheus metrics = Prometheus.parse(gateway.adminGet("/stats/prometheus").body());
            assertThat(metrics.value("wasmgate_upstream_pending_overflow_total", "cluster", "held")).as("not an overflow").hasValue(0.0);
            upstream.release();
            assertThat(first.join().statusCode()).isEqualTo(200);
        }
    }

    /** The access log plugin's lines in {@code log}. */
    private static List<String> accessLines(CapturedStderr log) {
        return log.lines().stream().filter(line -> line.contains("wasmgate.plugin.access") && line.contains("\"status\":")).toList();
    }

    private static CompletableFuture<HttpResponse<String>> send(GatewayFixture gateway, String path) {
        return gateway.client().sendAsync(HttpRequest.newBuilder(gateway.proxy(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
