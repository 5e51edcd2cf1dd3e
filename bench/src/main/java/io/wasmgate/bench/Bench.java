package io.wasmgate.bench;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.config.ModuleSource;
import io.wasmgate.abi.config.PluginConfig;
import io.wasmgate.abi.config.PluginLog;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.spi.HttpExchange;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import io.wasmgate.abi.wire.LogLevel;
import io.wasmgate.abi.wire.StreamType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the benchmarks share: the modules they run, plugin configurations, the request and response
 * header maps, a do-nothing exchange and a log that fails the trial if a plugin reported an error.
 */
final class Bench {
    /**
     * The AssemblyScript add-header policy adds this one header to every response (its default
     * configuration), and so does bench-add-header.wat ({@code host-add-header}), which makes only that hostcall.
     */
    static final String ADDED_NAME = "x-wasmgate";
    static final String ADDED_VALUE = "hello";

    private Bench() {}

    /** A module by short name, read once into memory so no benchmark measures classpath I/O. */
    static ModuleSource module(String name) {
        return ModuleSource.ofBytes("classpath:" + resource(name), bytes(name));
    }

    /** The bytes of a module by short name. */
    static byte[] bytes(String name) {
        return ModuleSource.ofClasspath(resource(name)).read(name);
    }

    private static String resource(String name) {
        return switch (name) {
            case "add-header" -> "wasmgate/policies/add-header.wasm";
            case "noop", "touch", "shared" -> "wasmgate/fixtures/bench-" + name + ".wasm";
            case "host-add-header" -> "wasmgate/fixtures/bench-add-header.wasm";
            default -> throw new IllegalArgumentException("unknown bench module " + name);
        };
    }

    /** The root id each module registers ("" for the WAT fixtures, which ignore it). */
    static String rootId(String name) {
        return name.equals("add-header") ? "add_header" : "";
    }

    /** A one-instance plugin of {@code module} on {@code engine}, logging into {@code log}. */
    static PluginConfig.Builder config(String module, Engine engine, ErrorLog log) {
        return PluginConfig.builder("bench-" + module)
                .withModule(module(module))
                .withRootId(rootId(module))
                .withEngine(engine)
                .withInstances(1)
                .withLog(log);
    }

    /**
     * The request every lifecycle benchmark measures: a new stream on {@code plugin}, {@code request} (end of
     * stream: a GET), {@code response}, log, done. Fails if the plugin did not let both continue.
     */
    static Headers lifecycle(Plugin plugin, HttpExchange exchange, Headers request, Headers response) {
        StreamContext stream = plugin.newStream(exchange);
        FilterHeadersStatus onRequest = stream.onRequestHeaders(request, true);
        FilterHeadersStatus onResponse = stream.onResponseHeaders(response, false);
        stream.onLog();
        stream.onDone();
        if (onRequest != FilterHeadersStatus.CONTINUE || onResponse != FilterHeadersStatus.CONTINUE || stream.failed()) {
            throw new IllegalStateException("the stream did not continue: " + onRequest + ", " + onResponse);
        }
        return response;
    }

    /** A GET as a servlet container would hand it over: 4 pseudo-headers and 4 ordinary ones. */
    static Headers requestHeaders() {
        return new Headers()
                .add(":method", "GET")
                .add(":path", "/orders/12345?expand=items")
                .add(":authority", "shop.example.com")
                .add(":scheme", "https")
                .add("user-agent", "wrk/4.2.0")
                .add("accept", "*/*")
                .add("accept-encoding", "gzip, deflate")
                .add("x-request-id", "5f0c3d0e-8d3a-4a36-9a7b-2a1f4f0e9c11");
    }

    /** A 200 with 3 ordinary headers. */
    static Headers responseHeaders() {
        return new Headers()
                .add(":status", "200")
                .add("content-type", "application/json")
                .add("content-length", "1024")
                .add("date", "Wed, 26 Nov 2025 04:30:00 GMT");
    }

    /** {@code count} request headers: the 4 pseudo-headers, then ordinary ones of ~45 bytes each. */
    static Headers manyHeaders(int count) {
        Headers headers = new Headers()
                .add(":method", "GET")
                .add(":path", "/orders/12345?expand=items")
                .add(":authority", "shop.example.com")
                .add(":scheme", "https");
        for (int i = headers.size(); i < count; i++) {
            headers.add(String.format("x-bench-header-%03d", i), String.format("value-%03d-abcdefghijklmnopqrstuvw", i));
        }
        return headers;
    }

    /** A body chunk of {@code size} pseudo-random bytes. */
    static byte[] chunk(int size) {
        byte[] bytes = new byte[size];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            bytes[i] = (byte) x;
        }
        return bytes;
    }

    /** An exchange that ignores every effect (the bench policies never ask for one). */
    static final class NoopExchange implements HttpExchange {
        @Override
        public void continueStream(StreamType direction) {}

        @Override
        public void closeStream(StreamType direction) {}

        @Override
        public void sendLocalReply(LocalReply reply) {
            throw new IllegalStateException("a bench policy sent a local reply: " + reply);
        }
    }

    /**
     * Drops info and debug lines and keeps errors (a trap is logged at ERROR), so a trial that hit one can
     * fail in its tear-down instead of silently measuring the failure path.
     */
    static final class ErrorLog implements PluginLog {
        private final List<String> errors = Collections.synchronizedList(new ArrayList<>());

        @Override
        public LogLevel level() {
            return LogLevel.WARN;
        }

        @Override
        public void log(LogLevel level, String message) {
            if (level.compareTo(LogLevel.ERROR) >= 0) {
                errors.add(message);
            }
        }

        /** Throws if a plugin logged an error during the trial. */
        void assertNoErrors() {
            if (!errors.isEmpty()) {
                throw new IllegalStateException("a plugin failed during the benchmark: " + errors);
            }
        }
    }
}
