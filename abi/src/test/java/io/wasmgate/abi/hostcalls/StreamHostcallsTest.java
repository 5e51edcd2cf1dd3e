package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.Probe.MEMORY_END;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_CLEAR_ROUTE_CACHE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_CLOSE_STREAM;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_CONTINUE_REQUEST;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_CONTINUE_RESPONSE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_CONTINUE_STREAM;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_LOG;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_SEND_LOCAL_RESPONSE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_SET_EFFECTIVE_CONTEXT;
import static io.wasmgate.abi.wire.WasmResult.BAD_ARGUMENT;
import static io.wasmgate.abi.wire.WasmResult.INVALID_MEMORY_ACCESS;
import static io.wasmgate.abi.wire.WasmResult.OK;
import static io.wasmgate.abi.wire.WasmResult.UNIMPLEMENTED;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.FilterDataStatus;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import io.wasmgate.abi.wire.FilterTrailersStatus;
import io.wasmgate.abi.wire.HeaderField;
import io.wasmgate.abi.wire.StreamType;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code proxy_continue_stream}, {@code proxy_close_stream}, {@code proxy_send_local_response} and the ABI
 * 0.1.0 {@code proxy_continue_request}, {@code proxy_continue_response}, {@code proxy_clear_route_cache}.
 */
class StreamHostcallsTest {
    private static final int ROOT = 1;
    private static final int HTTP_REQUEST = 0;
    private static final int HTTP_RESPONSE = 1;
    private static final int DOWNSTREAM = 2;
    private static final int UPSTREAM = 3;
    private static final int NO_GRPC_STATUS = -1;

    /** Records each effect with the number of plugin log lines written before it arrived. */
    private static final class OrderingExchange implements HttpExchange {
        final RecordingExchange recorded = new RecordingExchange();
        final List<String> events = new ArrayList<>();
        private final Probe probe;

        OrderingExchange(Probe probe) {
            this.probe = probe;
        }

        @Override
        public void continueStream(StreamType direction) {
            recorded.continueStream(direction);
            events.add("continue " + direction + " after " + probe.log().lines.size() + " log lines");
        }

        @Override
        public void closeStream(StreamType direction) {
            recorded.closeStream(direction);
            events.add("close " + direction + " after " + probe.log().lines.size() + " log lines");
        }

