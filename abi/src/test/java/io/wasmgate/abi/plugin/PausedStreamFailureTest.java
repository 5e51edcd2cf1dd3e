package io.wasmgate.abi.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.FailurePolicy;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.StreamType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stream paused waiting for its plugin (a callout, a tick) when another stream makes the same instance
 * trap is answered by the failure policy at once, rather than waiting out its pause deadline.
 */
class PausedStreamFailureTest {

    /** Pauses request headers that carry {@code x-pause}; traps in every request body callback. */
    private static ProbeProgram pausingThenTrapping() {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS).onlyIfRequestHeader(program.blob("x-pause")).returns(1);
        program.on(Callback.ON_REQUEST_BODY).traps();
        return program;
    }

    private static StreamContext pausedStream(Plugin plugin, RecordingExchange exchange) {
        StreamContext paused = plugin.newStream(exchange);
        assertThat(paused.onRequestHeaders(new Headers().add(":path", "/").add("x-pause", "1"), false).stops()).isTrue();
        return paused;
    }

    private static void trapAnotherStream(Plugin plugin) {
        StreamContext trapping = plugin.newStream(new RecordingExchange());
        trapping.onRequestHeaders(new Headers().add(":path", "/"), false);
        trapping.onRequestBody(new byte[] {1}, true);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void failClosedAnswersAPausedStreamAsSoonAsItsInstanceFails(Engine engine) {
        try (Plugin plugin = Plugin.start(Probe.config(engine, pausingThenTrapping())
                .withFailurePolicy(FailurePolicy.FAIL_CLOSED).build())) {
            RecordingExchange exchange = new RecordingExchange();
            StreamContext paused = pausedStream(plugin, exchange);

            trapAnotherStream(plugin);

            assertThat(exchange.onlyLocalReply().isFailure()).isTrue();
            assertThat(exchange.continued).isEmpty();
            assertThat(paused.failed()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void failOpenReleasesAPausedStreamAsSoonAsItsInstanceFails(Engine engine) {
        try (Plugin plugin = Plugin.start(Probe.config(engine, pausingThenTrapping())
                .withFailurePolicy(FailurePolicy.FAIL_OPEN).build())) {
            RecordingExchange exchange = new RecordingExchange();
            StreamContext paused = pausedStream(plugin, exchange);

            trapAnotherStream(plugin);

            assertThat(exchange.continued).containsExactly(StreamType.HTTP_REQUEST);
            assertThat(exchange.localReplies).isEmpty();
            assertThat(paused.onRequestBody(new byte[] {2}, true).stops()).as("the plugin is skipped from now on").isFalse();
        }
    }
}
