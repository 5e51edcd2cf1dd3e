package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.hostcalls.HostcallTable.i32;

import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.wire.PropertyPath;
import io.wasmgate.abi.wire.PropertyValue;
import io.wasmgate.abi.wire.WasmResult;
import java.util.List;
import java.util.Optional;

/** Properties: {@code proxy_get_property}, {@code proxy_set_property}. */
final class PropertyHostcalls {
    private final ProxyWasmVm vm;

    PropertyHostcalls(ProxyWasmVm vm) {
        this.vm = vm;
    }

    void register(HostcallTable table) {
        table.env("proxy_get_property", 4, a -> proxyGetProperty(i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3])));
        table.env("proxy_set_property", 4, a -> proxySetProperty(i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3])));
    }

    WasmResult proxyGetProperty(int pathPtr, int pathLen, int returnValue, int returnSize) {
        List<String> path = PropertyPath.parse(vm.memory().read(pathPtr, pathLen));
        Optional<PropertyValue> value = vm.effectiveContext().property(path);
        if (value.isEmpty()) {
            return WasmResult.NOT_FOUND;
        }
        vm.memory().returnBytes(value.get().encode(), returnValue, returnSize);
        return WasmResult.OK;
    }

    WasmResult proxySetProperty(int pathPtr, int pathLen, int valuePtr, int valueLen) {
        List<String> path = PropertyPath.parse(vm.memory().read(pathPtr, pathLen));
        byte[] value = vm.memory().read(valuePtr, valueLen);
        return vm.effectiveContext().setProperty(path, value);
    }
}
