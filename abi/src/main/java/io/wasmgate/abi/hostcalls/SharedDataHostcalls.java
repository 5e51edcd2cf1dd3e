package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.hostcalls.HostcallTable.i32;

import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.services.SharedDataStore;
import io.wasmgate.abi.wire.WasmResult;
import java.util.Optional;

/** Shared data, in the plugin's vm_id namespace. */
final class SharedDataHostcalls {
    private final ProxyWasmVm vm;

    SharedDataHostcalls(ProxyWasmVm vm) {
        this.vm = vm;
    }

    void register(HostcallTable table) {
        table.env("proxy_get_shared_data", 5, a -> proxyGetSharedData(i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3]), i32(a[4])));
        table.env("proxy_set_shared_data", 5, a -> proxySetSharedData(i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3]), i32(a[4])));
    }

    WasmResult proxyGetSharedData(int keyPtr, int keyLen, int returnValue, int returnSize, int returnCas) {
        String key = vm.memory().readUtf8(keyPtr, keyLen);
        Optional<SharedDataStore.Entry> entry = vm.services().sharedData().get(vm.config().vmId(), key);
        if (entry.isEmpty()) {
            return WasmResult.NOT_FOUND;
        }
        vm.memory().check(returnCas, 4);
        vm.memory().returnBytes(entry.get().value(), returnValue, returnSize);
        vm.memory().writeU32(returnCas, entry.get().cas());
        return WasmResult.OK;
    }

    WasmResult proxySetSharedData(int keyPtr, int keyLen, int valuePtr, int valueLen, int cas) {
        String key = vm.memory().readUtf8(keyPtr, keyLen);
        byte[] value = vm.memory().read(valuePtr, valueLen);
        return vm.services().sharedData().set(vm.config().vmId(), key, value, cas);
    }
}
