package io.wasmgate.abi.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Modules;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.wire.AbiVersion;
import io.wasmgate.abi.wire.FilterDataStatus;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import io.wasmgate.abi.wire.StreamType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Old ABI versions: a 0.1.0 module with two-parameter header callbacks and the legacy
 * {@code proxy_get_configuration}, {@code proxy_continue_request}/{@code _response} and
 * {@code proxy_clear_route_cache}; and a 0.2.0 module. See {@code fixtures/abi_0_1_0.wat}.
 */
class Abi010Test {
    private final CapturingLog log = new CapturingLog();

    private PluginConfig.Builder plugin(String fixture, Engine engine) {
        return PluginConfig.builder(fixture)
                .withModule(Modules.fixture(fixture))
                .withEngine(engine)
                .withInstances(1)
                .withLog(log);
    }

    private PluginConfig.Builder abi010(Engine engine) {
        return plugin("abi_0_1_0", engine)
                .withVmConfiguration("vm-conf".getBytes(StandardCharsets.UTF_8))
                .withConfiguration("plugin-conf")
                .withAllowOnHeadersStopIteration(true);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void proxyGetConfigurationReturnsTheVmConfigurationInVmStartAndThePluginConfigurationInConfigure(Engine engine) {
        try (Plugin plugin = Plugin.start(abi010(engine).build())) {
            assertThat(plugin.code().abiVersion()).isEqualTo(AbiVersion.V0_1_0);
            assertThat(log.messages()).containsExactly(
                    "on_vm_start root=1 size=7 config=vm-conf",
                    "on_configure root=1 size=11 config=plugin-conf");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void headerCallbacksGetTwoArgumentsAndLegacyHostcallsWork(Engine engine) {
        try (Plugin plugin = Plugin.start(abi010(engine).build())) {
            log.clear();
            RecordingExchange exchange = new RecordingExchange();
            StreamContext stream = plugin.newStream(exchange);

            Headers request = new Headers().add(":method", "GET").add(":path", "/").add(":authority", "old");
            assertThat(stream.onRequestHeaders(request, false)).isEqualTo(FilterHeadersStatus.STOP_ITERATION);
            assertThat(stream.onRequestBody("body".getBytes(StandardCharsets.UTF_8), true)).isEqualTo(FilterDataStatus.CONTINUE);
            assertThat(exchange.continued).containsExactly(StreamType.HTTP_REQUEST);
            assertThat(stream.onResponseHeaders(new Headers().add(":status", "200"), false))
                    .isEqualTo(FilterHeadersStatus.STOP_ITERATION);
            assertThat(stream.onResponseBody("ok".getBytes(StandardCharsets.UTF_8), true)).isEqualTo(FilterDataStatus.CONTINUE);
            stream.onLog();
            stream.onDone();

            assertThat(exchange.continued).containsExactly(StreamType.HTTP_REQUEST, StreamType.HTTP_RESPONSE);
            assertThat(log.messages()).containsExactly(
                    "on_request_headers ctx=2 n=3",
                    "x-missing -> 0 size=0",
                    "clear_route_cache -> 0",
                    "get_configuration -> 1",
                    "on_request_body ctx=2 size=4",
                    "continue_request -> 0",
                    "on_response_headers ctx=2 n=1",
                    "on_response_body ctx=2 size=2",
                    "continue_response -> 0");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void anAbi020ModuleLoadsGetsEndOfStreamAndAMissingHeaderIsNotFound(Engine engine) {
        try (Plugin plugin = Plugin.start(plugin("abi_0_2_0", engine).build())) {
            assertThat(plugin.code().abiVersion()).isEqualTo(AbiVersion.V0_2_0);
            StreamContext stream = plugin.newStream(new RecordingExchange());

            assertThat(stream.onRequestHeaders(new Headers().add(":path", "/"), true)).isEqualTo(FilterHeadersStatus.CONTINUE);

            assertThat(log.messages()).containsExactly("on_request_headers eos=1", "x-missing -> 1");
        }
    }
}
