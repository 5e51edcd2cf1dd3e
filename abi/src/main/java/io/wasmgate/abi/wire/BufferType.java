package io.wasmgate.abi.wire;

import java.util.Optional;

/** {@code proxy_buffer_type_t}: which byte buffer a buffer hostcall addresses. */
public enum BufferType {
    HTTP_REQUEST_BODY,
    HTTP_RESPONSE_BODY,
    DOWNSTREAM_DATA,
    UPSTREAM_DATA,
    HTTP_CALL_RESPONSE_BODY,
    GRPC_RECEIVE_BUFFER,
    VM_CONFIGURATION,
    PLUGIN_CONFIGURATION,
    FOREIGN_FUNCTION_ARGUMENTS;

    private static final AbiEnum<BufferType> CODES = new AbiEnum<>(values());

    /** The buffer type with ABI value {@code code}, or empty if the guest passed an unknown value. */
    public static Optional<BufferType> of(int code) {
        return CODES.of(code);
    }
}
