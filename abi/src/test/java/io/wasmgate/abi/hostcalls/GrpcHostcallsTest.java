package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_BUFFER_BYTES;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_HEADER_MAP_PAIRS;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_STATUS;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GRPC_CALL;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GRPC_CANCEL;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GRPC_CLOSE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GRPC_SEND;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GRPC_STREAM;
import static io.wasmgate.abi.wire.WasmResult.BAD_ARGUMENT;
import static io.wasmgate.abi.wire.WasmResult.NOT_FOUND;
import static io.wasmgate.abi.wire.WasmResult.OK;
import static io.wasmgate.abi.wire.WasmResult.PARSE_FAILURE;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.testing.ScriptedCalloutClient;
import io.wasmgate.abi.testing.ScriptedCalloutClient.GrpcCall;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.HeaderField;
import io.wasmgate.abi.wire.HeaderPairsCodec;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** gRPC callouts: unary calls, streams, send, cancel, close and their callbacks. */
class GrpcHostcallsTest {
    private static final int ROOT = 1;
    private static final int UNARY_TOKEN = 5;
    private static final int STREAM_TOKEN = 6;
    private static final String SERVICE = "envoy.service.ratelimit.v3.RateLimitService";

    private final ScriptedCalloutClient client = new ScriptedCalloutClient("limits");
    private final HostServices services = HostServices.builder().withCalloutClient(client).build();

    @AfterEach
    void stop() {
        services.close();
    }

    private Probe start(Engine engine, ProbeProgram program) {
        return Probe.start(engine, program, services, UnaryOperator.identity());
    }

