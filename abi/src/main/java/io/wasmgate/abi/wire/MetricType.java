package io.wasmgate.abi.wire;

import java.util.Optional;

/** {@code proxy_metric_type_t}. */
public enum MetricType {
    COUNTER,
    GAUGE,
    HISTOGRAM;

    private static final AbiEnum<MetricType> CODES = new AbiEnum<>(values());

    /** The metric type with ABI value {@code code}, or empty if unknown. */
    public static Optional<MetricType> of(int code) {
        return CODES.of(code);
    }
}
