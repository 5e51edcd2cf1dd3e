package io.wasmgate.abi.wire;

/**
 * The status every proxy-wasm hostcall returns ({@code proxy_status_t}); the numbers are ABI.
 *
 * <p>Guest mistakes (bad pointers, unknown enum values, missing keys) are reported with these codes and
 * never as exceptions. SDKs trap on codes a call does not document, so each hostcall returns exactly the
 * codes the reference lists for it.
 */
public enum WasmResult {
    OK(0),
    NOT_FOUND(1),
    BAD_ARGUMENT(2),
    SERIALIZATION_FAILURE(3),
    PARSE_FAILURE(4),
    BAD_EXPRESSION(5),
    INVALID_MEMORY_ACCESS(6),
    EMPTY(7),
    CAS_MISMATCH(8),
    RESULT_MISMATCH(9),
    INTERNAL_FAILURE(10),
    BROKEN_CONNECTION(11),
    UNIMPLEMENTED(12);

    private final int code;

    WasmResult(int code) {
        this.code = code;
    }

    /** The ABI value returned to the guest. */
    public int code() {
        return code;
    }
}
