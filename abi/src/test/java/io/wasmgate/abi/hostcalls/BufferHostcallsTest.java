package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.Probe.HEAP;
import static io.wasmgate.abi.testing.Probe.MEMORY_END;
import static io.wasmgate.abi.testing.Probe.RET_FLAGS;
import static io.wasmgate.abi.testing.Probe.RET_PTR;
import static io.wasmgate.abi.testing.Probe.RET_SIZE;
import static io.wasmgate.abi.testing.Probe.RET_U32;
import static io.wasmgate.abi.testing.Probe.UNTOUCHED;
import static io.wasmgate.abi.testing.Probe.slot;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_BUFFER_BYTES;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_BUFFER_STATUS;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_CONFIGURATION;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_SET_BUFFER_BYTES;
import static io.wasmgate.abi.wire.WasmResult.BAD_ARGUMENT;
import static io.wasmgate.abi.wire.WasmResult.INVALID_MEMORY_ACCESS;
import static io.wasmgate.abi.wire.WasmResult.NOT_FOUND;
import static io.wasmgate.abi.wire.WasmResult.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code proxy_get_buffer_bytes}, {@code proxy_set_buffer_bytes}, {@code proxy_get_buffer_status} and the
 * ABI 0.1.0 {@code proxy_get_configuration}.
 */
class BufferHostcallsTest {
    private static final int REQUEST_BODY = 0;
    private static final int RESPONSE_BODY = 1;
    private static final int DOWNSTREAM_DATA = 2;
    private static final int UPSTREAM_DATA = 3;
    private static final int HTTP_CALL_RESPONSE_BODY = 4;
    private static final int GRPC_RECEIVE_BUFFER = 5;
    private static final int VM_CONFIGURATION = 6;
    private static final int PLUGIN_CONFIGURATION = 7;
    private static final int FOREIGN_FUNCTION_ARGUMENTS = 8;
    private static final int ALL = -1;

