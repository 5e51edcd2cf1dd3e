package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.Probe.MEMORY_END;
import static io.wasmgate.abi.testing.Probe.RET_PTR;
import static io.wasmgate.abi.testing.Probe.RET_SIZE;
import static io.wasmgate.abi.testing.Probe.RET_U32;
import static io.wasmgate.abi.testing.Probe.UNTOUCHED;
import static io.wasmgate.abi.testing.Probe.slot;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_ADD_HEADER_MAP_VALUE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_HEADER_MAP_PAIRS;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_HEADER_MAP_SIZE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_HEADER_MAP_VALUE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_REMOVE_HEADER_MAP_VALUE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_REPLACE_HEADER_MAP_VALUE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_SET_HEADER_MAP_PAIRS;
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
import io.wasmgate.abi.wire.HeaderField;
import io.wasmgate.abi.wire.HeaderPairsCodec;
import io.wasmgate.abi.wire.WasmResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The seven header map hostcalls and the pairs format. */
class HeaderMapHostcallsTest {
    private static final int REQUEST_HEADERS = 0;
    private static final int REQUEST_TRAILERS = 1;
    private static final int RESPONSE_HEADERS = 2;
    private static final int RESPONSE_TRAILERS = 3;

    /** A stream whose request headers callback runs with {@code headers}; scratch is filled first. */
    private static StreamContext requestHeaders(Probe probe, Headers headers) {
        StreamContext stream = probe.newStream(new RecordingExchange());
        probe.fillScratch();
        stream.onRequestHeaders(headers, false);
        return stream;
    }

    /** Every one of the seven calls on {@code map}, in ABI order, with valid pointers. */
    private static Steps allSeven(ProbeProgram program, Steps steps, int map) {
        Data key = program.blob("k");
        Data value = program.blob("v");
        Data pairs = program.pairs("k", "v");
        return steps.call(PROXY_GET_HEADER_MAP_SIZE, map, RET_U32)
                .call(PROXY_GET_HEADER_MAP_PAIRS, map, RET_PTR, RET_SIZE)
                .call(PROXY_SET_HEADER_MAP_PAIRS, map, pairs.ptr(), pairs.len())
                .call(PROXY_GET_HEADER_MAP_VALUE, map, key.ptr(), key.len(), RET_PTR, RET_SIZE)
                .call(PROXY_ADD_HEADER_MAP_VALUE, map, key.ptr(), key.len(), value.ptr(), value.len())
                .call(PROXY_REPLACE_HEADER_MAP_VALUE, map, key.ptr(), key.len(), value.ptr(), value.len())
                .call(PROXY_REMOVE_HEADER_MAP_VALUE, map, key.ptr(), key.len());
    }

    /** What {@link #allSeven} records for a map the context does not have: only the pairs read is OK (empty). */
    private static final List<WasmResult> UNAVAILABLE =
            List.of(BAD_ARGUMENT, OK, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT);

