package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.Probe.MEMORY_END;
import static io.wasmgate.abi.testing.Probe.RET_U64;
import static io.wasmgate.abi.testing.Probe.UNTOUCHED;
import static io.wasmgate.abi.testing.Probe.slot;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_DEFINE_METRIC;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_METRIC;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_INCREMENT_METRIC;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_RECORD_METRIC;
import static io.wasmgate.abi.wire.WasmResult.BAD_ARGUMENT;
import static io.wasmgate.abi.wire.WasmResult.INVALID_MEMORY_ACCESS;
import static io.wasmgate.abi.wire.WasmResult.NOT_FOUND;
import static io.wasmgate.abi.wire.WasmResult.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.vm.Callback;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code proxy_define_metric}, {@code proxy_increment_metric}, {@code proxy_record_metric} and
 * {@code proxy_get_metric} on Micrometer meters tagged {@code plugin=probe}, with Envoy's
 * semantics where they differ from the spec: record adds to a counter, a counter only goes up, and a
 * histogram cannot be read.
 *
 * <p>Metric ids are needed as literal arguments, so each program defines its metrics in
 * {@code proxy_on_configure} and the test first checks the ids it relies on: the first metric a plugin
 * defines of each type is {@code 4 + type} (cpp-host's numbering, {@code id & 3 == type}), the next one of the
 * same type {@code 8 + type}.
 */
class MetricHostcallsTest {
    private static final int COUNTER = 0;
    private static final int GAUGE = 1;
    private static final int HISTOGRAM = 2;
    private static final int COUNTER_ID = 4;
    private static final int GAUGE_ID = 5;
    private static final int HISTOGRAM_ID = 6;

    /** The two i32 probe arguments (low word, high word) of an i64 metric value. */
    private static int[] i64(long value) {
        return new int[] {(int) value, (int) (value >>> 32)};
    }

    private static int[] args(int id, long value) {
        int[] words = i64(value);
        return new int[] {id, words[0], words[1]};
    }

    private static void request(Probe probe) {
        probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), true);
    }

    private static MeterRegistry registry(Probe probe) {
        return probe.services().meterRegistry();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void idsCarryTheTypeInTheirLowTwoBitsAndTypesAboveTwoAreBadArguments(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data c = program.blob("c");
        Data g = program.blob("g");
        Data h = program.blob("h");
        Data x = program.blob("x");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_DEFINE_METRIC, COUNTER, c.ptr(), c.len(), slot(0))
                .call(PROXY_DEFINE_METRIC, GAUGE, g.ptr(), g.len(), slot(1))
                .call(PROXY_DEFINE_METRIC, HISTOGRAM, h.ptr(), h.len(), slot(2))
                .call(PROXY_DEFINE_METRIC, COUNTER, c.ptr(), c.len(), slot(3))
                .call(PROXY_DEFINE_METRIC, 3, x.ptr(), x.len(), slot(4))
                .call(PROXY_DEFINE_METRIC, -1, x.ptr(), x.len(), slot(5));
        try (Probe probe = Probe.start(engine, program)) {
            probe.fillScratch();
            request(probe);

            assertThat(probe.statuses()).containsExactly(OK, OK, OK, OK, BAD_ARGUMENT, BAD_ARGUMENT);
            assertThat(probe.u32(slot(0)) & 3).isEqualTo(COUNTER);
            assertThat(probe.u32(slot(1)) & 3).isEqualTo(GAUGE);
            assertThat(probe.u32(slot(2)) & 3).isEqualTo(HISTOGRAM);
            assertThat(probe.u32(slot(3)) & 3).isEqualTo(COUNTER);
            assertThat(probe.u32(slot(3))).as("every definition is a fresh id").isNotEqualTo(probe.u32(slot(0)));
            assertThat(new int[] {probe.u32(slot(0)), probe.u32(slot(1)), probe.u32(slot(2))}).doesNotContain(0, 1, 2, 3);
            assertThat(probe.u32(slot(4))).isEqualTo(UNTOUCHED);
            assertThat(probe.u32(slot(5))).isEqualTo(UNTOUCHED);
            assertThat(registry(probe).find("x").meters()).isEmpty();
        }
    }

    /**
     * Regression (issue 3): Micrometer cannot hold one name as two meter types, and its exception trapped the
     * guest. The guest now hears BAD_ARGUMENT and the VM stays up.
     */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aNameTakenByAnotherMetricTypeIsABadArgumentNotATrap(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("m");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_DEFINE_METRIC, COUNTER, name.ptr(), name.len(), slot(0))
                .call(PROXY_DEFINE_METRIC, GAUGE, name.ptr(), name.len(), slot(1))
                .call(PROXY_DEFINE_METRIC, HISTOGRAM, name.ptr(), name.len(), slot(2))
                .call(PROXY_INCREMENT_METRIC, args(COUNTER_ID, 1));
        try (Probe probe = Probe.start(engine, program)) {
            probe.fillScratch();
            request(probe);

            assertThat(probe.statuses()).containsExactly(OK, BAD_ARGUMENT, BAD_ARGUMENT, OK);
            assertThat(probe.u32(slot(0))).isEqualTo(COUNTER_ID);
            assertThat(probe.u32(slot(1))).isEqualTo(UNTOUCHED);
            assertThat(probe.u32(slot(2))).isEqualTo(UNTOUCHED);
            assertThat(registry(probe).get("m").tag("plugin", "probe").counter().count()).isEqualTo(1.0);
            assertThat(probe.vm().failed()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void countersOnlyGoUpAndRecordAddsAsInEnvoy(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("requests");
        program.on(Callback.ON_CONFIGURE).call(PROXY_DEFINE_METRIC, COUNTER, name.ptr(), name.len(), slot(0));
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_INCREMENT_METRIC, args(COUNTER_ID, 1))
                .call(PROXY_INCREMENT_METRIC, args(COUNTER_ID, 0))
                .call(PROXY_INCREMENT_METRIC, args(COUNTER_ID, -1))
                .call(PROXY_RECORD_METRIC, args(COUNTER_ID, 5))
                .call(PROXY_RECORD_METRIC, args(COUNTER_ID, -5))
                .call(PROXY_INCREMENT_METRIC, args(COUNTER_ID, 1L << 32))
                .call(PROXY_GET_METRIC, COUNTER_ID, RET_U64);
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.u32(slot(0))).isEqualTo(COUNTER_ID);

            request(probe);

            assertThat(probe.statuses()).containsExactly(OK, BAD_ARGUMENT, BAD_ARGUMENT, OK, BAD_ARGUMENT, OK, OK);
            long expected = 1 + 5 + (1L << 32);
            assertThat(probe.u64(RET_U64)).as("a full 64-bit value").isEqualTo(expected);
            assertThat(registry(probe).get("requests").tag("plugin", "probe").counter().count()).isEqualTo((double) expected);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void gaugesMoveBothWaysAndRecordSetsThem(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("in_flight");
        program.on(Callback.ON_CONFIGURE).call(PROXY_DEFINE_METRIC, GAUGE, name.ptr(), name.len(), slot(0));
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_INCREMENT_METRIC, args(GAUGE_ID, 10))
                .call(PROXY_INCREMENT_METRIC, args(GAUGE_ID, -3))
                .call(PROXY_GET_METRIC, GAUGE_ID, slot(1))
                .call(PROXY_RECORD_METRIC, args(GAUGE_ID, 42))
                .call(PROXY_GET_METRIC, GAUGE_ID, slot(2));
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.u32(slot(0))).isEqualTo(GAUGE_ID);

            request(probe);

            assertThat(probe.statuses()).containsExactly(OK, OK, OK, OK, OK);
            assertThat(probe.u64(slot(1))).isEqualTo(7);
            assertThat(probe.u64(slot(2))).isEqualTo(42);
            assertThat(registry(probe).get("in_flight").tag("plugin", "probe").gauge().value()).isEqualTo(42.0);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void histogramsRecordSamplesButCannotBeIncrementedOrRead(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("latency_ms");
        program.on(Callback.ON_CONFIGURE).call(PROXY_DEFINE_METRIC, HISTOGRAM, name.ptr(), name.len(), slot(0));
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_RECORD_METRIC, args(HISTOGRAM_ID, 12))
                .call(PROXY_RECORD_METRIC, args(HISTOGRAM_ID, 30))
                .call(PROXY_INCREMENT_METRIC, args(HISTOGRAM_ID, 1))
                .call(PROXY_GET_METRIC, HISTOGRAM_ID, RET_U64);
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.u32(slot(0))).isEqualTo(HISTOGRAM_ID);
            probe.fillScratch();

            request(probe);

            assertThat(probe.statuses()).containsExactly(OK, OK, BAD_ARGUMENT, BAD_ARGUMENT);
            assertThat(probe.u32(RET_U64)).as("nothing written").isEqualTo(UNTOUCHED);
            assertThat(registry(probe).get("latency_ms").tag("plugin", "probe").summary().count()).isEqualTo(2);
            assertThat(registry(probe).get("latency_ms").tag("plugin", "probe").summary().totalAmount()).isEqualTo(42.0);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void everyDefinitionOfANameIsAFreshIdOnTheSameMeter(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("hits");
        program.on(Callback.ON_CONFIGURE)
                .call(PROXY_DEFINE_METRIC, COUNTER, name.ptr(), name.len(), slot(0))
                .call(PROXY_DEFINE_METRIC, COUNTER, name.ptr(), name.len(), slot(1));
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_INCREMENT_METRIC, args(COUNTER_ID, 2))
                .call(PROXY_INCREMENT_METRIC, args(COUNTER_ID + 4, 3))
                .call(PROXY_GET_METRIC, COUNTER_ID, slot(2));
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(probe.u32(slot(0))).isEqualTo(COUNTER_ID);
            assertThat(probe.u32(slot(1))).isEqualTo(COUNTER_ID + 4);

            request(probe);

            assertThat(probe.statuses()).containsExactly(OK, OK, OK);
            assertThat(probe.u64(slot(2))).isEqualTo(5);
            assertThat(registry(probe).find("hits").counters()).hasSize(1);
        }
    }

    /** Regression (issue 3): a plugin defining "wasmgate.traps" counted into the host's own trap counter. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void theHostsWasmgateNamespaceIsNotTheGuestsToDefine(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data traps = program.blob("wasmgate.traps");
        Data active = program.blob("wasmgate.vm.active");
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_DEFINE_METRIC, COUNTER, traps.ptr(), traps.len(), slot(0))
                .call(PROXY_DEFINE_METRIC, GAUGE, active.ptr(), active.len(), slot(1));
        try (Probe probe = Probe.start(engine, program)) {
            probe.fillScratch();
            request(probe);

            assertThat(probe.statuses()).containsExactly(BAD_ARGUMENT, BAD_ARGUMENT);
            assertThat(probe.u32(slot(0))).isEqualTo(UNTOUCHED);
            assertThat(registry(probe).get("wasmgate.vm.active").tag("plugin", "probe").gauge().value())
                    .as("the host's gauge is still the host's").isEqualTo(1.0);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void unknownIdsAreNotFoundAndBadPointersInvalidMemoryAccess(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data name = program.blob("never_defined");
        Data counter = program.blob("c");
        program.on(Callback.ON_CONFIGURE).call(PROXY_DEFINE_METRIC, COUNTER, counter.ptr(), counter.len(), slot(0));
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_INCREMENT_METRIC, args(404, 1))
                .call(PROXY_RECORD_METRIC, args(404, 1))
                .call(PROXY_GET_METRIC, 404, RET_U64)
                .call(PROXY_DEFINE_METRIC, COUNTER, MEMORY_END, 1, slot(1))
                .call(PROXY_DEFINE_METRIC, COUNTER, name.ptr(), name.len(), MEMORY_END - 2)
                .call(PROXY_GET_METRIC, COUNTER_ID, MEMORY_END - 4);
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(OK);
            probe.fillScratch();

            request(probe);

            assertThat(probe.statuses()).containsExactly(NOT_FOUND, NOT_FOUND, NOT_FOUND,
                    INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS);
            assertThat(probe.u32(RET_U64)).isEqualTo(UNTOUCHED);
            assertThat(probe.u32(slot(1))).isEqualTo(UNTOUCHED);
            assertThat(registry(probe).find("never_defined").meters()).as("a bad return slot defines nothing").isEmpty();
            assertThat(probe.vm().failed()).isFalse();
        }
    }
}
