package io.wasmgate.bench;

import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.wire.HeaderField;
import io.wasmgate.abi.wire.HeaderPairsCodec;
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
 * The Java side of header marshalling alone, on the maps of {@link HeaderMapBenchmark}: {@code encode}
 * (what {@code proxy_get_header_map_pairs} serializes), {@code encodeDecodeReplace} (the whole host work of
 * a get/set round trip, without guest memory), and {@code nativeRead}, what a Java filter does to read
 * every header: walk the list and touch every char.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class HeaderCodecBenchmark {
    @Param({"10", "100"})
    public int count;

    private Headers headers;

    @Setup
    public void build() {
        headers = Bench.manyHeaders(count);
    }

    @Benchmark
    public byte[] encode() {
        return HeaderPairsCodec.encode(headers.fields());
    }

    @Benchmark
    public Headers encodeDecodeReplace() {
        List<HeaderField> decoded = HeaderPairsCodec.decode(HeaderPairsCodec.encode(headers.fields()));
        return headers.replaceAll(decoded);
    }

    @Benchmark
    public long nativeRead() {
        long sum = 0;
        for (HeaderField field : headers.fields()) {
            String name = field.name();
            String value = field.value();
            for (int i = 0; i < name.length(); i++) {
                sum += name.charAt(i);
            }
            for (int i = 0; i < value.length(); i++) {
                sum += value.charAt(i);
            }
        }
        return sum;
    }
}
