package io.wasmgate.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

/**
 * {@link SdkModuleHugeMethodsBenchmark}'s request with the core's caches cold: before each request (outside
 * the measured time) the benchmark writes 8 MiB, more than this machine's 2 MiB L2 per core, as a gateway's
 * own work between two calls into an instance does (other requests parsed, proxied and written). The warm
 * benchmark keeps the guest's code and memory in cache from one request to the next, which no proxy under
 * load does; this one shows what the same request costs in a gateway. The ratio to the warm benchmark is
 * printed after a run that selects both. JMH's per-invocation set-up adds two clock reads to each
 * measured request, nothing against requests of microseconds.
 */
public class SdkModuleColdCacheBenchmark extends SdkModuleHugeMethodsBenchmark {
    /** 8 MiB of longs; one write per 64-byte line. */
    private final long[] evictor = new long[8 << 17];
    private long round;

    @Setup(Level.Invocation)
    public void evictCaches() {
        round++;
        for (int i = 0; i < evictor.length; i += 8) {
            evictor[i] += round;
        }
    }
}
