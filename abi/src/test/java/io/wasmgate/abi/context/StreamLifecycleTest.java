package io.wasmgate.abi.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Modules;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.wire.FilterDataStatus;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import io.wasmgate.abi.wire.FilterTrailersStatus;
import io.wasmgate.abi.wire.LogLevel;
import io.wasmgate.abi.wire.StreamType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP stream lifecycle of the proxy-wasm spec against the {@code lifecycle} fixture, which logs
 * every callback with its arguments and acts on the request header named after the callback (see
 * {@code sample-policies/fixtures/lifecycle.wat}).
 */
class StreamLifecycleTest {
    private static final String[] STREAM_CALLBACKS = {"on_request_headers", "on_request_body", "on_request_trailers",
        "on_response_headers", "on_response_body", "on_response_trailers", "on_log"};

    private final CapturingLog log = new CapturingLog();

    private PluginConfig.Builder lifecycle(Engine engine) {
        return PluginConfig.builder("lifecycle")
                .withModule(Modules.fixture("lifecycle"))
                .withEngine(engine)
                .withInstances(1)
                .withLog(log);
    }

    /** Starts the plugin and forgets the root context's start-up lines. */
    private Plugin start(PluginConfig.Builder config) {
        Plugin plugin = Plugin.start(config.build());
        log.clear();
        return plugin;
    }

    /** What the fixture logged (INFO through proxy_log), without the host's prefix. */
    private List<String> guest() {
        return guest(log.lines);
    }

    /**
     * What the fixture logged before the host reported the (first) trap. The failed instance's replacement
     * starts in the background as the trap is seen, so its lines come after the report.
     */
    private List<String> guestBeforeTheTrap() {
        List<CapturingLog.Line> lines = List.copyOf(log.lines);
        return guest(lines.subList(0, trapReport(lines)));
    }

    /** What the fixture logged after the host reported the (first) trap. */
    private List<String> guestAfterTheTrap() {
        List<CapturingLog.Line> lines = List.copyOf(log.lines);
        return guest(lines.subList(trapReport(lines) + 1, lines.size()));
    }

