package io.wasmgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.ModuleSource;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import io.wasmgate.abi.wire.HeaderField;
import io.wasmgate.abi.wire.LogLevel;
import io.wasmgate.abi.wire.StreamType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The modules built with the real proxy-wasm SDKs ({@code wasmgate/sdk/*.wasm}, see their PROVENANCE.md)
 * run on Wasmgate's COMPILER engine: each one through a whole lifecycle (8 request headers, 4 response
 * headers, log, done), with the example's observable effect asserted through the host and no trap.
 */
class SdkModulesTest {
    private final CapturingLog log = new CapturingLog();
    private final RecordingExchange exchange = new RecordingExchange();
    private HostServices services;
    private Plugin plugin;

    @AfterEach
    void stop() {
        if (plugin != null) {
            plugin.close();
        }
        if (services != null) {
            services.close();
        }
        assertThat(log.atLeast(LogLevel.ERROR)).as("error lines (a trap is logged at ERROR)").isEmpty();
    }

    private void start(String module) {
        services = HostServices.create();
        plugin = Plugin.start(PluginConfig.builder("sdk-" + module)
                .withModule(ModuleSource.ofClasspath("wasmgate/sdk/" + module + "-http-headers.wasm"))
                .withEngine(Engine.COMPILER)
                .withInstances(1)
                .withLog(log)
                .build(), services);
    }

    /** proxy-wasm-rust-sdk examples/http_headers: logs every header at INFO, then "#id completed." on log. */
    @Test
    void rustHttpHeadersLogsEveryHeaderAndContinues() {
        start("rust");
        Headers request = Bench.requestHeaders();
        Headers response = Bench.responseHeaders();
        assertThat(request.size()).isEqualTo(8);
        assertThat(response.size()).isEqualTo(4);

        StreamContext stream = plugin.newStream(exchange);
        assertThat(stream.onRequestHeaders(request, true)).isEqualTo(FilterHeadersStatus.CONTINUE);
        assertThat(stream.onResponseHeaders(response, false)).isEqualTo(FilterHeadersStatus.CONTINUE);
        stream.onLog();
        stream.onDone();

        assertThat(stream.failed()).isFalse();
        assertThat(exchange.replies).isEmpty();
        assertThat(response.fields()).isEqualTo(Bench.responseHeaders().fields());
        List<String> lines = log.texts(LogLevel.INFO);
        assertThat(lines).hasSize(8 + 4 + 1);
        String id = contextId(lines.get(0), "#(\\d+) -> ");
        for (int i = 0; i < 8; i++) {
            HeaderField field = request.fields().get(i);
            assertThat(lines.get(i)).endsWith("#" + id + " -> " + field.name() + ": " + field.value());
        }
        for (int i = 0; i < 4; i++) {
            HeaderField field = response.fields().get(i);
            assertThat(lines.get(8 + i)).endsWith("#" + id + " <- " + field.name() + ": " + field.value());
        }
        assertThat(lines.get(12)).endsWith("#" + id + " completed.");
    }

    /** The same example answers {@code /hello} itself: a 200 with two headers and "Hello, World!\n". */
    @Test
    void rustHttpHeadersAnswersHelloWithALocalReply() {
        start("rust");
        Headers request = Bench.requestHeaders().set(":path", "/hello");

        StreamContext stream = plugin.newStream(exchange);
        assertThat(stream.onRequestHeaders(request, true)).isNotEqualTo(FilterHeadersStatus.CONTINUE);
        stream.onLog();
        stream.onDone();

        assertThat(stream.failed()).isFalse();
        assertThat(exchange.replies).hasSize(1);
        LocalReply reply = exchange.replies.get(0);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.isFailure()).isFalse();
        assertThat(reply.headers()).containsExactly(new HeaderField("Hello", "World"), new HeaderField("Powered-By", "proxy-wasm"));
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo("Hello, World!\n");
        List<String> lines = log.texts(LogLevel.INFO);
        assertThat(lines).hasSize(8 + 1);
        assertThat(lines.get(1)).endsWith(" -> :path: /hello");
        assertThat(lines.get(8)).endsWith(" completed.");
    }

    /**
     * proxy-wasm-cpp-sdk example/http_wasm_example.cc: logs the headers of both directions, adds
     * {@code X-Wasm-custom: FOO} to the response, replaces its content-type and removes its content-length;
     * onCreate, onDone, onLog and onDelete each log a WARN line.
     */
    @Test
    void cppHttpWasmExampleLogsHeadersAndRewritesTheResponse() {
        start("cpp");
        Headers request = Bench.requestHeaders();
        Headers response = Bench.responseHeaders();

        StreamContext stream = plugin.newStream(exchange);
        assertThat(stream.onRequestHeaders(request, true)).isEqualTo(FilterHeadersStatus.CONTINUE);
        assertThat(stream.onResponseHeaders(response, false)).isEqualTo(FilterHeadersStatus.CONTINUE);
        stream.onLog();
        stream.onDone();

        assertThat(stream.failed()).isFalse();
        assertThat(exchange.replies).isEmpty();
        assertThat(request.fields()).isEqualTo(Bench.requestHeaders().fields());
        assertThat(response.first("x-wasm-custom")).hasValue("FOO");
        assertThat(response.first("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(response.first("content-length")).isEmpty();
        assertThat(response.first(":status")).hasValue("200");
        assertThat(response.first("date")).hasValue("Wed, 26 Nov 2025 04:30:00 GMT");

        List<String> info = log.texts(LogLevel.INFO);
        assertThat(info).hasSize(1 + 8 + 1 + 4);
        assertThat(info.get(0)).endsWith("onRequestHeaders() headers: 8");
        for (int i = 0; i < 8; i++) {
            HeaderField field = request.fields().get(i);
            assertThat(info.get(1 + i)).endsWith("onRequestHeaders() " + field.name() + " -> " + field.value());
        }
        assertThat(info.get(9)).endsWith("onResponseHeaders() headers: 4");
        List<HeaderField> original = Bench.responseHeaders().fields();
        for (int i = 0; i < 4; i++) {
            assertThat(info.get(10 + i)).endsWith("onResponseHeaders() " + original.get(i).name() + " -> " + original.get(i).value());
        }
        List<String> warn = log.texts(LogLevel.WARN);
        assertThat(warn).hasSize(4);
        String id = contextId(warn.get(0), "onCreate (\\d+)$");
        assertThat(warn).anySatisfy(line -> assertThat(line).endsWith("onLog() onLog " + id));
        assertThat(warn).anySatisfy(line -> assertThat(line).endsWith("onDone() onDone " + id));
        assertThat(warn.get(3)).endsWith("onDelete() onDelete " + id);
        assertThat(log.texts(LogLevel.DEBUG)).hasSize(2);
    }

    private static String contextId(String line, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(line);
        assertThat(matcher.find()).as("context id in %s", line).isTrue();
        return matcher.group(1);
    }

    /** Records local replies; the examples never continue or close a stream themselves. */
    private static final class RecordingExchange implements HttpExchange {
        final List<LocalReply> replies = new ArrayList<>();

        @Override
        public void continueStream(StreamType direction) {
            throw new IllegalStateException("unexpected continue " + direction);
        }

        @Override
        public void closeStream(StreamType direction) {
            throw new IllegalStateException("unexpected close " + direction);
        }

        @Override
        public void sendLocalReply(LocalReply reply) {
            replies.add(reply);
        }
    }
}
