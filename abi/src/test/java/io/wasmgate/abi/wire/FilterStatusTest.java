package io.wasmgate.abi.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The guest return-value conversion of the proxy-wasm spec. */
class FilterStatusTest {

    @Test
    void headersPauseBecomesStopAllUnlessStopIterationIsAllowed() {
        assertThat(FilterHeadersStatus.fromGuest(1, false)).isEqualTo(FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK);
        assertThat(FilterHeadersStatus.fromGuest(1, true)).isEqualTo(FilterHeadersStatus.STOP_ITERATION);
    }

    @Test
    void headersValuesMapAsCppHostDoes() {
        assertThat(FilterHeadersStatus.fromGuest(0, false)).isEqualTo(FilterHeadersStatus.CONTINUE);
        assertThat(FilterHeadersStatus.fromGuest(2, false)).isEqualTo(FilterHeadersStatus.CONTINUE);
        assertThat(FilterHeadersStatus.fromGuest(3, false)).isEqualTo(FilterHeadersStatus.STOP_ALL_ITERATION_AND_BUFFER);
        assertThat(FilterHeadersStatus.fromGuest(4, false)).isEqualTo(FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK);
        assertThat(FilterHeadersStatus.fromGuest(99, false)).isEqualTo(FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK);
        assertThat(FilterHeadersStatus.fromGuest(-1, true)).isEqualTo(FilterHeadersStatus.STOP_ALL_ITERATION_AND_WATERMARK);
    }

    @Test
    void bodyValuesMapAsCppHostDoes() {
        assertThat(FilterDataStatus.fromGuest(0)).isEqualTo(FilterDataStatus.CONTINUE);
        assertThat(FilterDataStatus.fromGuest(1)).isEqualTo(FilterDataStatus.STOP_ITERATION_AND_BUFFER);
        assertThat(FilterDataStatus.fromGuest(2)).isEqualTo(FilterDataStatus.STOP_ITERATION_AND_WATERMARK);
        assertThat(FilterDataStatus.fromGuest(3)).isEqualTo(FilterDataStatus.STOP_ITERATION_NO_BUFFER);
        assertThat(FilterDataStatus.fromGuest(7)).isEqualTo(FilterDataStatus.STOP_ITERATION_NO_BUFFER);
    }

    @Test
    void anyNonZeroTrailersValueStops() {
        assertThat(FilterTrailersStatus.fromGuest(0)).isEqualTo(FilterTrailersStatus.CONTINUE);
        assertThat(FilterTrailersStatus.fromGuest(1)).isEqualTo(FilterTrailersStatus.STOP_ITERATION);
        assertThat(FilterTrailersStatus.fromGuest(5)).isEqualTo(FilterTrailersStatus.STOP_ITERATION);
    }
}
