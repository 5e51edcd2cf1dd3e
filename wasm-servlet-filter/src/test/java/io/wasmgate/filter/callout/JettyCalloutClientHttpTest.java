package io.wasmgate.filter.callout;

import static io.wasmgate.filter.callout.HttpOutcome.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wasmgate.abi.spi.Cancellable;
import io.wasmgate.abi.spi.HttpCallRequest;
import io.wasmgate.abi.spi.HttpCallResponse;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.abi.wire.HeaderField;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code proxy_http_call} as {@link JettyCalloutClient} sends it, against a real Jetty upstream on loopback. */
class JettyCalloutClientHttpTest {
    private HttpUpstream upstream;
    private JettyCalloutClient client;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = HttpUpstream.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        upstream.close();
    }

    private JettyCalloutClient start(Cluster... clusters) {
        client = JettyCalloutClient.start(List.of(clusters));
        return client;
    }

    /** A call to {@code cluster} with the pseudo-headers, then {@code headers} as name, value pairs. */
    static HttpCallRequest call(String cluster, String method, String path, String body, Duration timeout, String... headers) {
        List<HeaderField> fields = new ArrayList<>(List.of(new HeaderField(":method", method), new HeaderField(":path", path),
                new HeaderField(":authority", "authz.internal"), new HeaderField(":scheme", "https")));
        for (int i = 0; i < headers.length; i += 2) {
            fields.add(new HeaderField(headers[i], headers[i + 1]));
        }
        return new HttpCallRequest(cluster, fields, body.getBytes(StandardCharsets.UTF_8), List.of(), timeout);
    }

    private HttpOutcome send(HttpCallRequest request) {
        HttpOutcome outcome = new HttpOutcome();
        client.httpCall(request, outcome);
        return outcome;
    }

    @Test
    void aCallGetsStatusFirstThenHeadersBodyAndTrailers() {
        start(Cluster.of("authz", upstream.url()));

        HttpCallResponse response = send(call("authz", "POST", "/echo", "{\"q\":1}", Duration.ofSeconds(5), "x-user", "ana"))
                .response();

        assertThat(response.headers().get(0)).isEqualTo(new HeaderField(":status", "200"));
        assertThat(value(response.headers(), "x-method")).contains("POST");
        assertThat(value(response.headers(), "x-host")).as(":authority becomes Host").contains("authz.internal");
        assertThat(value(response.headers(), "x-user")).contains("ana");
        assertThat(value(response.headers(), "x-protocol")).contains("HTTP/1.1");
        assertThat(value(response.headers(), "x-content-length")).contains("7");
        assertThat(response.headers()).allSatisfy(field -> assertThat(field.name()).isLowerCase());
        assertThat(response.body()).asString().isEqualTo("{\"q\":1}");
        assertThat(response.trailers()).containsExactly(new HeaderField("x-trailer", "done"));
    }

    @Test
    void aCallCarriesNoHeaderThePluginDidNotGive() {
        start(Cluster.of("authz", upstream.url()));

        HttpCallResponse untyped = send(call("authz", "POST", "/echo", "{\"q\":1}", Duration.ofSeconds(5))).response();
        HttpCallResponse typed = send(call("authz", "POST", "/echo", "{\"q\":1}", Duration.ofSeconds(5),
                "content-type", "application/json")).response();

        assertThat(value(untyped.headers(), "x-content-type")).contains("null");
        assertThat(value(untyped.headers(), "x-user-agent")).contains("null");
        assertThat(value(typed.headers(), "x-content-type")).contains("application/json");
    }

    @Test
    void requestTrailersTravelOverHttp1WithAChunkedBody() {
        start(Cluster.of("authz", upstream.url()));
        HttpCallRequest request = withTrailer(call("authz", "POST", "/echo", "payload", Duration.ofSeconds(5)));

        HttpCallResponse response = send(request).response();

        assertThat(value(response.headers(), "x-request-trailer")).contains("abc");
        assertThat(value(response.headers(), "x-content-length")).contains("null");
        assertThat(response.body()).asString().isEqualTo("payload");
    }

    private static HttpCallRequest withTrailer(HttpCallRequest request) {
        return new HttpCallRequest(request.cluster(), request.headers(), request.body(),
                List.of(new HeaderField("x-checksum", "abc")), request.timeout());
    }

    @Test
    void aServerErrorIsAnAnswerNotAFailure() {
        start(Cluster.of("authz", upstream.url()));

        HttpCallResponse response = send(call("authz", "GET", "/status/500", "", Duration.ZERO)).response();

        assertThat(response.headers().get(0)).isEqualTo(new HeaderField(":status", "500"));
        assertThat(response.body()).asString().isEqualTo("boom");
        assertThat(response.trailers()).isEmpty();
    }

    @Test
    void aRefusedConnectionFailsWithConnectionRefused() throws Exception {
        start(Cluster.of("nobody", URI.create("http://127.0.0.1:" + unusedPort())));

        assertThat(send(call("nobody", "GET", "/", "", Duration.ofSeconds(5))).failure()).isEqualTo("connection refused");
    }

    @Test
    void aCallSlowerThanItsTimeoutFailsWithTimeout() {
        start(Cluster.of("authz", upstream.url()));

        assertThat(send(call("authz", "GET", "/slow?ms=1000", "", Duration.ofMillis(200))).failure()).isEqualTo("timeout");
    }

    @Test
    void aCallWithoutATimeoutGetsTheClustersTimeout() {
        start(new Cluster("authz", upstream.url(), false, Duration.ofSeconds(2), Duration.ofMillis(200), 4));

        assertThat(send(call("authz", "GET", "/slow?ms=1000", "", Duration.ZERO)).failure()).isEqualTo("timeout");
    }

    @Test
    void aSlowAnswerWithinTheTimeoutArrives() {
        start(Cluster.of("authz", upstream.url()));

        HttpCallResponse response = send(call("authz", "GET", "/slow?ms=300", "", Duration.ofSeconds(5))).response();

        assertThat(response.body()).asString().isEqualTo("slow");
    }

    @Test
    void anH2cClusterCarriesTheCallAndItsTrailersOverHttp2() {
        start(Cluster.http2("authz", upstream.url()));
        HttpCallRequest request = withTrailer(call("authz", "PUT", "/echo?x=1", "payload", Duration.ofSeconds(5), "x-user", "bo"));

        HttpCallResponse response = send(request).response();

        assertThat(response.headers().get(0)).isEqualTo(new HeaderField(":status", "200"));
        assertThat(value(response.headers(), "x-protocol")).contains("HTTP/2.0");
        assertThat(value(response.headers(), "x-method")).contains("PUT");
        assertThat(value(response.headers(), "x-host")).as(":authority").contains("authz.internal");
        assertThat(value(response.headers(), "x-content-length")).contains("7");
        assertThat(value(response.headers(), "x-user")).contains("bo");
        assertThat(value(response.headers(), "x-request-trailer")).contains("abc");
        assertThat(response.body()).asString().isEqualTo("payload");
        assertThat(response.trailers()).containsExactly(new HeaderField("x-trailer", "done"));
    }

    @Test
    void aConnectionClosedBeforeTheAnswerIsCompleteFailsWithReset() throws Exception {
        try (ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answerHalfAndReset = new Thread(() -> answerHalfAndReset(peer));
            answerHalfAndReset.start();
            start(Cluster.of("flaky", URI.create("http://127.0.0.1:" + peer.getLocalPort())));

            assertThat(send(call("flaky", "GET", "/", "", Duration.ofSeconds(5))).failure()).isEqualTo("reset");
            answerHalfAndReset.join(5_000);
        }
    }

    /** Reads one request head, promises 100 bytes, sends 7, then resets the connection (SO_LINGER 0). */
    private static void answerHalfAndReset(ServerSocket peer) {
        try (Socket socket = peer.accept()) {
            InputStream in = socket.getInputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            }
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoLinger(true, 0);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aCallThatGetsNoConnectionWithinTheConnectTimeoutFails() {
        start(new Cluster("narrow", upstream.url(), false, Duration.ofMillis(200), Duration.ofSeconds(10), 1));
        HttpOutcome holdsTheOnlyConnection = send(call("narrow", "GET", "/slow?ms=800", "", Duration.ZERO));

        HttpOutcome waits = send(call("narrow", "GET", "/echo", "", Duration.ZERO));

        assertThat(waits.failure()).isEqualTo("connect timeout");
        assertThat(holdsTheOnlyConnection.response().body()).asString().isEqualTo("slow");
    }

    @Test
    void aCallBeyondMaxPendingRequestsFailsAtOnceWithPendingOverflow() {
        start(new Cluster("narrow", upstream.url(), false, Duration.ofSeconds(10), Duration.ofSeconds(10), 1, 1));
        HttpOutcome holdsTheOnlyConnection = send(call("narrow", "GET", "/gated/1", "", Duration.ZERO));
        Poll.until("the first call at the upstream", () -> upstream.waiting() == 1);
        HttpOutcome waits = send(call("narrow", "GET", "/gated/2", "", Duration.ZERO));

        HttpOutcome over = send(call("narrow", "GET", "/gated/3", "", Duration.ZERO));

        assertThat(over.failure()).isEqualTo("pending overflow");
        upstream.openGate();
        assertThat(holdsTheOnlyConnection.response().body()).asString().isEqualTo("answer-1");
        assertThat(waits.response().body()).asString().isEqualTo("answer-2");
    }

    @Test
    void aCancelledCallIsAbortedAndReportsNothing() {
        start(Cluster.of("authz", upstream.url()));
        HttpOutcome outcome = new HttpOutcome();
        Cancellable call = client.httpCall(call("authz", "GET", "/slow?ms=500", "", Duration.ZERO), outcome);

        call.cancel();
        // A window past the upstream's 500 ms in which a report of the aborted call would show: none may come.
        Poll.pause(800);

        assertThat(outcome.reports()).isZero();
    }

    @Test
    void aBodyOfManyChunksArrivesWholeAndInOrder() {
        start(Cluster.of("authz", upstream.url()));
        StringBuilder large = new StringBuilder();
        for (int i = 0; large.length() < 300_000; i++) {
            large.append(i).append(',');
        }

        HttpCallResponse response = send(call("authz", "POST", "/echo", large.toString(), Duration.ofSeconds(10))).response();

        assertThat(response.body()).asString().isEqualTo(large.toString());
    }

    @Test
    void aBodyOverTheLimitFailsWithResponseTooLarge() {
        start(Cluster.of("authz", upstream.url()));

        HttpOutcome outcome = send(call("authz", "GET", "/big?bytes=" + (HttpCallExchange.MAX_RESPONSE_BODY + 1), "",
                Duration.ofSeconds(10)));

        assertThat(outcome.failure()).isEqualTo("response too large");
    }

    @Test
    void eachResponseIsReportedExactlyOnce() {
        start(Cluster.of("authz", upstream.url()));
        HttpOutcome ok = send(call("authz", "GET", "/answer/1", "", Duration.ofSeconds(5)));
        HttpOutcome failed = send(call("authz", "GET", "/slow?ms=800", "", Duration.ofMillis(100)));

        ok.response();
        failed.failure();
        // A window in which a second report of either call would show: none may come.
        Poll.pause(200);

        assertThat(ok.reports()).isOne();
        assertThat(failed.reports()).isOne();
    }

    @Test
    void onlyConfiguredClustersAreKnownAndOthersAreRefused() {
        start(Cluster.of("authz", upstream.url()));

        assertThat(client.hasCluster("authz")).isTrue();
        assertThat(client.hasCluster("other")).isFalse();
        assertThatThrownBy(() -> client.httpCall(call("other", "GET", "/", "", Duration.ZERO), new HttpOutcome()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other");
    }

    @Test
    void twoClustersWithOneNameAreRejected() {
        Cluster cluster = Cluster.of("authz", upstream.url());

        assertThatThrownBy(() -> start(cluster, cluster)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("authz");
    }

    /** A loopback port nothing listens on (bound, then released). */
    static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
