package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.hostcalls.HostcallTable.i32;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.services.GuestMetrics;
import io.wasmgate.abi.wire.MetricType;
import io.wasmgate.abi.wire.WasmResult;
import java.util.Optional;

/** Metrics on the plugin's {@link GuestMetrics}. */
final class MetricHostcalls {
    /** {@code (metric_id: i32, value: i64) -> i32}: the only i64 parameters of the ABI. */
    private static final FunctionType METRIC_UPDATE = FunctionType.of(
            new ValType[] {ValType.I32, ValType.I64}, new ValType[] {ValType.I32});

    private final ProxyWasmVm vm;

    MetricHostcalls(ProxyWasmVm vm) {
        this.vm = vm;
    }

    void register(HostcallTable table) {
        table.env("proxy_define_metric", 4, a -> proxyDefineMetric(i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3])));
        table.env("proxy_increment_metric", METRIC_UPDATE, a -> vm.guestMetrics().increment(i32(a[0]), a[1]));
        table.env("proxy_record_metric", METRIC_UPDATE, a -> vm.guestMetrics().record(i32(a[0]), a[1]));
        table.env("proxy_get_metric", 2, a -> proxyGetMetric(i32(a[0]), i32(a[1])));
    }

    WasmResult proxyDefineMetric(int type, int namePtr, int nameLen, int returnId) {
        Optional<MetricType> metricType = MetricType.of(type);
        if (metricType.isEmpty()) {
            return WasmResult.BAD_ARGUMENT;
        }
        String name = vm.memory().readUtf8(namePtr, nameLen);
        vm.memory().check(returnId, 4);
        int id;
        try {
            id = vm.guestMetrics().define(metricType.get(), name);
        } catch (IllegalArgumentException e) {
            // A name in the host's namespace, or one Micrometer already holds as another meter type.
            return WasmResult.BAD_ARGUMENT;
        }
        vm.memory().writeU32(returnId, id);
        return WasmResult.OK;
    }

    WasmResult proxyGetMetric(int metricId, int returnValue) {
        GuestMetrics.Reading reading = vm.guestMetrics().read(metricId);
        if (reading.result() == WasmResult.OK) {
            vm.memory().writeU64(returnValue, reading.value());
        }
        return reading.result();
    }
}
