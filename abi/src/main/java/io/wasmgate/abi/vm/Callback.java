package io.wasmgate.abi.vm;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.wasmgate.abi.wire.AbiVersion;
import java.util.Arrays;
import java.util.List;

/**
 * The exports a host calls, with their exact Wasm types. All are optional; a missing one behaves as if
 * it returned {@link #absentResult()}, which is what Envoy does when it skips an unexported callback.
 */
public enum Callback {
    INITIALIZE("_initialize", 0, false, 0),
    MAIN("main", 2, true, 0),
    MAIN_VOID("__main_void", 0, true, 0),
    START("_start", 0, false, 0),
    ON_CONTEXT_CREATE("proxy_on_context_create", 2, false, 0),
    ON_VM_START("proxy_on_vm_start", 2, true, 1),
    ON_CONFIGURE("proxy_on_configure", 2, true, 1),
    ON_TICK("proxy_on_tick", 1, false, 0),
    ON_QUEUE_READY("proxy_on_queue_ready", 2, false, 0),
    ON_FOREIGN_FUNCTION("proxy_on_foreign_function", 3, false, 0),
    ON_REQUEST_HEADERS("proxy_on_request_headers", 3, true, 0),
    ON_REQUEST_BODY("proxy_on_request_body", 3, true, 0),
    ON_REQUEST_TRAILERS("proxy_on_request_trailers", 2, true, 0),
    ON_RESPONSE_HEADERS("proxy_on_response_headers", 3, true, 0),
    ON_RESPONSE_BODY("proxy_on_response_body", 3, true, 0),
    ON_RESPONSE_TRAILERS("proxy_on_response_trailers", 2, true, 0),
    ON_HTTP_CALL_RESPONSE("proxy_on_http_call_response", 5, false, 0),
    ON_GRPC_RECEIVE_INITIAL_METADATA("proxy_on_grpc_receive_initial_metadata", 3, false, 0),
    ON_GRPC_RECEIVE("proxy_on_grpc_receive", 3, false, 0),
    ON_GRPC_RECEIVE_TRAILING_METADATA("proxy_on_grpc_receive_trailing_metadata", 3, false, 0),
    ON_GRPC_CLOSE("proxy_on_grpc_close", 3, false, 0),
    ON_LOG("proxy_on_log", 1, false, 0),
    ON_DONE("proxy_on_done", 1, true, 1),
    ON_DELETE("proxy_on_delete", 1, false, 0);

    private final String exportName;
    private final int params;
    private final boolean returnsI32;
    private final long absentResult;

    Callback(String exportName, int params, boolean returnsI32, long absentResult) {
        this.exportName = exportName;
        this.params = params;
        this.returnsI32 = returnsI32;
        this.absentResult = absentResult;
    }

    public String exportName() {
        return exportName;
    }

    /** The value a missing export stands for: true for the boolean start/configure/done callbacks, else 0 (Continue). */
    public long absentResult() {
        return absentResult;
    }

    /** Number of i32 parameters under {@code version}: the header callbacks have no end_of_stream in 0.1.0. */
    public int params(AbiVersion version) {
        boolean headers = this == ON_REQUEST_HEADERS || this == ON_RESPONSE_HEADERS;
        return headers && !version.atLeast020() ? 2 : params;
    }

    /** The exact Wasm type the export must have under {@code version}. */
    public FunctionType type(AbiVersion version) {
        ValType[] args = new ValType[params(version)];
        Arrays.fill(args, ValType.I32);
        return FunctionType.of(List.of(args), returnsI32 ? List.of(ValType.I32) : List.of());
    }
}
