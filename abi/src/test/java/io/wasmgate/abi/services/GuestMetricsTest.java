package io.wasmgate.abi.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wasmgate.abi.wire.MetricType;
import io.wasmgate.abi.wire.WasmResult;
import org.junit.jupiter.api.Test;

class GuestMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final GuestMetrics metrics = new GuestMetrics(registry, "policy");

    @Test
    void idsCarryTheTypeInTheirLowTwoBits() {
        assertThat(metrics.define(MetricType.COUNTER, "c") & 3).isZero();
        assertThat(metrics.define(MetricType.GAUGE, "g") & 3).isEqualTo(1);
        assertThat(metrics.define(MetricType.HISTOGRAM, "h") & 3).isEqualTo(2);
    }

    @Test
    void everyDefinitionIsAFreshIdOnTheSameMeter() {
        int first = metrics.define(MetricType.COUNTER, "requests");
        int second = metrics.define(MetricType.COUNTER, "requests");
        assertThat(second).isNotEqualTo(first);

        metrics.increment(first, 2);
        metrics.increment(second, 3);

        assertThat(registry.get("requests").tag("plugin", "policy").counter().count()).isEqualTo(5.0);
        assertThat(metrics.read(first).value()).isEqualTo(5);
    }

    @Test
    void countersOnlyGoUpAndRecordAddsAsInEnvoy() {
        int id = metrics.define(MetricType.COUNTER, "c");
        assertThat(metrics.increment(id, 0)).isEqualTo(WasmResult.BAD_ARGUMENT);
        assertThat(metrics.increment(id, -1)).isEqualTo(WasmResult.BAD_ARGUMENT);
        assertThat(metrics.record(id, 7)).isEqualTo(WasmResult.OK);
        assertThat(metrics.record(id, 3)).isEqualTo(WasmResult.OK);
        assertThat(metrics.read(id).value()).isEqualTo(10);
    }

    @Test
    void gaugesMoveBothWaysAndRecordSets() {
        int id = metrics.define(MetricType.GAUGE, "g");
        metrics.increment(id, 5);
        metrics.increment(id, -2);
        assertThat(metrics.read(id).value()).isEqualTo(3);
        metrics.record(id, 42);
        assertThat(registry.get("g").gauge().value()).isEqualTo(42.0);
    }

    @Test
    void histogramsRecordSamplesButCannotBeIncrementedOrRead() {
        int id = metrics.define(MetricType.HISTOGRAM, "h");
        assertThat(metrics.record(id, 12)).isEqualTo(WasmResult.OK);
        assertThat(metrics.record(id, 30)).isEqualTo(WasmResult.OK);
        assertThat(metrics.increment(id, 1)).isEqualTo(WasmResult.BAD_ARGUMENT);
        assertThat(metrics.read(id).result()).isEqualTo(WasmResult.BAD_ARGUMENT);
        assertThat(registry.get("h").summary().count()).isEqualTo(2);
        assertThat(registry.get("h").summary().totalAmount()).isEqualTo(42.0);
    }

    @Test
    void unknownIdsAreNotFound() {
        assertThat(metrics.increment(404, 1)).isEqualTo(WasmResult.NOT_FOUND);
        assertThat(metrics.record(404, 1)).isEqualTo(WasmResult.NOT_FOUND);
        assertThat(metrics.read(404).result()).isEqualTo(WasmResult.NOT_FOUND);
    }
}
