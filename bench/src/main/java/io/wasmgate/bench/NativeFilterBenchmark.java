package io.wasmgate.bench;

import io.wasmgate.abi.spi.Headers;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The native baseline of {@link LifecycleBenchmark}: the same request handled by a plain Java filter. It
 * builds the same two header maps, makes a per-request filter object (as the Wasm path makes a stream
 * context), runs the same four phases and, for {@code add-header}, adds the same header to the same
 * {@link Headers} structure. Whatever {@link LifecycleBenchmark} costs beyond this is the price of running
 * the policy as proxy-wasm on Chicory rather than as Java.
 *
 * <p>Why not a real {@code jakarta.servlet.Filter}: outside a container it needs a hand-written request
 * and response, whose header storage would be what gets measured; and the Wasm path's conversion between
 * servlet headers and {@link Headers} belongs to the servlet filter, which the load test measures end to
 * end. On the same structure, both sides do identical Java work and differ only in the plugin.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class NativeFilterBenchmark {
    @Param({"noop", "add-header"})
    public String policy;

    private List<String[]> added;

    @Setup
    public void configure() {
        added = policy.equals("add-header") ? List.<String[]>of(new String[] {Bench.ADDED_NAME, Bench.ADDED_VALUE}) : List.of();
    }

    @Benchmark
    public Headers request() {
        JavaFilter filter = new JavaFilter(added);
        Headers response = Bench.responseHeaders();
        filter.onRequestHeaders(Bench.requestHeaders(), true);
        filter.onResponseHeaders(response, false);
        filter.onLog();
        filter.onDone();
        return response;
    }

    /** The add-header policy written as Java: one object per request, the configured headers added on the response. */
    static final class JavaFilter {
        private final List<String[]> headers;
        private boolean done;

        JavaFilter(List<String[]> headers) {
            this.headers = headers;
        }

        boolean onRequestHeaders(Headers request, boolean endOfStream) {
            return true;
        }

        boolean onResponseHeaders(Headers response, boolean endOfStream) {
            for (String[] header : headers) {
                response.add(header[0], header[1]);
            }
            return true;
        }

        void onLog() {}

        void onDone() {
            done = true;
        }
    }
}
