package io.wasmgate.abi.hostcalls;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.wasmgate.abi.wire.WasmResult;
import java.util.Map;

/**
 * ABI 0.2.1 hostcalls not served yet: timers, callouts, gRPC, shared data, shared queues, metrics and
 * foreign functions. They are linked with their exact types, so modules that import them (every Rust SDK
 * module does) instantiate, and answer {@code UNIMPLEMENTED} when called.
 */
final class UnimplementedHostcalls {
    /** Name to number of i32 parameters, for the calls whose parameters are all i32. */
    private static final Map<String, Integer> I32_CALLS = Map.ofEntries(
            Map.entry("proxy_set_tick_period_milliseconds", 1),
            Map.entry("proxy_http_call", 10),
            Map.entry("proxy_get_status", 3),
            Map.entry("proxy_grpc_call", 12),
            Map.entry("proxy_grpc_stream", 9),
            Map.entry("proxy_grpc_send", 4),
            Map.entry("proxy_grpc_cancel", 1),
            Map.entry("proxy_grpc_close", 1),
            Map.entry("proxy_get_shared_data", 5),
            Map.entry("proxy_set_shared_data", 5),
            Map.entry("proxy_register_shared_queue", 3),
            Map.entry("proxy_resolve_shared_queue", 5),
            Map.entry("proxy_enqueue_shared_queue", 3),
            Map.entry("proxy_dequeue_shared_queue", 3),
            Map.entry("proxy_define_metric", 4),
            Map.entry("proxy_get_metric", 2),
            Map.entry("proxy_call_foreign_function", 6));

    /** {@code (metric_id: i32, value: i64) -> i32}. */
    private static final FunctionType METRIC_UPDATE = FunctionType.of(
            new ValType[] {ValType.I32, ValType.I64}, new ValType[] {ValType.I32});

    void register(HostcallTable table) {
        I32_CALLS.forEach((name, params) -> table.env(name, params, args -> WasmResult.UNIMPLEMENTED));
        table.env("proxy_increment_metric", METRIC_UPDATE, args -> WasmResult.UNIMPLEMENTED);
        table.env("proxy_record_metric", METRIC_UPDATE, args -> WasmResult.UNIMPLEMENTED);
    }
}
