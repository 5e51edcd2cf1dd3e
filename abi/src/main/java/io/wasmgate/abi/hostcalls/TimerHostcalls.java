package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.hostcalls.HostcallTable.i32;

import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.wire.WasmResult;

/** {@code proxy_set_tick_period_milliseconds}: always the root context's timer. */
final class TimerHostcalls {
    private final ProxyWasmVm vm;

    TimerHostcalls(ProxyWasmVm vm) {
        this.vm = vm;
    }

    void register(HostcallTable table) {
        table.env("proxy_set_tick_period_milliseconds", 1, a -> proxySetTickPeriodMilliseconds(i32(a[0])));
    }

    WasmResult proxySetTickPeriodMilliseconds(int periodMillis) {
        vm.effectiveContext().root().setTickPeriod(Integer.toUnsignedLong(periodMillis));
        return WasmResult.OK;
    }
}
