package io.wasmgate.abi.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wasmgate.abi.PluginStartException;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.Limits;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Modules;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.wire.AbiVersion;
import io.wasmgate.abi.wire.FilterDataStatus;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import io.wasmgate.abi.wire.LogLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The AssemblyScript add-header policy, built with the public SDK, through the whole stream lifecycle. */
class AddHeaderPolicyTest {

    private static PluginConfig.Builder addHeader(Engine engine) {
        return PluginConfig.builder("add-header")
                .withModule(Modules.policy("add-header"))
                .withRootId("add_header")
                .withEngine(engine)
                .withInstances(1);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void configuredHeadersAppearOnTheResponse(Engine engine) {
        try (Plugin plugin = Plugin.start(addHeader(engine).withConfiguration("X-Policy: on\nx-team: edge\n").build())) {
            assertThat(plugin.code().abiVersion()).isEqualTo(AbiVersion.V0_2_0);
            RecordingExchange exchange = new RecordingExchange();
            StreamContext stream = plugin.newStream(exchange);

            Headers request = new Headers().add(":method", "POST").add(":path", "/orders").add(":authority", "shop")
                    .add(":scheme", "http");
            assertThat(stream.onRequestHeaders(request, false)).isEqualTo(FilterHeadersStatus.CONTINUE);
            assertThat(stream.onRequestBody("{\"id\":1}".getBytes(), true)).isEqualTo(FilterDataStatus.CONTINUE);
            assertThat(stream.requestBody().bytes()).asString().isEqualTo("{\"id\":1}");

            Headers response = new Headers().add(":status", "200").add("content-type", "application/json");
            assertThat(stream.onResponseHeaders(response, false)).isEqualTo(FilterHeadersStatus.CONTINUE);
            assertThat(stream.onResponseBody("ok".getBytes(), true)).isEqualTo(FilterDataStatus.CONTINUE);
            stream.onLog();
            stream.onDone();

            assertThat(response.first("x-policy")).contains("on");
            assertThat(response.first("x-team")).contains("edge");
            assertThat(response.first("content-type")).contains("application/json");
            assertThat(exchange.localReplies).isEmpty();
            assertThat(stream.failed()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void emptyConfigurationAddsTheDefaultHeaderUnderTheEmptyRootId(Engine engine) {
        try (Plugin plugin = Plugin.start(addHeader(engine).withRootId("").build())) {
            StreamContext stream = plugin.newStream(new RecordingExchange());
            stream.onRequestHeaders(new Headers().add(":path", "/"), true);
            Headers response = new Headers().add(":status", "204");
            stream.onResponseHeaders(response, true);
            stream.onLog();
            stream.onDone();

            assertThat(response.values("x-wasmgate")).containsExactly("hello");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theSdksDebugLinesStillReachALogAtDebugLevel(Engine engine) {
        CapturingLog log = new CapturingLog(LogLevel.DEBUG);
        try (Plugin plugin = Plugin.start(addHeader(engine).withLog(log).build())) {
            StreamContext stream = plugin.newStream(new RecordingExchange());
            stream.onRequestHeaders(new Headers().add(":path", "/"), true);
            stream.onResponseHeaders(new Headers().add(":status", "204"), true);
            stream.onLog();
            stream.onDone();
        }
        assertThat(log.lines).filteredOn(line -> line.level() == LogLevel.DEBUG).extracting(CapturingLog.Line::message)
                .anyMatch(line -> line.endsWith(": onDone()"))
                .anyMatch(line -> line.endsWith(": onDelete()"));
    }

    /**
     * The SDK as published leaked every stream context (AssemblyScript 0.14 retained the cast in its
     * getContext twice), so a VM ran out of memory after ~30,000 streams per MiB; sample-policies patches it.
     */
    @Test
    void aHundredThousandStreamsFitInOneMibOfGuestMemory() {
        PluginConfig config = addHeader(Engine.COMPILER).withLimits(Limits.defaults().withMemoryBytes(1 << 20)).build();
        try (Plugin plugin = Plugin.start(config)) {
            for (int i = 0; i < 100_000; i++) {
                RecordingExchange exchange = new RecordingExchange();
                StreamContext stream = plugin.newStream(exchange);
                stream.onRequestHeaders(new Headers().add(":path", "/"), true);
                Headers response = new Headers().add(":status", "200");
                stream.onResponseHeaders(response, true);
                stream.onLog();
                stream.onDone();
                assertThat(stream.failed()).as("stream %d failed", i).isFalse();
                assertThat(response.first("x-wasmgate")).contains("hello");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aBadConfigurationLineRejectsThePluginWithTheReason(Engine engine) {
        CapturingLog log = new CapturingLog();
        assertThatThrownBy(() -> Plugin.start(addHeader(engine).withConfiguration(": no name").withLog(log).build()))
                .isInstanceOf(PluginStartException.class)
                .hasMessageContaining("plugin 'add-header'")
                .hasMessageContaining("proxy_on_configure returned false")
                .hasMessageContaining("the plugin logged: add-header: bad configuration line (want `name: value`): : no name");
        assertThat(log.messages()).anyMatch(line -> line.contains("bad configuration line"));
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theRejectionQuotesThePluginsReasonEvenWhenItsLogIsOff(Engine engine) {
        CapturingLog log = new CapturingLog(LogLevel.OFF);
        assertThatThrownBy(() -> Plugin.start(addHeader(engine).withConfiguration(": no name").withLog(log).build()))
                .isInstanceOf(PluginStartException.class)
                .hasMessageContaining("plugin 'add-header'")
                .hasMessageContaining("the plugin logged: add-header: bad configuration line");
        assertThat(log.lines).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anUnknownRootIdMakesTheSdkExitAndStartFailsNamingTheTrap(Engine engine) {
        assertThatThrownBy(() -> Plugin.start(addHeader(engine).withRootId("nope").build()))
                .isInstanceOf(PluginStartException.class)
                .hasMessageContaining("proc_exit(255)");
    }
}
