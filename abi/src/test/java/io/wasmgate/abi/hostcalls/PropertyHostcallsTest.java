package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.Probe.MEMORY_END;
import static io.wasmgate.abi.testing.Probe.RET_PTR;
import static io.wasmgate.abi.testing.Probe.RET_SIZE;
import static io.wasmgate.abi.testing.Probe.UNTOUCHED;
import static io.wasmgate.abi.testing.Probe.slot;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_PROPERTY;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_SET_PROPERTY;
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
import io.wasmgate.abi.testing.ProbeProgram.Steps;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.PropertyValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code proxy_get_property} and {@code proxy_set_property}. */
class PropertyHostcallsTest {

    /** Adds one {@code proxy_get_property} per path, path {@code i} returned through {@link Probe#slot(int) slot(i)}. */
    private static void getEach(ProbeProgram program, Steps steps, String... paths) {
        for (int i = 0; i < paths.length; i++) {
            Data path = program.blob(paths[i]);
            steps.call(PROXY_GET_PROPERTY, path.ptr(), path.len(), slot(i), slot(i) + 4);
        }
    }

    private static Headers request() {
        return new Headers()
                .add(":method", "POST")
                .add(":path", "/orders/7?x=1&y=2")
                .add(":authority", "shop.example")
                .add(":scheme", "https")
                .add("referer", "https://ref.example/")
                .add("user-agent", "probe/1.0")
                .add("x-request-id", "req-42")
                .add("x-m", "a")
                .add("x-m", "b");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void thePluginIdentityIsServedToTheRootWhileConfiguringAndToStreams(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        getEach(program, program.on(Callback.ON_CONFIGURE), "plugin_name", "plugin_root_id", "plugin_vm_id");
        getEach(program, program.on(Callback.ON_REQUEST_HEADERS), "plugin_name", "plugin_root_id", "plugin_vm_id\0");
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(OK, OK, OK);
            assertThat(strings(probe, 3)).containsExactly("probe", "probe_root", "probe_vm");

            probe.newStream(new RecordingExchange()).onRequestHeaders(request(), true);
            assertThat(probe.statuses()).as("a trailing NUL is tolerated").containsExactly(OK, OK, OK);
            assertThat(strings(probe, 3)).containsExactly("probe", "probe_root", "probe_vm");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void requestAttributesFollowTheRequestHeaders(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        getEach(program, program.on(Callback.ON_REQUEST_HEADERS),
                "request\0path", "request\0url_path", "request\0host", "request\0scheme", "request\0method",
                "request\0query", "request\0referer", "request\0useragent", "request\0id");
        try (Probe probe = Probe.start(engine, program)) {
            probe.newStream(new RecordingExchange()).onRequestHeaders(request(), true);
            assertThat(probe.statuses()).containsOnly(OK).hasSize(9);
            assertThat(strings(probe, 9)).containsExactly("/orders/7?x=1&y=2", "/orders/7", "shop.example", "https",
                    "POST", "x=1&y=2", "https://ref.example/", "probe/1.0", "req-42");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void requestHeadersIsAPairsMapWithRepeatedValuesJoinedByCommas(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        getEach(program, program.on(Callback.ON_REQUEST_HEADERS), "request\0headers");
        try (Probe probe = Probe.start(engine, program)) {
            probe.newStream(new RecordingExchange())
                    .onRequestHeaders(new Headers().add(":path", "/").add("x-m", "a").add("x-m", "b"), true);
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.returned(slot(0))).containsExactly(
                    0x02, 0x00, 0x00, 0x00,
                    0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                    0x03, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
                    ':', 'p', 'a', 't', 'h', 0x00, '/', 0x00,
                    'x', '-', 'm', 0x00, 'a', ',', 'b', 0x00);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aNestedPathIndexesIntoTheHeadersMap(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        getEach(program, program.on(Callback.ON_REQUEST_HEADERS),
                "request\0headers\0user-agent", "request\0headers\0x-m", "request\0headers\0missing",
                "request\0path\0deeper");
        try (Probe probe = Probe.start(engine, program)) {
            probe.newStream(new RecordingExchange()).onRequestHeaders(request(), true);
            assertThat(probe.statuses()).containsExactly(OK, OK, NOT_FOUND, NOT_FOUND);
            assertThat(strings(probe, 2)).containsExactly("probe/1.0", "a,b");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void responseCodeIsAnEightByteLittleEndianIntegerAndResponseHeadersAMap(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        getEach(program, program.on(Callback.ON_REQUEST_HEADERS), "response\0code");
        getEach(program, program.on(Callback.ON_RESPONSE_HEADERS),
                "response\0code", "response\0headers", "response\0headers\0content-type");
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            stream.onRequestHeaders(request(), true);
            assertThat(probe.statuses()).as("no response yet").containsExactly(NOT_FOUND);

            stream.onResponseHeaders(new Headers().add(":status", "404").add("content-type", "text/plain"), true);
            assertThat(probe.statuses()).containsExactly(OK, OK, OK);
            assertThat(probe.returned(slot(0))).containsExactly(0x94, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
            assertThat(probe.returned(slot(1))).containsExactly(
                    0x02, 0x00, 0x00, 0x00,
                    0x07, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
                    0x0C, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00,
                    ':', 's', 't', 'a', 't', 'u', 's', 0x00, '4', '0', '4', 0x00,
                    'c', 'o', 'n', 't', 'e', 'n', 't', '-', 't', 'y', 'p', 'e', 0x00,
                    't', 'e', 'x', 't', '/', 'p', 'l', 'a', 'i', 'n', 0x00);
            assertThat(probe.returned(slot(2))).asString().isEqualTo("text/plain");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void attributesOnlyTheIntegrationKnowsComeFromTheExchange(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        getEach(program, program.on(Callback.ON_REQUEST_HEADERS),
                "source\0address", "request\0protocol", "destination\0port", "source\0port");
        try (Probe probe = Probe.start(engine, program)) {
            RecordingExchange exchange = new RecordingExchange();
            exchange.attributes.put("source.address", PropertyValue.ofString("10.0.0.1:5000"));
            exchange.attributes.put("request.protocol", PropertyValue.ofString("HTTP/1.1"));
            exchange.attributes.put("destination.port", PropertyValue.ofInt(8080));
            probe.newStream(exchange).onRequestHeaders(request(), true);
            assertThat(probe.statuses()).containsExactly(OK, OK, OK, NOT_FOUND);
            assertThat(strings(probe, 2)).containsExactly("10.0.0.1:5000", "HTTP/1.1");
            assertThat(probe.returned(slot(2))).containsExactly(0x90, 0x1F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void unknownPropertiesAreNotFoundAndWriteNothing(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        getEach(program, program.on(Callback.ON_REQUEST_HEADERS), "no\0such", "request\0nope", "", "plugin_name\0x",
                "request");
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            probe.fillScratch();
            stream.onRequestHeaders(request(), true);
            assertThat(probe.statuses()).containsOnly(NOT_FOUND).hasSize(5);
            for (int i = 0; i < 5; i++) {
                assertThat(probe.u32(slot(i))).isEqualTo(UNTOUCHED);
            }
            assertThat(probe.allocations()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anEmptyValueIsOkWithZeroPointerAndSize(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        getEach(program, program.on(Callback.ON_REQUEST_HEADERS), "request\0query");
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            probe.fillScratch();
            stream.onRequestHeaders(new Headers().add(":path", "/no-query"), true);
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.u32(slot(0))).isZero();
            assertThat(probe.u32(slot(0) + 4)).isZero();
            assertThat(probe.allocations()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aSetPropertyReadsBackOnTheSameStreamOnly(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data key = program.blob("my\0key");
        Data v1 = program.blob("v1");
        Data v2 = program.blob(new byte[] {0, (byte) 0xFF, 2});
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_SET_PROPERTY, key.ptr(), key.len(), v1.ptr(), v1.len())
                .call(PROXY_GET_PROPERTY, key.ptr(), key.len(), slot(0), slot(0) + 4)
                .call(PROXY_SET_PROPERTY, key.ptr(), key.len(), v2.ptr(), v2.len());
        program.on(Callback.ON_RESPONSE_HEADERS).call(PROXY_GET_PROPERTY, key.ptr(), key.len(), slot(1), slot(1) + 4);
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext first = probe.newStream(new RecordingExchange());
            first.onRequestHeaders(request(), true);
            assertThat(probe.statuses()).containsExactly(OK, OK, OK);
            assertThat(probe.returned(slot(0))).asString().isEqualTo("v1");

            first.onResponseHeaders(new Headers().add(":status", "200"), true);
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.returned(slot(1))).containsExactly(0x00, 0xFF, 0x02);

            probe.newStream(new RecordingExchange()).onResponseHeaders(new Headers().add(":status", "200"), true);
            assertThat(probe.statuses()).as("another stream").containsExactly(NOT_FOUND);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anEmptySetPropertyValueReadsBackAsZeroPointerAndSize(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data key = program.blob("flag");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_SET_PROPERTY, key.ptr(), key.len(), 0, 0)
                .call(PROXY_GET_PROPERTY, key.ptr(), key.len(), RET_PTR, RET_SIZE);
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            probe.fillScratch();
            stream.onRequestHeaders(request(), true);
            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(probe.u32(RET_PTR)).isZero();
            assertThat(probe.u32(RET_SIZE)).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anEmptyPathCannotBeSet(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data value = program.blob("v");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_SET_PROPERTY, value.ptr(), 0, value.ptr(), value.len())
                .call(PROXY_GET_PROPERTY, value.ptr(), 0, RET_PTR, RET_SIZE);
        try (Probe probe = Probe.start(engine, program)) {
            probe.newStream(new RecordingExchange()).onRequestHeaders(request(), true);
            assertThat(probe.statuses()).containsExactly(BAD_ARGUMENT, NOT_FOUND);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theRootContextCannotStorePropertiesAndHasNoRequest(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data key = program.blob("my\0key");
        Data value = program.blob("v");
        Steps configure = program.on(Callback.ON_CONFIGURE)
                .call(PROXY_SET_PROPERTY, key.ptr(), key.len(), value.ptr(), value.len())
                .call(PROXY_GET_PROPERTY, key.ptr(), key.len(), RET_PTR, RET_SIZE);
        getEach(program, configure, "request\0path", "request\0headers", "source\0address");
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsOnly(NOT_FOUND).hasSize(5);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void badPointersAreInvalidMemoryAccessAndStoreNothing(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data known = program.blob("plugin_name");
        Data key = program.blob("k");
        Data value = program.blob("v");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_PROPERTY, MEMORY_END, 1, RET_PTR, RET_SIZE)
                .call(PROXY_GET_PROPERTY, -1, 2, RET_PTR, RET_SIZE)
                .call(PROXY_GET_PROPERTY, known.ptr(), known.len(), MEMORY_END, RET_SIZE)
                .call(PROXY_GET_PROPERTY, known.ptr(), known.len(), RET_PTR, MEMORY_END - 3)
                .call(PROXY_SET_PROPERTY, MEMORY_END - 1, 2, value.ptr(), value.len())
                .call(PROXY_SET_PROPERTY, key.ptr(), key.len(), -16, 32)
                .call(PROXY_SET_PROPERTY, key.ptr(), key.len(), value.ptr(), -1)
                .call(PROXY_GET_PROPERTY, key.ptr(), key.len(), RET_PTR, RET_SIZE);
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            probe.fillScratch();
            stream.onRequestHeaders(request(), true);
            assertThat(probe.statuses()).isEqualTo(List.of(INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS,
                    INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS,
                    INVALID_MEMORY_ACCESS, NOT_FOUND));
            assertThat(probe.u32(RET_PTR)).isEqualTo(UNTOUCHED);
            assertThat(probe.allocations()).isZero();
        }
    }

    /** The first {@code n} returned slots as UTF-8. */
    private static List<String> strings(Probe probe, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> new String(probe.returned(slot(i)), StandardCharsets.UTF_8))
                .toList();
    }
}
