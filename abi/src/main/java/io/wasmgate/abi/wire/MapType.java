package io.wasmgate.abi.wire;

import java.util.Optional;

/** {@code proxy_map_type_t}: which header, trailer or metadata map a map hostcall addresses. */
public enum MapType {
    HTTP_REQUEST_HEADERS,
    HTTP_REQUEST_TRAILERS,
    HTTP_RESPONSE_HEADERS,
    HTTP_RESPONSE_TRAILERS,
    GRPC_RECEIVE_INITIAL_METADATA,
    GRPC_RECEIVE_TRAILING_METADATA,
    HTTP_CALL_RESPONSE_HEADERS,
    HTTP_CALL_RESPONSE_TRAILERS;

    private static final AbiEnum<MapType> CODES = new AbiEnum<>(values());

    /** The map type with ABI value {@code code}, or empty if the guest passed an unknown value. */
    public static Optional<MapType> of(int code) {
        return CODES.of(code);
    }
}
