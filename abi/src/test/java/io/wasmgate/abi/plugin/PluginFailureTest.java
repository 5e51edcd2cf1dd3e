package io.wasmgate.abi.plugin;

import static io.wasmgate.abi.testing.Probe.MEMORY_END;
import static io.wasmgate.abi.testing.Probe.RET_PTR;
import static io.wasmgate.abi.testing.Probe.RET_SIZE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_HEADER_MAP_VALUE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_PROPERTY;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_LOG;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_REGISTER_SHARED_QUEUE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_SEND_LOCAL_RESPONSE;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_SET_BUFFER_BYTES;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_SET_SHARED_DATA;
import static io.wasmgate.abi.wire.WasmResult.INVALID_MEMORY_ACCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.micrometer.core.instrument.Counter;
import io.wasmgate.abi.PluginLoadException;
import io.wasmgate.abi.PluginStartException;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.config.Limits;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Modules;
import io.wasmgate.abi.testing.Poll;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.FilterDataStatus;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import io.wasmgate.abi.wire.PropertyValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Failure handling (issue 3): a plugin that traps, hangs, grabs memory, passes bad
 * pointers or refuses its configuration hurts only its own stream and its own VM instance; the failure
 * policy decides what the stream's integration sees, a failed instance is replaced, and the process keeps
 * serving.
 *
 * <p>Most tests run the {@code probe} as a pooled {@link Plugin}. Its steps after
 * {@code onlyIfRequestHeader(x-...)} run only in streams carrying that header, so one program misbehaves in
 * one stream and behaves in the next. Streams go round-robin over the pool: with two instances the 1st, 3rd,
 * ... stream land on instance 0 and the 2nd, 4th, ... on instance 1; context ids count per instance (root 1,
 * first stream 2), so a stream id of 2 shows a fresh instance.
 */
class PluginFailureTest {
    private static final Callback[] STREAM_CALLBACKS = {Callback.ON_REQUEST_HEADERS, Callback.ON_REQUEST_BODY,
        Callback.ON_REQUEST_TRAILERS, Callback.ON_RESPONSE_HEADERS, Callback.ON_RESPONSE_BODY,
        Callback.ON_RESPONSE_TRAILERS, Callback.ON_LOG};

