package io.wasmgate.filter.callout;

import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_BUFFER_BYTES;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_HEADER_MAP_PAIRS;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_STATUS;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GRPC_CALL;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GRPC_SEND;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GRPC_STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Modules;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import io.wasmgate.abi.wire.HeaderField;
import io.wasmgate.abi.wire.HeaderPairsCodec;
import io.wasmgate.abi.wire.StreamType;
import io.wasmgate.abi.wire.WasmResult;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Callouts end to end: plugins on the abi host call real upstreams through {@link JettyCalloutClient}, and
 * the answers come back to the context that asked, through the VM's callbacks.
 */
class CalloutsThroughTheHostTest {
    private static final int ROOT = 1;
    private static final int UNARY_TOKEN = 5;
    private static final int STREAM_TOKEN = 6;

    private final List<AutoCloseable> started = new ArrayList<>();
    private HostServices services;

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    private <T extends AutoCloseable> T started(T closeable) {
        started.add(closeable);
        return closeable;
    }

    /** Host services whose callouts go to {@code clusters}; closed before the client, as they must be. */
    private HostServices servicesCalling(Cluster... clusters) {
        JettyCalloutClient client = started(JettyCalloutClient.start(List.of(clusters)));
        services = started(HostServices.builder().withCalloutClient(client).build());
        return services;
    }

    /** The callout-relay fixture: each request calls "upstream" with its own headers and waits for the answer. */
    private Plugin relay() {
        return started(Plugin.start(PluginConfig.builder("callout-relay")
                .withModule(Modules.fixture("callout-relay"))
                .withEngine(Engine.INTERPRETER)
                .withInstances(1)
                .withLog(new CapturingLog())
                .build(), services));
    }

    /** A paused request of the relay: its live headers, and the direction its plugin continued. */
    private record PausedRequest(Headers headers, CompletableFuture<StreamType> continued) {
        String header(String name) {
            try {
                continued.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("the request was never continued", e);
            }
            return headers.first(name).orElse(null);
        }
    }

    private static PausedRequest request(Plugin relay, String path) {
        CompletableFuture<StreamType> continued = new CompletableFuture<>();
        Headers headers = new Headers().add(":method", "GET").add(":path", path).add(":authority", "answers.local");
        FilterHeadersStatus status = relay.newStream(new ContinueRecorder(continued)).onRequestHeaders(headers, true);
        assertThat(status.stops()).as("the request waits for its callout").isTrue();
        return new PausedRequest(headers, continued);
    }

    /**
     * All hundred callouts are at the upstream at once (a hundred HTTP/1.1 connections, or a hundred streams
     * on one h2c connection) before any is answered.
     */
    @ParameterizedTest(name = "http2 = {0}")
    @ValueSource(booleans = {false, true})
    void aHundredPausedRequestsEachResumeWithTheirOwnAnswer(boolean http2) throws Exception {
        HttpUpstream upstream = started(HttpUpstream.start());
        servicesCalling(new Cluster("upstream", upstream.url(), http2, Cluster.DEFAULT_CONNECT_TIMEOUT,
                Cluster.DEFAULT_TIMEOUT, http2 ? 1 : 100));
        Plugin relay = relay();

        List<PausedRequest> requests = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            requests.add(request(relay, "/gated/" + i));
        }
        Poll.until("a hundred callouts at the upstream", () -> upstream.waiting() == 100);
        assertThat(requests).noneMatch(request -> request.continued().isDone());
        upstream.openGate();

