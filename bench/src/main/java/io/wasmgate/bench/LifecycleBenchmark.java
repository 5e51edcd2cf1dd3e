package io.wasmgate.bench;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.spi.Headers;
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
 * One whole request through one plugin, as an integration drives it: a new stream, request headers
 * (end of stream: a GET), response headers, log, done (the host then calls {@code proxy_on_done} and
 * {@code proxy_on_delete}). The guest sees {@code proxy_on_context_create} with the first callback, so
 * one operation is 6 calls into the VM. The header maps are built afresh each time, as a container would;
 * {@link NativeFilterBenchmark} does the same work in plain Java and is the baseline.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class LifecycleBenchmark {
    @Param({"INTERPRETER", "COMPILER"})
    public Engine engine;

    /**
     * {@code noop}: bench-noop.wat, every callback returns at once; {@code host-add-header}: bench-add-header.wat,
     * the same plus add-header's one hostcall (the host path of add-header's request); {@code add-header}: the
     * AssemblyScript policy.
     */
    @Param({"noop", "host-add-header", "add-header"})
    public String policy;

    private final Bench.ErrorLog log = new Bench.ErrorLog();
    private final Bench.NoopExchange exchange = new Bench.NoopExchange();
    private HostServices services;
    private Plugin plugin;

    @Setup
    public void start() {
        services = HostServices.create();
        plugin = Plugin.start(Bench.config(policy, engine, log).build(), services);
        Headers response = Bench.responseHeaders();
        request(response);
        boolean added = response.first(Bench.ADDED_NAME).filter(Bench.ADDED_VALUE::equals).isPresent();
        if (added == policy.equals("noop")) {
            throw new IllegalStateException("policy " + policy + " did not behave: response headers " + response);
        }
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
        return request(Bench.responseHeaders());
    }

    private Headers request(Headers response) {
        return Bench.lifecycle(plugin, exchange, Bench.requestHeaders(), response);
    }
}
