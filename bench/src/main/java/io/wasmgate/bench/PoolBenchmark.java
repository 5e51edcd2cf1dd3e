package io.wasmgate.bench;

import io.wasmgate.abi.context.StreamContext;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.vm.Engine;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request of {@link LifecycleBenchmark} (no-op policy) from 2 threads at once, on a pool of
 * {@code instances} VMs. With 2 instances each thread's streams land on alternating instances and
 * rarely meet; with 1 both threads take turns on one instance's lock, which is what a pool smaller
 * than the number of request threads does. Times are per request per thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
@Threads(2)
public class PoolBenchmark {
    @Param({"INTERPRETER", "COMPILER"})
    public Engine engine;

    @Param({"1", "2"})
    public int instances;

    private final Bench.ErrorLog log = new Bench.ErrorLog();
    private final Bench.NoopExchange exchange = new Bench.NoopExchange();
    private HostServices services;
    private Plugin plugin;

    @Setup
    public void start() {
        services = HostServices.create();
        plugin = Plugin.start(Bench.config("noop", engine, log).withInstances(instances).build(), services);
    }

    @TearDown
    public void stop() {
        plugin.close();
        services.close();
        log.assertNoErrors();
    }

    @Benchmark
    public Headers request() {
        Headers response = Bench.responseHeaders();
        StreamContext stream = plugin.newStream(exchange);
        FilterHeadersStatus onRequest = stream.onRequestHeaders(Bench.requestHeaders(), true);
        stream.onResponseHeaders(response, false);
        stream.onLog();
        stream.onDone();
        if (onRequest != FilterHeadersStatus.CONTINUE) {
            throw new IllegalStateException("the stream did not continue: " + onRequest);
        }
        return response;
    }
}
