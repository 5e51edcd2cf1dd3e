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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request of {@link LifecycleBenchmark} (no-op or add-header policy) from 2 threads at once, on a pool of
 * {@code instances} VMs. Round-robin sends each thread's streams to the instances in turn, so with 2
 * instances the threads meet on an instance's lock part of the time and each instance's memory moves
 * between the cores; with 1 they take turns on one lock all the time, which is what a pool smaller than
 * the number of request threads does. Times are per request per thread.
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

    /** As in {@link LifecycleBenchmark}: {@code noop} or {@code add-header}. */
    @Param({"noop", "add-header"})
    public String policy;

    private final Bench.ErrorLog log = new Bench.ErrorLog();
    private final Bench.NoopExchange exchange = new Bench.NoopExchange();
    private HostServices services;
    private Plugin plugin;

    @Setup
    public void start() {
        services = HostServices.create();
        plugin = Plugin.start(Bench.config(policy, engine, log).withInstances(instances).build(), services);
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
