package io.wasmgate.bench;

import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.config.PluginLog;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.ModuleSource;
import io.wasmgate.abi.wire.LogLevel;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link LifecycleBenchmark}'s request (new stream, request headers, response headers, log, done) through
 * modules built with the proxy-wasm SDKs rather than written for the benchmark: the {@code http_headers}
 * example of the Go, Rust and C++ SDKs, read from {@code wasmgate/sdk/<module>-http-headers.wasm} (each
 * with a {@code .PROVENANCE.md} beside it), on the compiler only. The examples log every header at info
 * level and add headers of their own, so one operation is much more guest work than the add-header policy;
 * {@code LifecycleBenchmark.request} (add-header, compiler) and {@link NativeFilterBenchmark} are the
 * baselines. {@link SdkModuleHugeMethodsBenchmark} runs the same with {@code -XX:-DontCompileHugeMethods}.
 *
 * <p>Set-up runs one request with the plugin's info lines captured and checks the module behaved (it
 * logged the request headers; the Go example added its headers), then drops info lines for the
 * measurement, as a production log level would (the guest still formats them: the Go SDK does not ask
 * for the log level).
 *
 * <p>The warm-up is longer than the other benchmarks' (15 x 2 s): the Go module is 2172 functions, and
 * HotSpot takes tens of seconds to settle on them (more with {@code -XX:-DontCompileHugeMethods}, where C2
 * compiles methods of 10-30 KB of bytecode).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 15, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class SdkModuleBenchmark {
    /** The header the plugin configuration asks the Go example to add to responses. */
    static final String CONFIGURED_NAME = "x-wasmgate-sdk";
    static final String CONFIGURED_VALUE = "configured";
    /** What the Go example's {@code proxy_on_configure} reads: {@code {"header": ..., "value": ...}}. */
    static final String CONFIGURATION = "{\"header\": \"" + CONFIGURED_NAME + "\", \"value\": \"" + CONFIGURED_VALUE + "\"}";

    @Param({"go", "rust", "cpp"})
    public String module;

    private final CapturingLog log = new CapturingLog();
    private final Bench.NoopExchange exchange = new Bench.NoopExchange();
    private HostServices services;
    private Plugin plugin;

    @Setup
    public void start() {
        services = HostServices.create();
        plugin = Plugin.start(config(module, log).build(), services);
        log.capture(true);
        Headers requestHeaders = Bench.requestHeaders();
        Headers response = Bench.responseHeaders();
        request(requestHeaders, response);
        log.capture(false);
        checkBehaviour(module, requestHeaders, response, log.lines());
        log.assertNoErrors();
    }

    @TearDown
    public void stop() {
        plugin.close();
        services.close();
        log.assertNoErrors();
    }

    @Benchmark
    public Headers request() {
        return request(Bench.requestHeaders(), Bench.responseHeaders());
    }

    private Headers request(Headers requestHeaders, Headers response) {
        return Bench.lifecycle(plugin, exchange, requestHeaders, response);
    }

    /** The classpath resource of an SDK module by short name. */
    static String resource(String module) {
        return "wasmgate/sdk/" + module + "-http-headers.wasm";
    }

    /** The bytes of an SDK module; a clear error when its file is not on the classpath. */
    static byte[] bytes(String module) {
        String resource = resource(module);
        try (InputStream in = SdkModuleBenchmark.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("SDK module '" + module + "' is missing: no classpath resource " + resource
                        + " (add bench/src/main/resources/" + resource + " with its provenance, or select others with -p module=...)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    /** The root id each example registers its root context under: "" for all three (the Go and Rust SDKs ignore it). */
    static String rootId(String module) {
        return switch (module) {
            case "go", "rust", "cpp" -> "";
            default -> throw new IllegalArgumentException("unknown SDK module " + module);
        };
    }

    /** A one-instance plugin of an SDK module on the compiler, configured as the Go example expects. */
    static PluginConfig.Builder config(String module, PluginLog log) {
        return PluginConfig.builder("sdk-" + module)
                .withModule(ModuleSource.ofBytes("classpath:" + resource(module), bytes(module)))
                .withRootId(rootId(module))
                .withConfiguration(CONFIGURATION)
                .withEngine(Engine.COMPILER)
                .withInstances(1)
                .withLog(log);
    }

    /**
     * Throws unless one request through {@code module} did what its example does: every example logs the
     * request headers (the request id must appear in a line); the Go one also sets {@code test: best} on
     * the request and adds its constant, counter and configured headers to the response; the C++ one adds
     * {@code x-wasm-custom: FOO} and removes {@code content-length}. (The Rust one only logs.)
     */
    static void checkBehaviour(String module, Headers request, Headers response, List<String> lines) {
        String requestId = Bench.requestHeaders().first("x-request-id").orElseThrow();
        if (lines.stream().noneMatch(line -> line.contains(requestId))) {
            throw new IllegalStateException("SDK module " + module + " did not log the request headers; its lines: " + lines);
        }
        if (module.equals("go")) {
            boolean behaved = request.first("test").filter("best"::equals).isPresent()
                    && response.first("x-proxy-wasm-go-sdk-example").filter("http_headers"::equals).isPresent()
                    && response.first("x-proxy-wasm-counter").isPresent()
                    && response.first(CONFIGURED_NAME).filter(CONFIGURED_VALUE::equals).isPresent();
            if (!behaved) {
                throw new IllegalStateException("SDK module go did not behave: request " + request + ", response " + response);
            }
        } else if (module.equals("cpp")) {
            boolean behaved = response.first("x-wasm-custom").filter("FOO"::equals).isPresent()
                    && response.first("content-length").isEmpty();
            if (!behaved) {
                throw new IllegalStateException("SDK module cpp did not behave: response " + response);
            }
        }
    }

    /**
     * Keeps errors always (a trap is logged at ERROR) and, while capturing, info lines too; otherwise the
     * host drops everything below WARN, as a production log level would.
     */
    static final class CapturingLog implements PluginLog {
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean capturing;

        void capture(boolean on) {
            capturing = on;
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        @Override
        public LogLevel level() {
            return capturing ? LogLevel.TRACE : LogLevel.WARN;
        }

        @Override
        public void log(LogLevel level, String message) {
            if (level.compareTo(LogLevel.ERROR) >= 0) {
                errors.add(message);
            }
            if (capturing) {
                lines.add(level + " " + message);
            }
        }

        void assertNoErrors() {
            if (!errors.isEmpty()) {
                throw new IllegalStateException("a plugin failed during the benchmark: " + errors);
            }
        }
    }
}