        @Override
        public void sendLocalReply(LocalReply reply) {
            recorded.sendLocalReply(reply);
            events.add("reply " + reply.status() + " after " + probe.log().lines.size() + " log lines");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aLocalResponseIsDeliveredAfterTheCallbackReturnsAndForcesAStop(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data details = program.blob("access denied\tby\nprobe");
        Data body = program.blob("no");
        Data headers = program.pairs("x-reason", "policy", "x-reason", "again");
        Data after = program.blob("after the reply");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_SEND_LOCAL_RESPONSE, 403, details.ptr(), details.len(), body.ptr(), body.len(),
                        headers.ptr(), headers.len(), NO_GRPC_STATUS)
                .call(PROXY_LOG, 2, after.ptr(), after.len())
                .returns(0);
        try (Probe probe = Probe.start(engine, program)) {
            OrderingExchange exchange = new OrderingExchange(probe);
            StreamContext stream = probe.newStream(exchange);

            FilterHeadersStatus status = stream.onRequestHeaders(new Headers().add(":path", "/"), false);

            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(status).isEqualTo(FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK);
            assertThat(exchange.events).containsExactly("reply 403 after 1 log lines");
            LocalReply reply = exchange.recorded.onlyLocalReply();
            assertThat(reply.status()).isEqualTo(403);
            assertThat(reply.details()).isEqualTo("access_denied_by_probe");
            assertThat(reply.body()).asString().isEqualTo("no");
            assertThat(reply.headers()).containsExactly(
                    new HeaderField("x-reason", "policy"), new HeaderField("x-reason", "again"));
            assertThat(reply.grpcStatus()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aGrpcStatusFromZeroToSixteenIsSentAndAnythingElseMeansNone(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        ProbeProgram.Steps headers = program.on(Callback.ON_REQUEST_HEADERS);
        for (int grpc : new int[] {0, 16, 17, NO_GRPC_STATUS, Integer.MIN_VALUE}) {
            headers.call(PROXY_SEND_LOCAL_RESPONSE, 200, 0, 0, 0, 0, 0, 0, grpc);
        }
        try (Probe probe = Probe.start(engine, program)) {
            RecordingExchange exchange = new RecordingExchange();
            probe.newStream(exchange).onRequestHeaders(new Headers(), true);

            assertThat(probe.statuses()).containsOnly(OK).hasSize(5);
            assertThat(exchange.localReplies).extracting(LocalReply::grpcStatus).containsExactly(
                    OptionalInt.of(0), OptionalInt.of(16), OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());
            assertThat(exchange.localReplies.get(0).details()).isEmpty();
            assertThat(exchange.localReplies.get(0).body()).isEmpty();
            assertThat(exchange.localReplies.get(0).headers()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aLocalResponseForcesAStopFromBodyAndTrailerCallbacksToo(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        for (Callback callback : List.of(Callback.ON_REQUEST_BODY, Callback.ON_REQUEST_TRAILERS,
                Callback.ON_RESPONSE_HEADERS, Callback.ON_RESPONSE_BODY)) {
            program.on(callback).call(PROXY_SEND_LOCAL_RESPONSE, 500, 0, 0, 0, 0, 0, 0, NO_GRPC_STATUS);
        }
        try (Probe probe = Probe.start(engine, program)) {
            RecordingExchange exchange = new RecordingExchange();
            StreamContext stream = probe.newStream(exchange);
            assertThat(stream.onRequestHeaders(new Headers(), false)).isEqualTo(FilterHeadersStatus.CONTINUE);
            assertThat(stream.onRequestBody(new byte[] {1}, false)).isEqualTo(FilterDataStatus.STOP_ITERATION_NO_BUFFER);
            assertThat(stream.onRequestTrailers(new Headers())).isEqualTo(FilterTrailersStatus.STOP_ITERATION);
            assertThat(stream.onResponseHeaders(new Headers().add(":status", "200"), false))
                    .isEqualTo(FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK);
            assertThat(stream.onResponseBody(new byte[] {2}, true)).isEqualTo(FilterDataStatus.STOP_ITERATION_NO_BUFFER);
            assertThat(probe.statuses()).containsOnly(OK).hasSize(4);
            assertThat(exchange.localReplies).hasSize(4);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void malformedLocalResponseHeadersAreDropped(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data headers = program.blob(new byte[] {1, 0, 0, 0, 1, 0, 0, 0});
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_SEND_LOCAL_RESPONSE, 401, 0, 0, 0, 0, headers.ptr(), headers.len(), NO_GRPC_STATUS);
        try (Probe probe = Probe.start(engine, program)) {
            RecordingExchange exchange = new RecordingExchange();
            probe.newStream(exchange).onRequestHeaders(new Headers(), true);
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(exchange.onlyLocalReply().status()).isEqualTo(401);
            assertThat(exchange.onlyLocalReply().headers()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void badPointersInALocalResponseAreInvalidMemoryAccessAndSendNothing(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_SEND_LOCAL_RESPONSE, 403, MEMORY_END, 1, 0, 0, 0, 0, NO_GRPC_STATUS)
                .call(PROXY_SEND_LOCAL_RESPONSE, 403, 0, 0, -8, 16, 0, 0, NO_GRPC_STATUS)
                .call(PROXY_SEND_LOCAL_RESPONSE, 403, 0, 0, 0, 0, MEMORY_END - 2, 4, NO_GRPC_STATUS)
                .call(PROXY_SEND_LOCAL_RESPONSE, 403, 0, 0, 0, -1, 0, 0, NO_GRPC_STATUS);
        try (Probe probe = Probe.start(engine, program)) {
            RecordingExchange exchange = new RecordingExchange();
            FilterHeadersStatus status = probe.newStream(exchange).onRequestHeaders(new Headers(), true);
            assertThat(probe.statuses()).containsOnly(INVALID_MEMORY_ACCESS).hasSize(4);
            assertThat(exchange.localReplies).isEmpty();
            assertThat(status).as("no reply was sent, so nothing forces a stop").isEqualTo(FilterHeadersStatus.CONTINUE);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void closeStreamResetsTheHttpDirectionsAfterTheCallback(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data after = program.blob("after");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_CLOSE_STREAM, HTTP_REQUEST)
                .call(PROXY_CLOSE_STREAM, HTTP_RESPONSE)
                .call(PROXY_CLOSE_STREAM, DOWNSTREAM)
                .call(PROXY_CLOSE_STREAM, UPSTREAM)
                .call(PROXY_CLOSE_STREAM, 4)
                .call(PROXY_CLOSE_STREAM, -1)
                .call(PROXY_LOG, 2, after.ptr(), after.len());
        try (Probe probe = Probe.start(engine, program)) {
            OrderingExchange exchange = new OrderingExchange(probe);
            probe.newStream(exchange).onRequestHeaders(new Headers(), true);
            assertThat(probe.statuses()).containsExactly(OK, OK, UNIMPLEMENTED, UNIMPLEMENTED, BAD_ARGUMENT, BAD_ARGUMENT, OK);
            assertThat(exchange.events).containsExactly(
                    "close HTTP_REQUEST after 1 log lines", "close HTTP_RESPONSE after 1 log lines");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void continueResumesThePausedDirectionOfTheEffectiveStream(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_BODY).returns(1);
        program.on(Callback.ON_RESPONSE_HEADERS).returns(1);
        program.on(Callback.ON_DONE)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, 2).call(PROXY_CONTINUE_STREAM, HTTP_REQUEST)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, 3).call(PROXY_CONTINUE_STREAM, HTTP_RESPONSE)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, 4).call(PROXY_CONTINUE_REQUEST)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, 5).call(PROXY_CONTINUE_RESPONSE);
        Probe probe = Probe.start(engine, program);
        List<RecordingExchange> exchanges = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RecordingExchange exchange = new RecordingExchange();
            exchanges.add(exchange);
            StreamContext stream = probe.newStream(exchange);
            assertThat(stream.id()).isEqualTo(2 + i);
            boolean pauseRequest = i % 2 == 0;
            stream.onRequestHeaders(new Headers(), !pauseRequest);
            if (pauseRequest) {
                assertThat(stream.onRequestBody(new byte[] {1}, true)).isEqualTo(FilterDataStatus.STOP_ITERATION_AND_BUFFER);
            } else {
                assertThat(stream.onResponseHeaders(new Headers().add(":status", "200"), false)).isNotEqualTo(FilterHeadersStatus.CONTINUE);
            }
        }

        probe.close();

        assertThat(probe.statuses()).containsOnly(OK).hasSize(8);
        assertThat(exchanges).extracting(exchange -> exchange.continued).containsExactly(
                List.of(StreamType.HTTP_REQUEST), List.of(StreamType.HTTP_RESPONSE),
                List.of(StreamType.HTTP_REQUEST), List.of(StreamType.HTTP_RESPONSE));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void continueOfADirectionThatIsNotPausedIsOkAndDeliversNothing(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_CONTINUE_STREAM, HTTP_REQUEST)
                .call(PROXY_CONTINUE_STREAM, HTTP_RESPONSE)
                .call(PROXY_CONTINUE_REQUEST)
                .call(PROXY_CONTINUE_RESPONSE);
        try (Probe probe = Probe.start(engine, program)) {
            RecordingExchange exchange = new RecordingExchange();
            probe.newStream(exchange).onRequestHeaders(new Headers(), true);
            assertThat(probe.statuses()).containsExactly(OK, OK, OK, OK);
            assertThat(exchange.continued).isEmpty();
        }
    }

    /** Decision: Envoy answers OK for DOWNSTREAM (a no-op in an HTTP filter); Wasmgate has no TCP streams at all. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void continueOfTcpDirectionsIsUnimplementedAndUnknownTypesAreBadArgument(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_CONTINUE_STREAM, DOWNSTREAM)
                .call(PROXY_CONTINUE_STREAM, UPSTREAM)
                .call(PROXY_CONTINUE_STREAM, 4)
                .call(PROXY_CONTINUE_STREAM, -1)
                .returns(1);
        try (Probe probe = Probe.start(engine, program)) {
            RecordingExchange exchange = new RecordingExchange();
            probe.newStream(exchange).onRequestHeaders(new Headers(), false);
            assertThat(probe.statuses()).containsExactly(UNIMPLEMENTED, UNIMPLEMENTED, BAD_ARGUMENT, BAD_ARGUMENT);
            assertThat(exchange.continued).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theRootContextHasNoStreamToControl(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_CONFIGURE)
                .call(PROXY_CONTINUE_STREAM, HTTP_REQUEST)
                .call(PROXY_CONTINUE_STREAM, DOWNSTREAM)
                .call(PROXY_CLOSE_STREAM, HTTP_RESPONSE)
                .call(PROXY_SEND_LOCAL_RESPONSE, 403, 0, 0, 0, 0, 0, 0, NO_GRPC_STATUS)
                .call(PROXY_CONTINUE_REQUEST)
                .call(PROXY_CONTINUE_RESPONSE)
                .call(PROXY_CLEAR_ROUTE_CACHE)
                .call(PROXY_SET_EFFECTIVE_CONTEXT, ROOT);
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(
                    BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT, OK, OK);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void clearRouteCacheIsAnOkNoOp(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS).call(PROXY_CLEAR_ROUTE_CACHE);
        try (Probe probe = Probe.start(engine, program)) {
            RecordingExchange exchange = new RecordingExchange();
            FilterHeadersStatus status = probe.newStream(exchange).onRequestHeaders(new Headers(), true);
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(status).isEqualTo(FilterHeadersStatus.CONTINUE);
            assertThat(exchange.continued).isEmpty();
            assertThat(exchange.closed).isEmpty();
            assertThat(exchange.localReplies).isEmpty();
        }
    }
}
