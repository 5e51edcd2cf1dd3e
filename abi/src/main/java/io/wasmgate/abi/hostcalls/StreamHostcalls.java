package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.hostcalls.HostcallTable.i32;

import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.spi.LocalReply;
import io.wasmgate.abi.wire.HeaderPairsCodec;
import io.wasmgate.abi.wire.StreamType;
import io.wasmgate.abi.wire.WasmResult;
import java.util.OptionalInt;

/**
 * Stream control: continue, close and local replies, plus ABI 0.1.0's
 * {@code proxy_continue_request}, {@code proxy_continue_response} and {@code proxy_clear_route_cache}.
 * The effects run after the VM call returns.
 */
final class StreamHostcalls {
    private static final int MAX_GRPC_STATUS = 16;

    private final ProxyWasmVm vm;

    StreamHostcalls(ProxyWasmVm vm) {
        this.vm = vm;
    }

    void register(HostcallTable table) {
        table.env("proxy_continue_stream", 1, a -> proxyContinueStream(i32(a[0])));
        table.env("proxy_close_stream", 1, a -> proxyCloseStream(i32(a[0])));
        table.env("proxy_send_local_response", 8, a -> proxySendLocalResponse(
                i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3]), i32(a[4]), i32(a[5]), i32(a[6]), i32(a[7])));
        table.env("proxy_continue_request", 0, a -> vm.effectiveContext().continueStream(StreamType.HTTP_REQUEST));
        table.env("proxy_continue_response", 0, a -> vm.effectiveContext().continueStream(StreamType.HTTP_RESPONSE));
        table.env("proxy_clear_route_cache", 0, a -> proxyClearRouteCache());
    }

    WasmResult proxyContinueStream(int type) {
        return StreamType.of(type).map(vm.effectiveContext()::continueStream).orElse(WasmResult.BAD_ARGUMENT);
    }

    WasmResult proxyCloseStream(int type) {
        return StreamType.of(type).map(vm.effectiveContext()::closeStream).orElse(WasmResult.BAD_ARGUMENT);
    }

    /**
     * Envoy's rules: whitespace in the details becomes {@code _}; a gRPC status outside 0..16 (SDKs pass
     * -1) means none; the callback's return is forced to a stop.
     */
    WasmResult proxySendLocalResponse(int status, int detailsPtr, int detailsLen, int bodyPtr, int bodyLen,
            int headersPtr, int headersLen, int grpcStatus) {
        String details = vm.memory().readUtf8(detailsPtr, detailsLen).replaceAll("\\s", "_");
        byte[] body = vm.memory().read(bodyPtr, bodyLen);
        byte[] headers = vm.memory().read(headersPtr, headersLen);
        OptionalInt grpc = grpcStatus >= 0 && grpcStatus <= MAX_GRPC_STATUS ? OptionalInt.of(grpcStatus) : OptionalInt.empty();
        LocalReply reply = new LocalReply(status, details, body, HeaderPairsCodec.decode(headers), grpc);
        return vm.effectiveContext().sendLocalResponse(reply);
    }

    /** Routes are chosen before plugins run in both integrations, so there is no cache to clear. */
    WasmResult proxyClearRouteCache() {
        return WasmResult.OK;
    }
}
