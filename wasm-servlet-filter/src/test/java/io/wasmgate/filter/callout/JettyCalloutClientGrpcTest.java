package io.wasmgate.filter.callout;

import static io.wasmgate.filter.callout.HttpOutcome.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Deadline;
import io.wasmgate.abi.spi.GrpcCallRequest;
import io.wasmgate.abi.spi.GrpcStream;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.abi.wire.HeaderField;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** gRPC calls as {@link JettyCalloutClient} makes them, against a real grpc-java server on loopback. */
class JettyCalloutClientGrpcTest {
    private GrpcUpstream upstream;
    private JettyCalloutClient client;

    @BeforeEach
    void start() throws Exception {
        upstream = GrpcUpstream.start();
        client = JettyCalloutClient.start(List.of(Cluster.http2("grpc", upstream.url())));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        upstream.close();
    }

    private static GrpcCallRequest call(String cluster, String method, Duration timeout) {
        return new GrpcCallRequest(cluster, GrpcUpstream.SERVICE, method, List.of(new HeaderField("x-tenant", "acme")), timeout);
    }

    /** Opens {@code method} on the grpc-java server, sends {@code message} and half-closes, as the host does for unary calls. */
    private GrpcEvents unary(String method, String message, Duration timeout) {
        GrpcEvents events = new GrpcEvents();
        client.grpcCall(call("grpc", method, timeout), events).send(bytes(message), true);
        return events;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aUnaryCallRoundTripsItsMessageAndMetadata() {
        GrpcEvents events = unary("Unary", "ping", Duration.ofSeconds(5));

        assertThat(events.awaitClose()).isEqualTo(new GrpcStatus(0, ""));
        assertThat(events.events).containsExactly("initial", "message", "trailing", "close:0");
        assertThat(events.texts()).containsExactly("echo:ping");
        assertThat(upstream.requestMetadata.get(0).get(GrpcUpstream.TENANT)).isEqualTo("acme");
        assertThat(value(events.initialMetadata, "x-server-initial")).contains("hello");
        assertThat(value(events.initialMetadata, "content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/grpc"));
        assertThat(events.initialMetadata).noneMatch(field -> field.name().startsWith(":"));
        assertThat(value(events.trailingMetadata, "x-server-trailer")).contains("bye");
        assertThat(value(events.trailingMetadata, "grpc-status")).contains("0");
    }

    @Test
    void theCallsTimeoutTravelsAsGrpcTimeout() {
        unary("Unary", "ping", Duration.ofSeconds(5)).awaitClose();

        Deadline deadline = upstream.deadlines.get(0);
        assertThat(deadline).isNotNull();
        assertThat(deadline.timeRemaining(TimeUnit.MILLISECONDS)).isBetween(1L, 5_000L);
    }

    @Test
    void aServerStreamDeliversEveryMessageInOrderThenClosesOk() {
        GrpcEvents events = unary("ServerStream", "4", Duration.ZERO);

        assertThat(events.awaitClose().code()).isZero();
        assertThat(events.texts()).containsExactly("msg-0", "msg-1", "msg-2", "msg-3");
        assertThat(events.events).containsExactly("initial", "message", "message", "message", "message", "trailing", "close:0");
    }

    @Test
    void messagesLargerThanAnHttp2FrameArriveWhole() {
        GrpcEvents events = unary("ServerStream", "3:100000", Duration.ZERO);

        assertThat(events.awaitClose().code()).isZero();
        assertThat(events.messages).hasSize(3).allSatisfy(message -> assertThat(message).hasSize(100_000));
    }

    @Test
    void messagesAreStreamedAsTheHostSendsThemUntilItHalfCloses() {
        GrpcEvents events = new GrpcEvents();
        GrpcStream stream = client.grpcCall(call("grpc", "Collect", Duration.ZERO), events);

        stream.send(bytes("a"), false);
        stream.send(bytes("b"), false);
        // Part of the scenario: the third message comes a while later on the still open stream.
        Poll.pause(100);
        stream.send(bytes("c"), false);
        stream.halfClose();

        assertThat(events.awaitClose().code()).isZero();
        assertThat(events.texts()).containsExactly("a,b,c");
    }

    @Test
    void aFailingMethodClosesWithItsStatusAndItsDecodedMessage() {
        GrpcEvents events = unary("Fail", "x", Duration.ZERO);

        assertThat(events.awaitClose()).isEqualTo(new GrpcStatus(7, GrpcUpstream.FAILURE_MESSAGE));
        assertThat(events.events).as("a trailers-only answer: no initial metadata").containsExactly("trailing", "close:7");
        assertThat(value(events.trailingMetadata, "x-server-trailer")).contains("bye");
    }

    @Test
    void anUnknownMethodIsUnimplemented() {
        assertThat(unary("NoSuchMethod", "x", Duration.ZERO).awaitClose().code()).isEqualTo(12);
    }

    @Test
    void aCallPastItsDeadlineIsDeadlineExceeded() {
        assertThat(unary("Hang", "x", Duration.ofMillis(300)).awaitClose().code()).isEqualTo(4);
    }

    @Test
    void cancellingResetsTheStreamAndReportsNothing() throws Exception {
        GrpcEvents events = new GrpcEvents();
        GrpcStream stream = client.grpcCall(call("grpc", "Hang", Duration.ZERO), events);
        stream.send(bytes("x"), true);
        assertThat(upstream.hanging.await(5, TimeUnit.SECONDS)).as("the server waits").isTrue();

        stream.cancel();

        assertThat(upstream.cancelled.await(5, TimeUnit.SECONDS)).as("the server saw the cancel").isTrue();
        // A window in which a late report would show: none may come.
        Poll.pause(200);
        assertThat(events.events).isEmpty();
    }

    @Test
    void aRefusedConnectionIsUnavailable() throws Exception {
        client.close();
        client = JettyCalloutClient.start(List.of(Cluster.http2("grpc", URI.create("http://127.0.0.1:"
                + JettyCalloutClientHttpTest.unusedPort()))));

        GrpcStatus close = unary("Unary", "x", Duration.ofSeconds(5)).awaitClose();

        assertThat(close).isEqualTo(new GrpcStatus(14, "connection refused"));
    }

    @Test
    void aClusterWithoutHttp2ClosesTheCallAsUnavailable() {
        client.close();
        client = JettyCalloutClient.start(List.of(Cluster.of("grpc", upstream.url())));

        GrpcStatus close = unary("Unary", "x", Duration.ZERO).awaitClose();

        assertThat(close.code()).isEqualTo(14);
        assertThat(close.message()).contains("http2");
    }

    @Test
    void anHttpAnswerThatIsNotGrpcMapsByItsStatus() throws Exception {
        try (HttpUpstream web = HttpUpstream.start()) {
            client.close();
            client = JettyCalloutClient.start(List.of(Cluster.http2("grpc", web.url())));

            GrpcEvents events = unary("Unary", "x", Duration.ofSeconds(5));

            assertThat(events.awaitClose()).isEqualTo(new GrpcStatus(12, "HTTP status code 404"));
            assertThat(events.events).containsExactly("close:12");
        }
    }

    @Test
    void grpcTimeoutUsesMillisecondsWhileTheyFitInEightDigits() {
        assertThat(GrpcCallExchange.grpcTimeout(Duration.ofMillis(250))).isEqualTo("250m");
        assertThat(GrpcCallExchange.grpcTimeout(Duration.ofNanos(10))).isEqualTo("1m");
        assertThat(GrpcCallExchange.grpcTimeout(Duration.ofHours(27))).isEqualTo("97200000m");
        assertThat(GrpcCallExchange.grpcTimeout(Duration.ofDays(2))).isEqualTo("172800S");
        assertThat(GrpcCallExchange.grpcTimeout(Duration.ofDays(5000))).isEqualTo("120000H");
    }
}
