package io.wasmgate.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The native baselines of {@link BodyBenchmark}: a Java filter that is handed the chunk sums it as
 * little-endian longs ({@code nativeRead}) or replaces it with a copy of itself ({@code nativeRewrite}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class BodyBaselineBenchmark {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    @Param({"1024", "65536"})
    public int size;

    private byte[] chunk;

    @Setup
    public void build() {
        chunk = Bench.chunk(size);
    }

    @Benchmark
    public long nativeRead() {
        long sum = 0;
        int end = chunk.length & ~7;
        for (int i = 0; i < end; i += 8) {
            sum += (long) LONGS.get(chunk, i);
        }
        return sum;
    }

    @Benchmark
    public byte[] nativeRewrite() {
        return Arrays.copyOf(chunk, chunk.length);
    }
}
