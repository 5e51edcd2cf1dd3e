package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.hostcalls.HostcallTable.i32;

import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.wire.WasmResult;

/** Context management: {@code proxy_set_effective_context}, {@code proxy_done}. */
final class ContextHostcalls {
    private final ProxyWasmVm vm;

    ContextHostcalls(ProxyWasmVm vm) {
        this.vm = vm;
    }

    void register(HostcallTable table) {
        table.env("proxy_set_effective_context", 1, a -> proxySetEffectiveContext(i32(a[0])));
        table.env("proxy_done", 0, a -> proxyDone());
    }

    WasmResult proxySetEffectiveContext(int contextId) {
        return vm.setEffectiveContext(contextId);
    }

    WasmResult proxyDone() {
        return vm.effectiveContext().done();
    }
}
