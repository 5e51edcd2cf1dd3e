package io.wasmgate.bench;

import io.wasmgate.abi.services.SharedDataStore;
import io.wasmgate.abi.wire.WasmResult;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The baseline of {@link SharedDataBenchmark}: the same CAS increment of a u64 counter, done by Java code
 * directly on the host's {@link SharedDataStore} (read value and token, write value + 1 with the token,
 * retry on mismatch), with 2 threads and with 1.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class SharedDataBaselineBenchmark {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final SharedDataStore store = new SharedDataStore();

    @Benchmark
    @Threads(2)
    public long contended() {
        return increment();
    }

    @Benchmark
    @Threads(1)
    public long uncontended() {
        return increment();
    }

    private long increment() {
        long retries = 0;
        while (true) {
            Optional<SharedDataStore.Entry> entry = store.get("", SharedDataBenchmark.KEY);
            long value = entry.map(e -> (long) LONG.get(e.value(), 0)).orElse(0L);
            int cas = entry.map(SharedDataStore.Entry::cas).orElse(0);
            byte[] next = new byte[8];
            LONG.set(next, 0, value + 1);
            if (store.set("", SharedDataBenchmark.KEY, next, cas) != WasmResult.CAS_MISMATCH) {
                return retries;
            }
            retries++;
        }
    }
}
