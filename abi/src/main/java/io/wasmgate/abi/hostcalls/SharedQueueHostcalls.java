package io.wasmgate.abi.hostcalls;

import static io.wasmgate.abi.hostcalls.HostcallTable.i32;

import io.wasmgate.abi.context.ProxyWasmVm;
import io.wasmgate.abi.services.SharedQueueRegistry;
import io.wasmgate.abi.wire.WasmResult;
import java.util.OptionalInt;

/**
 * Shared queues. Registering makes this VM's root context the receiver of
 * {@code proxy_on_queue_ready}; an empty vm_id in a lookup means the plugin's own.
 */
final class SharedQueueHostcalls {
    private final ProxyWasmVm vm;

    SharedQueueHostcalls(ProxyWasmVm vm) {
        this.vm = vm;
    }

    void register(HostcallTable table) {
        table.env("proxy_register_shared_queue", 3, a -> proxyRegisterSharedQueue(i32(a[0]), i32(a[1]), i32(a[2])));
        table.env("proxy_resolve_shared_queue", 5,
                a -> proxyResolveSharedQueue(i32(a[0]), i32(a[1]), i32(a[2]), i32(a[3]), i32(a[4])));
        table.env("proxy_enqueue_shared_queue", 3, a -> proxyEnqueueSharedQueue(i32(a[0]), i32(a[1]), i32(a[2])));
        table.env("proxy_dequeue_shared_queue", 3, a -> proxyDequeueSharedQueue(i32(a[0]), i32(a[1]), i32(a[2])));
    }

    WasmResult proxyRegisterSharedQueue(int namePtr, int nameLen, int returnId) {
        String name = vm.memory().readUtf8(namePtr, nameLen);
        vm.memory().check(returnId, 4);
        int id = vm.services().sharedQueues().register(vm.config().vmId(), name, vm::deliverQueueReady);
        vm.memory().writeU32(returnId, id);
        return WasmResult.OK;
    }

    WasmResult proxyResolveSharedQueue(int vmIdPtr, int vmIdLen, int namePtr, int nameLen, int returnId) {
        String vmId = vm.memory().readUtf8(vmIdPtr, vmIdLen);
        String name = vm.memory().readUtf8(namePtr, nameLen);
        OptionalInt id = vm.services().sharedQueues().resolve(vmId.isEmpty() ? vm.config().vmId() : vmId, name);
        if (id.isEmpty()) {
            return WasmResult.NOT_FOUND;
        }
        vm.memory().writeU32(returnId, id.getAsInt());
        return WasmResult.OK;
    }

    WasmResult proxyEnqueueSharedQueue(int queueId, int valuePtr, int valueLen) {
        byte[] value = vm.memory().read(valuePtr, valueLen);
        return vm.services().sharedQueues().enqueue(queueId, value);
    }

    WasmResult proxyDequeueSharedQueue(int queueId, int returnValue, int returnSize) {
        vm.memory().check(returnValue, 4);
        vm.memory().check(returnSize, 4);
        SharedQueueRegistry.Dequeued dequeued = vm.services().sharedQueues().dequeue(queueId);
        if (dequeued.result() == WasmResult.OK) {
            vm.memory().returnBytes(dequeued.item(), returnValue, returnSize);
        }
        return dequeued.result();
    }
}