    @ParameterizedTest
    @EnumSource(Engine.class)
    void getValueReturnsTheFirstValueWhateverTheCaseOfTheKey(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data multi = program.blob("X-MULTI");
        Data upper = program.blob("X-Upper");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_HEADER_MAP_VALUE, REQUEST_HEADERS, multi.ptr(), multi.len(), slot(0), slot(0) + 4)
                .call(PROXY_GET_HEADER_MAP_VALUE, REQUEST_HEADERS, upper.ptr(), upper.len(), slot(1), slot(1) + 4);
        try (Probe probe = Probe.start(engine, program)) {
            requestHeaders(probe, new Headers().add("x-multi", "a").add("x-multi", "b").add("x-upper", "V"));
            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(probe.returned(slot(0))).asString().isEqualTo("a");
            assertThat(probe.returned(slot(1))).asString().isEqualTo("V");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void missingHeaderIsNotFoundSinceAbi020AndWritesNothing(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data missing = program.blob("x-none");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_HEADER_MAP_VALUE, REQUEST_HEADERS, missing.ptr(), missing.len(), RET_PTR, RET_SIZE);
        try (Probe probe = Probe.start(engine, program)) {
            requestHeaders(probe, new Headers().add(":path", "/"));
            assertThat(probe.statuses()).containsExactly(NOT_FOUND);
            assertThat(probe.u32(RET_PTR)).isEqualTo(UNTOUCHED);
            assertThat(probe.u32(RET_SIZE)).isEqualTo(UNTOUCHED);
            assertThat(probe.allocations()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anEmptyValueIsReturnedAsZeroPointerAndZeroSize(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data empty = program.blob("x-empty");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_HEADER_MAP_VALUE, REQUEST_HEADERS, empty.ptr(), empty.len(), RET_PTR, RET_SIZE);
        try (Probe probe = Probe.start(engine, program)) {
            requestHeaders(probe, new Headers().add("x-empty", ""));
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.u32(RET_PTR)).isZero();
            assertThat(probe.u32(RET_SIZE)).isZero();
            assertThat(probe.allocations()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void valuesAreRawBytesAndNamesAreLowerCased(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("X-Bin");
        Data value = program.blob(new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF});
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_ADD_HEADER_MAP_VALUE, REQUEST_HEADERS, name.ptr(), name.len(), value.ptr(), value.len())
                .call(PROXY_GET_HEADER_MAP_VALUE, REQUEST_HEADERS, name.ptr(), name.len(), RET_PTR, RET_SIZE);
        try (Probe probe = Probe.start(engine, program)) {
            Headers request = new Headers();
            requestHeaders(probe, request);
            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(probe.returned()).containsExactly(0xC3, 0x28, 0xFF);
            assertThat(request.fields()).containsExactly(new HeaderField("x-bin", "\u00C3(\u00FF"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void pairsAreTheReferenceByteFormatAndSizeIsTheSumOfNameAndValueBytes(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_HEADER_MAP_PAIRS, REQUEST_HEADERS, RET_PTR, RET_SIZE)
                .call(PROXY_GET_HEADER_MAP_SIZE, REQUEST_HEADERS, RET_U32);
        try (Probe probe = Probe.start(engine, program)) {
            requestHeaders(probe, new Headers().add("a", "1").add("b", "22"));
            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(probe.returned()).containsExactly(
                    0x02, 0x00, 0x00, 0x00,
                    0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                    0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
                    0x61, 0x00, 0x31, 0x00,
                    0x62, 0x00, 0x32, 0x32, 0x00);
            assertThat(probe.u32(RET_U32)).as("Envoy's byteSize(), not the serialized size").isEqualTo(5);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void repeatedHeadersAreSeparatePairsInMapOrder(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_HEADER_MAP_PAIRS, REQUEST_HEADERS, RET_PTR, RET_SIZE)
                .call(PROXY_GET_HEADER_MAP_SIZE, REQUEST_HEADERS, RET_U32);
        try (Probe probe = Probe.start(engine, program)) {
            requestHeaders(probe, new Headers().add("a", "1").add("b", "22").add("a", "3"));
            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(probe.returned()).containsExactly(
                    0x03, 0x00, 0x00, 0x00,
                    0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                    0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
                    0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                    0x61, 0x00, 0x31, 0x00,
                    0x62, 0x00, 0x32, 0x32, 0x00,
                    0x61, 0x00, 0x33, 0x00);
            assertThat(probe.u32(RET_U32)).isEqualTo(7);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anEmptyMapHasZeroPointerPairsAndSizeZero(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_HEADER_MAP_PAIRS, REQUEST_HEADERS, RET_PTR, RET_SIZE)
                .call(PROXY_GET_HEADER_MAP_SIZE, REQUEST_HEADERS, RET_U32);
        try (Probe probe = Probe.start(engine, program)) {
            requestHeaders(probe, new Headers());
            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(probe.u32(RET_PTR)).isZero();
            assertThat(probe.u32(RET_SIZE)).isZero();
            assertThat(probe.u32(RET_U32)).isZero();
            assertThat(probe.allocations()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void setPairsReplacesTheWholeMapAndLowerCasesNames(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data pairs = program.pairs("X-New", "1", "x-two", "2", "x-two", "3");
        program.on(Callback.ON_REQUEST_HEADERS).call(PROXY_SET_HEADER_MAP_PAIRS, REQUEST_HEADERS, pairs.ptr(), pairs.len());
        try (Probe probe = Probe.start(engine, program)) {
            Headers request = new Headers().add(":path", "/").add("x-old", "o");
            requestHeaders(probe, request);
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(request.fields()).containsExactly(
                    new HeaderField("x-new", "1"), new HeaderField("x-two", "2"), new HeaderField("x-two", "3"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void malformedOrEmptyPairsClearTheMap(Engine engine) {
        List<byte[]> inputs = List.of(
                new byte[0],
                new byte[] {0},
                new byte[] {0, 0, 0, 0},
                new byte[] {1, 0, 0},
                concat(le(2, 1, 1, 1, 1), new byte[] {'a', 0, '1', 0}),        // says 2 pairs, holds 1
                concat(le(1, 1, 1), new byte[] {'a', 'x', '1', 0}),            // 'a' not followed by NUL
                concat(pairs("a", "1"), new byte[] {0}),                       // a byte after the last pair
                concat(le(-1, 1, 1), new byte[] {'a', 0, '1', 0}),             // 4294967295 pairs
                HeaderPairsCodec.encode(Collections.nCopies(1025, new HeaderField("a", "")))); // over 1024 pairs
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("k");
        Data value = program.blob("v");
        Steps steps = program.on(Callback.ON_REQUEST_HEADERS);
        for (int i = 0; i < inputs.size(); i++) {
            Data pairs = program.blob(inputs.get(i));
            steps.call(PROXY_ADD_HEADER_MAP_VALUE, REQUEST_HEADERS, name.ptr(), name.len(), value.ptr(), value.len())
                    .call(PROXY_SET_HEADER_MAP_PAIRS, REQUEST_HEADERS, pairs.ptr(), pairs.len())
                    .call(PROXY_GET_HEADER_MAP_SIZE, REQUEST_HEADERS, slot(i));
        }
        try (Probe probe = Probe.start(engine, program)) {
            Headers request = new Headers().add(":path", "/");
            requestHeaders(probe, request);
            assertThat(probe.statuses()).containsOnly(OK).hasSize(3 * inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                assertThat(probe.u32(slot(i))).as("map size after input %d", i).isZero();
            }
            assertThat(request.fields()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void addKeepsExistingValuesAndLowerCasesTheName(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("X-Multi");
        Data value = program.blob("c");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_ADD_HEADER_MAP_VALUE, REQUEST_HEADERS, name.ptr(), name.len(), value.ptr(), value.len());
        try (Probe probe = Probe.start(engine, program)) {
            Headers request = new Headers().add("x-multi", "a").add("x-multi", "b");
            requestHeaders(probe, request);
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(request.values("x-multi")).containsExactly("a", "b", "c");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void replaceLeavesOneValueWhereTheFirstWasAndAddsAnAbsentName(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data multi = program.blob("X-MULTI");
        Data absent = program.blob("x-absent");
        Data value = program.blob("z");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_REPLACE_HEADER_MAP_VALUE, REQUEST_HEADERS, multi.ptr(), multi.len(), value.ptr(), value.len())
                .call(PROXY_REPLACE_HEADER_MAP_VALUE, REQUEST_HEADERS, absent.ptr(), absent.len(), value.ptr(), value.len());
        try (Probe probe = Probe.start(engine, program)) {
            Headers request = new Headers().add("x-multi", "a").add("other", "o").add("x-multi", "b");
            requestHeaders(probe, request);
            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(request.fields()).containsExactly(
                    new HeaderField("x-multi", "z"), new HeaderField("other", "o"), new HeaderField("x-absent", "z"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void removeDropsEveryValueAndRemovingAMissingNameIsOk(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data multi = program.blob("X-Multi");
        Data missing = program.blob("x-none");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_REMOVE_HEADER_MAP_VALUE, REQUEST_HEADERS, multi.ptr(), multi.len())
                .call(PROXY_REMOVE_HEADER_MAP_VALUE, REQUEST_HEADERS, missing.ptr(), missing.len());
        try (Probe probe = Probe.start(engine, program)) {
            Headers request = new Headers().add("x-multi", "a").add("other", "o").add("x-multi", "b");
            requestHeaders(probe, request);
            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(request.fields()).containsExactly(new HeaderField("other", "o"));
        }
    }

    static Stream<Arguments> writableMaps() {
        List<Arguments> cases = new ArrayList<>();
        for (Engine engine : Engine.values()) {
            cases.add(Arguments.of(engine, REQUEST_HEADERS, Callback.ON_REQUEST_HEADERS));
            cases.add(Arguments.of(engine, REQUEST_TRAILERS, Callback.ON_REQUEST_TRAILERS));
            cases.add(Arguments.of(engine, RESPONSE_HEADERS, Callback.ON_RESPONSE_HEADERS));
            cases.add(Arguments.of(engine, RESPONSE_TRAILERS, Callback.ON_RESPONSE_TRAILERS));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: map {1} in {2}")
    @MethodSource("writableMaps")
    void everyCallWorksOnEachHttpMapInItsOwnCallback(Engine engine, int map, Callback callback) {
        ProbeProgram program = new ProbeProgram();
        Data k = program.blob("K");
        Data k2 = program.blob("k2");
        Data gone = program.blob("gone");
        Data v2 = program.blob("v2");
        Data r = program.blob("r");
        Data replacement = program.pairs("s", "1");
        program.on(callback)
                .call(PROXY_GET_HEADER_MAP_SIZE, map, RET_U32)
                .call(PROXY_GET_HEADER_MAP_PAIRS, map, slot(0), slot(0) + 4)
                .call(PROXY_GET_HEADER_MAP_VALUE, map, k.ptr(), k.len(), slot(1), slot(1) + 4)
                .call(PROXY_ADD_HEADER_MAP_VALUE, map, k2.ptr(), k2.len(), v2.ptr(), v2.len())
                .call(PROXY_REPLACE_HEADER_MAP_VALUE, map, k.ptr(), k.len(), r.ptr(), r.len())
                .call(PROXY_REMOVE_HEADER_MAP_VALUE, map, gone.ptr(), gone.len())
                .call(PROXY_GET_HEADER_MAP_PAIRS, map, slot(2), slot(2) + 4)
                .call(PROXY_SET_HEADER_MAP_PAIRS, map, replacement.ptr(), replacement.len());
        try (Probe probe = Probe.start(engine, program)) {
            Headers[] maps = {new Headers(), new Headers(), new Headers().add(":status", "200"), new Headers()};
            maps[map] = new Headers().add("k", "v").add("gone", "x");
            StreamContext stream = probe.newStream(new RecordingExchange());
            stream.onRequestHeaders(maps[REQUEST_HEADERS], false);
            stream.onRequestTrailers(maps[REQUEST_TRAILERS]);
            stream.onResponseHeaders(maps[RESPONSE_HEADERS], false);
            stream.onResponseTrailers(maps[RESPONSE_TRAILERS]);

            assertThat(probe.statuses()).containsOnly(OK).hasSize(8);
            assertThat(probe.u32(RET_U32)).isEqualTo(7);
            assertThat(probe.returned(slot(0))).isEqualTo(pairs("k", "v", "gone", "x"));
            assertThat(probe.returned(slot(1))).asString().isEqualTo("v");
            assertThat(probe.returned(slot(2))).isEqualTo(pairs("k", "r", "k2", "v2"));
            assertThat(maps[map].fields()).containsExactly(new HeaderField("s", "1"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void trailersMayBeAddedFromTheLastBodyCallback(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("x-trailer");
        Data value = program.blob("t");
        program.on(Callback.ON_REQUEST_BODY)
                .call(PROXY_ADD_HEADER_MAP_VALUE, REQUEST_TRAILERS, name.ptr(), name.len(), value.ptr(), value.len());
        program.on(Callback.ON_RESPONSE_BODY)
                .call(PROXY_ADD_HEADER_MAP_VALUE, RESPONSE_TRAILERS, name.ptr(), name.len(), value.ptr(), value.len());
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = probe.newStream(new RecordingExchange());
            stream.onRequestHeaders(new Headers(), false);
            stream.onRequestBody(new byte[] {1}, true);
            stream.onResponseHeaders(new Headers().add(":status", "200"), false);
            stream.onResponseBody(new byte[] {2}, true);
            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(stream.requestTrailers()).hasValueSatisfying(t -> assertThat(t.values("x-trailer")).containsExactly("t"));
            assertThat(stream.responseTrailers()).hasValueSatisfying(t -> assertThat(t.values("x-trailer")).containsExactly("t"));
        }
    }

    /** Decision: Envoy drops the request headers after they continue (BAD_ARGUMENT); Wasmgate serves them read-only. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void requestHeadersStayReadableButBecomeReadOnlyOnceReleased(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data path = program.blob(":path");
        Data value = program.blob("v");
        Data pairs = program.pairs("a", "1");
        for (Callback later : List.of(Callback.ON_REQUEST_BODY, Callback.ON_RESPONSE_HEADERS, Callback.ON_LOG)) {
            program.on(later)
                    .call(PROXY_GET_HEADER_MAP_VALUE, REQUEST_HEADERS, path.ptr(), path.len(), RET_PTR, RET_SIZE)
                    .call(PROXY_GET_HEADER_MAP_SIZE, REQUEST_HEADERS, RET_U32)
                    .call(PROXY_ADD_HEADER_MAP_VALUE, REQUEST_HEADERS, path.ptr(), path.len(), value.ptr(), value.len())
                    .call(PROXY_REPLACE_HEADER_MAP_VALUE, REQUEST_HEADERS, path.ptr(), path.len(), value.ptr(), value.len())
                    .call(PROXY_REMOVE_HEADER_MAP_VALUE, REQUEST_HEADERS, path.ptr(), path.len())
                    .call(PROXY_SET_HEADER_MAP_PAIRS, REQUEST_HEADERS, pairs.ptr(), pairs.len());
        }
        program.on(Callback.ON_LOG)
                .call(PROXY_GET_HEADER_MAP_VALUE, RESPONSE_HEADERS, path.ptr(), path.len(), RET_PTR, RET_SIZE)
                .call(PROXY_ADD_HEADER_MAP_VALUE, RESPONSE_HEADERS, path.ptr(), path.len(), value.ptr(), value.len());
        List<WasmResult> readOnly = List.of(OK, OK, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT);
        try (Probe probe = Probe.start(engine, program)) {
            Headers request = new Headers().add(":path", "/p");
            StreamContext stream = probe.newStream(new RecordingExchange());
            stream.onRequestHeaders(request, false);
            stream.onRequestBody(new byte[0], true);
            assertThat(probe.statuses()).isEqualTo(readOnly);
            stream.onResponseHeaders(new Headers().add(":status", "200"), true);
            assertThat(probe.statuses()).isEqualTo(readOnly);
            stream.onLog();
            assertThat(probe.statuses()).isEqualTo(concat(readOnly, List.of(NOT_FOUND, BAD_ARGUMENT)));
            assertThat(request.fields()).containsExactly(new HeaderField(":path", "/p"));
        }
    }

    /** Envoy's access-log phase: the Rust SDK panics on BAD_ARGUMENT, so logging a header that never came must not be one. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void inOnLogAValueFromAMapThatNeverArrivedIsNotFound(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data status = program.blob(":status");
        Data value = program.blob("v");
        ProbeProgram.Steps log = program.on(Callback.ON_LOG);
        for (int map : new int[] {REQUEST_HEADERS, REQUEST_TRAILERS, RESPONSE_HEADERS, RESPONSE_TRAILERS, 4, 7, 8}) {
            log.call(PROXY_GET_HEADER_MAP_VALUE, map, status.ptr(), status.len(), RET_PTR, RET_SIZE);
        }
        log.call(PROXY_GET_HEADER_MAP_PAIRS, RESPONSE_HEADERS, RET_PTR, RET_SIZE)
                .call(PROXY_GET_HEADER_MAP_SIZE, RESPONSE_HEADERS, RET_U32)
                .call(PROXY_ADD_HEADER_MAP_VALUE, RESPONSE_HEADERS, status.ptr(), status.len(), value.ptr(), value.len());
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext aborted = probe.newStream(new RecordingExchange());
            aborted.onRequestHeaders(new Headers().add(":path", "/"), true);
            aborted.onLog();
            assertThat(probe.statuses()).as("the client went away before any response")
                    .containsExactly(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, BAD_ARGUMENT,
                            OK, BAD_ARGUMENT, BAD_ARGUMENT);

            probe.newStream(new RecordingExchange()).onLog();
            assertThat(probe.statuses()).as("a stream the plugin saw only in on_log")
                    .containsExactly(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, BAD_ARGUMENT,
                            OK, BAD_ARGUMENT, BAD_ARGUMENT);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theRootContextHasNoHttpMaps(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Steps configure = program.on(Callback.ON_CONFIGURE);
        for (int map = REQUEST_HEADERS; map <= RESPONSE_TRAILERS; map++) {
            allSeven(program, configure, map);
        }
        try (Probe probe = Probe.start(engine, program)) {
            List<WasmResult> statuses = probe.statuses();
            for (int map = REQUEST_HEADERS; map <= RESPONSE_TRAILERS; map++) {
                assertThat(statuses.subList(7 * map, 7 * map + 7)).as("map %d", map).isEqualTo(UNAVAILABLE);
            }
            assertThat(probe.allocations()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void grpcMetadataAndCallResponseMapsAreUnavailableOnAStream(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Steps headers = program.on(Callback.ON_REQUEST_HEADERS);
        for (int map = 4; map <= 7; map++) {
            allSeven(program, headers, map);
        }
        try (Probe probe = Probe.start(engine, program)) {
            requestHeaders(probe, new Headers().add("k", "v"));
            List<WasmResult> statuses = probe.statuses();
            for (int map = 4; map <= 7; map++) {
                assertThat(statuses.subList(7 * (map - 4), 7 * (map - 3))).as("map %d", map).isEqualTo(UNAVAILABLE);
            }
            assertThat(probe.u32(RET_PTR)).isZero();
            assertThat(probe.u32(RET_SIZE)).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void mapsNotReceivedYetAreUnavailable(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Steps headers = program.on(Callback.ON_REQUEST_HEADERS);
        allSeven(program, headers, REQUEST_TRAILERS);
        allSeven(program, headers, RESPONSE_HEADERS);
        allSeven(program, headers, RESPONSE_TRAILERS);
        try (Probe probe = Probe.start(engine, program)) {
            StreamContext stream = requestHeaders(probe, new Headers().add("k", "v"));
            assertThat(probe.statuses()).isEqualTo(concat(UNAVAILABLE, concat(UNAVAILABLE, UNAVAILABLE)));
            assertThat(stream.requestTrailers()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void unknownMapTypeIsBadArgumentForEveryCall(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Steps headers = program.on(Callback.ON_REQUEST_HEADERS);
        allSeven(program, headers, 8);
        allSeven(program, headers, -1);
        allSeven(program, headers, Integer.MAX_VALUE);
        try (Probe probe = Probe.start(engine, program)) {
            Headers request = new Headers().add("k", "v");
            requestHeaders(probe, request);
            assertThat(probe.statuses()).containsOnly(BAD_ARGUMENT).hasSize(21);
            assertThat(request.fields()).containsExactly(new HeaderField("k", "v"));
            assertThat(probe.u32(RET_PTR)).isEqualTo(UNTOUCHED);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void badPointersAndLengthsAreInvalidMemoryAccessAndLeaveTheMapAlone(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data key = program.blob("k");
        Data value = program.blob("w");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_HEADER_MAP_SIZE, REQUEST_HEADERS, MEMORY_END)
                .call(PROXY_GET_HEADER_MAP_SIZE, REQUEST_HEADERS, -2)
                .call(PROXY_GET_HEADER_MAP_PAIRS, REQUEST_HEADERS, MEMORY_END, RET_SIZE)
                .call(PROXY_GET_HEADER_MAP_PAIRS, REQUEST_HEADERS, RET_PTR, -1)
                .call(PROXY_SET_HEADER_MAP_PAIRS, REQUEST_HEADERS, MEMORY_END, 4)
                .call(PROXY_SET_HEADER_MAP_PAIRS, REQUEST_HEADERS, -4, 8)
                .call(PROXY_GET_HEADER_MAP_VALUE, REQUEST_HEADERS, MEMORY_END, 1, RET_PTR, RET_SIZE)
                .call(PROXY_GET_HEADER_MAP_VALUE, REQUEST_HEADERS, -1, 2, RET_PTR, RET_SIZE)
                .call(PROXY_GET_HEADER_MAP_VALUE, REQUEST_HEADERS, key.ptr(), key.len(), RET_PTR, MEMORY_END - 1)
                .call(PROXY_ADD_HEADER_MAP_VALUE, REQUEST_HEADERS, key.ptr(), key.len(), MEMORY_END, 1)
                .call(PROXY_ADD_HEADER_MAP_VALUE, REQUEST_HEADERS, MEMORY_END - 1, 2, value.ptr(), value.len())
                .call(PROXY_REPLACE_HEADER_MAP_VALUE, REQUEST_HEADERS, key.ptr(), key.len(), -8, 16)
                .call(PROXY_REPLACE_HEADER_MAP_VALUE, REQUEST_HEADERS, key.ptr(), -1, value.ptr(), value.len())
                .call(PROXY_REMOVE_HEADER_MAP_VALUE, REQUEST_HEADERS, MEMORY_END - 1, 2);
        try (Probe probe = Probe.start(engine, program)) {
            Headers request = new Headers().add("k", "v");
            requestHeaders(probe, request);
            assertThat(probe.statuses()).containsOnly(INVALID_MEMORY_ACCESS).hasSize(14);
            assertThat(request.fields()).containsExactly(new HeaderField("k", "v"));
            assertThat(probe.u32(RET_PTR)).isEqualTo(UNTOUCHED);
            assertThat(probe.u32(RET_SIZE)).isEqualTo(UNTOUCHED);
            assertThat(probe.allocations()).isZero();
            assertThat(probe.vm().failed()).isFalse();
        }
    }

    private static byte[] pairs(String... namesAndValues) {
        List<HeaderField> fields = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.add(new HeaderField(namesAndValues[i], namesAndValues[i + 1]));
        }
        return HeaderPairsCodec.encode(fields);
    }

    /** Little-endian u32s. */
    private static byte[] le(int... words) {
        byte[] out = new byte[4 * words.length];
        for (int i = 0; i < words.length; i++) {
            for (int b = 0; b < 4; b++) {
                out[4 * i + b] = (byte) (words[i] >>> (8 * b));
            }
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
