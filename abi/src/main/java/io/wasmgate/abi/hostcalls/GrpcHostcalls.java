package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.hostcalls.HostcallTable.i32;

import io.wasmgate.abi.context.ContextBase;
import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.spi.GrpcCallRequest;
import io.wasmgate.abi.wire.HeaderPairsCodec;
import io.wasmgate.abi.wire.LogLevel;
import io.wasmgate.abi.wire.WasmResult;
import java.time.Duration;

/**
 * gRPC callouts: unary calls and streams to a named cluster, always owned by the root
 * context. An unknown cluster is {@code PARSE_FAILURE} (the spec's status for an upstream that is neither
 * a cluster nor a parsable GrpcService), which the Rust SDK reports as an error instead of panicking.
 */
final class GrpcHostcalls {
    private final ProxyWasmVm vm;

    GrpcHostcalls(ProxyWasmVm vm) {
        this.vm = vm;
    }

    void register(HostcallTable table) {
        table.env("proxy_grpc_call", 12, a -> proxyGrpcCall(i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3]), i32(a[4]),
                i32(a[5]), i32(a[6]), i32(a[7]), i32(a[8]), i32(a[9]), i32(a[10]), i32(a[11])));
        table.env("proxy_grpc_stream", 9, a -> proxyGrpcStream(i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3]), i32(a[4]),
                i32(a[5]), i32(a[6]), i32(a[7]), i32(a[8])));
        table.env("proxy_grpc_send", 4, a -> proxyGrpcSend(i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3])));
        table.env("proxy_grpc_cancel", 1, a -> vm.effectiveContext().root().grpcCancel(i32(a[0])));
        table.env("proxy_grpc_close", 1, a -> vm.effectiveContext().root().grpcClose(i32(a[0])));
    }

    WasmResult proxyGrpcCall(int upstreamPtr, int upstreamLen, int servicePtr, int serviceLen, int methodPtr, int methodLen,
            int metadataPtr, int metadataLen, int messagePtr, int messageLen, int timeoutMillis, int returnToken) {
        byte[] message = vm.memory().read(messagePtr, messageLen);
        return open(upstreamPtr, upstreamLen, servicePtr, serviceLen, methodPtr, methodLen, metadataPtr, metadataLen,
                timeoutMillis, returnToken, message);
    }

    WasmResult proxyGrpcStream(int upstreamPtr, int upstreamLen, int servicePtr, int serviceLen, int methodPtr, int methodLen,
            int metadataPtr, int metadataLen, int returnToken) {
        return open(upstreamPtr, upstreamLen, servicePtr, serviceLen, methodPtr, methodLen, metadataPtr, metadataLen,
                0, returnToken, null);
    }

    private WasmResult open(int upstreamPtr, int upstreamLen, int servicePtr, int serviceLen, int methodPtr, int methodLen,
            int metadataPtr, int metadataLen, int timeoutMillis, int returnToken, byte[] unaryMessage) {
        String cluster = vm.memory().readUtf8(upstreamPtr, upstreamLen);
        String service = vm.memory().readUtf8(servicePtr, serviceLen);
        String method = vm.memory().readUtf8(methodPtr, methodLen);
        byte[] metadata = vm.memory().read(metadataPtr, metadataLen);
        vm.memory().check(returnToken, 4);
        if (timeoutMillis < 0) {
            return WasmResult.BAD_ARGUMENT;
        }
        if (!vm.services().calloutClient().hasCluster(cluster)) {
            vm.log(LogLevel.WARN, "gRPC call to unknown cluster '" + cluster + "'");
            return WasmResult.PARSE_FAILURE;
        }
        GrpcCallRequest request = new GrpcCallRequest(cluster, service, method, HeaderPairsCodec.decode(metadata),
                Duration.ofMillis(timeoutMillis));
        ContextBase origin = vm.effectiveContext();
        int token;
        try {
            token = origin.root().grpcCall(request, origin, unaryMessage);
        } catch (RuntimeException e) {
            vm.log(LogLevel.ERROR, "gRPC call " + service + "/" + method + " to cluster '" + cluster + "' could not start: " + e);
            return WasmResult.INTERNAL_FAILURE;
        }
        vm.memory().writeU32(returnToken, token);
        return WasmResult.OK;
    }

    WasmResult proxyGrpcSend(int token, int messagePtr, int messageLen, int endOfStream) {
        byte[] message = vm.memory().read(messagePtr, messageLen);
        return vm.effectiveContext().root().grpcSend(token, message, endOfStream != 0);
    }
}
