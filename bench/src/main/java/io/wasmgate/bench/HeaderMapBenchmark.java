package io.wasmgate.bench;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.wire.FilterHeadersStatus;
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
 * Header maps crossing into the guest and back, at {@code count} headers (~45 bytes each).
 *
 * <ul>
 *   <li>{@code callbackOnly}: {@code proxy_on_request_headers} of bench-noop on a live stream, the floor:
 *       one callback, no hostcall.
 *   <li>{@code readPairs}: the same callback in bench-touch, which calls {@code proxy_get_header_map_pairs}
 *       and reads every byte of every name and value. Minus {@code callbackOnly}, it is the cost of
 *       marshalling the map into the guest.
 *   <li>{@code roundTripFloor} / {@code roundTrip}: a short stream (new stream, response headers, done)
 *       on bench-noop / bench-touch, whose response callback gets the pairs and hands them straight back
 *       with {@code proxy_set_header_map_pairs}. A fresh stream each time because headers stop being
 *       writable once forwarded.
 * </ul>
 * {@link HeaderCodecBenchmark} times the Java codec alone on the same maps.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class HeaderMapBenchmark {
    @Param({"INTERPRETER", "COMPILER"})
    public Engine engine;

    @Param({"10", "100"})
    public int count;

    private final Bench.ErrorLog log = new Bench.ErrorLog();
    private final Bench.NoopExchange exchange = new Bench.NoopExchange();
    private HostServices services;
    private Plugin noop;
    private Plugin touch;
    private StreamContext noopStream;
    private StreamContext touchStream;
    private Headers headers;

    @Setup
    public void start() {
        services = HostServices.create();
        noop = Plugin.start(Bench.config("noop", engine, log).build(), services);
        touch = Plugin.start(Bench.config("touch", engine, log).build(), services);
        headers = Bench.manyHeaders(count);
        noopStream = noop.newStream(exchange);
        touchStream = touch.newStream(exchange);
        String before = headers.toString();
        readPairs();
        roundTrip();
        if (!before.equals(headers.toString())) {
            throw new IllegalStateException("the round trip changed the map: " + headers);
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
    public FilterHeadersStatus callbackOnly() {
        return noopStream.onRequestHeaders(headers, false);
    }

    @Benchmark
    public FilterHeadersStatus readPairs() {
        return touchStream.onRequestHeaders(headers, false);
    }

    @Benchmark
    public FilterHeadersStatus roundTripFloor() {
        return shortStream(noop);
    }

    @Benchmark
    public FilterHeadersStatus roundTrip() {
        return shortStream(touch);
    }

    private FilterHeadersStatus shortStream(Plugin plugin) {
        StreamContext stream = plugin.newStream(exchange);
        FilterHeadersStatus status = stream.onResponseHeaders(headers, false);
        stream.onDone();
        return status;
    }
}
