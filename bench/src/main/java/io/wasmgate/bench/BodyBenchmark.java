package io.wasmgate.bench;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.wire.FilterDataStatus;
import java.util.Arrays;
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
 * One body chunk of {@code size} bytes through a body callback on a live stream.
 *
 * <ul>
 *   <li>{@code callbackOnly}: {@code proxy_on_request_body} of bench-noop: the host appends the chunk to the
 *       stream's body and calls the guest, which reads nothing. The floor.
 *   <li>{@code read}: bench-touch copies the chunk into the guest ({@code proxy_get_buffer_bytes}) and sums
 *       it as i64s.
 *   <li>{@code rewrite}: bench-touch gets the response chunk and writes it back whole
 *       ({@code proxy_set_buffer_bytes}).
 * </ul>
 * {@link BodyBaselineBenchmark} does the same reading and rewriting in Java.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class BodyBenchmark {
    @Param({"INTERPRETER", "COMPILER"})
    public Engine engine;

    @Param({"1024", "65536"})
    public int size;

    private final Bench.ErrorLog log = new Bench.ErrorLog();
    private final Bench.NoopExchange exchange = new Bench.NoopExchange();
    private HostServices services;
    private Plugin noop;
    private Plugin touch;
    private StreamContext noopStream;
    private StreamContext touchStream;
    private byte[] chunk;

    @Setup
    public void start() {
        services = HostServices.create();
        noop = Plugin.start(Bench.config("noop", engine, log).build(), services);
        touch = Plugin.start(Bench.config("touch", engine, log).build(), services);
        chunk = Bench.chunk(size);
        noopStream = noop.newStream(exchange);
        touchStream = touch.newStream(exchange);
        noopStream.onRequestHeaders(Bench.requestHeaders(), false);
        touchStream.onRequestHeaders(Bench.requestHeaders(), false);
        touchStream.onResponseHeaders(Bench.responseHeaders(), false);
        callbackOnly();
        read();
        rewrite();
        if (!Arrays.equals(touchStream.responseBody().bytes(), chunk)) {
            throw new IllegalStateException("the rewrite changed the body");
        }
        log.assertNoErrors();
    }

    @TearDown
    public void stop() {
        noopStream.onDone();
        touchStream.onDone();
        noop.close();
        touch.close();
        services.close();
        log.assertNoErrors();
    }

    @Benchmark
    public FilterDataStatus callbackOnly() {
        return noopStream.onRequestBody(chunk, false);
    }

    @Benchmark
    public FilterDataStatus read() {
        return touchStream.onRequestBody(chunk, false);
    }

    @Benchmark
    public FilterDataStatus rewrite() {
        return touchStream.onResponseBody(chunk, false);
    }
}
