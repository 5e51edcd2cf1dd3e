package io.wasmgate.abi.wire;

import java.util.Optional;

/** {@code proxy_stream_type_t} (ABI 0.2.0+): the direction {@code proxy_continue_stream} and {@code proxy_close_stream} act on. */
public enum StreamType {
    HTTP_REQUEST,
    HTTP_RESPONSE,
    DOWNSTREAM,
    UPSTREAM;

    private static final AbiEnum<StreamType> CODES = new AbiEnum<>(values());

    /** The stream type with ABI value {@code code}, or empty if unknown. */
    public static Optional<StreamType> of(int code) {
        return CODES.of(code);
    }
}
