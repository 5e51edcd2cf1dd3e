package io.wasmgate.abi.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wasmgate.abi.vm.Callback;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InstanceCountsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InstanceCounts counts = PluginCounts.of(registry, "p").newInstance();

    /** Runs {@code calls} calls of proxy_on_log as ProxyWasmVm does, each taking {@code nanos} if timed. */
    private int run(int calls, long nanos) {
        int timed = 0;
        for (int i = 0; i < calls; i++) {
            if (counts.timesNext(Callback.ON_LOG)) {
                timed++;
                counts.callback(Callback.ON_LOG, nanos);
            } else {
                counts.callback(Callback.ON_LOG, InstanceCounts.NOT_TIMED);
            }
        }
        return timed;
    }

    private FunctionTimer timer() {
        return registry.get("wasmgate.callback.duration").tag("callback", "proxy_on_log").functionTimer();
    }

    @Test
    void theFirstCallsAreAllTimedSoASmallCountHasItsExactTime() {
        assertThat(run(InstanceCounts.TIMED_ONE_IN, 100)).isEqualTo(InstanceCounts.TIMED_ONE_IN);

        assertThat(timer().count()).isEqualTo(InstanceCounts.TIMED_ONE_IN);
        assertThat(timer().totalTime(TimeUnit.NANOSECONDS)).isEqualTo(100.0 * InstanceCounts.TIMED_ONE_IN);
    }

    @Test
    void thenOneCallInEightIsTimedAndCountsForEightEveryCallCounted() {
        int timed = run(8_000, 100);

        assertThat(timed).isEqualTo(8 + (8_000 - 8) / 8);
        assertThat(timer().count()).isEqualTo(8_000);
        assertThat(timer().totalTime(TimeUnit.NANOSECONDS)).isEqualTo(100.0 * 8_000);
    }

    @Test
    void theTotalNeverGoesBackAndIsOffByAtMostOneSampleOfCalls() {
        double last = 0;
        for (int calls = 1; calls <= 100; calls++) {
            run(1, 100);
            double total = timer().totalTime(TimeUnit.NANOSECONDS);
            assertThat(total).isGreaterThanOrEqualTo(last);
            assertThat(total).isBetween(100.0 * calls, 100.0 * (calls + InstanceCounts.TIMED_ONE_IN - 1));
            last = total;
        }
    }
}
