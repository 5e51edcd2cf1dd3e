package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_BUFFER_BYTES;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_HEADER_MAP_PAIRS;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_STATUS;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_HTTP_CALL;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_SET_EFFECTIVE_CONTEXT;
import static io.wasmgate.abi.wire.WasmResult.BAD_ARGUMENT;
import static io.wasmgate.abi.wire.WasmResult.INVALID_MEMORY_ACCESS;
import static io.wasmgate.abi.wire.WasmResult.NOT_FOUND;
import static io.wasmgate.abi.wire.WasmResult.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.HttpCallResponse;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.testing.ScriptedCalloutClient;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.HeaderField;
import io.wasmgate.abi.wire.HeaderPairsCodec;
import io.wasmgate.abi.wire.WasmResult;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code proxy_http_call}, {@code proxy_on_http_call_response} and {@code proxy_get_status}. */
class HttpCallHostcallsTest {
    private static final int STREAM_CALLBACK_TOKEN = 4;
    private final ScriptedCalloutClient client = new ScriptedCalloutClient("authz");
    private final HostServices services = HostServices.builder().withCalloutClient(client).build();

    @AfterEach
    void stop() {
        services.close();
    }

    /** A program whose request-headers callback calls {@code cluster} with {@code headers} and a body. */
    private static ProbeProgram calling(String cluster, int timeout, String... headers) {
        ProbeProgram program = new ProbeProgram();
        Data upstream = program.blob(cluster);
        Data pairs = program.pairs(headers);
        Data body = program.blob("{\"q\":1}");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_HTTP_CALL, upstream.ptr(), upstream.len(), pairs.ptr(), pairs.len(), body.ptr(), body.len(),
                        0, 0, timeout, Probe.RET_U32)
                .returns(1);
        return program;
    }

    private Probe start(Engine engine, ProbeProgram program) {
        return Probe.start(engine, program, services, UnaryOperator.identity());
    }

    private static String[] validHeaders() {
        return new String[] {":method", "POST", ":path", "/check", ":authority", "authz.local", "x-user", "ana"};
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aCallToAKnownClusterIsSentWithItsHeadersBodyAndTimeoutAndGetsToken4(Engine engine) {
        try (Probe probe = start(engine, calling("authz", 250, validHeaders()))) {
            probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers().add(":path", "/"), false);

            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.u32(Probe.RET_U32)).isEqualTo(STREAM_CALLBACK_TOKEN);
            assertThat(client.calls).hasSize(1);
            var request = client.calls.get(0).request;
            assertThat(request.cluster()).isEqualTo("authz");
            assertThat(request.headers()).contains(new HeaderField(":method", "POST"), new HeaderField("x-user", "ana"));
            assertThat(request.body()).asString().isEqualTo("{\"q\":1}");
            assertThat(request.timeout()).isEqualTo(Duration.ofMillis(250));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void tokensAreUniquePerVmAndKeepTheirLowTwoBitsClear(Engine engine) {
        try (Probe probe = start(engine, calling("authz", 0, validHeaders()))) {
            probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), false);
            int first = probe.u32(Probe.RET_U32);
            probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), false);
            int second = probe.u32(Probe.RET_U32);

            assertThat(first).isEqualTo(4);
            assertThat(second).isEqualTo(8);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anUnknownClusterMissingPseudoHeadersOrANegativeTimeoutIsBadArgumentAndNothingIsSent(Engine engine) {
        for (ProbeProgram program : List.of(
                calling("nowhere", 0, validHeaders()),
                calling("authz", 0, ":method", "GET", ":path", "/"),
                calling("authz", 0, ":method", "GET", ":authority", "a"),
                calling("authz", 0, ":path", "/", ":authority", "a"),
                calling("authz", -1, validHeaders()))) {
            try (Probe probe = start(engine, program)) {
                probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), false);
                assertThat(probe.statuses()).containsExactly(BAD_ARGUMENT);
            }
        }
        assertThat(client.calls).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void badPointersAreInvalidMemoryAccessAndNothingIsSent(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data upstream = program.blob("authz");
        Data pairs = program.pairs(validHeaders());
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_HTTP_CALL, upstream.ptr(), upstream.len(), pairs.ptr(), pairs.len(), Probe.MEMORY_END, 1, 0, 0, 0,
                        Probe.RET_U32)
                .call(PROXY_HTTP_CALL, upstream.ptr(), upstream.len(), pairs.ptr(), pairs.len(), 0, 0, 0, 0, 0,
                        Probe.MEMORY_END - 2)
                .call(PROXY_HTTP_CALL, -1, 2, pairs.ptr(), pairs.len(), 0, 0, 0, 0, 0, Probe.RET_U32);
        try (Probe probe = start(engine, program)) {
            probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), false);
            assertThat(probe.statuses()).containsExactly(INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS);
            assertThat(probe.vm().failed()).isFalse();
        }
        assertThat(client.calls).isEmpty();
    }

    /** Calls from the stream, then reads the whole response from the callback after switching to the stream. */
    private static ProbeProgram callingAndReadingTheResponse(int stream) {
        ProbeProgram program = calling("authz", 0, validHeaders());
        program.on(Callback.ON_HTTP_CALL_RESPONSE)
                .recordsArgs()
                .call(PROXY_SET_EFFECTIVE_CONTEXT, stream)
                .call(PROXY_GET_HEADER_MAP_PAIRS, 6, Probe.slot(0), Probe.slot(0) + 4)
                .call(PROXY_GET_BUFFER_BYTES, 4, 0, -1, Probe.slot(1), Probe.slot(1) + 4)
                .call(PROXY_GET_HEADER_MAP_PAIRS, 7, Probe.slot(2), Probe.slot(2) + 4)
                .call(PROXY_GET_STATUS, Probe.slot(3), Probe.slot(4), Probe.slot(4) + 4);
        return program;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theResponseReachesTheRootContextWithItsTokenAndIsReadableDuringTheCallback(Engine engine) {
        try (Probe probe = start(engine, callingAndReadingTheResponse(2))) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            stream.onRequestHeaders(new Headers(), false);
            probe.results();

            List<HeaderField> headers = List.of(new HeaderField(":status", "200"), new HeaderField("x-allowed", "yes"));
            client.calls.get(0).listener.onResponse(new HttpCallResponse(headers, "granted".getBytes(),
                    List.of(new HeaderField("grpc-status", "0"))));

            List<Integer> results = probe.awaitResults(5);
            assertThat(results.subList(0, 5)).as("root id, token, headers, body size, trailers").containsExactly(1, 4, 2, 7, 1);
            assertThat(results.subList(5, results.size()).stream().map(Probe::status)).containsExactly(OK, OK, OK, OK, OK);
            assertThat(HeaderPairsCodec.decode(probe.returned(Probe.slot(0)))).isEqualTo(headers);
            assertThat(probe.returned(Probe.slot(1))).asString().isEqualTo("granted");
            assertThat(HeaderPairsCodec.decode(probe.returned(Probe.slot(2)))).containsExactly(new HeaderField("grpc-status", "0"));
            assertThat(probe.u32(Probe.slot(3))).as("status code").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aFailedCallArrivesWithNothingAndGetStatusSaysWhy(Engine engine) {
        try (Probe probe = start(engine, callingAndReadingTheResponse(2))) {
            probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), false);
            probe.results();

            client.calls.get(0).listener.onFailure("connection refused");

            List<Integer> results = probe.awaitResults(5);
            assertThat(results.subList(0, 5)).containsExactly(1, 4, 0, 0, 0);
            assertThat(probe.u32(Probe.slot(3))).as("BrokenConnection").isEqualTo(WasmResult.BROKEN_CONNECTION.code());
            assertThat(probe.returned(Probe.slot(4))).asString().isEqualTo("connection refused");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void callResponseMapsAndBodyDoNotExistOutsideTheCallback(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_HEADER_MAP_PAIRS, 6, Probe.slot(0), Probe.slot(0) + 4)
                .call(PROXY_GET_BUFFER_BYTES, 4, 0, -1, Probe.slot(1), Probe.slot(1) + 4);
        try (Probe probe = start(engine, program)) {
            probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), false);
            assertThat(probe.statuses()).containsExactly(OK, NOT_FOUND);
            assertThat(probe.u32(Probe.slot(0) + 4)).as("empty pairs").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aStreamThatEndsCancelsItsCalloutsAndTheirResponsesNeverArrive(Engine engine) {
        try (Probe probe = start(engine, callingAndReadingTheResponse(2))) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            stream.onRequestHeaders(new Headers(), false);
            stream.onLog();
            stream.onDone();
            probe.results();
            ScriptedCalloutClient.Call call = client.calls.get(0);
            assertThat(call.cancelled).isTrue();

            call.listener.onResponse(new HttpCallResponse(List.of(new HeaderField(":status", "200")), new byte[0], List.of()));
            probe.newStream(new RecordingExchange());
            services.scheduler().submit(() -> { }).get();

            assertThat(probe.results()).isEmpty();
            assertThat(probe.vm().failed()).isFalse();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aCalloutFromTheRootContextWorksTheSameWay(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data upstream = program.blob("authz");
        Data pairs = program.pairs(validHeaders());
        program.on(Callback.ON_CONFIGURE)
                .call(PROXY_HTTP_CALL, upstream.ptr(), upstream.len(), pairs.ptr(), pairs.len(), 0, 0, 0, 0, 0, Probe.RET_U32);
        program.on(Callback.ON_HTTP_CALL_RESPONSE).recordsArgs();
        try (Probe probe = start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(OK);
            client.calls.get(0).listener.onResponse(new HttpCallResponse(List.of(new HeaderField(":status", "204")),
                    new byte[0], List.of()));

            assertThat(probe.awaitResults(5)).containsExactly(1, 4, 1, 0, 0);
        }
    }
}