    /** Opens a unary call (or a stream) to {@code cluster} from the request-headers callback. */
    private static ProbeProgram opening(boolean unary, String cluster) {
        ProbeProgram program = new ProbeProgram();
        Data upstream = program.blob(cluster);
        Data service = program.blob(SERVICE);
        Data method = program.blob("ShouldRateLimit");
        Data metadata = program.pairs("x-tenant", "acme");
        Data message = program.blob("request-bytes");
        ProbeProgram.Steps headers = program.on(Callback.ON_REQUEST_HEADERS);
        if (unary) {
            headers.call(PROXY_GRPC_CALL, upstream.ptr(), upstream.len(), service.ptr(), service.len(), method.ptr(), method.len(),
                    metadata.ptr(), metadata.len(), message.ptr(), message.len(), 300, Probe.RET_U32);
        } else {
            headers.call(PROXY_GRPC_STREAM, upstream.ptr(), upstream.len(), service.ptr(), service.len(), method.ptr(),
                    method.len(), metadata.ptr(), metadata.len(), Probe.RET_U32);
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

    private static StreamContext request(Probe probe) {
        StreamContext stream = probe.newStream(new RecordingExchange());
        stream.onRequestHeaders(new Headers().add(":path", "/"), false);
        return stream;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aUnaryCallSendsItsMessageAndHalfClosesAndGetsToken5(Engine engine) {
        try (Probe probe = start(engine, opening(true, "limits"))) {
            request(probe);

            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.u32(Probe.RET_U32)).isEqualTo(UNARY_TOKEN);
            GrpcCall call = client.grpcCalls.get(0);
            assertThat(call.request.service()).isEqualTo(SERVICE);
            assertThat(call.request.method()).isEqualTo("ShouldRateLimit");
            assertThat(call.request.initialMetadata()).containsExactly(new HeaderField("x-tenant", "acme"));
            assertThat(call.request.timeout()).isEqualTo(Duration.ofMillis(300));
            assertThat(call.sent).containsExactly("request-bytes", "<eos>");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aSuccessfulUnaryCallDeliversOnlyItsMessage(Engine engine) {
        try (Probe probe = start(engine, opening(true, "limits"))) {
            request(probe);
            probe.results();
            GrpcCall call = client.grpcCalls.get(0);

            call.listener.onInitialMetadata(List.of(new HeaderField("content-type", "application/grpc")));
            call.listener.onMessage("response-bytes".getBytes());
            call.listener.onTrailingMetadata(List.of(new HeaderField("grpc-status", "0")));
            call.listener.onClose(0, "");

            List<Integer> results = probe.awaitResults(4);
            assertThat(results).as("proxy_on_grpc_receive(root, token, size), then get_buffer_bytes")
                    .containsExactly(ROOT, UNARY_TOKEN, 14, OK.code());
            assertThat(probe.returned(Probe.slot(1))).asString().isEqualTo("response-bytes");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aFailedUnaryCallClosesWithTheGrpcStatusAndMessage(Engine engine) {
        try (Probe probe = start(engine, opening(true, "limits"))) {
            request(probe);
            probe.results();

            client.grpcCalls.get(0).listener.onClose(14, "upstream connect error");

            assertThat(probe.awaitResults(4)).containsExactly(ROOT, UNARY_TOKEN, 14, OK.code());
            assertThat(probe.u32(Probe.slot(3))).isEqualTo(14);
            assertThat(probe.returned(Probe.slot(4))).asString().isEqualTo("upstream connect error");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aStreamDeliversMetadataMessagesTrailersAndCloseInOrder(Engine engine) {
        try (Probe probe = start(engine, opening(false, "limits"))) {
            request(probe);
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.u32(Probe.RET_U32)).isEqualTo(STREAM_TOKEN);
            GrpcCall call = client.grpcCalls.get(0);

            call.listener.onInitialMetadata(List.of(new HeaderField("x-server", "1"), new HeaderField("x-zone", "a")));
            List<Integer> initial = probe.awaitResults(4);
            assertThat(HeaderPairsCodec.decode(probe.returned(Probe.slot(0))))
                    .containsExactly(new HeaderField("x-server", "1"), new HeaderField("x-zone", "a"));
            call.listener.onMessage("one".getBytes());
            List<Integer> message = probe.awaitResults(4);
            assertThat(probe.returned(Probe.slot(1))).asString().isEqualTo("one");
            call.listener.onTrailingMetadata(List.of(new HeaderField("grpc-status", "0")));
            List<Integer> trailing = probe.awaitResults(4);
            assertThat(HeaderPairsCodec.decode(probe.returned(Probe.slot(2)))).containsExactly(new HeaderField("grpc-status", "0"));
            call.listener.onClose(0, "");
            List<Integer> close = probe.awaitResults(4);

            assertThat(initial).containsExactly(ROOT, STREAM_TOKEN, 2, OK.code());
            assertThat(message).containsExactly(ROOT, STREAM_TOKEN, 3, OK.code());
            assertThat(trailing).containsExactly(ROOT, STREAM_TOKEN, 1, OK.code());
            assertThat(close).containsExactly(ROOT, STREAM_TOKEN, 0, OK.code());
            assertThat(probe.u32(Probe.slot(3))).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void sendCancelAndCloseCheckTheKindOfToken(Engine engine) {
        ProbeProgram program = opening(false, "limits");
        Data message = program.blob("m");
        program.on(Callback.ON_REQUEST_BODY)
                .call(PROXY_GRPC_SEND, STREAM_TOKEN, message.ptr(), message.len(), 0)
                .call(PROXY_GRPC_SEND, STREAM_TOKEN, message.ptr(), message.len(), 1)
                .call(PROXY_GRPC_SEND, UNARY_TOKEN, message.ptr(), message.len(), 0)
                .call(PROXY_GRPC_SEND, 10, message.ptr(), message.len(), 0)
                .call(PROXY_GRPC_CANCEL, 4)
                .call(PROXY_GRPC_CLOSE, 8)
                .call(PROXY_GRPC_CANCEL, 9)
                .call(PROXY_GRPC_CLOSE, 10);
        try (Probe probe = start(engine, program)) {
            StreamContext stream = request(probe);
            probe.results();
            stream.onRequestBody(new byte[0], true);

            assertThat(probe.statuses()).containsExactly(OK, OK, BAD_ARGUMENT, NOT_FOUND, BAD_ARGUMENT, BAD_ARGUMENT,
                    NOT_FOUND, NOT_FOUND);
            assertThat(client.grpcCalls.get(0).sent).containsExactly("m", "m", "<eos>");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void closingAStreamHalfClosesAndTheRemoteCloseStillArrives(Engine engine) {
        ProbeProgram program = opening(false, "limits");
        program.on(Callback.ON_REQUEST_BODY).call(PROXY_GRPC_CLOSE, STREAM_TOKEN);
        try (Probe probe = start(engine, program)) {
            StreamContext stream = request(probe);
            stream.onRequestBody(new byte[0], true);
            probe.results();
            GrpcCall call = client.grpcCalls.get(0);
            assertThat(call.sent).containsExactly("<half-close>");
            assertThat(call.cancelled).isFalse();

            call.listener.onClose(0, "");

            assertThat(probe.awaitResults(4)).containsExactly(ROOT, STREAM_TOKEN, 0, OK.code());
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aCancelledCallGetsNoFurtherCallbacks(Engine engine) {
        ProbeProgram program = opening(false, "limits");
        program.on(Callback.ON_REQUEST_BODY).call(PROXY_GRPC_CANCEL, STREAM_TOKEN);
        try (Probe probe = start(engine, program)) {
            StreamContext stream = request(probe);
            stream.onRequestBody(new byte[0], true);
            assertThat(probe.statuses()).containsExactly(OK, OK);
            GrpcCall call = client.grpcCalls.get(0);
            assertThat(call.cancelled).isTrue();

            call.listener.onMessage("late".getBytes());
            call.listener.onClose(1, "cancelled");
            services.scheduler().submit(() -> { }).get();

            assertThat(probe.results()).isEmpty();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aStreamThatEndsCancelsItsGrpcCalls(Engine engine) {
        try (Probe probe = start(engine, opening(false, "limits"))) {
            StreamContext stream = request(probe);
            stream.onLog();
            stream.onDone();

            assertThat(client.grpcCalls.get(0).cancelled).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anUnknownClusterIsAParseFailureAndNothingIsOpened(Engine engine) {
        for (boolean unary : new boolean[] {true, false}) {
            try (Probe probe = start(engine, opening(unary, "nowhere"))) {
                request(probe);
                assertThat(probe.statuses()).containsExactly(PARSE_FAILURE);
            }
        }
        assertThat(client.grpcCalls).isEmpty();
    }
}