    /** Runs {@code program}'s request steps on a stream whose request body is one chunk of {@code body}. */
    private static StreamContext requestWithBody(Probe probe, String body) {
        StreamContext stream = probe.newStream(new RecordingExchange());
        stream.onRequestHeaders(new Headers().add(":method", "POST"), false);
        probe.fillScratch();
        stream.onRequestBody(body.getBytes(StandardCharsets.UTF_8), true);
        return stream;
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void maxSizeAllOnesReadsTheWholeBodyIntoAFreshGuestBlock(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_BODY).call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 0, ALL, RET_PTR, RET_SIZE);
        try (Probe probe = Probe.start(engine, program)) {
            requestWithBody(probe, "hello world");
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.returned()).asString().isEqualTo("hello world");
            assertThat(probe.u32(RET_PTR)).isEqualTo(HEAP);
            assertThat(probe.allocations()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void startAndMaxSizeAreClampedAndEmptyResultsAreZeroZeroWithoutAllocating(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_BODY)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 6, 5, slot(0), slot(0) + 4)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 6, 100, slot(1), slot(1) + 4)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 0, 5, slot(2), slot(2) + 4)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 11, 5, slot(3), slot(3) + 4)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, -1, 1, slot(4), slot(4) + 4)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 0, 0, slot(5), slot(5) + 4);
        try (Probe probe = Probe.start(engine, program)) {
            requestWithBody(probe, "hello world");
            assertThat(probe.statuses()).containsOnly(OK).hasSize(6);
            assertThat(probe.returned(slot(0))).asString().isEqualTo("world");
            assertThat(probe.returned(slot(1))).asString().isEqualTo("world");
            assertThat(probe.returned(slot(2))).asString().isEqualTo("hello");
            for (int empty = 3; empty <= 5; empty++) {
                assertThat(probe.u32(slot(empty))).as("pointer of result %d", empty).isZero();
                assertThat(probe.u32(slot(empty) + 4)).as("size of result %d", empty).isZero();
            }
            assertThat(probe.allocations()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void statusWritesTheLengthAndZeroFlags(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_BODY).call(PROXY_GET_BUFFER_STATUS, REQUEST_BODY, RET_U32, RET_FLAGS);
        try (Probe probe = Probe.start(engine, program)) {
            requestWithBody(probe, "hello world");
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.u32(RET_U32)).isEqualTo(11);
            assertThat(probe.u32(RET_FLAGS)).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void startZeroSizeZeroPrependsAndAStartPastTheEndAppends(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data open = program.blob("<");
        Data close = program.blob(">");
        Data bang = program.blob("!");
        program.on(Callback.ON_REQUEST_BODY)
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 0, 0, open.ptr(), open.len())
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 0x7FFFFFFF, 0, close.ptr(), close.len())
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, -1, 0, bang.ptr(), bang.len())
                .call(PROXY_GET_BUFFER_STATUS, REQUEST_BODY, RET_U32, RET_FLAGS);
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = requestWithBody(probe, "hello world");
            assertThat(probe.statuses()).containsExactly(OK, OK, OK, OK);
            assertThat(stream.requestBody().bytes()).asString().isEqualTo("<hello world>!");
            assertThat(probe.u32(RET_U32)).isEqualTo(14);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void startZeroWithTheLengthOrMoreReplacesEverything(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data bye = program.blob("bye");
        Data ciao = program.blob("ciao");
        program.on(Callback.ON_REQUEST_BODY)
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 0, 11, bye.ptr(), bye.len())
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 0, ALL, slot(0), slot(0) + 4)
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 0, ALL, ciao.ptr(), ciao.len())
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 0, 2, 0, 0);
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = requestWithBody(probe, "hello world");
            assertThat(probe.statuses()).containsExactly(OK, OK, OK, OK);
            assertThat(probe.returned(slot(0))).asString().isEqualTo("bye");
            assertThat(stream.requestBody().bytes()).as("(0, n) with no data drops a prefix").asString().isEqualTo("ao");
        }
    }

    /** Decision: Envoy answers BAD_ARGUMENT for a start inside the body; Wasmgate splices there. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aStartInsideTheBodyReplacesThatRange(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data there = program.blob("there");
        program.on(Callback.ON_REQUEST_BODY).call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 6, 5, there.ptr(), there.len());
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = requestWithBody(probe, "hello world");
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(stream.requestBody().bytes()).asString().isEqualTo("hello there");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void setBufferReplacingWholeBodyKeepsNoAliasToGuestMemory(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data bye = program.blob("bye");
        program.on(Callback.ON_REQUEST_BODY).call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 0, ALL, bye.ptr(), bye.len());
        program.on(Callback.ON_REQUEST_TRAILERS).call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 0, ALL, RET_PTR, RET_SIZE);
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            stream.onRequestHeaders(new Headers().add(":method", "POST"), false);
            stream.onRequestBody(bytes("hello world"), false);
            probe.write(bye.ptr(), bytes("XYZ"));
            assertThat(stream.requestBody().bytes()).as("the guest's bytes changed after the set").asString().isEqualTo("bye");

            stream.onRequestTrailers(new Headers().add("x-checksum", "1"));
            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(probe.returned()).asString().isEqualTo("bye");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void getBufferBytesReadsTheRequestedSliceOfALargerBackingArray(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data longer = program.blob("hello world, and more");
        program.on(Callback.ON_REQUEST_BODY)
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 0, ALL, longer.ptr(), longer.len())
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 11, ALL, 0, 0)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 0, ALL, slot(0), slot(0) + 4)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 6, 3, slot(1), slot(1) + 4)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 8, ALL, slot(2), slot(2) + 4);
        try (Probe probe = Probe.start(engine, program)) {
            byte[] marker = new byte[64];
            Arrays.fill(marker, (byte) 0xA5);
            probe.write(HEAP, marker);
            StreamContext stream = requestWithBody(probe, "x");
            assertThat(probe.statuses()).containsOnly(OK).hasSize(5);
            assertThat(stream.requestBody().bytes()).as("truncated in place").asString().isEqualTo("hello world");
            assertThat(probe.returned(slot(0))).asString().isEqualTo("hello world");
            assertThat(probe.returned(slot(1))).asString().isEqualTo("wor");
            assertThat(probe.returned(slot(2))).asString().isEqualTo("rld");
            assertThat(probe.u32(slot(1))).as("8-byte aligned blocks").isEqualTo(HEAP + 16);
            assertThat(probe.u32(slot(2))).isEqualTo(HEAP + 24);
            assertThat(probe.bytes(HEAP + 11, 5)).as("nothing past the content reaches the guest").containsOnly(0xA5);
            assertThat(probe.bytes(HEAP + 19, 5)).containsOnly(0xA5);
            assertThat(probe.bytes(HEAP + 27, 5)).containsOnly(0xA5);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void editingADeliveredChunkLeavesTheIntegrationsArrayUntouched(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data there = program.blob("there");
        Data bang = program.blob("!");
        program.on(Callback.ON_REQUEST_BODY)
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 6, 5, there.ptr(), there.len())
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 0x7FFFFFFF, 0, bang.ptr(), bang.len());
        program.on(Callback.ON_RESPONSE_BODY)
                .call(PROXY_SET_BUFFER_BYTES, RESPONSE_BODY, 0, 2, bang.ptr(), bang.len());
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            byte[] request = bytes("hello world");
            byte[] response = bytes("pong");
            stream.onRequestHeaders(new Headers().add(":method", "POST"), false);
            stream.onRequestBody(request, true);
            stream.onResponseHeaders(new Headers().add(":status", "200"), false);
            stream.onResponseBody(response, true);
            assertThat(probe.statuses()).containsExactly(OK, OK, OK);
            assertThat(stream.requestBody().bytes()).asString().isEqualTo("hello there!");
            assertThat(stream.responseBody().bytes()).asString().isEqualTo("!ng");
            assertThat(request).asString().isEqualTo("hello world");
            assertThat(response).asString().isEqualTo("pong");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aBodySetBeforeAnyChunkIsTheOneTheIntegrationReads(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data early = program.blob("early");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_BUFFER_STATUS, REQUEST_BODY, RET_U32, RET_FLAGS)
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 0, 0, early.ptr(), early.len());
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            stream.onRequestHeaders(new Headers().add(":method", "POST"), false);
            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(probe.u32(RET_U32)).isZero();
            assertThat(stream.requestBody().bytes()).asString().isEqualTo("early");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theResponseBodyIsReadAndWrittenInOnResponseBody(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data loud = program.blob("PONG!");
        program.on(Callback.ON_RESPONSE_BODY)
                .call(PROXY_GET_BUFFER_BYTES, RESPONSE_BODY, 0, ALL, RET_PTR, RET_SIZE)
                .call(PROXY_SET_BUFFER_BYTES, RESPONSE_BODY, 0, 4, loud.ptr(), loud.len())
                .call(PROXY_GET_BUFFER_STATUS, RESPONSE_BODY, RET_U32, RET_FLAGS);
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            stream.onRequestHeaders(new Headers(), true);
            stream.onResponseHeaders(new Headers().add(":status", "200"), false);
            stream.onResponseBody("pong".getBytes(StandardCharsets.UTF_8), true);
            assertThat(probe.statuses()).containsExactly(OK, OK, OK);
            assertThat(probe.returned()).asString().isEqualTo("pong");
            assertThat(stream.responseBody().bytes()).asString().isEqualTo("PONG!");
            assertThat(probe.u32(RET_U32)).isEqualTo(5);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void bodiesAreReadOnlyInOnLog(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data data = program.blob("x");
        program.on(Callback.ON_LOG)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 0, ALL, RET_PTR, RET_SIZE)
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 0, 0, data.ptr(), data.len())
                .call(PROXY_SET_BUFFER_BYTES, RESPONSE_BODY, 0, 0, data.ptr(), data.len());
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = requestWithBody(probe, "hello");
            stream.onResponseHeaders(new Headers().add(":status", "200"), true);
            stream.onLog();
            assertThat(probe.statuses()).containsExactly(OK, BAD_ARGUMENT, BAD_ARGUMENT);
            assertThat(probe.returned()).asString().isEqualTo("hello");
            assertThat(stream.requestBody().bytes()).asString().isEqualTo("hello");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theRootContextHasEmptyBodiesItCannotWrite(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data data = program.blob("x");
        program.on(Callback.ON_CONFIGURE)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 0, ALL, slot(0), slot(0) + 4)
                .call(PROXY_GET_BUFFER_BYTES, RESPONSE_BODY, 0, ALL, slot(1), slot(1) + 4)
                .call(PROXY_GET_BUFFER_BYTES, DOWNSTREAM_DATA, 0, ALL, slot(2), slot(2) + 4)
                .call(PROXY_GET_BUFFER_BYTES, UPSTREAM_DATA, 0, ALL, slot(3), slot(3) + 4)
                .call(PROXY_GET_BUFFER_BYTES, GRPC_RECEIVE_BUFFER, 0, ALL, slot(4), slot(4) + 4)
                .call(PROXY_GET_BUFFER_STATUS, REQUEST_BODY, RET_U32, RET_FLAGS)
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 0, 0, data.ptr(), data.len())
                .call(PROXY_SET_BUFFER_BYTES, RESPONSE_BODY, 0, 0, data.ptr(), data.len());
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(OK, OK, OK, OK, OK, OK, BAD_ARGUMENT, BAD_ARGUMENT);
            for (int i = 0; i <= 4; i++) {
                assertThat(probe.returned(slot(i))).isEmpty();
                assertThat(probe.u32(slot(i))).isZero();
            }
            assertThat(probe.u32(RET_U32)).isZero();
            assertThat(probe.allocations()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void vmConfigurationIsReadableAtAnyTimeAndReadOnly(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data data = program.blob("x");
        program.on(Callback.ON_CONFIGURE)
                .call(PROXY_GET_BUFFER_BYTES, VM_CONFIGURATION, 0, ALL, RET_PTR, RET_SIZE)
                .call(PROXY_GET_BUFFER_STATUS, VM_CONFIGURATION, RET_U32, RET_FLAGS)
                .call(PROXY_SET_BUFFER_BYTES, VM_CONFIGURATION, 0, 0, data.ptr(), data.len());
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_BUFFER_BYTES, VM_CONFIGURATION, 3, ALL, RET_PTR, RET_SIZE)
                .call(PROXY_SET_BUFFER_BYTES, VM_CONFIGURATION, 0, ALL, data.ptr(), data.len());
        try (Probe probe = Probe.start(engine, program, config -> config.withVmConfiguration(bytes("vm-config")))) {
            assertThat(probe.statuses()).containsExactly(OK, OK, BAD_ARGUMENT);
            assertThat(probe.returned()).asString().isEqualTo("vm-config");
            assertThat(probe.u32(RET_U32)).isEqualTo(9);

            probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), true);
            assertThat(probe.statuses()).containsExactly(OK, BAD_ARGUMENT);
            assertThat(probe.returned()).asString().isEqualTo("config");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void pluginConfigurationIsReadableOnlyWhileConfiguring(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data data = program.blob("x");
        program.on(Callback.ON_VM_START)
                .call(PROXY_GET_BUFFER_BYTES, PLUGIN_CONFIGURATION, 0, ALL, slot(0), slot(0) + 4)
                .call(PROXY_GET_BUFFER_STATUS, PLUGIN_CONFIGURATION, RET_U32, RET_FLAGS);
        program.on(Callback.ON_CONFIGURE)
                .call(PROXY_GET_BUFFER_BYTES, PLUGIN_CONFIGURATION, 0, ALL, slot(1), slot(1) + 4)
                .call(PROXY_GET_BUFFER_BYTES, PLUGIN_CONFIGURATION, 7, 6, slot(2), slot(2) + 4)
                .call(PROXY_GET_BUFFER_STATUS, PLUGIN_CONFIGURATION, RET_U32, RET_FLAGS)
                .call(PROXY_SET_BUFFER_BYTES, PLUGIN_CONFIGURATION, 0, 0, data.ptr(), data.len());
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_BUFFER_BYTES, PLUGIN_CONFIGURATION, 0, ALL, RET_PTR, RET_SIZE)
                .call(PROXY_GET_BUFFER_STATUS, PLUGIN_CONFIGURATION, RET_U32, RET_FLAGS)
                .call(PROXY_SET_BUFFER_BYTES, PLUGIN_CONFIGURATION, 0, 0, data.ptr(), data.len());
        try (Probe probe = Probe.start(engine, program,
                config -> config.withVmConfiguration(program.toBytes()).withConfiguration("plugin-config"))) {
            assertThat(probe.statuses()).containsExactly(NOT_FOUND, NOT_FOUND, OK, OK, OK, BAD_ARGUMENT);
            assertThat(probe.returned(slot(1))).asString().isEqualTo("plugin-config");
            assertThat(probe.returned(slot(2))).asString().isEqualTo("config");
            assertThat(probe.u32(RET_U32)).isEqualTo(13);

            probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), true);
            assertThat(probe.statuses()).containsExactly(NOT_FOUND, NOT_FOUND, NOT_FOUND);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void callResponseAndForeignArgumentsAreNotFoundWhileDataAndGrpcBuffersReadEmpty(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data data = program.blob("x");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_BUFFER_BYTES, HTTP_CALL_RESPONSE_BODY, 0, ALL, RET_PTR, RET_SIZE)
                .call(PROXY_GET_BUFFER_STATUS, HTTP_CALL_RESPONSE_BODY, RET_U32, RET_FLAGS)
                .call(PROXY_SET_BUFFER_BYTES, HTTP_CALL_RESPONSE_BODY, 0, 0, data.ptr(), data.len())
                .call(PROXY_GET_BUFFER_BYTES, FOREIGN_FUNCTION_ARGUMENTS, 0, ALL, RET_PTR, RET_SIZE)
                .call(PROXY_GET_BUFFER_BYTES, DOWNSTREAM_DATA, 0, ALL, slot(0), slot(0) + 4)
                .call(PROXY_GET_BUFFER_BYTES, UPSTREAM_DATA, 0, ALL, slot(1), slot(1) + 4)
                .call(PROXY_GET_BUFFER_BYTES, GRPC_RECEIVE_BUFFER, 0, ALL, slot(2), slot(2) + 4)
                .call(PROXY_SET_BUFFER_BYTES, DOWNSTREAM_DATA, 0, 0, data.ptr(), data.len())
                .call(PROXY_SET_BUFFER_BYTES, GRPC_RECEIVE_BUFFER, 0, 0, data.ptr(), data.len());
        try (Probe probe = Probe.start(engine, program)) {
            probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), true);
            assertThat(probe.statuses()).containsExactly(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
                    OK, OK, OK, BAD_ARGUMENT, BAD_ARGUMENT);
            assertThat(probe.allocations()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void unknownBufferTypeIsBadArgument(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data data = program.blob("x");
        program.on(Callback.ON_REQUEST_BODY)
                .call(PROXY_GET_BUFFER_BYTES, 9, 0, ALL, RET_PTR, RET_SIZE)
                .call(PROXY_GET_BUFFER_BYTES, -1, 0, ALL, RET_PTR, RET_SIZE)
                .call(PROXY_SET_BUFFER_BYTES, 9, 0, 0, data.ptr(), data.len())
                .call(PROXY_SET_BUFFER_BYTES, Integer.MIN_VALUE, 0, 0, data.ptr(), data.len())
                .call(PROXY_GET_BUFFER_STATUS, 9, RET_U32, RET_FLAGS)
                .call(PROXY_GET_BUFFER_STATUS, 0x7FFFFFFF, RET_U32, RET_FLAGS);
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = requestWithBody(probe, "hello");
            assertThat(probe.statuses()).containsOnly(BAD_ARGUMENT).hasSize(6);
            assertThat(probe.u32(RET_PTR)).isEqualTo(UNTOUCHED);
            assertThat(probe.u32(RET_U32)).isEqualTo(UNTOUCHED);
            assertThat(stream.requestBody().bytes()).asString().isEqualTo("hello");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void badPointersAndLengthsAreInvalidMemoryAccessAndAllocateNothing(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_BODY)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 0, ALL, MEMORY_END, RET_SIZE)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 0, ALL, RET_PTR, MEMORY_END - 2)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 0, ALL, -1, RET_SIZE)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 100, 5, MEMORY_END, RET_SIZE)
                .call(PROXY_GET_BUFFER_STATUS, REQUEST_BODY, MEMORY_END, RET_FLAGS)
                .call(PROXY_GET_BUFFER_STATUS, REQUEST_BODY, RET_U32, MEMORY_END)
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 0, 0, MEMORY_END, 1)
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 0, 0, -16, 32)
                .call(PROXY_SET_BUFFER_BYTES, REQUEST_BODY, 0, 0, 0, -1);
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = requestWithBody(probe, "hello");
            assertThat(probe.statuses()).containsOnly(INVALID_MEMORY_ACCESS).hasSize(9);
            assertThat(probe.allocations()).isZero();
            assertThat(probe.u32(RET_PTR)).isEqualTo(UNTOUCHED);
            assertThat(probe.u32(RET_SIZE)).isEqualTo(UNTOUCHED);
            assertThat(probe.u32(RET_U32)).as("nothing is written when the flags slot is bad").isEqualTo(UNTOUCHED);
            assertThat(probe.u32(RET_FLAGS)).isEqualTo(UNTOUCHED);
            assertThat(stream.requestBody().bytes()).asString().isEqualTo("hello");
            assertThat(probe.vm().failed()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aFailingGuestAllocatorMakesTheCallInvalidMemoryAccess(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_BODY)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 0, ALL, RET_PTR, RET_SIZE)
                .call(PROXY_GET_BUFFER_BYTES, REQUEST_BODY, 5, 0, slot(0), slot(0) + 4);
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            stream.onRequestHeaders(new Headers(), false);
            probe.fillScratch();
            probe.writeU32(Probe.HEAP_TOP, -16);
            stream.onRequestBody("hello".getBytes(StandardCharsets.UTF_8), true);
            assertThat(probe.statuses()).as("the allocator returns 0; an empty result needs no allocation")
                    .containsExactly(INVALID_MEMORY_ACCESS, OK);
            assertThat(probe.u32(RET_PTR)).isEqualTo(UNTOUCHED);
            assertThat(probe.u32(RET_SIZE)).isEqualTo(UNTOUCHED);
            assertThat(probe.vm().failed()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void legacyGetConfigurationReturnsTheVmConfigurationInVmStartAndThePluginsInConfigure(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_VM_START).call(PROXY_GET_CONFIGURATION, slot(0), slot(0) + 4);
        program.on(Callback.ON_CONFIGURE)
                .call(PROXY_GET_CONFIGURATION, slot(1), slot(1) + 4)
                .call(PROXY_GET_CONFIGURATION, MEMORY_END, slot(2) + 4);
        program.on(Callback.ON_REQUEST_HEADERS).call(PROXY_GET_CONFIGURATION, RET_PTR, RET_SIZE);
        try (Probe probe = Probe.start(engine, program,
                config -> config.withVmConfiguration(program.toBytes()).withConfiguration("plugin-config"))) {
            assertThat(probe.statuses()).containsExactly(OK, OK, INVALID_MEMORY_ACCESS);
            assertThat(probe.returned(slot(0))).isEqualTo(program.toBytes());
            assertThat(probe.returned(slot(1))).asString().isEqualTo("plugin-config");

            probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), true);
            assertThat(probe.statuses()).containsExactly(NOT_FOUND);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
