package io.wasmgate.abi.hostcalls;

import io.wasmgate.abi.wire.WasmResult;
import java.util.Map;

/**
 * The gRPC callout hostcalls, not served yet. They
 * are linked with their exact types, so modules that import them (every Rust SDK module does)
 * instantiate, and answer {@code UNIMPLEMENTED} when called.
 */
final class UnimplementedHostcalls {
    /** Name to number of i32 parameters. */
    private static final Map<String, Integer> I32_CALLS = Map.ofEntries(
            Map.entry("proxy_grpc_call", 12),
            Map.entry("proxy_grpc_stream", 9),
            Map.entry("proxy_grpc_send", 4),
            Map.entry("proxy_grpc_cancel", 1),
            Map.entry("proxy_grpc_close", 1));

    void register(HostcallTable table) {
        I32_CALLS.forEach((name, params) -> table.env(name, params, args -> WasmResult.UNIMPLEMENTED));
    }
}
