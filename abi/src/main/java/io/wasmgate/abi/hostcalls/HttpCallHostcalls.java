package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.hostcalls.HostcallTable.i32;

import io.wasmgate.abi.context.ContextBase;
import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.context.RootContext;
import io.wasmgate.abi.spi.HttpCallRequest;
import io.wasmgate.abi.wire.HeaderPairsCodec;
import io.wasmgate.abi.wire.LogLevel;
import io.wasmgate.abi.wire.WasmResult;
import java.time.Duration;
import java.util.List;

/**
 * HTTP callouts: {@code proxy_http_call} to a named cluster, answered later with
 * {@code proxy_on_http_call_response} on the root context, and {@code proxy_get_status} for the outcome.
 */
final class HttpCallHostcalls {
    private final ProxyWasmVm vm;

    HttpCallHostcalls(ProxyWasmVm vm) {
        this.vm = vm;
    }

    void register(HostcallTable table) {
        table.env("proxy_http_call", 10, a -> proxyHttpCall(i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3]), i32(a[4]),
                i32(a[5]), i32(a[6]), i32(a[7]), i32(a[8]), i32(a[9])));
        table.env("proxy_get_status", 3, a -> proxyGetStatus(i32(a[0]), i32(a[1]), i32(a[2])));
    }

    /**
     * {@code BAD_ARGUMENT} for an unknown cluster, a negative timeout or headers without {@code :method},
     * {@code :path} and {@code :authority}; {@code INTERNAL_FAILURE} if the client cannot send.
     */
    WasmResult proxyHttpCall(int upstreamPtr, int upstreamLen, int headersPtr, int headersLen, int bodyPtr, int bodyLen,
            int trailersPtr, int trailersLen, int timeoutMillis, int returnToken) {
        String cluster = vm.memory().readUtf8(upstreamPtr, upstreamLen);
        byte[] headers = vm.memory().read(headersPtr, headersLen);
        byte[] body = vm.memory().read(bodyPtr, bodyLen);
        byte[] trailers = vm.memory().read(trailersPtr, trailersLen);
        vm.memory().check(returnToken, 4);
        if (timeoutMillis < 0) {
            return WasmResult.BAD_ARGUMENT;
        }
        HttpCallRequest request = new HttpCallRequest(cluster, HeaderPairsCodec.decode(headers), body,
                HeaderPairsCodec.decode(trailers), Duration.ofMillis(timeoutMillis));
        if (!hasRequiredHeaders(request)) {
            return WasmResult.BAD_ARGUMENT;
        }
        if (!vm.services().calloutClient().hasCluster(cluster)) {
            vm.log(LogLevel.WARN, "proxy_http_call to unknown cluster '" + cluster + "'");
            return WasmResult.BAD_ARGUMENT;
        }
        ContextBase origin = vm.effectiveContext();
        int token;
        try {
            token = origin.root().httpCall(request, origin);
        } catch (RuntimeException e) {
            vm.log(LogLevel.ERROR, "proxy_http_call to cluster '" + cluster + "' could not be sent: " + e);
            return WasmResult.INTERNAL_FAILURE;
        }
        vm.memory().writeU32(returnToken, token);
        return WasmResult.OK;
    }

    /** The status of the last call response or gRPC close delivered to the root context. */
    WasmResult proxyGetStatus(int returnCode, int returnMessage, int returnMessageSize) {
        RootContext root = vm.effectiveContext().root();
        vm.memory().check(returnCode, 4);
        vm.memory().returnBytes(root.calloutStatusMessage(), returnMessage, returnMessageSize);
        vm.memory().writeU32(returnCode, root.calloutStatusCode());
        return WasmResult.OK;
    }

    private static boolean hasRequiredHeaders(HttpCallRequest request) {
        for (String name : List.of(":method", ":path", ":authority")) {
            if (request.header(name).isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
