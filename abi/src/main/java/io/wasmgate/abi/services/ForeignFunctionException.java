package io.wasmgate.abi.services;

import io.wasmgate.abi.wire.WasmResult;

/** Thrown by a {@link ForeignFunction} to answer the guest with {@link #result()} instead of data. */
public final class ForeignFunctionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final WasmResult result;

    public ForeignFunctionException(WasmResult result, String message) {
        super(message, null, false, false);
        this.result = result;
    }

    public WasmResult result() {
        return result;
    }
}
