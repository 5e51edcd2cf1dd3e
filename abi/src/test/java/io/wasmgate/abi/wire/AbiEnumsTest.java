package io.wasmgate.abi.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The ABI numbering of the proxy-wasm spec. */
class AbiEnumsTest {

    @Test
    void statusCodesMatchTheAbi() {
        assertThat(WasmResult.OK.code()).isZero();
        assertThat(WasmResult.NOT_FOUND.code()).isEqualTo(1);
        assertThat(WasmResult.BAD_ARGUMENT.code()).isEqualTo(2);
        assertThat(WasmResult.INVALID_MEMORY_ACCESS.code()).isEqualTo(6);
        assertThat(WasmResult.EMPTY.code()).isEqualTo(7);
        assertThat(WasmResult.CAS_MISMATCH.code()).isEqualTo(8);
        assertThat(WasmResult.INTERNAL_FAILURE.code()).isEqualTo(10);
        assertThat(WasmResult.UNIMPLEMENTED.code()).isEqualTo(12);
    }

    @Test
    void typeEnumsDecodeTheirAbiRangeAndNothingElse() {
        assertThat(BufferType.of(7)).contains(BufferType.PLUGIN_CONFIGURATION);
        assertThat(BufferType.of(9)).isEmpty();
        assertThat(BufferType.of(-1)).isEmpty();
        assertThat(MapType.of(6)).contains(MapType.HTTP_CALL_RESPONSE_HEADERS);
        assertThat(MapType.of(8)).isEmpty();
        assertThat(StreamType.of(1)).contains(StreamType.HTTP_RESPONSE);
        assertThat(StreamType.of(4)).isEmpty();
        assertThat(MetricType.of(2)).contains(MetricType.HISTOGRAM);
        assertThat(MetricType.of(3)).isEmpty();
    }

    @Test
    void guestsMayLogAtZeroToFiveButNotOff() {
        assertThat(LogLevel.ofGuest(0)).contains(LogLevel.TRACE);
        assertThat(LogLevel.ofGuest(5)).contains(LogLevel.CRITICAL);
        assertThat(LogLevel.ofGuest(6)).isEmpty();
    }

    @Test
    void abiVersionsAreDetectedByTheirMarkerExport() {
        assertThat(AbiVersion.ofMarker("proxy_abi_version_0_1_0")).contains(AbiVersion.V0_1_0);
        assertThat(AbiVersion.ofMarker("proxy_abi_version_0_2_1")).contains(AbiVersion.V0_2_1);
        assertThat(AbiVersion.ofMarker("proxy_abi_version_0_3_0")).isEmpty();
        assertThat(AbiVersion.V0_1_0.atLeast020()).isFalse();
        assertThat(AbiVersion.V0_2_0.atLeast020()).isTrue();
    }
}
