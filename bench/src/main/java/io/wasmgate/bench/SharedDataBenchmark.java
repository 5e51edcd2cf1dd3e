package io.wasmgate.bench;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.plugin.Plugin;
import io.wasmgate.abi.plugin.StreamContext;
import io.wasmgate.abi.services.HostServices;
import io.wasmgate.abi.services.SharedDataStore;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.wire.FilterHeadersStatus;
import java.util.Optional;
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
 * A shared-data counter incremented with compare-and-swap from inside the guest (bench-shared.wat:
 * {@code proxy_get_shared_data}, then {@code proxy_set_shared_data} with the token, retried on
 * {@code CAS_MISMATCH}), one increment per {@code proxy_on_request_headers} on a live stream.
 *
 * <p>{@code contended}: 2 threads, each on its own VM instance of one plugin (a pool of 2), both on the
 * same key; {@code uncontended}: 1 thread. Times are per operation per thread; the aggregate rate of
 * the 2-thread case is 2 / score. {@link SharedDataBaselineBenchmark} does the same increments from Java
 * directly on the host's store. Both are bounded by the 2 cores of the machine they run on.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class SharedDataBenchmark {
    static final String KEY = "bench-counter";
    private static final Headers EMPTY = new Headers();

    @Param({"INTERPRETER", "COMPILER"})
    public Engine engine;

    private final Bench.ErrorLog log = new Bench.ErrorLog();
    private HostServices services;
    private Plugin plugin;

    @Setup
    public void start() {
        services = HostServices.create();
        plugin = Plugin.start(Bench.config("shared", engine, log).withInstances(2).build(), services);
    }

    @TearDown
    public void stop() {
        plugin.close();
        Optional<SharedDataStore.Entry> counter = services.sharedData().get("", KEY);
        services.close();
        log.assertNoErrors();
        if (counter.isEmpty()) {
            throw new IllegalStateException("the guest never stored its counter");
        }
    }

    /** One live stream per benchmark thread; the plugin's round robin puts each on its own instance. */
    @State(Scope.Thread)
    public static class Stream {
        private StreamContext stream;

        @Setup
        public void open(SharedDataBenchmark bench) {
            stream = bench.plugin.newStream(new Bench.NoopExchange());
        }

        @TearDown
        public void close() {
            stream.onDone();
        }
    }

    @Benchmark
    @Threads(2)
    public FilterHeadersStatus contended(Stream s) {
        return s.stream.onRequestHeaders(EMPTY, false);
    }

    @Benchmark
    @Threads(1)
    public FilterHeadersStatus uncontended(Stream s) {
        return s.stream.onRequestHeaders(EMPTY, false);
    }
}
