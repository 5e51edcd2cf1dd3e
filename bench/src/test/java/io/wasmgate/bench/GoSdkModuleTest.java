package io.wasmgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.config.CodeCache;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.ModuleSource;
import io.wasmgate.abi.testing.CapturedStderr;
import io.wasmgate.abi.vm.WasmCode;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy-wasm Go SDK's {@code http_headers} example (Go 1.24 wasip1, see
 * {@code wasmgate/sdk/go-http-headers.PROVENANCE.md}) starts on the compiler and does what its source says
 * through the lifecycle {@link SdkModuleBenchmark} measures.
 */
class GoSdkModuleTest {
    @Test
    void httpHeadersExampleRunsTheWholeLifecycle() {
        runsTheWholeLifecycle(SdkModuleBenchmark.config("go", new SdkModuleBenchmark.CapturingLog()));
    }

    /** Compiled without a code cache, the functions over HotSpot's JIT limit are named once, at load. */
    @Test
    void aLoadWithoutACodeCacheNamesTheFunctionsOverHotSpotsJitLimit() {
        try (CapturedStderr stderr = CapturedStderr.start()) {
            WasmCode.load("go", ModuleSource.ofBytes("go-http-headers.wasm#huge", SdkModuleBenchmark.bytes("go")),
                    Engine.COMPILER);

            assertThat(stderr.lines()).filteredOn(line -> line.contains("over HotSpot's 8000-byte")).singleElement()
                    .asString().contains("go-http-headers.wasm#huge: 27 functions", "function 209 (runtime.printanycustomtype)");
        }
    }

    /**
     * On a restart that finds its compiled code on disk, the module is parsed without its function bodies
     * (every function is in the cached classes) and behaves exactly the same.
     */
    @Test
    void httpHeadersExampleRunsTheSameOnCompiledCodeFromADiskCache(@TempDir Path dir) {
        byte[] bytes = SdkModuleBenchmark.bytes("go");
        CodeCache first = CodeCache.in(dir);
        try (HostServices services = HostServices.create();
                Plugin plugin = Plugin.start(SdkModuleBenchmark.config("go", new SdkModuleBenchmark.CapturingLog())
                        .withModule(ModuleSource.ofBytes("go-http-headers.wasm#first", bytes)).withCodeCache(first).build(),
                        services)) {
            assertThat(plugin.code().codeFromCache()).isFalse();
        }
        assertThat(first.stores()).isEqualTo(1);

        CodeCache restarted = CodeCache.in(dir);
        Plugin plugin = runsTheWholeLifecycle(SdkModuleBenchmark.config("go", new SdkModuleBenchmark.CapturingLog())
                .withModule(ModuleSource.ofBytes("go-http-headers.wasm#restarted", bytes)).withCodeCache(restarted));
        assertThat(plugin.code().codeFromCache()).isTrue();
        assertThat(restarted.hits()).isEqualTo(1);
        assertThat(restarted.stores()).isZero();
    }

    /** Starts the plugin {@code config} makes, runs two requests and checks them; returns the (closed) plugin. */
    private static Plugin runsTheWholeLifecycle(PluginConfig.Builder config) {
        SdkModuleBenchmark.CapturingLog log = new SdkModuleBenchmark.CapturingLog();
        log.capture(true);
        Plugin started;
        try (HostServices services = HostServices.create();
                Plugin plugin = Plugin.start(config.withLog(log).build(), services)) {
            started = plugin;
            assertThat(log.lines()).anyMatch(line -> line.contains("header from config: x-wasmgate-sdk = configured"));

            for (int i = 1; i <= 2; i++) {
                Headers request = Bench.requestHeaders();
                Headers response = Bench.responseHeaders();
                StreamContext stream = plugin.newStream(new Bench.NoopExchange());
                assertThat(stream.onRequestHeaders(request, true)).isEqualTo(FilterHeadersStatus.CONTINUE);
                assertThat(stream.onResponseHeaders(response, false)).isEqualTo(FilterHeadersStatus.CONTINUE);
                stream.onLog();
                stream.onDone();
                assertThat(stream.failed()).isFalse();

                assertThat(request.first("test")).contains("best");
                assertThat(request.size()).isEqualTo(9);
                assertThat(response.first("x-proxy-wasm-go-sdk-example")).contains("http_headers");
                assertThat(response.first("x-proxy-wasm-counter")).contains(Integer.toString(i));
                assertThat(response.first("x-wasmgate-sdk")).contains("configured");
                assertThat(response.size()).isEqualTo(7);
                SdkModuleBenchmark.checkBehaviour("go", request, response, log.lines());
            }
            assertThat(log.lines())
                    .anyMatch(line -> line.contains("request header --> :path: /orders/12345?expand=items"))
                    .anyMatch(line -> line.contains("request header --> test: best"))
                    .anyMatch(line -> line.contains("adding header: x-wasmgate-sdk=configured"))
                    .anyMatch(line -> line.contains("response header <-- x-proxy-wasm-counter: 2"))
                    .anyMatch(line -> line.endsWith(" finished"));
        }
        log.assertNoErrors();
        return started;
    }
}