    private static int trapReport(List<CapturingLog.Line> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).level() == LogLevel.ERROR && lines.get(i).message().contains("trap in ")) {
                return i;
            }
        }
        throw new AssertionError("no trap logged: " + lines);
    }

    private static List<String> guest(List<CapturingLog.Line> lines) {
        return lines.stream()
                .filter(line -> line.level() == LogLevel.INFO && line.message().startsWith("wasm log "))
                .map(line -> line.message().substring(line.message().indexOf(": ") + 2))
                .toList();
    }

    /** Four pseudo-headers, then {@code name, value} pairs telling the fixture what to do. */
    private static Headers request(String... actions) {
        Headers headers = new Headers().add(":method", "POST").add(":path", "/orders").add(":authority", "shop")
                .add(":scheme", "http");
        for (int i = 0; i < actions.length; i += 2) {
            headers.add(actions[i], actions[i + 1]);
        }
        return headers;
    }

    private static Headers response() {
        return new Headers().add(":status", "200").add("content-type", "text/plain");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void callbacksFollowEnvoysOrderFromLazyCreationToDelete(Engine engine) {
        try (Plugin plugin = start(lifecycle(engine))) {
            RecordingExchange exchange = new RecordingExchange();
            StreamContext stream = plugin.newStream(exchange);
            assertThat(guest()).as("the context is created lazily").isEmpty();

            assertThat(stream.onRequestHeaders(request("on_request_body", "e"), false)).isEqualTo(FilterHeadersStatus.CONTINUE);
            assertThat(stream.onRequestBody(bytes("abc"), false)).isEqualTo(FilterDataStatus.STOP_ITERATION_AND_BUFFER);
            assertThat(stream.onRequestBody(bytes("def"), false)).isEqualTo(FilterDataStatus.STOP_ITERATION_AND_BUFFER);
            assertThat(stream.requestBody().bytes()).asString().isEqualTo("abcdef");
            assertThat(stream.onRequestTrailers(new Headers().add("x-checksum", "1"))).isEqualTo(FilterTrailersStatus.CONTINUE);
            assertThat(stream.onResponseHeaders(response(), false)).isEqualTo(FilterHeadersStatus.CONTINUE);
            assertThat(stream.onResponseBody(bytes("ok"), false)).isEqualTo(FilterDataStatus.CONTINUE);
            assertThat(stream.onResponseTrailers(new Headers().add("grpc-status", "0"))).isEqualTo(FilterTrailersStatus.CONTINUE);
            stream.onLog();
            stream.onDone();

            assertThat(guest()).containsExactly(
                    "on_context_create ctx=2 parent=1",
                    "on_request_headers ctx=2 n=5 eos=0",
                    "on_request_body ctx=2 size=3 eos=0",
                    "on_request_body ctx=2 size=6 eos=0",
                    "on_request_trailers ctx=2 n=1",
                    "on_response_headers ctx=2 n=2 eos=0",
                    "on_response_body ctx=2 size=2 eos=0",
                    "on_response_trailers ctx=2 n=1",
                    "on_log ctx=2",
                    "on_done ctx=2",
                    "on_delete ctx=2");
            assertThat(exchange.continued).isEmpty();
            assertThat(exchange.localReplies).isEmpty();
            assertThat(stream.failed()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aBodyPausedUntilEndOfStreamAccumulatesAndIsReportedWithItsCumulativeSize(Engine engine) {
        try (Plugin plugin = start(lifecycle(engine))) {
            StreamContext stream = plugin.newStream(new RecordingExchange());
            stream.onRequestHeaders(request("on_request_body", "e"), false);

            assertThat(stream.onRequestBody(bytes("abc"), false)).isEqualTo(FilterDataStatus.STOP_ITERATION_AND_BUFFER);
            assertThat(stream.onRequestBody(bytes("def"), false)).isEqualTo(FilterDataStatus.STOP_ITERATION_AND_BUFFER);
            assertThat(stream.onRequestBody(bytes("gh"), true)).isEqualTo(FilterDataStatus.CONTINUE);

            assertThat(stream.requestBody().bytes()).asString().isEqualTo("abcdefgh");
            assertThat(guest()).containsSubsequence(
                    "on_request_body ctx=2 size=3 eos=0",
                    "on_request_body ctx=2 size=6 eos=0",
                    "on_request_body ctx=2 size=8 eos=1");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aBodyChunkThePluginLetThroughIsNotReportedAgain(Engine engine) {
        try (Plugin plugin = start(lifecycle(engine))) {
            StreamContext stream = plugin.newStream(new RecordingExchange());
            stream.onRequestHeaders(request(), false);
            stream.onResponseHeaders(response(), false);

            assertThat(stream.onResponseBody(bytes("abc"), false)).isEqualTo(FilterDataStatus.CONTINUE);
            assertThat(stream.onResponseBody(bytes("de"), true)).isEqualTo(FilterDataStatus.CONTINUE);

            assertThat(stream.responseBody().bytes()).asString().isEqualTo("de");
            assertThat(guest()).containsSubsequence(
                    "on_response_body ctx=2 size=3 eos=0",
                    "on_response_body ctx=2 size=2 eos=1");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void headerOnlyMessagesCarryEndOfStreamAndGetNoBodyCallback(Engine engine) {
        try (Plugin plugin = start(lifecycle(engine))) {
            StreamContext stream = plugin.newStream(new RecordingExchange());
            stream.onRequestHeaders(request(), true);
            stream.onResponseHeaders(new Headers().add(":status", "204"), true);
            stream.onLog();
            stream.onDone();

            assertThat(guest()).containsExactly(
                    "on_context_create ctx=2 parent=1",
                    "on_request_headers ctx=2 n=4 eos=1",
                    "on_response_headers ctx=2 n=1 eos=1",
                    "on_log ctx=2",
                    "on_done ctx=2",
                    "on_delete ctx=2");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void contextIdsAreUniquePerVmAndNotReusedAfterAStreamEnds(Engine engine) {
        try (Plugin plugin = start(lifecycle(engine))) {
            StreamContext first = plugin.newStream(new RecordingExchange());
            StreamContext second = plugin.newStream(new RecordingExchange());
            second.onRequestHeaders(request(), true);
            first.onRequestHeaders(request(), true);
            first.onLog();
            first.onDone();
            StreamContext third = plugin.newStream(new RecordingExchange());
            third.onRequestHeaders(request(), true);

            assertThat(List.of(first.id(), second.id(), third.id())).containsExactly(2, 3, 4);
            assertThat(guest()).filteredOn(line -> line.startsWith("on_context_create")).containsExactly(
                    "on_context_create ctx=3 parent=1",
                    "on_context_create ctx=2 parent=1",
                    "on_context_create ctx=4 parent=1");
        }
    }

    static Stream<Arguments> headersReturns() {
        return withEngines(
                Arguments.of("0", false, FilterHeadersStatus.CONTINUE),
                Arguments.of("1", false, FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK),
                Arguments.of("1", true, FilterHeadersStatus.STOP_ITERATION),
                Arguments.of("2", false, FilterHeadersStatus.CONTINUE),
                Arguments.of("3", false, FilterHeadersStatus.STOP_ALL_ITERATION_AND_BUFFER),
                Arguments.of("4", false, FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK),
                Arguments.of("9", false, FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK));
    }

    @ParameterizedTest
    @MethodSource("headersReturns")
    void headersReturnValuesAreConvertedAsEnvoyDoes(Engine engine, String raw, boolean allowStopIteration,
            FilterHeadersStatus expected) {
        try (Plugin plugin = start(lifecycle(engine).withAllowOnHeadersStopIteration(allowStopIteration))) {
            StreamContext stream = plugin.newStream(new RecordingExchange());
            Headers request = request("on_request_headers", raw, "on_response_headers", raw);

            assertThat(stream.onRequestHeaders(request, false)).isEqualTo(expected);
            assertThat(stream.onResponseHeaders(response(), false)).isEqualTo(expected);
        }
    }

    static Stream<Arguments> bodyReturns() {
        return withEngines(
                Arguments.of("0", FilterDataStatus.CONTINUE),
                Arguments.of("1", FilterDataStatus.STOP_ITERATION_AND_BUFFER),
                Arguments.of("2", FilterDataStatus.STOP_ITERATION_AND_WATERMARK),
                Arguments.of("3", FilterDataStatus.STOP_ITERATION_NO_BUFFER),
                Arguments.of("4", FilterDataStatus.STOP_ITERATION_NO_BUFFER),
                Arguments.of("9", FilterDataStatus.STOP_ITERATION_NO_BUFFER));
    }

    @ParameterizedTest
    @MethodSource("bodyReturns")
    void bodyReturnValuesAreConvertedAsEnvoyDoes(Engine engine, String raw, FilterDataStatus expected) {
        try (Plugin plugin = start(lifecycle(engine))) {
            StreamContext stream = plugin.newStream(new RecordingExchange());
            stream.onRequestHeaders(request("on_request_body", raw, "on_response_body", raw), false);

            assertThat(stream.onRequestBody(bytes("a"), true)).isEqualTo(expected);
            stream.onResponseHeaders(response(), false);
            assertThat(stream.onResponseBody(bytes("b"), true)).isEqualTo(expected);
        }
    }

    static Stream<Arguments> trailersReturns() {
        return withEngines(
                Arguments.of("0", FilterTrailersStatus.CONTINUE),
                Arguments.of("1", FilterTrailersStatus.STOP_ITERATION),
                Arguments.of("2", FilterTrailersStatus.STOP_ITERATION),
                Arguments.of("9", FilterTrailersStatus.STOP_ITERATION));
    }

    @ParameterizedTest
    @MethodSource("trailersReturns")
    void trailersReturnValuesAreConvertedAsEnvoyDoes(Engine engine, String raw, FilterTrailersStatus expected) {
        try (Plugin plugin = start(lifecycle(engine))) {
            StreamContext stream = plugin.newStream(new RecordingExchange());
            stream.onRequestHeaders(request("on_request_trailers", raw, "on_response_trailers", raw), false);

            assertThat(stream.onRequestTrailers(new Headers().add("x-t", "1"))).isEqualTo(expected);
            stream.onResponseHeaders(response(), false);
            assertThat(stream.onResponseTrailers(new Headers().add("x-t", "1"))).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aLocalReplyForcesEachCallbackKindToStopWhateverThePluginReturns(Engine engine) {
        try (Plugin plugin = start(lifecycle(engine))) {
            RecordingExchange headers = new RecordingExchange();
            assertThat(plugin.newStream(headers).onRequestHeaders(request("on_request_headers", "0l"), false))
                    .isEqualTo(FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK);

            RecordingExchange body = new RecordingExchange();
            StreamContext bodyStream = plugin.newStream(body);
            bodyStream.onRequestHeaders(request("on_request_body", "0l"), false);
            assertThat(bodyStream.onRequestBody(bytes("x"), true)).isEqualTo(FilterDataStatus.STOP_ITERATION_NO_BUFFER);

            RecordingExchange trailers = new RecordingExchange();
            StreamContext trailersStream = plugin.newStream(trailers);
            trailersStream.onRequestHeaders(request("on_request_trailers", "0l"), false);
            assertThat(trailersStream.onRequestTrailers(new Headers().add("x-t", "1"))).isEqualTo(FilterTrailersStatus.STOP_ITERATION);

            for (RecordingExchange exchange : List.of(headers, body, trailers)) {
                LocalReply reply = exchange.onlyLocalReply();
                assertThat(reply.status()).isEqualTo(403);
                assertThat(reply.details()).isEqualTo("denied");
                assertThat(reply.body()).asString().isEqualTo("no");
                assertThat(reply.grpcStatus()).isEqualTo(OptionalInt.empty());
                assertThat(reply.isFailure()).isFalse();
            }
            assertThat(guest()).filteredOn(line -> line.startsWith("send_local_response")).containsOnly("send_local_response -> 0");
        }
    }

    /** Records, with each effect, what the plugin had logged by then: proof of when the effect arrived. */
    private final class WitnessExchange implements HttpExchange {
        final RecordingExchange recorded = new RecordingExchange();
        final List<List<String>> guestLogAtEffect = new ArrayList<>();

        @Override
        public void continueStream(StreamType direction) {
            guestLogAtEffect.add(guest());
            recorded.continueStream(direction);
        }

        @Override
        public void closeStream(StreamType direction) {
            guestLogAtEffect.add(guest());
            recorded.closeStream(direction);
        }

        @Override
        public void sendLocalReply(LocalReply reply) {
            guestLogAtEffect.add(guest());
            recorded.sendLocalReply(reply);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void continueStreamCalledInsideACallbackReachesTheExchangeOnlyAfterTheCallbackReturned(Engine engine) {
        try (Plugin plugin = start(lifecycle(engine).withAllowOnHeadersStopIteration(true))) {
            WitnessExchange exchange = new WitnessExchange();
            StreamContext stream = plugin.newStream(exchange);
            Headers request = request("on_request_headers", "1", "on_request_body", "0q",
                    "on_response_headers", "1", "on_response_body", "0r");

            assertThat(stream.onRequestHeaders(request, false)).isEqualTo(FilterHeadersStatus.STOP_ITERATION);
            assertThat(stream.onRequestBody(bytes("abc"), true)).isEqualTo(FilterDataStatus.CONTINUE);
            assertThat(exchange.recorded.continued).containsExactly(StreamType.HTTP_REQUEST);
            assertThat(stream.onResponseHeaders(response(), false)).isEqualTo(FilterHeadersStatus.STOP_ITERATION);
            assertThat(stream.onResponseBody(bytes("ok"), true)).isEqualTo(FilterDataStatus.CONTINUE);

            assertThat(exchange.recorded.continued).containsExactly(StreamType.HTTP_REQUEST, StreamType.HTTP_RESPONSE);
            assertThat(exchange.guestLogAtEffect.get(0)).as("the request continued after the body callback's last line")
                    .endsWith("on_request_body ctx=2 size=3 eos=1", "continue_stream(0) -> 0");
            assertThat(exchange.guestLogAtEffect.get(1)).as("the response continued after the body callback's last line")
                    .endsWith("on_response_body ctx=2 size=2 eos=1", "continue_stream(1) -> 0");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aLocalReplyReachesTheExchangeOnlyAfterTheCallbackReturned(Engine engine) {
        try (Plugin plugin = start(lifecycle(engine))) {
            WitnessExchange exchange = new WitnessExchange();
            plugin.newStream(exchange).onRequestHeaders(request("on_request_headers", "0l"), true);

            assertThat(exchange.recorded.onlyLocalReply().status()).isEqualTo(403);
            assertThat(exchange.guestLogAtEffect.get(0)).endsWith("send_local_response -> 0");
        }
    }

    /**
     * A paused stream resumed from another context's callback, as the Rust SDK does from
     * {@code proxy_on_http_call_response} on the root id: {@code proxy_set_effective_context(S)} then
     * {@code proxy_continue_stream}. Root callbacks (tick, callouts) cannot be triggered yet, so the
     * switch is made from a second stream's callback.
     */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aStreamPausedInHeadersIsResumedFromAnotherContextThroughSetEffectiveContext(Engine engine) {
        try (Plugin plugin = start(lifecycle(engine))) {
            RecordingExchange paused = new RecordingExchange();
            StreamContext stream = plugin.newStream(paused);
            assertThat(stream.onRequestHeaders(request("on_request_headers", "1"), true))
                    .isEqualTo(FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK);

            RecordingExchange other = new RecordingExchange();
            StreamContext resumer = plugin.newStream(other);
            assertThat(resumer.onRequestHeaders(request("on_request_headers", "0g" + stream.id() + "q"), true))
                    .isEqualTo(FilterHeadersStatus.CONTINUE);

            assertThat(paused.continued).containsExactly(StreamType.HTTP_REQUEST);
            assertThat(other.continued).isEmpty();
            assertThat(guest()).containsSubsequence(
                    "on_request_headers ctx=3 n=5 eos=1",
                    "set_effective_context(2) -> 0",
                    "continue_stream(0) -> 0");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void setEffectiveContextToAnUnknownIdIsABadArgument(Engine engine) {
        try (Plugin plugin = start(lifecycle(engine))) {
            RecordingExchange exchange = new RecordingExchange();
            plugin.newStream(exchange).onRequestHeaders(request("on_request_headers", "0g9q"), true);

            assertThat(guest()).containsSubsequence("set_effective_context(9) -> 2", "continue_stream(0) -> 0");
            assertThat(exchange.continued).as("the stream itself was never paused").isEmpty();
        }
    }

    static Stream<Arguments> trappingCallbacks() {
        return withEngines(Stream.of(STREAM_CALLBACKS).map(Arguments::of).toArray(Arguments[]::new));
    }

    /** Drives one whole stream, every callback acting as {@code actions} say; returns whether each stopped. */
    private static List<Boolean> driveWholeStream(StreamContext stream, Headers request) {
        List<Boolean> stops = new ArrayList<>();
        stops.add(stream.onRequestHeaders(request, false).stops());
        stops.add(stream.onRequestBody(bytes("abc"), false).stops());
        stops.add(stream.onRequestTrailers(new Headers().add("x-t", "1")).stops());
        stops.add(stream.onResponseHeaders(response(), false).stops());
        stops.add(stream.onResponseBody(bytes("ok"), false).stops());
        stops.add(stream.onResponseTrailers(new Headers().add("x-t", "1")).stops());
        stream.onLog();
        stream.onDone();
        return stops;
    }

    @ParameterizedTest
    @MethodSource("trappingCallbacks")
    void aTrapFailsTheStreamClosedOnceAndNoFurtherCallbackReachesTheVm(Engine engine, String trapping) {
        try (Plugin plugin = start(lifecycle(engine).withFailurePolicy(FailurePolicy.FAIL_CLOSED))) {
            RecordingExchange exchange = new RecordingExchange();
            StreamContext stream = plugin.newStream(exchange);
            int trapAt = List.of(STREAM_CALLBACKS).indexOf(trapping);

            List<Boolean> stops = driveWholeStream(stream, request(trapping, "0t"));

            if (trapping.equals("on_log")) {
                assertThat(exchange.localReplies).as("the response is complete by the log phase: nothing to answer").isEmpty();
            } else {
                LocalReply reply = exchange.onlyLocalReply();
                assertThat(reply.isFailure()).isTrue();
                assertThat(reply.status()).isEqualTo(503);
                assertThat(reply.details()).isEqualTo("wasm_fail_stream");
                assertThat(reply.body()).isEmpty();
                assertThat(reply.grpcStatus()).isEqualTo(OptionalInt.of(14));
            }
            assertThat(stream.failed()).isTrue();
            assertThat(stops.subList(0, Math.min(trapAt, stops.size()))).as("before the trap").doesNotContain(true);
            assertThat(stops.subList(Math.min(trapAt, stops.size()), stops.size())).as("from the trap on").doesNotContain(false);
            List<String> guest = guestBeforeTheTrap();
            assertThat(guest.get(guest.size() - 1)).as("the trapping callback is the last the VM saw").startsWith(trapping + " ctx=2");
            assertThat(guestAfterTheTrap()).as("no stream callback after it, only the replacement's start")
                    .noneMatch(line -> line.contains("ctx=2"));
            assertThat(log.messages()).anyMatch(line -> line.contains("trap in proxy_" + trapping));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theNextStreamAfterATrapRunsOnAFreshVm(Engine engine) {
        try (Plugin plugin = start(lifecycle(engine))) {
            driveWholeStream(plugin.newStream(new RecordingExchange()), request("on_request_body", "0t"));

            RecordingExchange exchange = new RecordingExchange();
            StreamContext next = plugin.newStream(exchange);
            assertThat(driveWholeStream(next, request())).containsOnly(false);

            assertThat(exchange.localReplies).isEmpty();
            assertThat(next.failed()).isFalse();
            assertThat(guestAfterTheTrap()).as("the replacement starts in the background as the trap is seen").containsExactly(
                    "on_context_create ctx=1 parent=0",
                    "on_context_create ctx=2 parent=1",
                    "on_request_headers ctx=2 n=4 eos=0",
                    "on_request_body ctx=2 size=3 eos=0",
                    "on_request_trailers ctx=2 n=1",
                    "on_response_headers ctx=2 n=2 eos=0",
                    "on_response_body ctx=2 size=2 eos=0",
                    "on_response_trailers ctx=2 n=1",
                    "on_log ctx=2",
                    "on_done ctx=2",
                    "on_delete ctx=2");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void withFailOpenATrapSkipsThePluginAndTheStreamContinues(Engine engine) {
        try (Plugin plugin = start(lifecycle(engine).withFailurePolicy(FailurePolicy.FAIL_OPEN))) {
            RecordingExchange exchange = new RecordingExchange();
            StreamContext stream = plugin.newStream(exchange);

            assertThat(driveWholeStream(stream, request("on_request_headers", "1t", "on_request_body", "1")))
                    .containsOnly(false);

            assertThat(exchange.localReplies).isEmpty();
            assertThat(stream.failed()).isFalse();
            assertThat(guestBeforeTheTrap()).containsExactly("on_context_create ctx=2 parent=1", "on_request_headers ctx=2 n=6 eos=0");
            assertThat(guestAfterTheTrap()).as("the skipped stream's later callbacks never reach a VM")
                    .noneMatch(line -> line.contains("ctx=2"));

            StreamContext next = plugin.newStream(new RecordingExchange());
            assertThat(next.onRequestHeaders(request("on_request_headers", "1"), true))
                    .isEqualTo(FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void onLogForAStreamWhoseHeadersNeverReachedThePluginCreatesTheContextFirst(Engine engine) {
        try (Plugin plugin = start(lifecycle(engine))) {
            StreamContext stream = plugin.newStream(new RecordingExchange());
            stream.onLog();
            stream.onDone();

            assertThat(guest()).containsExactly(
                    "on_context_create ctx=2 parent=1",
                    "on_log ctx=2",
                    "on_done ctx=2",
                    "on_delete ctx=2");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aStreamDoneBeforeAnyCallbackNeverEntersTheVm(Engine engine) {
        try (Plugin plugin = start(lifecycle(engine))) {
            plugin.newStream(new RecordingExchange()).onDone();

            assertThat(guest()).isEmpty();
        }
    }

    private static Stream<Arguments> withEngines(Arguments... cases) {
        return Stream.of(Engine.values()).flatMap(engine -> Stream.of(cases).map(c -> {
            Object[] args = new Object[c.get().length + 1];
            args[0] = engine;
            System.arraycopy(c.get(), 0, args, 1, c.get().length);
            return Arguments.of(args);
        }));
    }
}