    private final CapturingLog log = new CapturingLog();
    private final HostServices services = HostServices.create();
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : started) {
            closeable.close();
        }
        services.close();
    }

    private Plugin start(PluginConfig.Builder config) {
        Plugin plugin = Plugin.start(config.withLog(log).build(), services);
        started.add(plugin);
        return plugin;
    }

    private static PluginConfig.Builder probe(Engine engine, ProbeProgram program, int instances) {
        return Probe.config(engine, program).withInstances(instances);
    }

    private double count(String name, String... tags) {
        Counter counter = services.meterRegistry().find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private double activeVms() {
        return services.meterRegistry().get("wasmgate.vm.active").tag("plugin", "probe").gauge().value();
    }

    private static Headers request(String... names) {
        Headers headers = new Headers().add(":method", "POST").add(":path", "/").add(":authority", "app");
        for (String name : names) {
            headers.add(name, "1");
        }
        return headers;
    }

    private static byte[] bytes(int length) {
        return new byte[length];
    }

    /** The rest of a stream after its request headers; whether each callback stopped. */
    private static List<Boolean> finish(StreamContext stream) {
        List<Boolean> stops = new ArrayList<>();
        stops.add(stream.onRequestBody("body".getBytes(StandardCharsets.UTF_8), false).stops());
        stops.add(stream.onRequestTrailers(new Headers().add("x-t", "1")).stops());
        stops.add(stream.onResponseHeaders(new Headers().add(":status", "200"), false).stops());
        stops.add(stream.onResponseBody("ok".getBytes(StandardCharsets.UTF_8), false).stops());
        stops.add(stream.onResponseTrailers(new Headers().add("x-t", "1")).stops());
        stream.onLog();
        stream.onDone();
        return stops;
    }

    /** A whole stream; whether each callback stopped, request headers first. */
    private static List<Boolean> drive(StreamContext stream, Headers request) {
        List<Boolean> stops = new ArrayList<>();
        stops.add(stream.onRequestHeaders(request, false).stops());
        stops.addAll(finish(stream));
        return stops;
    }

    private static void assertFailedClosedOnce(RecordingExchange exchange, StreamContext stream) {
        LocalReply reply = exchange.onlyLocalReply();
        assertThat(reply.isFailure()).isTrue();
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.grpcStatus()).isEqualTo(OptionalInt.of(14));
        assertThat(stream.failed()).isTrue();
    }

    static Stream<Arguments> trappingCallbacks() {
        return Stream.of(Engine.values())
                .flatMap(engine -> Stream.of(STREAM_CALLBACKS).map(callback -> Arguments.of(engine, callback)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("trappingCallbacks")
    void failClosedAnswersTheTrappingStreamOnceFailsItsInstanceAndLeavesTheOtherAlone(Engine engine, Callback trapping) {
        ProbeProgram program = new ProbeProgram().trapsWhenRequestHas(trapping, "x-trap");
        Plugin plugin = start(probe(engine, program, 2).withFailurePolicy(FailurePolicy.FAIL_CLOSED));

        RecordingExchange first = new RecordingExchange();
        StreamContext onZero = plugin.newStream(first);
        onZero.onRequestHeaders(request(), false);
        RecordingExchange second = new RecordingExchange();
        StreamContext onOne = plugin.newStream(second);
        onOne.onRequestHeaders(request(), false);
        assertThat(drive(plugin.newStream(new RecordingExchange()), request())).containsOnly(false);

        RecordingExchange victimExchange = new RecordingExchange();
        StreamContext victim = plugin.newStream(victimExchange);
        List<Boolean> victimStops = drive(victim, request("x-trap"));

        if (trapping == Callback.ON_LOG) {
            assertThat(victimExchange.localReplies).as("the response is complete by the log phase: nothing to answer").isEmpty();
            assertThat(victim.failed()).isTrue();
        } else {
            assertFailedClosedOnce(victimExchange, victim);
        }
        int trapAt = List.of(STREAM_CALLBACKS).indexOf(trapping);
        assertThat(victimStops.subList(0, Math.min(trapAt, victimStops.size()))).as("before the trap").doesNotContain(true);
        assertThat(victimStops.subList(Math.min(trapAt, victimStops.size()), victimStops.size())).as("from the trap on")
                .doesNotContain(false);
        assertThat(log.messages()).anyMatch(line -> line.contains("trap in " + trapping.exportName()));

        assertThat(finish(onOne)).as("a stream on the failed instance fails closed too").containsOnly(true);
        assertFailedClosedOnce(second, onOne);
        assertThat(finish(onZero)).as("the other instance is untouched").containsOnly(false);
        assertThat(first.localReplies).isEmpty();

        Poll.until("instance 1 to be replaced in the background",
                () -> log.messages().stream().anyMatch(line -> line.contains("replaced failed VM instance 1")));
        StreamContext nextOnZero = plugin.newStream(new RecordingExchange());
        assertThat(nextOnZero.id()).as("instance 0 goes on where it was").isEqualTo(4);
        RecordingExchange replacedExchange = new RecordingExchange();
        StreamContext onReplaced = plugin.newStream(replacedExchange);
        assertThat(onReplaced.id()).as("instance 1 was replaced").isEqualTo(2);
        assertThat(drive(onReplaced, request())).containsOnly(false);
        assertThat(replacedExchange.localReplies).isEmpty();

        assertThat(count("wasmgate.traps")).isEqualTo(1);
        assertThat(count("wasmgate.failure_policy", "outcome", "fail_closed")).isEqualTo(2);
        assertThat(activeVms()).isEqualTo(2);
        assertThat(log.messages()).anyMatch(line -> line.contains("replaced failed VM instance 1"));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aTrapInAnAsyncRootCallbackFailsOnlyThatInstance(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data queue = program.blob("jobs");
        program.on(Callback.ON_CONFIGURE).call(PROXY_REGISTER_SHARED_QUEUE, queue.ptr(), queue.len(), Probe.slot(0));
        program.on(Callback.ON_QUEUE_READY).traps();
        Plugin plugin = start(probe(engine, program, 1));
        RecordingExchange beforeExchange = new RecordingExchange();
        StreamContext before = plugin.newStream(beforeExchange);
        before.onRequestHeaders(request(), false);
        int id = services.sharedQueues().resolve("probe_vm", "jobs").orElseThrow();

        services.sharedQueues().enqueue(id, new byte[] {1});
        Poll.until("the queue notification to trap", () -> count("wasmgate.traps") == 1);

        assertThat(finish(before)).as("a stream on the instance fails closed").containsOnly(true);
        assertFailedClosedOnce(beforeExchange, before);
        RecordingExchange exchange = new RecordingExchange();
        StreamContext next = plugin.newStream(exchange);
        assertThat(next.id()).as("a fresh instance").isEqualTo(2);
        assertThat(drive(next, request())).containsOnly(false);
        assertThat(exchange.localReplies).isEmpty();
        assertThat(log.messages()).anyMatch(line -> line.contains("trap in proxy_on_queue_ready"));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void failOpenSkipsThePluginForTheStreamsOfTheFailedInstance(Engine engine) {
        ProbeProgram program = new ProbeProgram().trapsWhenRequestHas(Callback.ON_RESPONSE_HEADERS, "x-trap");
        program.on(Callback.ON_REQUEST_BODY).returns(1);
        Plugin plugin = start(probe(engine, program, 1).withFailurePolicy(FailurePolicy.FAIL_OPEN));

        RecordingExchange siblingExchange = new RecordingExchange();
        StreamContext sibling = plugin.newStream(siblingExchange);
        sibling.onRequestHeaders(request(), false);
        assertThat(sibling.onRequestBody(bytes(3), false)).as("the plugin holds the body").isEqualTo(FilterDataStatus.STOP_ITERATION_AND_BUFFER);
        RecordingExchange victimExchange = new RecordingExchange();
        StreamContext victim = plugin.newStream(victimExchange);
        victim.onRequestHeaders(request("x-trap"), true);

        assertThat(victim.onResponseHeaders(new Headers().add(":status", "200"), false)).isEqualTo(FilterHeadersStatus.CONTINUE);
        assertThat(victim.onResponseBody(bytes(2), true)).isEqualTo(FilterDataStatus.CONTINUE);
        assertThat(sibling.onRequestBody(bytes(3), true)).as("the sibling is skipped as well").isEqualTo(FilterDataStatus.CONTINUE);

        assertThat(victimExchange.localReplies).isEmpty();
        assertThat(siblingExchange.localReplies).isEmpty();
        assertThat(victim.failed()).isFalse();
        assertThat(count("wasmgate.failure_policy", "outcome", "fail_open")).isEqualTo(2);

        StreamContext next = plugin.newStream(new RecordingExchange());
        assertThat(next.id()).as("the instance is replaced at once").isEqualTo(2);
        next.onRequestHeaders(request(), false);
        assertThat(next.onRequestBody(bytes(1), false)).as("and runs the plugin again").isEqualTo(FilterDataStatus.STOP_ITERATION_AND_BUFFER);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void failReloadAnswersFailClosedUntilTheRandomisedBackoffHasPassedThenReplaces(Engine engine) {
        Duration backoff = Duration.ofMillis(400);
        ProbeProgram program = new ProbeProgram().trapsWhenRequestHas(Callback.ON_REQUEST_HEADERS, "x-trap");
        Plugin plugin = start(probe(engine, program, 1).withFailurePolicy(FailurePolicy.FAIL_RELOAD).withReloadBackoff(backoff));

        RecordingExchange trapped = new RecordingExchange();
        StreamContext firstVictim = plugin.newStream(trapped);
        firstVictim.onRequestHeaders(request("x-trap"), true);
        assertFailedClosedOnce(trapped, firstVictim);

        Replacement first = awaitReplacement(plugin);
        assertThat(first.refused()).as("the first reload waits out a backoff too, counted from the instance's start")
                .isPositive();
        assertThat(count("wasmgate.vm.reloads", "result", "success")).isEqualTo(1);
        RecordingExchange siblingExchange = new RecordingExchange();
        StreamContext sibling = plugin.newStream(siblingExchange);
        sibling.onRequestHeaders(request(), false);

        RecordingExchange trappedAgain = new RecordingExchange();
        StreamContext secondVictim = plugin.newStream(trappedAgain);
        secondVictim.onRequestHeaders(request("x-trap"), true);
        assertFailedClosedOnce(trappedAgain, secondVictim);
        assertThat(finish(sibling)).as("other streams on the failed instance fail closed").containsOnly(true);
        assertFailedClosedOnce(siblingExchange, sibling);

        Replacement second = awaitReplacement(plugin);

        assertThat(second.refused()).as("streams within the backoff get the 503").isPositive();
        List<Long> replacedAt = log.writtenAt("replaced failed VM instance 0");
        assertThat(replacedAt).hasSize(2);
        assertThat(Duration.ofNanos(replacedAt.get(1) - replacedAt.get(0))).as("between the two replacements")
                .isGreaterThanOrEqualTo(backoff);
        int refused = first.refused() + second.refused();
        assertThat(count("wasmgate.failure_policy", "outcome", "reload_backoff")).isEqualTo(refused);
        assertThat(count("wasmgate.vm.reloads", "result", "success")).isEqualTo(2);
        assertThat(count("wasmgate.failure_policy", "outcome", "fail_closed")).as("both victims, the sibling, the refused")
                .isEqualTo(3 + refused);
        assertThat(count("wasmgate.traps")).isEqualTo(2);
    }

    /** How a fail_reload instance came back: after how many refused streams. */
    private record Replacement(int refused) {}

    /** Opens streams until one runs on a replaced instance (within 5 s); the ones before it must fail closed. */
    private Replacement awaitReplacement(Plugin plugin) {
        int[] refused = {0};
        return Poll.untilPresent("a stream on a replaced instance", Duration.ofSeconds(5), () -> {
            RecordingExchange exchange = new RecordingExchange();
            StreamContext stream = plugin.newStream(exchange);
            stream.onRequestHeaders(request(), true);
            if (exchange.localReplies.isEmpty()) {
                assertThat(stream.id()).as("the first stream of a fresh instance").isEqualTo(2);
                return Optional.of(new Replacement(refused[0]));
            }
            assertFailedClosedOnce(exchange, stream);
            refused[0]++;
            return Optional.empty();
        });
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aCallbackOverItsDeadlineIsATrapNamingTheLimitAndLeavesNoInterruptBehind(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS).onlyIfRequestHeader(program.blob("x-hang")).hangs();
        Plugin plugin = start(probe(engine, program, 1)
                .withLimits(Limits.defaults().withCallbackDeadline(Duration.ofMillis(100))));

        RecordingExchange exchange = new RecordingExchange();
        StreamContext stream = plugin.newStream(exchange);
        long started = System.nanoTime();
        FilterHeadersStatus status = stream.onRequestHeaders(request("x-hang"), true);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(Thread.currentThread().isInterrupted()).as("the container thread is not left interrupted").isFalse();
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(100)).isLessThan(Duration.ofSeconds(5));
        assertThat(status).isEqualTo(FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK);
        assertFailedClosedOnce(exchange, stream);
        assertThat(log.messages()).anyMatch(line -> line.contains("trap in proxy_on_request_headers")
                && line.contains("exceeded limits.callback_deadline of 100 ms"));
        assertThat(count("wasmgate.traps")).isEqualTo(1);

        RecordingExchange next = new RecordingExchange();
        assertThat(drive(plugin.newStream(next), request())).containsOnly(false);
        assertThat(next.localReplies).isEmpty();
    }

    /**
     * Regression (issue 3): an interrupt the integration's thread already carries is not the plugin's
     * deadline; it must neither kill the instance nor be swallowed.
     */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void anInterruptTheCallingThreadAlreadyHadIsNeitherATrapNorLost(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS).spins(1);
        Plugin plugin = start(probe(engine, program, 1));
        RecordingExchange exchange = new RecordingExchange();
        StreamContext stream = plugin.newStream(exchange);

        Thread.currentThread().interrupt();
        FilterHeadersStatus status;
        try {
            status = stream.onRequestHeaders(request(), true);
        } finally {
            assertThat(Thread.interrupted()).as("the caller's interrupt is kept").isTrue();
        }

        assertThat(status).isEqualTo(FilterHeadersStatus.CONTINUE);
        assertThat(exchange.localReplies).isEmpty();
        assertThat(count("wasmgate.traps")).isZero();
    }

    /** Regression (issue 3): the start section ran without a deadline and hung {@code Plugin.start} for good. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aStartFunctionThatNeverReturnsIsStoppedByTheDeadline(Engine engine) {
        PluginConfig.Builder config = PluginConfig.builder("start-loop")
                .withModule(Modules.fixture("start-loop"))
                .withEngine(engine)
                .withInstances(1)
                .withLimits(Limits.defaults().withCallbackDeadline(Duration.ofMillis(100)));

        assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> start(config)))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("plugin 'start-loop'")
                .hasMessageContaining("exceeded limits.callback_deadline of 100 ms");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aMemoryBombIsStoppedAtLimitsMemoryAndTheProcessKeepsServing(Engine engine) {
        Plugin plugin = start(PluginConfig.builder("bomb")
                .withModule(Modules.fixture("memory-bomb"))
                .withEngine(engine)
                .withInstances(1)
                .withLimits(Limits.defaults().withMemoryBytes(2 * 1024 * 1024)));

        for (int i = 0; i < 2; i++) {
            RecordingExchange exchange = new RecordingExchange();
            StreamContext stream = plugin.newStream(exchange);
            assertThat(stream.onRequestHeaders(request(), true)).isEqualTo(FilterHeadersStatus.CONTINUE);
            stream.onDone();
            assertThat(exchange.localReplies).isEmpty();
        }

        assertThat(log.messages()).containsExactly(
                "one grow of 65536 pages: -1; memory.grow failed at 32 pages",
                "one grow of 65536 pages: -1; memory.grow failed at 32 pages");
        assertThat(count("wasmgate.traps")).isZero();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void limitsMemoryIsBelowTheModulesOwnMaximum(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS).grows(28).grows(1).grows(0x10000);
        try (Probe probe = Probe.start(engine, program, services,
                config -> config.withLimits(Limits.defaults().withMemoryBytes(2 * 1024 * 1024)))) {
            probe.newStream(new RecordingExchange()).onRequestHeaders(request(), true);

            assertThat(probe.results()).as("4 -> 32 pages, then the 2 MiB cap; the module itself allows 64")
                    .containsExactly(4, -1, -1);
            assertThat(probe.memorySize()).isEqualTo(2 * 1024 * 1024);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void outOfRangePointersAreInvalidMemoryAccessAndFailNothing(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob(":path");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_HEADER_MAP_VALUE, 0, 0xFFFFFFF0, 0x20, RET_PTR, RET_SIZE)
                .call(PROXY_GET_HEADER_MAP_VALUE, 0, name.ptr(), name.len(), MEMORY_END, RET_SIZE)
                .call(PROXY_LOG, 2, MEMORY_END - 1, 2)
                .call(PROXY_SET_SHARED_DATA, name.ptr(), name.len(), 0x7FFFFFFF, 0x7FFFFFFF, 0)
                .call(PROXY_SET_BUFFER_BYTES, 0, 0, 0, MEMORY_END, 1)
                .call(PROXY_SEND_LOCAL_RESPONSE, 403, MEMORY_END, 5, 0, 0, 0, 0, -1);
        try (Probe probe = Probe.start(engine, program, services, config -> config)) {
            for (int i = 0; i < 2; i++) {
                RecordingExchange exchange = new RecordingExchange();
                StreamContext stream = probe.newStream(exchange);
                assertThat(drive(stream, request())).containsOnly(false);

                assertThat(probe.statuses()).containsOnly(INVALID_MEMORY_ACCESS).hasSize(6);
                assertThat(exchange.localReplies).isEmpty();
                assertThat(probe.vm().failed()).isFalse();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anExceptionThrownInsideAHostcallFailsTheInstanceLikeATrap(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data path = program.blob("source.address");
        program.on(Callback.ON_REQUEST_HEADERS).call(PROXY_GET_PROPERTY, path.ptr(), path.len(), RET_PTR, RET_SIZE);
        Plugin plugin = start(probe(engine, program, 1));
        RecordingExchange recording = new RecordingExchange() {
            @Override
            public Optional<PropertyValue> attribute(String name) {
                throw new IllegalStateException("integration bug");
            }
        };

        StreamContext stream = plugin.newStream(recording);
        stream.onRequestHeaders(request(), true);

        assertFailedClosedOnce(recording, stream);
        assertThat(log.messages()).anyMatch(line -> line.contains("trap in proxy_on_request_headers")
                && line.contains("integration bug"));
        RecordingExchange next = new RecordingExchange();
        next.attributes.put("source.address", PropertyValue.ofString("10.0.0.1:5000"));
        StreamContext healthy = plugin.newStream(next);
        assertThat(healthy.id()).isEqualTo(2);
        assertThat(drive(healthy, request())).containsOnly(false);
        assertThat(next.localReplies).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aModuleWhoseConfigureReturnsFalseDoesNotStartAndLeavesOtherPluginsServing(Engine engine) {
        ProbeProgram refusing = new ProbeProgram();
        refusing.on(Callback.ON_CONFIGURE).returns(0);

        assertThatThrownBy(() -> start(probe(engine, refusing, 2)))
                .isInstanceOf(PluginStartException.class)
                .hasMessageContaining("plugin 'probe'")
                .hasMessageContaining("proxy_on_configure returned false");
        assertThat(activeVms()).as("no instance is left running").isZero();

        Plugin other = start(probe(engine, new ProbeProgram(), 2));
        assertThat(activeVms()).as("a plugin of the same name reports its own instances").isEqualTo(2);
        RecordingExchange exchange = new RecordingExchange();
        assertThat(drive(other.newStream(exchange), request())).containsOnly(false);
        assertThat(exchange.localReplies).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aModuleNeedingMoreInitialMemoryThanLimitsMemoryIsRefusedAtLoad(Engine engine) {
        assertThatThrownBy(() -> start(probe(engine, new ProbeProgram(), 1)
                .withLimits(Limits.defaults().withMemoryBytes(Limits.PAGE))))
                .isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("plugin 'probe'")
                .hasMessageContaining("needs 4 pages")
                .hasMessageContaining("limits.memory");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aHeldBodyOverMaxBufferedBodyIsAnsweredAndTheVmStaysHealthy(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data hold = program.blob("x-hold");
        program.on(Callback.ON_REQUEST_BODY).onlyIfRequestHeader(hold).returns(1);
        program.on(Callback.ON_RESPONSE_BODY).onlyIfRequestHeader(hold).returns(1);
        Plugin plugin = start(probe(engine, program, 1)
                .withLimits(Limits.defaults().withMaxBufferedBody(1000)));

        RecordingExchange requestExchange = new RecordingExchange();
        StreamContext request = plugin.newStream(requestExchange);
        request.onRequestHeaders(request("x-hold"), false);
        assertThat(request.onRequestBody(bytes(600), false)).isEqualTo(FilterDataStatus.STOP_ITERATION_AND_BUFFER);
        assertThat(request.onRequestBody(bytes(600), false)).isEqualTo(FilterDataStatus.STOP_ITERATION_NO_BUFFER);
        assertThat(requestExchange.onlyLocalReply().status()).isEqualTo(413);

        RecordingExchange responseExchange = new RecordingExchange();
        StreamContext response = plugin.newStream(responseExchange);
        response.onRequestHeaders(request("x-hold"), true);
        response.onResponseHeaders(new Headers().add(":status", "200"), false);
        assertThat(response.onResponseBody(bytes(1000), false)).isEqualTo(FilterDataStatus.STOP_ITERATION_AND_BUFFER);
        assertThat(response.onResponseBody(bytes(1), true)).isEqualTo(FilterDataStatus.STOP_ITERATION_NO_BUFFER);
        assertThat(responseExchange.onlyLocalReply().status()).isEqualTo(502);

        RecordingExchange streamingExchange = new RecordingExchange();
        StreamContext streaming = plugin.newStream(streamingExchange);
        streaming.onRequestHeaders(request(), false);
        for (int i = 0; i < 3; i++) {
            assertThat(streaming.onRequestBody(bytes(600), i == 2)).as("a body the plugin lets through is never held")
                    .isEqualTo(FilterDataStatus.CONTINUE);
        }
        assertThat(streamingExchange.localReplies).isEmpty();
        assertThat(request.failed()).isFalse();
        assertThat(count("wasmgate.traps")).isZero();
        assertThat(drive(plugin.newStream(new RecordingExchange()), request())).containsOnly(false);
    }
}