        for (int i = 0; i < 100; i++) {
            assertThat(requests.get(i).header("x-answer")).as("request %d", i).isEqualTo("answer-" + i);
        }
    }

    @Test
    void aRefusedCalloutResumesTheRequestWithTheReason() throws Exception {
        servicesCalling(Cluster.of("upstream", URI.create("http://127.0.0.1:" + JettyCalloutClientHttpTest.unusedPort())));

        PausedRequest request = request(relay(), "/answer/1");

        assertThat(request.header("x-failure")).isEqualTo("connection refused");
        assertThat(request.headers().first("x-answer")).isEmpty();
    }

    /** A probe program opening a gRPC call (or stream) to test.Echo on cluster "grpc" from the request headers. */
    private static ProbeProgram grpcProgram(boolean unary, String method, String message) {
        ProbeProgram program = new ProbeProgram();
        Data cluster = program.blob("grpc");
        Data service = program.blob(GrpcUpstream.SERVICE);
        Data name = program.blob(method);
        Data metadata = program.pairs("x-tenant", "acme");
        Data body = program.blob(message);
        ProbeProgram.Steps headers = program.on(Callback.ON_REQUEST_HEADERS);
        if (unary) {
            headers.call(PROXY_GRPC_CALL, cluster.ptr(), cluster.len(), service.ptr(), service.len(), name.ptr(), name.len(),
                    metadata.ptr(), metadata.len(), body.ptr(), body.len(), 5000, Probe.RET_U32);
        } else {
            headers.call(PROXY_GRPC_STREAM, cluster.ptr(), cluster.len(), service.ptr(), service.len(), name.ptr(), name.len(),
                    metadata.ptr(), metadata.len(), Probe.RET_U32)
                    .call(PROXY_GRPC_SEND, STREAM_TOKEN, body.ptr(), body.len(), 1);
        }
        headers.returns(1);
        program.on(Callback.ON_GRPC_RECEIVE_INITIAL_METADATA).recordsArgs()
                .call(PROXY_GET_HEADER_MAP_PAIRS, 4, Probe.slot(0), Probe.slot(0) + 4);
        program.on(Callback.ON_GRPC_RECEIVE).recordsArgs()
                .call(PROXY_GET_BUFFER_BYTES, 5, 0, -1, Probe.slot(1), Probe.slot(1) + 4);
        program.on(Callback.ON_GRPC_RECEIVE_TRAILING_METADATA).recordsArgs()
                .call(PROXY_GET_HEADER_MAP_PAIRS, 5, Probe.slot(2), Probe.slot(2) + 4);
        program.on(Callback.ON_GRPC_CLOSE).recordsArgs()
                .call(PROXY_GET_STATUS, Probe.slot(3), Probe.slot(4), Probe.slot(4) + 4);
        return program;
    }

    private Probe probe(ProbeProgram program) {
        return started(Probe.start(Engine.INTERPRETER, program, services, UnaryOperator.identity()));
    }

    @Test
    void aUnaryGrpcCallAnswersThePluginWithTheResponseMessage() throws Exception {
        GrpcUpstream upstream = started(GrpcUpstream.start());
        servicesCalling(Cluster.http2("grpc", upstream.url()));
        Probe probe = probe(grpcProgram(true, "Unary", "ping"));

        probe.newStream(new ContinueRecorder(new CompletableFuture<>())).onRequestHeaders(new Headers(), true);
        assertThat(probe.statuses()).containsExactly(WasmResult.OK);

        assertThat(probe.awaitResults(4)).as("proxy_on_grpc_receive(root, token, size), then get_buffer_bytes")
                .containsExactly(ROOT, UNARY_TOKEN, "echo:ping".length(), WasmResult.OK.code());
        assertThat(probe.returned(Probe.slot(1))).asString().isEqualTo("echo:ping");
        assertThat(upstream.requestMetadata.get(0).get(GrpcUpstream.TENANT)).isEqualTo("acme");
    }

    @Test
    void aGrpcStreamDeliversMetadataEveryMessageTrailersAndCloseToThePlugin() throws Exception {
        GrpcUpstream upstream = started(GrpcUpstream.start());
        servicesCalling(Cluster.http2("grpc", upstream.url()));
        Probe probe = probe(grpcProgram(false, "ServerStream", "3"));

        probe.newStream(new ContinueRecorder(new CompletableFuture<>())).onRequestHeaders(new Headers(), true);
        assertThat(probe.statuses()).containsExactly(WasmResult.OK, WasmResult.OK);

        int ok = WasmResult.OK.code();
        List<Integer> results = probe.awaitResults(24);
        assertThat(results.subList(0, 2)).as("initial metadata").containsExactly(ROOT, STREAM_TOKEN);
        assertThat(results.subList(4, 20)).as("three messages, then trailing metadata").containsExactly(
                ROOT, STREAM_TOKEN, 5, ok, ROOT, STREAM_TOKEN, 5, ok, ROOT, STREAM_TOKEN, 5, ok,
                ROOT, STREAM_TOKEN, results.get(18), ok);
        assertThat(results.subList(20, 24)).as("proxy_on_grpc_close(root, token, OK)").containsExactly(ROOT, STREAM_TOKEN, 0, ok);
        assertThat(HeaderPairsCodec.decode(probe.returned(Probe.slot(0)))).contains(new HeaderField("x-server-initial", "hello"));
        assertThat(probe.returned(Probe.slot(1))).asString().isEqualTo("msg-2");
        assertThat(HeaderPairsCodec.decode(probe.returned(Probe.slot(2))))
                .contains(new HeaderField("grpc-status", "0"), new HeaderField("x-server-trailer", "bye"));
        assertThat(probe.u32(Probe.slot(3))).as("proxy_get_status code").isZero();
    }

    /** An exchange that only records the first continue; the relay never sends local replies or resets. */
    private record ContinueRecorder(CompletableFuture<StreamType> continued) implements HttpExchange {
        @Override
        public void continueStream(StreamType direction) {
            continued.complete(direction);
        }

        @Override
        public void closeStream(StreamType direction) {
            continued.completeExceptionally(new AssertionError("stream closed: " + direction));
        }

        @Override
        public void sendLocalReply(LocalReply reply) {
            continued.completeExceptionally(new AssertionError("local reply: " + reply));
        }
    }
}
