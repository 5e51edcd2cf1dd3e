package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.testing.Probe.MEMORY_END;
import static io.wasmgate.abi.testing.Probe.RET_U32;
import static io.wasmgate.abi.testing.Probe.RET_U64;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_CURRENT_TIME_NANOSECONDS;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_GET_LOG_LEVEL;
import static io.wasmgate.abi.testing.ProbeProgram.Op.PROXY_LOG;
import static io.wasmgate.abi.wire.WasmResult.BAD_ARGUMENT;
import static io.wasmgate.abi.wire.WasmResult.INVALID_MEMORY_ACCESS;
import static io.wasmgate.abi.wire.WasmResult.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.wasmgate.abi.config.Engine;
import io.wasmgate.abi.testing.CapturingLog;
import io.wasmgate.abi.testing.Probe;
import io.wasmgate.abi.testing.ProbeProgram;
import io.wasmgate.abi.testing.ProbeProgram.Data;
import io.wasmgate.abi.testing.RecordingExchange;
import io.wasmgate.abi.spi.Headers;
import io.wasmgate.abi.vm.Callback;
import io.wasmgate.abi.wire.LogLevel;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code proxy_log}, {@code proxy_get_log_level} and {@code proxy_get_current_time_nanoseconds}. */
class LogHostcallsTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void levelsZeroToFiveReachThePluginLogPrefixedWithThePluginName(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        ProbeProgram.Steps configure = program.on(Callback.ON_CONFIGURE);
        for (int level = 0; level <= 5; level++) {
            Data message = program.blob("line " + level);
            configure.call(PROXY_LOG, level, message.ptr(), message.len());
        }
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(OK, OK, OK, OK, OK, OK);
            assertThat(probe.log().lines).containsExactly(
                    new CapturingLog.Line(LogLevel.TRACE, "wasm log probe: line 0"),
                    new CapturingLog.Line(LogLevel.DEBUG, "wasm log probe: line 1"),
                    new CapturingLog.Line(LogLevel.INFO, "wasm log probe: line 2"),
                    new CapturingLog.Line(LogLevel.WARN, "wasm log probe: line 3"),
                    new CapturingLog.Line(LogLevel.ERROR, "wasm log probe: line 4"),
                    new CapturingLog.Line(LogLevel.CRITICAL, "wasm log probe: line 5"));
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void messagesAreUtf8AndMayBeEmpty(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data message = program.blob("grüße ✓");
        program.on(Callback.ON_CONFIGURE)
                .call(PROXY_LOG, 2, message.ptr(), message.len())
                .call(PROXY_LOG, 2, 0, 0)
                .call(PROXY_LOG, 2, MEMORY_END, 0);
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(OK, OK, OK);
            assertThat(probe.log().messages()).containsExactly("grüße ✓", "", "");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void unknownLevelIsBadArgumentAndLogsNothing(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data message = program.blob("never");
        program.on(Callback.ON_CONFIGURE)
                .call(PROXY_LOG, 6, message.ptr(), message.len())
                .call(PROXY_LOG, -1, message.ptr(), message.len())
                .call(PROXY_LOG, Integer.MAX_VALUE, message.ptr(), message.len())
                .call(PROXY_LOG, 6, MEMORY_END, 10);
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsExactly(BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT, BAD_ARGUMENT);
            assertThat(probe.log().lines).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void messageOutsideMemoryIsInvalidMemoryAccessNeverAnException(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_CONFIGURE)
                .call(PROXY_LOG, 2, MEMORY_END, 1)
                .call(PROXY_LOG, 2, MEMORY_END - 1, 2)
                .call(PROXY_LOG, 2, -1, 2)
                .call(PROXY_LOG, 2, 0x100, -1)
                .call(PROXY_LOG, 2, -16, 32);
        try (Probe probe = Probe.start(engine, program)) {
            assertThat(probe.statuses()).containsOnly(INVALID_MEMORY_ACCESS).hasSize(5);
            assertThat(probe.log().lines).isEmpty();
            assertThat(probe.vm().failed()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void linesBelowTheHostLevelAreDroppedButStillOk(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        Data debug = program.blob("debug");
        Data error = program.blob("error");
        program.on(Callback.ON_CONFIGURE)
                .call(PROXY_LOG, 1, debug.ptr(), debug.len())
                .call(PROXY_LOG, 4, error.ptr(), error.len());
        try (Probe probe = Probe.start(engine, program, config -> config.withLog(new CapturingLog(LogLevel.WARN)))) {
            assertThat(probe.statuses()).containsExactly(OK, OK);
            assertThat(probe.log().messages()).containsExactly("error");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aDroppedLineIsNotReadButItsRangeIsStillChecked(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_CONFIGURE).call(PROXY_LOG, 1, MEMORY_END, 1);
        try (Probe probe = Probe.start(engine, program, config -> config.withLog(new CapturingLog(LogLevel.WARN)))) {
            assertThat(probe.statuses()).containsExactly(INVALID_MEMORY_ACCESS);
            assertThat(probe.vm().failed()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void logLevelIsTheHostsLevelAsU32(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_CONFIGURE).call(PROXY_GET_LOG_LEVEL, RET_U32);
        try (Probe probe = Probe.start(engine, program, config -> config.withLog(new CapturingLog(LogLevel.WARN)))) {
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.u32(RET_U32)).isEqualTo(3);
        }
        try (Probe probe = Probe.start(engine, program, config -> config.withLog(new CapturingLog(LogLevel.OFF)))) {
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.u32(RET_U32)).isEqualTo(6);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void logLevelIsServedToStreamsAndABadSlotIsInvalidMemoryAccess(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_LOG_LEVEL, RET_U32)
                .call(PROXY_GET_LOG_LEVEL, MEMORY_END - 3)
                .call(PROXY_GET_LOG_LEVEL, -1);
        try (Probe probe = Probe.start(engine, program, config -> config.withLog(new CapturingLog(LogLevel.DEBUG)))) {
            probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), true);
            assertThat(probe.statuses()).containsExactly(OK, INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS);
            assertThat(probe.u32(RET_U32)).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void currentTimeIsNanosecondsSinceTheEpochAsU64(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS).call(PROXY_GET_CURRENT_TIME_NANOSECONDS, RET_U64);
        try (Probe probe = Probe.start(engine, program)) {
            long before = nanos(Instant.now());
            probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), true);
            long after = nanos(Instant.now());
            assertThat(probe.statuses()).containsExactly(OK);
            assertThat(probe.u64(RET_U64)).isBetween(before, after);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void currentTimeNeedsEightWritableBytes(Engine engine) {
        ProbeProgram program = new ProbeProgram();
        program.on(Callback.ON_REQUEST_HEADERS)
                .call(PROXY_GET_CURRENT_TIME_NANOSECONDS, MEMORY_END - 8)
                .call(PROXY_GET_CURRENT_TIME_NANOSECONDS, MEMORY_END - 4)
                .call(PROXY_GET_CURRENT_TIME_NANOSECONDS, -4);
        try (Probe probe = Probe.start(engine, program)) {
            probe.newStream(new RecordingExchange()).onRequestHeaders(new Headers(), true);
            assertThat(probe.statuses()).isEqualTo(List.of(OK, INVALID_MEMORY_ACCESS, INVALID_MEMORY_ACCESS));
        }
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
